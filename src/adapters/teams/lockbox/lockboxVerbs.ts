import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { settingsHistory } from '../../../application/people/auditTrail';
import { LockboxDecisionVerb, decideOnLockbox, requestLockboxAccess, saveLockboxSettings } from '../../../application/lockbox/lockboxRequests';
import { parseLockboxForm } from '../../../application/lockbox/lockboxForm';
import { FieldProblem, isDoormanError } from '../../../domain/errors';
import { Actor, hasRole } from '../../../domain/people';
import { AdaptiveCard } from '../cards/cardTypes';
import { lockboxFormCard } from './lockboxFormCard';
import { lockboxSettingsCard } from './lockboxSettingsCard';
import { clickedCard, timeZoneOf } from '../teamsIdentity';
import { pointerSchema, roleOfClickedCard } from '../cardActionSupport';
import type { VerbContext, VerbHandler } from '../verbRouter';

/** The form answered again with every problem next to its field and what was typed kept. */
async function lockboxFormAgain(verbs: VerbContext, typed: Record<string, string>, problems: FieldProblem[]): Promise<AdaptiveCard> {
  const settings = await verbs.deps.lockboxSettings.getLockboxSettings();
  return lockboxFormCard({ values: typed, problems, defaultDurationMinutes: settings.defaultDurationMinutes, maxDurationMinutes: settings.maxDurationMinutes });
}

async function lockboxCreate(turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext): Promise<AdaptiveCard> {
  const { deps } = verbs;
  if (actor.type !== 'person' || !hasRole(actor, 'engineer')) {
    return lockboxFormAgain(verbs, {}, [{ field: 'form', problem: 'notPermitted' }]);
  }
  const parsed = parseLockboxForm(data, await deps.lockboxSettings.getLockboxSettings());
  if (!parsed.ok) return lockboxFormAgain(verbs, parsed.typed, parsed.problems);
  try {
    const request = await requestLockboxAccess(deps, actor, actor.person, parsed.ask, 'chat', clickedCard(turn));
    return verbs.renderer.render(request, 'requester', null, actor);
  } catch (error) {
    if (isDoormanError(error, 'INPUT.INVALID')) return lockboxFormAgain(verbs, {}, error.fields);
    if (isDoormanError(error, 'QUEUE.NONE')) return lockboxFormAgain(verbs, typedStrings(data), [{ field: 'form', problem: 'noApprovalsQueue' }]);
    throw error;
  }
}

/** What was typed into a form, kept when it is answered again. */
function typedStrings(data: unknown): Record<string, string> {
  if (typeof data !== 'object' || data === null) return {};
  return Object.fromEntries(Object.entries(data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

const decisionSchema = pointerSchema.extend({ comment: z.string().max(500).optional(), stage: z.enum(['review']).optional() });

function lockboxDecision(verb: LockboxDecisionVerb): VerbHandler {
  return async (turn, actor, data, verbs) => {
    const input = decisionSchema.parse(data);
    const chosen: LockboxDecisionVerb = verb === 'approve' && input.stage === 'review' ? 'passReview' : verb;
    const comment = input.comment?.trim() ? input.comment.trim() : null;
    const result = await decideOnLockbox(verbs.deps, actor, input, chosen, comment);
    const role = await roleOfClickedCard(turn, verbs.deps.requests, result.request.id);
    return verbs.renderer.render(result.request, role, result.refused, actor);
  };
}

const settingsSchema = z.object({
  approvalRequired: z.enum(['true', 'false']),
  leadReview: z.enum(['true', 'false']),
  defaultDurationMinutes: z.coerce.number().int(),
  maxDurationMinutes: z.coerce.number().int(),
  decisionHours: z.coerce.number().int(),
});

const LIMIT_FIELDS = ['defaultDurationMinutes', 'maxDurationMinutes', 'decisionHours'] as const;

/** Saves the settings; values out of range are refused field by field (the domain's ranges), never clamped. */
async function settingsSave(turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext): Promise<AdaptiveCard> {
  const { deps } = verbs;
  let problems: FieldProblem[] = [];
  const parsed = settingsSchema.safeParse(data);
  if (!parsed.success) {
    problems = parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'form'), problem: 'invalid' }));
  } else {
    try {
      await saveLockboxSettings(deps, actor, {
        ...parsed.data,
        approvalRequired: parsed.data.approvalRequired === 'true',
        leadReview: parsed.data.leadReview === 'true',
      });
    } catch (error) {
      if (isDoormanError(error, 'AUTH.NOT_PERMITTED')) problems = [{ field: 'form', problem: 'notPermitted' }];
      else if (isDoormanError(error, 'INPUT.INVALID')) problems = error.fields;
      else throw error;
    }
  }
  const typed = typedStrings(data);
  return lockboxSettingsCard({
    settings: await deps.lockboxSettings.getLockboxSettings(),
    history: await settingsHistory(deps),
    now: deps.clock.now(),
    timeZone: timeZoneOf(turn, deps.settings.defaultTimeZone),
    problems,
    notice: problems.length === 0 ? 'Settings saved.' : null,
    typed: problems.length === 0 ? undefined : Object.fromEntries(LIMIT_FIELDS.filter((field) => field in typed).map((field) => [field, typed[field]])),
  });
}

/** The lockbox verbs of DESIGN.md §5, plus `settings.save`. */
export const LOCKBOX_VERBS: Readonly<Record<string, VerbHandler>> = {
  'lockbox.create': lockboxCreate,
  'lockbox.approve': lockboxDecision('approve'),
  'lockbox.deny': lockboxDecision('deny'),
  'lockbox.cancel': lockboxDecision('cancel'),
  'lockbox.revoke': lockboxDecision('revoke'),
  'lockbox.resolve': lockboxDecision('resolve'),
  'settings.save': settingsSave,
};
