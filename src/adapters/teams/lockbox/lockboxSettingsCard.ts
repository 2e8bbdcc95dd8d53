import { SETTINGS_HISTORY_LENGTH, SettingsHistoryLine } from '../../../application/people/auditTrail';
import { RETENTION_DAYS } from '../../../domain/retention';
import { LockboxSettings } from '../../../application/ports';
import { ASSIST_ALLOW_MINUTES, ASSIST_UNANSWERED_HOURS } from '../../../domain/assist';
import { FieldProblem } from '../../../domain/errors';
import { LOCKBOX_DECISION_HOURS, LOCKBOX_MAX_MINUTES, ScopeSetting } from '../../../domain/lockbox';
import { cardTime } from '../cards/cardTime';
import { actionSet, adaptiveCard, container, executeAction, heading, inputText, inputToggle, statusBadge, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { durationText, formProblems, FormField, inputNumber, LOCKBOX_MIN_MINUTES } from './lockboxCardParts';
import { PROFILE_FIELDS, permissionProfileSection } from '../invitation/permissionProfilesPart';

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
  /** What the admin typed in a refused save, shown again instead of the stored values so nothing looks clamped. */
  typed?: Partial<Record<'defaultDurationMinutes' | 'maxDurationMinutes' | 'decisionHours' | 'escalationHours' | 'assistUnansweredHours' | 'assistAllowMinutes' | 'backupApproverIds' | 'retentionDays' | NewScopeField, string>>;
}

/** How many recent changes the card lists. */
export { SETTINGS_HISTORY_LENGTH };

/** The shortest and longest decision deadline, in hours (lockbox policy, kept in the domain). */
export const DECISION_HOURS_RANGE = LOCKBOX_DECISION_HOURS;

const minutesRange = `Choose between ${LOCKBOX_MIN_MINUTES} and ${LOCKBOX_MAX_MINUTES} minutes (${durationText(LOCKBOX_MAX_MINUTES)}).`;
const hoursRange = `Choose between ${DECISION_HOURS_RANGE.min} and ${DECISION_HOURS_RANGE.max} hours.`;
const escalationRange = `Choose 0 (off) or a number of hours shorter than the decision deadline.`;

const scopeIdRule = 'Use 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit.';

const unansweredRange = `Choose between ${ASSIST_UNANSWERED_HOURS.min} and ${ASSIST_UNANSWERED_HOURS.max} hours.`;
const allowRange = `Choose between ${ASSIST_ALLOW_MINUTES.min} and ${ASSIST_ALLOW_MINUTES.max} minutes.`;

const retentionRange = `Choose between ${RETENTION_DAYS.min} and ${RETENTION_DAYS.max} days.`;

const FIELDS: Readonly<Record<string, FormField>> = {
  retentionDays: { label: 'Personal data kept', texts: { range: retentionRange, invalid: retentionRange, required: retentionRange } },
  assistUnansweredHours: { label: 'Assistance unanswered', texts: { range: unansweredRange, invalid: unansweredRange, required: unansweredRange } },
  assistAllowMinutes: { label: 'Time to allow control', texts: { range: allowRange, invalid: allowRange, required: allowRange } },
  approvalRequired: { label: 'Approval required' },
  leadReview: { label: 'Lead review' },
  defaultDurationMinutes: {
    label: 'Default duration',
    texts: { range: minutesRange, invalid: minutesRange, required: minutesRange, aboveMax: 'The default cannot be longer than the maximum.' },
  },
  maxDurationMinutes: { label: 'Maximum duration', texts: { range: minutesRange, invalid: minutesRange, required: minutesRange } },
  decisionHours: { label: 'Decision deadline', texts: { range: hoursRange, invalid: hoursRange, required: hoursRange } },
  escalationHours: {
    label: 'Escalation',
    texts: { range: escalationRange, invalid: escalationRange, aboveMax: 'Escalation must come before the decision deadline.' },
  },
  backupApproverIds: {
    label: 'Backup approvers',
    texts: {
      invalid: 'List Entra object ids (GUIDs), separated by commas.',
      unknownPerson: 'One of these ids is not a person in the directory (or has left).',
    },
  },
  scopes: {
    label: 'Access scopes',
    texts: {
      scopeConfigured: 'This scope comes from configuration (LOCKBOX_SCOPES); change it there.',
      scopeUnknown: 'This scope is no longer in the list.',
      scopeInUse: 'A request under review, pending or running uses this scope; remove it once that request has ended.',
    },
  },
  newScopeId: {
    label: 'Scope id',
    texts: {
      scopeIdFormat: scopeIdRule,
      required: scopeIdRule,
      scopeIdTaken: 'Another scope already has this id.',
    },
  },
  newScopeName: { label: 'Scope name', texts: { invalid: 'Give a name of at most 80 characters.' } },
  newScopeDescription: { label: 'Scope description', texts: { invalid: 'Say in at most 300 characters what this access allows.' } },
  newScopeGroupId: {
    label: 'Group id',
    texts: { invalid: 'Use the object id of an Entra security group (a GUID).', required: 'Access is granted through Entra groups here: name the group.' },
  },
  ...PROFILE_FIELDS,
};

/** The admin's lockbox settings (verb `settings.save`): approval, lead review, durations, deadline, recent changes. */
export function lockboxSettingsCard(view: LockboxSettingsView): AdaptiveCard {
  const { settings } = view;
  const answers = formProblems(view.problems, FIELDS, 'Nothing was saved.');
  const toggleValue = (on: boolean): string => (on ? 'true' : 'false');
  const shown = (field: Exclude<keyof NonNullable<LockboxSettingsView['typed']>, NewScopeField | 'backupApproverIds'>): number => {
    const typed = Number(view.typed?.[field]);
    return view.typed?.[field] !== undefined && Number.isFinite(typed) ? typed : settings[field];
  };

  const body: unknown[] = [heading('Lockbox and assistance settings', 'settingsTitle')];
  if (view.notice) body.push(textBlock(escapeMarkdown(view.notice), { id: 'notice', color: 'accent', weight: 'bolder' }));
  if (answers.summary) body.push(answers.summary);
  body.push(
    ...answers.unplaced,
    inputToggle('approvalRequired', 'Approval required: an approver decides every access request', {
      value: toggleValue(settings.approvalRequired),
    }),
    ...answers.after('approvalRequired'),
    approvalOffWarning(settings.approvalRequired),
    inputToggle('leadReview', 'A support lead reviews each request before approvers see it', {
      value: toggleValue(settings.leadReview),
    }),
    ...answers.after('leadReview'),
    inputNumber('defaultDurationMinutes', {
      label: 'Default access duration (minutes)',
      min: LOCKBOX_MIN_MINUTES,
      max: LOCKBOX_MAX_MINUTES,
      value: shown('defaultDurationMinutes'),
      isRequired: true,
      errorMessage: minutesRange,
    }),
    ...answers.after('defaultDurationMinutes'),
    inputNumber('maxDurationMinutes', {
      label: `Maximum access duration (minutes, at most ${LOCKBOX_MAX_MINUTES})`,
      min: LOCKBOX_MIN_MINUTES,
      max: LOCKBOX_MAX_MINUTES,
      value: shown('maxDurationMinutes'),
      isRequired: true,
      errorMessage: minutesRange,
    }),
    ...answers.after('maxDurationMinutes'),
    inputNumber('decisionHours', {
      label: `Hours approvers have to decide (${DECISION_HOURS_RANGE.min}–${DECISION_HOURS_RANGE.max})`,
      min: DECISION_HOURS_RANGE.min,
      max: DECISION_HOURS_RANGE.max,
      value: shown('decisionHours'),
      isRequired: true,
      errorMessage: hoursRange,
    }),
    ...answers.after('decisionHours'),
    textBlock('Assistance requests', { id: 'assistSettingsTitle', weight: 'bolder', separator: true, spacing: 'medium' }),
    inputNumber('assistUnansweredHours', {
      label: `Hours a request for help waits for a helper before it expires (${ASSIST_UNANSWERED_HOURS.min}–${ASSIST_UNANSWERED_HOURS.max})`,
      min: ASSIST_UNANSWERED_HOURS.min,
      max: ASSIST_UNANSWERED_HOURS.max,
      value: shown('assistUnansweredHours'),
      isRequired: true,
      errorMessage: unansweredRange,
    }),
    ...answers.after('assistUnansweredHours'),
    inputNumber('assistAllowMinutes', {
      label: `Minutes the user has to allow control once a helper accepted (${ASSIST_ALLOW_MINUTES.min}–${ASSIST_ALLOW_MINUTES.max})`,
      min: ASSIST_ALLOW_MINUTES.min,
      max: ASSIST_ALLOW_MINUTES.max,
      value: shown('assistAllowMinutes'),
      isRequired: true,
      errorMessage: allowRange,
    }),
    ...answers.after('assistAllowMinutes'),
    inputNumber('escalationHours', {
      label: 'Hours undecided before backup approvers (admins) are added and told; 0 = off',
      min: 0,
      max: DECISION_HOURS_RANGE.max - 1,
      value: shown('escalationHours'),
      errorMessage: escalationRange,
    }),
    ...answers.after('escalationHours'),
    ...backupApproverSection(view),
    ...answers.after('backupApproverIds'),
    textBlock('Personal data', { id: 'retentionTitle', weight: 'bolder', separator: true, spacing: 'medium' }),
    inputNumber('retentionDays', {
      label: `Days after a request ended before its names, addresses and texts are erased (${RETENTION_DAYS.min}–${RETENTION_DAYS.max})`,
      min: RETENTION_DAYS.min,
      max: RETENTION_DAYS.max,
      value: shown('retentionDays'),
      isRequired: true,
      errorMessage: retentionRange,
    }),
    ...answers.after('retentionDays'),
    ...scopeSection(view, answers),
    ...permissionProfileSection(settings.permissionProfiles, answers.after),
    history(view),
    textBlock(`Times in ${escapeMarkdown(view.timeZone)}.`, { id: 'timeZoneNote', isSubtle: true, size: 'small' }),
  );
  return adaptiveCard(body, [executeAction('Save', 'settings.save', {}, 'save', 'positive')]);
}

function approvalOffWarning(approvalRequired: boolean): unknown {
  const text =
    'With approval off, every access request is approved automatically and access is granted at once; ' +
    'every approver is notified when it is turned off, and the audit trail names the setting and who set it.';
  // While approval is on this only explains; once off it is a status, shown as one (no coloured text, see cardElements).
  return approvalRequired
    ? textBlock(text, { id: 'approvalOffWarning', isSubtle: true, spacing: 'small' })
    : statusBadge(`Approval is off. ${text}`, 'stopped', 'approvalOffWarning');
}

function history(view: LockboxSettingsView): unknown {
  const recent = [...view.history].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, SETTINGS_HISTORY_LENGTH);
  const lines =
    recent.length === 0
      ? [textBlock('No changes yet.', { id: 'historyEmpty', isSubtle: true, spacing: 'small' })]
      : recent.map((event, index) =>
          textBlock(
            `${cardTime(event.at, view.timeZone, view.now)} · ${escapeMarkdown(event.actor)}: ${escapeMarkdown(event.change)}`,
            { id: `history${index + 1}`, size: 'small', spacing: 'small' },
          ),
        );
  return container([textBlock('Recent changes', { weight: 'bolder', size: 'small' }), ...lines], {
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
function scopeSection(view: LockboxSettingsView, answers: ReturnType<typeof formProblems>): unknown[] {
  const line = (scope: ScopeSetting, origin: string): string =>
    `**${escapeMarkdown(scope.name)}** (${escapeMarkdown(scope.id)}) — ${escapeMarkdown(scope.description)} · ` +
    `${scope.groupId ? `group ${escapeMarkdown(scope.groupId)}` : 'no group'} · ${origin}`;
  const configured = (view.configuredScopes ?? []).map((scope, index) =>
    textBlock(line(scope, 'from configuration, cannot be removed here'), { id: `configuredScope${index + 1}`, spacing: 'small' }),
  );
  const added = view.settings.scopes.map((scope, index) =>
    container(
      [
        textBlock(line(scope, 'added in settings'), { spacing: 'none' }),
        actionSet([executeAction('Remove', 'settings.scope.remove', { removeScope: scope.id }, `removeScope${index + 1}`, 'destructive')]),
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
    textBlock('Access scopes', { id: 'scopesTitle', weight: 'bolder', separator: true, spacing: 'medium' }),
    textBlock('What approving grants; engineers choose one. Scopes from configuration come first and are changed there.', {
      id: 'scopesNote',
      isSubtle: true,
      spacing: 'small',
    }),
    ...answers.after('scopes'),
    ...configured,
    ...added,
    ...field('newScopeId', 'New scope id (lower-case letters, digits, dashes)', 40, false),
    ...field('newScopeName', 'Name', 80, false),
    ...field('newScopeDescription', 'What it allows', 300, false),
    ...field('newScopeGroupId', 'Entra group object id that carries it', 36, false),
    actionSet([executeAction('Add access scope', 'settings.scope.add', {}, 'addScope')], 'addScopeActions'),
  ];
}

/** Backup approvers of an escalation besides the admins: named, and the list of ids to edit (input `backupApproverIds`). */
function backupApproverSection(view: LockboxSettingsView): unknown[] {
  const listed = view.backupApprovers ?? [];
  const names = listed.length === 0 ? 'none besides the admins' : listed.map((person) => escapeMarkdown(person.name)).join(', ');
  const value = view.typed?.backupApproverIds ?? view.settings.backupApproverIds.join(', ');
  return [
    textBlock(`Backup approvers listed here: ${names}.`, { id: 'backupApproversNames', spacing: 'small' }),
    inputText('backupApproverIds', {
      label: 'Backup approvers besides the admins (Entra object ids, separated by commas)',
      maxLength: 4000,
      ...(value !== '' ? { value } : {}),
    }),
  ];
}
