import { Texts, textsFor } from '../../../application/i18n/messages';
import { NotReached } from '../../../application/ports';
import { Language } from '../../../domain/language';
import { ErrorCode } from '../../../domain/errors';
import { SESSION_PENDING_STATES, SessionMeeting, SessionRequest, startsLater } from '../../../domain/session';
import { cardTime, cardTimeWithDistance } from '../cards/cardTime';
import { isKnownErrorCode, noticeText, personName, sessionStateText, sessionStateTone } from '../cards/cardTexts';
import { actionSet, container, executeAction, factSet, heading, inputSearchChoiceSet, problemNotice, showCardAction, statusBadge, textBlock } from '../cards/cardElements';
import { CardElement, RequestPointer } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { notReachedBlock } from '../cards/notReachedBlock';
import { notifiedLine } from '../cards/notifiedLine';

/** What the agent's and the queue's card of a session request show; `notice` answers a failed action. */
export interface SessionCardView {
  request: SessionRequest;
  queueName: string | null;
  now: Date;
  timeZone: string;
  /** The reader's language: the card's channel's, or the person's whose chat or click it answers (default English). */
  language?: Language;
  notice: { code: ErrorCode; text?: string } | null;
  /** Messages about the request that were given up: said plainly on the card. */
  notReached?: readonly NotReached[];
  /** Local mode: people the stand-in activity feed notified. */
  notified?: readonly string[];
  /** Names shown instead of the recorded ones, by object id (former members); see RequestCardView. */
  shownNames?: Readonly<Record<string, string>>;
}

const ARRIVED_STATES: readonly string[] = ['waiting', 'ready', 'connected'];

/** The pointer every action of a request carries. */
export function pointerTo(request: SessionRequest): RequestPointer {
  return { requestId: request.id, version: request.version };
}

/** True while the request can still be (re)assigned: pending or connected. */
export function isAssignable(request: SessionRequest): boolean {
  return SESSION_PENDING_STATES.includes(request.state) || request.state === 'connected';
}

/**
 * The body both session cards share. Never the portal link nor the invitation text: the link is shown once on
 * the invitation card, and the queue card is read by a whole channel. `meetingActions` (agent card only) go
 * right below the meeting status.
 */
export function sessionCardBody(view: SessionCardView, meetingActions: unknown[] = []): unknown[] {
  const { request } = view;
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const body: unknown[] = [];
  if (view.notice) {
    const text = view.notice.text === undefined ? noticeText(view.notice.code, language) : escapeMarkdown(view.notice.text);
    body.push(problemNotice(text, 'notice', { weight: 'bolder' }));
  }
  body.push(
    heading(texts.t('session.title', { name: escapeMarkdown(request.recipient.name) }), 'title'),
    statusBadge(sessionStateText(request, language), sessionStateTone(request.state), 'state'),
  );
  const hint = stateHint(view);
  if (hint) body.push(textBlock(hint, { id: 'hint', isSubtle: true, spacing: 'small' }));
  if (hasArrived(request)) body.push(verificationTag(request, texts));
  body.push(factSet(sessionFacts(view), 'facts'));
  const notTold = assigneeNotToldText(request, texts);
  if (notTold) body.push(problemNotice(notTold, 'assigneeNotTold', { weight: 'bolder', spacing: 'small' }));
  const notReached = notReachedBlock('session', view.notReached, language);
  if (notReached) body.push(notReached);
  const notified = notifiedLine(view.notified, language);
  if (notified) body.push(notified);
  body.push(...meetingDetails(liveMeeting(request), texts));
  if (request.mailProblem) {
    const { code, detail } = request.mailProblem;
    body.push(
      problemNotice(texts.t('session.mailProblem', { why: noticeText(isKnownErrorCode(code) ? code : 'INTERNAL', language) }), 'mailProblem', {
        spacing: 'small',
      }),
    );
    if (detail) body.push(textBlock(escapeMarkdown(detail), { id: 'mailProblemDetail', isSubtle: true, size: 'small', spacing: 'none' }));
  }
  if (meetingActions.length > 0) body.push(actionSet(meetingActions, 'meetingActions'));
  if (request.comments.trim() !== '') {
    body.push(
      container(
        [
          textBlock(texts.t('session.comments'), { weight: 'bolder', size: 'small' }),
          textBlock(escapeMarkdown(request.comments), { id: 'commentsText', spacing: 'small' }),
        ],
        { id: 'comments', separator: true, spacing: 'medium' },
      ),
    );
  }
  body.push(
    textBlock(texts.t('time.zoneNote', { zone: escapeMarkdown(view.timeZone) }), {
      id: 'timeZoneNote',
      isSubtle: true,
      size: 'small',
    }),
  );
  return body;
}

/** The decisions a state offers on either card (admit, deny, close, rebind), primary first. */
export function sessionStateActions(request: SessionRequest, language: Language): CardElement[] {
  const texts = textsFor(language);
  const pointer = pointerTo(request);
  const admit = executeAction(texts.t('session.action.admit'), 'session.admit', pointer, 'admit', 'positive');
  const deny = executeAction(texts.t('session.action.deny'), 'session.deny', pointer, 'deny', 'destructive');
  const rebind = executeAction(texts.t('session.action.rebind'), 'session.rebind', pointer, 'rebind');
  const cancel = executeAction(texts.t('session.action.cancel'), 'session.close', pointer, 'close');
  switch (request.state) {
    case 'open':
      return [cancel];
    case 'waiting':
      return [deny, cancel, rebind];
    case 'ready':
      return [admit, deny, rebind];
    case 'connected':
      return [executeAction(texts.t('session.action.end'), 'session.close', pointer, 'close')];
    default:
      return [];
  }
}

/** "Assign…": take the request, leave it unassigned, or hand it to another agent. */
export function assignMenu(view: SessionCardView): CardElement {
  const texts = textsFor(view.language ?? 'en');
  const choices = [
    { title: texts.t('session.assign.me'), value: 'me' },
    { title: texts.t('session.assign.unassigned'), value: 'unassigned' },
  ];
  // Agents are searched as the agent types (AGENTS_DATASET), not listed: with hundreds of agents the card would pass
  // Teams' size limit.
  return showCardAction(
    texts.t('session.action.assignMenu'),
    'assignMenu',
    [inputSearchChoiceSet('assignTo', choices, AGENTS_DATASET, { label: texts.t('session.assign.label'), value: 'me', placeholder: texts.t('session.assign.placeholder') })],
    [executeAction(texts.t('session.action.assign'), 'session.assign', pointerTo(view.request), 'assign')],
  );
}

/** The Data.Query dataset of the agents' names: the bot answers its `application/search` invoke. */
export const AGENTS_DATASET = 'agents';

/** An automatic refresh (read-only verb `card.refresh`), so a card Teams kept stale shows the stored state. */
export function sessionCardRefresh(request: SessionRequest, language: Language): unknown {
  return { action: executeAction(textsFor(language).t('card.refresh'), 'card.refresh', pointerTo(request), 'refresh') };
}

/** Said plainly while the assignee has not been told: Doorman is opening a chat with them, or could not. */
function assigneeNotToldText(request: SessionRequest, texts: Texts): string | null {
  const told = request.assigneeNotTold ?? null;
  if (told === null || request.assignee?.aadObjectId !== told.aadObjectId) return null;
  const name = escapeMarkdown(request.assignee.name);
  return texts.t(told.reason === 'noChat' ? 'session.notTold.noChat' : 'session.notTold.unreachable', { name });
}

function hasArrived(request: SessionRequest): boolean {
  return request.customerName !== null && ARRIVED_STATES.includes(request.state);
}

function verificationTag(request: SessionRequest, texts: Texts): unknown {
  // Big and on its own, because the agent compares it digit by digit with the customer's screen.
  return container(
    [
      textBlock(texts.t('session.tag'), { isSubtle: true, size: 'small' }),
      textBlock(escapeMarkdown(request.tag), {
        id: 'tag',
        size: 'extraLarge',
        weight: 'bolder',
        fontType: 'monospace',
        spacing: 'none',
      }),
    ],
    { style: 'emphasis', id: 'tagBox' },
  );
}

function stateHint(view: SessionCardView): string | null {
  const { request, now, timeZone } = view;
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const customer = request.customerName === null ? texts.t('session.theCustomer') : escapeMarkdown(request.customerName);
  switch (request.state) {
    case 'open':
      return request.scheduledFor && startsLater(request, now)
        ? texts.t('session.hint.scheduled', { time: cardTime(request.scheduledFor, timeZone, now, language) })
        : texts.t('session.hint.open');
    case 'waiting':
      return texts.t('session.hint.waiting', { customer });
    case 'ready':
      return texts.t('session.hint.ready', { customer });
    case 'connected':
      return request.meeting?.provider === 'teams'
        ? texts.t('session.hint.connectedTeams', { customer, tag: escapeMarkdown(request.tag) })
        : texts.t('session.hint.connected');
    case 'expired':
      return texts.t('session.hint.expired');
    default:
      return null;
  }
}

function sessionFacts(view: SessionCardView): Array<[string, string | null]> {
  const { request, now, timeZone } = view;
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const pendingOrExpired = SESSION_PENDING_STATES.includes(request.state) || request.state === 'expired';
  return [
    [texts.t('session.fact.recipient'), escapeMarkdown(request.recipient.name)],
    [
      texts.t('session.fact.customer'),
      hasArrived(request) ? texts.t('session.fact.customerValue', { name: escapeMarkdown(request.customerName ?? ''), tag: escapeMarkdown(request.tag) }) : null,
    ],
    [texts.t('session.fact.assignee'), request.assignee ? escapeMarkdown(personName(view.shownNames, request.assignee)) : texts.t('session.fact.unassigned')],
    [texts.t('session.fact.queue'), view.queueName === null ? null : escapeMarkdown(view.queueName)],
    [
      texts.t('session.fact.scheduledFor'),
      request.scheduledFor === null
        ? null
        : startsLater(request, now)
          ? cardTimeWithDistance(request.scheduledFor, timeZone, now, language)
          : cardTime(request.scheduledFor, timeZone, now, language),
    ],
    [texts.t('session.fact.deadline'), pendingOrExpired ? cardTimeWithDistance(request.expiresAt, timeZone, now, language) : null],
    [texts.t('session.fact.meeting'), meetingStatus(liveMeeting(request), texts)],
    [texts.t('session.fact.createdBy'), `${escapeMarkdown(personName(view.shownNames, request.createdBy))}, ${cardTime(request.createdAt, timeZone, now, language)}`],
  ];
}

/** The meeting while the session can still use it; close deletes it, so a finished session shows none. */
function liveMeeting(request: SessionRequest): SessionMeeting | null {
  return request.state === 'closed' || request.state === 'expired' ? null : request.meeting;
}

function meetingStatus(meeting: SessionMeeting | null, texts: Texts): string | null {
  if (meeting === null) return null;
  if (meeting.problem) return texts.t('session.meeting.unavailable');
  if (meeting.status === 'preparing') return texts.t('session.meeting.preparing');
  return texts.t(meeting.provider === 'teams' ? 'session.meeting.teamsReady' : 'session.meeting.localReady');
}

function meetingDetails(meeting: SessionMeeting | null, texts: Texts): unknown[] {
  if (meeting === null) return [];
  const details: unknown[] = [];
  if (meeting.problem) {
    // The detail says what the admin must grant (the Graph adapter names the permission or policy).
    const { code, detail } = meeting.problem;
    const text = noticeText(isKnownErrorCode(code) ? code : 'INTERNAL', texts.language);
    details.push(problemNotice(text, 'meetingProblem', { spacing: 'small' }));
    if (detail) {
      details.push(textBlock(escapeMarkdown(detail), { id: 'meetingProblemDetail', isSubtle: true, size: 'small', spacing: 'none' }));
    }
  }
  if (meeting.provider === 'local') {
    details.push(textBlock(texts.t('session.meeting.localNote'), { id: 'meetingNote', isSubtle: true, spacing: 'small' }));
  }
  return details;
}
