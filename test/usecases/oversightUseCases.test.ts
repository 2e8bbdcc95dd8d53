import { UseCaseDeps } from '../../src/application/shared/useCaseDeps';
import { lockboxWithTrail, queuesForPerson, requestWithTrail, requestsForSystem } from '../../src/application/oversight/requestLists';
import { actOnRequestFromTab, requestTimeline, requestsForPerson } from '../../src/application/oversight/personRequests';
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

const ids = (list: { requests: readonly { id: string }[] } | StoredRequest[]) =>
  (Array.isArray(list) ? list.map((request) => request.id) : list.requests.map((row) => row.id)).sort();

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

  // Issue 16 §3, per role. Before it, agents saw a queue only in its channel tab and approvers only pending lockbox requests.
  it('shows a person without roles only their own requests, whatever queue or kind the filters ask for', async () => {
    const eve = { oid: EVE_NO_ROLE, tid: TENANT };
    const list = await requestsForPerson(deps, eve, {});
    expect(ids(list)).toEqual(['eve-lockbox', 'eve-session']);
    expect(list.roles).toEqual([]);
    expect(list.sees).toEqual({ own: true, queues: false, allLockbox: false });
    expect(ids(await requestsForPerson(deps, eve, { queue: 'q-contoso' }))).toEqual([]);
    expect(ids(await requestsForPerson(deps, eve, { kind: 'lockbox' }))).toEqual(['eve-lockbox']);
    expect(list.people.map((person) => person.name)).toEqual(['Eve User']);
  });

  it("shows an agent their own and every work queue of their tenant's requests, never another tenant's queue", async () => {
    const bea = { oid: BEA_AGENT, tid: TENANT };
    expect(ids(await requestsForPerson(deps, bea, {}))).toEqual(['bea-assigned', 'queue-session']);
    const inQueue = await requestsForPerson(deps, bea, { queue: 'q-contoso', channelQueue: 'q-contoso' });
    expect(ids(inQueue)).toEqual(['queue-session']);
    expect(inQueue.queue).toEqual({ id: 'q-contoso', name: 'Queue q-contoso' });
    const foreign = await requestsForPerson(deps, bea, { queue: 'q-fabrikam', channelQueue: 'q-fabrikam' });
    expect(ids(foreign)).toEqual([]);
    expect(foreign.queue).toBeNull();
    expect(inQueue.queues.map((queue) => queue.id)).toEqual(['q-contoso']);
  });

  it('shows approvers and admins every lockbox request, filtered by status; not others’ sessions (approvers)', async () => {
    const carl = { oid: CARL_APPROVER, tid: TENANT };
    expect(ids(await requestsForPerson(deps, carl, {}))).toEqual(['approved-lockbox', 'eve-lockbox', 'pending-lockbox']);
    expect(ids(await requestsForPerson(deps, carl, { states: ['pending'] }))).toEqual(['pending-lockbox']);
    expect(ids(await requestsForPerson(deps, carl, { states: ['approved'] }))).toEqual(['approved-lockbox', 'eve-lockbox']);
    expect(ids(await requestsForPerson(deps, carl, { states: ['denied', 'expired', 'ended', 'cancelled'] }))).toEqual([]);
    expect(ids(await requestsForPerson(deps, carl, { kind: 'session' }))).toEqual([]);
    const alex = await requestsForPerson(deps, { oid: ALEX_ADMIN_AGENT, tid: TENANT }, { kind: 'lockbox' });
    expect(ids(alex)).toEqual(['approved-lockbox', 'eve-lockbox', 'pending-lockbox']);
    expect(alex.mayExport).toBe(true);
    expect((await requestsForPerson(deps, carl, {})).mayExport).toBe(false);
  });

  it('pages newest first with a cursor, and refuses a made-up cursor as INPUT.INVALID', async () => {
    const alex = { oid: ALEX_ADMIN_AGENT, tid: TENANT };
    const first = await requestsForPerson(deps, alex, { kind: 'lockbox', limit: 2 });
    expect(first.requests.map((row) => row.id)).toEqual(['eve-lockbox', 'approved-lockbox']);
    expect(first.next).not.toBeNull();
    const second = await requestsForPerson(deps, alex, { kind: 'lockbox', limit: 2, cursor: first.next! });
    expect(second.requests.map((row) => row.id)).toEqual(['pending-lockbox']);
    expect(second.next).toBeNull();
    const refused = await requestsForPerson(deps, alex, { cursor: 'not-a-cursor' }).then(() => null, (error) => (isDoormanError(error, 'INPUT.INVALID') ? error.fields : error));
    expect(refused).toEqual([{ field: 'cursor', problem: 'invalid' }]);
  });

  it('names people in rows, never by id: requester, assignee, queue', async () => {
    const rows = (await requestsForPerson(deps, { oid: BEA_AGENT, tid: TENANT }, {})).requests;
    const assigned = rows.find((row) => row.id === 'bea-assigned')!;
    expect(assigned.assigneeName).toBe('Bea Agent');
    expect(assigned.customer).toBe(assignedToBea.recipient.name);
    expect(rows.find((row) => row.id === 'queue-session')!.queueName).toBe('Queue q-contoso');
    expect(JSON.stringify(rows)).not.toContain(BEA_AGENT);
  });

  it('opens a timeline only for a request the viewer may see; offers the actions the domain allows', async () => {
    const notFound = (promise: Promise<unknown>) => promise.then(() => 'found', (error) => (isDoormanError(error, 'REQUEST.NOT_FOUND') ? 'not found' : error));
    expect(await notFound(requestTimeline(deps, { oid: EVE_NO_ROLE, tid: TENANT }, 'queue-session'))).toBe('not found');
    expect(await notFound(requestTimeline(deps, { oid: BEA_AGENT, tid: TENANT }, 'foreign-session'))).toBe('not found');
    expect((await requestTimeline(deps, { oid: CARL_APPROVER, tid: TENANT }, 'pending-lockbox')).actions).toEqual(['approve', 'deny']);
    expect((await requestTimeline(deps, { oid: EVE_NO_ROLE, tid: TENANT }, 'eve-lockbox')).actions).toEqual([]);
    expect((await requestTimeline(deps, { oid: BEA_AGENT, tid: TENANT }, 'queue-session')).actions).toEqual(['close']);
    expect((await requestTimeline(deps, { oid: EVE_NO_ROLE, tid: TENANT }, 'eve-session')).actions).toEqual([]);
  });

  it('acts through the card use cases with compare-and-set: a stale version is refused, the current one decides', async () => {
    const carl = { oid: CARL_APPROVER, tid: TENANT };
    const stale = await actOnRequestFromTab(deps, carl, 'pending-lockbox', { action: 'approve', version: 99, comment: null }).then(
      () => 'done',
      (error) => (isDoormanError(error) ? error.code : error),
    );
    expect(stale).toBe('REQUEST.STALE_VERSION');
    const eve = await actOnRequestFromTab(deps, { oid: EVE_NO_ROLE, tid: TENANT }, 'eve-lockbox', { action: 'approve', version: evesLockbox.version, comment: null }).then(
      () => 'done',
      (error) => (isDoormanError(error) ? error.code : error),
    );
    expect(eve).not.toBe('done');
    const denied = await actOnRequestFromTab(deps, carl, 'pending-lockbox', { action: 'deny', version: pendingLockbox.version, comment: 'Not this week' });
    expect(denied.request.state).toBe('denied');
    expect(denied.actions).toEqual([]);
    const last = denied.events[denied.events.length - 1];
    expect(last).toMatchObject({ source: 'tab', actorName: 'Carl Approver', to: 'denied', reason: 'Not this week' });
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
