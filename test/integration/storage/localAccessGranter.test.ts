import { LocalAccessGranter } from '../../../src/adapters/local/localAccessGranter';
import { openSqliteRequestStore } from '../../../src/adapters/storage/sqliteRequestStore';
import { FakeClock } from '../../support/fakeClock';
import { aLockboxRequest } from '../../support/lockboxBuilder';

const MINUTE = 60_000;

test('grants the requester access to the resource once and revokes it once, however often the outbox retries', async () => {
  const store = openSqliteRequestStore(':memory:');
  try {
    const clock = new FakeClock('2030-03-04T09:00:00.000Z');
    const access = new LocalAccessGranter(store, clock);
    const request = aLockboxRequest({
      state: 'approved',
      requestedVia: 'ticketing-system',
      requester: { aadObjectId: 'engineer-eli', name: 'Eli Engineer' },
      resource: 'Fabrikam: SharePoint site of case 42',
    });
    await store.commit({ request, expectedVersion: null, events: [], outbox: [], deadlines: [] });
    const grantedAt = clock.now();

    await access.grant(request);
    clock.advance(MINUTE);
    await access.grant(request);
    expect(await store.listGrants()).toEqual([
      { requestId: request.id, principalId: 'engineer-eli', resource: request.resource, grantedAt, revokedAt: null },
    ]);

    clock.advance(MINUTE);
    const revokedAt = clock.now();
    await access.revoke(request);
    clock.advance(MINUTE);
    await access.revoke(request);
    expect(await store.listGrants()).toEqual([
      { requestId: request.id, principalId: 'engineer-eli', resource: request.resource, grantedAt, revokedAt },
    ]);
  } finally {
    await store.close();
  }
});

test('revoking what was never granted is done at once', async () => {
  const store = openSqliteRequestStore(':memory:');
  try {
    const access = new LocalAccessGranter(store, new FakeClock());
    await expect(access.revoke(aLockboxRequest())).resolves.toBeUndefined();
    expect(await store.listGrants()).toEqual([]);
  } finally {
    await store.close();
  }
});
