import { ASSIST_FIELD_MAX_LENGTHS } from '../../../application/assist/assistForm';
import { AssistFormView } from '../../../application/assist/assistViews';
import { FieldProblem } from '../../../domain/errors';
import { adaptiveCard, executeAction, heading, inputChoiceSet, inputText, problemNotice, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { FormField, formProblems } from '../lockbox/lockboxCardParts';
import { TextKey, Texts, textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';

/** What the "Ask for help" form shows: the device choice, what was typed before and what was wrong with it. */
export interface AssistFormCardView extends AssistFormView {
  values: Partial<Record<string, string>>;
  problems: FieldProblem[];
  /** The reader's language (absent: English). */
  language?: Language;
}

function fieldsIn(texts: Texts): Readonly<Record<string, FormField>> {
  const tooLong = (max: number): string => texts.t('problem.tooLongAtMost', { max });
  return {
    problem: { label: texts.t('assist.form.problem'), texts: { tooLong: tooLong(ASSIST_FIELD_MAX_LENGTHS.problem) } },
    urgency: { label: texts.t('assist.form.urgency') },
    phone: { label: texts.t('assist.form.phoneField'), texts: { tooLong: tooLong(ASSIST_FIELD_MAX_LENGTHS.phone), phone: texts.t('assist.form.phoneInvalid') } },
    deviceId: {
      label: texts.t('assist.form.deviceField'),
      texts: { tooLong: tooLong(ASSIST_FIELD_MAX_LENGTHS.deviceId), unknownDevice: texts.t('assist.form.unknownDevice') },
    },
  };
}

const FORM_TEXTS: Readonly<Record<string, TextKey>> = {
  noAssistanceQueue: 'assist.form.noQueue',
  notPermitted: 'assist.form.notPermitted',
};

/** The "Ask for help" form (verb `assist.create`): problem, urgency, phone, device; problems next to their fields. */
export function assistFormCard(view: AssistFormCardView): AdaptiveCard {
  const texts = textsFor(view.language ?? 'en');
  const general = view.problems.filter((problem) => problem.field === 'form' && Object.hasOwn(FORM_TEXTS, problem.problem));
  // One notice at the top says everything (a card's ids are unique): nothing was sent, the form-wide reasons, the fields.
  const nothingSent = [texts.t('assist.form.nothingSent'), ...new Set(general.map((problem) => texts.t(FORM_TEXTS[problem.problem])))].join(' ');
  const answers = formProblems(view.problems.filter((problem) => !general.includes(problem)), fieldsIn(texts), nothingSent, texts.language);
  const value = (id: string): string | undefined => view.values[id];
  const body: unknown[] = [heading(texts.t('assist.form.title'), 'formTitle')];
  if (answers.summary) body.push(answers.summary);
  else if (general.length > 0) body.push(problemNotice(nothingSent, 'formError', { weight: 'bolder' }));
  body.push(
    ...answers.unplaced,
    textBlock(texts.t('assist.form.intro'), {
      id: 'formIntro',
      isSubtle: true,
      spacing: 'small',
    }),
    inputText('problem', {
      label: texts.t('assist.form.problem'),
      placeholder: texts.t('assist.form.problemPlaceholder'),
      isMultiline: true,
      value: value('problem'),
      isRequired: true,
      errorMessage: texts.t('assist.form.problemError', { max: ASSIST_FIELD_MAX_LENGTHS.problem }),
      maxLength: ASSIST_FIELD_MAX_LENGTHS.problem,
    }),
    ...answers.after('problem'),
    inputChoiceSet(
      'urgency',
      [
        { title: texts.t('assist.urgency.low'), value: 'low' },
        { title: texts.t('assist.urgency.normal'), value: 'normal' },
        { title: texts.t('assist.urgency.high'), value: 'high' },
      ],
      { label: texts.t('assist.form.urgency'), value: value('urgency') ?? 'normal', style: 'compact' },
    ),
    ...answers.after('urgency'),
    inputText('phone', {
      label: texts.t('assist.form.phone'),
      placeholder: texts.t('assist.form.phonePlaceholder'),
      style: 'tel',
      value: value('phone'),
      maxLength: ASSIST_FIELD_MAX_LENGTHS.phone,
    }),
    ...answers.after('phone'),
    ...deviceInput(view, value('deviceId'), texts),
    ...answers.after('deviceId'),
  );
  return adaptiveCard(body, [executeAction(texts.t('assist.form.send'), 'assist.create', {}, 'create', 'positive')]);
}

function deviceInput(view: AssistFormCardView, typed: string | undefined, texts: Texts): unknown[] {
  if (view.devices && view.devices.length > 0) {
    const choices = view.devices.map((device) => ({
      title: device.operatingSystem ? texts.t('assist.form.deviceWithOs', { name: device.name, os: device.operatingSystem }) : device.name,
      value: device.id,
    }));
    const chosen = typed && view.devices.some((device) => device.id === typed) ? typed : view.devices[0].id;
    const elements: unknown[] = [
      inputChoiceSet('deviceId', choices, { label: texts.t('assist.form.whichDevice'), value: chosen, isRequired: true, errorMessage: texts.t('assist.form.pickDevice'), style: 'compact' }),
    ];
    if (view.source === 'local') {
      elements.push(
        textBlock(texts.t('assist.form.standIn'), { id: 'standInNote', isSubtle: true, size: 'small', spacing: 'small' }),
      );
    }
    return elements;
  }
  return [
    inputText('deviceId', {
      label: texts.t('assist.form.deviceName'),
      placeholder: texts.t('assist.form.deviceNamePlaceholder'),
      value: typed,
      isRequired: true,
      errorMessage: texts.t('assist.form.deviceNameError', { max: ASSIST_FIELD_MAX_LENGTHS.deviceId }),
      maxLength: ASSIST_FIELD_MAX_LENGTHS.deviceId,
    }),
    textBlock(escapeMarkdown(texts.t('assist.form.deviceHint')), { id: 'deviceHint', isSubtle: true, size: 'small', spacing: 'small' }),
  ];
}
