import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { RequestStore } from '../../application/ports';
import { CardRole } from './cardRenderer';
import { clickedCard } from './teamsIdentity';

/** The pointer every request card action carries, validated before anything is loaded. */
export const pointerSchema = z.object({ requestId: z.string().min(1).max(100), version: z.number().int().positive() }).passthrough();

/** The card shows a status for the clicked card's role, so its answer replaces that same card. */
export async function roleOfClickedCard(turn: TurnContext, store: RequestStore, requestId: string): Promise<CardRole> {
  const place = clickedCard(turn);
  if (place) {
    const match = (await store.cardActivitiesOf(requestId)).find(
      (card) => card.activityId === place.activityId && card.conversationId === place.conversationId,
    );
    if (match) return match.role;
  }
  return turn.activity.conversation.conversationType === 'channel' ? 'queue' : 'agent';
}

