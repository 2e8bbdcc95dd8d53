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
