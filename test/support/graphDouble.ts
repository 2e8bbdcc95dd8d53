import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import type { GraphConfig } from '../../src/adapters/graph/graphClient';

/*
 * A stateful stand-in for Microsoft Graph and the Microsoft identity platform's token endpoint, on loopback over
 * https (MSAL refuses an http authority, and the Graph SDK only sends the token to https hosts). Shapes follow the
 * Microsoft Learn pages the adapters cite; where Learn is silent the double says so in a comment.
 *
 * Wiring: config `authorityHost` = double.authorityHost, `baseUrl` = double.baseUrl; the credential gets
 * `double.credentialOptions` (trusts the double's self-signed certificate) and the Graph client
 * `double.fetchOptions` (an undici dispatcher with the same trust). Because the authority host is not a known Azure
 * host, createGraphCredential switches MSAL's instance discovery off; MSAL then only fetches
 * `/<tenant>/v2.0/.well-known/openid-configuration` and posts to `/<tenant>/oauth2/v2.0/token`.
 */

/** A directory user the double knows. */
export interface DoubleUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** Null for an account without an Exchange mailbox. */
  mail: string | null;
  /** ISO 639-1 with region, or null (Graph's default). */
  preferredLanguage?: string | null;
  /**
   * The mailbox's settings as "Get user mailbox settings" returns them (`timeZone` Windows or IANA, as the admin
   * set the mailbox up; `language.locale`); null for a user without an Exchange Online mailbox. Default: UTC.
   */
  mailboxSettings?: { timeZone?: string; language?: { locale: string; displayName?: string } } | null;
}

/** An Entra group the double knows: its direct members are user ids and ids of nested groups. */
export interface DoubleGroup {
  id: string;
  displayName: string;
  members: string[];
}

/** A stored online meeting (onlineMeeting resource, trimmed). */
export interface DoubleMeeting {
  organizerId: string;
  resource: Record<string, unknown> & { id: string; externalId: string; joinWebUrl: string };
}

/** A stored calendar event. */
export interface DoubleEvent {
  organizerId: string;
  resource: Record<string, unknown> & { id: string; transactionId?: string };
}

/** A mail accepted by sendMail, decoded from MIME when it came as MIME. */
export interface DoubleMail {
  sender: string;
  format: 'mime' | 'json';
  raw: string;
  subject: string | null;
  to: string | null;
  language: string | null;
  text: string | null;
  html: string | null;
}

/** An activity-feed notification accepted by sendActivityNotification, as the recipient's feed holds it. */
export interface DoubleActivityNotification {
  topic: { source: 'text' | 'entityUrl'; value: string; webUrl?: string };
  activityType: string;
  previewText: { content: string };
  templateParameters: { name: string; value: string }[];
  teamsAppId: string | null;
}

/** An app in the organization's Teams app catalog (teamsApp, trimmed). */
export interface DoubleTeamsApp {
  id: string;
  externalId: string;
  displayName: string;
  distributionMethod: 'organization' | 'sideloaded' | 'store';
}

/** One request the double saw (without the Authorization header). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A failure to answer instead of the real thing. */
export interface InjectedFailure {
  status: number;
  /** Retry-After header value (seconds or an HTTP date). */
  retryAfter?: string;
  code?: string;
  message?: string;
  /** The call takes effect and only its answer is lost (a gateway timeout after the directory did the work). */
  applied?: boolean;
}

/** Which requests an injected failure applies to. */
export interface FailureMatch {
  method?: string;
  path?: RegExp;
}

/** One entry of a managed device's deviceActionResults ("deviceActionResult resource type"). */
export interface DoubleDeviceActionResult {
  actionName: string;
  actionState: 'none' | 'pending' | 'canceled' | 'active' | 'done' | 'failed' | 'notSupported';
  startDateTime: string;
  lastUpdatedDateTime: string;
}

/** An Intune managed device (managedDevice resource, trimmed), with the user it belongs to. */
export interface DoubleManagedDevice {
  id: string;
  userId: string;
  deviceName: string;
  operatingSystem: string;
  osVersion: string;
  /** Intune's "never" is 0001-01-01T00:00:00Z. */
  lastSyncDateTime: string;
  deviceActionResults: DoubleDeviceActionResult[];
}

/** How the double starts. */
export interface GraphDoubleOptions {
  tenantId?: string;
  clientId?: string;
  /** When set, the token endpoint checks the client secret. */
  clientSecret?: string;
  /** Application permissions (app roles) put into issued tokens. */
  roles?: string[];
  /** Organizers covered by a Teams application access policy for this app; 'global' covers everyone. */
  meetingPolicy?: 'global' | string[];
  now?: () => Date;
}

/** The running double: endpoints, state, counters and failure injection. */
export interface GraphDouble {
  tenantId: string;
  clientId: string;
  authorityHost: string;
  baseUrl: string;
  /** PEM of the self-signed certificate the double serves. */
  ca: string;
  credentialOptions: { tlsOptions: { ca: string } };
  fetchOptions: Record<string, unknown>;
  users: Map<string, DoubleUser>;
  groups: Map<string, DoubleGroup>;
  meetings: Map<string, DoubleMeeting>;
  events: Map<string, DoubleEvent>;
  mails: DoubleMail[];
  /** Activity-feed notifications by recipient (user object id), oldest first. */
  activityNotifications: Map<string, DoubleActivityNotification[]>;
  requests: RecordedRequest[];
  readonly meetingsCreated: number;
  readonly eventsCreated: number;
  readonly tokensIssued: number;
  /** The organization's app catalog, by teamsApp id. */
  teamsApps: Map<string, DoubleTeamsApp>;
  /** Apps installed in each user's personal scope: user id → installation id → app id. */
  installedApps: Map<string, Map<string, string>>;
  /** Adds an app to the catalog (Doorman's, uploaded by an admin). */
  addTeamsApp(app: Partial<DoubleTeamsApp> & { id: string }): DoubleTeamsApp;
  /** True when the app (any app, without `teamsAppId`) is installed for the user. */
  isInstalledFor(userId: string, teamsAppId?: string): boolean;
  /** A Graph configuration pointing at the double (client secret credential). */
  graphConfig(overrides?: Partial<GraphConfig>): GraphConfig;
  /** The same configuration as the GRAPH_* environment variables Doorman reads (tenant, client, secret, URLs). */
  graphEnv(): Record<string, string>;
  addUser(user: Partial<DoubleUser> & { id: string }): DoubleUser;
  /** Adds or replaces a group; `members` are user ids and nested group ids. */
  addGroup(group: Partial<DoubleGroup> & { id: string }): DoubleGroup;
  /** How many users one page of transitiveMembers holds at most (Graph: $top up to 999; default 100). */
  setMembersPageSize(size: number): void;
  setRoles(roles: string[]): void;
  setMeetingPolicy(policy: 'global' | string[]): void;
  /** The next `count` matching requests answer `failure` instead. */
  failNext(count: number, failure: InjectedFailure, match?: FailureMatch): void;
  close(): Promise<void>;
  /** Intune managed devices by id. */
  managedDevices: Map<string, DoubleManagedDevice>;
  /** Adds or replaces a managed device of `userId` (a user the double knows, or the list answers 404). */
  addManagedDevice(device: Partial<DoubleManagedDevice> & { id: string; userId: string }): DoubleManagedDevice;
  /** How many devices one page of /users/{id}/managedDevices holds (default 100). */
  setManagedDevicesPageSize(size: number): void;
  /** Moves the device's latest `actionName` result on, as Intune does when the device reports back. */
  settleDeviceAction(deviceId: string, actionName: 'rebootNow' | 'syncDevice', state: DoubleDeviceActionResult['actionState']): void;
}

const GRAPH_VERSION = 'v1.0';
const EVOLVABLE_MEMBERS = new Set(['invited', 'organizationExcludingGuests', 'coorganizer', 'producer']);
const SUPERSETS: Record<string, string[]> = {
  'User.Read.All': ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'MailboxSettings.Read': ['MailboxSettings.ReadWrite'],
  'GroupMember.Read.All': ['GroupMember.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'DeviceManagementManagedDevices.Read.All': ['DeviceManagementManagedDevices.ReadWrite.All'],
};

let certificate: { key: string; cert: string } | null = null;

/** A self-signed certificate for 127.0.0.1 / localhost, made once per process with the openssl binary. */
function loopbackCertificate(): { key: string; cert: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'graph-double-'));
  try {
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    certificate = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the double on a random loopback port. */
export async function startGraphDouble(options: GraphDoubleOptions = {}): Promise<GraphDouble> {
  const tenantId = options.tenantId ?? '11111111-2222-3333-4444-555555555555';
  const clientId = options.clientId ?? '99999999-8888-7777-6666-555555555555';
  const now = options.now ?? (() => new Date());
  const { key, cert } = loopbackCertificate();

  let roles = options.roles ?? ['OnlineMeetings.ReadWrite.All', 'Calendars.ReadWrite', 'Mail.Send', 'User.Read.All'];
  let meetingPolicy: 'global' | Set<string> =
    options.meetingPolicy === undefined || options.meetingPolicy === 'global' ? 'global' : new Set(options.meetingPolicy);
  const tokens = new Map<string, string[]>();
  const injections: { remaining: number; failure: InjectedFailure; match: FailureMatch }[] = [];
  const users = new Map<string, DoubleUser>();
  const groups = new Map<string, DoubleGroup>();
  let membersPageSize = 100;
  const teamsApps = new Map<string, DoubleTeamsApp>();
  const installedApps = new Map<string, Map<string, string>>();
  const meetings = new Map<string, DoubleMeeting>();
  const events = new Map<string, DoubleEvent>();
  const mails: DoubleMail[] = [];
  const activityNotifications = new Map<string, DoubleActivityNotification[]>();
  const requests: RecordedRequest[] = [];
  const managedDevices = new Map<string, DoubleManagedDevice>();
  let managedDevicesPageSize = 100;
  const counters = { meetings: 0, events: 0, tokens: 0 };
  let sequence = 0;

  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        handle(req, res, body);
      } catch (error) {
        send(res, 500, { error: { code: 'DoubleFailure', message: String(error) } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dispatcher = new Agent({ connect: { ca: cert } });

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', origin);
    const method = (req.method ?? 'GET').toUpperCase();
    const { authorization: _omitted, ...headers } = req.headers;
    requests.push({ method, path: url.pathname, query: url.searchParams, headers, body });

    const injection = injections.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.match.method === undefined || candidate.match.method.toUpperCase() === method) &&
        (candidate.match.path === undefined || candidate.match.path.test(url.pathname)),
    );
    if (injection) {
      injection.remaining -= 1;
      const { status, retryAfter, code, message, applied } = injection.failure;
      if (applied) route(req, DISCARDED_ANSWER, body, url, method);
      return send(res, status, graphError(code ?? defaultCode(status), message ?? 'injected failure'), retryAfter ? { 'Retry-After': retryAfter } : {});
    }

    route(req, res, body, url, method);
  }

  function route(req: IncomingMessage, res: ServerResponse, body: string, url: URL, method: string): void {
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] === tenantId && segments[1] === 'v2.0' && url.pathname.endsWith('/.well-known/openid-configuration')) {
      return send(res, 200, openIdConfiguration(origin, tenantId));
    }
    if (segments[0] === tenantId && segments.slice(1).join('/') === 'oauth2/v2.0/token' && method === 'POST') {
      return tokenEndpoint(res, body);
    }
    if (segments[0] === GRAPH_VERSION && segments[1] === 'groups' && segments.length >= 3) {
      const grantedToGroups = tokens.get(bearer(req.headers.authorization) ?? '');
      if (!grantedToGroups) return send(res, 401, graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.'));
      if (segments[3] === 'members' && segments[segments.length - 1] === '$ref') return groupMemberRefs(res, method, grantedToGroups, segments[2], segments.slice(4, -1), body);
      return groupRoutes(res, method, grantedToGroups, segments[2], segments.slice(3), url.searchParams);
    }
    if (segments[0] === GRAPH_VERSION && segments[1] === 'directoryObjects' && segments[3] === 'checkMemberGroups' && method === 'POST') {
      const grantedToCheck = tokens.get(bearer(req.headers.authorization) ?? '');
      if (!grantedToCheck) return send(res, 401, graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.'));
      return checkMemberGroups(res, grantedToCheck, segments[2], body);
    }
    if (segments[0] === GRAPH_VERSION && segments[1] === 'deviceManagement' && segments[2] === 'managedDevices' && segments.length >= 4) {
      const grantedToDevices = tokens.get(bearer(req.headers.authorization) ?? '');
      if (!grantedToDevices) return send(res, 401, graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.'));
      return deviceRoutes(res, method, grantedToDevices, segments[3], segments.slice(4), url.searchParams);
    }
    if (segments[0] !== GRAPH_VERSION || segments[1] !== 'users' || segments.length < 3) {
      return send(res, 404, graphError('UnknownRoute', `no route ${method} ${url.pathname}`));
    }
    const granted = tokens.get(bearer(req.headers.authorization) ?? '');
    if (!granted) return send(res, 401, graphError('InvalidAuthenticationToken', 'Access token is empty or invalid.'));

    const user = findUser(segments[2]);
    const rest = segments.slice(3);
    const prefer = String(req.headers.prefer ?? '').includes('include-unknown-enum-members');

    if (rest.length === 0 && method === 'GET') {
      if (!hasRole(granted, 'User.Read.All')) return forbiddenDirectory(res);
      if (!user) return send(res, 404, graphError('Request_ResourceNotFound', `Resource '${segments[2]}' does not exist.`));
      return send(res, 200, {
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        mail: user.mail,
        preferredLanguage: user.preferredLanguage ?? null,
        accountEnabled: true,
      });
    }
    if (rest.join('/') === 'mailboxSettings' && method === 'GET') return mailboxSettings(res, granted, user, segments[2]);
    if (rest[0] === 'onlineMeetings') return onlineMeetings(res, method, granted, user, segments[2], rest.slice(1), body, prefer);
    if (rest[0] === 'events') return calendarEvents(res, method, granted, user, rest.slice(1), body);
    if (rest[0] === 'sendMail' && method === 'POST') return sendMail(res, granted, user, req.headers['content-type'], body);
    if (rest.length === 1 && rest[0] === 'managedDevices' && method === 'GET') return userManagedDevices(res, granted, user, segments[2], url.searchParams);
    if (rest.join('/') === 'teamwork/sendActivityNotification' && method === 'POST') return sendActivityNotification(res, granted, user, segments[2], body);
    if (rest[0] === 'teamwork' && rest[1] === 'installedApps') return userInstalledApps(res, method, granted, user, segments[2], rest.slice(2), body, url.searchParams);
    return send(res, 404, graphError('UnknownRoute', `no route ${method} ${url.pathname}`));
  }

  function mailboxSettings(res: ServerResponse, granted: string[], user: DoubleUser | undefined, key: string): void {
    // "Get user mailbox settings": 403 ErrorAccessDenied without MailboxSettings.Read; a user without an Exchange
    // Online mailbox answers 404 MailboxNotEnabledForRESTAPI.
    if (!hasRole(granted, 'MailboxSettings.Read')) return send(res, 403, graphError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'));
    if (!user) return send(res, 404, graphError('ErrorInvalidUser', `The requested user '${key}' is invalid.`));
    if (user.mailboxSettings === null) return send(res, 404, graphError('MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.'));
    const settings = user.mailboxSettings ?? {};
    send(res, 200, {
      '@odata.context': `${origin}/${GRAPH_VERSION}/$metadata#users('${user.id}')/mailboxSettings`,
      archiveFolder: 'AAMkAGI2',
      timeZone: settings.timeZone ?? 'UTC',
      automaticRepliesSetting: { status: 'disabled', externalAudience: 'none' },
      language: settings.language ?? { locale: 'en-US', displayName: 'English (United States)' },
      dateFormat: 'M/d/yyyy',
      timeFormat: 'h:mm tt',
      userPurpose: 'user',
      workingHours: { daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], startTime: '08:00:00.0000000', endTime: '17:00:00.0000000', timeZone: { name: settings.timeZone ?? 'UTC' } },
      delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    });
  }

  function groupRoutes(res: ServerResponse, method: string, granted: string[], groupId: string, rest: string[], query: URLSearchParams): void {
    // "Get group": GET /groups/{id}?$select=… answers the selected properties (GroupMember.Read.All reads them).
    if (method === 'GET' && rest.length === 0) {
      if (!hasRole(granted, 'GroupMember.Read.All')) return forbiddenDirectory(res);
      const group = groups.get(groupId);
      if (!group) return send(res, 404, graphError('Request_ResourceNotFound', `Resource '${groupId}' does not exist or one of its queried reference-property objects are not present.`));
      return send(res, 200, { '@odata.context': `${origin}/${GRAPH_VERSION}/$metadata#groups(id,displayName)/$entity`, id: group.id, displayName: group.displayName });
    }
    // "List group transitive members": GET /groups/{id}/transitiveMembers/microsoft.graph.user, pages of $top
    // (default 100, at most 999) joined by an absolute @odata.nextLink carrying a $skiptoken.
    if (method !== 'GET' || rest.join('/') !== 'transitiveMembers/microsoft.graph.user') {
      return send(res, 404, graphError('UnknownRoute', `no route ${method} /groups/${groupId}/${rest.join('/')}`));
    }
    if (!hasRole(granted, 'GroupMember.Read.All')) return forbiddenDirectory(res);
    if (!groups.has(groupId)) return send(res, 404, graphError('Request_ResourceNotFound', `Resource '${groupId}' does not exist or one of its queried reference-property objects are not present.`));
    const all = [...transitiveUsers(groupId, new Set())].sort();
    const top = Math.min(Number(query.get('$top') ?? 100) || 100, 999, membersPageSize);
    const skip = Number(query.get('$skiptoken') ?? 0) || 0;
    const page = all.slice(skip, skip + top).map((id) => ({ '@odata.type': '#microsoft.graph.user', id }));
    const next = skip + top < all.length ? new URL(`${origin}/${GRAPH_VERSION}/groups/${groupId}/transitiveMembers/microsoft.graph.user`) : null;
    if (next) {
      next.searchParams.set('$select', query.get('$select') ?? 'id');
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', String(skip + top));
    }
    send(res, 200, {
      '@odata.context': `${origin}/${GRAPH_VERSION}/$metadata#users(id)`,
      ...(next ? { '@odata.nextLink': next.toString() } : {}),
      value: page,
    });
  }

  // "Add members" (POST /groups/{id}/members/$ref → 204; 400 when already a member) and "Remove member"
  // (DELETE /groups/{id}/members/{member}/$ref → 204; 404 when not a member): GroupMember.ReadWrite.All.
  function groupMemberRefs(res: ServerResponse, method: string, granted: string[], groupId: string, memberPath: string[], body: string): void {
    if (!hasRole(granted, 'GroupMember.ReadWrite.All')) return forbiddenDirectory(res);
    const group = groups.get(groupId);
    if (!group) return send(res, 404, graphError('Request_ResourceNotFound', `Resource '${groupId}' does not exist or one of its queried reference-property objects are not present.`));
    if (method === 'POST' && memberPath.length === 0) {
      const memberId = String((JSON.parse(body || '{}') as { '@odata.id'?: string })['@odata.id'] ?? '').split('/').pop() ?? '';
      if (group.members.includes(memberId)) {
        return send(res, 400, graphError('Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'."));
      }
      group.members.push(memberId);
      return send(res, 204, null);
    }
    if (method === 'DELETE' && memberPath.length === 1) {
      if (!group.members.includes(memberPath[0])) {
        return send(res, 404, graphError('Request_ResourceNotFound', "One or more removed object references do not exist for the following modified properties: 'members'."));
      }
      group.members = group.members.filter((member) => member !== memberPath[0]);
      return send(res, 204, null);
    }
    return send(res, 404, graphError('UnknownRoute', `no route ${method} /groups/${groupId}/members/${memberPath.join('/')}/$ref`));
  }

  // "directoryObject: checkMemberGroups": the subset of `groupIds` the object is a (transitive) member of.
  function checkMemberGroups(res: ServerResponse, granted: string[], objectId: string, body: string): void {
    if (!hasRole(granted, 'GroupMember.Read.All') && !hasRole(granted, 'GroupMember.ReadWrite.All')) return forbiddenDirectory(res);
    const groupIds = ((JSON.parse(body || '{}') as { groupIds?: string[] }).groupIds ?? []).filter((id) => transitiveUsers(id, new Set()).has(objectId));
    send(res, 200, { '@odata.context': `${origin}/${GRAPH_VERSION}/$metadata#Collection(Edm.String)`, value: groupIds });
  }

  function transitiveUsers(groupId: string, seen: Set<string>): Set<string> {
    const found = new Set<string>();
    if (seen.has(groupId)) return found;
    seen.add(groupId);
    for (const member of groups.get(groupId)?.members ?? []) {
      if (groups.has(member)) for (const nested of transitiveUsers(member, seen)) found.add(nested);
      else if (users.has(member)) found.add(member);
    }
    return found;
  }

  function tokenEndpoint(res: ServerResponse, body: string): void {
    // "Microsoft identity platform and the OAuth 2.0 client credentials flow": form-encoded request, JSON answer
    // { token_type, expires_in, ext_expires_in, access_token }; errors { error, error_description (AADSTS…) }.
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== clientId) {
      return send(res, 400, { error: 'unauthorized_client', error_description: `AADSTS700016: Application with identifier '${form.get('client_id')}' was not found.` });
    }
    if (options.clientSecret !== undefined && form.get('client_secret') !== options.clientSecret) {
      return send(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    }
    const issuedAt = Math.floor(now().getTime() / 1000);
    const token = jwt({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + 3600,
      appid: clientId,
      tid: tenantId,
      oid: randomUUID(),
      roles: [...roles],
    });
    tokens.set(token, [...roles]);
    counters.tokens += 1;
    send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }

  function onlineMeetings(
    res: ServerResponse,
    method: string,
    granted: string[],
    user: DoubleUser | undefined,
    userKey: string,
    rest: string[],
    body: string,
    prefer: boolean,
  ): void {
    // "Get onlineMeeting" also works with OnlineMeetings.Read.All; every write needs OnlineMeetings.ReadWrite.All.
    const readsOne = method === 'GET' && rest.length === 1 && hasRole(granted, 'OnlineMeetings.Read.All');
    if (!hasRole(granted, 'OnlineMeetings.ReadWrite.All') && !readsOne) return send(res, 403, graphError('Forbidden', ''));
    if (!user) return send(res, 404, graphError('NotFound', `user ${userKey} not found`));
    if (meetingPolicy !== 'global' && !meetingPolicy.has(user.id)) {
      return send(res, 403, graphError('Unauthorized', `App ${clientId} is not authorized to Create meeting on behalf of user ${user.id}`));
    }
    if (rest.length === 0 && method === 'GET') {
      // The list needs a $filter (JoinWebUrl / joinMeetingId); doctor's probe matches nothing.
      return send(res, 200, { value: [] });
    }
    if (rest[0] === 'createOrGet' && method === 'POST') {
      const input = JSON.parse(body || '{}') as Record<string, unknown>;
      if (typeof input.externalId !== 'string' || input.externalId === '') {
        return send(res, 400, graphError('BadRequest', 'externalId is required'));
      }
      // The identifier of a meeting with an external id is tenant + organizer + externalId.
      const existing = [...meetings.values()].find((m) => m.organizerId === user.id && m.resource.externalId === input.externalId);
      if (existing) return send(res, 200, present(existing.resource, prefer));
      const start = typeof input.startDateTime === 'string' ? new Date(input.startDateTime) : now();
      const end = typeof input.endDateTime === 'string' ? new Date(input.endDateTime) : new Date(start.getTime() + 3_600_000);
      if (end.getTime() < start.getTime()) return send(res, 400, graphError('BadRequest', 'endDateTime is earlier than startDateTime'));
      sequence += 1;
      const id = `MSo${Buffer.from(`${user.id}:${sequence}`).toString('base64url')}_19:meeting_${sequence}@thread.v2`;
      const participants = (input.participants as { attendees?: unknown[] } | undefined) ?? {};
      const resource = {
        id,
        externalId: input.externalId,
        subject: input.subject ?? null,
        creationDateTime: now().toISOString(),
        startDateTime: start.toISOString(),
        endDateTime: end.toISOString(),
        joinWebUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${sequence}%40thread.v2/0?context=double`,
        participants: {
          organizer: { upn: user.userPrincipalName, role: 'presenter', identity: { user: { id: user.id } } },
          attendees: participants.attendees ?? [],
        },
        lobbyBypassSettings: { scope: 'organization', isDialInBypassEnabled: false },
        allowedPresenters: 'everyone',
        allowMeetingChat: 'enabled',
        isEntryExitAnnounced: true,
      };
      meetings.set(id, { organizerId: user.id, resource });
      counters.meetings += 1;
      return send(res, 201, present(resource, prefer));
    }
    const meeting = rest.length === 1 ? meetings.get(rest[0]) : undefined;
    if (!meeting || meeting.organizerId !== user.id) return send(res, 404, graphError('NotFound', 'meeting not found'));
    if (method === 'GET') return send(res, 200, present(meeting.resource, prefer));
    if (method === 'DELETE') {
      meetings.delete(meeting.resource.id);
      return send(res, 204, null);
    }
    if (method === 'PATCH') {
      const changes = JSON.parse(body || '{}') as Record<string, unknown>;
      const refused = evolvableMemberRefused(changes, prefer);
      if (refused) return send(res, 400, graphError('BadRequest', refused));
      if (changes.participants && typeof changes.participants === 'object') {
        const current = meeting.resource.participants as Record<string, unknown> & { attendees?: unknown[] };
        const attendees = replacedAttendees(current.attendees ?? [], (changes.participants as { attendees?: unknown }).attendees);
        if (typeof attendees === 'string') return send(res, 400, graphError('BadRequest', attendees));
        meeting.resource.participants = { ...current, attendees };
        delete changes.participants;
      }
      Object.assign(meeting.resource, changes);
      return send(res, 200, present(meeting.resource, prefer));
    }
    return send(res, 405, graphError('MethodNotAllowed', method));
  }

  function calendarEvents(
    res: ServerResponse,
    method: string,
    granted: string[],
    user: DoubleUser | undefined,
    rest: string[],
    body: string,
  ): void {
    if (!hasRole(granted, 'Calendars.ReadWrite')) return send(res, 403, graphError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'));
    if (!user || !user.mail) return send(res, 404, graphError('ErrorInvalidUser', 'The requested user is invalid.'));
    if (rest.length === 0 && method === 'POST') {
      const input = JSON.parse(body || '{}') as Record<string, unknown>;
      const transactionId = typeof input.transactionId === 'string' ? input.transactionId : undefined;
      // Learn documents transactionId as a guard against redundant POSTs; a repeat answers 201 with the event made
      // the first time (observed behaviour, https://blog.rykoma.net/2020/10/05/1559/).
      const existing = transactionId
        ? [...events.values()].find((e) => e.organizerId === user.id && e.resource.transactionId === transactionId)
        : undefined;
      if (existing) return send(res, 201, existing.resource);
      sequence += 1;
      const id = `AAMkAGI1AAAt9AHj${sequence}AAA=`;
      const resource = {
        ...input,
        id,
        organizer: { emailAddress: { name: user.displayName, address: user.mail } },
        onlineMeeting: input.isOnlineMeeting
          ? { joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_ev${sequence}%40thread.v2/0?context=double` }
          : null,
      };
      events.set(id, { organizerId: user.id, resource });
      counters.events += 1;
      return send(res, 201, resource);
    }
    const event = rest.length === 1 ? events.get(rest[0]) : undefined;
    if (!event || event.organizerId !== user.id) return send(res, 404, graphError('ErrorItemNotFound', 'The specified object was not found in the store.'));
    if (method === 'GET') return send(res, 200, event.resource);
    if (method === 'DELETE') {
      events.delete(event.resource.id);
      return send(res, 204, null);
    }
    if (method === 'PATCH') {
      // "Update event": the properties sent replace the stored ones (attendees is replaced as a whole); 200 with the
      // event. Attendees are mail addresses with a type; Graph has no Teams meeting role for them.
      const changes = JSON.parse(body || '{}') as Record<string, unknown>;
      if (changes.attendees !== undefined) {
        const valid = Array.isArray(changes.attendees) && changes.attendees.every((attendee) => {
          const address = (attendee as { emailAddress?: { address?: unknown } } | null)?.emailAddress?.address;
          return typeof address === 'string' && address.includes('@');
        });
        if (!valid) return send(res, 400, graphError('ErrorInvalidRecipients', 'At least one recipient is not valid.'));
      }
      Object.assign(event.resource, changes);
      return send(res, 200, event.resource);
    }
    return send(res, 405, graphError('MethodNotAllowed', method));
  }

  function sendActivityNotification(res: ServerResponse, granted: string[], user: DoubleUser | undefined, userKey: string, body: string): void {
    // userteamwork-sendactivitynotification: application permission TeamsActivity.Send; 204 No Content on success.
    if (!hasRole(granted, 'TeamsActivity.Send')) return send(res, 403, graphError('Forbidden', 'Missing role permissions on the request. API requires one of \'TeamsActivity.Send\'.'));
    if (!user) return send(res, 404, graphError('NotFound', `user ${userKey} not found`));
    let input: Partial<DoubleActivityNotification>;
    try {
      input = JSON.parse(body || '{}') as Partial<DoubleActivityNotification>;
    } catch {
      return send(res, 400, graphError('BadRequest', 'Invalid JSON'));
    }
    const topic = input.topic;
    // teamworkActivityTopic: source entityUrl or text; webUrl is required with text (where a click leads).
    const topicProblem =
      !topic || !['text', 'entityUrl'].includes(topic.source) || typeof topic.value !== 'string' || topic.value === ''
        ? 'topic must have source (text or entityUrl) and value'
        : topic.source === 'text' && (typeof topic.webUrl !== 'string' || topic.webUrl === '')
          ? 'topic.webUrl is required when topic.source is text'
          : null;
    const parameters = input.templateParameters ?? [];
    if (topicProblem) return send(res, 400, graphError('BadRequest', topicProblem));
    if (typeof input.activityType !== 'string' || input.activityType === '') return send(res, 400, graphError('BadRequest', 'activityType is required'));
    if (typeof input.previewText?.content !== 'string') return send(res, 400, graphError('BadRequest', 'previewText must be an itemBody with content'));
    if (!Array.isArray(parameters) || parameters.some((p) => typeof p?.name !== 'string' || typeof p?.value !== 'string')) {
      return send(res, 400, graphError('BadRequest', 'templateParameters must be keyValuePair objects {name, value}'));
    }
    const feed = activityNotifications.get(user.id) ?? [];
    feed.push({
      topic: topic as DoubleActivityNotification['topic'],
      activityType: input.activityType,
      previewText: { content: input.previewText.content },
      templateParameters: parameters,
      teamsAppId: typeof input.teamsAppId === 'string' ? input.teamsAppId : null,
    });
    activityNotifications.set(user.id, feed);
    res.writeHead(204);
    res.end();
  }

  function sendMail(res: ServerResponse, granted: string[], user: DoubleUser | undefined, contentType: string | undefined, body: string): void {
    if (!hasRole(granted, 'Mail.Send')) return send(res, 403, graphError('ErrorAccessDenied', 'Access is denied. Check credentials and try again.'));
    if (!user || !user.mail) return send(res, 404, graphError('ErrorInvalidUser', 'The requested user is invalid.'));
    if ((contentType ?? '').startsWith('text/plain')) {
      const mime = Buffer.from(body.trim(), 'base64').toString('utf8');
      if (!/^[A-Za-z0-9+/=\r\n]+$/.test(body.trim()) || !mime.includes('\r\n\r\n')) {
        return send(res, 400, graphError('ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.'));
      }
      mails.push({ sender: user.mail, format: 'mime', raw: mime, ...parseMime(mime) });
    } else {
      const input = JSON.parse(body || '{}') as { message?: { subject?: string; body?: { contentType?: string; content?: string }; toRecipients?: { emailAddress?: { address?: string } }[] } };
      const message = input.message ?? {};
      const html = message.body?.contentType?.toLowerCase() === 'html' ? message.body.content ?? null : null;
      mails.push({
        sender: user.mail,
        format: 'json',
        raw: body,
        subject: message.subject ?? null,
        to: message.toRecipients?.[0]?.emailAddress?.address ?? null,
        language: null,
        text: html === null ? message.body?.content ?? null : null,
        html,
      });
    }
    send(res, 202, null);
  }

  function userManagedDevices(res: ServerResponse, granted: string[], user: DoubleUser | undefined, userKey: string, query: URLSearchParams): void {
    // The user's managedDevices relationship ("List managedDevices"): a collection in `value`, pages joined by an
    // absolute @odata.nextLink with a $skiptoken; the real service pages at its own size, the double at
    // setManagedDevicesPageSize.
    if (!hasRole(granted, 'DeviceManagementManagedDevices.Read.All')) return forbiddenIntune(res, 'DeviceManagementManagedDevices.Read.All, DeviceManagementManagedDevices.ReadWrite.All');
    if (!user) return send(res, 404, graphError('Request_ResourceNotFound', `Resource '${userKey}' does not exist.`));
    const all = [...managedDevices.values()].filter((device) => device.userId === user.id).sort((a, b) => a.id.localeCompare(b.id));
    const skip = Number(query.get('$skiptoken') ?? 0) || 0;
    const page = all.slice(skip, skip + managedDevicesPageSize).map((device) => selected(device, query.get('$select')));
    const next = skip + managedDevicesPageSize < all.length ? new URL(`${origin}/${GRAPH_VERSION}/users/${user.id}/managedDevices`) : null;
    if (next) {
      if (query.get('$select')) next.searchParams.set('$select', query.get('$select') ?? '');
      next.searchParams.set('$skiptoken', String(skip + managedDevicesPageSize));
    }
    send(res, 200, {
      '@odata.context': `${origin}/${GRAPH_VERSION}/$metadata#users('${user.id}')/managedDevices`,
      ...(next ? { '@odata.nextLink': next.toString() } : {}),
      value: page,
    });
  }

  function deviceRoutes(res: ServerResponse, method: string, granted: string[], deviceId: string, rest: string[], query: URLSearchParams): void {
    // "Get managedDevice" (the entity, $select honoured) and the actions rebootNow / syncDevice (no body, 204). An
    // action is recorded in deviceActionResults as pending, replacing the previous result of the same action; tests
    // move it on with settleDeviceAction, as the device reporting back would.
    const device = managedDevices.get(deviceId);
    if (rest.length === 0 && method === 'GET') {
      if (!hasRole(granted, 'DeviceManagementManagedDevices.Read.All')) return forbiddenIntune(res, 'DeviceManagementManagedDevices.Read.All, DeviceManagementManagedDevices.ReadWrite.All');
      if (!device) return send(res, 404, graphError('ResourceNotFound', `{"Message": "Resource not found: ${deviceId}"}`));
      return send(res, 200, {
        '@odata.context': `${origin}/${GRAPH_VERSION}/$metadata#deviceManagement/managedDevices/$entity`,
        ...selected(device, query.get('$select')),
      });
    }
    if (rest.length === 1 && (rest[0] === 'rebootNow' || rest[0] === 'syncDevice') && method === 'POST') {
      if (!hasRole(granted, 'DeviceManagementManagedDevices.PrivilegedOperations.All')) return forbiddenIntune(res, 'DeviceManagementManagedDevices.PrivilegedOperations.All');
      if (!device) return send(res, 404, graphError('ResourceNotFound', `{"Message": "Resource not found: ${deviceId}"}`));
      const at = now().toISOString();
      device.deviceActionResults = [
        ...device.deviceActionResults.filter((result) => result.actionName !== rest[0]),
        { actionName: rest[0], actionState: 'pending', startDateTime: at, lastUpdatedDateTime: at },
      ];
      return send(res, 204, null);
    }
    return send(res, 404, graphError('UnknownRoute', `no route ${method} /deviceManagement/managedDevices/${deviceId}/${rest.join('/')}`));
  }

  function selected(device: DoubleManagedDevice, select: string | null): Record<string, unknown> {
    const { userId: _owner, ...resource } = device;
    if (!select) return { '@odata.type': '#microsoft.graph.managedDevice', ...resource, userId: device.userId };
    const fields = new Set(['id', ...select.split(',').map((field) => field.trim())]);
    return Object.fromEntries(Object.entries({ ...resource, userId: device.userId }).filter(([field]) => fields.has(field)));
  }

  /*
   * "Install app for user" (POST …/teamwork/installedApps, body {"teamsApp@odata.bind": ".../appCatalogs/teamsApps/{id}"},
   * 201 Created, no body), "List apps installed for user" (GET with $expand=teamsApp and $filter on teamsApp/id or
   * teamsApp/externalId) and "Get chat between user and app" (GET …/installedApps/{installation id}/chat → a chat).
   * Learn documents no answer for installing an app that is installed already; the double answers 409 Conflict, as
   * Graph does. Installation ids are base64 of "<user id>##<app id>", the shape Graph's examples decode to.
   */
  function userInstalledApps(
    res: ServerResponse,
    method: string,
    granted: string[],
    user: DoubleUser | undefined,
    userKey: string,
    rest: string[],
    body: string,
    query: URLSearchParams,
  ): void {
    const writes = method !== 'GET';
    const allowed = writes
      ? hasRole(granted, 'TeamsAppInstallation.ReadWriteSelfForUser.All')
      : hasRole(granted, 'TeamsAppInstallation.ReadForUser.All') || hasRole(granted, 'TeamsAppInstallation.ReadWriteSelfForUser.All');
    if (!allowed) {
      return send(res, 403, graphError('Forbidden', 'Missing role permissions on the request. API requires one of \'TeamsAppInstallation.ReadWriteSelfForUser.All, TeamsAppInstallation.ReadWriteForUser.All\'.'));
    }
    if (!user) return send(res, 404, graphError('NotFound', `User ${userKey} not found.`));
    const mine = installedApps.get(user.id) ?? new Map<string, string>();
    installedApps.set(user.id, mine);
    if (rest.length === 0 && method === 'POST') {
      const bind = String((JSON.parse(body || '{}') as Record<string, unknown>)['teamsApp@odata.bind'] ?? '');
      const appId = /\/appCatalogs\/teamsApps\/([^/?]+)$/.exec(bind)?.[1];
      if (!appId) return send(res, 400, graphError('BadRequest', 'teamsApp@odata.bind is required.'));
      if (!teamsApps.has(appId)) return send(res, 404, graphError('NotFound', `App ${appId} not found in the app catalog.`));
      const installationId = Buffer.from(`${user.id}##${appId}`).toString('base64');
      if (mine.has(installationId)) return send(res, 409, graphError('Conflict', 'App is already installed.'));
      mine.set(installationId, appId);
      return send(res, 201, null);
    }
    if (rest.length === 0 && method === 'GET') {
      const filter = /^teamsApp\/(id|externalId) eq '([^']*)'$/.exec(query.get('$filter') ?? '');
      const expand = (query.get('$expand') ?? '').split(',').includes('teamsApp');
      const value = [...mine.entries()]
        .map(([id, appId]) => ({ id, app: teamsApps.get(appId) }))
        .filter(({ app }) => !filter || (app && app[filter[1] as 'id' | 'externalId'] === filter[2]))
        .map(({ id, app }) => (expand ? { id, teamsApp: app ?? null } : { id }));
      return send(res, 200, { '@odata.context': `${origin}/${GRAPH_VERSION}/$metadata#users('${user.id}')/teamwork/installedApps`, value });
    }
    if (rest.length === 2 && rest[1] === 'chat' && method === 'GET') {
      if (!mine.has(rest[0])) return send(res, 404, graphError('NotFound', 'Installation not found.'));
      return send(res, 200, { '@odata.context': `${origin}/${GRAPH_VERSION}/$metadata#chats/$entity`, id: `19:${user.id}_${clientId}@unq.gbl.spaces` });
    }
    return send(res, 405, graphError('MethodNotAllowed', method));
  }

  function findUser(key: string): DoubleUser | undefined {
    const lower = key.toLowerCase();
    return users.get(key) ?? [...users.values()].find((u) => u.userPrincipalName.toLowerCase() === lower || u.mail?.toLowerCase() === lower);
  }

  return {
    tenantId,
    clientId,
    authorityHost: origin,
    baseUrl: `${origin}/${GRAPH_VERSION}`,
    ca: cert,
    credentialOptions: { tlsOptions: { ca: cert } },
    fetchOptions: { dispatcher },
    users,
    groups,
    meetings,
    events,
    mails,
    activityNotifications,
    requests,
    get meetingsCreated() {
      return counters.meetings;
    },
    get eventsCreated() {
      return counters.events;
    },
    get tokensIssued() {
      return counters.tokens;
    },
    teamsApps,
    installedApps,
    addTeamsApp(partial) {
      const app: DoubleTeamsApp = { externalId: randomUUID(), displayName: 'Doorman', distributionMethod: 'organization', ...partial };
      teamsApps.set(app.id, app);
      return app;
    },
    isInstalledFor(userId, teamsAppId) {
      return [...(installedApps.get(userId)?.values() ?? [])].some((appId) => teamsAppId === undefined || appId === teamsAppId);
    },
    graphConfig(overrides = {}) {
      return {
        tenantId,
        clientId,
        credential: { kind: 'secret', secret: options.clientSecret ?? 'double-secret' },
        meetingMode: 'onlineMeeting',
        organizer: 'agent',
        baseUrl: `${origin}/${GRAPH_VERSION}`,
        authorityHost: origin,
        lobbyBypassAfterAdmit: false,
        ...overrides,
      };
    },
    graphEnv() {
      return {
        GRAPH_TENANT_ID: tenantId,
        GRAPH_CLIENT_ID: clientId,
        GRAPH_CLIENT_SECRET: options.clientSecret ?? 'double-secret',
        GRAPH_BASE_URL: `${origin}/${GRAPH_VERSION}`,
        GRAPH_AUTHORITY_HOST: origin,
      };
    },
    addUser(partial) {
      const user: DoubleUser = {
        userPrincipalName: `${partial.id}@contoso.example`,
        displayName: partial.id,
        mail: partial.mail === undefined ? partial.userPrincipalName ?? `${partial.id}@contoso.example` : partial.mail,
        ...partial,
      };
      users.set(user.id, user);
      return user;
    },
    addGroup(partial) {
      const group: DoubleGroup = { displayName: partial.id, members: [], ...partial };
      groups.set(group.id, group);
      return group;
    },
    setMembersPageSize(size) {
      membersPageSize = size;
    },
    setRoles(next) {
      roles = [...next];
    },
    setMeetingPolicy(policy) {
      meetingPolicy = policy === 'global' ? 'global' : new Set(policy);
    },
    failNext(count, failure, match = {}) {
      injections.push({ remaining: count, failure, match });
    },
    managedDevices,
    addManagedDevice(partial) {
      const device: DoubleManagedDevice = {
        deviceName: partial.id,
        operatingSystem: 'Windows',
        osVersion: '10.0.22631.4460',
        lastSyncDateTime: now().toISOString(),
        deviceActionResults: [],
        ...partial,
      };
      managedDevices.set(device.id, device);
      return device;
    },
    setManagedDevicesPageSize(size) {
      managedDevicesPageSize = size;
    },
    settleDeviceAction(deviceId, actionName, state) {
      const result = managedDevices.get(deviceId)?.deviceActionResults.find((entry) => entry.actionName === actionName);
      if (!result) throw new Error(`no ${actionName} was started on ${deviceId}`);
      result.actionState = state;
      result.lastUpdatedDateTime = now().toISOString();
    },
    async close() {
      await dispatcher.close();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function present(resource: Record<string, unknown>, prefer: boolean): Record<string, unknown> {
  // Evolvable enum members (invited, coorganizer, …) come back as unknownFutureValue unless the caller sent
  // `Prefer: include-unknown-enum-members` ("Best practices: evolvable enumerations").
  if (prefer) return resource;
  return JSON.parse(
    JSON.stringify(resource, (_key, value: unknown) => (typeof value === 'string' && EVOLVABLE_MEMBERS.has(value) ? 'unknownFutureValue' : value)),
  ) as Record<string, unknown>;
}

const ONLINE_MEETING_ROLES = new Set(['attendee', 'presenter', 'producer', 'coorganizer', 'unknownFutureValue']);

/**
 * Graph's API guidelines for evolvable enums (microsoft/api-guidelines graph/patterns/evolvable-enums.md): a member
 * after `unknownFutureValue` (coorganizer, invited, …) in a request without `Prefer: include-unknown-enum-members`
 * is refused with 400 Bad Request. Returns the refusal, or null.
 */
function evolvableMemberRefused(body: unknown, prefer: boolean): string | null {
  if (prefer) return null;
  let found: string | null = null;
  JSON.stringify(body, (_key, value: unknown) => {
    if (found === null && typeof value === 'string' && EVOLVABLE_MEMBERS.has(value)) found = value;
    return value;
  });
  return found === null ? null : `Requested value '${found}' is not valid without the Prefer: include-unknown-enum-members header.`;
}

/**
 * "Update onlineMeeting": the attendees sent are the whole new list ("always requires the full list of attendees").
 * Each needs identity.user.id and a known onlineMeetingRole; `unknownFutureValue` as a role leaves that attendee's
 * stored role unchanged (the guidelines: in a PATCH it is treated as absent). Returns the list, or a 400 message.
 */
function replacedAttendees(current: unknown[], sent: unknown): unknown[] | string {
  if (!Array.isArray(sent)) return 'participants.attendees must be a collection';
  const roleOf = new Map<string, unknown>();
  for (const attendee of current as { identity?: { user?: { id?: string } }; role?: unknown }[]) {
    if (attendee.identity?.user?.id) roleOf.set(attendee.identity.user.id, attendee.role);
  }
  const next: unknown[] = [];
  for (const attendee of sent as ({ identity?: { user?: { id?: unknown } }; role?: unknown } | null)[]) {
    const id = attendee?.identity?.user?.id;
    if (typeof id !== 'string' || id === '') return 'Each attendee needs identity.user.id';
    const role = attendee?.role ?? 'attendee';
    if (typeof role !== 'string' || !ONLINE_MEETING_ROLES.has(role)) return `'${String(role)}' is not a valid onlineMeetingRole`;
    next.push({ ...attendee, role: role === 'unknownFutureValue' ? roleOf.get(id) ?? 'attendee' : role });
  }
  return next;
}

function hasRole(granted: string[], role: string): boolean {
  return granted.includes(role) || (SUPERSETS[role] ?? []).some((other) => granted.includes(other));
}

function forbiddenDirectory(res: ServerResponse): void {
  send(res, 403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'));
}

function forbiddenIntune(res: ServerResponse, scopes: string): void {
  // Intune's refusal: 403 Forbidden whose message is a JSON text naming the scopes (microsoft-graph-docs-contrib#87).
  const message = JSON.stringify({
    _version: 3,
    Message: `Application is not authorized to perform this operation. Application must have one of the following scopes: ${scopes} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000`,
    CustomApiErrorPhrase: '',
    RetryAfter: null,
    ErrorSourceService: '',
    HttpHeaders: '{}',
  });
  send(res, 403, graphError('Forbidden', message));
}

function bearer(header: string | undefined): string | null {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
}

function defaultCode(status: number): string {
  if (status === 429) return 'TooManyRequests';
  if (status === 403) return 'Forbidden';
  if (status === 503) return 'ServiceUnavailable';
  if (status >= 500) return 'InternalServerError';
  return 'BadRequest';
}

function graphError(code: string, message: string): { error: Record<string, unknown> } {
  return { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID() } } };
}

/** Where the answer of an injected `applied` failure goes: nowhere (the caller gets the injected failure instead). */
const DISCARDED_ANSWER = { writeHead: () => DISCARDED_ANSWER, setHeader: () => DISCARDED_ANSWER, end: () => DISCARDED_ANSWER } as unknown as ServerResponse;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === null) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ typ: 'JWT', alg: 'RS256', kid: 'graph-double' })}.${part(payload)}.${Buffer.from('graph-double-signature').toString('base64url')}`;
}

function openIdConfiguration(origin: string, tenantId: string): Record<string, unknown> {
  // The fields MSAL checks (authorization_endpoint, token_endpoint, issuer, jwks_uri), as login.microsoftonline.com
  // publishes them for a tenant.
  return {
    token_endpoint: `${origin}/${tenantId}/oauth2/v2.0/token`,
    authorization_endpoint: `${origin}/${tenantId}/oauth2/v2.0/authorize`,
    issuer: `${origin}/${tenantId}/v2.0`,
    jwks_uri: `${origin}/${tenantId}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    tenant_region_scope: 'EU',
  };
}

function parseMime(mime: string): Omit<DoubleMail, 'sender' | 'format' | 'raw'> {
  const [head] = mime.split('\r\n\r\n');
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1]?.trim() ?? null;
  const decodeWords = (value: string | null) =>
    value?.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_all, b64: string) => Buffer.from(b64, 'base64').toString('utf8')) ?? null;
  const boundary = /boundary="([^"]+)"/.exec(head)?.[1];
  const part = (type: string): string | null => {
    if (!boundary) return null;
    const section = mime.split(`--${boundary}`).find((chunk) => chunk.includes(`Content-Type: ${type}`));
    if (!section) return null;
    const content = section.split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/\s+/g, '');
    return Buffer.from(content, 'base64').toString('utf8');
  };
  return {
    subject: decodeWords(header('Subject')),
    to: decodeWords(header('To')),
    language: header('Content-Language'),
    text: part('text/plain'),
    html: part('text/html'),
  };
}
