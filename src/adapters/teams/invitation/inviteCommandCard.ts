import { InviteCommandAnswer, InviteCommandRefusal } from '../../../application/invitation/inviteCommand';
import { adaptiveCard, executeAction, factSet, heading, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { TextKey, textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';
import { profilePicker } from './invitationCards';

/** Tells `invitation.create` that the click came from this form: it answers here, not with the session's card. */
export const FROM_INVITE_COMMAND = 'inviteCommand';

/** Why `invite @Name` did not give a form: the card's own reasons, and how the command is used. */
const REFUSAL_KEYS: Readonly<Record<InviteCommandRefusal, TextKey>> = {
  self: 'invite.refused.self',
  alreadyIn: 'invite.refused.alreadyIn',
  unreachable: 'invite.refused.unreachable',
  notConnected: 'invite.refused.notConnected',
  noMention: 'invite.refused.noMention',
  whichRequest: 'invite.refused.whichRequest',
};

/** The answer to `invite @Name`: the invite form for that colleague (the profile still to pick), or why not. */
export function inviteCommandCard(answer: InviteCommandAnswer, language: Language = 'en'): AdaptiveCard {
  const texts = textsFor(language);
  if (answer.kind === 'refused') {
    return adaptiveCard([heading(texts.t('invite.cannotTitle'), 'title'), textBlock(texts.t(REFUSAL_KEYS[answer.refusal]), { id: 'inviteRefused', spacing: 'small' })]);
  }
  const { parent, invitee, profiles } = answer;
  const body = [
    heading(texts.t('invite.formTitle', { name: escapeMarkdown(invitee.name) }), 'title'),
    factSet(
      [
        [texts.t('invitation.fact.session'), escapeMarkdown(parent.summary)],
        [texts.t('invitation.fact.colleague'), escapeMarkdown(invitee.name)],
      ],
      'inviteFacts',
    ),
    profilePicker(profiles, null, texts, 'permissionProfile', false),
    textBlock(texts.t('invitation.twoMinutes'), { isSubtle: true, spacing: 'small' }),
  ];
  const data = { requestId: parent.requestId, version: parent.version, invitee: invitee.aadObjectId, from: FROM_INVITE_COMMAND };
  return adaptiveCard(body, [executeAction(texts.t('invitation.send'), 'invitation.create', data, 'sendInvitation', 'positive')]);
}

/** What the form becomes once the invitation is sent: who was invited, and that their answer shows on its card. */
export function invitationSentCard(inviteeName: string, profile: string, language: Language = 'en'): AdaptiveCard {
  const texts = textsFor(language);
  return adaptiveCard([
    heading(texts.t('invite.sentTitle'), 'title'),
    textBlock(texts.t('invite.sent', { name: escapeMarkdown(inviteeName), profile: escapeMarkdown(profile) }), { id: 'invitationSent', spacing: 'small' }),
  ]);
}
