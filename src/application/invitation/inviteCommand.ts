import { AssistRequest } from '../../domain/assist';
import { PermissionProfile, invitationParentOf, invitationRefusal } from '../../domain/invitation';
import { Actor, Person } from '../../domain/people';
import { SessionRequest } from '../../domain/session';
import { CardActivity } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { invitationsOf, permissionProfilesOf } from './invitationRequests';

/** Where `invite @Name` was typed: a channel thread (a queue card's) or the agent's personal chat. */
export interface InviteCommandPlace {
  conversationId: string;
  personal: boolean;
  /** The message the command answers (Teams sets it when someone replies to a card), else null. */
  replyToId: string | null;
}

/** The person @mentioned, as the Teams mention entity names them. */
export interface MentionedPerson {
  /** The Teams user id (`29:…`), or an Entra object id where the client sends one. */
  id: string;
  name: string;
  /** Some clients add the Entra object id to the mention. */
  aadObjectId: string | null;
}

/** Why the command cannot invite: the card's reasons, or that it is not clear which request it is about. */
export type InviteCommandRefusal = 'self' | 'alreadyIn' | 'unreachable' | 'notConnected' | 'noMention' | 'whichRequest';

/** What `invite @Name` answers: the invite form with the colleague filled in (the profile still to pick), or why not. */
export type InviteCommandAnswer =
  | { kind: 'form'; parent: { requestId: string; version: number; summary: string }; invitee: Person; profiles: PermissionProfile[] }
  | { kind: 'refused'; refusal: InviteCommandRefusal };

/** The states in which a session or assistance request still runs (its invitations are about one of these). */
const RUNNING_STATES = ['open', 'waiting', 'ready', 'connected', 'requested', 'accepted', 'allowed'];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `invite @Name` in a request's thread, or in the agent's personal chat: finds the request the agent runs there, the
 * person mentioned, and answers the invite form prefilled, or refuses with the card's reasons (yourself, already in,
 * unknown or left, not connected). A thread that is not one of the agent's requests, or a personal chat with several
 * connected requests, cannot say which request is meant: the answer says how the command is used.
 */
export async function inviteFromChat(deps: UseCaseDeps, actor: Actor, place: InviteCommandPlace, mentioned: MentionedPerson | null): Promise<InviteCommandAnswer> {
  if (actor.type !== 'person') return { kind: 'refused', refusal: 'whichRequest' };
  const parent = await parentAt(deps, actor.person, place);
  if (!parent) return { kind: 'refused', refusal: 'whichRequest' };
  const asParent = invitationParentOf(parent);
  if (!asParent.connected) return { kind: 'refused', refusal: 'notConnected' };
  if (!mentioned) return { kind: 'refused', refusal: 'noMention' };
  const invitee = await personMentioned(deps, mentioned);
  if (!invitee) return { kind: 'refused', refusal: 'unreachable' };
  const refusal = invitationRefusal(invitee, asParent, await invitationsOf(deps, parent.id), actor.person);
  if (refusal) return { kind: 'refused', refusal };
  const profiles = permissionProfilesOf(await deps.lockboxSettings.getLockboxSettings());
  return { kind: 'form', parent: { requestId: parent.id, version: parent.version, summary: asParent.summary }, invitee, profiles };
}

/** The running request the agent hosts where the command was typed. */
async function parentAt(deps: UseCaseDeps, agent: Person, place: InviteCommandPlace): Promise<SessionRequest | AssistRequest | null> {
  const involved = await deps.requests.listRequests({ involving: agent.aadObjectId, states: RUNNING_STATES });
  const hosted = involved.filter(
    (request): request is SessionRequest | AssistRequest =>
      (request.kind === 'session' || request.kind === 'assist') && invitationParentOf(request).hostIds.includes(agent.aadObjectId),
  );
  for (const request of hosted) {
    const cards = await deps.requests.cardActivitiesOf(request.id);
    if (cards.some((card) => isCardOf(card, place))) return request;
  }
  if (!place.personal) return null;
  // In the agent's own chat without a reply to a card: the one request they have connected now, if there is one.
  const connected = hosted.filter((request) => request.state === 'connected');
  if (connected.length === 1) return connected[0];
  return connected.length === 0 && hosted.length === 1 ? hosted[0] : null;
}


/** Whether `place` is the card's thread (a reply in a channel thread), or a reply to the card in a personal chat. */
function isCardOf(card: CardActivity, place: InviteCommandPlace): boolean {
  if (place.personal) return place.replyToId !== null && card.conversationId === place.conversationId && card.activityId === place.replyToId;
  if (card.role !== 'queue') return false;
  const thread = card.threadId ?? card.conversationId;
  // Teams names a channel thread `<channel>;messageid=<root>`; the root is the card's own message.
  return place.conversationId === thread || place.conversationId.endsWith(`;messageid=${card.activityId}`);
}

/** The mentioned person as the directory knows them: by Entra object id when the mention carries one, else by name. */
async function personMentioned(deps: Pick<UseCaseDeps, 'directory'>, mentioned: MentionedPerson): Promise<Person | null> {
  const id = mentioned.aadObjectId ?? (GUID.test(mentioned.id) ? mentioned.id : null);
  const found = id ? { aadObjectId: id, name: mentioned.name } : await deps.directory.findAgent(mentioned.name);
  if (!found) return null;
  const profile = await deps.directory.profileOf(found.aadObjectId);
  if (!profile || profile.state === 'left') return null;
  return { aadObjectId: found.aadObjectId, name: profile.displayName };
}
