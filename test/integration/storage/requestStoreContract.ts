import {
  AccessGrant,
  ApiKey,
  Change,
  Erasure,
  LockboxSettings,
  OutboxItem,
  OutboxMessage,
  Store,
  StoredRequest,
} from '../../../src/application/ports';
import { AssistRequest } from '../../../src/domain/assist';
import { assistIn } from '../../support/assistCardFixtures';
import { AuditEvent } from '../../../src/domain/audit';
import { isDoormanError } from '../../../src/domain/errors';
import { LockboxRequest } from '../../../src/domain/lockbox';
import { SESSION_TRANSITIONS, SessionRequest } from '../../../src/domain/session';
import { stateMoveOf } from '../../../src/domain/stateMoves';
import { aLockboxRequest } from '../../support/lockboxBuilder';
import { anAuditEvent } from '../../support/auditEvents';
import { invitationIn } from '../../support/invitationCardFixtures';
import { DEFAULT_PERMISSION_PROFILES } from '../../../src/domain/invitation';
import { aSessionRequest } from '../../support/sessionBuilder';
import { RateWindows } from '../../../src/application/shared/rateWindows';
import { DOORMAN_THREAD_LIMITS } from '../../../src/adapters/teams/threadRateLimiter';

/** Opens a store on a new, empty database, or another instance on the database of `sameDatabaseAs`. */
export type OpenRequestStore = (sameDatabaseAs?: Store) => Promise<Store>;

/** Reads rows the port never shows again (handed-over outbox rows, erased personal data), with a separate connection. */
export interface RawStoreInspector {
  outboxRow(store: Store, id: number): Promise<{ status: string; payload: unknown; lastError: string | null }>;
  /** The stored personal data of a request, parsed; null once erased. */
  personalData(store: Store, requestId: string): Promise<unknown>;
  /** The non-personal JSON of a request (`requests.data`), parsed. */
  requestData(store: Store, requestId: string): Promise<unknown>;
}

const T0 = new Date('2030-03-04T09:00:00.000Z');
const MINUTE = 60_000;
const FAR_FUTURE = new Date('2100-01-01T00:00:00.000Z');

function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * MINUTE);
}

const PSEUDONYM = 'Person 7Q2X';

/** An admin's erasure, as the use case passes it to the store. */
function byAdmin(minutes = 500): Erasure {
  return { pseudonym: PSEUDONYM, actorId: 'admin-ada', actorType: 'person', source: 'chat', at: at(minutes), reason: 'an admin erased a person' };
}

/** The audit event an erasure appends: the request's kind, state and version, the erasure's actor and reason. */
function erasureEvent(request: StoredRequest, minutes = 500): AuditEvent {
  return {
    requestId: request.id,
    kind: request.kind,
    action: 'erase',
    fromState: request.state,
    toState: request.state,
    actorId: 'admin-ada',
    actorType: 'person',
    source: 'chat',
    reason: 'an admin erased a person',
    at: at(minutes),
    version: request.version,
  };
}

/** The events of a request before its erasure, as they read after it: reasons (which may quote people) erased. */
function withReasonsErased(events: readonly AuditEvent[]): AuditEvent[] {
  return events.map((event) => ({ ...event, reason: event.reason === null ? null : '(erased)' }));
}

const anna = { aadObjectId: 'agent-anna', name: 'Anna Agent' };
const ben = { aadObjectId: 'agent-ben', name: 'Ben Agent' };
const carl = { aadObjectId: 'agent-carl', name: 'Carl Agent' };

function eventOf(request: SessionRequest, action: string, fromState: string | null): AuditEvent {
  return anAuditEvent(request, action, fromState, { actorId: request.createdBy.aadObjectId });
}

function cardUpdate(request: SessionRequest): OutboxMessage {
  return { type: 'card.update', requestId: request.id, version: request.version };
}

function mailTo(request: SessionRequest): OutboxMessage {
  return {
    type: 'mail.send',
    requestId: request.id,
    mail: {
      to: { name: request.recipient.name, address: request.recipient.email ?? 'nobody@example.com' },
      subject: 'Your support session',
      text: 'Join at https://doorman.example/j/one-time-code',
      html: '<a href="https://doorman.example/j/one-time-code">Join</a>',
      language: 'en',
    },
  };
}

/** The change that creates `request`: its event, a card update and its expiry deadline. */
function creation(request: SessionRequest, extra: Partial<Change> = {}): Change {
  return {
    request,
    expectedVersion: null,
    events: [eventOf(request, 'create', null)],
    outbox: [cardUpdate(request)],
    deadlines: [{ requestId: request.id, kind: 'expire', dueAt: request.expiresAt }],
    ...extra,
  };
}

/** The change from `previous` to `previous` with `fields`, one version on. */
function transition(
  previous: SessionRequest,
  fields: Partial<SessionRequest>,
  extra: Partial<Change> = {},
): { next: SessionRequest; change: Change } {
  const next: SessionRequest = {
    ...previous,
    ...fields,
    version: previous.version + 1,
    updatedAt: fields.updatedAt ?? new Date(previous.updatedAt.getTime() + MINUTE),
  };
  const change: Change = {
    request: next,
    expectedVersion: previous.version,
    events: [eventOf(next, 'change', previous.state)],
    outbox: [cardUpdate(next)],
    deadlines: [{ requestId: next.id, kind: 'expire', dueAt: next.expiresAt }],
    ...extra,
  };
  return { next, change };
}

const amy = { aadObjectId: 'approver-amy', name: 'Amy Approver' };
const lee = { aadObjectId: 'lead-lee', name: 'Lee Lead' };

function lockboxEvent(request: LockboxRequest, action: string, fromState: string | null): AuditEvent {
  return anAuditEvent(request, action, fromState, { actorId: request.requester.aadObjectId, source: 'chat' });
}

/** The change that creates a lockbox request: its event, a card update and its decision deadline. */
function lockboxCreation(request: LockboxRequest, extra: Partial<Change> = {}): Change {
  return {
    request,
    expectedVersion: null,
    events: [lockboxEvent(request, 'create', null)],
    outbox: [{ type: 'card.update', requestId: request.id, version: request.version }],
    deadlines: [{ requestId: request.id, kind: 'expire', dueAt: request.decideBy }],
    ...extra,
  };
}

/** The change from `previous` to `previous` with `fields`, one version on. */
function lockboxTransition(
  previous: LockboxRequest,
  fields: Partial<LockboxRequest>,
  extra: Partial<Change> = {},
): { next: LockboxRequest; change: Change } {
  const next: LockboxRequest = {
    ...previous,
    ...fields,
    version: previous.version + 1,
    updatedAt: fields.updatedAt ?? new Date(previous.updatedAt.getTime() + MINUTE),
  };
  const change: Change = {
    request: next,
    expectedVersion: previous.version,
    events: [lockboxEvent(next, 'change', previous.state)],
    outbox: [{ type: 'card.update', requestId: next.id, version: next.version }],
    deadlines: [],
    ...extra,
  };
  return { next, change };
}

/** A lockbox request approved by Amy after Lee's review, access granted and now being revoked. */
function aRevokedLockbox(): LockboxRequest {
  return aLockboxRequest({
    state: 'approved',
    version: 5,
    requestedVia: 'ticketing-system',
    queueId: 'queue-lockbox',
    remindAt: null,
    decisions: [
      { action: 'passReview', byId: lee.aadObjectId, byName: lee.name, at: at(10), comment: null },
      { action: 'approve', byId: amy.aadObjectId, byName: amy.name, at: at(30), comment: 'ok – «quotes» "and" ünïcödé' },
    ],
    access: { status: 'removing', grantedAt: at(31), endsAt: at(271), removedAt: null },
    ending: { reason: 'revoked', byId: amy.aadObjectId, at: at(90) },
    updatedAt: at(90),
  });
}

function approvalOff(changedAt: Date): LockboxSettings {
  return {
    approvalRequired: false,
    leadReview: true,
    defaultDurationMinutes: 60,
    maxDurationMinutes: 480,
    decisionHours: 4,
    escalationHours: 0,
    assistUnansweredHours: 4,
    assistAllowMinutes: 15,
    retentionDays: 30,
    permissionProfiles: DEFAULT_PERMISSION_PROFILES.map((profile) => ({ ...profile })),
    scopes: [{ id: 'billing-db', name: 'Billing «DB»', description: 'read the billing database', groupId: '3f2a9c1e-0000-4000-8000-000000000001' }],
    backupApproverIds: ['00000000-0000-4000-8000-0000000bac01'],
    updatedBy: 'admin-ada',
    updatedAt: changedAt,
  };
}

function approverNotice(userId: string, changedAt: Date): OutboxMessage {
  return {
    type: 'chat.notify',
    requestId: null,
    userId,
    notice: { kind: 'approvalSetting', approvalRequired: false, changedBy: 'admin-ada', changedAt: changedAt.toISOString() },
  };
}

function anApiKey(fields: Partial<ApiKey>): ApiKey {
  return {
    id: 'key-1',
    name: 'Ticketing',
    onBehalfOf: ['engineer-erin', 'engineer-eli'],
    hash: 'a'.repeat(64),
    createdAt: T0,
    revokedAt: null,
    ...fields,
  };
}

/** The message a failed promise rejects with (the driver's own error classes live in another realm under Jest). */
async function failureOf(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(
    () => null,
    (reason: unknown) => String((reason as { message?: unknown } | null)?.message ?? reason),
  );
}

async function expectStale(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(isDoormanError(error, 'REQUEST.STALE_VERSION')).toBe(true);
}

async function claimAll(store: Store, now: Date, batch: number): Promise<OutboxItem[]> {
  const claimed: OutboxItem[] = [];
  for (;;) {
    const items = await store.claimOutbox(now, batch, 10 * MINUTE);
    if (items.length === 0) return claimed;
    claimed.push(...items);
  }
}

/**
 * The behaviour every RequestStore adapter shares (CAS, transactional outbox, claims, erasure, filters),
 * run against each database by its own test file.
 */
export function describeRequestStoreContract(name: string, open: OpenRequestStore, inspect: RawStoreInspector): void {
  describe(`RequestStore contract: ${name}`, () => {
    const opened: Store[] = [];
    const openStore = async (sameDatabaseAs?: Store): Promise<Store> => {
      const store = await open(sameDatabaseAs);
      opened.push(store);
      return store;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    describe('requests', () => {
      it('round-trips a session request with its dates and personal data', async () => {
        const store = await openStore();
        const scheduled = aSessionRequest({
          assignee: ben,
          queueId: 'queue-1',
          scheduledFor: at(60),
          expiresAt: at(180),
          customerName: 'Chris C.',
          bindingHash: 'binding-hash',
          comments: 'VIP – «quotes» "and" ünïcödé 2030-01-01T00:00:00.000Z',
          language: 'de',
          meeting: { provider: 'teams', status: 'ready', joinUrl: 'https://teams.example/j/1', meetingId: 'm-1', problem: null },
        });
        const plain = aSessionRequest({ recipient: { name: 'Dana', email: null } });
        await store.commit(creation(scheduled));
        await store.commit(creation(plain));

        const loaded = (await store.getRequest(scheduled.id)) as SessionRequest | null;
        expect(loaded).toEqual(scheduled);
        expect(loaded?.createdAt).toBeInstanceOf(Date);
        expect(loaded?.updatedAt).toBeInstanceOf(Date);
        expect(loaded?.expiresAt).toBeInstanceOf(Date);
        expect(loaded?.scheduledFor).toBeInstanceOf(Date);
        expect(loaded?.comments).toBe(scheduled.comments);
        expect(await store.getRequest(plain.id)).toEqual(plain);
        expect(await store.getRequest('no-such-request')).toBeNull();
      });

      it('finds a session by the hash of its current link only', async () => {
        const store = await openStore();
        const request = aSessionRequest({ linkHash: 'hash-generation-1' });
        await store.commit(creation(request));
        expect(await store.findSessionByLinkHash('hash-generation-1')).toEqual(request);

        const { next, change } = transition(request, { generation: 2, linkHash: 'hash-generation-2' });
        await store.commit(change);
        expect(await store.findSessionByLinkHash('hash-generation-1')).toBeNull();
        expect(await store.findSessionByLinkHash('hash-generation-2')).toEqual(next);
        expect(await store.findSessionByLinkHash('unknown')).toBeNull();
      });

      it('remembers a link a change replaced, so the old link can be told apart from an unknown one', async () => {
        const store = await openStore();
        const request = aSessionRequest({ linkHash: 'hash-generation-1' });
        await store.commit(creation(request));
        const { change } = transition(request, { generation: 2, linkHash: 'hash-generation-2' }, { replacedLinkHash: 'hash-generation-1' });
        await store.commit(change);

        expect(await store.findReplacedLink('hash-generation-1')).toBe(request.id);
        expect(await store.findReplacedLink('hash-generation-2')).toBeNull();
        expect(await store.findReplacedLink('unknown')).toBeNull();
      });

      it('applies a change from the current version and keeps the events in order', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        await store.commit(creation(request));
        const waiting = transition(request, { state: 'waiting', customerName: 'Chris' });
        await store.commit(waiting.change);
        const ready = transition(waiting.next, { state: 'ready' });
        await store.commit(ready.change);

        expect(await store.getRequest(request.id)).toEqual(ready.next);
        const events = await store.eventsOf(request.id);
        expect(events.map((event) => [event.version, event.toState])).toEqual([
          [1, 'open'],
          [2, 'waiting'],
          [3, 'ready'],
        ]);
        expect(events[1]).toEqual(waiting.change.events[0]);
        expect(events[1].at).toBeInstanceOf(Date);
        expect(await store.eventsOf('no-such-request')).toEqual([]);
      });

      it('lets exactly one of two changes from the same version win; the loser writes nothing', async () => {
        const first = await openStore();
        const second = await openStore(first);
        const request = aSessionRequest();
        await first.commit(creation(request));

        const card = {
          requestId: request.id,
          role: 'agent' as const,
          conversationId: 'conv-a',
          activityId: 'act-a',
          serviceUrl: 'https://smba.example/',
          threadId: null,
        };
        const admit = transition(request, { state: 'waiting' }, {
          outbox: [cardUpdate({ ...request, version: 2 }), mailTo(request)],
          deadlines: [{ requestId: request.id, kind: 'expire', dueAt: at(600) }],
          cardActivities: [card],
        });
        const close = transition(request, { state: 'closed', closedReason: 'cancelled' }, { deadlines: [] });

        const results = await Promise.allSettled([first.commit(admit.change), second.commit(close.change)]);
        const winners = results.filter((result) => result.status === 'fulfilled');
        const losers = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(1);
        expect(isDoormanError(losers[0].reason, 'REQUEST.STALE_VERSION')).toBe(true);

        const won = results[0].status === 'fulfilled' ? admit : close;
        expect(await first.getRequest(request.id)).toEqual(won.next);
        expect((await first.eventsOf(request.id)).map((event) => event.toState)).toEqual(['open', won.next.state]);
        expect(await first.pendingOutboxCount()).toBe(1 + won.change.outbox.length);
        const claimed = await first.claimOutbox(FAR_FUTURE, 100, MINUTE);
        expect(claimed.map((item) => item.message)).toEqual([...creation(request).outbox, ...won.change.outbox]);
        expect(await first.claimDeadlines(FAR_FUTURE, 100, MINUTE)).toEqual(won.change.deadlines);
        expect(await first.cardActivitiesOf(request.id)).toEqual(won.change.cardActivities ?? []);
      });

      it('refuses to create a request that already exists', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        await store.commit(creation(request));
        await expectStale(store.commit(creation({ ...request, state: 'closed' })));
        expect(await store.getRequest(request.id)).toEqual(request);
        expect(await store.eventsOf(request.id)).toHaveLength(1);
        expect(await store.pendingOutboxCount()).toBe(1);
      });

      it('refuses a change from a version that has moved on', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        await store.commit(creation(request));
        const first = transition(request, { state: 'waiting' });
        await store.commit(first.change);
        const late = transition(request, { state: 'closed' }, { deadlines: [] });
        await expectStale(store.commit(late.change));
        expect(await store.getRequest(request.id)).toEqual(first.next);
        expect(await store.eventsOf(request.id)).toHaveLength(2);
        expect(await store.claimDeadlines(FAR_FUTURE, 10, MINUTE)).toHaveLength(1);
      });

      it('lists requests newest first, filtered by kind, states, people, creation time and limit', async () => {
        const store = await openStore();
        const r1 = aSessionRequest({ createdAt: at(0), createdBy: anna, state: 'open' });
        const r2 = aSessionRequest({ createdAt: at(60), createdBy: ben, assignee: anna, state: 'waiting' });
        const r3 = aSessionRequest({ createdAt: at(120), createdBy: ben, assignee: carl, state: 'closed' });
        const r4 = aSessionRequest({ createdAt: at(180), createdBy: carl, state: 'expired', queueId: 'queue-9' });
        const r5 = aSessionRequest({ createdAt: at(240), createdBy: anna, assignee: ben, state: 'connected' });
        for (const request of [r3, r1, r5, r2, r4]) await store.commit(creation(request));
        const ids = async (filter: Parameters<Store['listRequests']>[0]): Promise<string[]> =>
          (await store.listRequests(filter)).map((request) => request.id);

        expect(await store.listRequests({})).toEqual([r5, r4, r3, r2, r1]);
        expect(await ids({ kind: 'session' })).toEqual([r5.id, r4.id, r3.id, r2.id, r1.id]);
        expect(await ids({ kind: 'lockbox' })).toEqual([]);
        expect(await ids({ states: ['open', 'waiting'] })).toEqual([r2.id, r1.id]);
        expect(await ids({ states: [] })).toEqual([]);
        expect(await ids({ involving: anna.aadObjectId })).toEqual([r5.id, r2.id, r1.id]);
        expect(await ids({ assignee: carl.aadObjectId })).toEqual([r3.id]);
        expect(await ids({ queueId: 'queue-9' })).toEqual([r4.id]);
        expect(await ids({ from: at(60), to: at(180) })).toEqual([r3.id, r2.id]);
        expect(await ids({ limit: 2 })).toEqual([r5.id, r4.id]);
        expect(await ids({ involving: ben.aadObjectId, states: ['waiting', 'closed', 'connected'], limit: 10 })).toEqual([
          r5.id,
          r3.id,
          r2.id,
        ]);
        // One kind in several states with a page size: read state by state and merged, newest first across the states.
        expect(await ids({ kind: 'session', states: ['open', 'closed', 'connected'], limit: 2 })).toEqual([r5.id, r3.id]);
        expect(await ids({ kind: 'session', states: ['waiting', 'open', 'expired'], limit: 10 })).toEqual([r4.id, r2.id, r1.id]);
        expect(await ids({ kind: 'session', states: ['waiting', 'open'], involving: anna.aadObjectId, limit: 1 })).toEqual([r2.id]);
        expect(await ids({ kind: 'lockbox', states: ['waiting', 'open'], limit: 5 })).toEqual([]);
      });

      it('lists the requests of any of several people (a scoped API key reads only those), before the limit', async () => {
        const store = await openStore();
        const r1 = aSessionRequest({ createdAt: at(0), createdBy: anna, state: 'open' });
        const r2 = aSessionRequest({ createdAt: at(60), createdBy: ben, assignee: carl, state: 'waiting' });
        const r3 = aSessionRequest({ createdAt: at(120), createdBy: ben, state: 'closed' });
        const r4 = aSessionRequest({ createdAt: at(180), createdBy: carl, state: 'open' });
        const lockbox = aLockboxRequest({ createdAt: at(240), requester: { aadObjectId: 'engineer-erin', name: 'Erin' } });
        for (const request of [r1, r2, r3, r4]) await store.commit(creation(request));
        await store.commit(lockboxCreation(lockbox));
        const ids = async (filter: Parameters<Store['listRequests']>[0]): Promise<string[]> =>
          (await store.listRequests(filter)).map((request) => request.id);

        expect(await ids({ involvingAnyOf: [carl.aadObjectId] })).toEqual([r4.id, r2.id]);
        expect(await ids({ involvingAnyOf: [anna.aadObjectId, 'engineer-erin'] })).toEqual([lockbox.id, r1.id]);
        expect(await ids({ involvingAnyOf: [carl.aadObjectId, anna.aadObjectId], limit: 2 })).toEqual([r4.id, r2.id]);
        expect(await ids({ involvingAnyOf: [carl.aadObjectId], states: ['waiting'] })).toEqual([r2.id]);
        expect(await ids({ involvingAnyOf: [] })).toEqual([]);
      });

      it('pages by keyset (created_at, id): pages join up without gaps or repeats, also between rows of the same time', async () => {
        const store = await openStore();
        const requests = [0, 0, 0, 60, 60, 120, 180].map((minutes, index) =>
          aSessionRequest({ id: `page-${index}`, createdAt: at(minutes), createdBy: anna, state: index % 2 === 0 ? 'open' : 'closed' }),
        );
        for (const request of requests) await store.commit(creation(request));
        const all = (await store.listRequests({})).map((request) => request.id);
        expect(all).toEqual(['page-6', 'page-5', 'page-4', 'page-3', 'page-2', 'page-1', 'page-0']);
        const walked: string[] = [];
        let before: { createdAt: Date; id: string } | undefined;
        for (;;) {
          const page = await store.listRequests({ limit: 2, ...(before ? { before } : {}) });
          if (page.length === 0) break;
          walked.push(...page.map((request) => request.id));
          const last = page[page.length - 1];
          before = { createdAt: last.createdAt, id: last.id };
        }
        expect(walked).toEqual(all);
        const open = await store.listRequests({ states: ['open'], before: { createdAt: at(60), id: 'page-4' } });
        expect(open.map((request) => request.id)).toEqual(['page-2', 'page-0']);
      });

      it('finds requests by the words of a search (names, customer, resource, ticket; every word), never after erasure', async () => {
        const store = await openStore();
        const session = aSessionRequest({ createdAt: at(0), createdBy: anna, recipient: { name: 'Chris Customer', email: 'chris@contoso.example' }, comments: 'Printer 100% broken' });
        const lockbox = aLockboxRequest({ createdAt: at(60), resource: 'Fabrikam SharePoint site', ticket: 'INC-0815' });
        await store.commit(creation(session));
        await store.commit(lockboxCreation(lockbox));
        const ids = async (search: string): Promise<string[]> => (await store.listRequests({ search })).map((request) => request.id);

        expect(await ids('chris')).toEqual([session.id]);
        expect(await ids('CONTOSO.example')).toEqual([session.id]);
        expect(await ids('sharepoint inc-0815')).toEqual([lockbox.id]);
        expect(await ids('sharepoint chris')).toEqual([]);
        expect(await ids('erin')).toEqual([lockbox.id]);
        expect(await ids('100%')).toEqual([session.id]);
        expect(await ids('10_%')).toEqual([]);
        expect(await ids(lockbox.id)).toEqual([lockbox.id]);

        await store.erasePersonalData(session.id, byAdmin());
        expect(await ids('chris')).toEqual([]);
        // A change after the erasure does not bring the erased names back into the search.
        const { change } = transition(session, { state: 'closed' });
        await store.commit(change);
        expect(await ids('chris')).toEqual([]);
      });

      it('lists only what a viewer may see: their own, their queues’, whole kinds; with the other filters', async () => {
        const store = await openStore();
        const mine = aSessionRequest({ createdAt: at(0), createdBy: anna, state: 'open' });
        const assignedToMe = aSessionRequest({ createdAt: at(10), createdBy: ben, assignee: anna, state: 'waiting' });
        const inMyQueue = aSessionRequest({ createdAt: at(20), createdBy: ben, queueId: 'queue-1', state: 'open' });
        const elsewhere = aSessionRequest({ createdAt: at(30), createdBy: ben, queueId: 'queue-2', state: 'open' });
        const lockbox = aLockboxRequest({ createdAt: at(40) });
        for (const request of [mine, assignedToMe, inMyQueue, elsewhere]) await store.commit(creation(request));
        await store.commit(lockboxCreation(lockbox));
        const ids = async (filter: Parameters<Store['listRequests']>[0]): Promise<string[]> =>
          (await store.listRequests(filter)).map((request) => request.id);
        const agent = { people: [anna.aadObjectId], queueIds: ['queue-1'], kinds: [] };

        expect(await ids({ visibleTo: agent })).toEqual([inMyQueue.id, assignedToMe.id, mine.id]);
        expect(await ids({ visibleTo: { people: [anna.aadObjectId], queueIds: [], kinds: ['lockbox'] } })).toEqual([lockbox.id, assignedToMe.id, mine.id]);
        expect(await ids({ visibleTo: agent, states: ['open'] })).toEqual([inMyQueue.id, mine.id]);
        expect(await ids({ visibleTo: agent, involving: ben.aadObjectId })).toEqual([inMyQueue.id, assignedToMe.id]);
        expect(await ids({ visibleTo: agent, limit: 1, before: { createdAt: inMyQueue.createdAt, id: inMyQueue.id } })).toEqual([assignedToMe.id]);
        expect(await ids({ visibleTo: { people: [], queueIds: [], kinds: [] } })).toEqual([]);
      });
    });

    describe('outbox', () => {
      it('makes messages due from the change, claims each once in order, and again when the lease runs out', async () => {
        const store = await openStore();
        const request = aSessionRequest({ updatedAt: T0 });
        const messages: OutboxMessage[] = [
          { type: 'card.post', requestId: request.id, target: { role: 'queue', queueId: 'queue-1' } },
          { type: 'meeting.create', requestId: request.id, generation: 1 },
          mailTo(request),
        ];
        await store.commit(creation(request, { outbox: messages }));
        expect(await store.pendingOutboxCount()).toBe(3);

        expect(await store.claimOutbox(at(-1), 10, MINUTE)).toEqual([]);
        const firstTwo = await store.claimOutbox(T0, 2, MINUTE);
        expect(firstTwo.map((item) => item.message)).toEqual(messages.slice(0, 2));
        expect(firstTwo.map((item) => item.attempts)).toEqual([1, 1]);
        expect(firstTwo[0].id).toBeLessThan(firstTwo[1].id);
        expect(firstTwo[0].createdAt).toEqual(T0);
        const third = await store.claimOutbox(at(0.5), 10, MINUTE);
        expect(third.map((item) => item.message)).toEqual([messages[2]]);
        expect(await store.claimOutbox(at(1), 10, MINUTE)).toEqual([]);

        const again = await store.claimOutbox(at(2), 10, MINUTE);
        expect(again.map((item) => [item.id, item.attempts])).toEqual(
          [...firstTwo, ...third].map((item) => [item.id, 2]),
        );
        expect(await store.pendingOutboxCount()).toBe(3);
      });

      it('delivers each message to only one of two instances claiming at once', async () => {
        const first = await openStore();
        const second = await openStore(first);
        for (let index = 0; index < 5; index += 1) {
          const request = aSessionRequest();
          const outbox = Array.from({ length: 10 }, (_, version) => cardUpdate({ ...request, version }));
          await first.commit(creation(request, { outbox }));
        }
        const [byFirst, bySecond] = await Promise.all([claimAll(first, T0, 3), claimAll(second, T0, 3)]);
        const ids = [...byFirst, ...bySecond].map((item) => item.id);
        expect(ids).toHaveLength(50);
        expect(new Set(ids).size).toBe(50);
      });

      it('retries a message no earlier than its next attempt, even while the failed claim is still leased', async () => {
        const store = await openStore();
        const request = aSessionRequest({ updatedAt: T0 });
        await store.commit(creation(request));
        const [item] = await store.claimOutbox(T0, 10, 60 * MINUTE);
        await store.retryOutbox(item.id, at(10), 'Graph 503');

        expect(await store.claimOutbox(at(9), 10, MINUTE)).toEqual([]);
        expect(await store.pendingOutboxCount()).toBe(1);
        const retried = await store.claimOutbox(at(10), 10, MINUTE);
        expect(retried).toEqual([{ ...item, attempts: 2 }]);
      });

      it('completes messages and scrubs a handed-over mail', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        const mail = mailTo(request);
        await store.commit(creation(request, { outbox: [mail, cardUpdate(request)] }));
        const [mailItem, cardItem] = await store.claimOutbox(T0, 10, MINUTE);
        await store.completeOutbox(mailItem.id);
        await store.completeOutbox(cardItem.id);

        expect(await store.pendingOutboxCount()).toBe(0);
        expect(await store.claimOutbox(FAR_FUTURE, 10, MINUTE)).toEqual([]);
        const mailRow = await inspect.outboxRow(store, mailItem.id);
        expect(mailRow.status).toBe('done');
        expect(mailRow.payload).toEqual({ type: 'mail.send', requestId: request.id, scrubbed: true });
        expect(JSON.stringify(mailRow.payload)).not.toContain('one-time-code');
        const cardRow = await inspect.outboxRow(store, cardItem.id);
        expect(cardRow).toEqual({ status: 'done', payload: cardUpdate(request), lastError: null });
      });

      it('reports its health: backlog, age of the oldest waiting row, and rows given up by type', async () => {
        const store = await openStore();
        expect(await store.outboxHealth(T0)).toEqual({ pending: 0, oldestPendingSeconds: 0, failedByType: {} });
        const request = aSessionRequest({ updatedAt: T0 });
        await store.commit(creation(request, { outbox: [mailTo(request), cardUpdate(request)] }));
        const [mailItem] = await store.claimOutbox(T0, 1, MINUTE);
        await store.failOutbox(mailItem.id, 'GRAPH.FORBIDDEN');

        expect(await store.outboxHealth(at(10))).toEqual({
          pending: 1,
          oldestPendingSeconds: 600,
          failedByType: { 'mail.send': 1 },
        });
      });

      it('gives up on a message for good, scrubbing a mail', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        await store.commit(creation(request, { outbox: [mailTo(request)] }));
        const [item] = await store.claimOutbox(T0, 10, MINUTE);
        await store.failOutbox(item.id, 'GRAPH.FORBIDDEN');

        expect(await store.pendingOutboxCount()).toBe(0);
        expect(await store.claimOutbox(FAR_FUTURE, 10, MINUTE)).toEqual([]);
        expect(await inspect.outboxRow(store, item.id)).toEqual({
          status: 'failed',
          payload: { type: 'mail.send', requestId: request.id, scrubbed: true },
          lastError: 'GRAPH.FORBIDDEN',
        });
      });

      it('defers a throttled message without spending its attempt, keeping the last real error', async () => {
        const store = await openStore();
        const request = aSessionRequest({ updatedAt: T0 });
        await store.commit(creation(request));
        const [item] = await store.claimOutbox(T0, 10, 60 * MINUTE);
        await store.retryOutbox(item.id, at(1), 'Bot Connector answered 503');
        const [again] = await store.claimOutbox(at(1), 10, 60 * MINUTE);
        expect(again.attempts).toBe(2);
        // Throttled twice: each claim is given back, so the count stays at the one real failure plus this claim.
        for (const minute of [2, 3]) {
          await store.deferOutbox(again.id, at(minute));
          expect(await store.claimOutbox(at(minute - 0.5), 10, MINUTE)).toEqual([]);
          const [deferred] = await store.claimOutbox(at(minute), 10, MINUTE);
          expect(deferred).toEqual({ ...item, attempts: 2 });
        }
        expect((await inspect.outboxRow(store, item.id)).lastError).toBe('Bot Connector answered 503');
      });

      it('claims only the message types asked for, leaving the others due', async () => {
        const store = await openStore();
        const lockbox = aLockboxRequest();
        const messages: OutboxMessage[] = [
          { type: 'card.update', requestId: lockbox.id, version: 1 },
          { type: 'access.grant', requestId: lockbox.id },
          { type: 'webhook', requestId: lockbox.id, url: 'https://hooks.example/doorman', body: '{}' },
        ];
        await store.commit(lockboxCreation(lockbox, { outbox: messages }));
        const access = await store.claimOutbox(FAR_FUTURE, 10, MINUTE, ['access.grant', 'access.revoke']);
        expect(access.map((item) => item.message)).toEqual([messages[1]]);
        const rest = await store.claimOutbox(FAR_FUTURE, 10, MINUTE);
        expect(rest.map((item) => item.message)).toEqual([messages[0], messages[2]]);
      });

      it('lists the messages given up, newest first, with the request and the reason', async () => {
        const store = await openStore();
        expect(await store.failedOutbox(5)).toEqual([]);
        const request = aSessionRequest();
        await store.commit(creation(request, { outbox: [mailTo(request), cardUpdate(request), cardUpdate(request)] }));
        const [mailItem, cardItem] = await store.claimOutbox(T0, 2, MINUTE);
        await store.failOutbox(mailItem.id, 'GraphUnavailableError: Graph sendMail unavailable (HTTP 503)');
        await store.failOutbox(cardItem.id, 'Error: the person has no personal chat with Doorman yet');

        const failed = await store.failedOutbox(5);
        expect(failed.map(({ failedAt, ...rest }) => rest)).toEqual([
          { id: cardItem.id, type: 'card.update', requestId: request.id, attempts: 1, error: 'Error: the person has no personal chat with Doorman yet' },
          { id: mailItem.id, type: 'mail.send', requestId: request.id, attempts: 1, error: 'GraphUnavailableError: Graph sendMail unavailable (HTTP 503)' },
        ]);
        expect(failed[0].failedAt).toBeInstanceOf(Date);
        expect(await store.failedOutbox(1)).toHaveLength(1);
      });
    });

    describe('age', () => {
      it('prunes delivered rows older than asked, a chunk at a time, and never a pending or given-up row', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        await store.commit(creation(request, { outbox: [cardUpdate(request), cardUpdate(request), mailTo(request)] }));
        const [first, second, third] = await store.claimOutbox(T0, 3, MINUTE);
        await store.completeOutbox(first.id);
        await store.completeOutbox(second.id);
        await store.failOutbox(third.id, 'PermanentError: no such mailbox');
        await store.commit(transition(request, { state: 'waiting' }, { outbox: [cardUpdate(request)] }).change);

        // Completion times come from the database clock: rows delivered just now are not older than an hour ago.
        expect(await store.pruneOutbox(new Date(Date.now() - 3_600_000), 100)).toBe(0);
        expect(await store.pruneOutbox(FAR_FUTURE, 1)).toBe(1);
        expect(await store.pruneOutbox(FAR_FUTURE, 100)).toBe(1);
        expect(await store.pruneOutbox(FAR_FUTURE, 100)).toBe(0);
        expect(await store.pendingOutboxCount()).toBe(1);
        expect((await store.failedOutbox(10)).map((row) => row.id)).toEqual([third.id]);
      });

      it('commits many changes in one call, each on its own: a loser writes nothing and stops nobody', async () => {
        const store = await openStore();
        const kept = aSessionRequest();
        const lost = aSessionRequest();
        await store.commit(creation(kept));
        await store.commit(creation(lost));
        await store.commit(transition(lost, { state: 'closed' }).change);
        const fresh = aSessionRequest();
        await store.claimOutbox(FAR_FUTURE, 100, MINUTE);

        const results = await store.commitAll([
          transition(kept, { state: 'waiting' }, { outbox: [cardUpdate(kept)] }).change,
          transition(lost, { state: 'waiting' }, { outbox: [cardUpdate(lost)] }).change,
          creation(fresh),
        ]);

        expect(results.map((result) => (result === null ? null : isDoormanError(result, 'REQUEST.STALE_VERSION') ? 'stale' : String(result)))).toEqual([null, 'stale', null]);
        expect((await store.getRequest(kept.id))?.state).toBe('waiting');
        expect((await store.getRequest(lost.id))?.state).toBe('closed');
        expect(await store.getRequest(fresh.id)).not.toBeNull();
        const queued = (await store.claimOutbox(FAR_FUTURE, 100, MINUTE)).map((item) => item.message.requestId);
        expect(queued).toContain(kept.id);
        expect(queued).not.toContain(lost.id);
        expect((await store.eventsOf(lost.id)).map((event) => event.toState)).not.toContain('waiting');
        expect(await store.commitAll([])).toEqual([]);
      });

      it('commits many plain updates in one call exactly as one commit each would: request, personal data, events, deadlines, outbox', async () => {
        const store = await openStore();
        const requests = [aSessionRequest({ customerName: null }), aSessionRequest({ customerName: null }), aSessionRequest({ customerName: null })];
        for (const request of requests) await store.commit(creation(request));
        await store.claimOutbox(FAR_FUTURE, 100, MINUTE);
        await store.claimDeadlines(FAR_FUTURE, 100, MINUTE);
        const changes = requests.map((request, i) =>
          transition(request, { state: 'waiting', customerName: `Customer ${i}`, expiresAt: at(500 + i) }, { outbox: [cardUpdate(request), mailTo(request)] }),
        );
        // The same request twice, read at the same version: the second loses like any other racer.
        const twice = transition(requests[0], { state: 'closed' });

        const results = await store.commitAll([...changes.map(({ change }) => change), twice.change]);

        expect(results.map((result) => (result === null ? null : isDoormanError(result, 'REQUEST.STALE_VERSION') ? 'stale' : String(result)))).toEqual([null, null, null, 'stale']);
        for (const { next, change } of changes) {
          expect(await store.getRequest(next.id)).toEqual(next);
          const events = await store.eventsOf(next.id);
          expect(events).toHaveLength(2);
          expect(events[1]).toEqual(change.events[0]);
        }
        const deadlines = await store.claimDeadlines(FAR_FUTURE, 100, MINUTE);
        expect(deadlines.map((deadline) => [deadline.requestId, deadline.dueAt.getTime()]).sort()).toEqual(changes.map(({ next }) => [next.id, next.expiresAt.getTime()]).sort());
        const outbox = (await store.claimOutbox(FAR_FUTURE, 100, MINUTE)).map((item) => item.message);
        expect(outbox).toEqual(changes.flatMap(({ change }) => change.outbox));
      });

      it('writes state moves set-wise as one commit each would, and refuses a row no longer in a state the move is legal in', async () => {
        const store = await openStore();
        const expire = stateMoveOf('session', SESSION_TRANSITIONS, 'expire');
        const requests = [
          aSessionRequest({ state: 'open' }),
          aSessionRequest({ state: 'waiting', customerName: 'Chris', comments: 'kept as it is' }),
          aSessionRequest({ state: 'ready', customerName: 'Robin', meeting: { provider: 'local', status: 'ready', joinUrl: null, meetingId: null, problem: null } }),
        ];
        for (const request of requests) await store.commit(creation(request));
        // Closed at version 2, and a move decided on that version (as a wrong read would): the state guard refuses it.
        const closedUnderneath = aSessionRequest({ state: 'waiting' });
        await store.commit(creation(closedUnderneath));
        await store.commit({ ...transition(closedUnderneath, { state: 'closed', closedReason: 'denied' }).change, expectedVersion: 1 });
        const moves = [...requests, { ...closedUnderneath, version: 2 }].map((request) =>
          transition(request, { state: 'expired', updatedAt: at(600) }, { outbox: [cardUpdate(request)], deadlines: [], move: expire }),
        );
        const other = aSessionRequest();
        await store.commit(creation(other));
        const plain = transition(other, { state: 'waiting' });
        await store.claimOutbox(FAR_FUTURE, 100, MINUTE);

        const results = await store.commitAll([...moves.map(({ change }) => change), plain.change]);

        expect(results.map((result) => (result === null ? null : isDoormanError(result, 'REQUEST.STALE_VERSION') ? 'stale' : String(result)))).toEqual([null, null, null, 'stale', null]);
        for (const { next, change } of moves.slice(0, 3)) {
          expect(await store.getRequest(next.id)).toEqual(next);
          expect(await inspect.requestData(store, next.id)).toMatchObject({ state: 'expired', version: 2, updatedAt: at(600).toISOString() });
          expect((await store.eventsOf(next.id)).slice(1)).toEqual(change.events);
        }
        expect(await store.getRequest(closedUnderneath.id)).toMatchObject({ state: 'closed', version: 2 });
        expect((await store.eventsOf(closedUnderneath.id)).map((event) => event.toState)).not.toContain('expired');
        expect((await store.listRequests({ kind: 'session', states: ['expired'] })).map((request) => request.id).sort()).toEqual(requests.map((request) => request.id).sort());
        const outbox = (await store.claimOutbox(FAR_FUTURE, 100, MINUTE)).map((item) => item.message.requestId);
        expect(outbox.sort()).toEqual([...requests.map((request) => request.id), plain.next.id].sort());
        const deadlines = (await store.claimDeadlines(FAR_FUTURE, 100, MINUTE)).map((deadline) => deadline.requestId);
        expect(deadlines).toEqual(expect.not.arrayContaining(requests.map((request) => request.id)));
        expect(deadlines).toEqual(expect.arrayContaining([closedUnderneath.id, other.id]));
      });

      it('reads many requests by id at once, personal data included, skipping ids it does not hold', async () => {
        const store = await openStore();
        const first = aSessionRequest({ customerName: 'Chris' });
        const second = aSessionRequest();
        await store.commit(creation(first));
        await store.commit(creation(second));

        const read = await store.getRequests([second.id, 'no-such-request', first.id]);

        expect([...read].sort((a, b) => a.id.localeCompare(b.id))).toEqual([first, second].sort((a, b) => a.id.localeCompare(b.id)));
        expect(await store.getRequests([])).toEqual([]);
      });

      it('feeds the requests changed after an instant, oldest change first, up to a limit', async () => {
        const store = await openStore();
        const early = aSessionRequest({ createdAt: at(1), updatedAt: at(1) });
        const late = aSessionRequest({ createdAt: at(2), updatedAt: at(2) });
        await store.commit(creation(late));
        await store.commit(creation(early));
        await store.commit(transition(early, { state: 'waiting', updatedAt: at(3) }).change);

        expect(await store.changedSince(at(0), 10)).toEqual([
          { id: late.id, updatedAt: at(2) },
          { id: early.id, updatedAt: at(3) },
        ]);
        expect(await store.changedSince(at(2), 10)).toEqual([{ id: early.id, updatedAt: at(3) }]);
        expect(await store.changedSince(at(0), 1)).toEqual([{ id: late.id, updatedAt: at(2) }]);
        expect(await store.changedSince(at(3), 10)).toEqual([]);
      });

      it('feeds on from a cursor inside rows that share their updatedAt (one set-wise update), by id, none twice or left out', async () => {
        const store = await openStore();
        const together = [0, 1, 2, 3, 4].map(() => aSessionRequest({ createdAt: at(1), updatedAt: at(1) }));
        const later = aSessionRequest({ createdAt: at(2), updatedAt: at(2) });
        for (const request of [...together, later]) await store.commit(creation(request));
        const ids = together.map((request) => request.id).sort();

        const first = await store.changedSince(at(0), 2);
        expect(first.map((row) => row.id)).toEqual(ids.slice(0, 2));
        const second = await store.changedSince(at(1), 2, first[1].id);
        expect(second.map((row) => row.id)).toEqual(ids.slice(2, 4));
        const third = await store.changedSince(at(1), 10, second[1].id);
        expect(third).toEqual([{ id: ids[4], updatedAt: at(1) }, { id: later.id, updatedAt: at(2) }]);
        // An empty id: every row changed at the instant itself, and after it.
        expect((await store.changedSince(at(1), 10, '')).map((row) => row.id)).toEqual([...ids, later.id]);
      });

      it('deletes one claimed deadline row that has nothing left to do, and only that one', async () => {
        const store = await openStore();
        const moot = aSessionRequest({ expiresAt: at(10) });
        const other = aSessionRequest({ expiresAt: at(10) });
        await store.commit(creation(moot));
        await store.commit(creation(other));
        const claimed = await store.claimDeadlines(at(10), 10, MINUTE);
        const mootRow = claimed.find((deadline) => deadline.requestId === moot.id);
        if (!mootRow) throw new Error('moot deadline not claimed');

        await store.deleteDeadline(mootRow);

        expect((await store.claimDeadlines(at(20), 10, MINUTE)).map((deadline) => deadline.requestId)).toEqual([other.id]);
      });
    });

    describe('deadlines', () => {
      it('claims a due deadline once per lease and drops it with the change it causes', async () => {
        const first = await openStore();
        const second = await openStore(first);
        const request = aSessionRequest({ expiresAt: at(60) });
        await first.commit(creation(request));
        const deadline = { requestId: request.id, kind: 'expire', dueAt: at(60) };

        expect(await first.claimDeadlines(at(59), 10, MINUTE)).toEqual([]);
        expect(await first.claimDeadlines(at(60), 10, MINUTE)).toEqual([deadline]);
        expect(await second.claimDeadlines(at(60.5), 10, MINUTE)).toEqual([]);
        // A sweeper that died holding the claim: another instance takes over once the lease runs out.
        expect(await second.claimDeadlines(at(62), 10, MINUTE)).toEqual([deadline]);

        const expired = transition(request, { state: 'expired' }, { deadlines: [] });
        await second.commit(expired.change);
        expect(await first.claimDeadlines(FAR_FUTURE, 10, MINUTE)).toEqual([]);
      });

      it("replaces a request's deadlines with those of the change", async () => {
        const store = await openStore();
        const request = aSessionRequest({ expiresAt: at(60) });
        await store.commit(creation(request));
        const extended = transition(request, { expiresAt: at(120) });
        await store.commit(extended.change);

        expect(await store.claimDeadlines(at(90), 10, MINUTE)).toEqual([]);
        expect(await store.claimDeadlines(at(120), 10, MINUTE)).toEqual([
          { requestId: request.id, kind: 'expire', dueAt: at(120) },
        ]);
      });

      it('claims the earliest deadlines first, up to the limit', async () => {
        const store = await openStore();
        const late = aSessionRequest({ expiresAt: at(30) });
        const early = aSessionRequest({ expiresAt: at(10) });
        const middle = aSessionRequest({ expiresAt: at(20) });
        for (const request of [late, early, middle]) await store.commit(creation(request));

        const claimed = await store.claimDeadlines(at(40), 2, MINUTE);
        expect(claimed.map((deadline) => deadline.requestId)).toEqual([early.id, middle.id]);
      });
    });

    describe('personal data', () => {
      it('erases names, addresses and comments to a pseudonym, keeps the audit trail with the erasure in it, and drops mail not yet sent', async () => {
        const store = await openStore();
        const request = aSessionRequest({ customerName: 'Chris C.', comments: 'Chris from Contoso, printer on floor 3' });
        await store.commit(creation(request, { outbox: [cardUpdate(request), mailTo(request)] }));
        const waiting = transition(request, { state: 'waiting', assignee: ben });
        await store.commit({ ...waiting.change, events: [{ ...eventOf(waiting.next, 'arrive', 'open'), reason: 'Chris C. arrived' }] });
        const eventsBefore = await store.eventsOf(request.id);

        expect(await store.erasePersonalData(request.id, byAdmin())).toBe(true);

        const erased = await store.getRequest(request.id);
        expect(erased).toEqual({
          ...waiting.next,
          recipient: { name: PSEUDONYM, email: null },
          customerName: null,
          comments: '(erased)',
          createdBy: { ...waiting.next.createdBy, name: PSEUDONYM },
          assignee: { ...ben, name: PSEUDONYM },
          erasedAs: PSEUDONYM,
        });
        expect(await store.findSessionByLinkHash(request.linkHash)).toEqual(erased);
        expect(await store.eventsOf(request.id)).toEqual([...withReasonsErased(eventsBefore), erasureEvent(waiting.next)]);
        expect(JSON.stringify(await inspect.requestData(store, request.id))).not.toMatch(/Chris|Contoso|Anna|Ben/);
        expect(await inspect.personalData(store, request.id)).toBeNull();
        const left = await store.claimOutbox(FAR_FUTURE, 10, MINUTE);
        // The mail is dropped; the cards are drawn again from the erased request.
        expect(left.map((item) => item.message)).toEqual([cardUpdate(request), cardUpdate(waiting.next), cardUpdate(waiting.next)]);
        expect(await store.pendingOutboxCount()).toBe(3);
      });

      it('keeps personal data erased when a change decided before the erasure commits', async () => {
        const store = await openStore();
        const request = aSessionRequest({ customerName: 'Chris C.' });
        await store.commit(creation(request));
        const decidedBefore = transition(request, { state: 'waiting' });
        await store.erasePersonalData(request.id, byAdmin());
        await store.commit(decidedBefore.change);

        const loaded = (await store.getRequest(request.id)) as SessionRequest | null;
        expect(loaded?.state).toBe('waiting');
        expect(loaded?.recipient).toEqual({ name: PSEUDONYM, email: null });
        expect(loaded?.comments).toBe('(erased)');
        expect(loaded?.customerName).toBeNull();
        expect(await inspect.personalData(store, request.id)).toBeNull();
      });

      it('stores an invitation under its parent (listed by kind and parent), and erases its names and summary', async () => {
        const store = await openStore();
        const parent = aSessionRequest({ state: 'connected' });
        await store.commit(creation(parent));
        const invitation = { ...invitationIn('pending'), id: `inv-${parent.id}`, parentId: parent.id, version: 1 };
        const other = { ...invitationIn('accepted'), id: `inv-other-${parent.id}`, parentId: 'another-session', version: 1 };
        for (const request of [invitation, other]) {
          await store.commit({
            request,
            expectedVersion: null,
            events: [{ requestId: request.id, kind: 'invitation', action: 'create', fromState: null, toState: request.state, actorId: 'alex', actorType: 'person', source: 'card', reason: null, at: request.createdAt, version: 1 }],
            outbox: [{ type: 'participant.set', requestId: request.id, version: 1 }],
            deadlines: [{ requestId: request.id, kind: 'expire', dueAt: request.answerBy }],
          });
        }
        expect(await store.getRequest(invitation.id)).toEqual(invitation);
        expect((await store.listRequests({ kind: 'invitation', queueId: parent.id })).map((request) => request.id)).toEqual([invitation.id]);
        await store.erasePersonalData(invitation.id, byAdmin());
        expect(await store.getRequest(invitation.id)).toEqual({ ...invitation, inviter: { ...invitation.inviter, name: PSEUDONYM }, invitee: { ...invitation.invitee, name: PSEUDONYM }, summary: '(erased)', erasedAs: PSEUDONYM });
      });

      it('refuses to erase a request it does not hold', async () => {
        const store = await openStore();
        const error = await store.erasePersonalData('no-such-request', byAdmin()).then(
          () => null,
          (reason: unknown) => reason,
        );
        expect(isDoormanError(error, 'REQUEST.NOT_FOUND')).toBe(true);
      });

      it('erases once: a second erasure (a double click, retention after an admin) writes nothing', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        await store.commit(creation(request));
        expect(await store.erasePersonalData(request.id, byAdmin(500))).toBe(true);
        expect(await store.erasePersonalData(request.id, { ...byAdmin(600), pseudonym: 'Person OTHER' })).toBe(false);
        expect((await store.eventsOf(request.id)).map((event) => event.action)).toEqual(['create', 'erase']);
        expect((await store.getRequest(request.id))?.erasedAs).toBe(PSEUDONYM);
      });

      it("finds every request of a person: a Teams user's by object id, a customer's sessions by e-mail in any case", async () => {
        const store = await openStore();
        const mine = aSessionRequest({ createdBy: anna, recipient: { name: 'Chris', email: 'Chris@Contoso.com' } });
        const assigned = aSessionRequest({ createdBy: ben, assignee: anna, recipient: { name: 'Dana', email: 'dana@fabrikam.com' } });
        const others = aSessionRequest({ createdBy: ben, recipient: { name: 'Chris', email: 'chris@contoso.com' } });
        for (const request of [mine, assigned, others]) await store.commit(creation(request));

        expect((await store.requestIdsOfPerson({ objectId: anna.aadObjectId })).sort()).toEqual([mine.id, assigned.id].sort());
        expect((await store.requestIdsOfPerson({ email: 'chris@CONTOSO.com' })).sort()).toEqual([mine.id, others.id].sort());
        await store.erasePersonalData(others.id, byAdmin());
        expect(await store.requestIdsOfPerson({ email: 'chris@contoso.com' })).toEqual([mine.id]);
        expect(await store.requestIdsOfPerson({ objectId: 'nobody' })).toEqual([]);
      });

      it('lists requests that ended before a time, in the states named per kind, not yet erased, oldest first, up to a limit', async () => {
        const store = await openStore();
        const closedEarly = aSessionRequest({ state: 'closed', updatedAt: at(10) });
        const closedLate = aSessionRequest({ state: 'closed', updatedAt: at(200) });
        const expired = aSessionRequest({ state: 'expired', updatedAt: at(20) });
        const open = aSessionRequest({ state: 'open', updatedAt: at(5) });
        const erased = aSessionRequest({ state: 'closed', updatedAt: at(1) });
        const lockbox = { ...aLockboxRequest(), state: 'denied' as const, updatedAt: at(30) };
        for (const request of [closedEarly, closedLate, expired, open, erased]) await store.commit(creation(request));
        await store.commit(lockboxCreation(lockbox));
        await store.erasePersonalData(erased.id, byAdmin());

        const ended = { session: ['closed', 'expired'], lockbox: ['denied'] };
        expect(await store.requestsEndedBefore(ended, at(100), 10)).toEqual([closedEarly.id, expired.id, lockbox.id]);
        expect(await store.requestsEndedBefore(ended, at(100), 2)).toEqual([closedEarly.id, expired.id]);
        expect(await store.requestsEndedBefore({ session: ['closed'] }, at(100), 10)).toEqual([closedEarly.id]);
        expect(await store.requestsEndedBefore({}, at(100), 10)).toEqual([]);
      });

      it("keeps an admin's erasure of a person until it is decided, compare-and-set on its version", async () => {
        const store = await openStore();
        const asked = {
          id: 'erasure-1',
          subject: { email: 'chris@contoso.com' },
          pseudonym: PSEUDONYM,
          state: 'pending' as const,
          version: 1,
          requestedBy: 'admin-ada',
          requestedAt: at(1),
          decidedBy: null,
          decidedAt: null,
          erasedRequests: null,
        };
        await store.saveErasureRequest(asked);
        expect(await store.getErasureRequest('erasure-1')).toEqual(asked);
        expect(await store.getErasureRequest('erasure-2')).toBeNull();

        const confirmed = { ...asked, state: 'confirmed' as const, version: 2, decidedBy: 'admin-ada', decidedAt: at(2) };
        expect(await store.updateErasureRequest(confirmed, 1)).toBe(true);
        expect(await store.updateErasureRequest({ ...confirmed, state: 'cancelled' }, 1)).toBe(false);
        expect(await store.unfinishedErasureRequests()).toEqual([confirmed]);

        const done = { ...confirmed, subject: null, state: 'done' as const, version: 3, erasedRequests: 2 };
        expect(await store.updateErasureRequest(done, 2)).toBe(true);
        expect(await store.getErasureRequest('erasure-1')).toEqual(done);
        expect(await store.unfinishedErasureRequests()).toEqual([]);
      });
    });

    describe('audit export', () => {
      it('pages through the events of a time range in order, none lost or repeated where pages split equal times', async () => {
        const store = await openStore();
        const requests = [aSessionRequest({ createdAt: at(0), updatedAt: at(0) }), aSessionRequest({ createdAt: at(0), updatedAt: at(0) })];
        for (const request of requests) await store.commit(creation(request));
        let previous = requests[0];
        for (let step = 1; step <= 4; step += 1) {
          // Two events per minute: pages of 3 split minutes.
          const next = transition(previous, { updatedAt: at(step) }, { events: [eventOf({ ...previous, updatedAt: at(step) }, `step${step}a`, 'open'), eventOf({ ...previous, updatedAt: at(step) }, `step${step}b`, 'open')] });
          await store.commit(next.change);
          previous = next.next;
        }
        const outside = transition(previous, { updatedAt: at(9) }, { events: [eventOf({ ...previous, updatedAt: at(9) }, 'late', 'open')] });
        await store.commit(outside.change);

        const range = { from: at(0), to: at(5) };
        const pages: string[][] = [];
        let cursor: string | null = null;
        do {
          const page: { events: AuditEvent[]; next: string | null } = await store.auditEventsPage(range, cursor, 3);
          expect(page.events.length).toBeLessThanOrEqual(3);
          pages.push(page.events.map((event) => event.action));
          cursor = page.next;
        } while (cursor !== null);

        expect(pages.flat()).toEqual(['create', 'create', 'step1a', 'step1b', 'step2a', 'step2b', 'step3a', 'step3b', 'step4a', 'step4b']);
        expect(pages.length).toBe(4);
        expect((await store.auditEventsPage({ from: at(1), to: at(2) }, null, 10)).events.map((event) => event.action)).toEqual(['step1a', 'step1b']);
        expect(await store.auditEventsPage({ from: at(20), to: at(30) }, null, 10)).toEqual({ events: [], next: null });
      });
    });

    describe('cards, queues and conversations', () => {
      it('keeps one card per request, role and conversation', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        const queueCard = {
          requestId: request.id,
          role: 'queue' as const,
          conversationId: '19:queue@thread.tacv2',
          activityId: 'activity-1',
          serviceUrl: 'https://smba.example/emea/',
          threadId: '19:queue@thread.tacv2;messageid=1',
        };
        const agentCard = { ...queueCard, role: 'agent' as const, conversationId: 'a:personal', threadId: null };
        await store.commit(creation(request, { cardActivities: [queueCard] }));
        await store.saveCardActivity(agentCard);
        await store.saveCardActivity({ ...queueCard, activityId: 'activity-2' });

        expect(await store.cardActivitiesOf(request.id)).toEqual([{ ...queueCard, activityId: 'activity-2' }, agentCard]);
        expect(await store.cardActivitiesOf('no-such-request')).toEqual([]);
      });

      it('moves a card to its new role: one card (conversation + activity) is never recorded under two roles', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        const agentCard = {
          requestId: request.id,
          role: 'agent' as const,
          conversationId: 'a:personal',
          activityId: 'activity-1',
          serviceUrl: 'https://smba.example/emea/',
          threadId: null,
        };
        const firstInvitation = { ...agentCard, role: 'invitation' as const, activityId: 'activity-0' };
        await store.commit(creation(request, { cardActivities: [firstInvitation, agentCard] }));

        // Reopen: the clicked agent card now shows the new link; a new agent card is posted later.
        const { change } = transition(request, { generation: 2 }, { cardActivities: [{ ...agentCard, role: 'invitation' }] });
        await store.commit(change);
        expect(await store.cardActivitiesOf(request.id)).toEqual([{ ...agentCard, role: 'invitation' }]);

        await store.saveCardActivity({ ...agentCard, activityId: 'activity-2' });
        await store.saveCardActivity({ ...agentCard, activityId: 'activity-2', role: 'agent' });
        expect(await store.cardActivitiesOf(request.id)).toEqual([
          { ...agentCard, role: 'invitation' },
          { ...agentCard, activityId: 'activity-2' },
        ]);
      });

      it('saves, updates and lists queues', async () => {
        const store = await openStore();
        const queue = {
          id: 'queue-1',
          name: 'Service desk',
          purpose: 'sessions' as const,
          isDefault: false,
          teamId: 'team-1',
          channelId: '19:desk@thread.tacv2',
          serviceUrl: 'https://smba.example/emea/',
          tenantId: 'tenant-1',
          registeredBy: anna.aadObjectId,
          registeredAt: T0,
        };
        const other = { ...queue, id: 'queue-2', name: 'Apps', teamId: null, registeredAt: at(5) };
        await store.saveQueue(queue);
        await store.saveQueue(other);
        await store.saveQueue({ ...queue, name: 'Service desk EMEA' });

        expect(await store.getQueue('queue-1')).toEqual({ ...queue, name: 'Service desk EMEA' });
        expect(await store.getQueue('no-such-queue')).toBeNull();
        expect(await store.listQueues()).toEqual([other, { ...queue, name: 'Service desk EMEA' }]);
      });

      it('keeps one default queue per purpose: saving a default clears the previous one of that purpose only', async () => {
        const store = await openStore();
        const base = {
          teamId: 'team-1',
          serviceUrl: 'https://smba.example/emea/',
          tenantId: 'tenant-1',
          registeredBy: anna.aadObjectId,
          registeredAt: T0,
        };
        const tier1 = { ...base, id: 'q-tier1', name: 'Tier 1', purpose: 'sessions' as const, isDefault: true, channelId: '19:t1' };
        const tier2 = { ...base, id: 'q-tier2', name: 'Tier 2', purpose: 'sessions' as const, isDefault: false, channelId: '19:t2' };
        const approvals = { ...base, id: 'q-appr', name: 'Approvals', purpose: 'approvals' as const, isDefault: true, channelId: '19:ap' };
        await store.saveQueue(tier1);
        await store.saveQueue(tier2);
        await store.saveQueue(approvals);
        await store.saveQueue({ ...tier2, isDefault: true });

        const byId = Object.fromEntries((await store.listQueues()).map((queue) => [queue.id, queue]));
        expect(byId['q-tier1']).toEqual({ ...tier1, isDefault: false });
        expect(byId['q-tier2']).toEqual({ ...tier2, isDefault: true });
        expect(byId['q-appr']).toEqual(approvals);
      });

      it('names the people whose cards and notices cannot reach them (no personal chat), pending and given up', async () => {
        const store = await openStore();
        const request = aSessionRequest({ createdBy: anna, updatedAt: T0 });
        await store.commit(
          creation(request, {
            outbox: [
              { type: 'card.post', requestId: request.id, target: { role: 'agent', userId: ben.aadObjectId } },
              { type: 'card.post', requestId: request.id, target: { role: 'agent', userId: ben.aadObjectId } },
              { type: 'card.post', requestId: request.id, target: { role: 'agent', userId: anna.aadObjectId } },
              { type: 'card.post', requestId: request.id, target: { role: 'queue', queueId: 'queue-1' } },
              { type: 'chat.notify', requestId: null, userId: carl.aadObjectId, notice: { kind: 'lockboxReminder' } },
            ],
          }),
        );
        await store.savePersonalConversation({
          aadObjectId: anna.aadObjectId,
          conversationId: 'a:1',
          serviceUrl: 'https://smba.example/',
          tenantId: 'tenant-1',
          botId: '28:bot',
          userId: '29:anna',
          name: anna.name,
        });
        const claimed = await store.claimOutbox(FAR_FUTURE, 10, 60_000);
        const toBen = claimed.find((item) => item.message.type === 'card.post' && 'userId' in item.message.target && item.message.target.userId === ben.aadObjectId);
        await store.failOutbox(toBen!.id, 'the person has no personal chat with Doorman yet');

        expect(await store.unreachablePeople()).toEqual([
          { userId: ben.aadObjectId, reach: null, pending: 1, failed: 1 },
          { userId: carl.aadObjectId, reach: null, pending: 1, failed: 0 },
        ]);
      });

      it('opens a chat for a person once (install step queued with it), records why it cannot be, and forgets it when a chat is saved', async () => {
        const store = await openStore();
        const second = await openStore(store);
        const started = await Promise.all([store.startOpeningChat(ben.aadObjectId, T0), second.startOpeningChat(ben.aadObjectId, T0)]);
        expect(started.filter(Boolean)).toHaveLength(1);
        expect(await store.chatReachOf(ben.aadObjectId)).toEqual({ status: 'opening', problem: null, since: T0 });
        const install = await store.claimOutbox(FAR_FUTURE, 10, 60_000);
        expect(install.map((item) => item.message)).toEqual([{ type: 'chat.install', requestId: null, userId: ben.aadObjectId }]);
        await store.completeOutbox(install[0].id);
        await store.queueOutbox([{ type: 'chat.open', requestId: null, userId: ben.aadObjectId }], at(1));
        expect((await store.claimOutbox(FAR_FUTURE, 10, 60_000)).map((item) => item.message.type)).toEqual(['chat.open']);

        const forbidden = { code: 'GRAPH.FORBIDDEN', detail: 'Grant TeamsAppInstallation.ReadWriteSelfForUser.All' };
        await store.recordChatUnreachable(ben.aadObjectId, forbidden, at(2));
        expect(await store.chatReachOf(ben.aadObjectId)).toEqual({ status: 'unreachable', problem: forbidden, since: at(2) });
        expect(await store.unreachablePeople()).toEqual([{ userId: ben.aadObjectId, reach: { status: 'unreachable', problem: forbidden, since: at(2) }, pending: 0, failed: 0 }]);
        // A later message tries again: the unreachable record becomes `opening` once more, with a new install step.
        expect(await store.startOpeningChat(ben.aadObjectId, at(3))).toBe(true);
        expect(await store.chatReachOf(ben.aadObjectId)).toEqual({ status: 'opening', problem: null, since: at(3) });

        const chat = { aadObjectId: ben.aadObjectId, conversationId: 'a:1', serviceUrl: 'https://smba.example/', tenantId: 'tenant-1', botId: '28:bot', userId: ben.aadObjectId, name: ben.name };
        await store.savePersonalConversation(chat);
        expect(await store.chatReachOf(ben.aadObjectId)).toBeNull();
        expect(await store.unreachablePeople()).toEqual([]);
        expect(await store.anyPersonalConversation()).toMatchObject({ serviceUrl: 'https://smba.example/', tenantId: 'tenant-1' });
      });

      it('appends the administrative event with the queue or chat it audits, and reads it back in order', async () => {
        const store = await openStore();
        const queue = {
          id: 'queue-1',
          name: 'Service desk',
          purpose: 'sessions' as const,
          isDefault: true,
          teamId: 'team-1',
          channelId: '19:desk@thread.tacv2',
          serviceUrl: 'https://smba.example/emea/',
          tenantId: 'tenant-1',
          registeredBy: anna.aadObjectId,
          registeredAt: T0,
        };
        const registered = {
          action: 'channel.registered' as const,
          subjectId: queue.id,
          detail: { purpose: 'sessions', name: 'Service desk' },
          actorId: anna.aadObjectId,
          actorType: 'person' as const,
          source: 'chat' as const,
          at: T0,
        };
        const recorded = { action: 'chat.recorded' as const, subjectId: ben.aadObjectId, detail: null, actorId: ben.aadObjectId, actorType: 'person' as const, source: 'chat' as const, at: at(5) };
        const chat = { aadObjectId: ben.aadObjectId, conversationId: 'a:1', serviceUrl: 'https://smba.example/', tenantId: 'tenant-1', botId: '28:bot', userId: '29:ben', name: ben.name };
        await store.saveQueue(queue, registered);
        await store.savePersonalConversation(chat, recorded);
        await store.savePersonalConversation({ ...chat, timeZone: 'Asia/Tokyo' }, null);
        await store.saveQueue({ ...queue, name: 'Service desk EMEA' });

        expect(await store.listAdminEvents()).toEqual([registered, recorded]);
        expect(await store.getQueue(queue.id)).toMatchObject({ name: 'Service desk EMEA' });
      });

      it('records a greeting once per scope, also when two instances race', async () => {
        const store = await openStore();
        const second = await openStore(store);
        const results = await Promise.all([store.recordGreeting('personal:anna', T0), second.recordGreeting('personal:anna', T0)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.recordGreeting('personal:anna', at(5))).toBe(false);
        expect(await store.recordGreeting('team:19:team', at(5))).toBe(true);
      });

      it('saves and updates personal conversations', async () => {
        const store = await openStore();
        const conversation = {
          aadObjectId: anna.aadObjectId,
          conversationId: 'a:1',
          serviceUrl: 'https://smba.example/emea/',
          tenantId: 'tenant-1',
          botId: '28:bot',
          userId: '29:anna',
          name: anna.name,
          timeZone: 'Europe/Vienna',
        };
        await store.savePersonalConversation(conversation);
        await store.savePersonalConversation({ ...conversation, conversationId: 'a:2', timeZone: 'Asia/Tokyo' });
        expect(await store.getPersonalConversation(anna.aadObjectId)).toEqual({ ...conversation, conversationId: 'a:2', timeZone: 'Asia/Tokyo' });
        expect(await store.getPersonalConversation('nobody')).toBeNull();
      });
    });

    describe('lockbox requests', () => {
      it('round-trips a lockbox request with its nested dates', async () => {
        const store = await openStore();
        const revoked = aRevokedLockbox();
        const pending = aLockboxRequest();
        await store.commit(lockboxCreation(revoked));
        await store.commit(lockboxCreation(pending));

        const loaded = (await store.getRequest(revoked.id)) as LockboxRequest;
        expect(loaded).toEqual(revoked);
        for (const date of [
          loaded.createdAt,
          loaded.updatedAt,
          loaded.decideBy,
          loaded.decisions[0].at,
          loaded.decisions[1].at,
          loaded.access.grantedAt,
          loaded.access.endsAt,
          loaded.ending?.at,
        ]) {
          expect(date).toBeInstanceOf(Date);
        }
        expect(loaded.access.removedAt).toBeNull();
        expect(loaded.remindAt).toBeNull();
        expect(loaded.decisions[1].comment).toBe(revoked.decisions[1].comment);

        const loadedPending = (await store.getRequest(pending.id)) as LockboxRequest;
        expect(loadedPending).toEqual(pending);
        expect(loadedPending.remindAt).toBeInstanceOf(Date);
        expect(loadedPending.ending).toBeNull();
        expect(loadedPending.decisions).toEqual([]);
      });

      it('keeps names and free text out of the request row and ids in it', async () => {
        const store = await openStore();
        const request = aRevokedLockbox();
        await store.commit(lockboxCreation(request));

        const data = JSON.stringify(await inspect.requestData(store, request.id));
        expect(data).not.toContain(request.requester.name);
        expect(data).not.toContain(amy.name);
        expect(data).not.toContain(lee.name);
        expect(data).not.toContain(request.reason);
        expect(data).toContain(request.requester.aadObjectId);
        expect(data).toContain(amy.aadObjectId);
        expect(await inspect.personalData(store, request.id)).toEqual({
          'requester.name': request.requester.name,
          'decisions[].byName': [lee.name, amy.name],
          reason: request.reason,
          'decisions[].comment': request.decisions.map((decision) => decision.comment),
        });
      });

      it('moves a lockbox request on by compare-and-set and lists it by kind and requester, never as a session', async () => {
        const store = await openStore();
        const session = aSessionRequest({ createdAt: at(0) });
        const request = aLockboxRequest({ createdAt: at(5), updatedAt: at(5) });
        await store.commit(creation(session));
        await store.commit(lockboxCreation(request));
        const approved = lockboxTransition(request, {
          state: 'approved',
          remindAt: null,
          decisions: [{ action: 'approve', byId: amy.aadObjectId, byName: amy.name, at: at(6), comment: null }],
          access: { status: 'granting', grantedAt: null, endsAt: null, removedAt: null },
        });
        await store.commit(approved.change);
        await expectStale(store.commit(lockboxTransition(request, { state: 'denied' }).change));

        expect(await store.getRequest(request.id)).toEqual(approved.next);
        expect((await store.eventsOf(request.id)).map((event) => [event.kind, event.toState])).toEqual([
          ['lockbox', 'pending'],
          ['lockbox', 'approved'],
        ]);
        expect(await store.listRequests({ kind: 'lockbox' })).toEqual([approved.next]);
        expect((await store.listRequests({})).map((stored) => stored.id)).toEqual([request.id, session.id]);
        expect((await store.listRequests({ involving: 'engineer-erin' })).map((stored) => stored.id)).toEqual([request.id]);
        expect(await store.listRequests({ assignee: 'engineer-erin' })).toEqual([]);
        expect(await store.listRequests({ kind: 'lockbox', states: ['pending'] })).toEqual([]);
        expect(await store.findSessionByLinkHash(session.linkHash)).toEqual(session);
      });

      it("erases the requester's and deciders' names, keeps the ids and the audit trail", async () => {
        const store = await openStore();
        const request = aRevokedLockbox();
        await store.commit(lockboxCreation(request));
        const ended = lockboxTransition(request, {
          state: 'ended',
          access: { ...request.access, status: 'removed', removedAt: at(95) },
        });
        await store.commit(ended.change);
        const eventsBefore = await store.eventsOf(request.id);

        await store.erasePersonalData(request.id, byAdmin());

        const erased = (await store.getRequest(request.id)) as LockboxRequest;
        expect(erased).toEqual({
          ...ended.next,
          requester: { aadObjectId: request.requester.aadObjectId, name: PSEUDONYM },
          reason: '(erased)',
          decisions: ended.next.decisions.map((decision) => ({ ...decision, byName: PSEUDONYM, comment: null })),
          erasedAs: PSEUDONYM,
        });
        expect(erased.decisions[1].at).toBeInstanceOf(Date);
        expect(erased.access.removedAt).toEqual(at(95));
        expect(await store.eventsOf(request.id)).toEqual([...withReasonsErased(eventsBefore), erasureEvent(ended.next)]);
        expect(await inspect.personalData(store, request.id)).toBeNull();
        expect(await store.listRequests({ involving: request.requester.aadObjectId })).toEqual([erased]);
      });

      it('keeps names erased when a decision taken before the erasure commits after it', async () => {
        const store = await openStore();
        const request = aLockboxRequest();
        await store.commit(lockboxCreation(request));
        const decidedBefore = lockboxTransition(request, {
          state: 'denied',
          decisions: [{ action: 'deny', byId: amy.aadObjectId, byName: amy.name, at: at(1), comment: 'no ticket' }],
        });
        await store.erasePersonalData(request.id, byAdmin());
        await store.commit(decidedBefore.change);

        const loaded = (await store.getRequest(request.id)) as LockboxRequest;
        expect(loaded.state).toBe('denied');
        expect(loaded.requester).toEqual({ aadObjectId: request.requester.aadObjectId, name: PSEUDONYM });
        expect(loaded.decisions).toEqual([{ ...decidedBefore.next.decisions[0], byName: PSEUDONYM, comment: null }]);
        expect(await inspect.personalData(store, request.id)).toBeNull();
      });
    });

    describe('lockbox settings', () => {
      it('reads the defaults until an admin saves settings', async () => {
        const store = await openStore();
        expect(await store.getLockboxSettings()).toEqual({
          approvalRequired: true,
          leadReview: false,
          defaultDurationMinutes: 240,
          maxDurationMinutes: 1440,
          decisionHours: 12,
          assistUnansweredHours: 4,
          assistAllowMinutes: 15,
          retentionDays: 90,
          escalationHours: 0,
          permissionProfiles: DEFAULT_PERMISSION_PROFILES,
          scopes: [],
          backupApproverIds: [],
          updatedBy: null,
          updatedAt: null,
        });
        expect(await store.settingsEvents()).toEqual([]);
      });

      it('saves settings with their audit line and their messages (about no request) in one go', async () => {
        const store = await openStore();
        const settings = approvalOff(at(1));
        const notices = [approverNotice('approver-amy', at(1)), approverNotice('approver-bob', at(1))];
        await store.saveLockboxSettings(settings, { actorId: 'admin-ada', at: at(1), change: 'approvalRequired: true → false' }, notices);

        const loaded = await store.getLockboxSettings();
        expect(loaded).toEqual(settings);
        expect(loaded.updatedAt).toBeInstanceOf(Date);
        expect(await store.pendingOutboxCount()).toBe(2);
        const claimed = await store.claimOutbox(at(1), 10, MINUTE);
        expect(claimed.map((item) => item.message)).toEqual(notices);
        expect(claimed[0].createdAt).toEqual(at(1));
        await store.completeOutbox(claimed[0].id);
        await store.failOutbox(claimed[1].id, 'no personal conversation');
        expect(await store.pendingOutboxCount()).toBe(0);

        const again = { ...settings, approvalRequired: true, updatedAt: at(2) };
        await store.saveLockboxSettings(again, { actorId: 'admin-ada', at: at(2), change: 'approvalRequired: false → true' }, []);
        expect(await store.getLockboxSettings()).toEqual(again);
        expect(await store.settingsEvents()).toEqual([
          { actorId: 'admin-ada', at: at(1), change: 'approvalRequired: true → false' },
          { actorId: 'admin-ada', at: at(2), change: 'approvalRequired: false → true' },
        ]);
      });

      it('writes nothing when part of a settings change fails', async () => {
        const store = await openStore();
        const before = approvalOff(at(1));
        await store.saveLockboxSettings(before, { actorId: 'admin-ada', at: at(1), change: 'first' }, []);
        // A payload JSON cannot hold fails after the settings row and the audit line were written.
        const unserialisable = { ...approverNotice('approver-amy', at(2)), requestId: null, userId: 1n } as unknown as OutboxMessage;

        const failure = await failureOf(
          store.saveLockboxSettings({ ...before, decisionHours: 1, updatedAt: at(2) }, { actorId: 'admin-ada', at: at(2), change: 'second' }, [
            approverNotice('approver-bob', at(2)),
            unserialisable,
          ]),
        );

        expect(failure).toMatch(/BigInt/i);
        expect(await store.getLockboxSettings()).toEqual(before);
        expect((await store.settingsEvents()).map((event) => event.change)).toEqual(['first']);
        expect(await store.pendingOutboxCount()).toBe(0);
      });
    });

    describe('API keys', () => {
      it('saves keys, finds one by its hash, lists them and revokes once', async () => {
        const store = await openStore();
        const ticketing = anApiKey({ id: 'key-1', createdAt: at(1) });
        const anyone = anApiKey({ id: 'key-2', name: 'SOAR', onBehalfOf: ['*'], hash: 'b'.repeat(64), createdAt: at(2) });
        await store.saveApiKey(anyone);
        await store.saveApiKey(ticketing);

        expect(await store.findApiKeyByHash('a'.repeat(64))).toEqual(ticketing);
        expect(await store.findApiKeyByHash('c'.repeat(64))).toBeNull();
        expect(await store.listApiKeys()).toEqual([ticketing, anyone]);

        expect(await store.revokeApiKey('key-1', at(5))).toBe(true);
        expect(await store.revokeApiKey('key-1', at(6))).toBe(false);
        expect(await store.revokeApiKey('no-such-key', at(6))).toBe(false);
        const revoked = await store.findApiKeyByHash('a'.repeat(64));
        expect(revoked?.revokedAt).toEqual(at(5));
        expect(await store.listApiKeys()).toEqual([{ ...ticketing, revokedAt: at(5) }, anyone]);
      });

      it('refuses a second key with the same name in any letter case, revoked or not: names are unique labels', async () => {
        const store = await openStore();
        await store.saveApiKey(anApiKey({ revokedAt: at(1) }));
        for (const name of ['Ticketing', 'ticketing', 'TICKETING']) {
          expect(await failureOf(store.saveApiKey(anApiKey({ id: `key-${name}`, name, hash: 'e'.repeat(64) })))).toMatch(/unique|duplicate key/i);
        }
        await store.saveApiKey(anApiKey({ id: 'key-2', name: 'Ticketing 2', hash: 'f'.repeat(64) }));
        expect((await store.listApiKeys()).map((key) => key.name)).toEqual(['Ticketing', 'Ticketing 2']);
      });

      it('refuses a second key with the same hash or id', async () => {
        const store = await openStore();
        await store.saveApiKey(anApiKey({}));
        expect(await failureOf(store.saveApiKey(anApiKey({ id: 'key-2' })))).toMatch(/unique|duplicate key/i);
        expect(await failureOf(store.saveApiKey(anApiKey({ hash: 'd'.repeat(64) })))).toMatch(/unique|duplicate key/i);
        expect(await store.listApiKeys()).toHaveLength(1);
      });
    });

    describe('access grants', () => {
      it('records one grant per request, idempotently, and its revocation; lists the newest first', async () => {
        const store = await openStore();
        const first = aLockboxRequest();
        const second = aLockboxRequest({ requester: { aadObjectId: 'engineer-eli', name: 'Eli Engineer' } });
        for (const request of [first, second]) await store.commit(lockboxCreation(request));
        const grantOf = (request: LockboxRequest, grantedAt: Date): AccessGrant => ({
          requestId: request.id,
          principalId: request.requester.aadObjectId,
          resource: request.resource,
          scope: 'default',
          membership: 'added',
          grantedAt,
          revokedAt: null,
        });

        await store.recordGrant(grantOf(first, at(10)));
        await store.recordGrant(grantOf(first, at(20)));
        await store.recordGrant(grantOf(second, at(15)));
        expect(await store.listGrants()).toEqual([grantOf(second, at(15)), grantOf(first, at(10))]);

        await store.recordRevoke(first.id, at(30));
        await store.recordRevoke(first.id, at(40));
        await store.recordRevoke('no-such-request', at(40));
        expect(await store.listGrants()).toEqual([grantOf(second, at(15)), { ...grantOf(first, at(10)), revokedAt: at(30) }]);

        await store.recordGrant(grantOf(first, at(50)));
        expect(await store.listGrants()).toEqual([grantOf(first, at(50)), grantOf(second, at(15))]);
      });

      it('counts running grants per person and scope, oldest first; records who added the membership; keeps a local group', async () => {
        const store = await openStore();
        const erin = aLockboxRequest();
        const erinAgain = aLockboxRequest();
        const erinOtherScope = aLockboxRequest();
        const eli = aLockboxRequest({ requester: { aadObjectId: 'engineer-eli', name: 'Eli Engineer' } });
        for (const request of [erin, erinAgain, erinOtherScope, eli]) await store.commit(lockboxCreation(request));
        const grantOf = (request: LockboxRequest, grantedAt: Date, scope = 'default', membership: AccessGrant['membership'] = 'adding'): AccessGrant => ({
          requestId: request.id,
          principalId: request.requester.aadObjectId,
          resource: request.resource,
          scope,
          membership,
          grantedAt,
          revokedAt: null,
        });
        await store.recordGrant(grantOf(erinAgain, at(20), 'default', 'shared'));
        await store.recordGrant(grantOf(erin, at(10)));
        await store.recordGrant(grantOf(erinOtherScope, at(15), 'mailboxes', 'alreadyMember'));
        await store.recordGrant(grantOf(eli, at(12)));
        await store.setGrantMembership(erin.id, 'added');

        expect(await store.grantOf(erin.id)).toEqual(grantOf(erin, at(10), 'default', 'added'));
        expect(await store.grantOf('no-such-request')).toBeNull();
        expect((await store.runningGrantsOf('engineer-erin', 'default')).map((grant) => grant.requestId)).toEqual([erin.id, erinAgain.id]);
        await store.recordRevoke(erin.id, at(30));
        expect((await store.runningGrantsOf('engineer-erin', 'default')).map((grant) => grant.requestId)).toEqual([erinAgain.id]);
        expect((await store.runningGrantsOf('engineer-erin', 'mailboxes')).map((grant) => grant.membership)).toEqual(['alreadyMember']);

        expect(await store.isLocalMember('default', 'engineer-erin')).toBe(false);
        await store.addLocalMember('default', 'engineer-erin', at(10));
        await store.addLocalMember('default', 'engineer-erin', at(11));
        expect(await store.isLocalMember('default', 'engineer-erin')).toBe(true);
        expect(await store.isLocalMember('mailboxes', 'engineer-erin')).toBe(false);
        await store.removeLocalMember('default', 'engineer-erin');
        await store.removeLocalMember('default', 'engineer-erin');
        expect(await store.isLocalMember('default', 'engineer-erin')).toBe(false);
      });
    });

    describe('lifecycle', () => {
      it('migrates idempotently: more instances open the same database, at once, and see its data', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        await store.commit(creation(request));
        const [again, andAgain] = await Promise.all([openStore(store), openStore(store)]);
        expect(await again.getRequest(request.id)).toEqual(request);
        expect(await andAgain.eventsOf(request.id)).toHaveLength(1);
      });

      it('answers ping and closes twice without error', async () => {
        const store = await openStore();
        await expect(store.ping()).resolves.toBeUndefined();
        await store.close();
        await expect(store.close()).resolves.toBeUndefined();
      });
    });

    describe('assist requests', () => {
      it('round-trips an assistance request (dates of device actions too), filters by requester and helper, erases names and phone', async () => {
        const store = await openStore();
        const request = { ...assistIn('requested'), id: 'assist-1', version: 1, phone: '+49 30 1234567' };
        await store.commit({ request, expectedVersion: null, events: [anAuditEvent(request, 'create', null)], outbox: [], deadlines: [{ requestId: request.id, kind: 'expire', dueAt: request.answerBy }] });
        const connected = { ...assistIn('connected'), id: 'assist-1', version: 2, phone: request.phone };
        await store.commit({ request: connected, expectedVersion: 1, events: [anAuditEvent(connected, 'accept', 'requested')], outbox: [], deadlines: [] });
        await expectStale(store.commit({ request: { ...connected, version: 3 }, expectedVersion: 1, events: [], outbox: [], deadlines: [] }));

        const read = (await store.getRequest('assist-1')) as AssistRequest;
        expect(read).toEqual(connected);
        expect(read.deviceActions[0].startedAt).toBeInstanceOf(Date);
        expect((await store.listRequests({ kind: 'assist', involving: connected.helper!.aadObjectId })).map((stored) => stored.id)).toEqual(['assist-1']);
        expect((await store.listRequests({ kind: 'assist', assignee: connected.helper!.aadObjectId })).map((stored) => stored.id)).toEqual(['assist-1']);
        expect((await store.listRequests({ involvingAnyOf: [connected.requester.aadObjectId] })).map((stored) => stored.id)).toEqual(['assist-1']);

        await store.erasePersonalData('assist-1', byAdmin());
        const erased = (await store.getRequest('assist-1')) as AssistRequest;
        expect(erased).toEqual({
          ...connected,
          phone: null,
          problem: '(erased)',
          closedComment: null,
          requester: { ...connected.requester, name: PSEUDONYM },
          helper: { ...connected.helper!, name: PSEUDONYM },
          deviceActions: connected.deviceActions.map((action) => ({ ...action, by: { ...action.by, name: PSEUDONYM } })),
          erasedAs: PSEUDONYM,
        });
        expect(await inspect.personalData(store, 'assist-1')).toBeNull();
      });
    });

    describe('rate counters (several instances count in the same windows)', () => {
      it('adds atomically: two instances counting at once see every count exactly once, and a count given back is gone', async () => {
        const store = await openStore();
        const other = await openStore(store);
        const bucket = at(0);
        const counts = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).addToRateCounter('thread|a', bucket, 1, at(1))),
        );
        expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(await other.addToRateCounter('thread|a', bucket, -1, at(1))).toBe(19);
        await store.addToRateCounter('thread|a', at(2), 5, at(3));
        await store.addToRateCounter('thread|b', at(2), 7, at(3));
        expect(await other.sumRateCounters('thread|a', at(0), at(2))).toBe(24);
        expect(await other.sumRateCounters('thread|a', at(1), at(2))).toBe(5);
        expect(await other.sumRateCounters('thread|none', at(0), at(2))).toBe(0);
      });

      it('prunes only the windows kept until before the given instant', async () => {
        const store = await openStore();
        await store.addToRateCounter('k', at(0), 1, at(1));
        await store.addToRateCounter('k', at(1), 1, at(2));
        await store.addToRateCounter('k', at(2), 1, at(30));
        expect(await store.pruneRateCounters(at(5), 1)).toBe(1);
        expect(await store.pruneRateCounters(at(5), 10)).toBe(1);
        expect(await store.sumRateCounters('k', at(0), at(2))).toBe(1);
      });

      it('Teams per-thread limits hold for two instances together: 7 in 1.1 s, whichever instance asks', async () => {
        const store = await openStore();
        const other = await openStore(store);
        const clock = { now: () => at(0) };
        const windows = [new RateWindows(store, clock), new RateWindows(other, clock)];
        const waits = await Promise.all(Array.from({ length: 12 }, (_, i) => windows[i % 2].take('teams-thread|t', DOORMAN_THREAD_LIMITS)));
        // Asked at once, exactly the limit is let through: never more, and no slot lost to a collision.
        expect(waits.filter((wait) => wait === 0).length).toBe(7);
        // One at a time they are never refused while under the limit: exactly 7 of 12.
        const sequentialStore = await openStore();
        const next = [new RateWindows(sequentialStore, clock), new RateWindows(await openStore(sequentialStore), clock)];
        const sequential: number[] = [];
        for (let i = 0; i < 12; i += 1) sequential.push(await next[i % 2].take('teams-thread|t', DOORMAN_THREAD_LIMITS));
        expect(sequential.map((wait) => wait === 0)).toEqual([...Array(7).fill(true), ...Array(5).fill(false)]);
        expect(Math.min(...sequential.slice(7))).toBeGreaterThan(0);
      });
    });

    describe('overdue deadline rows', () => {
      it('prunes the rows due before the cutoff, returns them, and leaves later ones to the sweeper', async () => {
        const store = await openStore();
        const old = aSessionRequest({ expiresAt: at(10) });
        const recent = aSessionRequest({ expiresAt: at(600) });
        await store.commit(creation(old));
        await store.commit(creation(recent));
        expect(await store.pruneDeadlines(at(11), 100)).toEqual([{ requestId: old.id, kind: 'expire', dueAt: at(10) }]);
        expect(await store.pruneDeadlines(at(11), 100)).toEqual([]);
        expect((await store.claimDeadlines(at(700), 10, MINUTE)).map((deadline) => deadline.requestId)).toEqual([recent.id]);
      });
    });

    describe('languages (issue 17)', () => {
      it('remembers the language Teams reported and the one a person chose, each without losing the other', async () => {
        const store = await openStore();
        expect(await store.personLanguage(anna.aadObjectId)).toBeNull();
        await store.saveReportedLanguage(anna.aadObjectId, 'de', at(0));
        expect(await store.personLanguage(anna.aadObjectId)).toEqual({ reported: 'de', chosen: null });
        await store.saveChosenLanguage(anna.aadObjectId, 'hu', at(1));
        await store.saveReportedLanguage(anna.aadObjectId, 'fr', at(2));
        expect(await store.personLanguage(anna.aadObjectId)).toEqual({ reported: 'fr', chosen: 'hu' });
        await store.saveChosenLanguage(anna.aadObjectId, null, at(3));
        expect(await store.personLanguage(anna.aadObjectId)).toEqual({ reported: 'fr', chosen: null });
        await store.saveChosenLanguage(ben.aadObjectId, 'nl', at(4));
        expect(await store.personLanguage(ben.aadObjectId)).toEqual({ reported: null, chosen: 'nl' });
        const again = await openStore(store);
        expect(await again.personLanguage(ben.aadObjectId)).toEqual({ reported: null, chosen: 'nl' });
      });

      it("sets, changes and clears a queue channel's language", async () => {
        const store = await openStore();
        expect(await store.queueLanguage('queue-1')).toBeNull();
        await store.saveQueueLanguage('queue-1', 'nl', at(0));
        await store.saveQueueLanguage('queue-1', 'de', at(1));
        expect(await store.queueLanguage('queue-1')).toBe('de');
        expect(await store.queueLanguage('queue-2')).toBeNull();
        await store.saveQueueLanguage('queue-1', null, at(2));
        expect(await store.queueLanguage('queue-1')).toBeNull();
      });

      it('keeps the language a card was posted in, and reads older cards without one', async () => {
        const store = await openStore();
        const request = aSessionRequest();
        const queueCard = {
          requestId: request.id,
          role: 'queue' as const,
          conversationId: '19:queue@thread.tacv2',
          activityId: 'activity-1',
          serviceUrl: 'https://smba.example/emea/',
          threadId: '19:queue@thread.tacv2;messageid=1',
          language: 'hu' as const,
        };
        const agentCard = { ...queueCard, role: 'agent' as const, conversationId: 'a:personal', threadId: null, language: undefined };
        await store.commit(creation(request, { cardActivities: [queueCard] }));
        await store.saveCardActivity(agentCard);
        const cards = await store.cardActivitiesOf(request.id);
        expect(cards).toEqual([queueCard, { ...agentCard, language: undefined }]);
        expect('language' in cards[1]).toBe(false);
      });
    });
  });
}
