import { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { z } from 'zod';
import {
  AgentActionResult,
  CardPointer,
  admitCustomer,
  assignSession,
  closeSession,
  denyCustomer,
  rebindSession,
  reopenSession,
} from '../../application/session/actOnSession';
import { createSessionRequest } from '../../application/session/createSessionRequest';
import { parseSessionForm } from '../../application/session/sessionForm';
import { UseCaseDeps } from '../../application/shared/useCaseDeps';
import { sessionQueueChoice } from '../../application/people/queues';
import { DoormanError, isDoormanError } from '../../domain/errors';
import { Actor, hasRole } from '../../domain/people';
import { AdaptiveCard } from './cards/cardTypes';
import { sessionFormCard } from './session/sessionFormCard';
import { sessionInvitationCard } from './session/sessionInvitationCard';
import { CardRenderer } from './cardRenderer';
import { pointerSchema, roleOfClickedCard } from './cardActionSupport';
import { LOCKBOX_VERBS } from './lockbox/lockboxVerbs';
import { actorOf, clickedCard, timeZoneOf } from './teamsIdentity';

/** What verb handlers work with. */
export interface VerbContext {
  deps: UseCaseDeps;
  renderer: CardRenderer;
}

/** One verb's handler: the answer card for the clicked card. */
export type VerbHandler = (turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext) => Promise<AdaptiveCard>;

function sessionAction(
  run: (verbs: VerbContext, actor: Actor, pointer: CardPointer, data: z.infer<typeof pointerSchema>, turn: TurnContext) => Promise<AgentActionResult>,
): VerbHandler {
  return async (turn, actor, data, verbs) => {
    const pointer = pointerSchema.parse(data);
    const result = await run(verbs, actor, pointer, pointer, turn);
    if (result.invitation) {
      return sessionInvitationCard({
        request: result.request,
        link: result.invitation.link,
        inviteText: result.invitation.inviteText,
        now: verbs.deps.clock.now(),
        timeZone: timeZoneOf(turn, verbs.deps.settings.defaultTimeZone),
      });
    }
    const role = await roleOfClickedCard(turn, verbs.deps.requests, result.request.id);
    return verbs.renderer.render(result.request, role === 'invitation' ? 'agent' : role, result.refused);
  };
}

async function sessionCreate(turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext): Promise<AdaptiveCard> {
  const { deps } = verbs;
  const timeZone = timeZoneOf(turn, deps.settings.defaultTimeZone);
  const now = deps.clock.now();
  const [agents, choice] = await Promise.all([deps.directory.listAgents(), sessionQueueChoice(deps)]);
  const defaultQueue = choice.defaultQueue ? { name: choice.defaultQueue.queue.name, reason: choice.defaultQueue.reason } : null;
  const form = { agents, queues: choice.queues, defaultQueue, timeZone, defaultHours: deps.settings.sessionDefaultHours };
  if (actor.type !== 'person' || !hasRole(actor, 'agent')) {
    return sessionFormCard({ ...form, values: {}, problems: [{ field: 'form', problem: 'notPermitted' }] });
  }
  const parsed = parseSessionForm(data, {
    now,
    timeZone,
    defaultHours: deps.settings.sessionDefaultHours,
    agent: actor.person,
    agents,
    queues: choice.queues,
    defaultQueueId: choice.defaultQueue?.queue.id ?? null,
  });
  if (!parsed.ok) return sessionFormCard({ ...form, values: parsed.typed, problems: parsed.problems });
  try {
    const issued = await createSessionRequest(deps, actor, parsed.values, clickedCard(turn), timeZone);
    return sessionInvitationCard({ request: issued.request, link: issued.link, inviteText: issued.inviteText, now, timeZone });
  } catch (error) {
    if (isDoormanError(error, 'INPUT.INVALID')) {
      return sessionFormCard({ ...form, values: typedInputs(data), problems: error.fields });
    }
    throw error;
  }
}

/** The strings the user typed into the form, to put back after a refusal so nothing typed is lost. */
function typedInputs(data: unknown): Record<string, string> {
  if (typeof data !== 'object' || data === null) return {};
  return Object.fromEntries(Object.entries(data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

async function cardRefresh(turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext): Promise<AdaptiveCard> {
  const pointer = pointerSchema.parse(data);
  const request = await verbs.deps.requests.getRequest(pointer.requestId);
  if (!request) throw new DoormanError('REQUEST.NOT_FOUND');
  // Read-only: an automatic refresh only re-renders, for the person looking (approvers get their buttons).
  return verbs.renderer.render(request, await roleOfClickedCard(turn, verbs.deps.requests, request.id), null, actor);
}

/** The one routing table of card verbs (DESIGN.md §5); anything else is a 400, never a default card. */
export const VERBS: Readonly<Record<string, VerbHandler>> = {
  'session.create': sessionCreate,
  'session.admit': sessionAction(({ deps }, actor, pointer) => admitCustomer(deps, actor, pointer)),
  'session.deny': sessionAction(({ deps }, actor, pointer) => denyCustomer(deps, actor, pointer)),
  'session.close': sessionAction(({ deps }, actor, pointer) => closeSession(deps, actor, pointer)),
  'session.rebind': sessionAction(({ deps }, actor, pointer) => rebindSession(deps, actor, pointer)),
  'session.assign': sessionAction(({ deps }, actor, pointer, data) =>
    assignSession(deps, actor, pointer, typeof data.assignTo === 'string' ? data.assignTo : 'me'),
  ),
  'session.reopen': sessionAction(({ deps }, actor, pointer, _data, turn) =>
    reopenSession(deps, actor, pointer, clickedCard(turn), timeZoneOf(turn, deps.settings.defaultTimeZone)),
  ),
  'card.refresh': cardRefresh,
  ...LOCKBOX_VERBS,
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
    const actor = await actorOf(turn, verbs.deps.directory);
    const card = await handler(turn, actor, data, verbs);
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

function errorResponse(statusCode: number, code: string, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code, message } as never };
}
