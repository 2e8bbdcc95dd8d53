import { TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, getById } from '../support/validateCard';

/** Issue 9, defect 5: values out of range are refused with a message next to the field, never clamped silently. */
describe('the lockbox settings form refuses values out of range', () => {
  let t: TestDoorman;
  const valid = { approvalRequired: 'true', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' };

  beforeEach(async () => {
    t = await startTestDoorman();
  });
  afterEach(() => t.stop());

  it('answers each field with its range, shows what was typed, and saves nothing', async () => {
    const before = await t.store.getLockboxSettings();
    const response = await t.invoke('alex', 'settings.save', { ...valid, maxDurationMinutes: '2000', decisionHours: '0' });
    const card = response.body.value;

    expect(String(getById(card, 'maxDurationMinutesError').text)).toBe('Choose between 15 and 1440 minutes (24 h).');
    expect(String(getById(card, 'decisionHoursError').text)).toBe('Choose between 1 and 72 hours.');
    expect(String(getById(card, 'formError').text)).toMatch(/Nothing was saved/);
    // The typed values come back as typed: a card showing the stored 1440 would read as a silent clamp.
    expect(getById(card, 'maxDurationMinutes').value).toBe(2000);
    expect(getById(card, 'decisionHours').value).toBe(0);
    expect(findById(card, 'notice')).toBeUndefined();
    expect(await t.store.getLockboxSettings()).toEqual(before);
    expect(await t.store.settingsEvents()).toEqual([]);
  });

  it('a default longer than the maximum is refused as such, not as out of range', async () => {
    const response = await t.invoke('alex', 'settings.save', { ...valid, defaultDurationMinutes: '600', maxDurationMinutes: '480' });
    expect(String(getById(response.body.value, 'defaultDurationMinutesError').text)).toBe('The default cannot be longer than the maximum.');
    expect((await t.store.getLockboxSettings()).maxDurationMinutes).toBe(1440);
  });

  it('values in range are saved and said so', async () => {
    const response = await t.invoke('alex', 'settings.save', { ...valid, maxDurationMinutes: '480', decisionHours: '72' });
    expect(getById(response.body.value, 'notice').text).toBe('Settings saved.');
    expect(await t.store.getLockboxSettings()).toMatchObject({ maxDurationMinutes: 480, decisionHours: 72 });
  });
});
