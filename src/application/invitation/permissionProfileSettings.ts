import { z } from 'zod';
import { DoormanError, FieldProblem, isDoormanError } from '../../domain/errors';
import { InvitationRequest, PermissionProfile, permissionProfileProblems } from '../../domain/invitation';
import { Actor, actorId } from '../../domain/people';
import { mayAdminister } from '../../domain/policy';
import { ProfileChange, encodeProfileChange } from '../people/auditTrail';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { permissionProfilesOf } from './invitationRequests';

/** A profile as the settings card sends it: `original` names the profile changed, null for a new one. */
export interface ProfileEdit {
  original: string | null;
  name: unknown;
  sentence: unknown;
  role: unknown;
}

const profileSchema = z.object({
  name: z.string().trim().min(1).max(40),
  sentence: z.string().trim().min(1).max(200),
  role: z.enum(['attendee', 'presenter', 'coorganizer']),
});

const FIELD_OF: Readonly<Record<string, string>> = { name: 'profileName', sentence: 'profileSentence', role: 'profileRole' };

/**
 * `settings.profile.save`: an admin adds a permission profile or changes one (name, sentence, meeting role). Names
 * stay unique; invitations keep the profile they were made with (a copy), so a change applies to the next ones.
 * Refusals are INPUT.INVALID with every field's problem; the change is audited in the settings history.
 */
export async function savePermissionProfile(deps: UseCaseDeps, actor: Actor, edit: ProfileEdit): Promise<PermissionProfile> {
  if (actor.type !== 'person' || !mayAdminister(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  const parsed = profileSchema.safeParse({ name: edit.name, sentence: edit.sentence, role: edit.role });
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => FIELD_OF[String(issue.path[0])] ?? 'permissionProfiles'))];
    throw new DoormanError('INPUT.INVALID', 'permission profile refused', fields.map((field) => ({ field, problem: 'invalid' })));
  }
  const current = await deps.lockboxSettings.getLockboxSettings();
  const profiles = permissionProfilesOf(current);
  const profile: PermissionProfile = parsed.data;
  const index = edit.original === null ? -1 : profiles.findIndex((candidate) => candidate.name === edit.original);
  if (edit.original !== null && index < 0) throw new DoormanError('INPUT.INVALID', 'unknown profile', [{ field: 'permissionProfiles', problem: 'profileUnknown' }]);
  const next = index < 0 ? [...profiles, profile] : profiles.map((candidate, at) => (at === index ? profile : candidate));
  if (permissionProfileProblems(next).length > 0) throw new DoormanError('INPUT.INVALID', 'profile name taken', [{ field: 'profileName', problem: 'profileNameTaken' }]);
  const change: ProfileChange = index < 0 ? { profile: 'added', name: profile.name } : { profile: 'changed', name: profile.name, from: profiles[index].name };
  await saveProfiles(deps, actor, next, change);
  return profile;
}

/**
 * `settings.profile.remove`: an admin removes a profile no pending or joined invitation uses; at least one stays.
 * Refused (INPUT.INVALID, field `permissionProfiles`): `profileUnknown`, `profileLast`, `profileInUse`.
 */
export async function removePermissionProfile(deps: UseCaseDeps, actor: Actor, name: string): Promise<void> {
  if (actor.type !== 'person' || !mayAdminister(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  const refuse = (problem: string): never => {
    throw new DoormanError('INPUT.INVALID', 'permission profile not removed', [{ field: 'permissionProfiles', problem }]);
  };
  const profiles = permissionProfilesOf(await deps.lockboxSettings.getLockboxSettings());
  const profile = profiles.find((candidate) => candidate.name === name);
  if (!profile) return refuse('profileUnknown');
  if (profiles.length === 1) refuse('profileLast');
  const open = await deps.requests.listRequests({ kind: 'invitation', states: ['pending', 'accepted'] });
  const same = (other: string) => other.trim().toLowerCase() === name.trim().toLowerCase();
  if (open.some((request) => same((request as InvitationRequest).profile.name))) refuse('profileInUse');
  await saveProfiles(deps, actor, profiles.filter((candidate) => candidate !== profile), { profile: 'removed', name });
}

/** The problems of a profile edit for the card, or rethrows what is not one. */
export function profileEditProblems(error: unknown): FieldProblem[] {
  if (isDoormanError(error, 'AUTH.NOT_PERMITTED')) return [{ field: 'form', problem: 'notPermitted' }];
  if (isDoormanError(error, 'INPUT.INVALID')) return error.fields;
  throw error;
}

async function saveProfiles(deps: UseCaseDeps, actor: Actor & { type: 'person' }, permissionProfiles: PermissionProfile[], change: ProfileChange): Promise<void> {
  const now = deps.clock.now();
  const current = await deps.lockboxSettings.getLockboxSettings();
  await deps.lockboxSettings.saveLockboxSettings(
    { ...current, permissionProfiles, updatedBy: actor.person.name, updatedAt: now },
    { actorId: actorId(actor), at: now, change: encodeProfileChange(change) },
    [],
  );
  deps.logger.info({ actor: actorId(actor), change: change.profile }, 'permission profile changed');
}
