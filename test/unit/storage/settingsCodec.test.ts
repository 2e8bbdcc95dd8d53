import { decodeLockboxSettings, encodeLockboxSettings } from '../../../src/adapters/storage/lockboxSettingsCodec';
import { DEFAULT_PERMISSION_PROFILES } from '../../../src/domain/invitation';

describe('stored settings', () => {
  it('a row saved before the assistance, escalation and scope settings existed reads their defaults (4 h unanswered, 15 min to allow, no escalation, no added scopes, 90 days of retention)', () => {
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
      retentionDays: 90,
      permissionProfiles: DEFAULT_PERMISSION_PROFILES,
      scopes: [],
      backupApproverIds: [],
      updatedBy: 'Sam',
      updatedAt: new Date('2030-03-01T08:00:00.000Z'),
    });
  });

  it('keeps what an admin set for assistance', () => {
    const saved = decodeLockboxSettings(encodeLockboxSettings({ ...decodeLockboxSettings('{}'), assistUnansweredHours: 8, assistAllowMinutes: 5 }));
    expect(saved).toMatchObject({ assistUnansweredHours: 8, assistAllowMinutes: 5 });
  });

  it('a row saved before invitations reads the default permission profiles; an admin’s profiles are kept', () => {
    expect(decodeLockboxSettings('{}').permissionProfiles?.map((profile) => [profile.name, profile.role])).toEqual([
      ['View only', 'attendee'],
      ['Collaborate', 'presenter'],
      ['Full control', 'coorganizer'],
    ]);
    const own = [{ name: 'Observer', sentence: 'Watches only.', role: 'attendee' as const }];
    expect(decodeLockboxSettings(encodeLockboxSettings({ ...decodeLockboxSettings('{}'), permissionProfiles: own })).permissionProfiles).toEqual(own);
  });

  it('keeps the scopes an admin added, and leaves out a stored scope it cannot read rather than guess', () => {
    const billing = { id: 'billing-db', name: 'Billing', description: 'read billing', groupId: '5c1b7a2e-0000-4000-8000-0000000b111d' };
    const local = { id: 'local', name: 'Local', description: 'local grant table', groupId: null };
    const stored = JSON.stringify({ scopes: [billing, local, { id: 'broken' }, 'nonsense'] });
    expect(decodeLockboxSettings(stored).scopes).toEqual([billing, local]);
    expect(decodeLockboxSettings(JSON.stringify({ scopes: 'nope' })).scopes).toEqual([]);
  });
});
