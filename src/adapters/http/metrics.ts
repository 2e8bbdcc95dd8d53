import { RequestStore } from '../../application/ports';

/** Prometheus text metrics: HTTP answers by route and status, outbox backlog, uptime. */
export class Metrics {
  private readonly http = new Map<string, number>();
  private readonly startedAt = Date.now();

  constructor(private readonly store: RequestStore) {}

  /** Counts one HTTP answer. */
  countHttp(route: string, status: number): void {
    const key = `route="${route.replace(/"/g, '')}",status="${status}"`;
    this.http.set(key, (this.http.get(key) ?? 0) + 1);
  }

  /** The exposition text. */
  async render(): Promise<string> {
    const lines = [
      '# HELP doorman_http_responses_total HTTP responses by route and status.',
      '# TYPE doorman_http_responses_total counter',
      ...[...this.http].map(([labels, count]) => `doorman_http_responses_total{${labels}} ${count}`),
      '# HELP doorman_outbox_pending Outbox rows waiting for delivery.',
      '# TYPE doorman_outbox_pending gauge',
      `doorman_outbox_pending ${await this.store.pendingOutboxCount()}`,
      '# HELP doorman_uptime_seconds Seconds since the process started.',
      '# TYPE doorman_uptime_seconds gauge',
      `doorman_uptime_seconds ${Math.round((Date.now() - this.startedAt) / 1000)}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
