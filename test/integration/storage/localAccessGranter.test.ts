import { LocalAccessGranter } from '../../../src/adapters/local/localAccessGranter';
import { openSqliteRequestStore } from '../../../src/adapters/storage/sqliteRequestStore';
import { FakeClock } from '../../support/fakeClock';

test('the local group: adding and removing are idempotent, and a member is told apart from a non-member', async () => {
  const store = openSqliteRequestStore(':memory:');
  try {
    const access = new LocalAccessGranter(store, new FakeClock('2030-03-04T09:00:00.000Z'));
    expect(await access.holds('engineer-eli')).toBe(false);
    await access.add('engineer-eli');
    await access.add('engineer-eli');
    expect(await access.holds('engineer-eli')).toBe(true);
    expect(await access.holds('engineer-erin')).toBe(false);
    await access.remove('engineer-eli');
    await access.remove('engineer-eli');
    expect(await access.holds('engineer-eli')).toBe(false);
  } finally {
    await store.close();
  }
});

test('a group per scope: membership of one scope is not membership of another', async () => {
  const store = openSqliteRequestStore(':memory:');
  try {
    const access = new LocalAccessGranter(store, new FakeClock());
    await access.add('engineer-eli', 'mailboxes');
    expect(await access.holds('engineer-eli', 'sharepoint')).toBe(false);
    expect(await access.holds('engineer-eli', 'mailboxes')).toBe(true);
  } finally {
    await store.close();
  }
});
