import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { RequestCardView } from '../../application/ports';
import { CardRole, ClickedCard } from '../../application/shared/cardViews';
import { UseCaseDeps } from '../../application/shared/useCaseDeps';
import { ErrorCode } from '../../domain/errors';
import { Language } from '../../domain/language';
import { Actor } from '../../domain/people';
import { AdaptiveCard } from './cards/cardTypes';
import { clickedCard } from './teamsIdentity';

/** Draws a request's card from its view (the CardRenderer). */
export interface CardDrawing {
  render(view: RequestCardView, role: CardRole, notice?: ErrorCode | null, viewer?: Actor | null, timeZone?: string, language?: Language): AdaptiveCard;
}

/** What verb handlers work with. */
export interface VerbContext {
  deps: UseCaseDeps;
  renderer: CardDrawing;
  /** The clicker's language: the answer card (their own view of it) speaks it. Absent: English. */
  language?: Language;
}

/** One verb's handler: the answer card for the clicked card. */
export type VerbHandler = (turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext) => Promise<AdaptiveCard>;

/** The pointer every request card action carries, validated before anything is loaded. */
export const pointerSchema = z.object({ requestId: z.string().min(1).max(100), version: z.number().int().positive() }).passthrough();

/** Where the card was clicked, as the use cases need it to find that card again. */
export function clickedOf(turn: TurnContext): ClickedCard {
  const place = clickedCard(turn);
  return {
    place: place ? { conversationId: place.conversationId, activityId: place.activityId } : null,
    inChannel: turn.activity.conversation.conversationType === 'channel',
  };
}
