import { DoormanError } from '../../domain/errors';
import { LockboxRequest, lockboxParties } from '../../domain/lockbox';
import { decidingRole } from '../../domain/policy';
import { apiKeyLabels } from '../people/auditTrail';
import { CardActivity, NotReached, RequestCardView, StoredRequest } from '../ports';
import { UseCaseDeps } from './useCaseDeps';

/** Teams refreshes a card for at most 60 listed users (Universal Actions `refresh.userIds`). */
const MAX_REFRESH_USERS = 60;

/** Which card of a request is being drawn. */
export type CardRole = CardActivity['role'];

/** The view of `request`'s cards, read once: after a use case, before delivery. */
export async function cardViewOf(deps: Pick<UseCaseDeps, 'queues' | 'directory' | 'apiKeys'>, request: StoredRequest): Promise<RequestCardView> {
  const notReached = await notReachedOf(deps, request);
  if (request.kind === 'lockbox') {
    const [deciders, requestedViaLabel] = await Promise.all([deciderIds(deps, request), requestedViaLabelOf(deps, request)]);
    return { request, queueName: null, deciderIds: deciders, requestedViaLabel, notReached };
  }
  // Agents are not listed on cards (Assign… searches them as the agent types): a render reads no directory list.
  const queue = request.queueId ? await deps.queues.getQueue(request.queueId) : null;
  return { request, queueName: queue?.name ?? null, deciderIds: [], notReached };
}

/** A request made through the REST API names its API key by label, as the audit trail does. */
async function requestedViaLabelOf(deps: Pick<UseCaseDeps, 'apiKeys'>, request: LockboxRequest): Promise<string | null> {
  if (request.requestedVia === null || !request.requestedVia.startsWith('key:')) return null;
  return (await apiKeyLabels(deps)).get(request.requestedVia) ?? null;
}

/** The request's given-up messages, each person not reached named: from the request itself, else the directory. */
async function notReachedOf(deps: Pick<UseCaseDeps, 'directory'>, request: StoredRequest): Promise<NotReached[]> {
  const known = new Map<string, string>();
  if (request.kind === 'lockbox') known.set(request.requester.aadObjectId, request.requester.name);
  else for (const person of [request.createdBy, request.assignee]) if (person) known.set(person.aadObjectId, person.name);
  return Promise.all(
    (request.deliveryFailures ?? []).map(async (failure) => {
      if (failure.target.kind !== 'person') return { ...failure, name: null };
      const id = failure.target.aadObjectId;
      return { ...failure, name: known.get(id) ?? (await deps.directory.displayName(id)) };
    }),
  );
}

async function deciderIds(deps: Pick<UseCaseDeps, 'directory'>, request: LockboxRequest): Promise<string[]> {
  const people = await deps.directory.listByRole(decidingRole(request));
  return people
    .map((person) => person.aadObjectId)
    .filter((id) => !lockboxParties(request).includes(id))
    .slice(0, MAX_REFRESH_USERS);
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
