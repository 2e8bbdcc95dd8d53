import { cardViewOf } from '../../src/application/shared/cardViews';
import { ConfiguredDirectory } from '../../src/adapters/directory/configuredDirectory';
import { lockboxCardFor } from '../../src/adapters/teams/lockbox/lockboxCardFor';
import { LockboxRequest } from '../../src/domain/lockbox';
import { Role } from '../../src/domain/people';
import { aLockboxRequest } from '../support/lockboxBuilder';
import { useCaseDepsPerTest } from '../support/testDeps';

// refresh.userIds of a lockbox card: user MRIs as Teams documents them (the 29: ids it gave Doorman, recorded with
// people's personal chats), only people who can act now, those with a recorded MRI first, never the requester, ≤ 60.

const t = useCaseDepsPerTest();
const REQUESTER = 'aad-requester';

/** A directory of `count` people holding `role` (ids `<prefix>-<n>`), plus the requester, who is an approver too. */
function directoryOf(groups: { role: Role; prefix: string; count: number }[]): ConfiguredDirectory {
  const entries = groups.flatMap(({ role, prefix, count }) =>
    Array.from({ length: count }, (_, index) => ({ aadObjectId: `${prefix}-${index}`, name: `${prefix} ${index}`, roles: [role] })),
  );
  return new ConfiguredDirectory([...entries, { aadObjectId: REQUESTER, name: 'Requester', roles: ['engineer', 'approver'] }]);
}

async function chatWith(aadObjectId: string, mri: string): Promise<void> {
  await t.deps.conversations.savePersonalConversation({
    aadObjectId,
    conversationId: `a:${aadObjectId}`,
    serviceUrl: 'https://smba.example',
    tenantId: 'tenant-test',
    botId: '28:doorman',
    userId: mri,
    name: aadObjectId,
  });
}

async function refreshOf(request: LockboxRequest): Promise<string[]> {
  return (await cardViewOf(t.deps, request)).refreshUserIds ?? [];
}

const request = (state: LockboxRequest['state']) =>
  aLockboxRequest({ state, requester: { aadObjectId: REQUESTER, name: 'Requester' } });

it('lists the 29: MRI Teams gave a person where Doorman recorded one, else the 8:orgid: MRI of their Entra id', async () => {
  t.deps.directory = directoryOf([{ role: 'approver', prefix: 'approver', count: 2 }]);
  await chatWith('approver-1', '29:1XyZ-approver-1');
  expect(await refreshOf(request('pending'))).toEqual(['29:1XyZ-approver-1', '8:orgid:approver-0']);
});

it('lists only who can act now: admins while a lead reviews, approvers while pending and while access runs; never the requester', async () => {
  t.deps.directory = directoryOf([
    { role: 'admin', prefix: 'admin', count: 2 },
    { role: 'approver', prefix: 'approver', count: 2 },
  ]);
  expect(await refreshOf(request('review'))).toEqual(['8:orgid:admin-0', '8:orgid:admin-1']);
  expect(await refreshOf(request('pending'))).toEqual(['8:orgid:approver-0', '8:orgid:approver-1']);
  expect(await refreshOf(request('approved'))).toEqual(['8:orgid:approver-0', '8:orgid:approver-1']);
  expect(await refreshOf(request('pending'))).not.toContain(`8:orgid:${REQUESTER}`);
});

it('caps the list at 60, keeping first those whose MRI Teams has given Doorman', async () => {
  t.deps.directory = directoryOf([{ role: 'approver', prefix: 'approver', count: 100 }]);
  for (const index of [97, 98, 99]) await chatWith(`approver-${index}`, `29:mri-${index}`);
  await chatWith(REQUESTER, '29:mri-requester');
  const userIds = await refreshOf(request('pending'));
  expect(userIds).toHaveLength(60);
  expect(new Set(userIds).size).toBe(60);
  expect(userIds.slice(0, 3)).toEqual(['29:mri-97', '29:mri-98', '29:mri-99']);
  expect(userIds[3]).toBe('8:orgid:approver-0');
  expect(userIds).not.toContain('29:mri-requester');
});

it('puts those MRIs into the card Teams refreshes', async () => {
  t.deps.directory = directoryOf([{ role: 'approver', prefix: 'approver', count: 1 }]);
  await chatWith('approver-0', '29:mri-0');
  const view = await cardViewOf(t.deps, request('pending'));
  const card = lockboxCardFor(view as typeof view & { request: LockboxRequest }, 'queue', null, t.clock.now(), 'UTC', null) as { refresh?: { userIds: string[] } };
  expect(card.refresh?.userIds).toEqual(['29:mri-0']);
});
