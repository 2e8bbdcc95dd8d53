import { Texts, textsFor } from '../../../application/i18n/messages';
import { NotReached } from '../../../application/ports';
import { Language } from '../../../domain/language';
import type { LockboxViewer } from '../../../domain/policy';
import { ErrorCode } from '../../../domain/errors';
import { LockboxRequest, isDecisionOverdue, lockboxParties, scopeOf } from '../../../domain/lockbox';
import { cardTime, cardTimeWithDistance } from '../cards/cardTime';
import { adaptiveCard, executeAction, factSet, heading, statusBadge, inputText, problemNotice, textBlock } from '../cards/cardElements';
import { AdaptiveCard, CardElement } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { personName } from '../cards/cardTexts';
import { notReachedBlock } from '../cards/notReachedBlock';
import { notifiedLine } from '../cards/notifiedLine';
import {
  decisionFact,
  durationIn,
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
  /** The reader's language: the approvers' channel's, the requester's, or the clicker's (default English). */
  language?: Language;
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
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const body: unknown[] = [];
  if (view.notice) {
    body.push(problemNotice(lockboxNoticeText(view.notice.code, language), 'notice', { weight: 'bolder' }));
  }
  body.push(
    heading(texts.t('lockbox.title', { resource: escapeMarkdown(request.resource) }), 'title'),
    statusBadge(lockboxStateText(request, timeZone, now, language), lockboxStateTone(request), 'state'),
  );
  const hint = stateHint(view, texts);
  if (hint) body.push(textBlock(hint, { id: 'hint', isSubtle: true, spacing: 'small' }));
  body.push(factSet(facts(view, texts), 'facts'));
  const notReached = notReachedBlock('lockbox', view.notReached, language);
  if (notReached) body.push(notReached);
  const notified = notifiedLine(view.notified, language);
  if (notified) body.push(notified);

  const actions = viewerActions(view, texts);
  if (actions.inputs.length > 0) body.push(...actions.inputs);
  if (view.viewer === 'readOnly' && isUndecided(request)) {
    body.push(
      textBlock(texts.t('lockbox.readOnlyNote'), {
        id: 'readOnlyNote',
        isSubtle: true,
        spacing: 'medium',
      }),
    );
  }
  body.push(textBlock(texts.t('time.zoneNote', { zone: escapeMarkdown(timeZone) }), { id: 'timeZoneNote', isSubtle: true, size: 'small' }));

  const refresh = cardRefresh(view, texts);
  return adaptiveCard(body, actions.buttons, refresh ? { refresh } : {});
}

function facts(view: LockboxCardView, texts: Texts): Array<[string, string | null]> {
  const { request, now, timeZone } = view;
  const { language } = texts;
  const { access } = request;
  const time = (moment: Date): string => cardTime(moment, timeZone, now, language);
  const decideBy = isUndecided(request)
    ? cardTimeWithDistance(request.decideBy, timeZone, now, language)
    : request.state === 'expired'
      ? time(request.decideBy)
      : null;
  const duration = durationIn(request.durationMinutes, language);
  const scope = scopeOf(request);
  return [
    [texts.t('lockbox.fact.requester'), escapeMarkdown(personName(view.shownNames, request.requester))],
    [texts.t('lockbox.fact.requestedVia'), request.requestedVia === null ? null : escapeMarkdown(view.requestedViaLabel ?? request.requestedVia)],
    [texts.t('lockbox.fact.access'), texts.t('lockbox.fact.accessValue', { name: escapeMarkdown(scope.name), description: escapeMarkdown(scope.description), duration })],
    [texts.t('lockbox.fact.resource'), escapeMarkdown(request.resource)],
    [texts.t('lockbox.fact.reason'), escapeMarkdown(request.reason)],
    [texts.t('lockbox.fact.ticket'), request.ticket.trim() === '' ? null : escapeMarkdown(request.ticket)],
    [texts.t('lockbox.fact.duration'), duration],
    [texts.t('lockbox.fact.decideBy'), decideBy],
    ...request.decisions.map((decision) => decisionFact(decision, timeZone, now, view.shownNames, language)),
    [texts.t('lockbox.fact.window'), access.grantedAt && access.endsAt ? `${time(access.grantedAt)} → ${time(access.endsAt)}` : null],
    [texts.t('lockbox.fact.membership'), access.membership ? texts.t(`lockbox.membership.${access.membership}`) : null],
    [texts.t('lockbox.fact.removed'), access.removedAt && !access.kept ? time(access.removedAt) : null],
    [texts.t('lockbox.fact.kept'), access.kept ? texts.t(`lockbox.kept.${access.kept}`) : null],
    [texts.t('lockbox.fact.grantFailed'), access.status === 'failed' ? grantProblemText(access.problem?.code ?? null, texts) : null],
  ];
}

function grantProblemText(code: string | null, texts: Texts): string {
  if (code === 'GRAPH.FORBIDDEN') return texts.t('lockbox.grant.forbidden');
  if (code === 'ACCESS.GIVEN_UP') return texts.t('lockbox.grant.givenUp');
  return texts.t('lockbox.grant.other');
}

function stateHint(view: LockboxCardView, texts: Texts): string | null {
  const { request, now } = view;
  if (isUndecided(request) && isDecisionOverdue(request, now)) return texts.t('lockbox.hint.overdue');
  if (request.state === 'review') return texts.t('lockbox.hint.review');
  if (request.state === 'approved' && request.ending !== null) return texts.t('lockbox.hint.removing');
  if (request.state === 'approved' && request.access.status !== 'granted') return texts.t('lockbox.hint.granting');
  return null;
}

/** Inputs (in the body, so Action.Execute sends them) and buttons for this viewer in this state. */
function viewerActions(view: LockboxCardView, texts: Texts): { inputs: CardElement[]; buttons: CardElement[] } {
  const { request, viewer, now } = view;
  const pointer = lockboxPointer(request);
  const none = { inputs: [], buttons: [] };
  // Past the deadline every decision fails until the sweeper expires the request, so none is offered.
  if (isUndecided(request) && isDecisionOverdue(request, now)) return none;
  const comment = inputText('comment', {
    label: texts.t('lockbox.comment'),
    placeholder: texts.t('lockbox.commentPlaceholder'),
    isMultiline: true,
    maxLength: LOCKBOX_FIELD_MAX_LENGTHS.comment,
  });
  const deny = executeAction(texts.t('lockbox.action.deny'), 'lockbox.deny', pointer, 'deny', 'destructive');
  const revoke = executeAction(texts.t('lockbox.action.revoke'), 'lockbox.revoke', pointer, 'revoke', 'destructive');
  switch (viewer) {
    case 'approver':
      if (request.state === 'pending') {
        return { inputs: [comment], buttons: [executeAction(texts.t('lockbox.action.approve'), 'lockbox.approve', pointer, 'approve', 'positive'), deny] };
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
        const pass = executeAction(texts.t('lockbox.action.passReview'), 'lockbox.approve', { ...pointer, stage: 'review' }, 'passReview', 'positive');
        return { inputs: [comment], buttons: [pass, deny] };
      }
      return none;
    case 'requester':
      if (isUndecided(request)) return { inputs: [], buttons: [executeAction(texts.t('lockbox.action.cancel'), 'lockbox.cancel', pointer, 'cancel')] };
      if (isAccessRunning(request)) {
        return { inputs: [], buttons: [executeAction(texts.t('lockbox.action.resolve'), 'lockbox.resolve', pointer, 'resolve')] };
      }
      return none;
    case 'readOnly':
      // Teams refreshes automatically for at most 60 people, and not every client does: anyone may ask for their own
      // view (read-only `card.refresh`); the server decides from the signed activity what that view contains.
      if (isUndecided(request) || isAccessRunning(request)) {
        return { inputs: [], buttons: [executeAction(texts.t('lockbox.action.showOptions'), 'card.refresh', pointer, 'showOptions')] };
      }
      return none;
  }
}

/**
 * The automatic refresh (read-only verb `card.refresh`) through which Teams asks the bot for each listed person's
 * own view. Only while someone could still act; the requester's chat render has none (its card is updated in place).
 */
function cardRefresh(view: LockboxCardView, texts: Texts): unknown {
  const { request, viewer } = view;
  if (viewer === 'requester' || !(isUndecided(request) || request.state === 'approved')) return undefined;
  const parties = lockboxParties(request);
  const userIds = [...new Set(view.approverIds)].filter((id) => !parties.includes(id)).slice(0, REFRESH_USER_LIMIT).map(userMri);
  return { action: executeAction(texts.t('card.refresh'), 'card.refresh', lockboxPointer(request), 'refresh'), userIds };
}

// Teams matches `userIds` against user MRIs ("8:orgid:<Entra object id>"); a bare object id never triggers a refresh.
function userMri(id: string): string {
  return /^\d+:/.test(id) ? id : `8:orgid:${id}`;
}
