import { NotReached } from '../../../application/ports';
import { AssistDeviceAction, AssistDeviceActionState, AssistRequest, AssistUrgency } from '../../../domain/assist';
import { ErrorCode } from '../../../domain/errors';
import { Person } from '../../../domain/people';
import { cardTime, cardTimeWithDistance } from '../cards/cardTime';
import { noticeText, personName } from '../cards/cardTexts';
import { StatusTone, executeAction, textBlock } from '../cards/cardElements';
import { AdaptiveCard, CardElement, RequestPointer } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';

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
}

/** The pointer every action on an assistance request carries. */
export function assistPointer(request: AssistRequest): RequestPointer {
  return { requestId: request.id, version: request.version };
}

const URGENCY_TEXTS: Readonly<Record<AssistUrgency, string>> = { low: 'Low — when someone has time', normal: 'Normal', high: 'High — I cannot work' };

/** How an urgency reads. */
export function urgencyText(urgency: AssistUrgency): string {
  return URGENCY_TEXTS[urgency];
}

/** The state badge: "Waiting for a helper", "Bea Agent wants to connect", "Expired — nobody answered in time", … */
export function assistStateText(request: AssistRequest): string {
  const helper = escapeMarkdown(request.helper?.name ?? 'A helper');
  const requester = escapeMarkdown(request.requester.name);
  switch (request.state) {
    case 'requested':
      return 'Waiting for a helper';
    case 'accepted':
      return `${helper} wants to connect — waiting for ${requester} to allow`;
    case 'allowed':
      return 'Control allowed — preparing the meeting';
    case 'connected':
      return `Connected — ${helper} is helping`;
    case 'cancelled':
      return `Cancelled by ${requester}`;
    case 'expired':
      return request.helper === null ? 'Expired — nobody answered in time' : 'Expired — control was not allowed in time';
    case 'closed':
      switch (request.closedReason) {
        case 'declined':
          return `Declined by ${helper}`;
        case 'refused':
          return `Closed — ${requester} refused control`;
        case 'closedByRequester':
          return `Closed by ${requester}`;
        default:
          return `Closed by ${helper}`;
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
  return [
    ['Asked by', escapeMarkdown(request.requester.name)],
    ['Problem', escapeMarkdown(request.problem)],
    ['Urgency', urgencyText(request.urgency)],
    ['Device', deviceText(request)],
    ['Phone', options.phone && request.phone ? escapeMarkdown(request.phone) : null],
    ['Asked', cardTimeWithDistance(request.createdAt, timeZone, now)],
    ['Expires unanswered', request.state === 'requested' ? cardTimeWithDistance(request.answerBy, timeZone, now) : null],
    ['Helper', request.helper ? escapeMarkdown(request.helper.name) : null],
    ['Allow by', request.state === 'accepted' && request.allowBy ? cardTimeWithDistance(request.allowBy, timeZone, now) : null],
    ['Comment', request.closedComment ? `“${escapeMarkdown(request.closedComment)}”` : null],
  ];
}

/** The device as people read it, labelled when it is the local stand-in or typed by the user. */
export function deviceText(request: AssistRequest): string {
  const name = escapeMarkdown(request.device.name);
  if (request.device.source === 'local') return `${name} (local stand-in, not Intune)`;
  if (request.device.source === 'typed') return `${name} (as typed by the user)`;
  return name;
}

/** The line that says devices are the local stand-in: on every card while Doorman runs without Intune. */
export function standInNote(view: AssistCardView): CardElement | null {
  if (view.devices.source !== 'local' && view.request.device.source !== 'local') return null;
  return textBlock('Devices here come from a local stand-in, not Intune: nothing happens to a real PC.', {
    id: 'standInNote',
    isSubtle: true,
    size: 'small',
    spacing: 'small',
  });
}

const ACTION_NAMES = { rebootNow: 'Restart PC', syncDevice: 'Sync with Intune' } as const;

const ACTION_STATES: Readonly<Record<AssistDeviceActionState, string>> = {
  requested: 'asked, not started yet',
  none: 'no status yet',
  pending: 'pending',
  active: 'running',
  canceled: 'cancelled',
  done: 'done',
  failed: 'failed',
  notSupported: 'not supported on this device',
};

/** One device action as a fact: "Restart PC" → "done, Fri 5 Dec, 10:03 — by Bea Agent". */
export function deviceActionFact(action: AssistDeviceAction, timeZone: string, now: Date): [string, string] {
  const by = `by ${escapeMarkdown(action.by.name)}`;
  if (action.problem) return [ACTION_NAMES[action.action], `could not be started: ${noticeText(knownCode(action.problem.code))} — ${by}`];
  const when = action.lastUpdatedAt ?? action.startedAt ?? action.requestedAt;
  return [ACTION_NAMES[action.action], `${ACTION_STATES[action.state]}, ${cardTime(when, timeZone, now)} — ${by}`];
}

function knownCode(code: string): ErrorCode {
  return code === 'GRAPH.FORBIDDEN' || code === 'GRAPH.THROTTLED' || code === 'REQUEST.NOT_FOUND' ? code : 'INTERNAL';
}

const ASSIST_NOTICES: Partial<Record<ErrorCode, string>> = {
  'AUTH.NOT_PERMITTED':
    'Only agents accept or decline requests for help; only the person who asked allows control; only the helper acts on the device.',
  'AUTH.SELF_APPROVAL': "You can't accept your own request for help.",
  'QUEUE.NONE': 'No channel is registered for assistance, so nobody would see the request: an admin says "@Doorman register assistance" in the support channel.',
};

/** The text people read for a refusal on an assist card; another agent who accepted first is named. */
export function assistNoticeText(code: ErrorCode, request: AssistRequest): string {
  const raced = code === 'REQUEST.STALE_VERSION' || code === 'REQUEST.ILLEGAL_TRANSITION';
  if (raced && request.helper && request.state !== 'requested' && request.closedReason !== 'declined') {
    return `Already taken by ${escapeMarkdown(request.helper.name)} — this is the current state.`;
  }
  return ASSIST_NOTICES[code] ?? noticeText(code);
}

/** "Ask again": a new request with what the user asked before (the form's inputs, checked again like any form). */
export function askAgainAction(request: AssistRequest): CardElement {
  return executeAction(
    'Ask again',
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
  return { refresh: { action: executeAction('Refresh', 'card.refresh', assistPointer(view.request), 'refresh'), userIds: [...userIds] } };
}
