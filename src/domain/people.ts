/** Roles a person can hold in Doorman. */
export type Role = 'admin' | 'agent' | 'approver' | 'engineer';

/** A person as Doorman knows them: the Entra object id is the identity, the name is for display. */
export interface Person {
  aadObjectId: string;
  name: string;
}

/** Who did something: a person (with the roles they hold now), the customer behind a link, or the system. */
export type Actor =
  | { type: 'person'; person: Person; roles: Role[] }
  | { type: 'customer' }
  | { type: 'system'; name: 'sweeper' | 'dispatcher' | 'settings' }
  /**
   * A system calling the REST API, known by its stable id: `key:<API key id>` or `app:<Entra client id>`. The label
   * (an API key's admin-chosen name) is only for people to read, never to decide who acts.
   */
  | { type: 'service'; client: string; label?: string };

/** Where an action came from, recorded on every audit event. */
export type Source = 'card' | 'chat' | 'portal' | 'api' | 'timer' | 'tab';

/** True when the actor is a person holding `role`. */
export function hasRole(actor: Actor, role: Role): boolean {
  return actor.type === 'person' && actor.roles.includes(role);
}

/** The stable id recorded for an actor in the audit trail (never a name). */
export function actorId(actor: Actor): string {
  if (actor.type === 'person') return actor.person.aadObjectId;
  if (actor.type === 'customer') return 'customer';
  if (actor.type === 'service') return `service:${actor.client}`;
  return `system:${actor.name}`;
}

/** How a person who left the organisation is shown, with the name Doorman last saw (never their object id). */
export function formerMemberName(lastKnownName: string | null): string {
  return lastKnownName ? `${lastKnownName} (${FORMER_MEMBER})` : `a ${FORMER_MEMBER}`;
}

/** The words for someone whose account no longer exists in the tenant. */
export const FORMER_MEMBER = 'former member';
