import { DEFAULT_PERMISSION_PROFILES, PermissionProfile } from '../../../domain/invitation';
import { actionSet, container, executeAction, inputChoiceSet, inputText, showCardAction, textBlock } from '../cards/cardElements';
import { CardElement } from '../cards/cardTypes';
import { FormField } from '../lockbox/lockboxCardParts';
import { profileLine } from './invitationCards';
import { Texts, textsFor } from '../../../application/i18n/messages';

/** The fields of the permission profile editor, for the settings card's problem texts, in `texts`' language. */
export function profileFields(texts: Texts): Readonly<Record<string, FormField>> {
  return {
    permissionProfiles: {
      label: texts.t('profiles.field.profiles'),
      texts: { profileUnknown: texts.t('profiles.unknown'), profileLast: texts.t('profiles.last'), profileInUse: texts.t('profiles.inUse') },
    },
    profileName: {
      label: texts.t('profiles.field.name'),
      texts: { invalid: texts.t('profiles.nameInvalid'), profileNameTaken: texts.t('profiles.nameTaken') },
    },
    profileSentence: { label: texts.t('profiles.field.sentence'), texts: { invalid: texts.t('profiles.sentenceInvalid') } },
    profileRole: { label: texts.t('profiles.field.role'), texts: { invalid: texts.t('profiles.roleInvalid') } },
  };
}

/** The field names of the permission profile editor (its problems show in this order). */
export const PROFILE_FIELD_NAMES = Object.keys(profileFields(textsFor('en')));

function roleChoices(texts: Texts): { title: string; value: string }[] {
  return [
    { title: texts.t('profiles.role.attendee'), value: 'attendee' },
    { title: texts.t('profiles.role.presenter'), value: 'presenter' },
    { title: texts.t('profiles.role.coorganizer'), value: 'coorganizer' },
  ];
}

/** The input ids of one profile's form: `slot` is its place in the list, or `new`. */
export function profileInputIds(slot: string): { name: string; sentence: string; role: string } {
  return { name: `profileName-${slot}`, sentence: `profileSentence-${slot}`, role: `profileRole-${slot}` };
}

function profileForm(slot: string, profile: PermissionProfile | null, texts: Texts): CardElement[] {
  const ids = profileInputIds(slot);
  return [
    inputText(ids.name, { label: texts.t('profiles.name'), maxLength: 40, isRequired: true, errorMessage: texts.t('profiles.nameRequired'), ...(profile ? { value: profile.name } : {}) }),
    inputText(ids.sentence, {
      label: texts.t('profiles.sentence'),
      maxLength: 200,
      isRequired: true,
      errorMessage: texts.t('profiles.sentenceRequired'),
      ...(profile ? { value: profile.sentence } : {}),
    }),
    inputChoiceSet(ids.role, roleChoices(texts), { label: texts.t('profiles.field.role'), isRequired: true, errorMessage: texts.t('profiles.rolePick'), ...(profile ? { value: profile.role } : {}) }),
  ];
}

/**
 * The settings card's permission profiles (invitations): each with Change (name, sentence, meeting role) and Remove,
 * then Add profile. `after` places the problems of a refused edit (the settings card's formProblems).
 */
export function permissionProfileSection(profiles: readonly PermissionProfile[] | undefined, after: (field: string) => CardElement[], texts: Texts = textsFor('en')): CardElement[] {
  const listed = profiles && profiles.length > 0 ? profiles : DEFAULT_PERMISSION_PROFILES;
  const rows = listed.map((profile, index) =>
    container(
      [
        textBlock(profileLine(profile, texts), { spacing: 'none' }),
        actionSet([
          showCardAction(texts.t('profiles.change'), `changeProfileSetting${index + 1}`, profileForm(String(index), profile, texts), [
            executeAction(texts.t('invitation.saveProfile'), 'settings.profile.save', { profileSlot: String(index), profile: profile.name }, `saveProfileSetting${index + 1}`, 'positive'),
          ]),
          executeAction(texts.t('profiles.remove'), 'settings.profile.remove', { removeProfile: profile.name }, `removeProfileSetting${index + 1}`, 'destructive'),
        ]),
      ],
      { id: `profileSetting${index + 1}`, spacing: 'small' },
    ),
  );
  return [
    textBlock(texts.t('profiles.title'), { id: 'profilesTitle', weight: 'bolder', separator: true, spacing: 'medium' }),
    textBlock(texts.t('profiles.note'), {
      id: 'profilesNote',
      isSubtle: true,
      spacing: 'small',
    }),
    ...PROFILE_FIELD_NAMES.flatMap(after),
    ...rows,
    actionSet(
      [
        showCardAction(texts.t('profiles.add'), 'addProfileSetting', profileForm('new', null, texts), [
          executeAction(texts.t('profiles.add'), 'settings.profile.save', { profileSlot: 'new' }, 'saveNewProfileSetting', 'positive'),
        ]),
      ],
      'addProfileActions',
    ),
  ];
}
