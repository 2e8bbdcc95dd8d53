import { z } from 'zod';
import { DoormanError, FieldProblem } from '../../domain/errors';
import { AccessScope, DEFAULT_LOCKBOX_SCOPE, LockboxRequest, ScopeSetting, scopeOf } from '../../domain/lockbox';
import { Actor, actorId } from '../../domain/people';
import { mayAdminister } from '../../domain/policy';
import { encodeScopeChange } from '../people/auditTrail';
import { LockboxSettings } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** The scopes engineers choose from: the configured ones (the default scope first), then those admins added. */
export function lockboxScopes(deps: Pick<UseCaseDeps, 'settings'>, settings: Pick<LockboxSettings, 'scopes'>): readonly AccessScope[] {
  const configured = configuredScopes(deps);
  const added = settings.scopes.map(({ id, name, description }) => ({ id, name, description }));
  return [...configured, ...added];
}

/** The scopes of configuration (LOCKBOX_SCOPES, the default scope first): never removed from the card. */
export function configuredScopes(deps: Pick<UseCaseDeps, 'settings'>): readonly AccessScope[] {
  return configuredScopeSettings(deps).map(({ id, name, description }) => ({ id, name, description }));
}

/** The configured scopes with the group that carries each (null: none configured, or the local grant table). */
export function configuredScopeSettings(deps: Pick<UseCaseDeps, 'settings'>): ScopeSetting[] {
  const scopes = deps.settings.lockboxScopes;
  const listed: readonly (AccessScope & { groupId?: string | null })[] = scopes && scopes.length > 0 ? scopes : [DEFAULT_LOCKBOX_SCOPE];
  return listed.map(({ id, name, description, groupId }) => ({ id, name, description, groupId: groupId ?? null }));
}

const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The inputs of the settings card's "Add access scope" (verb `settings.scope.add`), checked field by field. */
const newScopeSchema = z.object({
  newScopeId: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
  newScopeName: z.string().trim().min(1).max(80),
  newScopeDescription: z.string().trim().min(1).max(300),
  newScopeGroupId: z
    .string()
    .trim()
    .optional()
    .refine((value) => value === undefined || value === '' || ENTRA_OBJECT_ID.test(value)),
});

const SCOPE_FIELDS = ['newScopeId', 'newScopeName', 'newScopeDescription', 'newScopeGroupId'] as const;

/**
 * `settings.scope.add`: an admin adds an access scope; ids are unique across configured and added scopes. Where
 * access is granted through Entra groups (`groupRequired`), a scope needs its group. Refusals are INPUT.INVALID with
 * every field's problem.
 */
export async function addLockboxScope(deps: UseCaseDeps, actor: Actor, inputs: unknown): Promise<ScopeSetting> {
  if (actor.type !== 'person' || !mayAdminister(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  const record = typeof inputs === 'object' && inputs !== null ? (inputs as Record<string, unknown>) : {};
  const parsed = newScopeSchema.safeParse(Object.fromEntries(SCOPE_FIELDS.map((field) => [field, typeof record[field] === 'string' ? record[field] : undefined])));
  const problems: FieldProblem[] = parsed.success
    ? []
    : [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'form')))].map((field) => ({ field, problem: field === 'newScopeId' ? 'scopeIdFormat' : 'invalid' }));
  const current = await deps.lockboxSettings.getLockboxSettings();
  if (parsed.success) {
    if (lockboxScopes(deps, current).some((scope) => scope.id === parsed.data.newScopeId)) problems.push({ field: 'newScopeId', problem: 'scopeIdTaken' });
    if (deps.settings.lockboxScopeGroupRequired && !parsed.data.newScopeGroupId) problems.push({ field: 'newScopeGroupId', problem: 'required' });
  }
  if (!parsed.success || problems.length > 0) throw new DoormanError('INPUT.INVALID', 'access scope refused', problems);
  const { newScopeId, newScopeName, newScopeDescription, newScopeGroupId } = parsed.data;
  const scope: ScopeSetting = { id: newScopeId, name: newScopeName, description: newScopeDescription, groupId: newScopeGroupId ? newScopeGroupId : null };
  await saveScopes(deps, actor, current, [...current.scopes, scope], { scope: 'added', id: scope.id, name: scope.name });
  return scope;
}

/**
 * `settings.scope.remove`: an admin removes a scope they added. Refused (INPUT.INVALID, field `scopes`) for a
 * configured scope (`scopeConfigured`: change LOCKBOX_SCOPES instead), an unknown one, or one a request under review,
 * pending or running still uses (`scopeInUse`: its access must be removed through the same scope).
 */
export async function removeLockboxScope(deps: UseCaseDeps, actor: Actor, scopeId: string): Promise<void> {
  if (actor.type !== 'person' || !mayAdminister(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  const refuse = (problem: string): never => {
    throw new DoormanError('INPUT.INVALID', 'access scope not removed', [{ field: 'scopes', problem }]);
  };
  if (configuredScopes(deps).some((scope) => scope.id === scopeId)) refuse('scopeConfigured');
  const current = await deps.lockboxSettings.getLockboxSettings();
  const scope = current.scopes.find((candidate) => candidate.id === scopeId);
  if (!scope) return refuse('scopeUnknown');
  const open = await deps.requests.listRequests({ kind: 'lockbox', states: ['review', 'pending', 'approved'] });
  if (open.some((request) => scopeOf(request as LockboxRequest).id === scopeId)) refuse('scopeInUse');
  await saveScopes(deps, actor, current, current.scopes.filter((candidate) => candidate.id !== scopeId), { scope: 'removed', id: scope.id, name: scope.name });
}

async function saveScopes(
  deps: UseCaseDeps,
  actor: Actor & { type: 'person' },
  current: LockboxSettings,
  scopes: ScopeSetting[],
  change: Parameters<typeof encodeScopeChange>[0],
): Promise<void> {
  const now = deps.clock.now();
  await deps.lockboxSettings.saveLockboxSettings(
    { ...current, scopes, updatedBy: actor.person.name, updatedAt: now },
    { actorId: actorId(actor), at: now, change: encodeScopeChange(change) },
    [],
  );
  deps.logger.info({ actor: actorId(actor), change }, 'lockbox access scope changed');
}
