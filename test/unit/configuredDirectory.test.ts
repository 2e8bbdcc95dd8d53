import { ConfiguredDirectory } from '../../src/adapters/directory/configuredDirectory';

describe('ConfiguredDirectory.displayName', () => {
  const directory = new ConfiguredDirectory(
    [{ aadObjectId: 'id-dana', name: 'Dana Engineer', roles: ['engineer'] }],
    { approver: ['id-dana', 'id-listed-only'] },
  );

  it('gives the configured name of a person it knows', async () => {
    expect(await directory.displayName('id-dana')).toBe('Dana Engineer');
  });

  it('gives null for strangers and for ids listed only by role, which have no name to show', async () => {
    expect(await directory.displayName('id-stranger')).toBeNull();
    expect(await directory.displayName('id-listed-only')).toBeNull();
  });
});

describe('ConfiguredDirectory.profileOf (the same port as Graph, in local mode)', () => {
  const directory = new ConfiguredDirectory(
    [{ aadObjectId: 'id-dana', name: 'Dana Engineer', email: 'dana@example.com', timeZone: 'America/New_York', preferredLanguage: 'en-US', roles: ['engineer'] }],
    { approver: ['id-listed-only'] },
  );

  it('gives the configured name, mail, zone and language, always active', async () => {
    expect(await directory.profileOf('id-dana')).toEqual({
      displayName: 'Dana Engineer',
      email: 'dana@example.com',
      preferredLanguage: 'en-US',
      timeZone: 'America/New_York',
      state: 'active',
    });
  });

  it('knows nobody it has no name for', async () => {
    expect(await directory.profileOf('id-listed-only')).toBeNull();
    expect(await directory.profileOf('id-stranger')).toBeNull();
  });
});
