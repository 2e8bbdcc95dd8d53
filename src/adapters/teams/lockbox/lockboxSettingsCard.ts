import { RETENTION_DAYS } from '../../../domain/retention';
import { Texts, textsFor } from '../../../application/i18n/messages';
import { SETTINGS_HISTORY_LENGTH, SettingsHistoryLine } from '../../../application/people/auditTrail';
import { LockboxSettings } from '../../../application/ports';
import { ASSIST_ALLOW_MINUTES, ASSIST_UNANSWERED_HOURS } from '../../../domain/assist';
import { FieldProblem } from '../../../domain/errors';
import { Language } from '../../../domain/language';
import { LOCKBOX_DECISION_HOURS, LOCKBOX_MAX_MINUTES, ScopeSetting } from '../../../domain/lockbox';
import { cardTime } from '../cards/cardTime';
import { actionSet, adaptiveCard, container, executeAction, heading, inputText, inputToggle, statusBadge, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { durationIn, formProblems, FormField, inputNumber, LOCKBOX_MIN_MINUTES } from './lockboxCardParts';
import { permissionProfileSection, profileFields } from '../invitation/permissionProfilesPart';

/** What the admin's lockbox settings card shows: the stored settings, recent changes and what was wrong with a save. */
export interface LockboxSettingsView {
  settings: LockboxSettings;
  /** Audited changes with the admin named and the change in words, in any order; the card lists the newest five. */
  history: readonly SettingsHistoryLine[];
  /** The scopes of configuration (LOCKBOX_SCOPES), listed first and not removable here; `settings.scopes` are the added ones. */
  configuredScopes?: readonly ScopeSetting[];
  /** The backup approvers listed in the settings (`settings.backupApproverIds`), named. */
  backupApprovers?: readonly { id: string; name: string }[];
  now: Date;
  timeZone: string;
  problems: FieldProblem[];
  /** A plain text answer to a save, such as "Settings saved."; shown literally. */
  notice?: string | null;
  /** The admin's language (default English); the history lines are the audit trail's own (English) words. */
  language?: Language;
  /** What the admin typed in a refused save, shown again instead of the stored values so nothing looks clamped. */
  typed?: Partial<Record<'defaultDurationMinutes' | 'maxDurationMinutes' | 'decisionHours' | 'escalationHours' | 'assistUnansweredHours' | 'assistAllowMinutes' | 'backupApproverIds' | 'retentionDays' | NewScopeField, string>>;
}

/** How many recent changes the card lists. */
export { SETTINGS_HISTORY_LENGTH };

/** The shortest and longest decision deadline, in hours (lockbox policy, kept in the domain). */
export const DECISION_HOURS_RANGE = LOCKBOX_DECISION_HOURS;

/** The card's range texts in a language. */
function rangesIn(texts: Texts) {
  return {
    minutesRange: texts.t('settings.minutesRange', { min: LOCKBOX_MIN_MINUTES, max: LOCKBOX_MAX_MINUTES, duration: durationIn(LOCKBOX_MAX_MINUTES, texts.language) }),
    hoursRange: texts.t('settings.hoursRange', { min: DECISION_HOURS_RANGE.min, max: DECISION_HOURS_RANGE.max }),
    escalationRange: texts.t('settings.escalationRange'),
    unansweredRange: texts.t('settings.hoursRange', { min: ASSIST_UNANSWERED_HOURS.min, max: ASSIST_UNANSWERED_HOURS.max }),
    allowRange: texts.t('settings.allowRange', { min: ASSIST_ALLOW_MINUTES.min, max: ASSIST_ALLOW_MINUTES.max }),
    retentionRange: texts.t('settings.retentionRange', { min: RETENTION_DAYS.min, max: RETENTION_DAYS.max }),
  };
}

/** Each field's name and problem texts in a language. */
function fieldsIn(texts: Texts): Readonly<Record<string, FormField>> {
  const { minutesRange, hoursRange, escalationRange, unansweredRange, allowRange, retentionRange } = rangesIn(texts);
  const scopeIdRule = texts.t('settings.scopeIdRule');
  return {
    retentionDays: { label: texts.t('settings.field.retention'), texts: { range: retentionRange, invalid: retentionRange, required: retentionRange } },
    assistUnansweredHours: { label: texts.t('settings.field.assistUnanswered'), texts: { range: unansweredRange, invalid: unansweredRange, required: unansweredRange } },
    assistAllowMinutes: { label: texts.t('settings.field.allowControl'), texts: { range: allowRange, invalid: allowRange, required: allowRange } },
    approvalRequired: { label: texts.t('settings.field.approvalRequired') },
    leadReview: { label: texts.t('settings.field.leadReview') },
    defaultDurationMinutes: {
      label: texts.t('settings.field.defaultDuration'),
      texts: { range: minutesRange, invalid: minutesRange, required: minutesRange, aboveMax: texts.t('settings.defaultAboveMax') },
    },
    maxDurationMinutes: { label: texts.t('settings.field.maxDuration'), texts: { range: minutesRange, invalid: minutesRange, required: minutesRange } },
    decisionHours: { label: texts.t('settings.field.decisionDeadline'), texts: { range: hoursRange, invalid: hoursRange, required: hoursRange } },
    escalationHours: {
      label: texts.t('settings.field.escalation'),
      texts: { range: escalationRange, invalid: escalationRange, aboveMax: texts.t('settings.escalationAboveMax') },
    },
    backupApproverIds: {
      label: texts.t('settings.field.backupApprovers'),
      texts: { invalid: texts.t('settings.backupInvalid'), unknownPerson: texts.t('settings.backupUnknown') },
    },
    scopes: {
      label: texts.t('settings.field.scopes'),
      texts: { scopeConfigured: texts.t('settings.scopeConfigured'), scopeUnknown: texts.t('settings.scopeUnknown'), scopeInUse: texts.t('settings.scopeInUse') },
    },
    newScopeId: {
      label: texts.t('settings.field.scopeId'),
      texts: { scopeIdFormat: scopeIdRule, required: scopeIdRule, scopeIdTaken: texts.t('settings.scopeIdTaken') },
    },
    newScopeName: { label: texts.t('settings.field.scopeName'), texts: { invalid: texts.t('settings.scopeNameInvalid') } },
    newScopeDescription: { label: texts.t('settings.field.scopeDescription'), texts: { invalid: texts.t('settings.scopeDescriptionInvalid') } },
    newScopeGroupId: {
      label: texts.t('settings.field.groupId'),
      texts: { invalid: texts.t('settings.groupInvalid'), required: texts.t('settings.groupRequired') },
    },
    ...profileFields(texts),
  };
}

/** The admin's lockbox settings (verb `settings.save`): approval, lead review, durations, deadline, recent changes. */
export function lockboxSettingsCard(view: LockboxSettingsView): AdaptiveCard {
  const { settings } = view;
  const texts = textsFor(view.language ?? 'en');
  const { minutesRange, hoursRange, escalationRange, unansweredRange, allowRange, retentionRange } = rangesIn(texts);
  const answers = formProblems(view.problems, fieldsIn(texts), texts.t('settings.nothingSaved'), texts.language);
  const toggleValue = (on: boolean): string => (on ? 'true' : 'false');
  const shown = (field: Exclude<keyof NonNullable<LockboxSettingsView['typed']>, NewScopeField | 'backupApproverIds'>): number => {
    const typed = Number(view.typed?.[field]);
    return view.typed?.[field] !== undefined && Number.isFinite(typed) ? typed : settings[field];
  };

  const body: unknown[] = [heading(texts.t('settings.title'), 'settingsTitle')];
  if (view.notice) body.push(textBlock(escapeMarkdown(view.notice), { id: 'notice', color: 'accent', weight: 'bolder' }));
  if (answers.summary) body.push(answers.summary);
  body.push(
    ...answers.unplaced,
    inputToggle('approvalRequired', texts.t('settings.approvalToggle'), {
      value: toggleValue(settings.approvalRequired),
    }),
    ...answers.after('approvalRequired'),
    approvalOffWarning(settings.approvalRequired, texts),
    inputToggle('leadReview', texts.t('settings.leadToggle'), {
      value: toggleValue(settings.leadReview),
    }),
    ...answers.after('leadReview'),
    inputNumber('defaultDurationMinutes', {
      label: texts.t('settings.defaultDurationLabel'),
      min: LOCKBOX_MIN_MINUTES,
      max: LOCKBOX_MAX_MINUTES,
      value: shown('defaultDurationMinutes'),
      isRequired: true,
      errorMessage: minutesRange,
    }),
    ...answers.after('defaultDurationMinutes'),
    inputNumber('maxDurationMinutes', {
      label: texts.t('settings.maxDurationLabel', { max: LOCKBOX_MAX_MINUTES }),
      min: LOCKBOX_MIN_MINUTES,
      max: LOCKBOX_MAX_MINUTES,
      value: shown('maxDurationMinutes'),
      isRequired: true,
      errorMessage: minutesRange,
    }),
    ...answers.after('maxDurationMinutes'),
    inputNumber('decisionHours', {
      label: texts.t('settings.decisionHoursLabel', { min: DECISION_HOURS_RANGE.min, max: DECISION_HOURS_RANGE.max }),
      min: DECISION_HOURS_RANGE.min,
      max: DECISION_HOURS_RANGE.max,
      value: shown('decisionHours'),
      isRequired: true,
      errorMessage: hoursRange,
    }),
    ...answers.after('decisionHours'),
    textBlock(texts.t('settings.assistTitle'), { id: 'assistSettingsTitle', weight: 'bolder', separator: true, spacing: 'medium' }),
    inputNumber('assistUnansweredHours', {
      label: texts.t('settings.unansweredLabel', { min: ASSIST_UNANSWERED_HOURS.min, max: ASSIST_UNANSWERED_HOURS.max }),
      min: ASSIST_UNANSWERED_HOURS.min,
      max: ASSIST_UNANSWERED_HOURS.max,
      value: shown('assistUnansweredHours'),
      isRequired: true,
      errorMessage: unansweredRange,
    }),
    ...answers.after('assistUnansweredHours'),
    inputNumber('assistAllowMinutes', {
      label: texts.t('settings.allowLabel', { min: ASSIST_ALLOW_MINUTES.min, max: ASSIST_ALLOW_MINUTES.max }),
      min: ASSIST_ALLOW_MINUTES.min,
      max: ASSIST_ALLOW_MINUTES.max,
      value: shown('assistAllowMinutes'),
      isRequired: true,
      errorMessage: allowRange,
    }),
    ...answers.after('assistAllowMinutes'),
    inputNumber('escalationHours', {
      label: texts.t('settings.escalationLabel'),
      min: 0,
      max: DECISION_HOURS_RANGE.max - 1,
      value: shown('escalationHours'),
      errorMessage: escalationRange,
    }),
    ...answers.after('escalationHours'),
    ...backupApproverSection(view, texts),
    ...answers.after('backupApproverIds'),
    textBlock(texts.t('settings.retentionTitle'), { id: 'retentionTitle', weight: 'bolder', separator: true, spacing: 'medium' }),
    inputNumber('retentionDays', {
      label: texts.t('settings.retentionLabel', { min: RETENTION_DAYS.min, max: RETENTION_DAYS.max }),
      min: RETENTION_DAYS.min,
      max: RETENTION_DAYS.max,
      value: shown('retentionDays'),
      isRequired: true,
      errorMessage: retentionRange,
    }),
    ...answers.after('retentionDays'),
    ...scopeSection(view, answers, texts),
    ...permissionProfileSection(settings.permissionProfiles, answers.after, texts),
    history(view, texts),
    textBlock(texts.t('time.zoneNote', { zone: escapeMarkdown(view.timeZone) }), { id: 'timeZoneNote', isSubtle: true, size: 'small' }),
  );
  return adaptiveCard(body, [executeAction(texts.t('settings.save'), 'settings.save', {}, 'save', 'positive')]);
}

function approvalOffWarning(approvalRequired: boolean, texts: Texts): unknown {
  const text = texts.t('settings.approvalOffExplain');
  // While approval is on this only explains; once off it is a status, shown as one (no coloured text, see cardElements).
  return approvalRequired
    ? textBlock(text, { id: 'approvalOffWarning', isSubtle: true, spacing: 'small' })
    : statusBadge(texts.t('settings.approvalIsOff', { explain: text }), 'stopped', 'approvalOffWarning');
}

function history(view: LockboxSettingsView, texts: Texts): unknown {
  const recent = [...view.history].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, SETTINGS_HISTORY_LENGTH);
  const lines =
    recent.length === 0
      ? [textBlock(texts.t('settings.historyEmpty'), { id: 'historyEmpty', isSubtle: true, spacing: 'small' })]
      : recent.map((event, index) =>
          textBlock(
            `${cardTime(event.at, view.timeZone, view.now, texts.language)} · ${escapeMarkdown(event.actor)}: ${escapeMarkdown(event.change)}`,
            { id: `history${index + 1}`, size: 'small', spacing: 'small' },
          ),
        );
  return container([textBlock(texts.t('settings.history'), { weight: 'bolder', size: 'small' }), ...lines], {
    id: 'history',
    separator: true,
    spacing: 'medium',
  });
}

/** The inputs of "Add access scope"; ids unlike the data key of Remove (`removeScope`), which Teams merges with them. */
type NewScopeField = 'newScopeId' | 'newScopeName' | 'newScopeDescription' | 'newScopeGroupId';

/**
 * Access scopes: the configured ones first (no Remove: they come from LOCKBOX_SCOPES), then those admins added, each
 * with Remove (`settings.scope.remove`); then the inputs and button to add one (`settings.scope.add`).
 */
function scopeSection(view: LockboxSettingsView, answers: ReturnType<typeof formProblems>, texts: Texts): unknown[] {
  const groupOf = (scope: ScopeSetting): string =>
    scope.groupId ? texts.t('settings.scopeGroup', { group: escapeMarkdown(scope.groupId) }) : texts.t('settings.noGroup');
  const line = (scope: ScopeSetting, origin: string): string =>
    `**${escapeMarkdown(scope.name)}** (${escapeMarkdown(scope.id)}) — ${escapeMarkdown(scope.description)} · ${groupOf(scope)} · ${origin}`;
  const configured = (view.configuredScopes ?? []).map((scope, index) =>
    textBlock(line(scope, texts.t('settings.fromConfiguration')), { id: `configuredScope${index + 1}`, spacing: 'small' }),
  );
  const added = view.settings.scopes.map((scope, index) =>
    container(
      [
        textBlock(line(scope, texts.t('settings.addedInSettings')), { spacing: 'none' }),
        actionSet([executeAction(texts.t('settings.remove'), 'settings.scope.remove', { removeScope: scope.id }, `removeScope${index + 1}`, 'destructive')]),
      ],
      { id: `addedScope${index + 1}`, spacing: 'small' },
    ),
  );
  const typed = (field: NewScopeField): string | undefined => view.typed?.[field];
  const field = (id: NewScopeField, label: string, maxLength: number, isRequired: boolean): unknown[] => [
    inputText(id, { label, maxLength, isRequired, ...(typed(id) !== undefined ? { value: typed(id) } : {}) }),
    ...answers.after(id),
  ];
  return [
    textBlock(texts.t('settings.scopesTitle'), { id: 'scopesTitle', weight: 'bolder', separator: true, spacing: 'medium' }),
    textBlock(texts.t('settings.scopesNote'), {
      id: 'scopesNote',
      isSubtle: true,
      spacing: 'small',
    }),
    ...answers.after('scopes'),
    ...configured,
    ...added,
    ...field('newScopeId', texts.t('settings.newScopeId'), 40, false),
    ...field('newScopeName', texts.t('settings.newScopeName'), 80, false),
    ...field('newScopeDescription', texts.t('settings.newScopeDescription'), 300, false),
    ...field('newScopeGroupId', texts.t('settings.newScopeGroup'), 36, false),
    actionSet([executeAction(texts.t('settings.addScope'), 'settings.scope.add', {}, 'addScope')], 'addScopeActions'),
  ];
}

/** Backup approvers of an escalation besides the admins: named, and the list of ids to edit (input `backupApproverIds`). */
function backupApproverSection(view: LockboxSettingsView, texts: Texts): unknown[] {
  const listed = view.backupApprovers ?? [];
  const names = listed.length === 0 ? texts.t('settings.backupNone') : listed.map((person) => escapeMarkdown(person.name)).join(', ');
  const value = view.typed?.backupApproverIds ?? view.settings.backupApproverIds.join(', ');
  return [
    textBlock(texts.t('settings.backupListed', { names }), { id: 'backupApproversNames', spacing: 'small' }),
    inputText('backupApproverIds', {
      label: texts.t('settings.backupLabel'),
      maxLength: 4000,
      ...(value !== '' ? { value } : {}),
    }),
  ];
}
