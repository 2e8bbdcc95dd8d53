import { decodeLockboxSettings, encodeLockboxSettings } from '../../../src/adapters/storage/lockboxSettingsCodec';

describe('stored settings', () => {
  it('a row saved before the assistance and escalation settings existed reads their defaults (4 h unanswered, 15 min to allow, no escalation)', () => {
    const old = JSON.stringify({ approvalRequired: false, leadReview: false, defaultDurationMinutes: 60, maxDurationMinutes: 480, decisionHours: 4, updatedBy: 'Sam', updatedAt: '2030-03-01T08:00:00.000Z' });
    expect(decodeLockboxSettings(old)).toEqual({
      approvalRequired: false,
      leadReview: false,
      defaultDurationMinutes: 60,
      maxDurationMinutes: 480,
      decisionHours: 4,
      escalationHours: 0,
      assistUnansweredHours: 4,
      assistAllowMinutes: 15,
      updatedBy: 'Sam',
      updatedAt: new Date('2030-03-01T08:00:00.000Z'),
    });
  });

  it('keeps what an admin set for assistance', () => {
    const saved = decodeLockboxSettings(encodeLockboxSettings({ ...decodeLockboxSettings('{}'), assistUnansweredHours: 8, assistAllowMinutes: 5 }));
    expect(saved).toMatchObject({ assistUnansweredHours: 8, assistAllowMinutes: 5 });
  });
});
