import { AssistRequest } from '../../domain/assist';
import { DoormanError } from '../../domain/errors';
import { LockboxRequest, lockboxParties } from '../../domain/lockbox';
import { Person } from '../../domain/people';
import { decidingRole } from '../../domain/policy';
import { UNKNOWN_PERSON, apiKeyLabels, serviceName } from '../people/auditTrail';
import { CardActivity, InvitedColleague, NotReached, RequestCardView, StoredRequest } from '../ports';
import { invitationsOf, permissionProfilesOf } from '../invitation/invitationRequests';
import { PermissionProfile } from '../../domain/invitation';
import { UseCaseDeps } from './useCaseDeps';

/** Teams refreshes a card for at most 60 listed users (Universal Actions `refresh.userIds`). */
export const MAX_REFRESH_USERS = 60;

/** Which card of a request is being drawn. */
export type CardRole = CardActivity['role'];

/** The view of `request`'s cards, read once: after a use case, before delivery. */
export async function cardViewOf(
  deps: Pick<UseCaseDeps, 'queues' | 'directory' | 'apiKeys' | 'activityFeed' | 'conversations' | 'devices' | 'lockboxSettings' | 'requests'>,
  request: StoredRequest,
): Promise<RequestCardView> {
  const [notReached, shownNames] = await Promise.all([notReachedOf(deps, request), shownNamesOf(deps, request)]);
  const notified = deps.activityFeed?.notifiedAbout?.(request.id) ?? [];
  const shown = notified.length > 0 ? { notified: [...notified] } : {};
  if (request.kind === 'lockbox') {
    const [deciders, requestedViaLabel] = await Promise.all([deciderIds(deps, request), requestedViaLabelOf(deps, request)]);
    const refreshUserIds = await refreshUserIdsOf(deps, deciders);
    return { request, queueName: null, deciderIds: deciders.slice(0, MAX_REFRESH_USERS), refreshUserIds, requestedViaLabel, notReached, shownNames, ...shown };
  }
  if (request.kind === 'invitation') {
    const profiles = permissionProfilesOf(await deps.lockboxSettings.getLockboxSettings());
    return { request, queueName: null, agents: [], deciderIds: [], notReached, shownNames, profiles };
  }
  // Read side by side: on PostgreSQL each read is a round trip.
  const connected = request.state === 'connected';
  const [invitation, invited, queue, agents] = await Promise.all([
    connected ? invitationParts(deps) : {},
    connected ? invitedInto(deps, request.id) : [],
    request.queueId ? deps.queues.getQueue(request.queueId) : null,
    // The Assign… list searches agents as the agent types: a render reads the directory's agents only for a
    // connected request's Invite a colleague.
    connected ? deps.directory.listAgents() : [],
  ]);
  if (request.kind === 'assist') {
    const capabilities = deps.devices.capabilities();
    const refreshUserIdsByRole = await assistRefreshUserIds(deps, request);
    const devices = { source: capabilities.source, actions: capabilities.actions };
    return { request, queueName: queue?.name ?? null, agents, deciderIds: [], notReached, shownNames, devices, refreshUserIdsByRole, ...shown, ...invitation, invited };
  }
  return { request, queueName: queue?.name ?? null, agents, deciderIds: [], notReached, shownNames, ...shown, ...invitation, invited };
}

/** What a connected session's card needs to offer Invite a colleague: the permission profiles. */
async function invitationParts(deps: Pick<UseCaseDeps, 'lockboxSettings'>): Promise<{ profiles: PermissionProfile[] }> {
  return { profiles: permissionProfilesOf(await deps.lockboxSettings.getLockboxSettings()) };
}

/** The colleagues invited into a session now (pending or joined), for its cards. */
async function invitedInto(deps: Pick<UseCaseDeps, 'requests'>, parentId: string): Promise<InvitedColleague[]> {
  return (await invitationsOf(deps, parentId))
    .filter((invitation) => invitation.state === 'pending' || invitation.state === 'accepted')
    .map((invitation) => ({
      invitationId: invitation.id,
      version: invitation.version,
      inviteeId: invitation.invitee.aadObjectId,
      name: invitation.invitee.name,
      profile: invitation.profile.name,
      state: invitation.state as 'pending' | 'accepted',
    }));
}

/** The people a request's cards name: its requester and deciding approvers, its requester and helper, or its creator and assignee. */
function namedPeople(request: StoredRequest): Person[] {
  if (request.kind === 'lockbox') {
    const deciders = request.decisions.filter((decision) => decision.action !== 'autoApprove').map((decision) => ({ aadObjectId: decision.byId, name: decision.byName }));
    return [request.requester, ...deciders];
  }
  if (request.kind === 'assist') return [request.requester, ...(request.helper ? [request.helper] : [])];
  if (request.kind === 'invitation') return [request.inviter, request.invitee];
  return [request.createdBy, ...(request.assignee ? [request.assignee] : [])];
}

/**
 * Names the cards show instead of the recorded ones: people who have left the tenant read as former members, and
 * a person recorded by object id (an activity without a name) by the directory's name; never an id.
 */
async function shownNamesOf(deps: Pick<UseCaseDeps, 'directory'>, request: StoredRequest): Promise<Record<string, string>> {
  const people = new Map(namedPeople(request).map((person) => [person.aadObjectId, person.name]));
  const shown: Record<string, string> = {};
  await Promise.all(
    [...people].map(async ([id, recorded]) => {
      const profile = await deps.directory.profileOf(id);
      if (profile?.state === 'left') shown[id] = profile.displayName;
      else if (recorded === id || recorded.trim() === '') shown[id] = profile?.displayName ?? UNKNOWN_PERSON;
    }),
  );
  return shown;
}

/** A request made through the REST API names its API key by label and an Entra app by what it is, as the trail does. */
export async function requestedViaLabelOf(deps: Pick<UseCaseDeps, 'apiKeys'>, request: LockboxRequest): Promise<string | null> {
  if (request.requestedVia === null) return null;
  const keyLabel = request.requestedVia.startsWith('key:') ? (await apiKeyLabels(deps)).get(request.requestedVia) ?? null : null;
  return serviceName(request.requestedVia, keyLabel);
}

/** The request's given-up messages, each person not reached named: from the request itself, else the directory. */
async function notReachedOf(deps: Pick<UseCaseDeps, 'directory'>, request: StoredRequest): Promise<NotReached[]> {
  const known = new Map<string, string>();
  const people =
    request.kind === 'lockbox'
      ? [request.requester]
      : request.kind === 'assist'
        ? [request.requester, request.helper]
        : request.kind === 'invitation'
          ? [request.inviter, request.invitee]
          : [request.createdBy, request.assignee];
  for (const person of people) if (person) known.set(person.aadObjectId, person.name);
  return Promise.all(
    (request.deliveryFailures ?? []).map(async (failure) => {
      if (failure.target.kind !== 'person') return { ...failure, name: null };
      const id = failure.target.aadObjectId;
      return { ...failure, name: known.get(id) ?? (await deps.directory.displayName(id)) };
    }),
  );
}

/** Who can act on the request now (its deciding role, never its parties), each once. */
async function deciderIds(deps: Pick<UseCaseDeps, 'directory'>, request: LockboxRequest): Promise<string[]> {
  const people = await deps.directory.listByRole(decidingRole(request));
  // Backup approvers added by an escalation decide too.
  return [...new Set([...people.map((person) => person.aadObjectId), ...(request.escalatedTo ?? [])])].filter((id) => !lockboxParties(request).includes(id));
}

/**
 * `refresh.userIds` as Teams documents them: user MRIs, the `29:` id Teams gave each person in their activities
 * (recorded with their personal chat). The list holds only people who can act now (`deciders`), so who must see their
 * own view first is settled before the cap; of those, people whose MRI Teams has given Doorman come first (they use
 * it, and their id is the documented one), then the rest as `8:orgid:<object id>` (the same user's MRI in the form
 * Teams derives from the Entra id) in directory order; at most 60.
 */
async function refreshUserIdsOf(deps: Pick<UseCaseDeps, 'conversations'>, deciders: readonly string[]): Promise<string[]> {
  const recorded = await Promise.all(deciders.map(async (id) => (await deps.conversations.getPersonalConversation(id))?.userId ?? null));
  const known = recorded.filter((mri): mri is string => mri !== null && mri.startsWith('29:'));
  const unknown = deciders.filter((_, index) => !(recorded[index] ?? '').startsWith('29:')).map((id) => `8:orgid:${id}`);
  return [...new Set([...known, ...unknown])].slice(0, MAX_REFRESH_USERS);
}

/** Who can act on each assist card now, as `refresh.userIds` (see refreshUserIdsOf); an empty list: no refresh. */
async function assistRefreshUserIds(deps: Pick<UseCaseDeps, 'conversations' | 'directory'>, request: AssistRequest): Promise<Record<'queue' | 'requester' | 'agent', string[]>> {
  const requester = request.requester.aadObjectId;
  const agents = request.state === 'requested' ? (await deps.directory.listByRole('agent')).map((agent) => agent.aadObjectId).filter((id) => id !== requester) : [];
  const helperActs = request.helper !== null && ['accepted', 'allowed', 'connected'].includes(request.state);
  const [queue, requesterIds, agentIds] = await Promise.all([
    refreshUserIdsOf(deps, [...new Set(agents)]),
    refreshUserIdsOf(deps, request.state === 'accepted' ? [requester] : []),
    refreshUserIdsOf(deps, helperActs && request.helper ? [request.helper.aadObjectId] : []),
  ]);
  return { queue, requester: requesterIds, agent: agentIds };
}

/** Where a card was clicked: the message that holds it, and whether it sits in a channel. */
export interface ClickedCard {
  place: { conversationId: string; activityId: string } | null;
  inChannel: boolean;
}

/** The role of the clicked card (its answer replaces that same card): as recorded, else by where it was clicked. */
export async function clickedCardRole(deps: Pick<UseCaseDeps, 'requests'>, requestId: string, clicked: ClickedCard): Promise<CardRole> {
  const { place } = clicked;
  if (place) {
    const match = (await deps.requests.cardActivitiesOf(requestId)).find(
      (card) => card.activityId === place.activityId && card.conversationId === place.conversationId,
    );
    if (match) return match.role;
  }
  return clicked.inChannel ? 'queue' : 'agent';
}

/** A request's card after a use case: its view and the role of the clicked card, for the renderer. */
export interface ClickedCardView {
  view: RequestCardView;
  role: CardRole;
}

/** The view and role of the clicked card of `request`. */
export async function clickedCardView(deps: UseCaseDeps, request: StoredRequest, clicked: ClickedCard): Promise<ClickedCardView> {
  const [view, role] = await Promise.all([cardViewOf(deps, request), clickedCardRole(deps, request.id, clicked)]);
  return { view, role };
}

/** `card.refresh`: the current card of a request for the person looking (read-only). */
export async function refreshCard(deps: UseCaseDeps, requestId: string, clicked: ClickedCard): Promise<ClickedCardView> {
  const request = await deps.requests.getRequest(requestId);
  if (!request) throw new DoormanError('REQUEST.NOT_FOUND');
  return clickedCardView(deps, request, clicked);
}

/** Runs a card action and returns its result with the view and role of the clicked card: one call per verb. */
export async function withClickedCard<T extends { request: StoredRequest }>(
  deps: UseCaseDeps,
  clicked: ClickedCard,
  action: () => Promise<T>,
): Promise<T & { card: ClickedCardView }> {
  const result = await action();
  return { ...result, card: await clickedCardView(deps, result.request, clicked) };
}
