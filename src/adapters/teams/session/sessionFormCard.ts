import { LANGUAGE_NAMES, Texts, textsFor } from '../../../application/i18n/messages';
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
  /** The agent's language (default English). */
  language?: Language;
}

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
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const value = (id: string): string | undefined => view.values[id];
  const problemsByField = groupProblems(view.problems, language);
  const errorsAt = (anchor: string): unknown[] =>
    [...problemsByField.entries()]
      .filter(([field]) => (ERROR_ANCHORS[field] ?? 'top') === anchor)
      .map(([field, problems]) => fieldError(field, problems, language));

  const assignChoices = [
    { title: texts.t('session.assign.me'), value: 'me' },
    { title: texts.t('session.assign.unassigned'), value: 'unassigned' },
    ...view.queues.map((queue) => ({ title: texts.t('sessionForm.queueChoice', { name: queue.name }), value: `queue:${queue.id}` })),
    ...(view.chosenAgent ? [{ title: view.chosenAgent.name, value: `user:${view.chosenAgent.aadObjectId}` }] : []),
  ];

  const body: unknown[] = [heading(texts.t('sessionForm.title'), 'formTitle')];
  if (view.problems.length > 0) body.push(formSummary(view.problems, texts));
  body.push(
    ...errorsAt('top'),
    inputText('recipientName', {
      label: texts.t('sessionForm.recipientName'),
      placeholder: texts.t('sessionForm.recipientNamePlaceholder'),
      value: value('recipientName'),
      isRequired: true,
      errorMessage: texts.t('sessionForm.recipientNameError', { max: FIELD_MAX_LENGTHS.recipientName }),
      maxLength: FIELD_MAX_LENGTHS.recipientName,
    }),
    ...errorsAt('recipientName'),
    inputText('recipientEmail', {
      label: texts.t('sessionForm.recipientEmail'),
      placeholder: 'name@example.com',
      style: 'email',
      value: value('recipientEmail'),
    }),
    ...errorsAt('recipientEmail'),
    // Agents are searched as the agent types (AGENTS_DATASET), not listed: with hundreds of agents the card would pass
    // Teams' size limit.
    inputSearchChoiceSet('assignTo', assignChoices, AGENTS_DATASET, {
      label: texts.t('session.assign.label'),
      value: value('assignTo') ?? 'me',
      placeholder: texts.t('sessionForm.assignPlaceholder'),
    }),
    ...errorsAt('assignTo'),
    textBlock(queueNote(view, texts), { id: 'queueNote', isSubtle: true, size: 'small', spacing: 'small' }),
    inputText('comments', {
      label: texts.t('sessionForm.comments'),
      placeholder: texts.t('sessionForm.commentsPlaceholder'),
      isMultiline: true,
      maxLength: FIELD_MAX_LENGTHS.comments,
      value: value('comments'),
    }),
    ...errorsAt('comments'),
    textBlock(texts.t('sessionForm.timeZoneNote', { zone: escapeMarkdown(view.timeZone) }), { id: 'timeZoneNote', isSubtle: true, size: 'small' }),
    dateTimePair('schedule', {
      date: inputDate('scheduledFor', { label: texts.t('sessionForm.scheduledFor'), value: value('scheduledFor') }),
      time: inputTime('scheduledForTime', { label: texts.t('sessionForm.startTime'), value: value('scheduledForTime') }),
    }),
    ...errorsAt('schedule'),
    // Left empty on purpose: a prefilled time would count from when the form was opened, not from Create.
    dateTimePair('expiry', {
      date: inputDate('expiresAt', { label: texts.t('sessionForm.expiresAt'), value: value('expiresAt') }),
      time: inputTime('expiresAtTime', { label: texts.t('sessionForm.expiryTime'), value: value('expiresAtTime') }),
    }),
    ...errorsAt('expiry'),
    textBlock(texts.plural('sessionForm.expiryNote', view.defaultHours), {
      id: 'expiryNote',
      isSubtle: true,
      size: 'small',
      spacing: 'small',
    }),
    inputToggle('sendEmail', texts.t('sessionForm.sendEmail'), { value: value('sendEmail') === 'true' ? 'true' : 'false' }),
    ...errorsAt('sendEmail'),
    inputChoiceSet(
      'emailLanguage',
      [
        { title: texts.t('sessionForm.browserLanguage'), value: BROWSER_LANGUAGE },
        ...SUPPORTED_LANGUAGES.map((language) => ({ title: LANGUAGE_NAMES[language], value: language })),
      ],
      { label: texts.t('sessionForm.emailLanguage'), style: 'compact', value: value('emailLanguage') ?? BROWSER_LANGUAGE },
    ),
    ...errorsAt('emailLanguage'),
    textBlock(
      texts.t('sessionForm.languageNote'),
      { id: 'languageNote', isSubtle: true, size: 'small', spacing: 'small' },
    ),
  );

  return adaptiveCard(body, [executeAction(texts.t('sessionForm.create'), 'session.create', {}, 'create', 'positive')]);
}

/** Which queue the request goes to when the agent picks none, so nothing lands somewhere unexpected. */
function queueNote(view: SessionFormView, texts: Texts): string {
  if (view.queues.length === 0) return texts.t('sessionForm.noQueues');
  if (view.defaultQueue === null) return texts.t('sessionForm.noDefaultQueue');
  const name = escapeMarkdown(view.defaultQueue.name);
  return texts.t(view.defaultQueue.reason === 'default' ? 'sessionForm.defaultQueue' : 'sessionForm.onlyQueue', { name });
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

function formSummary(problems: readonly FieldProblem[], texts: Texts): unknown {
  const { language } = texts;
  const general = [...new Set(problems.filter((p) => p.field === FORM_FIELD).map((p) => problemText(p.problem, undefined, language)))];
  const fields = [...new Set(problems.filter((p) => p.field !== FORM_FIELD).map((p) => fieldLabel(p.field, language)))];
  const parts = [texts.t('sessionForm.nothingCreated'), ...general];
  if (fields.length > 0) parts.push(texts.t('form.pleaseCheck', { fields: escapeMarkdown(fields.join(', ')) }));
  return problemNotice(parts.join(' '), 'formError', { weight: 'bolder' });
}

function groupProblems(problems: readonly FieldProblem[], language: Language): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const { field, problem } of problems) {
    if (field === FORM_FIELD) continue;
    const texts = byField.get(field) ?? [];
    const text = problemText(problem, field, language);
    if (!texts.includes(text)) texts.push(text);
    byField.set(field, texts);
  }
  return byField;
}

function fieldError(field: string, texts: string[], language: Language): unknown {
  // A problem without a place in the form is answered at the top, so it names its field.
  const label = ERROR_ANCHORS[field] ? '' : `${escapeMarkdown(fieldLabel(field, language))}: `;
  return problemNotice(`${label}${texts.join(' ')}`, `${field}Error`, { spacing: 'small' });
}
