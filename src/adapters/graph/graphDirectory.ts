import { Client } from '@microsoft/microsoft-graph-client';
import { Clock, Directory, Logger, PersonProfile, RoleSource } from '../../application/ports';
import { Person, Role, formerMemberName } from '../../domain/people';
import { GraphForbiddenError, GraphUnavailableError, graphRequirement, isGraphNotFound, mapGraphError } from './graphClient';
import { ianaTimeZone } from './windowsTimeZones';

/*
 * Sources relied on (Microsoft Learn / microsoft-graph-docs-contrib):
 * - "Get user" (https://learn.microsoft.com/graph/api/user-get): `GET /users/{id}?$select=…` answers the user
 *   resource with only the selected properties; `preferredLanguage` is an ISO 639-1 code ("en-US") or null; a user
 *   that does not exist (deleted, left the tenant) answers 404 `Request_ResourceNotFound`. Application permission:
 *   User.Read.All.
 * - "List group transitive members" (https://learn.microsoft.com/graph/api/group-list-transitivemembers):
 *   `GET /groups/{id}/transitiveMembers/microsoft.graph.user` is a flat list of every nested member, cast to users;
 *   pages of up to 999 ($top) joined by `@odata.nextLink`. Least privileged application permission:
 *   GroupMember.Read.All.
 * - "Get user mailbox settings" (https://learn.microsoft.com/graph/api/user-get-mailboxsettings):
 *   `GET /users/{id}/mailboxSettings` answers `{ timeZone, language: { locale, displayName }, … }`; `timeZone` is
 *   a Windows name ("W. Europe Standard Time", the default) or an IANA name, as the admin set the mailbox up.
 *   Application permission: MailboxSettings.Read. A user without an Exchange Online mailbox (none, or on premises)
 *   answers 404 `MailboxNotEnabledForRESTAPI`: no time zone, the person is still there. A mailbox outside the
 *   app's Exchange RBAC scope answers 403 `ErrorAccessDenied`, like a missing permission: no zone for that person.
 * - "Get group" (https://learn.microsoft.com/graph/api/group-get): `GET /groups/{id}?$select=displayName`;
 *   GroupMember.Read.All reads a group's basic properties, so whoami names the group without a further permission.
 *
 * Why transitiveMembers and not checkMemberGroups: `listByRole` and `listAgents` need everyone in a role, which
 * checkMemberGroups (one call per user, for users already known) cannot give; one paged list per group and TTL
 * serves rolesOf, listByRole and whoami alike, and nested groups come out flattened by Entra itself.
 */

/** Role entries that name an Entra group instead of a user. */
export const GROUP_PREFIX = 'group:';

/** How long a person or a group's membership is trusted; after half of it a read also refreshes it in the background. */
export const DIRECTORY_TTL_MS = 5 * 60_000;

/** A person as the Graph directory knows them. */
export interface DirectoryProfile {
  aadObjectId: string;
  /** The name people read: the Entra display name, or "<last known name> (former member)" for someone who left. */
  name: string;
  /** The Entra display name last seen, kept when the person leaves so they are still recognisable. */
  entraName: string | null;
  email: string | null;
  /** ISO 639-1 with region ("de-CH"), or null. */
  preferredLanguage: string | null;
  /** IANA zone from the mailbox settings (Windows names mapped), or null (no mailbox, no MailboxSettings.Read). */
  timeZone: string | null;
  /** True when Graph answered 404: the account no longer exists in the tenant. */
  left: boolean;
}

/** What the Graph directory reads: ROLE_* lists (user object ids and `group:<id>`), and the cache TTL. */
export interface GraphDirectorySettings {
  roles: Partial<Record<Role, readonly string[]>>;
  ttlMs?: number;
}

interface Cached<T> {
  value: T;
  fetchedAt: number;
  refreshing: Promise<T> | null;
}

interface GraphUser {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  preferredLanguage?: string | null;
}

interface GraphMailboxSettings {
  timeZone?: string | null;
  language?: { locale?: string | null } | null;
}

const ROLES: readonly Role[] = ['admin', 'agent', 'approver', 'engineer'];
const USER_FIELDS = ['id', 'displayName', 'mail', 'userPrincipalName', 'preferredLanguage'];

/**
 * Doorman's people from Entra through Graph: names, mail and language of users, and roles from ROLE_* lists that
 * name users and groups (transitive membership). Everything is cached for `ttlMs`: a read after half the TTL
 * returns the cached value and refreshes it in the background; a read after the TTL waits for Graph, so a member
 * removed from a group loses the role within the TTL.
 */
export class GraphDirectory implements Directory {
  private readonly ttlMs: number;
  private readonly named = new Map<Role, Set<string>>();
  private readonly groupsOf = new Map<Role, string[]>();
  private readonly people = new Map<string, Cached<DirectoryProfile>>();
  private readonly members = new Map<string, Cached<Set<string>>>();
  private readonly groupNames = new Map<string, Cached<string | null>>();
  private mailboxSettingsRefusalLogged = false;
  private readonly inflight = new Map<Map<string, unknown>, Map<string, Promise<unknown>>>();

  constructor(
    private readonly client: Client,
    settings: GraphDirectorySettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.ttlMs = settings.ttlMs ?? DIRECTORY_TTL_MS;
    for (const role of ROLES) {
      const entries = settings.roles[role] ?? [];
      this.named.set(role, new Set(entries.filter((entry) => !entry.startsWith(GROUP_PREFIX))));
      this.groupsOf.set(role, entries.filter((entry) => entry.startsWith(GROUP_PREFIX)).map((entry) => entry.slice(GROUP_PREFIX.length)));
    }
  }

  /** Every group named in a role list. */
  get groupIds(): string[] {
    return [...new Set([...this.groupsOf.values()].flat())];
  }

  /**
   * Reads every role group and one person once, at start-up: a group Doorman may not read throws
   * GraphForbiddenError naming GroupMember.Read.All, users it may not read name User.Read.All, so start-up stops
   * with the fix instead of running with nobody in the role (a refused user read is otherwise only logged).
   */
  async start(): Promise<void> {
    const someone = new Set<string>();
    for (const ids of this.named.values()) for (const id of ids) someone.add(id);
    for (const groupId of this.groupIds) {
      for (const id of await this.membersOf(groupId)) someone.add(id);
      await this.groupName(groupId);
    }
    const [first] = someone;
    if (first === undefined) return;
    try {
      await this.cached(this.people, first, () => this.readUser(first));
    } catch (error) {
      if (error instanceof GraphForbiddenError) throw error;
      this.logger.warn({ code: errorCode(error), operation: 'users' }, 'a person could not be read from Graph at start-up; names are read when needed');
    }
  }

  /** Resolves when every read in flight (background refreshes included) has finished; for shutdown and tests. */
  async settled(): Promise<void> {
    for (;;) {
      const pending = [...this.inflight.values()].flatMap((reads) => [...reads.values()]);
      if (pending.length === 0) return;
      await Promise.allSettled(pending);
    }
  }

  async rolesOf(aadObjectId: string): Promise<Role[]> {
    return [...new Set((await this.roleSources(aadObjectId)).map((source) => source.role))];
  }

  /** Named roles first, then each group, by its Entra display name, that gives one. */
  async roleSources(aadObjectId: string): Promise<RoleSource[]> {
    const sources: RoleSource[] = [];
    for (const role of ROLES) {
      if (this.named.get(role)?.has(aadObjectId)) sources.push({ role, via: { kind: 'named' } });
      for (const groupId of this.groupsOf.get(role) ?? []) {
        if ((await this.membersOf(groupId)).has(aadObjectId)) {
          sources.push({ role, via: { kind: 'group', groupId, groupName: await this.groupName(groupId) } });
        }
      }
    }
    return sources;
  }

  /** A role group's display name, cached like its members; a group that cannot be read throws (it names the permission). */
  async groupName(groupId: string): Promise<string | null> {
    return this.cached(this.groupNames, groupId, () => this.readGroupName(groupId));
  }

  async profileOf(aadObjectId: string): Promise<PersonProfile | null> {
    const profile = await this.profile(aadObjectId);
    if (!profile) return null;
    return {
      displayName: profile.name,
      email: profile.email,
      preferredLanguage: profile.preferredLanguage,
      timeZone: profile.timeZone,
      state: profile.left ? 'left' : 'active',
    };
  }

  async findAgent(idOrName: string): Promise<Person | null> {
    const wanted = idOrName.trim().toLowerCase();
    const agents = await this.listByRole('agent');
    const found = agents.find((agent) => agent.aadObjectId.toLowerCase() === wanted || agent.name.toLowerCase() === wanted);
    return found ? { aadObjectId: found.aadObjectId, name: found.name } : null;
  }

  async listAgents(): Promise<Person[]> {
    return (await this.listByRole('agent')).map(({ aadObjectId, name }) => ({ aadObjectId, name }));
  }

  /** Everyone holding `role` who is still in the tenant, by name. */
  async listByRole(role: Role): Promise<(Person & { email: string | null })[]> {
    const ids = new Set(this.named.get(role) ?? []);
    for (const groupId of this.groupsOf.get(role) ?? []) for (const id of await this.membersOf(groupId)) ids.add(id);
    const profiles = await Promise.all([...ids].map((id) => this.profile(id)));
    return profiles
      .filter((profile): profile is DirectoryProfile => profile !== null && !profile.left)
      .map(({ aadObjectId, name, email }) => ({ aadObjectId, name, email }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The Entra display name; "<name> (former member)" for someone who left; null when Graph cannot say. */
  async displayName(aadObjectId: string): Promise<string | null> {
    const profile = await this.profile(aadObjectId);
    return profile?.name ?? null;
  }

  /**
   * A person's profile, cached; null when Graph could not be asked (throttled, down) and nothing was cached.
   * Someone who left keeps the last name Doorman saw, marked as gone; never their bare id.
   */
  async profile(aadObjectId: string): Promise<DirectoryProfile | null> {
    try {
      return await this.cached(this.people, aadObjectId, () => this.readUser(aadObjectId));
    } catch (error) {
      this.logger.warn({ code: errorCode(error), operation: 'users' }, 'a person could not be read from Graph');
      return null;
    }
  }

  private async readUser(aadObjectId: string): Promise<DirectoryProfile> {
    try {
      const user = (await this.client
        .api(`/users/${encodeURIComponent(aadObjectId)}`)
        .select(USER_FIELDS)
        .get()) as GraphUser;
      const mailbox = await this.readMailboxSettings(aadObjectId);
      const entraName = user.displayName?.trim() || user.mail || user.userPrincipalName || null;
      return {
        aadObjectId,
        // Never the object id: an account with no name at all (Entra requires one) still reads as a person.
        name: entraName ?? 'a person without a name in Entra',
        entraName,
        email: user.mail ?? null,
        preferredLanguage: user.preferredLanguage ?? mailbox?.language?.locale ?? null,
        timeZone: mailbox === null ? this.people.get(aadObjectId)?.value.timeZone ?? null : ianaTimeZone(mailbox.timeZone),
        left: false,
      };
    } catch (error) {
      if (!isGraphNotFound(error)) throw mapGraphError(error, 'users', this.clock.now(), 'a person');
      // Someone who left keeps the name Doorman last saw, marked as a former member; never their bare id.
      const known = this.people.get(aadObjectId)?.value ?? null;
      return {
        aadObjectId,
        name: formerMemberName(known?.entraName ?? null),
        entraName: known?.entraName ?? null,
        email: null,
        preferredLanguage: null,
        timeZone: null,
        left: true,
      };
    }
  }

  /**
   * The person's mailbox settings, or `{}` when they have none Doorman may read (no mailbox; MailboxSettings.Read
   * not granted, or the mailbox outside its Exchange scope: logged once); null when Graph could not be asked now
   * (the last zone stays). A refusal is asked again per person: an Exchange scope may cover some mailboxes only.
   */
  private async readMailboxSettings(aadObjectId: string): Promise<GraphMailboxSettings | null> {
    try {
      return (await this.client.api(`/users/${encodeURIComponent(aadObjectId)}/mailboxSettings`).get()) as GraphMailboxSettings;
    } catch (error) {
      if (isGraphNotFound(error)) return {};
      const mapped = mapGraphError(error, 'mailboxSettings', this.clock.now(), 'a person');
      if (mapped instanceof GraphForbiddenError) {
        if (!this.mailboxSettingsRefusalLogged) {
          this.mailboxSettingsRefusalLogged = true;
          this.logger.warn(
            { code: mapped.code, operation: 'mailboxSettings' },
            'a mailbox\'s settings were refused (MailboxSettings.Read not granted, or the mailbox outside its Exchange scope): times follow Teams or DEFAULT_TIME_ZONE',
          );
        }
        return {};
      }
      this.logger.warn({ code: errorCode(mapped), operation: 'mailboxSettings' }, 'a mailbox\'s settings could not be read now; the last time zone stays');
      return null;
    }
  }

  private async readGroupName(groupId: string): Promise<string | null> {
    try {
      const group = (await this.client.api(`/groups/${encodeURIComponent(groupId)}`).select(['id', 'displayName']).get()) as { displayName?: string | null };
      return group.displayName?.trim() || null;
    } catch (error) {
      if (isGraphNotFound(error)) return null;
      throw mapGraphError(error, 'groups', this.clock.now(), `role group ${groupId}`);
    }
  }

  private async membersOf(groupId: string): Promise<Set<string>> {
    return this.cached(this.members, groupId, () => this.readMembers(groupId));
  }

  private async readMembers(groupId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    try {
      let page = (await this.client
        .api(`/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user`)
        .select(['id'])
        .top(999)
        .get()) as { value?: { id?: string }[]; '@odata.nextLink'?: string };
      for (;;) {
        for (const member of page.value ?? []) if (member.id) ids.add(member.id);
        const next = page['@odata.nextLink'];
        if (!next) break;
        // The next link is absolute and already carries $select, $top and the skip token.
        page = (await this.client.api(next).get()) as typeof page;
      }
    } catch (error) {
      if (isGraphNotFound(error)) {
        throw new GraphForbiddenError(
          { ...graphRequirement('groups', groupId), summary: `The role group ${groupId} does not exist in this tenant: fix the group:<id> entry in ROLE_*.` },
          404,
          'Request_ResourceNotFound',
        );
      }
      throw mapGraphError(error, 'groups', this.clock.now(), `role group ${groupId}`);
    }
    return ids;
  }

  /**
   * The cache: fresh → as is; older than half the TTL → as is, and refreshed in the background; older than the
   * TTL or absent → wait for Graph, so nothing is trusted beyond the TTL. One read per key at a time. When Graph is
   * throttled or down past the TTL the last value is served (logged) rather than failing every turn; a refusal
   * (403) is never papered over.
   */
  private async cached<T>(cache: Map<string, Cached<T>>, key: string, read: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const entry = cache.get(key);
    const refresh = (): Promise<T> => {
      const current = cache.get(key);
      if (current?.refreshing) return current.refreshing;
      const pending = this.inflight.get(cache)?.get(key) as Promise<T> | undefined;
      if (pending) return pending;
      const started = this.clock.now().getTime();
      const reading = read().then(
        (value) => {
          cache.set(key, { value, fetchedAt: started, refreshing: null });
          return value;
        },
        (error: unknown) => {
          const stillThere = cache.get(key);
          if (stillThere) stillThere.refreshing = null;
          throw error;
        },
      ).finally(() => this.inflight.get(cache)?.delete(key));
      if (current) current.refreshing = reading;
      if (!this.inflight.has(cache)) this.inflight.set(cache, new Map());
      this.inflight.get(cache)?.set(key, reading);
      return reading;
    };
    if (!entry) return refresh();
    if (now - entry.fetchedAt >= this.ttlMs) {
      try {
        return await refresh();
      } catch (error) {
        if (error instanceof GraphUnavailableError) {
          this.logger.warn({ code: error.code, key }, 'Graph is unavailable: the directory serves its last value past the TTL');
          return entry.value;
        }
        throw error;
      }
    }
    if (now - entry.fetchedAt >= this.ttlMs / 2 && !entry.refreshing) {
      refresh().catch((error: unknown) => {
        this.logger.warn({ code: errorCode(error), key }, 'background refresh of the directory failed; the cached value stays until its TTL');
      });
    }
    return entry.value;
  }
}

function errorCode(error: unknown): string {
  if (error instanceof GraphForbiddenError) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}
