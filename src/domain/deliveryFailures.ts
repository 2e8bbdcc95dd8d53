/** What kind of message about a request Doorman finally gave up delivering. */
export type UndeliveredType = 'card.post' | 'chat.notify' | 'thread.mention' | 'mail.send' | 'webhook' | 'activity.notify';

/** Who or what a given-up message was for: the request's channel, one person, or the system that asked (webhook). */
export type UndeliveredTarget = { kind: 'channel' } | { kind: 'person'; aadObjectId: string } | { kind: 'system' };

/** A message about a request that was given up, recorded on the request so its cards say so (never silent). */
export interface DeliveryFailure {
  type: UndeliveredType;
  target: UndeliveredTarget;
  /** An error code, or the error's name when it had none. */
  code: string;
  detail: string | null;
  /** Set when a notice that could not reach the person in Teams reached them by mail instead. */
  fallback?: 'mail';
}

/** A request keeps only its last few failures: enough to say who was not reached, never a log. */
export const KEPT_DELIVERY_FAILURES = 3;

/** The failures after `failure`: one per type and target (the newest), the last few only. */
export function withDeliveryFailure(failures: readonly DeliveryFailure[] | undefined, failure: DeliveryFailure): DeliveryFailure[] {
  const same = (other: DeliveryFailure) => other.type === failure.type && sameTarget(other.target, failure.target);
  return [...(failures ?? []).filter((other) => !same(other)), failure].slice(-KEPT_DELIVERY_FAILURES);
}

/** The failures after a card reached `aadObjectId` after all: what was said about them is no longer true. */
export function withPersonReached(failures: readonly DeliveryFailure[] | undefined, aadObjectId: string): DeliveryFailure[] {
  return (failures ?? []).filter((failure) => !sameTarget(failure.target, { kind: 'person', aadObjectId }));
}

/** True when something given up for `aadObjectId` is recorded (a later card reaching them clears it). */
export function isPersonNotReached(failures: readonly DeliveryFailure[] | undefined, aadObjectId: string): boolean {
  return withPersonReached(failures, aadObjectId).length !== (failures ?? []).length;
}

function sameTarget(a: UndeliveredTarget, b: UndeliveredTarget): boolean {
  if (a.kind === 'person' && b.kind === 'person') return a.aadObjectId === b.aadObjectId;
  return a.kind === b.kind;
}
