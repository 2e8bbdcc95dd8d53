import { FieldProblem } from '../../../domain/errors';
import { AccessScope, LOCKBOX_MAX_MINUTES } from '../../../domain/lockbox';
import { adaptiveCard, executeAction, heading, inputChoiceSet, inputText, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { durationText, formProblems, FormField, inputNumber, LOCKBOX_FIELD_MAX_LENGTHS, LOCKBOX_MIN_MINUTES } from './lockboxCardParts';

/** What the "Request access" form shows: what was typed before, what was wrong with it, and the duration limits. */
export interface LockboxFormView {
  /** Input values of a failed submit, by input id, so that nothing typed is lost. */
  values: Partial<Record<string, string>>;
  problems: FieldProblem[];
  defaultDurationMinutes: number;
  maxDurationMinutes: number;
  /** The access scopes admins defined; the engineer picks one (input `scope`), the first is preselected. */
  scopes?: readonly AccessScope[];
}

const tooLong = (max: number): string => `This is too long: use at most ${max} characters.`;

/** The lockbox request form (verb `lockbox.create`); problems are answered next to their fields. */
export function lockboxFormCard(view: LockboxFormView): AdaptiveCard {
  const max = Math.max(LOCKBOX_MIN_MINUTES, Math.min(view.maxDurationMinutes, LOCKBOX_MAX_MINUTES));
  const durationRange = `Choose between ${LOCKBOX_MIN_MINUTES} and ${max} minutes (${durationText(max)}).`;
  const fields: Record<string, FormField> = {
    resource: { label: 'Resource', texts: { tooLong: tooLong(LOCKBOX_FIELD_MAX_LENGTHS.resource) } },
    reason: { label: 'Reason', texts: { tooLong: tooLong(LOCKBOX_FIELD_MAX_LENGTHS.reason) } },
    ticket: { label: 'Ticket', texts: { tooLong: tooLong(LOCKBOX_FIELD_MAX_LENGTHS.ticket) } },
    durationMinutes: { label: 'Duration', texts: { range: durationRange, invalid: durationRange, required: durationRange } },
    scope: { label: 'Access', texts: { invalid: 'Choose one of the listed kinds of access.' } },
  };
  const scopes = view.scopes ?? [];
  const answers = formProblems(view.problems, fields, 'Nothing was requested.');
  const value = (id: string): string | undefined => view.values[id];

  const body: unknown[] = [heading('Request access to customer content', 'formTitle')];
  if (answers.summary) body.push(answers.summary);
  body.push(
    ...answers.unplaced,
    textBlock('Approvers decide in Teams. Access is granted once approved and ends on its own when the time is up.', {
      id: 'formIntro',
      isSubtle: true,
      spacing: 'small',
    }),
    // One scope needs no choice, only saying what approval grants; with several, the engineer picks one.
    ...(scopes.length === 1
      ? [textBlock(`Access: ${escapeMarkdown(scopes[0].name)} — ${escapeMarkdown(scopes[0].description)}`, { id: 'scopeText', spacing: 'small' })]
      : []),
    ...(scopes.length > 1
      ? [
          inputChoiceSet(
            'scope',
            scopes.map((scope) => ({ title: `${scope.name} — ${scope.description}`, value: scope.id })),
            { label: 'Access (what approval grants)', value: value('scope') ?? scopes[0].id, isRequired: true, errorMessage: 'Choose the access you need.', style: 'expanded' },
          ),
          ...answers.after('scope'),
        ]
      : []),
    inputText('resource', {
      label: 'Resource (what content)',
      placeholder: 'For example: Contoso tenant, mailbox of j.doe',
      value: value('resource'),
      isRequired: true,
      errorMessage: `Name the content (at most ${LOCKBOX_FIELD_MAX_LENGTHS.resource} characters).`,
      maxLength: LOCKBOX_FIELD_MAX_LENGTHS.resource,
    }),
    ...answers.after('resource'),
    inputText('reason', {
      label: 'Reason',
      placeholder: 'Why you need access, for the approvers and the audit trail',
      isMultiline: true,
      value: value('reason'),
      isRequired: true,
      errorMessage: `Give a reason (at most ${LOCKBOX_FIELD_MAX_LENGTHS.reason} characters).`,
      maxLength: LOCKBOX_FIELD_MAX_LENGTHS.reason,
    }),
    ...answers.after('reason'),
    inputText('ticket', {
      label: 'Ticket (optional)',
      placeholder: 'Ticket or case number',
      value: value('ticket'),
      maxLength: LOCKBOX_FIELD_MAX_LENGTHS.ticket,
    }),
    ...answers.after('ticket'),
    inputNumber('durationMinutes', {
      label: `Duration in minutes (default ${view.defaultDurationMinutes}, at most ${max})`,
      min: LOCKBOX_MIN_MINUTES,
      max,
      // An emptied field stays empty rather than springing back to the default.
      value: value('durationMinutes') ?? view.defaultDurationMinutes,
      isRequired: true,
      errorMessage: durationRange,
    }),
    ...answers.after('durationMinutes'),
  );

  return adaptiveCard(body, [executeAction('Request access', 'lockbox.create', {}, 'create', 'positive')]);
}
