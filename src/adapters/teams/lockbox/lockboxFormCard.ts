import { textsFor } from '../../../application/i18n/messages';
import { FieldProblem } from '../../../domain/errors';
import { Language } from '../../../domain/language';
import { AccessScope, LOCKBOX_MAX_MINUTES } from '../../../domain/lockbox';
import { adaptiveCard, executeAction, heading, inputChoiceSet, inputText, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { durationIn, formProblems, FormField, inputNumber, LOCKBOX_FIELD_MAX_LENGTHS, LOCKBOX_MIN_MINUTES } from './lockboxCardParts';

/** What the "Request access" form shows: what was typed before, what was wrong with it, and the duration limits. */
export interface LockboxFormView {
  /** Input values of a failed submit, by input id, so that nothing typed is lost. */
  values: Partial<Record<string, string>>;
  problems: FieldProblem[];
  defaultDurationMinutes: number;
  maxDurationMinutes: number;
  /** The access scopes admins defined; the engineer picks one (input `scope`), the first is preselected. */
  scopes?: readonly AccessScope[];
  /** The engineer's language (default English). */
  language?: Language;
}

/** The lockbox request form (verb `lockbox.create`); problems are answered next to their fields. */
export function lockboxFormCard(view: LockboxFormView): AdaptiveCard {
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const tooLong = (max: number): string => texts.t('problem.tooLongAtMost', { max });
  const max = Math.max(LOCKBOX_MIN_MINUTES, Math.min(view.maxDurationMinutes, LOCKBOX_MAX_MINUTES));
  const durationRange = texts.t('lockboxForm.durationRange', { min: LOCKBOX_MIN_MINUTES, max, duration: durationIn(max, language) });
  const fields: Record<string, FormField> = {
    resource: { label: texts.t('lockboxForm.resourceLabel'), texts: { tooLong: tooLong(LOCKBOX_FIELD_MAX_LENGTHS.resource) } },
    reason: { label: texts.t('lockboxForm.reason'), texts: { tooLong: tooLong(LOCKBOX_FIELD_MAX_LENGTHS.reason) } },
    ticket: { label: texts.t('lockboxForm.ticketLabel'), texts: { tooLong: tooLong(LOCKBOX_FIELD_MAX_LENGTHS.ticket) } },
    durationMinutes: { label: texts.t('lockboxForm.durationLabel'), texts: { range: durationRange, invalid: durationRange, required: durationRange } },
    scope: { label: texts.t('lockboxForm.accessLabel'), texts: { invalid: texts.t('lockboxForm.scopeInvalid') } },
  };
  const scopes = view.scopes ?? [];
  const answers = formProblems(view.problems, fields, texts.t('lockboxForm.nothingRequested'), language);
  const value = (id: string): string | undefined => view.values[id];

  const body: unknown[] = [heading(texts.t('lockboxForm.title'), 'formTitle')];
  if (answers.summary) body.push(answers.summary);
  body.push(
    ...answers.unplaced,
    textBlock(texts.t('lockboxForm.intro'), {
      id: 'formIntro',
      isSubtle: true,
      spacing: 'small',
    }),
    // One scope needs no choice, only saying what approval grants; with several, the engineer picks one.
    ...(scopes.length === 1
      ? [textBlock(texts.t('lockboxForm.scopeText', { name: escapeMarkdown(scopes[0].name), description: escapeMarkdown(scopes[0].description) }), { id: 'scopeText', spacing: 'small' })]
      : []),
    ...(scopes.length > 1
      ? [
          inputChoiceSet(
            'scope',
            scopes.map((scope) => ({ title: `${scope.name} — ${scope.description}`, value: scope.id })),
            { label: texts.t('lockboxForm.scope'), value: value('scope') ?? scopes[0].id, isRequired: true, errorMessage: texts.t('lockboxForm.scopeError'), style: 'expanded' },
          ),
          ...answers.after('scope'),
        ]
      : []),
    inputText('resource', {
      label: texts.t('lockboxForm.resource'),
      placeholder: texts.t('lockboxForm.resourcePlaceholder'),
      value: value('resource'),
      isRequired: true,
      errorMessage: texts.t('lockboxForm.resourceError', { max: LOCKBOX_FIELD_MAX_LENGTHS.resource }),
      maxLength: LOCKBOX_FIELD_MAX_LENGTHS.resource,
    }),
    ...answers.after('resource'),
    inputText('reason', {
      label: texts.t('lockboxForm.reason'),
      placeholder: texts.t('lockboxForm.reasonPlaceholder'),
      isMultiline: true,
      value: value('reason'),
      isRequired: true,
      errorMessage: texts.t('lockboxForm.reasonError', { max: LOCKBOX_FIELD_MAX_LENGTHS.reason }),
      maxLength: LOCKBOX_FIELD_MAX_LENGTHS.reason,
    }),
    ...answers.after('reason'),
    inputText('ticket', {
      label: texts.t('lockboxForm.ticket'),
      placeholder: texts.t('lockboxForm.ticketPlaceholder'),
      value: value('ticket'),
      maxLength: LOCKBOX_FIELD_MAX_LENGTHS.ticket,
    }),
    ...answers.after('ticket'),
    inputNumber('durationMinutes', {
      label: texts.t('lockboxForm.duration', { default: view.defaultDurationMinutes, max }),
      min: LOCKBOX_MIN_MINUTES,
      max,
      // An emptied field stays empty rather than springing back to the default.
      value: value('durationMinutes') ?? view.defaultDurationMinutes,
      isRequired: true,
      errorMessage: durationRange,
    }),
    ...answers.after('durationMinutes'),
  );

  return adaptiveCard(body, [executeAction(texts.t('lockboxForm.submit'), 'lockbox.create', {}, 'create', 'positive')]);
}
