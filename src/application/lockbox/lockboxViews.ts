import { DoormanError, FieldProblem, isDoormanError } from '../../domain/errors';
import { AccessScope, ScopeSetting } from '../../domain/lockbox';
import { Actor } from '../../domain/people';
import { mayAdminister, mayAskLockbox } from '../../domain/policy';
import { SettingsHistoryLine, UNKNOWN_PERSON, settingsHistory } from '../people/auditTrail';
import { approvalsQueue } from '../people/queues';
import { LockboxSettings } from '../ports';
import { ClickedCardView, cardViewOf } from '../shared/cardViews';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { typedInputs } from '../shared/typedInputs';
import { parseLockboxForm } from './lockboxForm';
import { addLockboxScope, configuredScopeSettings, lockboxScopes, removeLockboxScope } from './lockboxScopes';
import { requestLockboxAccess, saveLockboxSettings } from './lockboxRequests';

/** The limits the lockbox form shows, and the access scopes to choose from. */
export interface LockboxFormLimits {
  defaultDurationMinutes: number;
  maxDurationMinutes: number;
  scopes: readonly AccessScope[];
}

/** `lockbox`: the empty form for engineers; AUTH.NOT_PERMITTED, or QUEUE.NONE while no channel takes approvals. */
export async function lockboxFormLimits(deps: UseCaseDeps, actor: Actor): Promise<LockboxFormLimits> {
  if (!mayAskLockbox(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  // Nothing undecidable: without an approvals channel no approver would ever see the request.
  if (!(await approvalsQueue(deps))) throw new DoormanError('QUEUE.NONE');
  return limitsOf(deps, await deps.lockboxSettings.getLockboxSettings());
}

function limitsOf(deps: Pick<UseCaseDeps, 'settings'>, settings: LockboxSettings): LockboxFormLimits {
  return { defaultDurationMinutes: settings.defaultDurationMinutes, maxDurationMinutes: settings.maxDurationMinutes, scopes: lockboxScopes(deps, settings) };
}

/** The answer to a submitted lockbox form: the requester's card, or the form again with every problem. */
export type LockboxFormAnswer =
  | { kind: 'card'; card: ClickedCardView }
  | { kind: 'form'; limits: LockboxFormLimits; typed: Record<string, string>; problems: FieldProblem[] };

/** `lockbox.create`: checks who asks and what was typed, then asks (see requestLockboxAccess). */
export async function submitLockboxForm(
  deps: UseCaseDeps,
  actor: Actor,
  inputs: unknown,
  place: { conversationId: string; activityId: string; serviceUrl: string } | null,
): Promise<LockboxFormAnswer> {
  const settings = await deps.lockboxSettings.getLockboxSettings();
  const again = async (typed: Record<string, string>, problems: FieldProblem[]): Promise<LockboxFormAnswer> => ({
    kind: 'form',
    limits: limitsOf(deps, await deps.lockboxSettings.getLockboxSettings()),
    typed,
    problems,
  });
  if (actor.type !== 'person' || !mayAskLockbox(actor)) return again({}, [{ field: 'form', problem: 'notPermitted' }]);
  const parsed = parseLockboxForm(inputs, settings, lockboxScopes(deps, settings));
  if (!parsed.ok) return again(parsed.typed, parsed.problems);
  try {
    const request = await requestLockboxAccess(deps, actor, actor.person, parsed.ask, 'chat', place);
    return { kind: 'card', card: { view: await cardViewOf(deps, request), role: 'requester' } };
  } catch (error) {
    if (isDoormanError(error, 'INPUT.INVALID')) return again({}, error.fields);
    if (isDoormanError(error, 'QUEUE.NONE')) return again(typedInputs(inputs), [{ field: 'form', problem: 'noApprovalsQueue' }]);
    throw error;
  }
}

/** What the `settings` card shows. */
export interface LockboxSettingsView {
  settings: LockboxSettings;
  history: SettingsHistoryLine[];
  /** The scopes of configuration (listed first, not removable from the card); `settings.scopes` are the added ones. */
  configuredScopes: ScopeSetting[];
  /** The backup approvers listed in the settings, with the name the directory knows them by. */
  backupApprovers: { id: string; name: string }[];
  now: Date;
}

/** `settings`: the lockbox settings with their recent history, for admins (AUTH.NOT_PERMITTED otherwise). */
export async function lockboxSettingsView(deps: UseCaseDeps, actor: Actor): Promise<LockboxSettingsView> {
  if (!mayAdminister(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  return currentSettingsView(deps);
}

async function currentSettingsView(deps: UseCaseDeps): Promise<LockboxSettingsView> {
  const settings = await deps.lockboxSettings.getLockboxSettings();
  const backupApprovers = await Promise.all(
    settings.backupApproverIds.map(async (id) => ({ id, name: (await deps.directory.displayName(id)) ?? UNKNOWN_PERSON })),
  );
  return { settings, history: await settingsHistory(deps), configuredScopes: configuredScopeSettings(deps), backupApprovers, now: deps.clock.now() };
}

/** `settings.save`: saves (saveLockboxSettings decides who may and what is in range) and returns the card's view. */
export async function submitLockboxSettings(
  deps: UseCaseDeps,
  actor: Actor,
  next: Parameters<typeof saveLockboxSettings>[2] | { problems: FieldProblem[] },
): Promise<LockboxSettingsView & { problems: FieldProblem[] }> {
  let problems: FieldProblem[] = 'problems' in next ? next.problems : [];
  if (!('problems' in next)) {
    try {
      await saveLockboxSettings(deps, actor, next);
    } catch (error) {
      if (isDoormanError(error, 'AUTH.NOT_PERMITTED')) problems = [{ field: 'form', problem: 'notPermitted' }];
      else if (isDoormanError(error, 'INPUT.INVALID')) problems = error.fields;
      else throw error;
    }
  }
  return { ...(await currentSettingsView(deps)), problems };
}

/** A change to the access scopes from the settings card: add one (the card's inputs) or remove one by id. */
export type ScopeEdit = { kind: 'add'; inputs: unknown } | { kind: 'remove'; scopeId: string };

/** `settings.scope.add` / `settings.scope.remove`: changes the scopes and returns the card's view with any problem. */
export async function submitScopeEdit(deps: UseCaseDeps, actor: Actor, edit: ScopeEdit): Promise<LockboxSettingsView & { problems: FieldProblem[] }> {
  let problems: FieldProblem[] = [];
  try {
    if (edit.kind === 'add') await addLockboxScope(deps, actor, edit.inputs);
    else await removeLockboxScope(deps, actor, edit.scopeId);
  } catch (error) {
    if (isDoormanError(error, 'AUTH.NOT_PERMITTED')) problems = [{ field: 'form', problem: 'notPermitted' }];
    else if (isDoormanError(error, 'INPUT.INVALID')) problems = error.fields;
    else throw error;
  }
  return { ...(await currentSettingsView(deps)), problems };
}
