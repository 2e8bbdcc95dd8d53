import { TextKey, textsFor } from '../../../application/i18n/messages';
import { durationText } from '../../../application/people/auditTrail';
import { Language } from '../../../domain/language';
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

/** A duration on a card in `language`: English keeps the trails' "4 h 30 min", others say "4 Stunden 30 Minuten". */
export function durationIn(minutes: number, language: Language): string {
  if (language === 'en') return durationText(minutes);
  const texts = textsFor(language);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return texts.plural('duration.minutes', rest);
  if (rest === 0) return texts.plural('duration.hours', hours);
  return texts.t('duration.hoursMinutes', { hours: texts.plural('duration.hours', hours), minutes: texts.plural('duration.minutes', rest) });
}

/** Why access ended, as people read it: "access window elapsed", "revoked by an approver", … */
export function endReasonText(reason: LockboxEndReason, language: Language = 'en'): string {
  return textsFor(language).t(`lockbox.end.${reason}`);
}

/**
 * The state badge: "Awaiting approval", "Access granted until Fri 5 Dec, 14:00", "Ended — revoked by an approver".
 * "Approved" is split by where the access stands, because approval only counts once access is really granted.
 */
export function lockboxStateText(request: LockboxRequest, timeZone: string, now: Date, language: Language = 'en'): string {
  const texts = textsFor(language);
  switch (request.state) {
    case 'review':
    case 'pending':
    case 'denied':
    case 'expired':
    case 'cancelled':
      return texts.t(`lockbox.state.${request.state}`);
    case 'approved':
      if (request.ending !== null) return texts.t('lockbox.state.ending');
      if (request.access.status === 'granted') {
        return request.access.endsAt
          ? texts.t('lockbox.state.grantedUntil', { time: cardTime(request.access.endsAt, timeZone, now, language) })
          : texts.t('lockbox.state.granted');
      }
      return texts.t('lockbox.state.granting');
    case 'ended':
      return request.ending
        ? texts.t('lockbox.state.endedBecause', { reason: endReasonText(request.ending.reason, language) })
        : texts.t('lockbox.state.ended');
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

/** A decision as a fact: title ("Denied") and value ("Ann Approver, Fri 5 Dec, 14:00 — “comment”"), escaped. */
export function decisionFact(
  decision: LockboxDecision,
  timeZone: string,
  now: Date,
  shownNames: Readonly<Record<string, string>> = {},
  language: Language = 'en',
): [string, string] {
  const texts = textsFor(language);
  const at = cardTime(decision.at, timeZone, now, language);
  const title = texts.t(`lockbox.decision.${decision.action}`);
  if (decision.action === 'autoApprove') {
    // The "comment" of an automatic approval names the setting that approved it (stored in English: the domain's
    // words); the actor is the system.
    return [title, `${escapeMarkdown(decision.comment ?? texts.t('lockbox.approvalOff'))}, ${at}`];
  }
  const comment = decision.comment && decision.comment.trim() !== '' ? ` — “${escapeMarkdown(decision.comment.trim())}”` : '';
  const by = personName(shownNames, { aadObjectId: decision.byId, name: decision.byName });
  return [title, `${escapeMarkdown(by)}, ${at}${comment}`];
}

/** The last decision of a kind, if any. */
export function lastDecision(request: LockboxRequest, ...actions: LockboxDecision['action'][]): LockboxDecision | null {
  return [...request.decisions].reverse().find((decision) => actions.includes(decision.action)) ?? null;
}

// The shared texts speak of agents; on a lockbox card the roles that matter are approver and requester.
const LOCKBOX_NOTICES: Partial<Record<ErrorCode, TextKey>> = {
  'AUTH.NOT_PERMITTED': 'lockbox.error.AUTH.NOT_PERMITTED',
  'AUTH.SELF_APPROVAL': 'lockbox.error.AUTH.SELF_APPROVAL',
  'AUTH.SAME_REVIEWER': 'lockbox.error.AUTH.SAME_REVIEWER',
};

/** The text people read for an error code on a lockbox card. */
export function lockboxNoticeText(code: ErrorCode, language: Language = 'en'): string {
  const key = LOCKBOX_NOTICES[code];
  return key ? textsFor(language).t(key) : noticeText(code, language);
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
  language: Language = 'en',
): { summary: CardElement | null; after(field: string): CardElement[]; unplaced: CardElement[] } {
  // Own properties only: a field or problem code such as "constructor" must not reach Object.prototype.
  const known = (field: string): FormField | undefined => (Object.hasOwn(fields, field) ? fields[field] : undefined);
  const byField = new Map<string, string[]>();
  for (const { field, problem } of problems) {
    if (field === FORM_FIELD) continue;
    const overrides = known(field)?.texts;
    const text = (overrides && Object.hasOwn(overrides, problem) ? overrides[problem] : undefined) ?? sharedProblemText(problem, language);
    const texts = byField.get(field) ?? [];
    if (!texts.includes(text)) texts.push(text);
    byField.set(field, texts);
  }
  const label = (field: string): string => known(field)?.label ?? field;
  const general = [...new Set(problems.filter((p) => p.field === FORM_FIELD).map((p) => sharedProblemText(p.problem, language)))];
  const named = [...byField.keys()].map(label);
  const parts = [nothingDone, ...general];
  if (named.length > 0) parts.push(textsFor(language).t('form.pleaseCheck', { fields: escapeMarkdown([...new Set(named)].join(', ')) }));
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
function sharedProblemText(problem: string, language: Language): string {
  const text: unknown = problemText(problem, undefined, language);
  return typeof text === 'string' ? text : problemText('', undefined, language);
}
