import { NotReached } from '../../../application/ports';
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
  const body: unknown[] = [];
  if (view.notice) {
    const text = view.notice.text === undefined ? noticeText(view.notice.code) : escapeMarkdown(view.notice.text);
    body.push(problemNotice(text, 'notice', { weight: 'bolder' }));
  }
  body.push(
    heading(`Support session · ${escapeMarkdown(request.recipient.name)}`, 'title'),
    statusBadge(sessionStateText(request), sessionStateTone(request.state), 'state'),
  );
  const hint = stateHint(view);
  if (hint) body.push(textBlock(hint, { id: 'hint', isSubtle: true, spacing: 'small' }));
  if (hasArrived(request)) body.push(verificationTag(request));
  body.push(factSet(sessionFacts(view), 'facts'));
  const notTold = assigneeNotToldText(request);
  if (notTold) body.push(problemNotice(notTold, 'assigneeNotTold', { weight: 'bolder', spacing: 'small' }));
  const notReached = notReachedBlock('session', view.notReached);
  if (notReached) body.push(notReached);
  const notified = notifiedLine(view.notified);
  if (notified) body.push(notified);
  body.push(...meetingDetails(liveMeeting(request)));
  if (request.mailProblem) {
    const { code, detail } = request.mailProblem;
    body.push(
      problemNotice(`The invitation mail was not sent: ${isKnownErrorCode(code) ? noticeText(code) : noticeText('INTERNAL')}`, 'mailProblem', {
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
          textBlock('Internal comments (never shown to the customer)', { weight: 'bolder', size: 'small' }),
          textBlock(escapeMarkdown(request.comments), { id: 'commentsText', spacing: 'small' }),
        ],
        { id: 'comments', separator: true, spacing: 'medium' },
      ),
    );
  }
  body.push(
    textBlock(`Times in ${escapeMarkdown(view.timeZone)}.`, {
      id: 'timeZoneNote',
      isSubtle: true,
      size: 'small',
    }),
  );
  return body;
}

/** The decisions a state offers on either card (admit, deny, close, rebind), primary first. */
export function sessionStateActions(request: SessionRequest): CardElement[] {
  const pointer = pointerTo(request);
  const admit = executeAction('Admit', 'session.admit', pointer, 'admit', 'positive');
  const deny = executeAction('Deny', 'session.deny', pointer, 'deny', 'destructive');
  const rebind = executeAction('Switch device', 'session.rebind', pointer, 'rebind');
  switch (request.state) {
    case 'open':
      return [executeAction('Cancel request', 'session.close', pointer, 'close')];
    case 'waiting':
      return [deny, executeAction('Cancel request', 'session.close', pointer, 'close'), rebind];
    case 'ready':
      return [admit, deny, rebind];
    case 'connected':
      return [executeAction('End session', 'session.close', pointer, 'close')];
    default:
      return [];
  }
}

/** "Assign…": take the request, leave it unassigned, or hand it to another agent. */
export function assignMenu(view: SessionCardView): CardElement {
  const choices = [
    { title: 'Me', value: 'me' },
    { title: 'Unassigned', value: 'unassigned' },
  ];
  // Agents are searched as the agent types (AGENTS_DATASET), not listed: with hundreds of agents the card would pass
  // Teams' size limit.
  return showCardAction(
    'Assign…',
    'assignMenu',
    [inputSearchChoiceSet('assignTo', choices, AGENTS_DATASET, { label: 'Assign to', value: 'me', placeholder: 'Type an agent\'s name' })],
    [executeAction('Assign', 'session.assign', pointerTo(view.request), 'assign')],
  );
}

/** The Data.Query dataset of the agents' names: the bot answers its `application/search` invoke. */
export const AGENTS_DATASET = 'agents';

/** An automatic refresh (read-only verb `card.refresh`), so a card Teams kept stale shows the stored state. */
export function sessionCardRefresh(request: SessionRequest): unknown {
  return { action: executeAction('Refresh', 'card.refresh', pointerTo(request), 'refresh') };
}

/** Said plainly while the assignee has not been told: Doorman is opening a chat with them, or could not. */
function assigneeNotToldText(request: SessionRequest): string | null {
  const told = request.assigneeNotTold ?? null;
  if (told === null || request.assignee?.aadObjectId !== told.aadObjectId) return null;
  const name = escapeMarkdown(request.assignee.name);
  return told.reason === 'noChat'
    ? `${name} has not opened Doorman in Teams yet, so they have not been told about this request yet. Doorman is opening a chat with them: their card arrives there.`
    : `${name} was not told about this request: Doorman could not reach them in Teams. Ask them to open Doorman in Teams, then assign the request to them again.`;
}

function hasArrived(request: SessionRequest): boolean {
  return request.customerName !== null && ARRIVED_STATES.includes(request.state);
}

function verificationTag(request: SessionRequest): unknown {
  // Big and on its own, because the agent compares it digit by digit with the customer's screen.
  return container(
    [
      textBlock('Verification tag', { isSubtle: true, size: 'small' }),
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
  const customer = escapeMarkdown(request.customerName ?? 'The customer');
  switch (request.state) {
    case 'open':
      return request.scheduledFor && startsLater(request, now)
        ? `Scheduled: the link opens the session from ${cardTime(request.scheduledFor, timeZone, now)}.`
        : 'Waiting for the customer to open the link.';
    case 'waiting':
      return `${customer} opened the link but has not granted access yet.`;
    case 'ready':
      return `${customer} granted access. Compare the tag with the customer's screen, then admit.`;
    case 'connected':
      return request.meeting?.provider === 'teams'
        ? `In the Teams lobby, admit only “${customer} (${escapeMarkdown(request.tag)})”.`
        : 'The customer was admitted.';
    case 'expired':
      return 'The link expired before the customer was admitted.';
    default:
      return null;
  }
}

function sessionFacts(view: SessionCardView): Array<[string, string | null]> {
  const { request, now, timeZone } = view;
  const pendingOrExpired = SESSION_PENDING_STATES.includes(request.state) || request.state === 'expired';
  return [
    ['Recipient', escapeMarkdown(request.recipient.name)],
    [
      'Customer',
      hasArrived(request) ? `${escapeMarkdown(request.customerName ?? '')} (tag ${escapeMarkdown(request.tag)})` : null,
    ],
    ['Assignee', request.assignee ? escapeMarkdown(personName(view.shownNames, request.assignee)) : 'Unassigned'],
    ['Queue', view.queueName === null ? null : escapeMarkdown(view.queueName)],
    [
      'Scheduled for',
      request.scheduledFor === null
        ? null
        : startsLater(request, now)
          ? cardTimeWithDistance(request.scheduledFor, timeZone, now)
          : cardTime(request.scheduledFor, timeZone, now),
    ],
    ['Deadline', pendingOrExpired ? cardTimeWithDistance(request.expiresAt, timeZone, now) : null],
    ['Meeting', meetingStatus(liveMeeting(request))],
    ['Created by', `${escapeMarkdown(personName(view.shownNames, request.createdBy))}, ${cardTime(request.createdAt, timeZone, now)}`],
  ];
}

/** The meeting while the session can still use it; close deletes it, so a finished session shows none. */
function liveMeeting(request: SessionRequest): SessionMeeting | null {
  return request.state === 'closed' || request.state === 'expired' ? null : request.meeting;
}

function meetingStatus(meeting: SessionMeeting | null): string | null {
  if (meeting === null) return null;
  if (meeting.problem) return 'Teams meeting unavailable — using the local room';
  if (meeting.status === 'preparing') return 'Preparing meeting…';
  return meeting.provider === 'teams' ? 'Teams meeting ready' : 'Local meeting room ready';
}

function meetingDetails(meeting: SessionMeeting | null): unknown[] {
  if (meeting === null) return [];
  const details: unknown[] = [];
  if (meeting.problem) {
    // The detail says what the admin must grant (the Graph adapter names the permission or policy).
    const { code, detail } = meeting.problem;
    const text = isKnownErrorCode(code) ? noticeText(code) : noticeText('INTERNAL');
    details.push(problemNotice(text, 'meetingProblem', { spacing: 'small' }));
    if (detail) {
      details.push(textBlock(escapeMarkdown(detail), { id: 'meetingProblemDetail', isSubtle: true, size: 'small', spacing: 'none' }));
    }
  }
  if (meeting.provider === 'local') {
    details.push(
      textBlock('Local meeting room (not a Teams meeting): the customer sees it on the portal after Admit.', {
        id: 'meetingNote',
        isSubtle: true,
        spacing: 'small',
      }),
    );
  }
  return details;
}
