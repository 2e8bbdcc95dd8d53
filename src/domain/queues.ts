/**
 * What a registered channel is for (DESIGN.md §1): session requests, lockbox approvals, or assistance requests.
 * A request never lands in a channel of another purpose.
 */
export type QueuePurpose = 'sessions' | 'approvals' | 'assistance';

/** What the choice of a queue looks at. */
export interface PurposedQueue {
  purpose: QueuePurpose;
  isDefault: boolean;
}

/** Why a queue is the one used when nobody picked one. */
export type DefaultQueueReason = 'default' | 'only';

/**
 * The queue requests of `purpose` go to when nobody picked one: the one an admin made the default, else the only
 * one of that purpose. With several and no default, or none at all, there is no answer: Doorman never guesses.
 */
export function defaultQueueOf<Q extends PurposedQueue>(
  queues: readonly Q[],
  purpose: QueuePurpose,
): { queue: Q; reason: DefaultQueueReason } | null {
  const fitting = queues.filter((queue) => queue.purpose === purpose);
  const chosen = fitting.find((queue) => queue.isDefault);
  if (chosen) return { queue: chosen, reason: 'default' };
  return fitting.length === 1 ? { queue: fitting[0], reason: 'only' } : null;
}
