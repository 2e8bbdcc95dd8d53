import { NotReached } from '../../../application/ports';
import type { LockboxViewer } from '../../../domain/policy';
import { ErrorCode } from '../../../domain/errors';
import { LockboxKept, LockboxMembership, LockboxRequest, isDecisionOverdue, lockboxParties, scopeOf } from '../../../domain/lockbox';
import { cardTime, cardTimeWithDistance } from '../cards/cardTime';
import { adaptiveCard, executeAction, factSet, heading, statusBadge, inputText, problemNotice, textBlock } from '../cards/cardElements';
import { AdaptiveCard, CardElement } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { personName } from '../cards/cardTexts';
import { notReachedBlock } from '../cards/notReachedBlock';
import { notifiedLine } from '../cards/notifiedLine';
import {
  decisionFact,
  durationText,
  isAccessRunning,
  isUndecided,
  LOCKBOX_FIELD_MAX_LENGTHS,
  lockboxNoticeText,
  lockboxPointer,
  lockboxStateTone,
  lockboxStateText,
} from './lockboxCardParts';

/** Who the render is for: decided in the domain (domain/policy.ts), never from card data. */
export type { LockboxViewer };

/** What the request card of a lockbox request shows; `notice` answers a failed action. */
export interface LockboxCardView {
  request: LockboxRequest;
  viewer: LockboxViewer;
  /** The people whose view differs from the base card (approvers; reviewers while in review): Teams user MRIs, or Entra object ids (sent as `8:orgid:` MRIs). */
  approverIds: string[];
  now: Date;
  timeZone: string;
  notice: { code: ErrorCode } | null;
  /** The label of the API key the request was made through, when it was (else `requestedVia` is shown as is). */
  requestedViaLabel?: string | null;
  /** Messages about the request that were given up: said plainly on the card. */
  notReached?: readonly NotReached[];
  /** Local mode: people the stand-in activity feed notified. */
  notified?: readonly string[];
  /** Names shown instead of the recorded ones, by object id (former members); see RequestCardView. */
  shownNames?: Readonly<Record<string, string>>;
}

/** Teams refreshes a card automatically for at most 60 listed users. */
export const REFRESH_USER_LIMIT = 60;

/**
 * The card of a lockbox request, in the approvers' queue channel and (viewer `requester`) in the requester's chat.
 * Buttons depend on viewer and state; the server checks both again on every action.
 */
export function lockboxCard(view: LockboxCardView): AdaptiveCard {
  const { request, now, timeZone } = view;
  const body: unknown[] = [];
  if (view.notice) {
    body.push(problemNotice(lockboxNoticeText(view.notice.code), 'notice', { weight: 'bolder' }));
  }
  body.push(
    heading(`Access request · ${escapeMarkdown(request.resource)}`, 'title'),
    statusBadge(lockboxStateText(request, timeZone, now), lockboxStateTone(request), 'state'),
  );
  const hint = stateHint(view);
  if (hint) body.push(textBlock(hint, { id: 'hint', isSubtle: true, spacing: 'small' }));
  body.push(factSet(facts(view), 'facts'));
  const notReached = notReachedBlock('lockbox', view.notReached);
  if (notReached) body.push(notReached);
  const notified = notifiedLine(view.notified);
  if (notified) body.push(notified);

  const actions = viewerActions(view);
  if (actions.inputs.length > 0) body.push(...actions.inputs);
  if (view.viewer === 'readOnly' && isUndecided(request)) {
    body.push(
      textBlock("Only approvers can decide; you can't approve your own request.", {
        id: 'readOnlyNote',
        isSubtle: true,
        spacing: 'medium',
      }),
    );
  }
  body.push(textBlock(`Times in ${escapeMarkdown(timeZone)}.`, { id: 'timeZoneNote', isSubtle: true, size: 'small' }));

  const refresh = cardRefresh(view);
  return adaptiveCard(body, actions.buttons, refresh ? { refresh } : {});
}

function facts(view: LockboxCardView): Array<[string, string | null]> {
  const { request, now, timeZone } = view;
  const { access } = request;
  const decideBy = isUndecided(request)
    ? cardTimeWithDistance(request.decideBy, timeZone, now)
    : request.state === 'expired'
      ? cardTime(request.decideBy, timeZone, now)
      : null;
  return [
    ['Requester', escapeMarkdown(personName(view.shownNames, request.requester))],
    ['Requested via', request.requestedVia === null ? null : escapeMarkdown(view.requestedViaLabel ?? request.requestedVia)],
    ['Access', `${escapeMarkdown(scopeOf(request).name)}: ${escapeMarkdown(scopeOf(request).description)}, for ${durationText(request.durationMinutes)}`],
    ['Resource', escapeMarkdown(request.resource)],
    ['Reason', escapeMarkdown(request.reason)],
    ['Ticket', request.ticket.trim() === '' ? null : escapeMarkdown(request.ticket)],
    ['Duration', durationText(request.durationMinutes)],
    ['Decide by', decideBy],
    ...request.decisions.map((decision) => decisionFact(decision, timeZone, now, view.shownNames)),
    [
      'Access window',
      access.grantedAt && access.endsAt ? `${cardTime(access.grantedAt, timeZone, now)} → ${cardTime(access.endsAt, timeZone, now)}` : null,
    ],
    ['Membership', access.membership ? MEMBERSHIP_TEXT[access.membership] : null],
    ['Access removed', access.removedAt && !access.kept ? cardTime(access.removedAt, timeZone, now) : null],
    ['Access kept', access.kept ? KEPT_TEXT[access.kept] : null],
    ['Grant failed', access.status === 'failed' ? grantProblemText(access.problem?.code ?? null) : null],
  ];
}

const MEMBERSHIP_TEXT: Readonly<Record<LockboxMembership, string>> = {
  added: 'Added by Doorman; removed when the access ends',
  alreadyMember: 'Already a member before this request: Doorman did not add it and will not remove it',
  shared: 'Already carried by another running request of the requester; removed only when the last of them ends',
};

const KEPT_TEXT: Readonly<Record<LockboxKept, string>> = {
  otherRequest: 'Membership kept: another approved request of the requester still runs',
  notAdded: 'Membership kept: the requester had it before; Doorman did not add it',
};

function grantProblemText(code: string | null): string {
  if (code === 'GRAPH.FORBIDDEN') return 'Doorman lacks the Graph permission to change the access group (GroupMember.ReadWrite.All); nothing was granted';
  if (code === 'ACCESS.GIVEN_UP') return 'the directory did not answer after repeated attempts; nothing was granted';
  return 'nothing was granted';
}

function stateHint(view: LockboxCardView): string | null {
  const { request, now } = view;
  if (isUndecided(request) && isDecisionOverdue(request, now)) return 'The decision deadline has passed; the request expires.';
  if (request.state === 'review') return 'A support lead reviews this request before approvers decide.';
  if (request.state === 'approved' && request.ending !== null) {
    return 'Access is being removed; the request ends once removal is confirmed.';
  }
  if (request.state === 'approved' && request.access.status !== 'granted') {
    return 'Access is being granted; the window starts once the grant is confirmed.';
  }
  return null;
}

/** Inputs (in the body, so Action.Execute sends them) and buttons for this viewer in this state. */
function viewerActions(view: LockboxCardView): { inputs: CardElement[]; buttons: CardElement[] } {
  const { request, viewer, now } = view;
  const pointer = lockboxPointer(request);
  const none = { inputs: [], buttons: [] };
  // Past the deadline every decision fails until the sweeper expires the request, so none is offered.
  if (isUndecided(request) && isDecisionOverdue(request, now)) return none;
  const comment = inputText('comment', {
    label: 'Comment (optional)',
    placeholder: 'Shown on the card and to the requester',
    isMultiline: true,
    maxLength: LOCKBOX_FIELD_MAX_LENGTHS.comment,
  });
  const deny = executeAction('Deny', 'lockbox.deny', pointer, 'deny', 'destructive');
  const revoke = executeAction('Revoke access', 'lockbox.revoke', pointer, 'revoke', 'destructive');
  switch (viewer) {
    case 'approver':
      if (request.state === 'pending') {
        return { inputs: [comment], buttons: [executeAction('Approve', 'lockbox.approve', pointer, 'approve', 'positive'), deny] };
      }
      if (isAccessRunning(request)) return { inputs: [], buttons: [revoke] };
      return none;
    case 'pastReviewer':
      // Whoever passed the lead review does not also approve (the domain refuses it): Deny and Revoke stay.
      if (request.state === 'pending') return { inputs: [comment], buttons: [deny] };
      if (isAccessRunning(request)) return { inputs: [], buttons: [revoke] };
      return none;
    case 'reviewer':
      if (request.state === 'review') {
        const pass = executeAction('Pass to approvers', 'lockbox.approve', { ...pointer, stage: 'review' }, 'passReview', 'positive');
        return { inputs: [comment], buttons: [pass, deny] };
      }
      return none;
    case 'requester':
      if (isUndecided(request)) return { inputs: [], buttons: [executeAction('Cancel request', 'lockbox.cancel', pointer, 'cancel')] };
      if (isAccessRunning(request)) {
        return { inputs: [], buttons: [executeAction("I'm done — end access", 'lockbox.resolve', pointer, 'resolve')] };
      }
      return none;
    case 'readOnly':
      // Teams refreshes automatically for at most 60 people, and not every client does: anyone may ask for their own
      // view (read-only `card.refresh`); the server decides from the signed activity what that view contains.
      if (isUndecided(request) || isAccessRunning(request)) {
        return { inputs: [], buttons: [executeAction('Show my options', 'card.refresh', pointer, 'showOptions')] };
      }
      return none;
  }
}

/**
 * The automatic refresh (read-only verb `card.refresh`) through which Teams asks the bot for each listed person's
 * own view. Only while someone could still act; the requester's chat render has none (its card is updated in place).
 */
function cardRefresh(view: LockboxCardView): unknown {
  const { request, viewer } = view;
  if (viewer === 'requester' || !(isUndecided(request) || request.state === 'approved')) return undefined;
  const parties = lockboxParties(request);
  const userIds = [...new Set(view.approverIds)].filter((id) => !parties.includes(id)).slice(0, REFRESH_USER_LIMIT).map(userMri);
  return { action: executeAction('Refresh', 'card.refresh', lockboxPointer(request), 'refresh'), userIds };
}

// Teams matches `userIds` against user MRIs ("8:orgid:<Entra object id>"); a bare object id never triggers a refresh.
function userMri(id: string): string {
  return /^\d+:/.test(id) ? id : `8:orgid:${id}`;
}
