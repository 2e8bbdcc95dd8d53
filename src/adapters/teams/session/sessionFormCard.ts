import { SUPPORTED_LANGUAGES, Language } from '../../../domain/language';
import { FieldProblem } from '../../../domain/errors';
import { Person } from '../../../domain/people';
import { Queue } from '../../../application/ports';
import { DefaultQueueReason } from '../../../domain/queues';
import { BROWSER_LANGUAGE } from '../../../application/session/sessionForm';
import { fieldLabel, FIELD_MAX_LENGTHS, problemText } from '../cards/cardTexts';
import {
  adaptiveCard,
  columnSet,
  executeAction,
  heading,
  inputChoiceSet,
  inputDate,
  inputSearchChoiceSet,
  inputText,
  inputTime,
  inputToggle,
  problemNotice,
  textBlock,
} from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { AGENTS_DATASET } from './sessionCardParts';

/** What the "New session request" form shows: choices, what was typed before, and what was wrong with it. */
export interface SessionFormView {
  /** The agent picked before a failed submit, offered again by name; other agents are searched (dataset `agents`). */
  chosenAgent: Pick<Person, 'aadObjectId' | 'name'> | null;
  /** Queues registered for sessions (never the approvals or assistance channels). */
  queues: ReadonlyArray<Pick<Queue, 'id' | 'name'>>;
  /** The queue used when the agent picks none ("Me", "Unassigned", a person), and why; null when there is none. */
  defaultQueue: { name: string; reason: DefaultQueueReason } | null;
  /** Input values of a failed submit, by input id, so that nothing typed is lost. */
  values: Partial<Record<string, string>>;
  problems: readonly FieldProblem[];
  /** IANA time zone the date and time inputs are read in. */
  timeZone: string;
  /** Hours the link lives when the agent leaves the expiry empty, counted from Create (or the scheduled start). */
  defaultHours: number;
}

const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  nl: 'Nederlands',
  hu: 'Magyar',
};

// Where each field's problem is answered: the date and time halves share the line below their pair.
const ERROR_ANCHORS: Readonly<Record<string, string>> = {
  recipientName: 'recipientName',
  recipientEmail: 'recipientEmail',
  assignTo: 'assignTo',
  comments: 'comments',
  scheduledFor: 'schedule',
  scheduledForTime: 'schedule',
  expiresAt: 'expiry',
  expiresAtTime: 'expiry',
  sendEmail: 'sendEmail',
  emailLanguage: 'emailLanguage',
};

/** The "New session request" form (verb `session.create`); problems are answered next to their fields. */
export function sessionFormCard(view: SessionFormView): AdaptiveCard {
  const value = (id: string): string | undefined => view.values[id];
  const problemsByField = groupProblems(view.problems);
  const errorsAt = (anchor: string): unknown[] =>
    [...problemsByField.entries()]
      .filter(([field]) => (ERROR_ANCHORS[field] ?? 'top') === anchor)
      .map(([field, problems]) => fieldError(field, problems));

  const assignChoices = [
    { title: 'Me', value: 'me' },
    { title: 'Unassigned', value: 'unassigned' },
    ...view.queues.map((queue) => ({ title: `Queue: ${queue.name}`, value: `queue:${queue.id}` })),
    ...(view.chosenAgent ? [{ title: view.chosenAgent.name, value: `user:${view.chosenAgent.aadObjectId}` }] : []),
  ];

  const body: unknown[] = [heading('New session request', 'formTitle')];
  if (view.problems.length > 0) body.push(formSummary(view.problems));
  body.push(
    ...errorsAt('top'),
    inputText('recipientName', {
      label: 'Customer name',
      placeholder: 'How the invitation greets the customer',
      value: value('recipientName'),
      isRequired: true,
      errorMessage: `Enter the customer's name (at most ${FIELD_MAX_LENGTHS.recipientName} characters).`,
      maxLength: FIELD_MAX_LENGTHS.recipientName,
    }),
    ...errorsAt('recipientName'),
    inputText('recipientEmail', {
      label: 'Customer e-mail (optional)',
      placeholder: 'name@example.com',
      style: 'email',
      value: value('recipientEmail'),
    }),
    ...errorsAt('recipientEmail'),
    // Agents are searched as the agent types (AGENTS_DATASET), not listed: with hundreds of agents the card would pass
    // Teams' size limit.
    inputSearchChoiceSet('assignTo', assignChoices, AGENTS_DATASET, {
      label: 'Assign to',
      value: value('assignTo') ?? 'me',
      placeholder: "Type an agent's name, or pick a queue",
    }),
    ...errorsAt('assignTo'),
    textBlock(queueNote(view), { id: 'queueNote', isSubtle: true, size: 'small', spacing: 'small' }),
    inputText('comments', {
      label: 'Internal comments',
      placeholder: 'Internal only: never shown to the customer',
      isMultiline: true,
      maxLength: FIELD_MAX_LENGTHS.comments,
      value: value('comments'),
    }),
    ...errorsAt('comments'),
    textBlock(`Times are in ${escapeMarkdown(view.timeZone)}.`, { id: 'timeZoneNote', isSubtle: true, size: 'small' }),
    dateTimePair('schedule', {
      date: inputDate('scheduledFor', { label: 'Scheduled start (optional)', value: value('scheduledFor') }),
      time: inputTime('scheduledForTime', { label: 'Start time', value: value('scheduledForTime') }),
    }),
    ...errorsAt('schedule'),
    // Left empty on purpose: a prefilled time would count from when the form was opened, not from Create.
    dateTimePair('expiry', {
      date: inputDate('expiresAt', { label: 'Link expires (optional)', value: value('expiresAt') }),
      time: inputTime('expiresAtTime', { label: 'Expiry time', value: value('expiresAtTime') }),
    }),
    ...errorsAt('expiry'),
    textBlock(`Left empty, the link expires ${view.defaultHours} h after you press Create (after the start when scheduled).`, {
      id: 'expiryNote',
      isSubtle: true,
      size: 'small',
      spacing: 'small',
    }),
    inputToggle('sendEmail', 'Send the invitation by e-mail', { value: value('sendEmail') === 'true' ? 'true' : 'false' }),
    ...errorsAt('sendEmail'),
    inputChoiceSet(
      'emailLanguage',
      [
        { title: "The customer's browser language", value: BROWSER_LANGUAGE },
        ...SUPPORTED_LANGUAGES.map((language) => ({ title: LANGUAGE_NAMES[language], value: language })),
      ],
      { label: 'Invitation language', style: 'compact', value: value('emailLanguage') ?? BROWSER_LANGUAGE },
    ),
    ...errorsAt('emailLanguage'),
    textBlock(
      "With the customer's browser language, the portal speaks the language the customer's browser asks for; " +
        'the mail and the text you copy are in English.',
      { id: 'languageNote', isSubtle: true, size: 'small', spacing: 'small' },
    ),
  );

  return adaptiveCard(body, [executeAction('Create request', 'session.create', {}, 'create', 'positive')]);
}

/** Which queue the request goes to when the agent picks none, so nothing lands somewhere unexpected. */
function queueNote(view: SessionFormView): string {
  if (view.queues.length === 0) {
    return 'No queue is registered for sessions: the request is shown only to you and the assignee. An admin registers one with **@Doorman register queue <name>** in a channel.';
  }
  if (view.defaultQueue === null) {
    return 'No default queue is set: unless you pick a queue, the request is shown only to you and the assignee. An admin sets one with **@Doorman register queue <name> default**.';
  }
  const why = view.defaultQueue.reason === 'default' ? 'the default queue' : 'the only queue';
  return `Unless you pick a queue, the request also goes to **${escapeMarkdown(view.defaultQueue.name)}** (${why}).`;
}

function dateTimePair(id: string, inputs: { date: unknown; time: unknown }): unknown {
  // Bottom alignment keeps the two inputs level even when the date's label wraps onto more lines.
  return columnSet(
    [
      { items: [inputs.date], width: 'stretch', verticalContentAlignment: 'bottom' },
      { items: [inputs.time], width: 'stretch', verticalContentAlignment: 'bottom' },
    ],
    { id },
  );
}

/** Problems of the whole form rather than of one field; they are answered in the summary. */
const FORM_FIELD = 'form';

function formSummary(problems: readonly FieldProblem[]): unknown {
  const general = [...new Set(problems.filter((p) => p.field === FORM_FIELD).map((p) => problemText(p.problem)))];
  const fields = [...new Set(problems.filter((p) => p.field !== FORM_FIELD).map((p) => fieldLabel(p.field)))];
  const parts = ['Nothing was created.', ...general];
  if (fields.length > 0) parts.push(`Please check: ${escapeMarkdown(fields.join(', '))}.`);
  return problemNotice(parts.join(' '), 'formError', { weight: 'bolder' });
}

function groupProblems(problems: readonly FieldProblem[]): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const { field, problem } of problems) {
    if (field === FORM_FIELD) continue;
    const texts = byField.get(field) ?? [];
    const text = problemText(problem, field);
    if (!texts.includes(text)) texts.push(text);
    byField.set(field, texts);
  }
  return byField;
}

function fieldError(field: string, texts: string[]): unknown {
  // A problem without a place in the form is answered at the top, so it names its field.
  const label = ERROR_ANCHORS[field] ? '' : `${escapeMarkdown(fieldLabel(field))}: `;
  return problemNotice(`${label}${texts.join(' ')}`, `${field}Error`, { spacing: 'small' });
}
