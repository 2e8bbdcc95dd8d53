import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { LockboxDecisionVerb, decideOnLockbox } from '../../../application/lockbox/lockboxRequests';
import { LockboxFormLimits, ScopeEdit, submitLockboxForm, submitLockboxSettings, submitScopeEdit } from '../../../application/lockbox/lockboxViews';
import { typedInputs } from '../../../application/shared/typedInputs';
import { withClickedCard } from '../../../application/shared/cardViews';
import { FieldProblem } from '../../../domain/errors';
import { Actor } from '../../../domain/people';
import { AdaptiveCard } from '../cards/cardTypes';
import { textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';
import { clickedCard, timeZoneOf } from '../teamsIdentity';
import { VerbContext, VerbHandler, clickedOf, pointerSchema } from '../verbTypes';
import { lockboxFormCard } from './lockboxFormCard';
import { lockboxSettingsCard } from './lockboxSettingsCard';

/** The lockbox form, with every problem next to its field and what was typed kept. */
export function lockboxForm(limits: LockboxFormLimits, typed: Record<string, string> = {}, problems: FieldProblem[] = [], language: Language = 'en'): AdaptiveCard {
  return lockboxFormCard({ values: typed, problems, ...limits, language });
}

async function lockboxCreate(turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext): Promise<AdaptiveCard> {
  const answer = await submitLockboxForm(verbs.deps, actor, data, clickedCard(turn));
  if (answer.kind === 'form') return lockboxForm(answer.limits, answer.typed, answer.problems, verbs.language);
  return verbs.renderer.render(answer.card.view, answer.card.role, null, actor);
}

const decisionSchema = pointerSchema.extend({ comment: z.string().max(500).optional(), stage: z.enum(['review']).optional() });

function lockboxDecision(verb: LockboxDecisionVerb): VerbHandler {
  return async (turn, actor, data, verbs) => {
    const input = decisionSchema.parse(data);
    const chosen: LockboxDecisionVerb = verb === 'approve' && input.stage === 'review' ? 'passReview' : verb;
    const comment = input.comment?.trim() ? input.comment.trim() : null;
    const result = await withClickedCard(verbs.deps, clickedOf(turn), () => decideOnLockbox(verbs.deps, actor, input, chosen, comment));
    return verbs.renderer.render(result.card.view, result.card.role, result.refused, actor);
  };
}

const settingsSchema = z.object({
  approvalRequired: z.enum(['true', 'false']),
  leadReview: z.enum(['true', 'false']),
  defaultDurationMinutes: z.coerce.number().int(),
  maxDurationMinutes: z.coerce.number().int(),
  decisionHours: z.coerce.number().int(),
  // Optional: a settings card from before the assistance fields saves without them.
  assistUnansweredHours: z.coerce.number().int().optional(),
  assistAllowMinutes: z.coerce.number().int().optional(),
  // Cards saved before escalation existed send no value: it stays off.
  escalationHours: z.coerce.number().int().default(0),
  // Absent on cards from before retention was a setting: it stays as it is.
  retentionDays: z.coerce.number().int().optional(),
  // Entra object ids, separated by commas, spaces or new lines; absent on older cards (the list stays).
  backupApproverIds: z.string().max(4000).optional(),
});

const LIMIT_FIELDS = ['defaultDurationMinutes', 'maxDurationMinutes', 'decisionHours', 'escalationHours', 'assistUnansweredHours', 'assistAllowMinutes', 'backupApproverIds', 'retentionDays'] as const;

/** Saves the settings; values out of range are refused field by field (the domain's ranges), never clamped. */
async function settingsSave(turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext): Promise<AdaptiveCard> {
  const { deps } = verbs;
  const parsed = settingsSchema.safeParse(data);
  const view = await submitLockboxSettings(
    deps,
    actor,
    parsed.success
      ? {
          ...parsed.data,
          approvalRequired: parsed.data.approvalRequired === 'true',
          leadReview: parsed.data.leadReview === 'true',
          backupApproverIds: parsed.data.backupApproverIds?.split(/[\s,;]+/).filter((id) => id !== ''),
        }
      : { problems: parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'form'), problem: 'invalid' })) },
  );
  const { problems } = view;
  const typed = typedInputs(data);
  return lockboxSettingsCard({
    settings: view.settings,
    history: view.history,
    configuredScopes: view.configuredScopes,
    backupApprovers: view.backupApprovers,
    now: view.now,
    timeZone: timeZoneOf(turn, deps.settings.defaultTimeZone),
    problems,
    language: verbs.language,
    notice: problems.length === 0 ? textsFor(verbs.language ?? 'en').t('settings.saved') : null,
    typed: problems.length === 0 ? undefined : Object.fromEntries(LIMIT_FIELDS.filter((field) => field in typed).map((field) => [field, typed[field]])),
  });
}

const NEW_SCOPE_FIELDS = ['newScopeId', 'newScopeName', 'newScopeDescription', 'newScopeGroupId'] as const;

/** `settings.scope.add` (the card's new-scope inputs) and `settings.scope.remove` (data `removeScope`: a scope id). */
function scopeEdit(kind: 'add' | 'remove'): VerbHandler {
  return async (turn, actor, data, verbs) => {
    const { deps } = verbs;
    const edit: ScopeEdit = kind === 'add' ? { kind, inputs: data } : { kind, scopeId: removeSchema.parse(data).removeScope };
    const view = await submitScopeEdit(deps, actor, edit);
    const { problems } = view;
    const typed = typedInputs(data);
    const notice = textsFor(verbs.language ?? 'en').t(kind === 'add' ? 'settings.scopeAdded' : 'settings.scopeRemoved');
    return lockboxSettingsCard({
      ...view,
      language: verbs.language,
      timeZone: timeZoneOf(turn, deps.settings.defaultTimeZone),
      notice: problems.length === 0 ? notice : null,
      // A refused addition keeps what was typed; after one that worked the inputs are empty again.
      typed: problems.length === 0 ? undefined : Object.fromEntries(NEW_SCOPE_FIELDS.filter((field) => field in typed).map((field) => [field, typed[field]])),
    });
  };
}

const removeSchema = z.object({ removeScope: z.string().min(1).max(40) });

/** The lockbox verbs of DESIGN.md §5, plus `settings.save` and the access scope edits of the settings card. */
export const LOCKBOX_VERBS: Readonly<Record<string, VerbHandler>> = {
  'lockbox.create': lockboxCreate,
  'lockbox.approve': lockboxDecision('approve'),
  'lockbox.deny': lockboxDecision('deny'),
  'lockbox.cancel': lockboxDecision('cancel'),
  'lockbox.revoke': lockboxDecision('revoke'),
  'lockbox.resolve': lockboxDecision('resolve'),
  'settings.save': settingsSave,
  'settings.scope.add': scopeEdit('add'),
  'settings.scope.remove': scopeEdit('remove'),
};
