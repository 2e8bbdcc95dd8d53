import { Directory, OutboxStore, Queue, QueueStore, UnreachablePerson } from '../../application/ports';
import { QueuePurpose, defaultQueueOf } from '../../domain/queues';
import { Role } from '../../domain/people';

const ROLES: readonly Role[] = ['admin', 'agent', 'approver', 'engineer'];

/**
 * The `doctor` section on where requests go and who cannot be reached: the channel of each purpose (a missing
 * approvals channel is a problem: lockbox requests are refused), and every person with cards or notices waiting
 * or given up because they never opened Doorman, by display name.
 */
export async function channelsAndPeopleReport(store: QueueStore & OutboxStore, directory: Directory | null): Promise<{ text: string; problems: number }> {
  let problems = 0;
  const queues = await store.listQueues().catch(() => [] as Queue[]);
  const lines = [`Sessions: ${sessionsLine(queues)}`];
  const approvals = defaultQueueOf(queues, 'approvals');
  if (approvals) {
    lines.push(`Approvals: ${approvals.queue.name} — lockbox requests are decided there`);
  } else {
    problems += 1;
    lines.push('No channel is registered for approvals: lockbox requests are refused until an admin says "@Doorman register approvals" in the approvers\' channel.');
  }
  const assistance = names(queues, 'assistance');
  lines.push(
    assistance
      ? `Assistance: ${assistance} — requests for help ("help me") are answered there`
      : 'Assistance: none registered — "help me" is refused until an admin says "@Doorman register assistance" in the support channel',
  );

  const unreachable = await store.unreachablePeople().catch(() => []);
  if (unreachable.length === 0) {
    lines.push('Everyone Doorman has cards or notices for can be reached in Teams.');
  } else {
    problems += 1;
    const known = await knownPeople(directory);
    const people = unreachable.map((person) => {
      const who = known.get(person.userId);
      const counts = [person.pending > 0 ? `${person.pending} waiting` : '', person.failed > 0 ? `${person.failed} given up` : ''].filter(Boolean);
      const mail = who?.email ? '' : 'no mail address either';
      return `${who?.name ?? `unknown person ${person.userId}`} (${[counts.join(', '), reachText(person), mail].filter(Boolean).join('; ')})`;
    });
    lines.push(`Not reachable in Teams — cards and notices for these people wait, went by mail or were given up: ${people.join('; ')}.`);
  }
  return { text: lines.join('\n\n'), problems };
}

function sessionsLine(queues: readonly Queue[]): string {
  const listed = names(queues, 'sessions');
  if (!listed) return 'none — say "@Doorman register queue <name>" in a channel';
  if (defaultQueueOf(queues, 'sessions') === null) {
    return `${listed} — no default queue: requests nobody routes go to no channel ("@Doorman register queue <name> default")`;
  }
  return listed;
}

function names(queues: readonly Queue[], purpose: QueuePurpose): string {
  return queues
    .filter((queue) => queue.purpose === purpose)
    .map((queue) => (queue.isDefault && purpose === 'sessions' ? `${queue.name} (default)` : queue.name))
    .join(', ');
}

async function knownPeople(directory: Directory | null): Promise<Map<string, { name: string; email: string | null }>> {
  const known = new Map<string, { name: string; email: string | null }>();
  if (directory) {
    for (const role of ROLES) {
      for (const person of await directory.listByRole(role).catch(() => [])) {
        known.set(person.aadObjectId, { name: person.name, email: person.email ?? known.get(person.aadObjectId)?.email ?? null });
      }
    }
  }
  return known;
}

/** Why a person cannot be reached in Teams, and the fix, as `doctor` says it. */
function reachText(person: UnreachablePerson): string {
  const reach = person.reach;
  if (reach === null) return 'never opened Doorman in Teams';
  if (reach.status === 'opening') return 'a chat is being opened for them';
  switch (reach.problem?.code) {
    case 'GRAPH.FORBIDDEN':
      return `install forbidden: ${reach.problem.detail ?? 'grant TeamsAppInstallation.ReadWriteSelfForUser.All'}`;
    case 'REACH.NO_APP_ID':
      return 'no app id configured: set TEAMS_APP_ID to the app id in the organization app catalog so Doorman can install itself for them';
    default:
      return `installing Doorman for them or opening their chat failed${reach.problem?.detail ? ` (${reach.problem.detail})` : ''}: ask them to open Doorman in Teams once`;
  }
}
