import { AdaptiveCard } from '../../src/adapters/teams/cards/cardTypes';
import { LockboxCardView, LockboxViewer, lockboxCard } from '../../src/adapters/teams/lockbox/lockboxCard';
import { LockboxAccess, LockboxDecision, LockboxRequest, LockboxState } from '../../src/domain/lockbox';
import { Person } from '../../src/domain/people';

/** The moment every lockbox card fixture is rendered at. */
export const NOW = new Date('2030-03-04T10:00:00.000Z');
/** The readers' time zone in lockbox card fixtures (UTC+1 in March). */
export const TIME_ZONE = 'Europe/Berlin';

/** The engineer who asks for access. */
export const ERIN: Person = { aadObjectId: 'aad-erin', name: 'Erin Engineer' };
/** An approver. */
export const ADA: Person = { aadObjectId: 'aad-ada', name: 'Ada Approver' };
/** The support lead who reviews first when lead review is on. */
export const LEO: Person = { aadObjectId: 'aad-leo', name: 'Leo Lead' };

/** Every lockbox state, for it.each. */
export const STATES: readonly LockboxState[] = ['review', 'pending', 'approved', 'denied', 'expired', 'cancelled', 'ended'];
/** Every viewer, for it.each. */
export const VIEWERS: readonly LockboxViewer[] = ['approver', 'pastReviewer', 'requester', 'reviewer', 'readOnly'];
/** States in which nothing can happen any more. */
export const TERMINAL_STATES: readonly LockboxState[] = ['denied', 'expired', 'cancelled', 'ended'];

/** Text that would turn into markdown, a link, HTML and a Teams date function if not escaped. */
export const HOSTILE = '**x** [y](http://e) <b> {{DATE(2030-01-01T00:00:00Z)}}';

const at = (minutesFromNow: number): Date => new Date(NOW.getTime() + minutesFromNow * 60_000);

let sequence = 0;

/** A pending request made an hour before NOW, 11 h left to decide; `overrides` replace fields. */
export function lockboxRequest(overrides: Partial<LockboxRequest> = {}): LockboxRequest {
  sequence += 1;
  return {
    kind: 'lockbox',
    id: `lbx-${sequence}`,
    version: 4,
    state: 'pending',
    requester: ERIN,
    requestedVia: null,
    resource: 'Contoso tenant — mailbox export',
    reason: 'Customer reported missing mail; need to check the export logs.',
    ticket: 'INC-4711',
    durationMinutes: 240,
    decideBy: at(11 * 60),
    remindAt: at(10 * 60),
    decisions: [],
    access: { status: 'none', grantedAt: null, endsAt: null, removedAt: null },
    ending: null,
    queueId: 'queue-approvers',
    createdAt: at(-60),
    updatedAt: at(-60),
    ...overrides,
  };
}

/** A decision by a person, `minutesAgo` before NOW. */
export function decisionBy(person: Person, action: LockboxDecision['action'], comment: string | null, minutesAgo = 30): LockboxDecision {
  return { action, byId: person.aadObjectId, byName: person.name, at: at(-minutesAgo), comment };
}

const granted = (): LockboxAccess => ({ status: 'granted', grantedAt: at(-25), endsAt: at(215), removedAt: null });

/** The variants of a state that render differently (approved: granting, granted, ending). */
export type LockboxVariant = LockboxState | 'granting' | 'ending';

/** A request in a state (or variant) with the fields that state implies: decisions, access, ending. */
export function lockboxIn(variant: LockboxVariant, overrides: Partial<LockboxRequest> = {}): LockboxRequest {
  const approval = decisionBy(ADA, 'approve', 'ok for 4 h', 30);
  const byVariant: Record<LockboxVariant, Partial<LockboxRequest>> = {
    review: { state: 'review' },
    pending: {},
    granting: { state: 'approved', decisions: [approval], access: { status: 'granting', grantedAt: null, endsAt: null, removedAt: null }, remindAt: null },
    approved: { state: 'approved', decisions: [approval], access: granted(), remindAt: null },
    ending: {
      state: 'approved',
      decisions: [approval],
      access: { ...granted(), status: 'removing' },
      ending: { reason: 'resolved', byId: ERIN.aadObjectId, at: at(-5) },
      remindAt: null,
    },
    denied: { state: 'denied', decisions: [decisionBy(ADA, 'deny', 'no ticket approval', 10)], remindAt: null },
    expired: { state: 'expired', decideBy: at(-10), remindAt: null },
    cancelled: { state: 'cancelled', remindAt: null },
    ended: {
      state: 'ended',
      decisions: [approval],
      access: { ...granted(), status: 'removed', removedAt: at(-2) },
      ending: { reason: 'revoked', byId: ADA.aadObjectId, at: at(-5) },
      remindAt: null,
    },
  };
  return lockboxRequest({ ...byVariant[variant], ...overrides });
}

/** The view of the request card for a request and viewer. */
export function lockboxView(request: LockboxRequest, viewer: LockboxViewer, overrides: Partial<LockboxCardView> = {}): LockboxCardView {
  return { request, viewer, approverIds: [ADA.aadObjectId, 'aad-bob'], now: NOW, timeZone: TIME_ZONE, notice: null, ...overrides };
}

/** Renders the request card of a variant for a viewer. */
export function renderLockbox(variant: LockboxVariant, viewer: LockboxViewer, overrides: Partial<LockboxRequest> = {}): AdaptiveCard {
  return lockboxCard(lockboxView(lockboxIn(variant, overrides), viewer));
}

