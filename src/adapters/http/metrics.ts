import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Clock, OutboxHealth } from '../../application/ports';

/** Reads the outbox's health once per scrape (main.ts passes the outbox store's query). */
export type ReadOutboxHealth = (now: Date) => Promise<OutboxHealth>;

/** The label every path that is not one of Doorman's routes shares: random paths never grow the exposition. */
export const OTHER_ROUTE = 'other';

/**
 * Prometheus metrics through prom-client, one registry per Doorman (tests run several in one process): the
 * process's default metrics, HTTP request durations by known route pattern, outbox health, uptime and the
 * portal's link-guessing alarm.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  private readonly guessAlarms: Counter;
  private readonly guessesInWindow: Gauge;
  private readonly startedAt: number;

  constructor(readOutboxHealth: ReadOutboxHealth, clock: Clock) {
    const registry = this.registry;
    this.startedAt = clock.now().getTime();
    collectDefaultMetrics({ register: registry, prefix: 'doorman_' });
    this.httpDuration = new Histogram({
      name: 'doorman_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern (unknown paths: "other"), method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10],
      registers: [registry],
    });
    const uptime = new Gauge({ name: 'doorman_uptime_seconds', help: 'Seconds since Doorman started.', registers: [registry] });
    const pending = new Gauge({ name: 'doorman_outbox_pending', help: 'Outbox rows waiting for delivery.', registers: [registry] });
    const oldest = new Gauge({
      name: 'doorman_outbox_oldest_pending_seconds',
      help: 'Seconds the oldest waiting outbox row has waited; 0 when none waits.',
      registers: [registry],
    });
    const failed = new Gauge({
      name: 'doorman_outbox_failed',
      help: 'Outbox rows given up, by message type.',
      labelNames: ['type'],
      registers: [registry],
    });
    // One outbox query per scrape, shared by the three outbox gauges (prom-client collects them one by one).
    let health: Promise<void> | null = null;
    const refresh = () => {
      health ??= readOutboxHealth(clock.now()).then(
        (now) => {
          pending.set(now.pending);
          oldest.set(now.oldestPendingSeconds);
          failed.reset();
          for (const [type, count] of Object.entries(now.failedByType)) failed.set({ type }, count);
        },
        () => undefined,
      );
      return health;
    };
    this.beforeScrape = async () => {
      health = null;
      uptime.set(Math.round((clock.now().getTime() - this.startedAt) / 1000));
      await refresh();
    };
    this.guessAlarms = new Counter({
      name: 'doorman_portal_guess_budget_exceeded_total',
      help: 'Unknown portal link codes refused because the guess budget of all addresses together was spent.',
      registers: [registry],
    });
    this.guessesInWindow = new Gauge({
      name: 'doorman_portal_unknown_codes_in_window',
      help: 'Unknown portal link codes asked for, from all addresses, in the current guess-budget window.',
      registers: [registry],
    });
  }

  private readonly beforeScrape: () => Promise<void>;

  /** Records one answered HTTP request; `route` must be a route pattern or OTHER_ROUTE. */
  observeHttp(route: string, method: string, status: number, seconds: number): void {
    this.httpDuration.observe({ route, method: KNOWN_METHODS.has(method) ? method : 'other', status: String(status) }, seconds);
  }

  /** Records the portal's guess budget: the misses counted in this window, and each refusal beyond it. */
  recordGuesses(inWindow: number, refused: boolean): void {
    this.guessesInWindow.set(inWindow);
    if (refused) this.guessAlarms.inc();
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    await this.beforeScrape();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
