import { DeliveryFailure, isPersonNotReached } from '../../domain/deliveryFailures';
import { isDoormanError } from '../../domain/errors';
import { recordAssistSide } from '../../domain/assist';
import { recordInvitationSide } from '../../domain/invitation';
import { recordLockboxSide } from '../../domain/lockbox';
import { Actor } from '../../domain/people';
import { recordSessionSide } from '../../domain/session';
import { OutboxMessage, PersonUnreachableError } from '../ports';
import { commitRequest } from '../shared/requestCommit';
import { UseCaseDeps } from '../shared/useCaseDeps';

const DISPATCHER: Actor = { type: 'system', name: 'dispatcher' };

/**
 * What a given-up message meant for its request: who or what was not reached. Null for messages that change no one's
 * knowledge of the request (card updates, meeting and access work: `doctor` and metrics list those).
 */
export function deliveryFailureOf(message: OutboxMessage, error: unknown): DeliveryFailure | null {
  if (error instanceof PersonUnreachableError) return deliveryFailureOf(message, { code: error.problem.code, detail: error.problem.detail });
  const given = error as { code?: unknown; detail?: unknown } | null;
  const code = isDoormanError(error) ? error.code : error instanceof Error ? error.name : typeof given?.code === 'string' ? given.code : 'Error';
  const detail =
    error instanceof Error
      ? error.message !== '' ? error.message.slice(0, 200) : null
      : typeof given?.detail === 'string' ? given.detail.slice(0, 200) : null;
  switch (message.type) {
    case 'card.post':
      return {
        type: message.type,
        target: message.target.role === 'queue' ? { kind: 'channel' } : { kind: 'person', aadObjectId: message.target.userId },
        code,
        detail,
      };
    case 'activity.notify':
      return { type: message.type, target: { kind: 'person', aadObjectId: message.userId }, code, detail };
    case 'chat.notify':
      return message.requestId === null ? null : { type: message.type, target: { kind: 'person', aadObjectId: message.userId }, code, detail };
    case 'thread.mention':
      return { type: message.type, target: { kind: 'channel' }, code, detail };
    case 'mail.send':
    case 'webhook':
      return { type: message.type, target: { kind: 'system' }, code, detail };
    case 'card.update':
    case 'chat.install':
    case 'chat.open':
    case 'meeting.create':
    case 'meeting.delete':
    case 'meeting.lobby':
    case 'access.grant':
    case 'access.revoke':
    case 'device.action':
    case 'device.status':
    case 'participant.set':
    case 'participant.remove':
    case 'invitations.end':
      return null;
  }
}

/**
 * Records on the request that a message about it was given up (a side transition: the state stays), so its other
 * cards say who was not reached and what to do. A concurrent transition moves the version on: read again, a few times.
 */
export async function recordDeliveryFailure(deps: UseCaseDeps, requestId: string, failure: DeliveryFailure): Promise<void> {
  await recordDelivery(deps, requestId, { action: 'delivery.failed', failure });
}

/** A card reached a person the request's cards said was not told: they stop saying so. Nothing when none did. */
export async function recordPersonReached(deps: UseCaseDeps, requestId: string, aadObjectId: string): Promise<void> {
  await recordDelivery(deps, requestId, { action: 'delivery.reached', aadObjectId });
}

type DeliveryCommand = { action: 'delivery.failed'; failure: DeliveryFailure } | { action: 'delivery.reached'; aadObjectId: string };

async function recordDelivery(deps: UseCaseDeps, requestId: string, command: DeliveryCommand): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const request = await deps.requests.getRequest(requestId);
    if (!request) return;
    if (command.action === 'delivery.reached' && !isPersonNotReached(request.deliveryFailures, command.aadObjectId)) return;
    const context = { actor: DISPATCHER, now: deps.clock.now(), source: 'timer' as const };
    const decided =
      request.kind === 'session'
        ? recordSessionSide(request, command, context)
        : request.kind === 'lockbox'
          ? recordLockboxSide(request, command, context)
          : request.kind === 'assist'
            ? recordAssistSide(request, command, context)
            : recordInvitationSide(request, command, context);
    try {
      await commitRequest(deps, request, decided.request, [decided.event]);
      return;
    } catch (error) {
      if (!isDoormanError(error, 'REQUEST.STALE_VERSION')) throw error;
    }
  }
}
