import { GraphError } from '@microsoft/microsoft-graph-client';
import { Clock, RequestStore } from '../../application/ports';
import { GRAPH_SCOPE, GraphConfig, GraphConnection, credentialFailureCode, graphRequirement, mapGraphError } from './graphClient';
import { MEETINGS_PER_ORGANIZER_PER_MONTH } from './graphMeetingProvider';
import type { IntunePermissions } from './graphDeviceManagement';
import { systemClock } from '../system/systemClock';

/*
 * What doctor can and cannot see:
 * - The app's application permissions are the `roles` claim of its app-only token ("Microsoft identity platform
 *   access tokens", https://learn.microsoft.com/entra/identity-platform/access-tokens); the signature is not checked
 *   here: the token came straight from the token endpoint and is only read for this diagnostic.
 * - Teams application access policies cannot be read through Graph; a GET on the organizer's onlineMeetings answers
 *   403 when no policy covers them, which doctor uses as a probe.
 * - Graph has no call that counts a user's meetings (GET /users/{id}/onlineMeetings needs a $filter), so the
 *   month's count is Doorman's own, passed in by the caller.
 * - Whether anonymous users may join meetings is a Teams admin setting with no Graph API: a manual step.
 */

/** One line of the doctor's checklist. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'problem' | 'manual';
  detail: string;
  fix?: string;
}

/** What the Graph doctor needs besides the configuration. */
export interface GraphDoctorDeps {
  graph: GraphConnection;
  clock?: Clock;
  /** True when roles come from Entra groups; default: any ROLE_* entry is `group:<id>`. */
  rolesFromGroups?: boolean;
  /** Agents who organize their own meetings when GRAPH_ORGANIZER=agent; default: ROLE_AGENTS user ids. */
  agentIds?: readonly string[];
  /** Doorman's own count of meetings made this calendar month for an organizer (Graph cannot count them). */
  meetingsThisMonth?: (organizerId: string) => Promise<number>;
  /** Without `meetingsThisMonth`: an estimate from the store (session requests created this month with a Teams meeting). */
  store?: Pick<RequestStore, 'listRequests'>;
  /** DEVICES=intune: the adapter, probed again so that its device list and buttons follow what doctor finds. */
  devices?: { probe(): Promise<IntunePermissions> };
}

// Higher-privileged roles that also satisfy a requirement (Microsoft Graph permissions reference).
const SATISFIED_BY: Record<string, readonly string[]> = {
  'User.Read.All': ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'GroupMember.Read.All': ['Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'Calendars.ReadWrite': [],
  'OnlineMeetings.ReadWrite.All': [],
  'Mail.Send': [],
  'GroupMember.ReadWrite.All': ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  'DeviceManagementManagedDevices.Read.All': ['DeviceManagementManagedDevices.ReadWrite.All'],
  'DeviceManagementManagedDevices.PrivilegedOperations.All': [],
  'TeamsActivity.Send': [],
  'TeamsAppInstallation.ReadWriteSelfForUser.All': ['TeamsAppInstallation.ReadWriteForUser.All'],
  'MailboxSettings.Read': ['MailboxSettings.ReadWrite'],
};

/** What the Graph checks read of the configuration: what runs through Graph, and who holds the roles. */
export interface GraphDoctorSettings {
  meetings: 'local' | 'graph';
  mail: { kind: 'local' } | { kind: 'graph'; sender: string };
  graph: GraphConfig | null;
  lockbox: { access: { kind: 'local' } | { kind: 'graph' } };
  roles: { admins: string[]; agents: string[]; approvers: string[]; engineers: string[] };
  /** 'graph': people's names, mail and language come from Entra (optional: older callers mean 'configured'). */
  directory?: 'configured' | 'graph';
  /** 'intune': assist devices and device actions through Graph (optional: older callers mean not intune). */
  devices?: 'intune' | 'local' | 'off';
  /**
   * The Teams app id (TEAMS_APP_ID): set, Doorman sends activity-feed notifications through Graph and installs itself
   * for people who never opened it (null or absent: it does neither).
   */
  teamsAppId?: string | null;
  /** The tab's app registration: the manifest's webApplicationInfo.id, which "install itself" permissions key on. */
  tabSso?: { clientId: string } | null;
}

const MAX_AGENTS_CHECKED = 5;
const PROBE_JOIN_URL = 'https://teams.microsoft.com/l/meetup-join/doorman-doctor-probe';

/** The application permissions this configuration needs, each with why. */
export function requiredGraphPermissions(config: GraphDoctorSettings, rolesFromGroups: boolean): { permission: string; why: string }[] {
  const needed: { permission: string; why: string }[] = [];
  if (config.meetings === 'graph' && config.graph) {
    needed.push(
      config.graph.meetingMode === 'onlineMeeting'
        ? { permission: 'OnlineMeetings.ReadWrite.All', why: 'create, update and delete Teams meetings' }
        : { permission: 'Calendars.ReadWrite', why: 'create and delete calendar events with a Teams link' },
    );
  }
  if (config.mail.kind === 'graph') needed.push({ permission: 'Mail.Send', why: 'send invitation mail' });
  needed.push({
    permission: 'User.Read.All',
    why:
      config.directory === 'graph'
        ? 'name people by their Entra name on cards, trails, mails and the tab, mail approvers, and know who left ' +
          "(without it: start-up stops; names can't be read)"
        : 'check organizers and the mailbox, resolve UPNs and agents',
  });
  if (config.directory === 'graph') {
    needed.push({
      permission: 'MailboxSettings.Read',
      why:
        "tell people times in their own time zone (their mailbox's) in approver mails and in notices before Teams " +
        'reported a zone (without it: the zone Teams reports, else DEFAULT_TIME_ZONE)',
    });
  }
  if (rolesFromGroups) {
    needed.push({
      permission: 'GroupMember.Read.All',
      why:
        'give roles to the members of the groups in ROLE_*, nested groups included, and name the groups in whoami ' +
        '(without it: start-up stops; nobody gets a role through a group)',
    });
  }
  if (config.lockbox.access.kind === 'graph') {
    needed.push({ permission: 'GroupMember.ReadWrite.All', why: 'add and remove lockbox access (Entra group membership)' });
  }
  if (config.devices === 'intune') {
    needed.push(
      {
        permission: 'DeviceManagementManagedDevices.Read.All',
        why: "list the user's Intune devices in the assist form and show the status of Restart/Sync (without it: the form asks for the device in free text, and no Restart/Sync buttons)",
      },
      {
        permission: 'DeviceManagementManagedDevices.PrivilegedOperations.All',
        why: "offer the Restart PC and Sync buttons on the helper's assist card (without it: the buttons are absent)",
      },
    );
  }
  if (config.teamsAppId) {
    needed.push({
      permission: 'TeamsActivity.Send',
      why:
        'notify people in their Teams activity feed when they must act (customer waiting or ready, assigned, approval needed); ' +
        "without it each notification is given up and the request's cards say who was not notified",
    });
  }
  if (config.teamsAppId) {
    needed.push({
      permission: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
      why: 'install Doorman for people who never opened it and reach them in Teams (without it: notices with a mail form go by mail, other cards for them are given up and say so)',
    });
  }
  return needed;
}

/** Checks the Graph set-up end to end and returns a checklist; it never throws for a failed check. */
export async function runGraphDoctor(config: GraphDoctorSettings, deps: GraphDoctorDeps): Promise<DoctorCheck[]> {
  const graph = config.graph;
  if (!graph) {
    return [{ name: 'Microsoft Graph', status: 'ok', detail: 'not configured: meetings and mail run locally' }];
  }
  const checks: DoctorCheck[] = [];
  const clock = deps.clock ?? systemClock;
  const allRoleIds = [...config.roles.admins, ...config.roles.agents, ...config.roles.approvers, ...config.roles.engineers];
  const rolesFromGroups = deps.rolesFromGroups ?? allRoleIds.some((id) => id.startsWith('group:'));
  const agentIds = deps.agentIds ?? config.roles.agents.filter((id) => !id.startsWith('group:'));
  const meetingsThisMonth = deps.meetingsThisMonth ?? (deps.store ? countFromStore(deps.store, clock) : undefined);
  const context: ProbeContext = { client: deps.graph.client, now: () => clock.now() };

  let roles: string[] | null = null;
  try {
    const token = await deps.graph.credential.getToken(GRAPH_SCOPE);
    if (!token) throw new Error('the credential returned no token');
    const claims = decodeJwtPayload(token.token);
    roles = Array.isArray(claims?.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : [];
    const tenant = typeof claims?.tid === 'string' ? claims.tid : 'unknown';
    const tenantNote = tenant !== 'unknown' && tenant !== graph.tenantId ? ` (expected ${graph.tenantId})` : '';
    checks.push({
      name: 'Graph credential',
      status: tenantNote ? 'problem' : 'ok',
      detail: `token acquired with the ${graph.credential.kind} credential for tenant ${tenant}${tenantNote}`,
      ...(tenantNote ? { fix: 'GRAPH_TENANT_ID must be the tenant whose users and mailboxes Doorman serves.' } : {}),
    });
  } catch (error) {
    checks.push({
      name: 'Graph credential',
      status: 'problem',
      detail: `no token: ${describeCredentialFailure(error)}`,
      fix: graphRequirement('credential').summary,
    });
  }

  for (const { permission, why } of requiredGraphPermissions(config, rolesFromGroups)) {
    const name = `Permission ${permission}`;
    if (roles === null) {
      checks.push({ name, status: 'problem', detail: `not checked: no token (needed to ${why})`, fix: consentFix(permission) });
      continue;
    }
    const granted = roles.includes(permission) || (SATISFIED_BY[permission] ?? []).some((role) => roles?.includes(role));
    checks.push(
      granted
        ? { name, status: 'ok', detail: `granted (needed to ${why})` }
        : { name, status: 'problem', detail: `missing from the token's roles (needed to ${why})`, fix: consentFix(permission) },
    );
  }

  if (config.devices === 'intune' && deps.devices) checks.push(await intuneDevicesCheck(deps.devices));
  if (config.teamsAppId && config.tabSso?.clientId !== graph.clientId) {
    checks.push({
      name: 'Installing Doorman for people',
      status: 'manual',
      detail: `the manifest's webApplicationInfo.id is ${config.tabSso?.clientId ? `TAB_SSO_CLIENT_ID (${config.tabSso.clientId})` : 'empty (no TAB_SSO_CLIENT_ID)'}, not GRAPH_CLIENT_ID: TeamsAppInstallation.ReadWriteSelfForUser.All lets an app install only the Teams app that names it there`,
      fix: 'Use one app registration for Graph and the tab (GRAPH_CLIENT_ID = TAB_SSO_CLIENT_ID), or installs answer 403 (docs/graph.md §2c).',
    });
  }
  if (!config.teamsAppId) {
    checks.push({
      name: 'Reaching people who never opened Doorman',
      status: 'manual',
      detail: 'TEAMS_APP_ID is not set: Doorman cannot install itself for them, so they get notices with a mail form by mail only',
      fix: 'Set TEAMS_APP_ID to the app id in the organization app catalog and grant TeamsAppInstallation.ReadWriteSelfForUser.All (docs/graph.md §2c).',
    });
  }

  const roleGroups = [...new Set(allRoleIds.filter((id) => id.startsWith('group:')).map((id) => id.slice('group:'.length)))];
  for (const groupId of roleGroups.slice(0, MAX_AGENTS_CHECKED)) await checkRoleGroup(checks, context, groupId);

  const meetingsViaGraph = config.meetings === 'graph';
  let serviceAccountId: string | null = null;
  if (meetingsViaGraph) {
    if (graph.organizer === 'agent') {
      const agents = agentIds.slice(0, MAX_AGENTS_CHECKED);
      if (agents.length === 0) {
        checks.push({
          name: 'Organizers',
          status: 'manual',
          detail: 'GRAPH_ORGANIZER=agent: every agent organizes their own meetings; no agent ids to check',
          fix: 'Make sure every agent is a licensed Teams user covered by the application access policy (or grant it -Global).',
        });
      }
      for (const agent of agents) await checkOrganizer(checks, context, graph.meetingMode, agent, `Organizer (agent ${agent})`);
    } else {
      serviceAccountId = await checkOrganizer(checks, context, graph.meetingMode, graph.organizer, 'Organizer (service account)');
    }
  }

  if (config.mail.kind === 'graph') await checkMailbox(checks, context, config.mail.sender);

  if (meetingsViaGraph) {
    checks.push({
      name: 'Anonymous users can join meetings',
      status: 'manual',
      detail: 'customers join as anonymous users; Graph cannot read this Teams setting',
      fix:
        'Teams admin center → Meetings → Meeting settings: "Anonymous users can join a meeting" On, and in the ' +
        "organizers' meeting policy: Get-CsTeamsMeetingPolicy -Identity Global | Select AllowAnonymousUsersToJoinMeeting " +
        '(Set-CsTeamsMeetingPolicy -Identity Global -AllowAnonymousUsersToJoinMeeting $true).',
    });
    if (graph.meetingMode === 'onlineMeeting') {
      checks.push({
        name: 'Application access policy',
        status: 'manual',
        detail: 'Teams application access policies cannot be read through Graph (the organizer probe above only detects a refusal)',
        fix:
          `New-CsApplicationAccessPolicy -Identity Doorman-Meetings -AppIds "${graph.clientId}" -Description "Doorman meetings"; ` +
          'Grant-CsApplicationAccessPolicy -PolicyName Doorman-Meetings -Identity "<organizer object id>" (or -Global). ' +
          'Check with Get-CsApplicationAccessPolicy; changes take up to 30 minutes.',
      });
    } else {
      checks.push({
        name: 'Lobby of calendar meetings',
        status: 'manual',
        detail: "meetings made from calendar events keep the lobby of the organizer's Teams meeting policy",
        fix: 'In that policy, "Who can bypass the lobby" must not be Everyone, so that customers wait in the lobby.',
      });
    }
    await checkMeetingQuota(checks, meetingsThisMonth, graph.organizer === 'agent' ? [...agentIds] : [serviceAccountId ?? graph.organizer]);
  }
  return checks;
}

/** What the assist cards offer now, after probing the Intune adapter again (it keeps what doctor found). */
async function intuneDevicesCheck(devices: { probe(): Promise<IntunePermissions> }): Promise<DoctorCheck> {
  const found = await devices.probe();
  const listDevices = found.read === 'granted';
  const actions = listDevices && found.actions === 'granted';
  const detail = `device list in the assist form ${listDevices ? 'on' : 'off'}; Restart PC and Sync buttons ${actions ? 'on' : 'off'}`;
  return listDevices && actions
    ? { name: 'Intune devices (assist)', status: 'ok', detail }
    : {
        name: 'Intune devices (assist)',
        status: 'problem',
        detail: `${detail}. Why: ${found.notes.map((note) => note.replace(/^[^:]*: /, '')).join(' ')}`,
        fix:
          'Grant the missing permission(s) above with admin consent (docs/graph.md, "Intune devices"); the tenant needs an Intune ' +
          "licence. Doorman reads them from its Graph token: they count once the token is renewed (within about an hour) at " +
          'the next check (every 10 minutes) or doctor run; restarting Doorman picks them up at once.',
      };
}

/** Renders the checklist as plain text (chat and `npm run doctor`). */
export function formatDoctorReport(checks: readonly DoctorCheck[]): string {
  const label: Record<DoctorCheck['status'], string> = { ok: '[ok]     ', problem: '[PROBLEM]', manual: '[manual] ' };
  const lines = ['Doorman doctor: Microsoft Graph', ''];
  for (const check of checks) {
    lines.push(`${label[check.status]} ${check.name}: ${check.detail}`);
    if (check.fix && check.status !== 'ok') lines.push(`          ${check.status === 'manual' ? 'how' : 'fix'}: ${check.fix}`);
  }
  const count = (status: DoctorCheck['status']) => checks.filter((check) => check.status === status).length;
  lines.push('', `${count('ok')} ok, ${count('problem')} problem(s), ${count('manual')} manual step(s)`);
  return lines.join('\n');
}

/** Reads a JWT's payload without checking its signature (diagnostics only); null when it is not a JWT. */
export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

interface ProbeContext {
  client: GraphConnection['client'];
  now: () => Date;
}

async function checkOrganizer(
  checks: DoctorCheck[],
  deps: ProbeContext,
  mode: 'onlineMeeting' | 'calendarEvent',
  organizer: string,
  name: string,
): Promise<string | null> {
  let id = organizer;
  try {
    const user = (await deps.client
      .api(`/users/${encodeURIComponent(organizer)}`)
      .select(['id', 'displayName', 'userPrincipalName', 'accountEnabled'])
      .get()) as { id: string; userPrincipalName?: string };
    id = user.id;
    checks.push({ name, status: 'ok', detail: `exists (${user.userPrincipalName ?? user.id})` });
  } catch (error) {
    checks.push(userLookupProblem(name, organizer, error, deps.now()));
    return null;
  }
  if (mode !== 'onlineMeeting') return id;
  try {
    await deps.client
      .api(`/users/${encodeURIComponent(id)}/onlineMeetings`)
      .filter(`JoinWebUrl eq '${PROBE_JOIN_URL}'`)
      .get();
    checks.push({ name: `${name}: onlineMeetings access`, status: 'ok', detail: 'Graph did not refuse the app for this organizer' });
  } catch (error) {
    const status = error instanceof GraphError ? error.statusCode : -1;
    if (status === 403) {
      checks.push({
        name: `${name}: onlineMeetings access`,
        status: 'problem',
        detail: 'refused (403): no application access policy covers this organizer, or OnlineMeetings.ReadWrite.All is missing',
        fix: graphRequirement('onlineMeetings', id).summary,
      });
    } else if (status === 404 || status === 400) {
      checks.push({ name: `${name}: onlineMeetings access`, status: 'ok', detail: `probe answered ${status}, not a refusal` });
    } else {
      checks.push({
        name: `${name}: onlineMeetings access`,
        status: 'problem',
        detail: `probe failed (${mapGraphError(error, 'onlineMeetings', deps.now()).message}); run doctor again`,
      });
    }
  }
  return id;
}

async function checkRoleGroup(checks: DoctorCheck[], deps: ProbeContext, groupId: string): Promise<void> {
  const name = `Role group ${groupId}`;
  try {
    // One member is enough to prove the group can be read; the directory pages through all of them.
    await deps.client
      .api(`/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user`)
      .select(['id'])
      .top(1)
      .get();
    const group = (await deps.client.api(`/groups/${encodeURIComponent(groupId)}`).select(['id', 'displayName']).get()) as { displayName?: string | null };
    const called = group.displayName ? `“${group.displayName}”: ` : '';
    checks.push({ name, status: 'ok', detail: `${called}members readable (nested groups included)` });
  } catch (error) {
    const status = error instanceof GraphError ? error.statusCode : -1;
    if (status === 403) {
      checks.push({ name, status: 'problem', detail: 'not allowed to read its members: nobody gets a role through it', fix: graphRequirement('groups', groupId).summary });
    } else if (status === 404) {
      checks.push({ name, status: 'problem', detail: 'no such group in this tenant', fix: 'Use the object id of an existing Entra group in ROLE_* (group:<object id>).' });
    } else {
      checks.push({ name, status: 'problem', detail: `could not be checked: ${mapGraphError(error, 'groups', deps.now()).message}` });
    }
  }
}

async function checkMailbox(checks: DoctorCheck[], deps: ProbeContext, sender: string): Promise<void> {
  const name = `Mailbox ${sender}`;
  try {
    const user = (await deps.client
      .api(`/users/${encodeURIComponent(sender)}`)
      .select(['id', 'mail', 'userPrincipalName'])
      .get()) as { mail?: string | null };
    checks.push(
      user.mail
        ? { name, status: 'ok', detail: `exists with address ${user.mail}` }
        : {
            name,
            status: 'problem',
            detail: 'the account has no mail address: it has no Exchange Online mailbox',
            fix: 'Use a shared mailbox (no licence needed) or a licensed user mailbox as MAIL_SENDER.',
          },
    );
  } catch (error) {
    checks.push(userLookupProblem(name, sender, error, deps.now()));
    return;
  }
  checks.push({
    name: 'Mailbox scope of Mail.Send',
    status: 'manual',
    detail: 'if Exchange limits this app to some mailboxes, the sender must be in scope (doctor sends no test mail)',
    fix: `Test-ServicePrincipalAuthorization -Identity <app id> -Resource ${sender} (RBAC for Applications), or Test-ApplicationAccessPolicy -Identity ${sender} -AppId <app id>.`,
  });
}

async function checkMeetingQuota(
  checks: DoctorCheck[],
  meetingsThisMonth: ((organizerId: string) => Promise<number>) | undefined,
  organizers: string[],
): Promise<void> {
  if (!meetingsThisMonth || organizers.length === 0) {
    checks.push({
      name: 'Meetings this month',
      status: 'manual',
      detail: `Graph allows ${MEETINGS_PER_ORGANIZER_PER_MONTH} meetings per organizer and month and cannot count them; Doorman's own count was not available`,
    });
    return;
  }
  for (const organizer of organizers.slice(0, MAX_AGENTS_CHECKED)) {
    const count = await meetingsThisMonth(organizer);
    const nearLimit = count >= MEETINGS_PER_ORGANIZER_PER_MONTH * 0.9;
    checks.push({
      name: `Meetings this month (${organizer})`,
      status: nearLimit ? 'problem' : 'ok',
      detail: `${count} of ${MEETINGS_PER_ORGANIZER_PER_MONTH} made by Doorman`,
      ...(nearLimit ? { fix: 'Spread meetings over more organizers (GRAPH_ORGANIZER=agent) or a second service account.' } : {}),
    });
  }
}

/** Counts this month's session requests whose current Teams meeting the organizer holds (an estimate: reopened
 * generations before the current one are not counted). */
function countFromStore(store: Pick<RequestStore, 'listRequests'>, clock: Clock): (organizerId: string) => Promise<number> {
  return async (organizerId) => {
    const now = clock.now();
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const requests = await store.listRequests({ kind: 'session', from, to: now });
    return requests.filter(
      (request) => request.kind === 'session' && request.meeting?.provider === 'teams' && request.meeting.meetingId?.split(':')[1] === organizerId,
    ).length;
  };
}

function userLookupProblem(name: string, who: string, error: unknown, now: Date): DoctorCheck {
  const status = error instanceof GraphError ? error.statusCode : -1;
  if (status === 404) {
    return { name, status: 'problem', detail: `no user ${who} in this tenant`, fix: 'Use the object id or UPN of an existing user.' };
  }
  if (status === 403) {
    return { name, status: 'problem', detail: 'not allowed to read users', fix: graphRequirement('users').summary };
  }
  return { name, status: 'problem', detail: `could not be checked: ${mapGraphError(error, 'users', now).message}` };
}

function consentFix(permission: string): string {
  const consent =
    `Entra admin center → App registrations → Doorman → API permissions → Add a permission → Microsoft Graph → ` +
    `Application permissions → ${permission}, then "Grant admin consent". A new token carries it within minutes.`;
  // Exchange's RBAC for Applications grants mailbox permissions outside Entra, so they never show in the token.
  return EXCHANGE_RBAC_ROLES.has(permission)
    ? `${consent} If you grant it through Exchange RBAC for Applications instead ("Application ${permission}" ` +
        'role assignment), it does not appear in the token: check with Test-ServicePrincipalAuthorization and ignore this line.'
    : consent;
}

const EXCHANGE_RBAC_ROLES = new Set(['Mail.Send', 'Calendars.ReadWrite', 'MailboxSettings.Read']);

function describeCredentialFailure(error: unknown): string {
  // AADSTS codes say exactly what is wrong (7000215 invalid secret, 700016 unknown app, 90002 unknown tenant).
  const { error: code, aadsts } = credentialFailureCode(error);
  if (code) return `${code}${aadsts ? ` ${aadsts}` : ''}`;
  return error instanceof Error ? error.name : 'unknown error';
}
