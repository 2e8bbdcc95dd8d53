import { RequestStore } from '../../application/ports';
import { Config } from '../../config';
import { GraphConnection } from '../graph/graphClient';
import { formatDoctorReport, runGraphDoctor } from '../graph/graphDoctor';

/** The `doctor` checklist: the store and delivery backlog, the modes in use, and every Graph check that applies. */
export async function doctorReport(config: Config, store: RequestStore, graph: GraphConnection | null): Promise<{ text: string; problems: number }> {
  let problems = 0;
  const reachable = await store.ping().then(
    () => 'reachable',
    () => {
      problems += 1;
      return 'UNREACHABLE — check DATABASE_URL / SQLITE_PATH';
    },
  );
  const queues = await store.listQueues().catch(() => []);
  const lines = [
    `Store: ${config.store.kind} — ${reachable}`,
    `Outbox backlog: ${await store.pendingOutboxCount().catch(() => 'unknown')}`,
    `Queues registered: ${queues.map((queue) => queue.name).join(', ') || 'none — say "@Doorman register queue <name>" in a channel'}`,
    `Meetings: ${config.meetings === 'graph' ? `Teams meetings through Graph (${config.graph?.meetingMode})` : 'local room (not a Teams meeting)'}`,
    `Mail: ${config.mail.kind === 'graph' ? `Graph sendMail from ${config.mail.sender}` : `.eml files in ${config.mail.dir}`}`,
  ];
  if (graph && config.graph) {
    const checks = await runGraphDoctor(config, { graph, store });
    problems += checks.filter((check) => check.status === 'problem').length;
    lines.push('', formatDoctorReport(checks));
  }
  return { text: lines.join('\n\n'), problems };
}
