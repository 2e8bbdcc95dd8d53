import { NotReached } from '../../../application/ports';
import { AssistDeviceAction, AssistDeviceActionState, AssistRequest, AssistUrgency } from '../../../domain/assist';
import { ErrorCode } from '../../../domain/errors';
import { Person } from '../../../domain/people';
import { cardTime, cardTimeWithDistance } from '../cards/cardTime';
import { noticeText, personName } from '../cards/cardTexts';
import { StatusTone, executeAction, textBlock } from '../cards/cardElements';
import { AdaptiveCard, CardElement, RequestPointer } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { TextKey, Texts, textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';

/** What every assist card is drawn from. */
export interface AssistCardView {
  request: AssistRequest;
  now: Date;
  timeZone: string;
  notice: { code: ErrorCode } | null;
  /** Where devices come from and whether Restart / Sync can be offered (else the buttons are absent). */
  devices: { source: 'intune' | 'local'; actions: boolean };
  notReached?: readonly NotReached[];
  /** Local mode: people the stand-in activity feed notified. */
  notified?: readonly string[];
  /** This card's `refresh.userIds` (user MRIs): who can act on it now; none, no automatic refresh. */
  refreshUserIds?: readonly string[];
  /** The reader's language (absent: English). */
  language?: Language;
}

/** The texts of a view's language. */
export function assistTexts(view: { language?: Language }): Texts {
  return textsFor(view.language ?? 'en');
}

/** The pointer every action on an assistance request carries. */
export function assistPointer(request: AssistRequest): RequestPointer {
  return { requestId: request.id, version: request.version };
}

const URGENCY_KEYS: Readonly<Record<AssistUrgency, TextKey>> = { low: 'assist.urgency.low', normal: 'assist.urgency.normal', high: 'assist.urgency.high' };

/** How an urgency reads. */
export function urgencyText(urgency: AssistUrgency, texts: Texts = textsFor('en')): string {
  return texts.t(URGENCY_KEYS[urgency]);
}

/** The state badge: "Waiting for a helper", "Bea Agent wants to connect", "Expired — nobody answered in time", … */
export function assistStateText(request: AssistRequest, texts: Texts = textsFor('en')): string {
  const helper = escapeMarkdown(request.helper?.name ?? texts.t('assist.aHelper'));
  const requester = escapeMarkdown(request.requester.name);
  const say = (key: TextKey, name?: string): string => texts.t(key, { helper, requester, name: name ?? '' });
  switch (request.state) {
    case 'requested':
      return say('assist.state.requested');
    case 'accepted':
      return say('assist.state.accepted');
    case 'allowed':
      return say('assist.state.allowed');
    case 'connected':
      return say('assist.state.connected');
    case 'cancelled':
      return say('assist.state.cancelled');
    case 'expired':
      return say(request.helper === null ? 'assist.state.expiredUnanswered' : 'assist.state.expiredNotAllowed');
    case 'closed':
      switch (request.closedReason) {
        case 'declined':
          return say('assist.state.declined');
        case 'refused':
          return say('assist.state.refused');
        case 'closedByRequester':
          return say('assist.state.closedBy', requester);
        default:
          return say('assist.state.closedBy', helper);
      }
  }
}

/** What an assist state means to the reader. */
export function assistStateTone(request: AssistRequest): StatusTone {
  switch (request.state) {
    case 'requested':
    case 'accepted':
      return 'action';
    case 'allowed':
      return 'pending';
    case 'connected':
      return 'good';
    case 'expired':
      return 'stopped';
    case 'closed':
      return request.closedReason === 'refused' || request.closedReason === 'declined' ? 'stopped' : 'done';
    case 'cancelled':
      return 'done';
  }
}

/** The facts every assist card shows: who asked, what is wrong, how urgent, which device, how long it has waited. */
export function assistFacts(view: AssistCardView, options: { phone: boolean }): Array<[string, string | null]> {
  const { request, now, timeZone } = view;
  const texts = assistTexts(view);
  const when = (moment: Date): string => cardTimeWithDistance(moment, timeZone, now, texts.language);
  return [
    [texts.t('assist.fact.askedBy'), escapeMarkdown(request.requester.name)],
    [texts.t('assist.fact.problem'), escapeMarkdown(request.problem)],
    [texts.t('assist.fact.urgency'), urgencyText(request.urgency, texts)],
    [texts.t('assist.fact.device'), deviceText(request, texts)],
    [texts.t('assist.fact.phone'), options.phone && request.phone ? escapeMarkdown(request.phone) : null],
    [texts.t('assist.fact.asked'), when(request.createdAt)],
    [texts.t('assist.fact.expiresUnanswered'), request.state === 'requested' ? when(request.answerBy) : null],
    [texts.t('assist.fact.helper'), request.helper ? escapeMarkdown(request.helper.name) : null],
    [texts.t('assist.fact.allowBy'), request.state === 'accepted' && request.allowBy ? when(request.allowBy) : null],
    [texts.t('assist.fact.comment'), request.closedComment ? texts.t('assist.quoted', { text: escapeMarkdown(request.closedComment) }) : null],
  ];
}

/** The device as people read it, labelled when it is the local stand-in or typed by the user. */
export function deviceText(request: AssistRequest, texts: Texts = textsFor('en')): string {
  const name = escapeMarkdown(request.device.name);
  if (request.device.source === 'local') return texts.t('assist.device.local', { name });
  if (request.device.source === 'typed') return texts.t('assist.device.typed', { name });
  return name;
}

/** The line that says devices are the local stand-in: on every card while Doorman runs without Intune. */
export function standInNote(view: AssistCardView): CardElement | null {
  if (view.devices.source !== 'local' && view.request.device.source !== 'local') return null;
  return textBlock(assistTexts(view).t('assist.standIn'), {
    id: 'standInNote',
    isSubtle: true,
    size: 'small',
    spacing: 'small',
  });
}

const ACTION_NAMES: Readonly<Record<AssistDeviceAction['action'], TextKey>> = { rebootNow: 'assist.action.rebootNow', syncDevice: 'assist.action.syncDevice' };

const ACTION_STATES: Readonly<Record<AssistDeviceActionState, TextKey>> = {
  requested: 'assist.actionState.requested',
  none: 'assist.actionState.none',
  pending: 'assist.actionState.pending',
  active: 'assist.actionState.active',
  canceled: 'assist.actionState.canceled',
  done: 'assist.actionState.done',
  failed: 'assist.actionState.failed',
  notSupported: 'assist.actionState.notSupported',
};

/** One device action as a fact: "Restart PC" → "done, Fri 5 Dec, 10:03 — by Bea Agent". */
export function deviceActionFact(action: AssistDeviceAction, timeZone: string, now: Date, texts: Texts = textsFor('en')): [string, string] {
  const name = escapeMarkdown(action.by.name);
  const title = texts.t(ACTION_NAMES[action.action]);
  if (action.problem) return [title, texts.t('assist.actionFailed', { problem: noticeText(knownCode(action.problem.code), texts.language), name })];
  const when = action.lastUpdatedAt ?? action.startedAt ?? action.requestedAt;
  return [title, texts.t('assist.actionStatus', { state: texts.t(ACTION_STATES[action.state]), time: cardTime(when, timeZone, now, texts.language), name })];
}

function knownCode(code: string): ErrorCode {
  return code === 'GRAPH.FORBIDDEN' || code === 'GRAPH.THROTTLED' || code === 'REQUEST.NOT_FOUND' ? code : 'INTERNAL';
}

const ASSIST_NOTICES: Partial<Record<ErrorCode, TextKey>> = {
  'AUTH.NOT_PERMITTED': 'assist.notice.notPermitted',
  'AUTH.SELF_APPROVAL': 'assist.notice.selfApproval',
  'QUEUE.NONE': 'assist.notice.noQueue',
};

/** The text people read for a refusal on an assist card; another agent who accepted first is named. */
export function assistNoticeText(code: ErrorCode, request: AssistRequest, texts: Texts = textsFor('en')): string {
  const raced = code === 'REQUEST.STALE_VERSION' || code === 'REQUEST.ILLEGAL_TRANSITION';
  if (raced && request.helper && request.state !== 'requested' && request.closedReason !== 'declined') {
    return texts.t('assist.notice.taken', { helper: escapeMarkdown(request.helper.name) });
  }
  const key = ASSIST_NOTICES[code];
  return key ? texts.t(key) : noticeText(code, texts.language);
}

/** "Ask again": a new request with what the user asked before (the form's inputs, checked again like any form). */
export function askAgainAction(request: AssistRequest, texts: Texts = textsFor('en')): CardElement {
  return executeAction(
    texts.t('assist.askAgain'),
    'assist.create',
    { problem: request.problem, urgency: request.urgency, phone: request.phone ?? '', deviceId: request.device.id ?? request.device.name },
    'askAgain',
    'positive',
  );
}

/** True when the user may ask again from this card: nobody answered, a helper declined, or control timed out. */
export function offersAskAgain(request: AssistRequest): boolean {
  return request.state === 'expired' || (request.state === 'closed' && request.closedReason === 'declined');
}

/** The request as its cards name people: a former member reads as such, a person recorded by id by their name. */
export function withShownNames(request: AssistRequest, shownNames: Readonly<Record<string, string>> | undefined): AssistRequest {
  if (!shownNames || Object.keys(shownNames).length === 0) return request;
  const named = (person: Person): Person => ({ ...person, name: personName(shownNames, person) });
  return {
    ...request,
    requester: named(request.requester),
    helper: request.helper ? named(request.helper) : null,
    deviceActions: request.deviceActions.map((action) => ({ ...action, by: named(action.by) })),
  };
}

/** The automatic refresh (read-only `card.refresh`) for the people who can act on this card now, if any. */
export function assistRefresh(view: AssistCardView): Pick<AdaptiveCard, 'refresh'> {
  const userIds = view.refreshUserIds ?? [];
  if (userIds.length === 0) return {};
  return { refresh: { action: executeAction(assistTexts(view).t('assist.refresh'), 'card.refresh', assistPointer(view.request), 'refresh'), userIds: [...userIds] } };
}
