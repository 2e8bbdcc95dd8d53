import { Person, Role } from '../../domain/people';

/** The time, injected so tests move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

/** Fresh identifiers and secrets (CSPRNG in production). */
export interface Secrets {
  newRequestId(): string;
  /** A one-time link code (≥128 bits) and the hash that is stored instead of it. */
  newLinkCode(): { code: string; hash: string };
  /** A browser binding secret (cookie) and its hash. */
  newBindingSecret(): { secret: string; hash: string };
  /** Hashes a link code or binding secret the same way it was stored. */
  hash(value: string): string;
  /** Compares two hashes in constant time. */
  sameHash(a: string, b: string): boolean;
  /** A 4-digit verification tag. */
  newTag(): string;
}

/** Who people are and which roles they hold. */
export interface Directory {
  rolesOf(aadObjectId: string): Promise<Role[]>;
  /** Agents known by object id or name, for `assignTo`. */
  findAgent(idOrName: string): Promise<Person | null>;
  listAgents(): Promise<Person[]>;
  /** Everyone holding `role`, with a mail address where known. */
  listByRole(role: Role): Promise<(Person & { email: string | null })[]>;
  /** The name a person is shown by in trails and histories; null when the directory does not (or no longer) know them. */
  displayName(aadObjectId: string): Promise<string | null>;
  /** Where each role a person holds comes from (`whoami`): named directly, or through an Entra group. */
  roleSources(aadObjectId: string): Promise<RoleSource[]>;
  /**
   * What the directory knows of a person: name, mail, language and IANA time zone where it has them, and whether
   * they are still in the organisation; null when it does not know them (or cannot be asked right now).
   */
  profileOf(aadObjectId: string): Promise<PersonProfile | null>;
}

/** A person as the directory knows them (Entra in production, the roles file locally). */
export interface PersonProfile {
  displayName: string;
  email: string | null;
  /** BCP 47 ("de-CH"), or null. */
  preferredLanguage: string | null;
  /** An IANA zone Intl knows ("Europe/Berlin"), or null. */
  timeZone: string | null;
  /** 'left': the account no longer exists in the tenant; `displayName` is then already marked as a former member. */
  state: 'active' | 'left';
}

/** One role and what gave it: the person's own id in a ROLE_* list or roles file, or a group they are in. */
export interface RoleSource {
  role: Role;
  via: { kind: 'named' } | { kind: 'group'; groupId: string; groupName: string | null };
}

/** Structured logging (pino behind it); never log tokens, secrets, link codes or mail bodies. */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Something that changed a request; the portal's live pages listen for it. */
export interface RequestChanges {
  publish(requestId: string): void;
  subscribe(requestId: string, listener: () => void): () => void;
}
