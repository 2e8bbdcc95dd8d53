import { durationText } from '../../../application/people/auditTrail';
import { ErrorCode, FieldProblem } from '../../../domain/errors';
import { LockboxDecision, LockboxEndReason, LockboxRequest } from '../../../domain/lockbox';
import { cardTime } from '../cards/cardTime';
import { noticeText, personName, problemText } from '../cards/cardTexts';
import { InputOptions, StatusTone, problemNotice } from '../cards/cardElements';
import { CardElement, RequestPointer } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';

/** Longest accepted lockbox inputs; the form's maxLength and its "too long" texts use the same numbers. */
export const LOCKBOX_FIELD_MAX_LENGTHS: Readonly<Record<'resource' | 'reason' | 'ticket' | 'comment', number>> = {
  resource: 200,
  reason: 1000,
  ticket: 100,
  comment: 1000,
};

/** The shortest access window a form offers, in minutes (lockbox policy, kept in the domain). */
export { LOCKBOX_MIN_MINUTES } from '../../../domain/lockbox';

/** The pointer every action on a lockbox request carries. */
export function lockboxPointer(request: LockboxRequest): RequestPointer {
  return { requestId: request.id, version: request.version };
}

/** True while a decision is awaited (in review or pending). */
export function isUndecided(request: LockboxRequest): boolean {
  return request.state === 'review' || request.state === 'pending';
}

/** True while approved access may still be ended early: approved, and nobody has started ending it. */
export function isAccessRunning(request: LockboxRequest): boolean {
  return request.state === 'approved' && request.ending === null;
}

/** A duration as people say it (one wording for cards, trails and histories). */
export { durationText };

const END_REASONS: Readonly<Record<LockboxEndReason, string>> = {
  'window elapsed': 'access window elapsed',
  resolved: 'ended early by the requester',
  revoked: 'revoked by an approver',
  'grant failed': 'the grant failed, access was never given',
};

/** Why access ended, as people read it: "access window elapsed", "revoked by an approver", … */
export function endReasonText(reason: LockboxEndReason): string {
  return END_REASONS[reason];
}

/**
 * The state badge: "Awaiting approval", "Access granted until Fri 5 Dec, 14:00", "Ended — revoked by an approver".
 * "Approved" is split by where the access stands, because approval only counts once access is really granted.
 */
export function lockboxStateText(request: LockboxRequest, timeZone: string, now: Date): string {
  switch (request.state) {
    case 'review':
      return 'Awaiting review';
    case 'pending':
      return 'Awaiting approval';
    case 'approved':
      if (request.ending !== null) return 'Access ending…';
      if (request.access.status === 'granted') {
        return request.access.endsAt ? `Access granted until ${cardTime(request.access.endsAt, timeZone, now)}` : 'Access granted';
      }
      return 'Approved — access being granted';
    case 'denied':
      return 'Denied';
    case 'expired':
      return 'Expired';
    case 'cancelled':
      return 'Cancelled';
    case 'ended':
      return request.ending ? `Ended — ${endReasonText(request.ending.reason)}` : 'Ended';
  }
}

/** What a lockbox state means: a decision is awaited, access runs, refusals stop, the rest is over. */
export function lockboxStateTone(request: LockboxRequest): StatusTone {
  switch (request.state) {
    case 'review':
    case 'pending':
      return 'action';
    case 'approved':
      return request.ending === null && request.access.status === 'granted' ? 'good' : 'pending';
    case 'denied':
    case 'expired':
      return 'stopped';
    case 'cancelled':
    case 'ended':
      return 'done';
  }
}

const DECISION_TITLES: Readonly<Record<LockboxDecision['action'], string>> = {
  approve: 'Approved',
  autoApprove: 'Approved automatically',
  deny: 'Denied',
  passReview: 'Passed review',
};

/** A decision as a fact: title ("Denied") and value ("Ann Approver, Fri 5 Dec, 14:00 — “comment”"), escaped. */
export function decisionFact(decision: LockboxDecision, timeZone: string, now: Date, shownNames: Readonly<Record<string, string>> = {}): [string, string] {
  const at = cardTime(decision.at, timeZone, now);
  if (decision.action === 'autoApprove') {
    // The "comment" of an automatic approval names the setting that approved it; the actor is the system.
    return [DECISION_TITLES.autoApprove, `${escapeMarkdown(decision.comment ?? 'approval is turned off')}, ${at}`];
  }
  const comment = decision.comment && decision.comment.trim() !== '' ? ` — “${escapeMarkdown(decision.comment.trim())}”` : '';
  const by = personName(shownNames, { aadObjectId: decision.byId, name: decision.byName });
  return [DECISION_TITLES[decision.action], `${escapeMarkdown(by)}, ${at}${comment}`];
}

/** The last decision of a kind, if any. */
export function lastDecision(request: LockboxRequest, ...actions: LockboxDecision['action'][]): LockboxDecision | null {
  return [...request.decisions].reverse().find((decision) => actions.includes(decision.action)) ?? null;
}

// The shared texts speak of agents; on a lockbox card the roles that matter are approver and requester.
const LOCKBOX_NOTICES: Partial<Record<ErrorCode, string>> = {
  'AUTH.NOT_PERMITTED': 'Only approvers can decide on this request, and only the requester can cancel it or end access.',
  'AUTH.SELF_APPROVAL': "You can't decide on your own request.",
  'AUTH.SAME_REVIEWER': 'You passed the lead review of this request; another approver decides.',
};

/** The text people read for an error code on a lockbox card. */
export function lockboxNoticeText(code: ErrorCode): string {
  return LOCKBOX_NOTICES[code] ?? noticeText(code);
}

/** An Input.Number; `value` is kept only when it is a number (a Number input cannot show anything else). */
export function inputNumber(
  id: string,
  options: Omit<InputOptions, 'value'> & { value?: number | string; min?: number; max?: number },
): CardElement {
  const { value, ...rest } = options;
  const number = typeof value === 'string' ? (value.trim() === '' ? undefined : Number(value)) : value;
  const element: CardElement = { type: 'Input.Number', id };
  for (const [key, entry] of Object.entries(rest)) if (entry !== undefined) element[key] = entry;
  if (number !== undefined && Number.isFinite(number)) element.value = number;
  return element;
}

/** How a form names a field and answers its problems; `texts` overrides the shared problem texts. */
export interface FormField {
  label: string;
  texts?: Partial<Record<string, string>>;
}

/** Problems of the whole form rather than of one field; they are answered in the summary. */
const FORM_FIELD = 'form';

/**
 * A form's answers to a failed submit: the `formError` summary ("Nothing was requested. Please check: Reason."),
 * the `<field>Error` text to place right after each field, and the texts of fields the form does not show.
 */
export function formProblems(
  problems: readonly FieldProblem[],
  fields: Readonly<Record<string, FormField>>,
  nothingDone: string,
): { summary: CardElement | null; after(field: string): CardElement[]; unplaced: CardElement[] } {
  // Own properties only: a field or problem code such as "constructor" must not reach Object.prototype.
  const known = (field: string): FormField | undefined => (Object.hasOwn(fields, field) ? fields[field] : undefined);
  const byField = new Map<string, string[]>();
  for (const { field, problem } of problems) {
    if (field === FORM_FIELD) continue;
    const overrides = known(field)?.texts;
    const text = (overrides && Object.hasOwn(overrides, problem) ? overrides[problem] : undefined) ?? sharedProblemText(problem);
    const texts = byField.get(field) ?? [];
    if (!texts.includes(text)) texts.push(text);
    byField.set(field, texts);
  }
  const label = (field: string): string => known(field)?.label ?? field;
  const general = [...new Set(problems.filter((p) => p.field === FORM_FIELD).map((p) => sharedProblemText(p.problem)))];
  const named = [...byField.keys()].map(label);
  const parts = [nothingDone, ...general];
  if (named.length > 0) parts.push(`Please check: ${escapeMarkdown([...new Set(named)].join(', '))}.`);
  const summary = problems.length > 0 ? problemNotice(parts.join(' '), 'formError', { weight: 'bolder' }) : null;

  const errorFor = (field: string, named: boolean): CardElement => {
    const texts = byField.get(field) ?? [];
    const prefix = named ? `${escapeMarkdown(label(field))}: ` : '';
    return problemNotice(`${prefix}${texts.join(' ')}`, `${field}Error`, { spacing: 'small' });
  };
  return {
    summary,
    after: (field) => (byField.has(field) ? [errorFor(field, false)] : []),
    // A problem without a place in the form is answered at the top, so it names its field.
    unplaced: [...byField.keys()].filter((field) => known(field) === undefined).map((field) => errorFor(field, true)),
  };
}

// problemText looks codes up in a plain object, so "toString" would come back as a function; such codes get the
// generic text instead.
function sharedProblemText(problem: string): string {
  const text: unknown = problemText(problem);
  return typeof text === 'string' ? text : problemText('');
}
