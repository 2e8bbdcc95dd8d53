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
