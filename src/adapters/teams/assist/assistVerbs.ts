import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { AssistVerb, decideOnAssist } from '../../../application/assist/assistRequests';
import { AssistFormView, submitAssistForm } from '../../../application/assist/assistViews';
import { withClickedCard } from '../../../application/shared/cardViews';
import { FieldProblem } from '../../../domain/errors';
import { Language } from '../../../domain/language';
import { Actor } from '../../../domain/people';
import { AdaptiveCard } from '../cards/cardTypes';
import { clickedCard } from '../teamsIdentity';
import { VerbContext, VerbHandler, clickedOf, pointerSchema } from '../verbTypes';
import { assistFormCard } from './assistFormCard';

/** The "Ask for help" form, with every problem next to its field and what was typed kept. */
export function assistForm(form: AssistFormView, typed: Record<string, string> = {}, problems: FieldProblem[] = [], language: Language = 'en'): AdaptiveCard {
  return assistFormCard({ ...form, values: typed, problems, language });
}

async function assistCreate(turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext): Promise<AdaptiveCard> {
  const answer = await submitAssistForm(verbs.deps, actor, data, clickedCard(turn));
  if (answer.kind === 'form') return assistForm(answer.form, answer.typed, answer.problems, verbs.language);
  return verbs.renderer.render(answer.card.view, answer.card.role, null, actor);
}

const commentSchema = pointerSchema.extend({ comment: z.string().max(500).optional() });
// A device action runs only from the confirmation's "Yes": the first button merely unfolds the question.
const confirmedSchema = pointerSchema.extend({ confirmed: z.literal(true) });

function assistDecision(verb: AssistVerb): VerbHandler {
  return async (turn, actor, data, verbs) => {
    const input = verb === 'restartDevice' || verb === 'syncDevice' ? confirmedSchema.parse(data) : commentSchema.parse(data);
    const comment = 'comment' in input && typeof input.comment === 'string' && input.comment.trim() !== '' ? input.comment.trim() : null;
    const result = await withClickedCard(verbs.deps, clickedOf(turn), () => decideOnAssist(verbs.deps, actor, input, verb, comment));
    return verbs.renderer.render(result.card.view, result.card.role, result.refused, actor);
  };
}

/** The assist verbs of DESIGN.md §5. */
export const ASSIST_VERBS: Readonly<Record<string, VerbHandler>> = {
  'assist.create': assistCreate,
  'assist.accept': assistDecision('accept'),
  'assist.decline': assistDecision('decline'),
  'assist.allowControl': assistDecision('allowControl'),
  'assist.refuseControl': assistDecision('refuseControl'),
  'assist.cancel': assistDecision('cancel'),
  'assist.close': assistDecision('close'),
  'assist.restartDevice': assistDecision('restartDevice'),
  'assist.syncDevice': assistDecision('syncDevice'),
};
