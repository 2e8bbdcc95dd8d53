import { ErrorCode } from '../../../domain/errors';
import { ClosedReason, SessionRequest, SessionState } from '../../../domain/session';
import type { StatusTone } from './cardElements';

// A Record over the union makes the compiler insist on a text for every code added to errors.ts.
const NOTICES: Readonly<Record<ErrorCode, string>> = {
  'REQUEST.NOT_FOUND': 'This request no longer exists.',
  'REQUEST.STALE_VERSION': 'Someone else acted first — this is the current state.',
  'REQUEST.ILLEGAL_TRANSITION': 'That is not possible in the current state — this is the current state.',
  'REQUEST.EXPIRED': 'The deadline has passed, so the request can no longer be changed that way.',
  'AUTH.NOT_PERMITTED': "You don't have the agent role.",
  'AUTH.SELF_APPROVAL': 'You cannot approve your own request.',
  'AUTH.SAME_REVIEWER': 'You reviewed this request; another approver must decide.',
  'AUTH.WRONG_TENANT': 'This request belongs to another organization.',
  'INPUT.INVALID': 'Some input was not valid. Please check and try again.',
  'LINK.IN_USE': 'The link is in use by the customer on another device.',
  'LINK.EXPIRED': 'The link has expired.',
  'LINK.CLOSED': 'The link no longer works because the request is closed.',
  'LINK.NOT_YET': 'The session has not started yet.',
  'QUEUE.NONE':
    'No channel is registered for approvals, so nobody could decide: an admin says "@Doorman register approvals" in the approvers\' channel.',
  'LINK.REPLACED': 'The link was replaced by a newer one.',
  'RATE.LIMITED': 'Too many attempts. Please wait a moment and try again.',
  'GRAPH.THROTTLED': 'Microsoft 365 is busy. Doorman will retry automatically.',
  'GRAPH.FORBIDDEN': 'Doorman lacks a Microsoft 365 permission for this. Ask an admin to run the doctor command.',
  INTERNAL: 'Something went wrong on our side. Please try again; if it persists, tell an admin.',
};

/** True when `value` is one of Doorman's error codes (a meeting problem, for example, is stored as a string). */
export function isKnownErrorCode(value: string | null): value is ErrorCode {
  return value !== null && Object.prototype.hasOwnProperty.call(NOTICES, value);
}

/** The text people read for an error code (never the error's message). */
export function noticeText(code: ErrorCode): string {
  return NOTICES[code] ?? NOTICES.INTERNAL;
}

const STATE_LABELS: Readonly<Record<Exclude<SessionState, 'closed'>, string>> = {
  open: 'Open',
  waiting: 'Customer waiting',
  ready: 'Ready to admit',
  connected: 'Connected',
  expired: 'Expired',
};

const CLOSED_REASONS: Readonly<Record<ClosedReason, string>> = {
  denied: 'denied by the agent',
  cancelled: 'cancelled',
  refused: 'the customer refused access',
  left: 'the customer left',
  ended: 'session ended',
};

/** The state badge of a session request: "Ready to admit", "Closed — the customer left", … */
export function sessionStateText(request: Pick<SessionRequest, 'state' | 'closedReason'>): string {
  if (request.state !== 'closed') return STATE_LABELS[request.state];
  return request.closedReason ? `Closed — ${CLOSED_REASONS[request.closedReason]}` : 'Closed';
}

/** What a session state means to the agent (statusBadge shows it without relying on colour). */
export function sessionStateTone(state: SessionState): StatusTone {
  switch (state) {
    case 'open':
      return 'pending';
    case 'waiting':
      return 'action';
    case 'ready':
    case 'connected':
      return 'good';
    case 'expired':
      return 'stopped';
    case 'closed':
      return 'done';
  }
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  recipientName: 'Customer name',
  recipientEmail: 'Customer e-mail',
  assignTo: 'Assign to',
  comments: 'Internal comments',
  scheduledFor: 'Scheduled start',
  scheduledForTime: 'Scheduled start',
  expiresAt: 'Link expires',
  expiresAtTime: 'Link expires',
  sendEmail: 'Send by e-mail',
  emailLanguage: 'Invitation language',
};

/** The label people know a form field by. */
export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

const PROBLEMS: Readonly<Record<string, string>> = {
  required: 'This field is required.',
  tooLong: 'This is too long.',
  invalid: 'This value cannot be used.',
  email: 'This is not a valid e-mail address.',
  requiredForMail: 'An e-mail address is needed to send the invitation by e-mail.',
  past: 'This time is in the past.',
  beforeSchedule: 'The link must expire after the scheduled start.',
  unknownAgent: 'No agent with this name is known to Doorman.',
  unknownQueue: 'This queue is not registered (any more).',
  badDate: 'This is not a valid date or time.',
  // Problems with the whole form rather than one field (field `form`).
  malformed: 'The form could not be read. Please fill it in again.',
  notPermitted: "You don't have the agent role.",
  noApprovalsQueue:
    'No channel is registered for approvals, so nobody could decide: an admin says "@Doorman register approvals" in the approvers\' channel.',
};

/** Longest accepted inputs, matching the form's maxLength, so "too long" can say how long is fine. */
export const FIELD_MAX_LENGTHS: Readonly<Record<string, number>> = { recipientName: 80, comments: 2000 };

/** The human text for a form problem code; unknown codes get a generic request to check the field. */
export function problemText(problem: string, field?: string): string {
  const maxLength = field === undefined ? undefined : FIELD_MAX_LENGTHS[field];
  if (problem === 'tooLong' && maxLength !== undefined) return `This is too long: use at most ${maxLength} characters.`;
  // Own keys only: a problem code like "toString" must not find Object.prototype's members.
  return Object.prototype.hasOwnProperty.call(PROBLEMS, problem) ? PROBLEMS[problem] : 'Please check this field.';
}

/** The name a card shows for a person: the view's current one where it has one (a former member), else the recorded. */
export function personName(shownNames: Readonly<Record<string, string>> | undefined, person: { aadObjectId: string; name: string }): string {
  return shownNames?.[person.aadObjectId] ?? person.name;
}
