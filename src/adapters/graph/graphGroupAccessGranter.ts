import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { AccessGranter, Clock, DEFAULT_ACCESS_SCOPE, Logger, PermanentError } from '../../application/ports';
import { isGraphNotFound, mapGraphError } from './graphClient';
import { systemClock } from '../system/systemClock';

/*
 * Sources relied on (Microsoft Learn / microsoft-graph-docs-contrib):
 * - "directoryObject: checkMemberGroups" (https://learn.microsoft.com/graph/api/directoryobject-checkmembergroups):
 *   `POST /directoryObjects/{id}/checkMemberGroups` with `{ "groupIds": [...] }` (at most 20) answers 200 with
 *   `{ "value": [<the ids it is a member of>] }`; transitive. Application permission: GroupMember.Read.All (with
 *   User.Read.All), which GroupMember.ReadWrite.All covers.
 * - "Add members" (https://learn.microsoft.com/graph/api/group-post-members): `POST /groups/{group-id}/members/$ref`
 *   with `{ "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}" }` answers 204 No Content; 400 Bad
 *   Request "when the object is already a member of the group" (the directory's message: "One or more added object
 *   references already exist for the following modified properties: 'members'."); 404 when the object does not exist.
 *   Least privileged application permission: GroupMember.ReadWrite.All; role-assignable groups also need
 *   RoleManagement.ReadWrite.Directory.
 * - "Remove member" (https://learn.microsoft.com/graph/api/group-delete-members):
 *   `DELETE /groups/{id}/members/{id}/$ref` answers 204 No Content; same permission. Without `/$ref` Graph would
 *   delete the user object itself if the app may, so the path is built in one place only. A member that is already
 *   gone answers 404 ("One or more removed object references do not exist …").
 */

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The members collection accepts references to any directory object by its URL on the v1.0 endpoint. */
const DIRECTORY_OBJECTS = 'https://graph.microsoft.com/v1.0/directoryObjects';

const ALREADY_MEMBER = /added object references already exist/i;

/**
 * Production lockbox access: membership of the Entra group that carries the access. `holds` asks the directory before
 * Doorman adds anyone, so a membership someone already had is recorded as theirs and never removed; `add` and `remove`
 * are idempotent, so the outbox can retry them until Graph confirms.
 */
export class GraphGroupAccessGranter implements AccessGranter {
  private readonly deps: {
    client: Client;
    groupOf: ReadonlyMap<string, string>;
    clock: Clock;
    logger: Logger;
    addedGroupOf: (scopeId: string) => Promise<string | null>;
  };

  /**
   * `groups`: the object id of the security group that carries each scope's access; a bare id is the default scope's
   * (LOCKBOX_ACCESS_GROUP_ID). `addedGroupOf`: the group of a scope an admin added in `settings` (read when needed).
   */
  constructor(
    client: Client,
    groups: string | Readonly<Record<string, string>>,
    clock: Clock = systemClock,
    logger: Logger = SILENT,
    addedGroupOf: (scopeId: string) => Promise<string | null> = async () => null,
  ) {
    const groupOf = new Map(Object.entries(typeof groups === 'string' ? { [DEFAULT_ACCESS_SCOPE]: groups } : groups));
    this.deps = { client, groupOf, clock, logger, addedGroupOf };
  }

  /** The group of a scope; a scope without one is a configuration error, never a guess at another group. */
  private async groupOf(scopeId: string): Promise<string> {
    const groupId = this.deps.groupOf.get(scopeId) ?? (await this.deps.addedGroupOf(scopeId));
    if (!groupId) throw new PermanentError(`no access group is configured for scope ${scopeId}`);
    return groupId;
  }

  /**
   * True when the person is already a member: `POST /directoryObjects/{id}/checkMemberGroups` answers the subset of
   * the given group ids the object belongs to (transitively: a member through a nested group holds the access too).
   */
  async holds(principalId: string, scopeId: string = DEFAULT_ACCESS_SCOPE): Promise<boolean> {
    const { client } = this.deps;
    const groupId = await this.groupOf(scopeId);
    try {
      const answer = (await client
        .api(`/directoryObjects/${encodeURIComponent(principalId)}/checkMemberGroups`)
        .post({ groupIds: [groupId] })) as { value?: unknown };
      return Array.isArray(answer?.value) && answer.value.includes(groupId);
    } catch (error) {
      throw this.mapError(error, groupId);
    }
  }

  /** Adds the person to the access group; already being a member counts as done. */
  async add(principalId: string, scopeId: string = DEFAULT_ACCESS_SCOPE): Promise<void> {
    const { client, logger } = this.deps;
    const groupId = await this.groupOf(scopeId);
    try {
      await client
        .api(`/groups/${encodeURIComponent(groupId)}/members/$ref`)
        .post({ '@odata.id': `${DIRECTORY_OBJECTS}/${encodeURIComponent(principalId)}` });
    } catch (error) {
      if (!isAlreadyMember(error)) throw this.mapError(error, groupId);
      logger.info({}, 'access group: already a member');
      return;
    }
    logger.info({}, 'access group: member added');
  }

  /** Removes the person from the access group; a member already gone counts as done. */
  async remove(principalId: string, scopeId: string = DEFAULT_ACCESS_SCOPE): Promise<void> {
    const { client, logger } = this.deps;
    const groupId = await this.groupOf(scopeId);
    try {
      await client.api(`/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(principalId)}/$ref`).delete();
    } catch (error) {
      if (!isGraphNotFound(error)) throw this.mapError(error, groupId);
      logger.info({}, 'access group: member already removed');
      return;
    }
    logger.info({}, 'access group: member removed');
  }

  private mapError(error: unknown, groupId: string): Error {
    return mapGraphError(error, 'groupMembers', this.deps.clock.now(), groupId);
  }
}

function isAlreadyMember(error: unknown): boolean {
  return error instanceof GraphError && error.statusCode === 400 && ALREADY_MEMBER.test(error.message);
}
