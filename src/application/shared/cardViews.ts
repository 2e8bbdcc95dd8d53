import { DoormanError } from '../../domain/errors';
import { LockboxRequest, lockboxParties } from '../../domain/lockbox';
import { decidingRole } from '../../domain/policy';
import { CardActivity, RequestCardView, StoredRequest } from '../ports';
import { UseCaseDeps } from './useCaseDeps';

/** Teams refreshes a card for at most 60 listed users (Universal Actions `refresh.userIds`). */
const MAX_REFRESH_USERS = 60;

/** Which card of a request is being drawn. */
export type CardRole = CardActivity['role'];

/** The view of `request`'s cards, read once: after a use case, before delivery. */
export async function cardViewOf(deps: Pick<UseCaseDeps, 'queues' | 'directory'>, request: StoredRequest): Promise<RequestCardView> {
  if (request.kind === 'lockbox') return { request, queueName: null, agents: [], deciderIds: await deciderIds(deps, request) };
  const [queue, agents] = await Promise.all([request.queueId ? deps.queues.getQueue(request.queueId) : null, deps.directory.listAgents()]);
  return { request, queueName: queue?.name ?? null, agents, deciderIds: [] };
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
