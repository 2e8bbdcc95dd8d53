import { DoormanError } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { lockboxSummary } from '../lockbox/lockboxEffects';
import { decideOnLockbox, requestLockboxAccess } from '../lockbox/lockboxRequests';
import { parseLockboxForm } from '../lockbox/lockboxForm';
import { lockboxScopes } from '../lockbox/lockboxScopes';
import { readableRequest } from './requestLists';
import { ReadScope, readScopeFor } from './viewers';
import { UseCaseDeps } from '../shared/useCaseDeps';

/**
 * An authenticated system: an API key (`key:<key id>`) or an Entra app (`app:<client id>`). It acts and reads only
 * for the people it may act for; names are labels and never identify a caller.
 */
export interface ApiCaller {
  actor: Actor & { type: 'service' };
  onBehalfOf: readonly string[];
  scope: ReadScope;
}

const API_KEY = /^dk_[A-Za-z0-9_-]{20,100}$/;

/** The caller behind an API key (looked up by its hash); an unknown, malformed or revoked key is AUTH.NOT_PERMITTED. */
export async function authenticateApiKey(deps: UseCaseDeps, presented: string): Promise<ApiCaller> {
  if (!API_KEY.test(presented)) throw new DoormanError('AUTH.NOT_PERMITTED', 'no valid API key');
  const key = await deps.apiKeys.findApiKeyByHash(deps.secrets.hash(presented));
  if (!key || key.revokedAt !== null) throw new DoormanError('AUTH.NOT_PERMITTED', 'unknown or revoked API key');
  // The key's id, never its name: a name is a label an admin chose, and could mimic another caller.
  return { actor: { type: 'service', client: `key:${key.id}`, label: key.name }, onBehalfOf: key.onBehalfOf, scope: readScopeFor(key.onBehalfOf) };
}

/** The caller behind a verified Entra app-only token: the admin who granted the app role is the trust, so it may ask for any engineer. */
export function appCaller(appId: string): ApiCaller {
  return { actor: { type: 'service', client: `app:${appId}` }, onBehalfOf: ['*'], scope: readScopeFor(['*']) };
}

/** A system asks for lockbox access for an engineer it may act for. */
export async function askLockboxForEngineer(deps: UseCaseDeps, caller: ApiCaller, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const onBehalfOf = typeof body.onBehalfOf === 'string' ? body.onBehalfOf.trim() : '';
  if (onBehalfOf === '') throw new DoormanError('INPUT.INVALID', 'onBehalfOf', [{ field: 'onBehalfOf', problem: 'required' }]);
  if (!caller.onBehalfOf.includes('*') && !caller.onBehalfOf.includes(onBehalfOf)) {
    throw new DoormanError('AUTH.NOT_PERMITTED', 'onBehalfOf', [{ field: 'onBehalfOf', problem: 'notAllowedForKey' }]);
  }
  const engineers = await deps.directory.listByRole('engineer');
  const person = engineers.find((candidate) => candidate.aadObjectId === onBehalfOf);
  if (!person) throw new DoormanError('INPUT.INVALID', 'onBehalfOf', [{ field: 'onBehalfOf', problem: 'notAnEngineer' }]);
  const settings = await deps.lockboxSettings.getLockboxSettings();
  const parsed = parseLockboxForm(body, settings, lockboxScopes(deps, settings));
  if (!parsed.ok) throw new DoormanError('INPUT.INVALID', 'lockbox form', parsed.problems);
  const request = await requestLockboxAccess(deps, caller.actor, { aadObjectId: person.aadObjectId, name: person.name }, parsed.ask, 'api');
  return lockboxSummary(request);
}

/** Only the system that asked may resolve (end access early) or cancel (withdraw while pending): domain policy. */
export async function settleLockboxForCaller(
  deps: UseCaseDeps,
  caller: ApiCaller,
  requestId: string,
  verb: 'resolve' | 'cancel',
): Promise<Record<string, unknown>> {
  const request = await readableRequest(deps, caller.scope, requestId, 'lockbox');
  const result = await decideOnLockbox(deps, caller.actor, { requestId: request.id, version: null }, verb, null, 'api');
  if (result.refused) throw new DoormanError(result.refused);
  return lockboxSummary(result.request);
}
