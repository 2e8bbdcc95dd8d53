import { ASSIST_FIELD_MAX_LENGTHS } from '../../../application/assist/assistForm';
import { AssistFormView } from '../../../application/assist/assistViews';
import { FieldProblem } from '../../../domain/errors';
import { adaptiveCard, executeAction, heading, inputChoiceSet, inputText, problemNotice, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { FormField, formProblems } from '../lockbox/lockboxCardParts';

/** What the "Ask for help" form shows: the device choice, what was typed before and what was wrong with it. */
export interface AssistFormCardView extends AssistFormView {
  values: Partial<Record<string, string>>;
  problems: FieldProblem[];
}

const tooLong = (max: number): string => `This is too long: use at most ${max} characters.`;

const FIELDS: Readonly<Record<string, FormField>> = {
  problem: { label: "What's wrong", texts: { tooLong: tooLong(ASSIST_FIELD_MAX_LENGTHS.problem) } },
  urgency: { label: 'How urgent' },
  phone: { label: 'Phone', texts: { tooLong: tooLong(ASSIST_FIELD_MAX_LENGTHS.phone), phone: 'This is not a phone number.' } },
  deviceId: {
    label: 'Device',
    texts: { tooLong: tooLong(ASSIST_FIELD_MAX_LENGTHS.deviceId), unknownDevice: 'This device is not one of yours (any more). Please pick again.' },
  },
};

const FORM_TEXTS: Readonly<Record<string, string>> = {
  noAssistanceQueue: 'No channel is registered for assistance, so nobody would see it: an admin says "@Doorman register assistance" in the support channel.',
  notPermitted: 'Only people of this organization can ask for help here.',
};

/** The "Ask for help" form (verb `assist.create`): problem, urgency, phone, device; problems next to their fields. */
export function assistFormCard(view: AssistFormCardView): AdaptiveCard {
  const general = view.problems.filter((problem) => problem.field === 'form' && FORM_TEXTS[problem.problem]);
  const answers = formProblems(view.problems.filter((problem) => !general.includes(problem)), FIELDS, 'Nothing was sent.');
  const value = (id: string): string | undefined => view.values[id];
  const body: unknown[] = [heading('Ask for help', 'formTitle')];
  for (const problem of general) body.push(problemNotice(`Nothing was sent. ${FORM_TEXTS[problem.problem]}`, 'formError', { weight: 'bolder' }));
  if (answers.summary) body.push(answers.summary);
  body.push(
    ...answers.unplaced,
    textBlock('Support is told at once. A helper accepts, and you decide whether they may connect and take control.', {
      id: 'formIntro',
      isSubtle: true,
      spacing: 'small',
    }),
    inputText('problem', {
      label: "What's wrong",
      placeholder: 'For example: Outlook will not start since this morning',
      isMultiline: true,
      value: value('problem'),
      isRequired: true,
      errorMessage: `Say what is wrong (at most ${ASSIST_FIELD_MAX_LENGTHS.problem} characters).`,
      maxLength: ASSIST_FIELD_MAX_LENGTHS.problem,
    }),
    ...answers.after('problem'),
    inputChoiceSet(
      'urgency',
      [
        { title: 'Low — when someone has time', value: 'low' },
        { title: 'Normal', value: 'normal' },
        { title: 'High — I cannot work', value: 'high' },
      ],
      { label: 'How urgent', value: value('urgency') ?? 'normal', style: 'compact' },
    ),
    ...answers.after('urgency'),
    inputText('phone', {
      label: 'Phone (optional)',
      placeholder: 'Where a helper can call you',
      style: 'tel',
      value: value('phone'),
      maxLength: ASSIST_FIELD_MAX_LENGTHS.phone,
    }),
    ...answers.after('phone'),
    ...deviceInput(view, value('deviceId')),
    ...answers.after('deviceId'),
  );
  return adaptiveCard(body, [executeAction('Ask for help', 'assist.create', {}, 'create', 'positive')]);
}

function deviceInput(view: AssistFormCardView, typed: string | undefined): unknown[] {
  if (view.devices && view.devices.length > 0) {
    const choices = view.devices.map((device) => ({
      title: device.operatingSystem ? `${device.name} (${device.operatingSystem})` : device.name,
      value: device.id,
    }));
    const chosen = typed && view.devices.some((device) => device.id === typed) ? typed : view.devices[0].id;
    const elements: unknown[] = [
      inputChoiceSet('deviceId', choices, { label: 'Which device', value: chosen, isRequired: true, errorMessage: 'Pick the device that needs help.', style: 'compact' }),
    ];
    if (view.source === 'local') {
      elements.push(
        textBlock('These devices come from a local stand-in, not Intune: nothing happens to a real PC.', { id: 'standInNote', isSubtle: true, size: 'small', spacing: 'small' }),
      );
    }
    return elements;
  }
  return [
    inputText('deviceId', {
      label: 'Which device (its name)',
      placeholder: 'For example: LAPTOP-4711',
      value: typed,
      isRequired: true,
      errorMessage: `Name the device (at most ${ASSIST_FIELD_MAX_LENGTHS.deviceId} characters).`,
      maxLength: ASSIST_FIELD_MAX_LENGTHS.deviceId,
    }),
    textBlock(escapeMarkdown('Your devices cannot be listed here, so type the name of the one that needs help.'), { id: 'deviceHint', isSubtle: true, size: 'small', spacing: 'small' }),
  ];
}
