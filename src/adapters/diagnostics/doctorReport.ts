import { Store } from '../../application/ports';
import { Config } from '../../config';
import type { GraphConnection } from '../graph/graphClient';
import type { GraphDoctorDeps } from '../graph/graphDoctor';

/** How many of the newest given-up deliveries `doctor` lists. */
const NEWEST_FAILURES = 5;

/**
 * The `doctor` checklist: the store and delivery backlog, deliveries given up (by type, and the newest with request
 * and reason), the modes in use, and every Graph check that applies. The channels of each purpose follow in
 * channelsAndPeopleReport.
 */
export async function doctorReport(
  config: Config,
  store: Store,
  graph: GraphConnection | null,
  now: Date = new Date(),
  devices?: GraphDoctorDeps['devices'],
): Promise<{ text: string; problems: number }> {
  let problems = 0;
  const reachable = await store.ping().then(
    () => 'reachable',
    () => {
      problems += 1;
      return 'UNREACHABLE — check DATABASE_URL / SQLITE_PATH';
    },
  );
  const failures = await failedDeliveries(store, now);
  problems += failures.count;
  const lines = [
    `Store: ${config.store.kind} — ${reachable}`,
    `Outbox backlog: ${await store.pendingOutboxCount().catch(() => 'unknown')}`,
    failures.text,
    `Meetings: ${config.meetings === 'graph' ? `Teams meetings through Graph (${config.graph?.meetingMode})` : 'local room (not a Teams meeting)'}`,
    `Mail: ${config.mail.kind === 'graph' ? `Graph sendMail from ${config.mail.sender}` : `.eml files in ${config.mail.dir}`}`,
  ];
  if (graph && config.graph) {
    // Loaded here, not at the top: without Graph (local mode) Doorman never loads the Graph SDK.
    const { formatDoctorReport, runGraphDoctor } = await import('../graph/graphDoctor');
    const checks = await runGraphDoctor(config, { graph, store, devices });
    problems += checks.filter((check) => check.status === 'problem').length;
    lines.push('', formatDoctorReport(checks));
  }
  return { text: lines.join('\n\n'), problems };
}

/** Deliveries the outbox gave up on: never silent. */
async function failedDeliveries(store: Store, now: Date): Promise<{ text: string; count: number }> {
  try {
    const [health, newest] = await Promise.all([store.outboxHealth(now), store.failedOutbox(NEWEST_FAILURES)]);
    const byType = Object.entries(health.failedByType).sort(([a], [b]) => a.localeCompare(b));
    const count = byType.reduce((sum, [, n]) => sum + n, 0);
    if (count === 0) return { text: 'Deliveries given up: none', count };
    const lines = [
      `Deliveries given up: ${count} — ${byType.map(([type, n]) => `${type} ${n}`).join(', ')}`,
      ...newest.map(
        (failure) =>
          `- ${failure.failedAt.toISOString()} ${failure.type}${failure.requestId ? ` for request ${failure.requestId}` : ''} ` +
          `after ${failure.attempts} attempt(s): ${failure.error ?? 'no reason recorded'}`,
      ),
    ];
    return { text: lines.join('\n'), count };
  } catch {
    return { text: 'Deliveries given up: unknown (the store did not answer)', count: 0 };
  }
}
