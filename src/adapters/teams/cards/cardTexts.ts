import { ErrorCode } from '../../../domain/errors';
import { SessionRequest, SessionState } from '../../../domain/session';
import type { StatusTone } from './cardElements';
import { TextKey, textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';

// A Record over the union makes the compiler insist on a catalogue text for every code added to errors.ts.
const NOTICE_KEYS: Readonly<Record<ErrorCode, TextKey>> = {
  'REQUEST.NOT_FOUND': 'error.REQUEST.NOT_FOUND',
  'REQUEST.STALE_VERSION': 'error.REQUEST.STALE_VERSION',
  'REQUEST.ILLEGAL_TRANSITION': 'error.REQUEST.ILLEGAL_TRANSITION',
  'REQUEST.EXPIRED': 'error.REQUEST.EXPIRED',
  'AUTH.NOT_PERMITTED': 'error.AUTH.NOT_PERMITTED',
  'AUTH.SELF_APPROVAL': 'error.AUTH.SELF_APPROVAL',
  'AUTH.SAME_REVIEWER': 'error.AUTH.SAME_REVIEWER',
  'AUTH.WRONG_TENANT': 'error.AUTH.WRONG_TENANT',
  'INPUT.INVALID': 'error.INPUT.INVALID',
  'LINK.IN_USE': 'error.LINK.IN_USE',
  'LINK.EXPIRED': 'error.LINK.EXPIRED',
  'LINK.CLOSED': 'error.LINK.CLOSED',
  'LINK.NOT_YET': 'error.LINK.NOT_YET',
  'QUEUE.NONE': 'error.QUEUE.NONE',
  'LINK.REPLACED': 'error.LINK.REPLACED',
  'RATE.LIMITED': 'error.RATE.LIMITED',
  'GRAPH.THROTTLED': 'error.GRAPH.THROTTLED',
  'GRAPH.FORBIDDEN': 'error.GRAPH.FORBIDDEN',
  INTERNAL: 'error.INTERNAL',
};

/** True when `value` is one of Doorman's error codes (a meeting problem, for example, is stored as a string). */
export function isKnownErrorCode(value: string | null): value is ErrorCode {
  return value !== null && Object.prototype.hasOwnProperty.call(NOTICE_KEYS, value);
}

/** The text people read for an error code, in their language (never the error's message). */
export function noticeText(code: ErrorCode, language: Language = 'en'): string {
  return textsFor(language).t(NOTICE_KEYS[code] ?? NOTICE_KEYS.INTERNAL);
}

/** The state badge of a session request: "Ready to admit", "Closed — the customer left", … */
export function sessionStateText(request: Pick<SessionRequest, 'state' | 'closedReason'>, language: Language = 'en'): string {
  const texts = textsFor(language);
  if (request.state !== 'closed') return texts.t(`session.state.${request.state}`);
  return request.closedReason
    ? texts.t('session.state.closedBecause', { reason: texts.t(`session.closed.${request.closedReason}`) })
    : texts.t('session.state.closed');
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

const FIELD_LABELS: Readonly<Record<string, TextKey>> = {
  recipientName: 'field.recipientName',
  recipientEmail: 'field.recipientEmail',
  assignTo: 'field.assignTo',
  comments: 'field.comments',
  scheduledFor: 'field.scheduledFor',
  scheduledForTime: 'field.scheduledFor',
  expiresAt: 'field.expiresAt',
  expiresAtTime: 'field.expiresAt',
  sendEmail: 'field.sendEmail',
  emailLanguage: 'field.emailLanguage',
};

/** The label people know a form field by. */
export function fieldLabel(field: string, language: Language = 'en'): string {
  return Object.hasOwn(FIELD_LABELS, field) ? textsFor(language).t(FIELD_LABELS[field]) : field;
}

const PROBLEMS: Readonly<Record<string, TextKey>> = {
  required: 'problem.required',
  tooLong: 'problem.tooLong',
  invalid: 'problem.invalid',
  email: 'problem.email',
  requiredForMail: 'problem.requiredForMail',
  past: 'problem.past',
  beforeSchedule: 'problem.beforeSchedule',
  unknownAgent: 'problem.unknownAgent',
  unknownQueue: 'problem.unknownQueue',
  badDate: 'problem.badDate',
  // Problems with the whole form rather than one field (field `form`).
  malformed: 'problem.malformed',
  notPermitted: 'problem.notPermitted',
  noApprovalsQueue: 'problem.noApprovalsQueue',
};

/** Longest accepted inputs, matching the form's maxLength, so "too long" can say how long is fine. */
export const FIELD_MAX_LENGTHS: Readonly<Record<string, number>> = { recipientName: 80, comments: 2000 };

/** The human text for a form problem code; unknown codes get a generic request to check the field. */
export function problemText(problem: string, field?: string, language: Language = 'en'): string {
  const texts = textsFor(language);
  const maxLength = field === undefined ? undefined : FIELD_MAX_LENGTHS[field];
  if (problem === 'tooLong' && maxLength !== undefined) return texts.t('problem.tooLongAtMost', { max: maxLength });
  // Own keys only: a problem code like "toString" must not find Object.prototype's members.
  return texts.t(Object.prototype.hasOwnProperty.call(PROBLEMS, problem) ? PROBLEMS[problem] : 'problem.other');
}

/** The name a card shows for a person: the view's current one where it has one (a former member), else the recorded. */
export function personName(shownNames: Readonly<Record<string, string>> | undefined, person: { aadObjectId: string; name: string }): string {
  return shownNames?.[person.aadObjectId] ?? person.name;
}
