import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockboxRequest } from '../../src/domain/lockbox';
import { JwksDouble, signToken, signingKey } from '../support/entraDouble';
import { GraphDouble, startGraphDouble } from '../support/graphDouble';
import { PEOPLE, TENANT, TestDoorman, startTestDoorman } from '../support/testDoorman';
import { findById, getById } from '../support/validateCard';

// Issue 15: lockbox access is exactly what was approved, counted per person, never taking what Doorman did not give.
// Access goes through the Graph double's group (ACCESS=graph): memberships are real state there.
const ACCESS_GROUP = '5c1b7a2e-0000-4000-8000-00000000acce';
const MAILBOX_GROUP = '5c1b7a2e-0000-4000-8000-0000000ma11b';
const SCOPES = JSON.stringify([{ id: 'mailboxes', name: 'Mailboxes', description: 'read the mailboxes of the support case', groupId: MAILBOX_GROUP }]);
const ask = (durationMinutes: number, resource = 'Contoso mailbox') => ({ resource, reason: 'Case 4711: mail flow broken', ticket: 'T-4711', durationMinutes: String(durationMinutes) });

describe('lockbox in depth (issue 15), through the bot, with access in an Entra group of the Graph double', () => {
  let graph: GraphDouble;
  let t: TestDoorman;
  let dir: string;

  async function start(roles: string[] = ['GroupMember.ReadWrite.All', 'User.Read.All'], rolesFile?: string, env: Record<string, string> = {}): Promise<void> {
    graph = await startGraphDouble({ roles });
    for (const person of Object.values(PEOPLE)) graph.addUser({ id: person.aadObjectId, displayName: person.name });
    graph.addGroup({ id: ACCESS_GROUP, displayName: 'Lockbox: customer content', members: [] });
    graph.addGroup({ id: MAILBOX_GROUP, displayName: 'Lockbox: mailboxes', members: [] });
    t = await startTestDoorman({
      graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions },
      env: {
        ACCESS: 'graph',
        LOCKBOX_ACCESS_GROUP_ID: ACCESS_GROUP,
        ...graph.graphEnv(),
        ...(rolesFile ? { ROLES_FILE: rolesFile } : {}),
        ...env,
      },
    });
    await t.message('alex', '<at>Doorman</at> register approvals', 'channel');
    for (const who of ['alex', 'carl', 'dana', 'finn', 'eve'] as const) await t.message(who, 'hi');
    t.connector.calls.length = 0;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doorman-lockbox-depth-'));
  });
  afterEach(async () => {
    await t?.stop();
    await graph?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const current = async (id: string) => (await t.store.getRequest(id)) as LockboxRequest;
  const isMember = () => graph.groups.get(ACCESS_GROUP)?.members.includes(PEOPLE.dana.aadObjectId) ?? false;
  const chatOf = (who: keyof typeof PEOPLE) => t.connector.postsIn(`a:personal-${PEOPLE[who].aadObjectId}`).map((call) => JSON.stringify(call.body));
  /** What the approver's card says right now (Teams' refresh asks the bot for it). */
  const approverFacts = async (request: LockboxRequest) =>
    JSON.stringify(findById((await t.invoke('carl', 'card.refresh', { requestId: request.id, version: request.version }, 'channel')).body.value, 'facts'));

  async function deliverAll(): Promise<void> {
    for (let round = 0; round < 8; round += 1) {
      await t.deliver();
      if ((await t.store.pendingOutboxCount()) === 0) return;
      t.clock.advance(5_000);
    }
  }

  async function approved(minutes: number): Promise<LockboxRequest> {
    const before = new Set((await t.store.listRequests({ kind: 'lockbox' })).map((request) => request.id));
    expect((await t.invoke('dana', 'lockbox.create', ask(minutes))).body.statusCode).toBe(200);
    const request = (await t.store.listRequests({ kind: 'lockbox' })).find((candidate) => !before.has(candidate.id)) as LockboxRequest;
    expect((await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel')).body.statusCode).toBe(200);
    await deliverAll();
    return current(request.id);
  }

  it('overlapping requests by the same engineer for the same scope: the membership stays until the last window ends; each card stays true', async () => {
    await start();
    const short = await approved(60);
    const long = await approved(180);
    expect(short.access).toMatchObject({ status: 'granted', membership: 'added' });
    expect(long.access).toMatchObject({ status: 'granted', membership: 'shared' });
    expect(isMember()).toBe(true);

    t.clock.advance(61 * 60_000);
    await t.doorman.sweeper.sweep();
    await deliverAll();
    const shortEnded = await current(short.id);
    expect(shortEnded).toMatchObject({ state: 'ended', access: { kept: 'otherRequest' } });
    expect(isMember()).toBe(true);
    expect(await approverFacts(shortEnded)).toContain('Membership kept: another approved request of the requester still runs');
    expect((await current(long.id)).state).toBe('approved');
    expect(chatOf('dana').some((body) => body.includes('Your access continues under another approved request'))).toBe(true);

    t.clock.advance(120 * 60_000);
    await t.doorman.sweeper.sweep();
    await deliverAll();
    expect(await current(long.id)).toMatchObject({ state: 'ended', access: { status: 'removed' } });
    expect((await current(long.id)).access.kept ?? null).toBeNull();
    expect(isMember()).toBe(false);
    const ledger = await t.store.listGrants();
    expect(ledger.map((grant) => grant.revokedAt !== null)).toEqual([true, true]);
  });

  it('membership the engineer already had: Doorman records it did not add it, never removes it, and the card says so', async () => {
    await start();
    graph.groups.get(ACCESS_GROUP)?.members.push(PEOPLE.dana.aadObjectId);
    const request = await approved(60);
    expect(request.access).toMatchObject({ status: 'granted', membership: 'alreadyMember' });
    expect(graph.requests.some((call) => call.method === 'POST' && call.path.endsWith('/members/$ref'))).toBe(false);
    expect(await approverFacts(request)).toContain('Already a member before this request: Doorman did not add it and will not remove it');

    await t.invoke('dana', 'lockbox.resolve', { requestId: request.id, version: request.version });
    await deliverAll();
    expect(await current(request.id)).toMatchObject({ state: 'ended', access: { kept: 'notAdded' } });
    expect(isMember()).toBe(true);
    expect(graph.requests.some((call) => call.method === 'DELETE')).toBe(false);
    const trail = (await t.store.eventsOf(request.id)).find((event) => event.action === 'end');
    expect(trail?.reason).toContain('Doorman did not add it');
  });

  it('the requester’s "approved" notice is sent after the grant is confirmed, with the real window', async () => {
    await start();
    expect((await t.invoke('dana', 'lockbox.create', ask(60))).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    graph.failNext(1, { status: 503 }, { method: 'POST', path: /members\/\$ref$/ });
    await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    await t.deliver();
    expect((await current(request.id)).access.status).toBe('granting');
    expect(chatOf('dana').some((body) => body.includes('approved'))).toBe(false);

    t.clock.advance(10 * 60_000);
    await deliverAll();
    const granted = await current(request.id);
    expect(granted.access.status).toBe('granted');
    const told = chatOf('dana').find((body) => body.includes('Carl Approver')) ?? '';
    const hhmm = (date: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
    expect(told).toContain(hhmm(granted.access.grantedAt as Date));
    expect(told).toContain(hhmm(granted.access.endsAt as Date));
  });

  it('if the grant fails, the requester and the approver are told why, and the request ends with nothing granted', async () => {
    await start(['GroupMember.Read.All', 'User.Read.All']);
    expect((await t.invoke('dana', 'lockbox.create', ask(60))).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    await deliverAll();
    expect(await current(request.id)).toMatchObject({ state: 'ended', ending: { reason: 'grant failed' }, access: { status: 'failed', grantedAt: null } });
    for (const who of ['dana', 'carl'] as const) {
      expect(chatOf(who).some((body) => body.includes('could not be granted') && body.includes('GroupMember.ReadWrite.All'))).toBe(true);
    }
    expect(chatOf('dana').some((body) => body.includes('access from'))).toBe(false);
    expect(isMember()).toBe(false);
    // The ledger does not count the failed grant as running, so a later request of Dana's is not "shared" with it.
    expect((await t.store.listGrants()).map((grant) => grant.revokedAt !== null)).toEqual([true]);
  });

  it('an approver revokes running access from the card: the membership is removed; the engineer and the other approvers are told', async () => {
    await start();
    const request = await approved(240);
    expect(isMember()).toBe(true);
    const card = (await t.invoke('finn', 'card.refresh', { requestId: request.id, version: request.version }, 'channel')).body.value;
    expect(findById(card, 'revoke')).toBeTruthy();
    const revoked = await t.invoke('finn', 'lockbox.revoke', { requestId: request.id, version: request.version }, 'channel');
    expect(revoked.body.statusCode).toBe(200);
    await deliverAll();
    expect(await current(request.id)).toMatchObject({ state: 'ended', ending: { reason: 'revoked', byId: PEOPLE.finn.aadObjectId }, access: { status: 'removed' } });
    expect(isMember()).toBe(false);
    expect(chatOf('dana').some((body) => body.includes('revoked by an approver'))).toBe(true);
    expect(chatOf('carl').some((body) => body.includes('An approver revoked'))).toBe(true);
    expect(chatOf('finn').some((body) => body.includes('An approver revoked'))).toBe(false);
  });

  it('a grant given up halfway (the directory added the membership but never answered): Doorman finds the membership, removes it, and the trail and ledger say so', async () => {
    await start();
    expect((await t.invoke('dana', 'lockbox.create', ask(60))).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    // Every add takes effect in the directory, and every answer is lost: Doorman retries until it gives up.
    graph.failNext(1000, { status: 504, applied: true }, { method: 'POST', path: /members\/\$ref$/ });
    await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    for (let round = 0; round < 40 && (await current(request.id)).state !== 'ended'; round += 1) {
      await t.deliver();
      t.clock.advance(5 * 60_000);
    }
    expect(await current(request.id)).toMatchObject({ state: 'ended', access: { status: 'failed', grantedAt: null } });
    await deliverAll();

    expect(isMember()).toBe(false);
    expect(graph.requests.some((call) => call.method === 'DELETE' && call.path.endsWith(`/members/${PEOPLE.dana.aadObjectId}/$ref`))).toBe(true);
    expect((await current(request.id)).access.reconciled).toBe('removed');
    expect((await t.store.listGrants()).map((grant) => ({ membership: grant.membership, revoked: grant.revokedAt !== null }))).toEqual([{ membership: 'added', revoked: true }]);
    const trail = (await t.store.eventsOf(request.id)).find((event) => event.action === 'reconcile');
    expect(trail).toMatchObject({ actorId: 'system:dispatcher' });
    expect(trail?.reason).toContain('removed by Doorman');
  }, 30_000);

  it('a grant given up before the directory added anything: nothing is removed, and the ledger stops saying `adding`', async () => {
    await start();
    expect((await t.invoke('dana', 'lockbox.create', ask(60))).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    graph.failNext(1000, { status: 504 }, { method: 'POST', path: /members\/\$ref$/ });
    await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    for (let round = 0; round < 40 && (await current(request.id)).state !== 'ended'; round += 1) {
      await t.deliver();
      t.clock.advance(5 * 60_000);
    }
    await deliverAll();
    expect(isMember()).toBe(false);
    expect(graph.requests.some((call) => call.method === 'DELETE')).toBe(false);
    expect((await current(request.id)).access.reconciled).toBe('absent');
    expect((await t.store.listGrants()).map((grant) => grant.membership)).toEqual(['notAdded']);
  }, 30_000);

  it('revoked before the grant began: a membership the engineer already had is not removed', async () => {
    await start();
    graph.groups.get(ACCESS_GROUP)?.members.push(PEOPLE.dana.aadObjectId);
    expect((await t.invoke('dana', 'lockbox.create', ask(60))).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    const approvedNow = await current(request.id);
    expect(approvedNow.access.status).toBe('granting');
    expect((await t.invoke('finn', 'lockbox.revoke', { requestId: request.id, version: approvedNow.version }, 'channel')).body.statusCode).toBe(200);
    await deliverAll();
    expect(await current(request.id)).toMatchObject({ state: 'ended', ending: { reason: 'revoked' }, access: { kept: 'notAdded' } });
    expect(isMember()).toBe(true);
    expect(graph.requests.some((call) => call.method === 'DELETE')).toBe(false);
  });

  it('the auditor\'s questions (what did this approval grant, to whom, from when to when, who added and who removed it) are answered by the trail in the tab and in the REST API', async () => {
    const tabClientId = '11111111-2222-3333-4444-555555555555';
    const entraKey = signingKey();
    const jwks = new JwksDouble(entraKey);
    await jwks.start();
    try {
      await start(undefined, undefined, { TAB_SSO_CLIENT_ID: tabClientId, TAB_SSO_APP_ID_URI: `api://doorman.contoso.example/${tabClientId}`, ENTRA_JWKS_URL: jwks.url });
      const request = await approved(60);
      t.clock.advance(61 * 60_000);
      await t.doorman.sweeper.sweep();
      await deliverAll();
      const ended = await current(request.id);
      expect(ended).toMatchObject({ state: 'ended', access: { status: 'removed' } });
      const grantedAt = (ended.access.grantedAt as Date).toISOString();
      const removedAt = (ended.access.removedAt as Date).toISOString();

      // REST API: ids, times and the trail's reasons, with names next to ids.
      const key = await t.issueApiKey({ id: 'k-audit', name: 'Audit', onBehalfOf: ['*'] });
      const rest = (await (await fetch(`${t.doorman.url}/api/v1/lockbox/${request.id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
        requester: string;
        scope: { name: string };
        resource: string;
        access: Record<string, unknown>;
        events: { action: string; actor: string; actorName: string; reason: string | null; at: string }[];
      };
      expect(rest).toMatchObject({ requester: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', scope: { name: 'Customer content' } });
      expect(rest.access).toMatchObject({ grantedAt, removedAt, membership: 'added' });
      const restEvent = (action: string) => rest.events.find((event) => event.action === action);
      expect(restEvent('approve')).toMatchObject({ actor: PEOPLE.carl.aadObjectId, actorName: 'Carl Approver' });
      expect(restEvent('confirmGrant')).toMatchObject({ at: grantedAt, actor: 'system:dispatcher', reason: 'membership added by Doorman' });
      expect(restEvent('end')).toMatchObject({ at: removedAt, actor: 'system:dispatcher', reason: 'window elapsed; membership removed by Doorman' });

      // The tab: the window, the scope, and the timeline's lines say the same in words.
      const now = Math.floor(t.clock.now().getTime() / 1000);
      const token = signToken(
        { aud: tabClientId, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, iat: now, nbf: now, exp: now + 3600, name: PEOPLE.alex.name, oid: PEOPLE.alex.aadObjectId, scp: 'access_as_user', tid: TENANT, ver: '2.0' },
        entraKey.privateKey,
      );
      const tab = (await (await fetch(`${t.doorman.url}/tab/api/requests/${request.id}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
        request: { requesterName: string; window: { from: string; to: string }; details: { label: string; value: string }[] };
        events: { text: string; reason: string | null; at: string }[];
      };
      expect(tab.request).toMatchObject({ requesterName: 'Dana Engineer', window: { from: grantedAt, to: removedAt } });
      expect(tab.request.details).toEqual(expect.arrayContaining([{ label: 'Access scope', value: 'Customer content' }, { label: 'Resource', value: 'Contoso mailbox' }]));
      expect(tab.events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ text: 'Carl Approver approved' }),
          expect.objectContaining({ at: grantedAt, text: 'Access granted, confirmed', reason: 'membership added by Doorman' }),
          expect.objectContaining({ at: removedAt, reason: 'window elapsed; membership removed by Doorman' }),
        ]),
      );
    } finally {
      await jwks.stop();
    }
  }, 30_000);

  it('separation of duties across the lead review and approval: the lead who passed the review cannot also approve', async () => {
    const rolesFile = join(dir, 'roles.json');
    writeFileSync(
      rolesFile,
      JSON.stringify({
        users: [
          { aadObjectId: PEOPLE.alex.aadObjectId, name: PEOPLE.alex.name, roles: ['admin', 'agent', 'approver'] },
          { aadObjectId: PEOPLE.carl.aadObjectId, name: PEOPLE.carl.name, roles: ['approver'] },
          { aadObjectId: PEOPLE.dana.aadObjectId, name: PEOPLE.dana.name, roles: ['engineer'] },
          { aadObjectId: PEOPLE.eve.aadObjectId, name: PEOPLE.eve.name, roles: [] },
          { aadObjectId: PEOPLE.finn.aadObjectId, name: PEOPLE.finn.name, roles: ['approver'] },
        ],
      }),
    );
    await start(undefined, rolesFile);
    const saved = await t.invoke('alex', 'settings.save', { approvalRequired: 'true', leadReview: 'true', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
    expect(saved.body.statusCode).toBe(200);
    expect((await t.invoke('dana', 'lockbox.create', ask(60))).body.statusCode).toBe(200);
    const [inReview] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    expect(inReview.state).toBe('review');

    await t.invoke('alex', 'lockbox.approve', { requestId: inReview.id, version: inReview.version, stage: 'review' }, 'channel');
    const reviewed = await current(inReview.id);
    expect(reviewed.state).toBe('pending');
    const refused = await t.invoke('alex', 'lockbox.approve', { requestId: reviewed.id, version: reviewed.version }, 'channel');
    expect(JSON.stringify(findById(refused.body.value, 'notice'))).toContain('You passed the lead review of this request');
    expect(await current(reviewed.id)).toMatchObject({ state: 'pending', version: reviewed.version });

    await t.invoke('carl', 'lockbox.approve', { requestId: reviewed.id, version: reviewed.version }, 'channel');
    expect((await current(reviewed.id)).state).toBe('approved');
  });

  /** Mail written by the local mailer, to `address`, with its body parts decoded. */
  function mailsTo(address: string): string[] {
    const mailDir = join(t.dir, 'mail');
    if (!existsSync(mailDir)) return [];
    return readdirSync(mailDir)
      .map((name) => readFileSync(join(mailDir, name), 'utf8'))
      .filter((mail) => mail.includes(address))
      .map((mail) =>
        mail
          .split('\r\n\r\n')
          .slice(1)
          .map((part) => Buffer.from(part.replace(/--doorman-[\s\S]*$/, '').replace(/\s+/g, ''), 'base64').toString('utf8'))
          .join('\n'),
      );
  }

  it('escalation: undecided after the admin\'s escalation time, backup approvers are added and told by chat and mail; reminders reach them; all in the trail', async () => {
    await start();
    const saved = await t.invoke('alex', 'settings.save', { approvalRequired: 'true', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12', escalationHours: '4' });
    expect(saved.body.statusCode).toBe(200);
    expect((await t.store.getLockboxSettings()).escalationHours).toBe(4);
    expect((await t.invoke('dana', 'lockbox.create', ask(60))).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    await deliverAll();
    const early = await t.invoke('alex', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    expect(JSON.stringify(findById(early.body.value, 'notice'))).toBeTruthy();
    expect((await current(request.id)).state).toBe('pending');

    t.clock.advance(4 * 3600_000 - 1000);
    expect(await t.doorman.sweeper.sweep()).toBe(0);
    t.clock.advance(1000);
    expect(await t.doorman.sweeper.sweep()).toBe(1);
    await deliverAll();
    const escalated = await current(request.id);
    expect(escalated.escalatedTo).toEqual([PEOPLE.alex.aadObjectId]);
    expect(chatOf('alex').some((body) => body.includes('You are a backup approver now'))).toBe(true);
    expect(mailsTo('alex@example.com').some((mail) => mail.includes('you were added as a backup approver'))).toBe(true);
    const trail = (await t.store.eventsOf(request.id)).find((event) => event.action === 'escalate');
    expect(trail).toMatchObject({ actorId: 'system:sweeper' });
    expect(trail?.reason).toContain(PEOPLE.alex.aadObjectId);

    t.clock.advance(7 * 3600_000);
    await t.doorman.sweeper.sweep();
    await deliverAll();
    for (const who of ['alex', 'carl', 'finn'] as const) expect(chatOf(who).some((body) => /1 hour/i.test(body))).toBe(true);
    expect(mailsTo('alex@example.com').some((mail) => mail.includes('1 hour is left'))).toBe(true);
    expect(mailsTo('carl@example.com').some((mail) => mail.includes('1 hour is left'))).toBe(true);

    const now = await current(request.id);
    const approvedByBackup = await t.invoke('alex', 'lockbox.approve', { requestId: now.id, version: now.version }, 'channel');
    expect(approvedByBackup.body.statusCode).toBe(200);
    expect(await current(request.id)).toMatchObject({ state: 'approved', decisions: [{ action: 'approve', byId: PEOPLE.alex.aadObjectId }] });
  });

  it('escalation must come before the decision deadline: the settings card refuses it field by field', async () => {
    await start();
    const refused = await t.invoke('alex', 'settings.save', { approvalRequired: 'true', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12', escalationHours: '12' });
    expect(findById(refused.body.value, 'escalationHoursError')).toBeTruthy();
    expect((await t.store.getLockboxSettings()).escalationHours).toBe(0);
  });

  it('access scopes defined by an admin: the engineer picks one, the approver\'s card says exactly what and for how long, and only that group is granted', async () => {
    await start(undefined, undefined, { LOCKBOX_SCOPES: SCOPES });
    await t.message('dana', 'lockbox');
    const form = t.connector.postsIn(`a:personal-${PEOPLE.dana.aadObjectId}`).map((call) => call.body).pop();
    const choices = (findById(form, 'scope') as { choices?: { value: string; title: string }[] } | undefined)?.choices ?? [];
    expect(choices.map((choice) => choice.value)).toEqual(['default', 'mailboxes']);
    expect(choices[1].title).toContain('read the mailboxes of the support case');

    const unknown = await t.invoke('dana', 'lockbox.create', { ...ask(60), scope: 'everything' });
    expect(findById(unknown.body.value, 'scopeError')).toBeTruthy();
    expect(await t.store.listRequests({ kind: 'lockbox' })).toHaveLength(0);

    expect((await t.invoke('dana', 'lockbox.create', { ...ask(90, 'mailbox of j.doe'), scope: 'mailboxes' })).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    expect(request.scope).toEqual({ id: 'mailboxes', name: 'Mailboxes', description: 'read the mailboxes of the support case' });
    expect(await approverFacts(request)).toContain('Mailboxes: read the mailboxes of the support case, for 1 h 30 min');
    await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    await deliverAll();
    expect((await current(request.id)).access.status).toBe('granted');
    expect(graph.groups.get(MAILBOX_GROUP)?.members).toEqual([PEOPLE.dana.aadObjectId]);
    expect(isMember()).toBe(false);
    expect((await t.store.listGrants())[0]).toMatchObject({ requestId: request.id, scope: 'mailboxes', membership: 'added' });
  });

  it('access scopes edited in settings: an admin adds one (validated field by field), engineers get it, its group is granted, and it cannot be removed while a request uses it', async () => {
    const BILLING_GROUP = '5c1b7a2e-0000-4000-8000-0000000b111d';
    await start(undefined, undefined, { LOCKBOX_SCOPES: SCOPES });
    graph.addGroup({ id: BILLING_GROUP, displayName: 'Lockbox: billing', members: [] });
    const billing = { newScopeId: 'billing-db', newScopeName: 'Billing database', newScopeDescription: 'read the billing records of the case', newScopeGroupId: BILLING_GROUP };

    const refused = (await t.invoke('alex', 'settings.scope.add', { newScopeId: 'Billing DB', newScopeName: '', newScopeDescription: 'x', newScopeGroupId: 'not-a-guid' })).body.value;
    expect(String(getById(refused, 'newScopeIdError').text)).toMatch(/lower-case letters, digits or dashes/);
    expect(findById(refused, 'newScopeNameError')).toBeTruthy();
    expect(findById(refused, 'newScopeDescriptionError')).toBeUndefined();
    expect(String(getById(refused, 'newScopeGroupIdError').text)).toMatch(/GUID/);
    expect(getById(refused, 'newScopeId').value).toBe('Billing DB');
    const taken = (await t.invoke('alex', 'settings.scope.add', { ...billing, newScopeId: 'mailboxes', newScopeGroupId: '' })).body.value;
    expect(String(getById(taken, 'newScopeIdError').text)).toBe('Another scope already has this id.');
    // ACCESS=graph: a scope without its group could never be granted.
    expect(String(getById(taken, 'newScopeGroupIdError').text)).toMatch(/name the group/);
    expect((await t.invoke('dana', 'settings.scope.add', billing)).body.value).toBeTruthy();
    expect((await t.store.getLockboxSettings()).scopes).toEqual([]);

    const added = (await t.invoke('alex', 'settings.scope.add', billing)).body.value;
    expect(getById(added, 'notice').text).toBe('Access scope added.');
    expect(String(getById(added, 'configuredScope2').text)).toMatch(/Mailboxes.*group 5c1b7a2e-0000-4000-8000-0000000ma11b.*cannot be removed here/);
    expect(JSON.stringify(getById(added, 'addedScope1'))).toContain('"verb":"settings.scope.remove","data":{"removeScope":"billing-db"}');
    expect(String(getById(added, 'history1').text)).toMatch(/access scope Billing database \\\(billing-db\\\) added$/);
    expect((await t.store.getLockboxSettings()).scopes).toEqual([{ id: 'billing-db', name: 'Billing database', description: 'read the billing records of the case', groupId: BILLING_GROUP }]);

    expect((await t.invoke('dana', 'lockbox.create', { ...ask(60, 'billing of ACME'), scope: 'billing-db' })).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    expect(request.scope).toEqual({ id: 'billing-db', name: 'Billing database', description: 'read the billing records of the case' });
    const inUse = (await t.invoke('alex', 'settings.scope.remove', { removeScope: 'billing-db' })).body.value;
    expect(String(getById(inUse, 'scopesError').text)).toMatch(/uses this scope/);
    await t.invoke('carl', 'lockbox.approve', { requestId: request.id, version: request.version }, 'channel');
    await deliverAll();
    expect(graph.groups.get(BILLING_GROUP)?.members).toEqual([PEOPLE.dana.aadObjectId]);
    expect(String(getById((await t.invoke('alex', 'settings.scope.remove', { removeScope: 'billing-db' })).body.value, 'scopesError').text)).toMatch(/uses this scope/);
    expect(String(getById((await t.invoke('alex', 'settings.scope.remove', { removeScope: 'mailboxes' })).body.value, 'scopesError').text)).toMatch(/configuration/);

    const running = await current(request.id);
    await t.invoke('dana', 'lockbox.resolve', { requestId: running.id, version: running.version });
    await deliverAll();
    expect((await current(request.id)).state).toBe('ended');
    expect(graph.groups.get(BILLING_GROUP)?.members).toEqual([]);
    t.clock.advance(60_000);
    const removed = (await t.invoke('alex', 'settings.scope.remove', { removeScope: 'billing-db' })).body.value;
    expect(getById(removed, 'notice').text).toBe('Access scope removed.');
    expect(String(getById(removed, 'history1').text)).toMatch(/access scope Billing database \\\(billing-db\\\) removed$/);
    expect((await t.store.getLockboxSettings()).scopes).toEqual([]);
  });

  it('backup approvers listed in settings, besides the admins: validated, named in the history, added at escalation, and they may decide', async () => {
    await start();
    const form = { approvalRequired: 'true', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12', escalationHours: '4' };
    const bad = (await t.invoke('alex', 'settings.save', { ...form, backupApproverIds: 'eve' })).body.value;
    expect(String(getById(bad, 'backupApproverIdsError').text)).toMatch(/GUIDs/);
    expect(getById(bad, 'backupApproverIds').value).toBe('eve');
    const unknown = (await t.invoke('alex', 'settings.save', { ...form, backupApproverIds: '00000000-0000-4000-8000-00000000dead' })).body.value;
    expect(String(getById(unknown, 'backupApproverIdsError').text)).toMatch(/not a person in the directory/);
    expect(await t.store.getLockboxSettings()).toMatchObject({ escalationHours: 0, backupApproverIds: [] });

    const saved = (await t.invoke('alex', 'settings.save', { ...form, backupApproverIds: ` ${PEOPLE.eve.aadObjectId},\n` })).body.value;
    expect(getById(saved, 'notice').text).toBe('Settings saved.');
    expect(String(getById(saved, 'backupApproversNames').text)).toContain('Eve User');
    expect(String(getById(saved, 'history1').text)).toContain('backup approvers: added Eve User');
    expect((await t.store.getLockboxSettings()).backupApproverIds).toEqual([PEOPLE.eve.aadObjectId]);

    expect((await t.invoke('dana', 'lockbox.create', ask(60))).body.statusCode).toBe(200);
    const [request] = (await t.store.listRequests({ kind: 'lockbox' })) as LockboxRequest[];
    await deliverAll();
    const early = await current(request.id);
    await t.invoke('eve', 'lockbox.approve', { requestId: early.id, version: early.version }, 'channel');
    expect((await current(request.id)).state).toBe('pending');
    t.clock.advance(4 * 3600_000);
    expect(await t.doorman.sweeper.sweep()).toBe(1);
    await deliverAll();
    const escalated = await current(request.id);
    expect(escalated.escalatedTo).toEqual([PEOPLE.alex.aadObjectId, PEOPLE.eve.aadObjectId]);
    expect(chatOf('eve').some((body) => body.includes('You are a backup approver now'))).toBe(true);
    expect((await t.invoke('eve', 'lockbox.approve', { requestId: escalated.id, version: escalated.version }, 'channel')).body.statusCode).toBe(200);
    expect(await current(request.id)).toMatchObject({ state: 'approved', decisions: [{ action: 'approve', byId: PEOPLE.eve.aadObjectId }] });
  });
});
