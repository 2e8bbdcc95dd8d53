import { LockboxSettingsView, lockboxSettingsCard } from '../../../src/adapters/teams/lockbox/lockboxSettingsCard';
import { LockboxSettings } from '../../../src/application/ports';
import { HOSTILE, NOW, TIME_ZONE } from '../../support/lockboxCardFixtures';
import { allIds, elementAfter, findById, getById, visibleTexts, validateCard } from '../../support/validateCard';

const SETTINGS: LockboxSettings = {
  approvalRequired: true,
  leadReview: false,
  defaultDurationMinutes: 240,
  maxDurationMinutes: 1440,
  decisionHours: 12,
  escalationHours: 0,
  assistUnansweredHours: 4,
  assistAllowMinutes: 15,
  retentionDays: 90,
  scopes: [],
  backupApproverIds: [],
  updatedBy: 'aad-sam',
  updatedAt: new Date('2030-03-01T08:00:00Z'),
};

function settingsView(overrides: Partial<LockboxSettingsView> = {}): LockboxSettingsView {
  return { settings: SETTINGS, history: [], now: NOW, timeZone: TIME_ZONE, problems: [], ...overrides };
}

const hoursAgo = (hours: number): Date => new Date(NOW.getTime() - hours * 3600_000);

describe('lockboxSettingsCard', () => {
  it('is a valid 1.5 card: plain, with problems, with a notice, with history, with approval off', () => {
    validateCard(lockboxSettingsCard(settingsView()));
    validateCard(
      lockboxSettingsCard(
        settingsView({
          settings: { ...SETTINGS, approvalRequired: false, leadReview: true },
          notice: 'Settings saved.',
          history: [{ actor: 'Sam Admin', at: hoursAgo(1), change: 'approval turned off: requests are approved automatically' }],
          problems: [
            { field: 'maxDurationMinutes', problem: 'range' },
            { field: 'decisionHours', problem: 'range' },
            { field: 'defaultDurationMinutes', problem: 'aboveMax' },
            { field: 'form', problem: 'notPermitted' },
          ],
        }),
      ),
    );
  });

  it('shows the stored settings in the contract inputs', () => {
    const card = lockboxSettingsCard(settingsView());
    expect(getById(card, 'approvalRequired')).toMatchObject({ type: 'Input.Toggle', value: 'true', valueOn: 'true', valueOff: 'false' });
    expect(getById(card, 'leadReview')).toMatchObject({ type: 'Input.Toggle', value: 'false' });
    expect(getById(card, 'defaultDurationMinutes')).toMatchObject({ type: 'Input.Number', value: 240, min: 15, max: 1440 });
    expect(getById(card, 'maxDurationMinutes')).toMatchObject({ type: 'Input.Number', value: 1440, max: 1440 });
    expect(getById(card, 'decisionHours')).toMatchObject({ type: 'Input.Number', value: 12, min: 1, max: 72 });
  });

  it('saves with settings.save and no data of its own', () => {
    expect(lockboxSettingsCard(settingsView()).actions).toEqual([
      { type: 'Action.Execute', id: 'save', title: 'Save', verb: 'settings.save', data: {}, style: 'positive' },
    ]);
  });

  it('explains what turning approval off does, right after the toggle', () => {
    const card = lockboxSettingsCard(settingsView());
    expect(elementAfter(card, 'approvalRequired')?.id).toBe('approvalOffWarning');
    const warning = getById(card, 'approvalOffWarning');
    expect(warning.text).toMatch(/approved automatically/);
    expect(warning.text).toMatch(/every approver is notified/);
    // Explaining, not a status: default colour (Teams' warning yellow is 1.47:1 on white).
    expect(warning.color).toBeUndefined();
  });

  it('makes the warning stand out while approval is off', () => {
    const card = lockboxSettingsCard(settingsView({ settings: { ...SETTINGS, approvalRequired: false } }));
    const warning = getById(card, 'approvalOffWarning');
    expect(warning).toMatchObject({ color: 'default', weight: 'bolder' });
    expect(getById(card, 'approvalOffWarningBadge').style).toBe('attention');
    expect(String(warning.text)).toMatch(/^Approval is off\./);
  });

  it('lists the five newest changes, newest first', () => {
    const history = [1, 7, 3, 2, 6, 4, 5].map((hours) => ({ actor: `Admin ${hours}`, at: hoursAgo(hours), change: `change ${hours}` }));
    const card = lockboxSettingsCard(settingsView({ history }));
    const lines = [1, 2, 3, 4, 5].map((index) => String(getById(getById(card, 'history'), `history${index}`).text));
    expect(lines).toEqual([
      'Mon 4 Mar, 10:00 · Admin 1: change 1',
      'Mon 4 Mar, 09:00 · Admin 2: change 2',
      'Mon 4 Mar, 08:00 · Admin 3: change 3',
      'Mon 4 Mar, 07:00 · Admin 4: change 4',
      'Mon 4 Mar, 06:00 · Admin 5: change 5',
    ]);
    expect(findById(card, 'history6')).toBeUndefined();
  });

  it('says so when nothing was changed yet', () => {
    expect(getById(getById(lockboxSettingsCard(settingsView()), 'history'), 'historyEmpty').text).toBe('No changes yet.');
  });

  it('answers problems next to their fields and sums them up', () => {
    const card = lockboxSettingsCard(
      settingsView({
        problems: [
          { field: 'decisionHours', problem: 'range' },
          { field: 'defaultDurationMinutes', problem: 'aboveMax' },
        ],
      }),
    );
    expect(getById(card, 'formError').text).toBe('Nothing was saved. Please check: Decision deadline, Default duration.');
    expect(elementAfter(card, 'decisionHours')?.id).toBe('decisionHoursErrorAlert');
    expect(getById(card, 'decisionHoursError').text).toBe('Choose between 1 and 72 hours.');
    expect(elementAfter(card, 'defaultDurationMinutes')?.id).toBe('defaultDurationMinutesErrorAlert');
    expect(getById(card, 'defaultDurationMinutesError').text).toBe('The default cannot be longer than the maximum.');
    expect(allIds(lockboxSettingsCard(settingsView())).filter((id) => id.endsWith('Error'))).toEqual([]);
  });

  it('shows a notice literally, and none without one', () => {
    expect(getById(lockboxSettingsCard(settingsView({ notice: 'Settings saved.' })), 'notice').text).toBe('Settings saved.');
    expect(findById(lockboxSettingsCard(settingsView({ notice: null })), 'notice')).toBeUndefined();
  });

  it('escapes changes and actors in the history', () => {
    const card = lockboxSettingsCard(settingsView({ history: [{ actor: HOSTILE, at: hoursAgo(1), change: HOSTILE }], notice: HOSTILE }));
    for (const text of visibleTexts(card)) {
      expect(text).not.toContain('**x**');
      expect(text).not.toContain('{{DATE');
    }
  });
});

describe('lockboxSettingsCard: access scopes', () => {
  const configuredScopes = [
    { id: 'default', name: 'Customer content', description: 'the access the lockbox access group grants', groupId: null },
    { id: 'mailboxes', name: 'Mailboxes', description: 'read the mailboxes', groupId: '5c1b7a2e-0000-4000-8000-0000000ma11b' },
  ];
  const added = { id: 'billing-db', name: HOSTILE, description: 'read the billing records', groupId: '5c1b7a2e-0000-4000-8000-0000000b111d' };
  const withScopes = (overrides: Partial<LockboxSettingsView> = {}): LockboxSettingsView =>
    settingsView({ settings: { ...SETTINGS, scopes: [added] }, configuredScopes, ...overrides });

  it('is a valid 1.5 card with scopes, and with every scope problem', () => {
    validateCard(lockboxSettingsCard(withScopes()));
    validateCard(
      lockboxSettingsCard(
        withScopes({
          problems: [
            { field: 'scopes', problem: 'scopeInUse' },
            { field: 'newScopeId', problem: 'scopeIdTaken' },
            { field: 'newScopeGroupId', problem: 'invalid' },
          ],
          typed: { newScopeId: 'mailboxes', newScopeGroupId: 'nope' },
        }),
      ),
    );
  });

  it('lists configured scopes first, with their group and without Remove, then added ones each with Remove', () => {
    const card = lockboxSettingsCard(withScopes());
    const texts = visibleTexts(card).join('\n');
    expect(texts.indexOf('Mailboxes')).toBeLessThan(texts.indexOf('billing-db'));
    expect(String(getById(card, 'configuredScope2').text)).toContain('group 5c1b7a2e-0000-4000-8000-0000000ma11b');
    expect(String(getById(card, 'configuredScope2').text)).toContain('cannot be removed here');
    expect(String(getById(card, 'configuredScope1').text)).toContain('no group');
    expect(JSON.stringify(findById(card, 'configuredScope1'))).not.toContain('settings.scope.remove');
    expect(getById(card, 'removeScope1')).toMatchObject({ type: 'Action.Execute', verb: 'settings.scope.remove', data: { removeScope: 'billing-db' } });
    expect(allIds(card).filter((id) => id.startsWith('removeScope'))).toEqual(['removeScope1']);
    // An admin-typed name is escaped like every other text.
    expect(texts).not.toContain('**x**');
  });

  it('offers the new-scope inputs and Add, with ids that never collide with the data of Remove', () => {
    const card = lockboxSettingsCard(withScopes());
    for (const id of ['newScopeId', 'newScopeName', 'newScopeDescription', 'newScopeGroupId']) expect(getById(card, id)).toMatchObject({ type: 'Input.Text' });
    expect(getById(card, 'addScope')).toMatchObject({ type: 'Action.Execute', verb: 'settings.scope.add', data: {} });
    expect(findById(card, 'removeScope')).toBeUndefined();
  });

  it('answers each scope problem next to its field and keeps what was typed', () => {
    const card = lockboxSettingsCard(
      withScopes({ problems: [{ field: 'newScopeId', problem: 'scopeIdTaken' }, { field: 'scopes', problem: 'scopeConfigured' }], typed: { newScopeId: 'mailboxes' } }),
    );
    expect(elementAfter(card, 'newScopeId')).toMatchObject({ id: 'newScopeIdErrorAlert' });
    expect(getById(card, 'newScopeIdError').text).toBe('Another scope already has this id.');
    expect(String(getById(card, 'scopesError').text)).toMatch(/configuration \(LOCKBOX_SCOPES\)/);
    expect(getById(card, 'newScopeId').value).toBe('mailboxes');
  });
});

describe('lockboxSettingsCard: backup approvers', () => {
  it('names the listed backup approvers, escaped, and offers their ids to edit, on a valid card', () => {
    const id = '00000000-0000-4000-8000-0000000bac01';
    const card = lockboxSettingsCard(settingsView({ settings: { ...SETTINGS, backupApproverIds: [id] }, backupApprovers: [{ id, name: HOSTILE }] }));
    validateCard(card);
    expect(String(getById(card, 'backupApproversNames').text)).not.toContain('**x**');
    expect(getById(card, 'backupApproverIds')).toMatchObject({ type: 'Input.Text', value: id });
    expect(String(getById(lockboxSettingsCard(settingsView()), 'backupApproversNames').text)).toContain('none besides the admins');
  });

  it('answers a refused list next to the field and keeps what was typed', () => {
    const card = lockboxSettingsCard(settingsView({ problems: [{ field: 'backupApproverIds', problem: 'unknownPerson' }], typed: { backupApproverIds: 'x, y' } }));
    validateCard(card);
    expect(elementAfter(card, 'backupApproverIds')).toMatchObject({ id: 'backupApproverIdsErrorAlert' });
    expect(getById(card, 'backupApproverIds').value).toBe('x, y');
  });
});
