import { AssistRequest } from '../../src/domain/assist';
import { InvitationRequest } from '../../src/domain/invitation';
import { LockboxRequest } from '../../src/domain/lockbox';
import { SessionRequest } from '../../src/domain/session';
import { JwksDouble, signToken } from './entraDouble';
import { GraphDouble, startGraphDouble } from './graphDouble';
import { teamsActivity } from './activities';
import { APPROVALS_CHANNEL, PEOPLE, TENANT, TestDoorman, startTestDoorman } from './testDoorman';

// Issue 11: in Graph mode no object id reaches a person. A Doorman with people and roles from Entra (the Graph double,
// DIRECTORY=graph, approvers through a nested group), mail through sendMail and activity-feed notifications on; a walk
// through every kind of request; and the scanners that find object ids in what a person reads. Used by
// test/integration/noGuidWhereRead.test.ts (cards, mails, feed, REST trails, the tab's answers) and
// test/e2e/graphNoGuid.e2e.test.ts (the same, and the tab as Chromium renders it).

export const APPROVERS = 'a1a1a1a1-0000-4000-8000-00000000a001';
const NIGHT_SHIFT = 'a1a1a1a1-0000-4000-8000-00000000a002';
/** The tab's SSO client id and the REST API's token audience of the Graph-mode Doorman. */
export const TAB_CLIENT_ID = '7e7e7e7e-1111-4222-8333-444444444444';
const API_AUDIENCE = 'api://doorman.contoso.example';
const SYSTEM_APP = '5a5a5a5a-6b6b-4c7c-8d8d-9e9e9e9e9e9e';
const TEAMS_APP_ID = '03c80289-9068-4332-b2da-cd6a300c7f50';

/** An object-id shaped GUID. */
export const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Keys of the REST API and the tab's JSON whose values are ids by contract (DESIGN.md §5); nothing else may hold one. */
export const API_ID_FIELDS = new Set(['id', 'owner', 'assignee', 'requester', 'actor', 'by', 'queueId', 'requestedVia', 'helper', 'inviter', 'invitee', 'parentId']);

/** Card keys Teams never shows: element ids, action verbs and data, an OpenUrl's address, refresh lists; a choice's `value` is its id. */
export const CARD_HIDDEN_KEYS = new Set(['id', 'verb', 'data', 'url', 'userIds', 'style', 'type', 'version', '$schema']);

/** Every string a person reads in a card (or activity), with its path. */
export function readableStrings(node: unknown, path = '', inChoice = false): { path: string; text: string }[] {
  if (typeof node === 'string') return [{ path, text: node }];
  if (Array.isArray(node)) return node.flatMap((item, index) => readableStrings(item, `${path}[${index}]`, inChoice));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => {
    if (CARD_HIDDEN_KEYS.has(key) || (inChoice && key === 'value')) return [];
    return readableStrings(value, `${path}.${key}`, key === 'choices');
  });
}

/** What a person reads of an activity the connector got: its text, its cards, the mention texts (not their ids). */
export function readableOfActivity(activity: Record<string, unknown>, where: string): { path: string; text: string }[] {
  const attachments = (activity.attachments as { content?: unknown }[] | undefined) ?? [];
  const entities = (activity.entities as { text?: string }[] | undefined) ?? [];
  return [
    ...(typeof activity.text === 'string' ? [{ path: `${where}.text`, text: activity.text }] : []),
    ...(typeof activity.summary === 'string' ? [{ path: `${where}.summary`, text: activity.summary }] : []),
    ...attachments.flatMap((attachment, index) => readableStrings(attachment.content, `${where}.attachments[${index}]`)),
    ...entities.flatMap((entity, index) => (entity.text ? [{ path: `${where}.entities[${index}].text`, text: entity.text }] : [])),
  ];
}

/** Every string of an API answer outside its id fields. */
export function apiStrings(node: unknown, path = ''): { path: string; text: string }[] {
  if (typeof node === 'string') return [{ path, text: node }];
  if (Array.isArray(node)) return node.flatMap((item, index) => apiStrings(item, `${path}[${index}]`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => (API_ID_FIELDS.has(key) ? [] : apiStrings(value, `${path}.${key}`)));
}

/** The strings among these that hold an object-id shaped GUID, with their paths. */
export const withGuid = (strings: { path: string; text: string }[]) => strings.filter((item) => GUID.test(item.text)).map((item) => `${item.path}: ${item.text}`);

interface Kinds {
  session: SessionRequest;
  lockbox: LockboxRequest;
  assist: AssistRequest;
  invitation: InvitationRequest;
}

/** A Graph-mode test Doorman, its Graph double, the cards it answered inline, and the calls a walk needs. */
export interface GraphModeDoorman {
  t: TestDoorman;
  graph: GraphDouble;
  inlineCards: { who: string; card: unknown }[];
  /** Delivers until nothing is waiting, moving the clock past the per-conversation waits. */
  deliverAll(): Promise<void>;
  /** A tab SSO token of a person, signed by the Entra key double. */
  tabToken(who: keyof typeof PEOPLE): string;
  /** An app-only token of a system allowed to ask for lockbox access. */
  appToken(): string;
  call(method: string, path: string, auth: string, body?: unknown): Promise<{ status: number; text: string; json: any }>;
  newest<K extends keyof Kinds>(kind: K): Promise<Kinds[K]>;
  stop(): Promise<void>;
}

/** Starts the Graph double with the tenant's people and groups, and a Doorman reading them (tab tokens from `jwks`). */
export async function startGraphModeDoorman(jwks: JwksDouble): Promise<GraphModeDoorman> {
  const inlineCards: { who: string; card: unknown }[] = [];
  const graph = await startGraphDouble({
    roles: ['User.Read.All', 'GroupMember.Read.All', 'MailboxSettings.Read', 'Mail.Send', 'TeamsActivity.Send', 'TeamsAppInstallation.ReadWriteSelfForUser.All'],
  });
  graph.addTeamsApp({ id: TEAMS_APP_ID, displayName: 'Doorman' });
  const zones: Record<keyof typeof PEOPLE, string> = {
    alex: 'W. Europe Standard Time',
    bea: 'Central Europe Standard Time',
    carl: 'GMT Standard Time',
    dana: 'Eastern Standard Time',
    eve: 'Europe/Paris',
    finn: 'Tokyo Standard Time',
  };
  for (const [key, person] of Object.entries(PEOPLE) as [keyof typeof PEOPLE, (typeof PEOPLE)[keyof typeof PEOPLE]][]) {
    const first = person.name.split(' ')[0].toLowerCase();
    graph.addUser({ id: person.aadObjectId, displayName: person.name, userPrincipalName: `${first}@contoso.com`, mail: `${first}@contoso.com`, mailboxSettings: { timeZone: zones[key] } });
  }
  graph.addUser({ id: 'b0b0b0b0-0000-4000-8000-00000000b0b0', displayName: 'Support', userPrincipalName: 'support@contoso.com', mail: 'support@contoso.com' });
  graph.addGroup({ id: NIGHT_SHIFT, displayName: 'Night shift', members: [PEOPLE.carl.aadObjectId] });
  graph.addGroup({ id: APPROVERS, displayName: 'Lockbox approvers', members: [NIGHT_SHIFT, PEOPLE.finn.aadObjectId] });
  const t = await startTestDoorman({
    graphConnection: { credentialOptions: graph.credentialOptions, fetchOptions: graph.fetchOptions },
    env: {
      DIRECTORY: 'graph',
      MAIL: 'graph',
      MAIL_SENDER: 'support@contoso.com',
      ...graph.graphEnv(),
      ROLE_ADMINS: PEOPLE.alex.aadObjectId,
      ROLE_AGENTS: `${PEOPLE.alex.aadObjectId},${PEOPLE.bea.aadObjectId}`,
      ROLE_APPROVERS: `group:${APPROVERS}`,
      ROLE_ENGINEERS: PEOPLE.dana.aadObjectId,
      TAB_SSO_CLIENT_ID: TAB_CLIENT_ID,
      ENTRA_JWKS_URL: jwks.url,
      API_TOKEN_AUDIENCES: API_AUDIENCE,
      TEAMS_APP_ID,
    },
  });
  const invoke = t.invoke;
  t.invoke = async (who, verb, data, where, replyToId) => {
    const answer = await invoke(who, verb, data, where, replyToId);
    if (answer.body?.value) inlineCards.push({ who: `${who} ${verb}`, card: answer.body.value });
    return answer;
  };
  const token = (claims: Record<string, unknown>) => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return signToken({ iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, iat: now, nbf: now, exp: now + 3600, tid: TENANT, ver: '2.0', ...claims }, jwks.key.privateKey);
  };
  return {
    t,
    graph,
    inlineCards,
    async deliverAll() {
      for (let round = 0; round < 10; round += 1) {
        await t.deliver();
        if ((await t.store.pendingOutboxCount()) === 0) return;
        t.clock.advance(5_000);
      }
    },
    tabToken: (who) => token({ aud: TAB_CLIENT_ID, oid: PEOPLE[who].aadObjectId, scp: 'access_as_user' }),
    appToken: () => token({ aud: API_AUDIENCE, oid: SYSTEM_APP, azp: SYSTEM_APP, roles: ['Lockbox.Request'] }),
    async call(method, path, auth, body) {
      const response = await fetch(`${t.doorman.url}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, text, json: text.startsWith('{') ? JSON.parse(text) : null };
    },
    async newest(kind) {
      const [request] = await t.store.listRequests({ kind });
      return request as never;
    },
    async stop() {
      await t.stop();
      await graph.close();
    },
  };
}

/** The requests a walk leaves behind, and the API key that can read them all. */
export interface Walked {
  key: string;
  session: SessionRequest;
  helping: AssistRequest;
  invitation: InvitationRequest;
  fromChat: LockboxRequest;
  keyed: LockboxRequest;
}

/**
 * Every kind of request, people named by Entra: a session handed to Bea; an assistance request Bea takes and invites
 * Alex into; lockbox requests from chat (approved by Carl, an approver through a nested group, with no `from.name`),
 * through an API key (denied by Finn, who then leaves the tenant) and through an Entra app; approval turned off; the
 * settings, requests and whoami cards.
 */
export async function walkEveryFlow(g: GraphModeDoorman): Promise<Walked> {
  await g.t.message('alex', '<at>Doorman</at> register queue Tier 1', 'channel');
  await g.t.registerApprovals();
  for (const who of ['alex', 'bea', 'carl', 'dana', 'finn'] as const) await g.t.message(who, 'hi');
  await g.t.message('alex', 'new session');
  // The form's Assign list searches the agents (Data.Query): each result's title is what Alex reads; its value is an id.
  const search = await g.t.post({
    ...teamsActivity({ from: PEOPLE.alex, place: { personal: true }, tenantId: TENANT, serviceUrl: g.t.connector.url, id: 'search-1' }),
    type: 'invoke',
    name: 'application/search',
    value: { queryText: 'a', queryOptions: { skip: 0, top: 15 }, dataset: 'agents' },
  });
  const results = (search.body?.value?.results ?? []) as { title: string; value: string }[];
  expect(results.map((result) => result.title)).toEqual(expect.arrayContaining(['Alex Agent', 'Bea Agent']));
  g.inlineCards.push({ who: 'alex Assign search', card: { choices: results } });

  // A session handed to Bea, with the customer's mail; the customer arrives and allows access; Bea admits.
  await g.t.invoke('alex', 'session.create', { recipientName: 'Chris Customer', recipientEmail: 'chris@example.com', sendEmail: 'true', emailLanguage: 'en', assignTo: `user:${PEOPLE.bea.aadObjectId}` });
  const session = await g.newest('session');
  expect(session.assignee?.name).toBe('Bea Agent');
  await g.deliverAll();
  const code = /\/j\/([A-Za-z0-9_-]+)/.exec(g.graph.mails.map((mail) => mail.text ?? mail.html ?? '').join('\n'))?.[1];
  const portal = `${g.t.doorman.url}/j/${code}`;
  const arrive = await fetch(`${portal}/arrive`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Chris Customer' }) });
  const cookie = (arrive.headers.get('set-cookie') ?? '').split(';')[0];
  await fetch(`${portal}/consent`, { method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie }, body: JSON.stringify({ allow: true }) });
  await g.deliverAll();
  const ready = (await g.t.store.getRequest(session.id)) as SessionRequest;
  await g.t.invoke('bea', 'session.admit', { requestId: ready.id, version: ready.version });
  await g.deliverAll();

  // Eve asks for help; Bea accepts from the assistance channel, Eve allows control; Bea invites Alex, who accepts.
  await g.t.message('alex', '<at>Doorman</at> register assistance', 'channel');
  await g.t.message('eve', 'hi');
  expect((await g.t.invoke('eve', 'assist.create', { problem: 'VPN drops', urgency: 'normal', deviceId: `local-${PEOPLE.eve.aadObjectId}-laptop` })).body.statusCode).toBe(200);
  await g.deliverAll();
  const asked = await g.newest('assist');
  await g.t.invoke('bea', 'assist.accept', { requestId: asked.id, version: asked.version }, 'channel');
  await g.deliverAll();
  const accepted = await g.newest('assist');
  await g.t.invoke('eve', 'assist.allowControl', { requestId: accepted.id, version: accepted.version });
  await g.deliverAll();
  const helping = await g.newest('assist');
  expect(helping.state).toBe('connected');
  expect((await g.t.invoke('bea', 'invitation.create', { requestId: helping.id, version: helping.version, invitee: PEOPLE.alex.aadObjectId, permissionProfile: 'Collaborate' })).body.statusCode).toBe(200);
  await g.deliverAll();
  const invitation = await g.newest('invitation');
  expect(invitation.state).toBe('pending');
  expect((await g.t.invoke('alex', 'invitation.accept', { requestId: invitation.id, version: invitation.version })).body.statusCode).toBe(200);
  await g.deliverAll();
  expect((await g.newest('invitation')).state).toBe('accepted');

  // Lockbox from chat: Carl (an approver through a nested group) approves.
  await g.t.invoke('dana', 'lockbox.create', { resource: 'Contoso mailbox', reason: 'Case 4711', ticket: 'T-4711', durationMinutes: '60' });
  await g.deliverAll();
  const fromChat = await g.newest('lockbox');
  await g.t.invoke('carl', 'card.refresh', { requestId: fromChat.id, version: fromChat.version }, 'channel');
  // Teams may leave `from.name` out (the schema makes it optional): the approval comes without one.
  const nameless = await g.t.post({
    ...teamsActivity({ from: { aadObjectId: PEOPLE.carl.aadObjectId }, place: { channel: APPROVALS_CHANNEL, team: '19:team@thread.tacv2' }, tenantId: TENANT, serviceUrl: g.t.connector.url, id: 'nameless-1' }),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb: 'lockbox.approve', data: { requestId: fromChat.id, version: fromChat.version, comment: 'go ahead' } }, trigger: 'manual' },
  });
  expect(nameless.body.statusCode).toBe(200);
  g.inlineCards.push({ who: 'carl (no name) lockbox.approve', card: nameless.body.value });
  await g.deliverAll();

  // Lockbox through an API key, denied by Finn, who then leaves the tenant.
  const key = await g.t.issueApiKey({ id: 'ticketing-1', name: 'ticketing', onBehalfOf: ['*'] });
  const byKey = await g.call('POST', '/api/v1/lockbox', key, { onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Fabrikam tenant', reason: 'Case 4712', ticket: 'T-4712', durationMinutes: 30 });
  expect(byKey.status).toBe(201);
  await g.deliverAll();
  const keyed = (await g.t.store.getRequest(byKey.json.id)) as LockboxRequest;
  await g.t.invoke('finn', 'lockbox.deny', { requestId: keyed.id, version: keyed.version, comment: 'not this week' }, 'channel');
  await g.deliverAll();

  // Lockbox through an Entra app (app-only token): the app has no name Doorman may read.
  const byApp = await g.call('POST', '/api/v1/lockbox', g.appToken(), { onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Northwind archive', reason: 'Case 4713', ticket: 'T-4713', durationMinutes: 45 });
  expect(byApp.status).toBe(201);
  await g.deliverAll();

  // An admin turns approval off: approvers are told who changed it.
  await g.t.invoke('alex', 'settings.save', { approvalRequired: 'false', leadReview: 'false', defaultDurationMinutes: '240', maxDurationMinutes: '1440', decisionHours: '12' });
  await g.deliverAll();

  g.graph.users.delete(PEOPLE.finn.aadObjectId);
  g.graph.groups.get(APPROVERS)?.members.splice(1);
  g.t.clock.advance(10 * 60_000);
  await g.t.invoke('carl', 'card.refresh', { requestId: keyed.id, version: keyed.version + 1 }, 'channel');
  // The card names the approver who left as a former member (markdown escapes the brackets).
  expect(readableStrings(g.inlineCards.at(-1)?.card).map((item) => item.text.replace(/\\/g, ''))).toContainEqual(expect.stringMatching(/^Finn Approver \(former member\), /));
  await g.t.message('alex', 'settings');
  await g.t.message('dana', 'requests');
  await g.t.message('bea', 'requests');
  await g.t.message('carl', 'whoami');
  await g.deliverAll();
  return { key, session, helping, invitation, fromChat, keyed };
}

/** Object ids found in what people read of the walk: Bot Connector cards and texts, inline answers, the feed, mails. */
export function guidsWhereRead(g: GraphModeDoorman): string[] {
  const problems: string[] = [];
  for (const [index, call] of g.t.connector.calls.entries()) {
    const activity = (call.kind === 'createConversation' ? call.body.activity : call.body) as Record<string, unknown>;
    const strings = readableOfActivity(activity, `connector[${index}] ${call.kind} ${call.conversationId.slice(0, 24)}`);
    // `whoami` tells a person their own object id on purpose (to put into ROLE_*), on its own labelled line.
    problems.push(...withGuid(strings.map((item) => ({ ...item, text: item.text.replace(/^Object id: \S+$/m, '') }))));
  }
  for (const [index, { who, card }] of g.inlineCards.entries()) problems.push(...withGuid(readableStrings(card, `inline[${index}] ${who}`)));
  // An activity-feed notification shows its text topic, its preview and the template's parameters; the deep link is not read.
  for (const [userId, feed] of g.graph.activityNotifications) {
    for (const [index, { topic, previewText, templateParameters }] of feed.entries()) {
      const where = `feed ${userId.slice(-4)}[${index}]`;
      problems.push(...withGuid([...(topic.source === 'text' ? [{ path: `${where}.topic`, text: topic.value }] : []), { path: `${where}.preview`, text: previewText.content }]));
      problems.push(...withGuid(templateParameters.map((parameter) => ({ path: `${where}.${parameter.name}`, text: parameter.value }))));
    }
  }
  for (const [index, mail] of g.graph.mails.entries()) {
    for (const [part, text] of Object.entries({ subject: mail.subject, text: mail.text, html: mail.html })) {
      if (text && GUID.test(text)) problems.push(`mail[${index}] to ${mail.to} ${part}: ${GUID.exec(text)?.[0]}`);
    }
  }
  return problems;
}
