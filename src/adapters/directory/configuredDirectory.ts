import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Directory, PersonProfile, RoleSource } from '../../application/ports';
import { isTimeZone } from '../../application/shared/zonedTime';
import { Person, Role } from '../../domain/people';

const ROLES: readonly Role[] = ['admin', 'agent', 'approver', 'engineer'];

const rolesFileSchema = z.object({
  /** The tenant the local users belong to (the Agents Playground's); local mode accepts activities from it. */
  tenantId: z.string().optional(),
  users: z.array(
    z.object({
      aadObjectId: z.string().min(1),
      name: z.string().min(1),
      email: z.string().email().optional(),
      /** The person's IANA time zone, for times told to them before Teams reports one. */
      timeZone: z.string().refine(isTimeZone, 'is not an IANA time zone').optional(),
      /** BCP 47 language ("de-DE"). */
      preferredLanguage: z.string().min(2).max(35).optional(),
      roles: z.array(z.enum(['admin', 'agent', 'approver', 'engineer'])),
    }),
  ),
});

/** A person with the roles configuration gives them. */
export interface DirectoryEntry extends Person {
  roles: Role[];
  email?: string;
  timeZone?: string;
  preferredLanguage?: string;
}

/** Reads the committed local roles file (the Playground's users); a broken file stops start-up with the reason. */
export function readRolesFile(path: string): { tenantId: string | null; users: DirectoryEntry[] } {
  const parsed = rolesFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${path}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  }
  return { tenantId: parsed.data.tenantId ?? null, users: parsed.data.users };
}

/** Roles from configuration: the local roles file and/or object id lists per role (ROLE_AGENTS, …). */
export class ConfiguredDirectory implements Directory {
  private readonly people = new Map<string, DirectoryEntry>();

  constructor(entries: DirectoryEntry[], idsByRole: Partial<Record<Role, string[]>> = {}) {
    for (const entry of entries) this.people.set(entry.aadObjectId, { ...entry, roles: [...entry.roles] });
    for (const role of ROLES) {
      for (const id of idsByRole[role] ?? []) {
        const entry = this.people.get(id) ?? { aadObjectId: id, name: id, roles: [] };
        if (!entry.roles.includes(role)) entry.roles.push(role);
        this.people.set(id, entry);
      }
    }
  }

  /** The roles configured for an object id (none for strangers). */
  async rolesOf(aadObjectId: string): Promise<Role[]> {
    return [...(this.people.get(aadObjectId)?.roles ?? [])];
  }

  /** Every configured role is named directly (local mode resolves no groups). */
  async roleSources(aadObjectId: string): Promise<RoleSource[]> {
    return (await this.rolesOf(aadObjectId)).map((role) => ({ role, via: { kind: 'named' } }));
  }

  /** An agent by object id, or by name (case-insensitive). */
  async findAgent(idOrName: string): Promise<Person | null> {
    const wanted = idOrName.trim().toLowerCase();
    for (const entry of this.people.values()) {
      if (!entry.roles.includes('agent')) continue;
      if (entry.aadObjectId.toLowerCase() === wanted || entry.name.toLowerCase() === wanted) {
        return { aadObjectId: entry.aadObjectId, name: entry.name };
      }
    }
    return null;
  }

  /** Everyone holding `role`, by name, with their mail address where the configuration has one. */
  async listByRole(role: Role): Promise<(Person & { email: string | null })[]> {
    return [...this.people.values()]
      .filter((entry) => entry.roles.includes(role))
      .map(({ aadObjectId, name, email }) => ({ aadObjectId, name, email: email ?? null }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The configured name; null for strangers and for ids listed only by role (they have no name to show). */
  async displayName(aadObjectId: string): Promise<string | null> {
    const entry = this.people.get(aadObjectId);
    return entry && entry.name !== entry.aadObjectId ? entry.name : null;
  }

  /** The configured person; null for strangers and for ids listed only by role. Nobody leaves a roles file. */
  async profileOf(aadObjectId: string): Promise<PersonProfile | null> {
    const entry = this.people.get(aadObjectId);
    if (!entry || entry.name === entry.aadObjectId) return null;
    return {
      displayName: entry.name,
      email: entry.email ?? null,
      preferredLanguage: entry.preferredLanguage ?? null,
      timeZone: entry.timeZone ?? null,
      state: 'active',
    };
  }

  /** Every agent, by name. */
  async listAgents(): Promise<Person[]> {
    return [...this.people.values()]
      .filter((entry) => entry.roles.includes('agent'))
      .map(({ aadObjectId, name }) => ({ aadObjectId, name }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
