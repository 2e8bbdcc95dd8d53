import { DoormanError } from '../../domain/errors';
import { Actor, actorId } from '../../domain/people';
import { mayAdminister } from '../../domain/policy';
import { DefaultQueueReason, QueuePurpose, defaultQueueOf } from '../../domain/queues';
import { Queue } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** The Teams channel a registration is said in. */
export interface ChannelPlace {
  channelId: string;
  teamId: string | null;
  serviceUrl: string;
  tenantId: string;
}

/** What registering a channel asks for: its purpose, a name people see, and whether it becomes the default. */
export interface ChannelRegistration {
  purpose: QueuePurpose;
  name: string;
  makeDefault: boolean;
}

/** The channel as registered now, and the queue of its purpose used when nobody picks one. */
export interface RegisteredChannel {
  queue: Queue;
  defaultQueue: Queue | null;
}

/**
 * An admin registers the channel they speak in for a purpose (DESIGN.md §5): a channel serves one purpose, so a
 * second registration changes it. Approvals and assistance have one channel each, so registering makes it theirs.
 * The registration and its `channel.registered` audit event are saved together.
 */
export async function registerChannel(
  deps: UseCaseDeps,
  actor: Actor,
  place: ChannelPlace,
  registration: ChannelRegistration,
): Promise<RegisteredChannel> {
  if (actor.type !== 'person' || !mayAdminister(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  const queues = await deps.queues.listQueues();
  const existing = queues.find((queue) => queue.channelId === place.channelId);
  const keepsDefault = existing?.purpose === registration.purpose && existing.isDefault;
  const queue: Queue = {
    id: existing?.id ?? deps.secrets.newRequestId(),
    name: registration.name,
    purpose: registration.purpose,
    isDefault: registration.makeDefault || registration.purpose !== 'sessions' || keepsDefault,
    teamId: place.teamId,
    channelId: place.channelId,
    serviceUrl: place.serviceUrl,
    tenantId: place.tenantId,
    registeredBy: actor.person.aadObjectId,
    registeredAt: deps.clock.now(),
  };
  await deps.queues.saveQueue(queue, {
    action: 'channel.registered',
    subjectId: queue.id,
    detail: { purpose: queue.purpose, name: queue.name },
    actorId: actorId(actor),
    actorType: actor.type,
    source: 'chat',
    at: queue.registeredAt,
  });
  deps.logger.info({ queueId: queue.id, purpose: queue.purpose, isDefault: queue.isDefault }, 'channel registered');
  const now = await deps.queues.listQueues();
  return { queue, defaultQueue: defaultQueueOf(now, registration.purpose)?.queue ?? null };
}

/** The sessions queues an agent can pick, and the one used when the agent picks none (with why), or null. */
export interface SessionQueueChoice {
  queues: Queue[];
  defaultQueue: { queue: Queue; reason: DefaultQueueReason } | null;
}

/** The queues a new session request may go to: only channels registered for sessions. */
export async function sessionQueueChoice(deps: UseCaseDeps): Promise<SessionQueueChoice> {
  const queues = (await deps.queues.listQueues()).filter((queue) => queue.purpose === 'sessions');
  return { queues, defaultQueue: defaultQueueOf(queues, 'sessions') };
}

/** The channel approvers decide lockbox requests in, or null when none is registered for approvals. */
export async function approvalsQueue(deps: UseCaseDeps): Promise<Queue | null> {
  return defaultQueueOf(await deps.queues.listQueues(), 'approvals')?.queue ?? null;
}
