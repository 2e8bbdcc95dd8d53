import { z } from 'zod';
import { FieldProblem } from '../../domain/errors';
import { isLanguage } from '../../domain/language';
import { Person } from '../../domain/people';
import { NewSession } from '../../domain/session';
import { Queue } from '../ports';
import { zonedWallClockToInstant } from '../shared/zonedTime';

/** The `emailLanguage` value that leaves the language to the customer's browser. */
export const BROWSER_LANGUAGE = 'auto';

/** The validated contents of the "new session" form: a new session but for what Doorman generates. */
export type SessionFormValues = Omit<NewSession, 'id' | 'tag' | 'linkHash' | 'assigneeReachable'>;

/** What the form is checked against: who fills it in, when, where, and who could be assigned. */
export interface SessionFormContext {
  now: Date;
  timeZone: string;
  defaultHours: number;
  agent: Person;
  agents: Person[];
  /** The queues an agent may pick; only those registered for sessions are ever accepted. */
  queues: Queue[];
  /** The queue used when the agent picks none (the default sessions queue, else the only one); null for none. */
  defaultQueueId: string | null;
}

/** Either the values, or every problem with the field it belongs to and what was typed (so nothing is lost). */
export type SessionFormResult =
  | { ok: true; values: SessionFormValues }
  | { ok: false; problems: FieldProblem[]; typed: Record<string, string> };

const MAX_NAME = 80;
const MAX_COMMENTS = 2000;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

const text = (max: number) =>
  z
    .union([z.string(), z.number(), z.boolean()])
    .optional()
    .transform((value) => (value === undefined ? '' : String(value)))
    .pipe(z.string().max(max * 4));

const formShape = z.object({
  recipientName: text(MAX_NAME),
  recipientEmail: text(320),
  assignTo: text(200),
  comments: text(MAX_COMMENTS),
  scheduledFor: text(20),
  scheduledForTime: text(10),
  expiresAt: text(20),
  expiresAtTime: text(10),
  sendEmail: text(10),
  emailLanguage: text(5),
});

/** Checks the form field by field; collects every problem instead of stopping at the first. */
export function parseSessionForm(inputs: unknown, context: SessionFormContext): SessionFormResult {
  const shaped = formShape.safeParse(typeof inputs === 'object' && inputs !== null ? inputs : {});
  if (!shaped.success) {
    return { ok: false, problems: [{ field: 'form', problem: 'malformed' }], typed: {} };
  }
  const form = shaped.data;
  const typed: Record<string, string> = { ...form };
  const problems: FieldProblem[] = [];
  const problem = (field: string, code: string) => problems.push({ field, problem: code });

  const name = form.recipientName.trim();
  if (name === '') problem('recipientName', 'required');
  else if ([...name].length > MAX_NAME) problem('recipientName', 'tooLong');
  else if (/[\u0000-\u001f\u007f]/.test(name)) problem('recipientName', 'invalid');

  const email = form.recipientEmail.trim();
  if (email !== '' && !EMAIL.test(email)) problem('recipientEmail', 'email');

  const sendEmail = form.sendEmail === 'true';
  if (sendEmail && email === '') problem('recipientEmail', 'requiredForMail');

  const comments = form.comments.trim();
  if (comments.length > MAX_COMMENTS) problem('comments', 'tooLong');

  // "auto" (or nothing): the portal follows the customer's browser; the request stores no language.
  const chosenLanguage = form.emailLanguage.trim();
  const language = chosenLanguage === '' || chosenLanguage === BROWSER_LANGUAGE ? null : chosenLanguage;
  if (language !== null && !isLanguage(language)) problem('emailLanguage', 'invalid');

  const { assignee, queueId } = resolveAssignment(form.assignTo, context, problem);

  let scheduledFor: Date | null = null;
  if (form.scheduledFor.trim() !== '') {
    scheduledFor = zonedWallClockToInstant(form.scheduledFor, form.scheduledForTime, context.timeZone);
    if (scheduledFor === null) problem('scheduledFor', 'badDate');
    else if (scheduledFor.getTime() <= context.now.getTime()) problem('scheduledFor', 'past');
  } else if (form.scheduledForTime.trim() !== '') {
    problem('scheduledFor', 'badDate');
  }

  let expiresAt: Date | null;
  if (form.expiresAt.trim() === '') {
    const start = scheduledFor ?? context.now;
    expiresAt = new Date(start.getTime() + context.defaultHours * 3600_000);
  } else {
    expiresAt = zonedWallClockToInstant(form.expiresAt, form.expiresAtTime, context.timeZone);
    if (expiresAt === null) problem('expiresAt', 'badDate');
    else if (expiresAt.getTime() <= context.now.getTime()) problem('expiresAt', 'past');
    else if (scheduledFor !== null && expiresAt.getTime() <= scheduledFor.getTime()) {
      problem('expiresAt', 'beforeSchedule');
    }
  }

  if (problems.length > 0 || expiresAt === null || (language !== null && !isLanguage(language))) {
    return { ok: false, problems, typed };
  }
  return {
    ok: true,
    values: {
      recipient: { name, email: email === '' ? null : email },
      assignee,
      queueId,
      comments,
      scheduledFor,
      expiresAt,
      language,
      sendEmail,
    },
  };
}

function resolveAssignment(
  assignTo: string,
  context: SessionFormContext,
  problem: (field: string, code: string) => void,
): { assignee: Person | null; queueId: string | null } {
  const choice = assignTo.trim() === '' ? 'me' : assignTo.trim();
  if (choice === 'me') return { assignee: context.agent, queueId: context.defaultQueueId };
  if (choice === 'unassigned') return { assignee: null, queueId: context.defaultQueueId };
  if (choice.startsWith('queue:')) {
    const queue = context.queues.find((candidate) => candidate.id === choice.slice('queue:'.length) && candidate.purpose === 'sessions');
    if (!queue) problem('assignTo', 'unknownQueue');
    return { assignee: null, queueId: queue?.id ?? null };
  }
  if (choice.startsWith('user:')) {
    const agent = context.agents.find((candidate) => candidate.aadObjectId === choice.slice('user:'.length));
    if (!agent) problem('assignTo', 'unknownAgent');
    return { assignee: agent ?? null, queueId: context.defaultQueueId };
  }
  problem('assignTo', 'invalid');
  return { assignee: null, queueId: null };
}
