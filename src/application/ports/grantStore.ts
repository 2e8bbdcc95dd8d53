/**
 * How this grant's person came to hold the access: Doorman is `adding` the membership (written before the directory
 * call, so a retry knows), has `added` it, found them `alreadyMember`, or another running grant of theirs for the same
 * scope carries it (`shared`). A grant given up while `adding` is checked afterwards: `added` when the membership was
 * there (and removed, or handed to another running grant), `notAdded` when it never was.
 */
export type GrantMembership = 'adding' | 'added' | 'alreadyMember' | 'shared' | 'notAdded';

/** The scope every grant has until admins define more (the access `LOCKBOX_ACCESS_GROUP_ID` carries). */
export const DEFAULT_ACCESS_SCOPE = 'default';

/** One request's grant in the ledger: who holds which scope through it, since when, and whether Doorman added it. */
export interface AccessGrant {
  requestId: string;
  principalId: string;
  resource: string;
  scope: string;
  membership: GrantMembership;
  grantedAt: Date;
  revokedAt: Date | null;
}

/**
 * What carries the access (production: membership of the Entra group; local: the local membership table). All three
 * are idempotent, so the outbox can retry them; counting and ownership are the ledger's (GrantStore), not the carrier's.
 */
export interface AccessGranter {
  /** True when the person already holds the scope's access (is a member). */
  holds(principalId: string, scopeId: string): Promise<boolean>;
  /** Adds the membership; already being a member counts as done. */
  add(principalId: string, scopeId: string): Promise<void>;
  /** Removes the membership; a member already gone counts as done. */
  remove(principalId: string, scopeId: string): Promise<void>;
}

/** The grant ledger (every mode) and the local membership table (local mode's carrier). */
export interface GrantStore {
  /** Records a request's grant; recording it again keeps the first grant time unless it had been revoked. */
  recordGrant(grant: AccessGrant): Promise<void>;
  /** Marks a request's grant revoked; a second revocation keeps the first time. */
  recordRevoke(requestId: string, at: Date): Promise<void>;
  listGrants(): Promise<AccessGrant[]>;
  /** One request's grant, or null. */
  grantOf(requestId: string): Promise<AccessGrant | null>;
  /** The person's grants for a scope that are not revoked, oldest first. */
  runningGrantsOf(principalId: string, scope: string): Promise<AccessGrant[]>;
  /** Changes how a grant holds its membership (`adding` → `added`; ownership passed on at the end of another). */
  setGrantMembership(requestId: string, membership: GrantMembership): Promise<void>;
  /** Local mode's carrier: whether the person is a member of the scope's local group. */
  isLocalMember(scope: string, principalId: string): Promise<boolean>;
  addLocalMember(scope: string, principalId: string, at: Date): Promise<void>;
  removeLocalMember(scope: string, principalId: string): Promise<void>;
}
