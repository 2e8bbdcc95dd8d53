import { UseCaseDeps } from '../../src/application/shared/useCaseDeps';
import { lockboxWithTrail, queuesForPerson, requestWithTrail, requestsForPerson, requestsForSystem } from '../../src/application/oversight/requestLists';
import { readScopeFor } from '../../src/application/oversight/viewers';
import { Queue, StoredRequest } from '../../src/application/ports';
import { isDoormanError } from '../../src/domain/errors';
import { aLockboxRequest } from '../support/lockboxBuilder';
import { aSessionRequest } from '../support/sessionBuilder';
import { testDeps } from '../support/testDeps';

// People from test/fixtures/roles.json.
const ALEX_ADMIN_AGENT = '00000000-0000-0000-0000-00000000a001';
const BEA_AGENT = '00000000-0000-0000-0000-00000000a002';
const CARL_APPROVER = '00000000-0000-0000-0000-00000000c003';
const EVE_NO_ROLE = '00000000-0000-0000-0000-00000000e005';
const TENANT = 'tenant-contoso';
const OTHER_TENANT = 'tenant-fabrikam';

function aQueue(id: string, tenantId: string): Queue {
  return {
    id,
    name: `Queue ${id}`,
    purpose: 'sessions',
    isDefault: false,
    teamId: 'team-1',
    channelId: `channel-${id}`,
    serviceUrl: 'https://smba.example/',
    tenantId,
    registeredBy: ALEX_ADMIN_AGENT,
    registeredAt: new Date('2030-03-01T09:00:00.000Z'),
  };
}

const ids = (list: { requests: Record<string, unknown>[] } | StoredRequest[]) =>
  (Array.isArray(list) ? list.map((request) => request.id) : list.requests.map((row) => row.id as string)).sort();

describe('who sees which requests (oversight use cases, SQLite, fake clock)', () => {
  let t: ReturnType<typeof testDeps>;
  let deps: UseCaseDeps;
  const at = (minutes: number) => new Date(Date.UTC(2030, 2, 4, 9, minutes));
  const eveSession = aSessionRequest({ id: 'eve-session', createdBy: { aadObjectId: EVE_NO_ROLE, name: 'Eve' }, createdAt: at(1) });
  const queueSession = aSessionRequest({ id: 'queue-session', queueId: 'q-contoso', createdAt: at(2) });
  const foreignQueueSession = aSessionRequest({ id: 'foreign-session', queueId: 'q-fabrikam', createdAt: at(3) });
  const assignedToBea = aSessionRequest({ id: 'bea-assigned', assignee: { aadObjectId: BEA_AGENT, name: 'Bea' }, createdAt: at(4) });
  const pendingLockbox = aLockboxRequest({ id: 'pending-lockbox', createdAt: at(5) });
  const approvedLockbox = aLockboxRequest({ id: 'approved-lockbox', state: 'approved', createdAt: at(6) });
  const evesLockbox = aLockboxRequest({ id: 'eve-lockbox', state: 'approved', requester: { aadObjectId: EVE_NO_ROLE, name: 'Eve' }, createdAt: at(7) });

  beforeAll(async () => {
    t = testDeps({ inMemory: true });
    deps = t.deps;
    await deps.queues.saveQueue(aQueue('q-contoso', TENANT));
    await deps.queues.saveQueue(aQueue('q-fabrikam', OTHER_TENANT));
    for (const request of [eveSession, queueSession, foreignQueueSession, assignedToBea, pendingLockbox, approvedLockbox, evesLockbox]) {
      await deps.requests.commit({ request, expectedVersion: null, events: [], outbox: [], deadlines: [] });
    }
  });

  afterAll(() => t.cleanup());

  it('shows a person without roles only their own requests, whatever queue the tab asks for', async () => {
    const list = await requestsForPerson(deps, { oid: EVE_NO_ROLE, tid: TENANT }, { queue: 'q-contoso' });
    expect(ids(list)).toEqual(['eve-lockbox', 'eve-session']);
    expect(list.roles).toEqual([]);
  });

  it("shows an agent their own and their tenant's queue's sessions, never another tenant's queue", async () => {
    const inQueue = await requestsForPerson(deps, { oid: BEA_AGENT, tid: TENANT }, { queue: 'q-contoso' });
    expect(ids(inQueue)).toEqual(['bea-assigned', 'queue-session']);
    expect(inQueue.queue).toEqual({ id: 'q-contoso', name: 'Queue q-contoso' });

    const foreign = await requestsForPerson(deps, { oid: BEA_AGENT, tid: TENANT }, { queue: 'q-fabrikam' });
    expect(ids(foreign)).toEqual(['bea-assigned']);
    expect(foreign.queue).toBeNull();
  });

  it('shows an approver every pending lockbox request, but not others’ decided ones, and respects the state filter', async () => {
    expect(ids(await requestsForPerson(deps, { oid: CARL_APPROVER, tid: TENANT }, { queue: 'q-contoso' }))).toEqual(['pending-lockbox']);
    expect(ids(await requestsForPerson(deps, { oid: CARL_APPROVER, tid: TENANT }, { state: 'approved' }))).toEqual([]);
    expect(ids(await requestsForPerson(deps, { oid: CARL_APPROVER, tid: TENANT }, { kind: 'session' }))).toEqual([]);
  });

  it("lists only the queues of the person's tenant", async () => {
    expect((await queuesForPerson(deps, { oid: EVE_NO_ROLE, tid: TENANT })).queues.map((queue) => queue.id)).toEqual(['q-contoso']);
  });

  it('lets a system read only the requests of the people it acts for; `*` reads all', async () => {
    expect(ids(await requestsForSystem(deps, readScopeFor([EVE_NO_ROLE]), {}))).toEqual(['eve-lockbox', 'eve-session']);
    expect(ids(await requestsForSystem(deps, readScopeFor(['*']), { kind: 'lockbox' }))).toEqual(['approved-lockbox', 'eve-lockbox', 'pending-lockbox']);
  });

  it("answers another's request as not found, and a session asked for as lockbox likewise", async () => {
    const notFound = (promise: Promise<unknown>) => promise.then(() => 'found', (error) => (isDoormanError(error, 'REQUEST.NOT_FOUND') ? 'not found' : error));
    expect(await notFound(requestWithTrail(deps, readScopeFor([EVE_NO_ROLE]), 'queue-session'))).toBe('not found');
    expect(await notFound(requestWithTrail(deps, readScopeFor([EVE_NO_ROLE]), 'eve-session'))).toBe('found');
    expect(await notFound(lockboxWithTrail(deps, readScopeFor(['*']), 'eve-session'))).toBe('not found');
    expect(await notFound(lockboxWithTrail(deps, readScopeFor(['*']), 'eve-lockbox'))).toBe('found');
  });
});
