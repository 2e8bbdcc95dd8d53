import { DEFAULT_PERMISSION_PROFILES, PermissionProfile } from '../../../domain/invitation';
import { actionSet, container, executeAction, inputChoiceSet, inputText, showCardAction, textBlock } from '../cards/cardElements';
import { CardElement } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { FormField } from '../lockbox/lockboxCardParts';
import { profileLine } from './invitationCards';

/** The fields of the permission profile editor, for the settings card's problem texts. */
export const PROFILE_FIELDS: Readonly<Record<string, FormField>> = {
  permissionProfiles: {
    label: 'Permission profiles',
    texts: {
      profileUnknown: 'This profile is no longer in the list.',
      profileLast: 'At least one profile must remain: add another before removing this one.',
      profileInUse: 'A pending or joined invitation uses this profile; remove it once that invitation has ended.',
    },
  },
  profileName: {
    label: 'Profile name',
    texts: { invalid: 'Give a name of 1 to 40 characters.', profileNameTaken: 'Another profile already has this name.' },
  },
  profileSentence: { label: 'What the profile allows', texts: { invalid: 'Say in 1 to 200 characters what it allows.' } },
  profileRole: { label: 'Teams meeting role', texts: { invalid: 'Pick attendee, presenter or co-organizer.' } },
};

const ROLE_CHOICES = [
  { title: 'Attendee (sees and hears)', value: 'attendee' },
  { title: 'Presenter (talks, presents, shares)', value: 'presenter' },
  { title: 'Co-organizer (manages the meeting)', value: 'coorganizer' },
];

/** The input ids of one profile's form: `slot` is its place in the list, or `new`. */
export function profileInputIds(slot: string): { name: string; sentence: string; role: string } {
  return { name: `profileName-${slot}`, sentence: `profileSentence-${slot}`, role: `profileRole-${slot}` };
}

function profileForm(slot: string, profile: PermissionProfile | null): CardElement[] {
  const ids = profileInputIds(slot);
  return [
    inputText(ids.name, { label: 'Name', maxLength: 40, isRequired: true, errorMessage: 'Give the profile a name.', ...(profile ? { value: profile.name } : {}) }),
    inputText(ids.sentence, { label: 'What it allows (one sentence)', maxLength: 200, isRequired: true, errorMessage: 'Say what it allows.', ...(profile ? { value: profile.sentence } : {}) }),
    inputChoiceSet(ids.role, ROLE_CHOICES, { label: 'Teams meeting role', isRequired: true, errorMessage: 'Pick a role.', ...(profile ? { value: profile.role } : {}) }),
  ];
}

/**
 * The settings card's permission profiles (invitations): each with Change (name, sentence, meeting role) and Remove,
 * then Add profile. `after` places the problems of a refused edit (the settings card's formProblems).
 */
export function permissionProfileSection(profiles: readonly PermissionProfile[] | undefined, after: (field: string) => CardElement[]): CardElement[] {
  const listed = profiles && profiles.length > 0 ? profiles : DEFAULT_PERMISSION_PROFILES;
  const rows = listed.map((profile, index) =>
    container(
      [
        textBlock(profileLine(profile), { spacing: 'none' }),
        actionSet([
          showCardAction('Change', `changeProfileSetting${index + 1}`, profileForm(String(index), profile), [
            executeAction('Save profile', 'settings.profile.save', { profileSlot: String(index), profile: profile.name }, `saveProfileSetting${index + 1}`, 'positive'),
          ]),
          executeAction('Remove', 'settings.profile.remove', { removeProfile: profile.name }, `removeProfileSetting${index + 1}`, 'destructive'),
        ]),
      ],
      { id: `profileSetting${index + 1}`, spacing: 'small' },
    ),
  );
  return [
    textBlock('Permission profiles (invitations)', { id: 'profilesTitle', weight: 'bolder', separator: true, spacing: 'medium' }),
    textBlock(`What an invited colleague may do in a session, and their Teams meeting role. ${escapeMarkdown('Invitations keep the profile they were sent with.')}`, {
      id: 'profilesNote',
      isSubtle: true,
      spacing: 'small',
    }),
    ...Object.keys(PROFILE_FIELDS).flatMap(after),
    ...rows,
    actionSet(
      [showCardAction('Add profile', 'addProfileSetting', profileForm('new', null), [executeAction('Add profile', 'settings.profile.save', { profileSlot: 'new' }, 'saveNewProfileSetting', 'positive')])],
      'addProfileActions',
    ),
  ];
}
