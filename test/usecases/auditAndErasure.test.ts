import { AUDIT_EXPORT_PAGE_SIZE, exportAuditEvents } from '../../src/application/oversight/auditExport';
import { askToErasePerson, decideErasure, erasePersonForSystem } from '../../src/application/oversight/erasure';
import { appCaller } from '../../src/application/oversight/apiAccess';
import { requestWithTrail } from '../../src/application/oversight/requestLists';
import { RETENTION_ACTOR, RetentionEraser } from '../../src/application/oversight/retention';
import { readScopeFor } from '../../src/application/oversight/viewers';
import { saveLockboxSettings } from '../../src/application/lockbox/lockboxRequests';
import { RequestStore, StoredRequest } from '../../src/application/ports';
import { actorDisplayName, trailLine } from '../../src/application/people/auditTrail';
import { AuditEvent } from '../../src/domain/audit';
import { isDoormanError } from '../../src/domain/errors';
import { Actor } from '../../src/domain/people';
import { SessionRequest } from '../../src/domain/session';
import { anAuditEvent } from '../support/auditEvents';
import { aSessionRequest } from '../support/sessionBuilder';
import { useCaseDepsPerTest } from '../support/testDeps';

// People from test/fixtures/roles.json.
const ALEX_ADMIN: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000a001', name: 'Alex Agent' }, roles: ['admin', 'agent'] };
const BEA_AGENT: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000a002', name: 'Bea Agent' }, roles: ['agent'] };
const DAY = 24 * 3600_000;

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

describe('audit export, erasure and retention (use cases, SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();

  async function stored(request: StoredRequest, events: AuditEvent[] = [anAuditEvent(request, 'create', null)]): Promise<void> {
    await t.deps.requests.commit({ request, expectedVersion: null, events, outbox: [], deadlines: [] });
  }

  /** Counts the store's export reads and the most events one read returned. */
  function countExportReads(): { reads: number; largest: number } {
    const counts = { reads: 0, largest: 0 };
    const store = t.deps.requests;
    const original = store.auditEventsPage.bind(store);
    (store as RequestStore).auditEventsPage = async (...args) => {
      const page = await original(...args);
      counts.reads += 1;
      counts.largest = Math.max(counts.largest, page.events.length);
      return page;
    };
    return counts;
  }

  describe('audit export', () => {
    it('reads a long range a page at a time, only as rows are taken, never more than a page per read', async () => {
      const request = aSessionRequest({ createdAt: t.clock.now(), updatedAt: t.clock.now() });
      const events = Array.from({ length: 1_234 }, (_, index) => anAuditEvent({ ...request, updatedAt: new Date(t.clock.now().getTime() + index * 1000) }, `step${index}`, 'open'));
      await stored(request, events);
      const counts = countExportReads();

      const exported = await exportAuditEvents(t.deps, ALEX_ADMIN, false, { from: new Date(t.clock.now().getTime() - DAY), to: new Date(t.clock.now().getTime() + DAY) });
      expect(counts.reads).toBe(0);
      const iterator = exported.rows[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.value).toEqual({
        at: request.createdAt.toISOString(),
        requestId: request.id,
        kind: 'session',
        action: 'step0',
        fromState: 'open',
        toState: request.state,
        actorType: 'person',
        actorId: 'agent-anna',
        source: 'card',
        reason: null,
        version: request.version,
      });
      expect(counts.reads).toBe(1);

      let taken = 1;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) taken += 1;
      expect(taken).toBe(1_234);
      expect(counts.reads).toBe(Math.ceil(1_234 / AUDIT_EXPORT_PAGE_SIZE));
      expect(counts.largest).toBe(AUDIT_EXPORT_PAGE_SIZE);
    });

    it('is for admins and for systems that act for anyone; a range must end after it starts', async () => {
      const range = { from: new Date('2030-01-01T00:00:00Z'), to: new Date('2030-02-01T00:00:00Z') };
      expect(isDoormanError(await refusal(exportAuditEvents(t.deps, BEA_AGENT, false, range)), 'AUTH.NOT_PERMITTED')).toBe(true);
      const limitedKey: Actor = { type: 'service', client: 'key:k1' };
      expect(isDoormanError(await refusal(exportAuditEvents(t.deps, limitedKey, false, range)), 'AUTH.NOT_PERMITTED')).toBe(true);
      await expect(exportAuditEvents(t.deps, limitedKey, true, range)).resolves.toBeDefined();
      const backwards = await refusal(exportAuditEvents(t.deps, ALEX_ADMIN, false, { from: range.to, to: range.from }));
      expect(isDoormanError(backwards, 'INPUT.INVALID')).toBe(true);
    });
  });

  describe("an admin erases a person's personal data", () => {
    const chris = { name: 'Chris Customer', email: 'chris@contoso.com' };

    async function twoSessionsOfChris(): Promise<SessionRequest[]> {
      const sessions = [aSessionRequest({ recipient: chris, comments: 'Chris, printer' }), aSessionRequest({ recipient: { ...chris, email: 'Chris@Contoso.com' } })];
      for (const session of sessions) await stored(session);
      await stored(aSessionRequest({ recipient: { name: 'Dana', email: 'dana@fabrikam.com' } }));
      return sessions;
    }

    it('asks first: the card says how many requests and the pseudonym; nothing is erased before Confirm', async () => {
      const sessions = await twoSessionsOfChris();
      const asked = await askToErasePerson(t.deps, ALEX_ADMIN, '  chris@CONTOSO.com ');
      expect(asked).toEqual({ erasureId: expect.any(String), version: 1, state: 'pending', subject: 'chris@contoso.com', pseudonym: expect.stringMatching(/^Person [0-9A-F]{6}$/), requestCount: 2 });
      expect(((await t.deps.requests.getRequest(sessions[0].id)) as SessionRequest).recipient).toEqual(chris);
    });

    it('erases every request of the person once, even when Confirm is clicked twice at once, each erasure in the trail', async () => {
      const sessions = await twoSessionsOfChris();
      const asked = await askToErasePerson(t.deps, ALEX_ADMIN, 'chris@contoso.com');
      const pointer = { erasureId: asked.erasureId, version: asked.version };

      const [first, second] = await Promise.all([decideErasure(t.deps, ALEX_ADMIN, pointer, 'confirm', 'card'), decideErasure(t.deps, ALEX_ADMIN, pointer, 'confirm', 'card')]);
      const again = await decideErasure(t.deps, ALEX_ADMIN, pointer, 'confirm', 'card');

      // Whoever loses the compare-and-set gets the erasure as it stands: under way or done.
      expect([first.state, second.state]).toContain('done');
      expect(['confirmed', 'done']).toEqual(expect.arrayContaining([first.state, second.state]));
      expect(again).toEqual({ ...pointer, erasureId: asked.erasureId, version: 3, state: 'done', subject: null, pseudonym: asked.pseudonym, requestCount: 2 });
      for (const session of sessions) {
        const erased = (await t.deps.requests.getRequest(session.id)) as SessionRequest & StoredRequest;
        expect(erased.recipient).toEqual({ name: asked.pseudonym, email: null });
        expect(erased.erasedAs).toBe(asked.pseudonym);
        const erasures = (await t.deps.requests.eventsOf(session.id)).filter((event) => event.action === 'erase');
        expect(erasures).toEqual([expect.objectContaining({ actorId: '00000000-0000-0000-0000-00000000a001', source: 'card' })]);
      }
      expect(await t.deps.requests.requestIdsOfPerson({ email: 'chris@contoso.com' })).toEqual([]);
      expect((await t.deps.requests.getErasureRequest(asked.erasureId))?.subject).toBeNull();
    });

    it('Cancel erases nothing and forgets whom it was about; Confirm afterwards changes nothing', async () => {
      const sessions = await twoSessionsOfChris();
      const asked = await askToErasePerson(t.deps, ALEX_ADMIN, 'chris@contoso.com');
      const cancelled = await decideErasure(t.deps, ALEX_ADMIN, { erasureId: asked.erasureId, version: 1 }, 'cancel', 'card');
      expect(cancelled).toMatchObject({ state: 'cancelled', subject: null, requestCount: 0 });
      expect(await decideErasure(t.deps, ALEX_ADMIN, { erasureId: asked.erasureId, version: 1 }, 'confirm', 'card')).toMatchObject({ state: 'cancelled' });
      expect(((await t.deps.requests.getRequest(sessions[0].id)) as SessionRequest).recipient).toEqual(chris);
      expect((await t.deps.requests.getErasureRequest(asked.erasureId))?.subject).toBeNull();
    });

    it('is for admins only; an unreadable subject is INPUT.INVALID', async () => {
      expect(isDoormanError(await refusal(askToErasePerson(t.deps, BEA_AGENT, 'chris@contoso.com')), 'AUTH.NOT_PERMITTED')).toBe(true);
      expect(isDoormanError(await refusal(askToErasePerson(t.deps, ALEX_ADMIN, '')), 'INPUT.INVALID')).toBe(true);
      expect(isDoormanError(await refusal(askToErasePerson(t.deps, ALEX_ADMIN, 'not an id; drop table')), 'INPUT.INVALID')).toBe(true);
      const asked = await askToErasePerson(t.deps, ALEX_ADMIN, 'chris@contoso.com');
      const stranger = await refusal(decideErasure(t.deps, BEA_AGENT, { erasureId: asked.erasureId, version: 1 }, 'confirm', 'card'));
      expect(isDoormanError(stranger, 'AUTH.NOT_PERMITTED')).toBe(true);
    });

    it('through the REST API: a system acting for anyone erases at once, and the request reads as erased', async () => {
      const agent = { aadObjectId: '00000000-0000-0000-0000-00000000a002', name: 'Bea Agent' };
      const session = aSessionRequest({ createdBy: agent, assignee: agent });
      await stored(session);

      const answer = await erasePersonForSystem(t.deps, appCaller('app-1'), { person: agent.aadObjectId });
      expect(answer).toEqual({ erasureId: expect.any(String), pseudonym: expect.stringMatching(/^Person /), erasedRequests: 1 });

      const read = await requestWithTrail(t.deps, readScopeFor(['*']), session.id);
      expect(read).toMatchObject({ erased: true, ownerName: answer.pseudonym, assigneeName: answer.pseudonym });
      expect(JSON.stringify(read)).not.toContain('Bea Agent');
      expect((read.events as { action: string; actor: string }[]).at(-1)).toMatchObject({ action: 'erase', actor: 'service:app:app-1' });
    });
  });

  describe('retention', () => {
    it('erases requests that ended more days ago than the setting (default 90), on the fake clock, each as a timer event', async () => {
      const endedAt = t.clock.now();
      const closed = aSessionRequest({ state: 'closed', updatedAt: endedAt, recipient: { name: 'Chris', email: 'chris@contoso.com' } });
      const open = aSessionRequest({ state: 'open', updatedAt: endedAt });
      await stored(closed);
      await stored(open);
      const retention = new RetentionEraser(t.deps, { batch: 1 });

      t.clock.set(new Date(endedAt.getTime() + 90 * DAY - 1));
      expect(await retention.run()).toBe(0);
      t.clock.set(new Date(endedAt.getTime() + 90 * DAY + 1));
      expect(await retention.run()).toBe(1);
      expect(await retention.run()).toBe(0);

      expect(((await t.deps.requests.getRequest(closed.id)) as SessionRequest).recipient.email).toBeNull();
      expect((await t.deps.requests.getRequest(open.id))?.erasedAs).toBeUndefined();
      const erasure = (await t.deps.requests.eventsOf(closed.id)).at(-1)!;
      expect(erasure).toMatchObject({ action: 'erase', actorId: RETENTION_ACTOR, actorType: 'system', source: 'timer', reason: 'retention: ended more than 90 days ago' });
      expect(trailLine(erasure, actorDisplayName(erasure, new Map())).text).toMatch(/^Doorman \(retention setting\) erased the personal data; names read as a pseudonym/);
    });

    it('follows the setting an admin saved, which must be 1 to 3650 days', async () => {
      const closed = aSessionRequest({ state: 'expired', updatedAt: t.clock.now() });
      await stored(closed);
      const current = await t.deps.lockboxSettings.getLockboxSettings();
      const { updatedBy: _by, updatedAt: _at, scopes: _scopes, permissionProfiles: _profiles, ...asked } = current;
      const refused = await refusal(saveLockboxSettings(t.deps, ALEX_ADMIN, { ...asked, retentionDays: 0 }));
      expect(isDoormanError(refused, 'INPUT.INVALID') && refused.fields).toEqual([{ field: 'retentionDays', problem: 'range' }]);
      await saveLockboxSettings(t.deps, ALEX_ADMIN, { ...asked, retentionDays: 7 });

      t.clock.advance(8 * DAY);
      expect(await new RetentionEraser(t.deps).run()).toBe(1);
    });

    it("finishes an admin's erasure that an instance left half-way", async () => {
      const session = aSessionRequest({ recipient: { name: 'Chris', email: 'chris@contoso.com' } });
      await stored(session);
      await t.deps.requests.saveErasureRequest({
        id: 'erasure-left',
        subject: { email: 'chris@contoso.com' },
        pseudonym: 'Person ABC123',
        state: 'confirmed',
        version: 2,
        requestedBy: 'admin-ada',
        requestedAt: t.clock.now(),
        decidedBy: 'admin-ada',
        decidedAt: t.clock.now(),
        erasedRequests: null,
      });

      expect(await new RetentionEraser(t.deps).run()).toBe(1);
      expect((await t.deps.requests.getRequest(session.id))?.erasedAs).toBe('Person ABC123');
      expect(await t.deps.requests.getErasureRequest('erasure-left')).toMatchObject({ state: 'done', subject: null, erasedRequests: 1 });
    });
  });
});
