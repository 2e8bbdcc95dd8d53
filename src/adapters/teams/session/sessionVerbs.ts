import { TurnContext } from 'botbuilder';
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
} from '../../../application/session/actOnSession';
import { SessionFormView, submitSessionForm } from '../../../application/session/sessionViews';
import { withClickedCard } from '../../../application/shared/cardViews';
import { Language } from '../../../domain/language';
import { Actor } from '../../../domain/people';
import { AdaptiveCard } from '../cards/cardTypes';
import { clickedCard, timeZoneOf } from '../teamsIdentity';
import { VerbContext, VerbHandler, clickedOf, pointerSchema } from '../verbTypes';
import { sessionFormCard } from './sessionFormCard';
import { sessionInvitationCard } from './sessionInvitationCard';

function sessionAction(
  run: (verbs: VerbContext, actor: Actor, pointer: CardPointer, data: z.infer<typeof pointerSchema>, turn: TurnContext) => Promise<AgentActionResult>,
): VerbHandler {
  return async (turn, actor, data, verbs) => {
    const pointer = pointerSchema.parse(data);
    const result = await withClickedCard(verbs.deps, clickedOf(turn), () => run(verbs, actor, pointer, pointer, turn));
    if (result.invitation) {
      return sessionInvitationCard({
        request: result.request,
        link: result.invitation.link,
        inviteText: result.invitation.inviteText,
        now: verbs.deps.clock.now(),
        timeZone: timeZoneOf(turn, verbs.deps.settings.defaultTimeZone),
        language: verbs.language,
      });
    }
    const { view, role } = result.card;
    return verbs.renderer.render(view, role === 'invitation' ? 'agent' : role, result.refused);
  };
}

/** The `new session` form, drawn from the use case's view. */
export function sessionForm(
  form: SessionFormView,
  timeZone: string,
  typed: Record<string, string> = {},
  problems: { field: string; problem: string }[] = [],
  language: Language = 'en',
): AdaptiveCard {
  return sessionFormCard({ ...form, values: typed, problems, timeZone, language });
}

async function sessionCreate(turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext): Promise<AdaptiveCard> {
  const { deps } = verbs;
  const timeZone = timeZoneOf(turn, deps.settings.defaultTimeZone);
  const answer = await submitSessionForm(deps, actor, data, clickedCard(turn), timeZone);
  if (answer.kind === 'form') return sessionForm(answer.form, timeZone, answer.typed, answer.problems, verbs.language);
  const { request, link, inviteText } = answer.issued;
  return sessionInvitationCard({ request, link, inviteText, now: deps.clock.now(), timeZone, language: verbs.language });
}

/** The session verbs of DESIGN.md §5. */
export const SESSION_VERBS: Readonly<Record<string, VerbHandler>> = {
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
};
