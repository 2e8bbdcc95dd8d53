import { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import { refreshCard } from '../../application/shared/cardViews';
import { DoormanError, isDoormanError } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { AdaptiveCard } from './cards/cardTypes';
import { ASSIST_VERBS } from './assist/assistVerbs';
import { INVITATION_VERBS } from './invitation/invitationVerbs';
import { PERMISSION_PROFILE_VERBS } from './invitation/permissionProfileVerbs';
import { LOCKBOX_VERBS } from './lockbox/lockboxVerbs';
import { SESSION_VERBS } from './session/sessionVerbs';
import { ERASURE_VERBS } from './erasure/erasureVerbs';
import { actorOf, languageOfTurn } from './teamsIdentity';
import { VerbContext, VerbHandler, clickedOf, pointerSchema } from './verbTypes';

export type { VerbContext, VerbHandler };

async function cardRefresh(turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext): Promise<AdaptiveCard> {
  const pointer = pointerSchema.parse(data);
  // Read-only: an automatic refresh only re-renders, for the person looking (approvers get their buttons).
  const { view, role } = await refreshCard(verbs.deps, pointer.requestId, clickedOf(turn));
  return verbs.renderer.render(view, role, null, actor);
}

/** The one routing table of card verbs (DESIGN.md §5), built from each kind's table; anything else is a 400. */
export const VERBS: Readonly<Record<string, VerbHandler>> = {
  ...SESSION_VERBS,
  'card.refresh': cardRefresh,
  ...LOCKBOX_VERBS,
  ...ASSIST_VERBS,
  ...INVITATION_VERBS,
  ...PERMISSION_PROFILE_VERBS,
  ...ERASURE_VERBS,
};

/** Answers an Action.Execute invoke: the new card on success, 400 for unknown verbs and malformed data. */
export async function routeCardAction(
  turn: TurnContext,
  verb: string | undefined,
  data: unknown,
  verbs: VerbContext,
): Promise<AdaptiveCardInvokeResponse> {
  const handler = verb !== undefined && Object.prototype.hasOwnProperty.call(VERBS, verb) ? VERBS[verb] : undefined;
  if (!handler) return errorResponse(400, 'BadRequest', 'INPUT.INVALID');
  try {
    // Who clicked and their language are read side by side (on PostgreSQL each read is a round trip).
    const [actor, clickersVerbs] = await Promise.all([actorOf(turn, verbs.deps.directory), inClickersLanguage(turn, verbs)]);
    const card = await handler(turn, actor, data, clickersVerbs);
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card as unknown as AdaptiveCardInvokeResponse['value'] };
  } catch (error) {
    if (error instanceof z.ZodError) return errorResponse(400, 'BadRequest', 'INPUT.INVALID');
    if (isDoormanError(error, 'REQUEST.NOT_FOUND')) return errorResponse(404, 'NotFound', error.code);
    if (isDoormanError(error, 'AUTH.NOT_PERMITTED')) return errorResponse(403, 'Forbidden', error.code);
    if (error instanceof DoormanError) return errorResponse(400, 'BadRequest', error.code);
    verbs.deps.logger.error({ verb, err: error instanceof Error ? error.message : String(error) }, 'card action failed');
    return errorResponse(500, 'InternalError', 'INTERNAL');
  }
}

/**
 * The answer to a click replaces the card for the clicker only, so it speaks the clicker's language; the cards every
 * reader shares are overwritten later by the dispatcher, each in the language it was posted in.
 */
async function inClickersLanguage(turn: TurnContext, verbs: VerbContext): Promise<VerbContext> {
  const language = await languageOfTurn(turn, verbs.deps);
  const { renderer } = verbs;
  return {
    ...verbs,
    language,
    renderer: { render: (view, role, notice, viewer, timeZone, chosen) => renderer.render(view, role, notice, viewer, timeZone, chosen ?? language) },
  };
}

function errorResponse(statusCode: number, code: string, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } as never };
}
