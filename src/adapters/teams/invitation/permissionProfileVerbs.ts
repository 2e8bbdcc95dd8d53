import { z } from 'zod';
import { lockboxSettingsView } from '../../../application/lockbox/lockboxViews';
import { ProfileEdit, profileEditProblems, removePermissionProfile, savePermissionProfile } from '../../../application/invitation/permissionProfileSettings';
import { FieldProblem } from '../../../domain/errors';
import { Actor } from '../../../domain/people';
import { UseCaseDeps } from '../../../application/shared/useCaseDeps';
import { AdaptiveCard } from '../cards/cardTypes';
import { lockboxSettingsCard } from '../lockbox/lockboxSettingsCard';
import { timeZoneOf } from '../teamsIdentity';
import { VerbHandler } from '../verbTypes';
import { profileInputIds } from './permissionProfilesPart';

const input = z.string().max(1000).optional();
const saveSchema = z.object({ profileSlot: z.string().regex(/^(new|\d{1,3})$/), profile: z.string().min(1).max(100).optional() }).passthrough();
const removeSchema = z.object({ removeProfile: z.string().min(1).max(100) });

/** `settings.profile.save`: one profile's form (its slot's inputs), added or changed; the settings card again. */
const profileSave: VerbHandler = async (turn, actor, data, verbs) => {
  const parsed = saveSchema.parse(data);
  const ids = profileInputIds(parsed.profileSlot);
  const edit: ProfileEdit = {
    original: parsed.profileSlot === 'new' ? null : (parsed.profile ?? null),
    name: input.parse(parsed[ids.name]),
    sentence: input.parse(parsed[ids.sentence]),
    role: input.parse(parsed[ids.role]),
  };
  if (edit.original === null && parsed.profileSlot !== 'new') throw new z.ZodError([]);
  const problems = await attempt(() => savePermissionProfile(verbs.deps, actor, edit));
  return settingsCard(verbs.deps, actor, turn, problems, parsed.profileSlot === 'new' ? 'Permission profile added.' : 'Permission profile saved.');
};

/** `settings.profile.remove` (data `removeProfile`: the profile's name); the settings card again. */
const profileRemove: VerbHandler = async (turn, actor, data, verbs) => {
  const { removeProfile } = removeSchema.parse(data);
  const problems = await attempt(() => removePermissionProfile(verbs.deps, actor, removeProfile));
  return settingsCard(verbs.deps, actor, turn, problems, 'Permission profile removed.');
};

async function attempt(edit: () => Promise<unknown>): Promise<FieldProblem[]> {
  try {
    await edit();
    return [];
  } catch (error) {
    return profileEditProblems(error);
  }
}

async function settingsCard(deps: UseCaseDeps, actor: Actor, turn: Parameters<VerbHandler>[0], problems: FieldProblem[], done: string): Promise<AdaptiveCard> {
  // Someone who is no admin gets no settings back (403), whatever they sent.
  const view = await lockboxSettingsView(deps, actor);
  return lockboxSettingsCard({ ...view, timeZone: timeZoneOf(turn, deps.settings.defaultTimeZone), problems, notice: problems.length === 0 ? done : null });
}

/** The permission profile edits of the settings card. */
export const PERMISSION_PROFILE_VERBS: Readonly<Record<string, VerbHandler>> = {
  'settings.profile.save': profileSave,
  'settings.profile.remove': profileRemove,
};
