import { AdminEvent } from '../../domain/audit';
import { Role } from '../../domain/people';
import { PersonalConversation } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { UNKNOWN_PERSON } from './auditTrail';

const ROLES: readonly Role[] = ['admin', 'agent', 'approver', 'engineer'];

/**
 * Records how to reach a person in their personal chat with Doorman (on every message and at install), so cards
 * and notices can be posted to them later. Install events carry no name; the one known already is kept. A new
 * address (a first chat, a reinstall, another bot or tenant) is audited as `chat.recorded`, by object id only;
 * a name or time zone that changes is not an event, or every message would write one.
 */
export async function rememberPersonalChat(
  deps: UseCaseDeps,
  chat: Omit<PersonalConversation, 'name'> & { name: string | null },
  /** Who recorded it: the person's own activity, or the dispatcher that opened the chat for them. */
  by: 'person' | 'dispatcher' = 'person',
): Promise<void> {
  const before = await deps.conversations.getPersonalConversation(chat.aadObjectId);
  const name = chat.name ?? (await knownName(deps, chat.aadObjectId));
  const actor = by === 'person' ? ({ actorId: chat.aadObjectId, actorType: 'person', source: 'chat' } as const) : ({ actorId: 'system:dispatcher', actorType: 'system', source: 'timer' } as const);
  const timeZone = chat.timeZone ?? before?.timeZone ?? null;
  const audit: AdminEvent | null = isNewAddress(before, chat)
    ? { action: 'chat.recorded', subjectId: chat.aadObjectId, detail: null, ...actor, at: deps.clock.now() }
    : null;
  await deps.conversations.savePersonalConversation({ ...chat, name, timeZone }, audit);
}

const ADDRESS_FIELDS = ['conversationId', 'serviceUrl', 'tenantId', 'botId', 'userId'] as const;

function isNewAddress(before: PersonalConversation | null, chat: Pick<PersonalConversation, (typeof ADDRESS_FIELDS)[number]>): boolean {
  return before === null || ADDRESS_FIELDS.some((field) => before[field] !== chat[field]);
}

/** True when the person has a personal chat with Doorman, so a card for them can be delivered now. */
export async function canReachInChat(deps: UseCaseDeps, aadObjectId: string): Promise<boolean> {
  return (await deps.conversations.getPersonalConversation(aadObjectId)) !== null;
}

/** True the first time a person or a team is greeted; Teams repeats install events, the greeting must not repeat. */
export function firstGreeting(deps: UseCaseDeps, scope: { personal: string } | { team: string }): Promise<boolean> {
  const key = 'personal' in scope ? `personal:${scope.personal}` : `team:${scope.team}`;
  return deps.conversations.recordGreeting(key, deps.clock.now());
}

/** The display name Doorman knows for a person: from their chat, else the directory; never their object id. */
export async function knownName(deps: UseCaseDeps, aadObjectId: string): Promise<string> {
  const chat = await deps.conversations.getPersonalConversation(aadObjectId);
  if (chat && chat.name !== aadObjectId && chat.name !== UNKNOWN_PERSON) return chat.name;
  const profile = await deps.directory.profileOf(aadObjectId);
  if (profile) return profile.displayName;
  for (const role of ROLES) {
    const person = (await deps.directory.listByRole(role)).find((candidate) => candidate.aadObjectId === aadObjectId);
    if (person && person.name !== aadObjectId) return person.name;
  }
  return UNKNOWN_PERSON;
}
