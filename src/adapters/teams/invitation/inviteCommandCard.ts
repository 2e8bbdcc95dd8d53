import { InviteCommandAnswer, InviteCommandRefusal } from '../../../application/invitation/inviteCommand';
import { adaptiveCard, executeAction, factSet, heading, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { profilePicker } from './invitationCards';

/** Tells `invitation.create` that the click came from this form: it answers here, not with the session's card. */
export const FROM_INVITE_COMMAND = 'inviteCommand';

/** Why `invite @Name` did not give a form: the card's own reasons, and how the command is used. */
const REFUSAL_TEXTS: Readonly<Record<InviteCommandRefusal, string>> = {
  self: 'You cannot invite yourself.',
  alreadyIn: 'That colleague is already in this session.',
  unreachable: 'That colleague cannot be reached: the directory does not know them, or they have left.',
  notConnected: 'Colleagues can be invited only while the session is connected.',
  noMention: 'Say who: **invite @Name**, with the colleague @mentioned.',
  whichRequest:
    'Say **invite @Name** in the thread of a session or assistance request you run (in your own chat, when you have ' +
    'exactly one connected), or use **Invite a colleague** on its card.',
};

/** The answer to `invite @Name`: the invite form for that colleague (the profile still to pick), or why not. */
export function inviteCommandCard(answer: InviteCommandAnswer): AdaptiveCard {
  if (answer.kind === 'refused') {
    return adaptiveCard([heading('Cannot invite', 'title'), textBlock(REFUSAL_TEXTS[answer.refusal], { id: 'inviteRefused', spacing: 'small' })]);
  }
  const { parent, invitee, profiles } = answer;
  const body = [
    heading(`Invite ${escapeMarkdown(invitee.name)}`, 'title'),
    factSet([['Session', escapeMarkdown(parent.summary)], ['Colleague', escapeMarkdown(invitee.name)]], 'inviteFacts'),
    profilePicker(profiles, null, 'permissionProfile', false),
    textBlock('They get two minutes to accept. They see the session’s summary, never the customer’s link.', { isSubtle: true, spacing: 'small' }),
  ];
  const data = { requestId: parent.requestId, version: parent.version, invitee: invitee.aadObjectId, from: FROM_INVITE_COMMAND };
  return adaptiveCard(body, [executeAction('Send invitation', 'invitation.create', data, 'sendInvitation', 'positive')]);
}

/** What the form becomes once the invitation is sent: who was invited, and that their answer shows on its card. */
export function invitationSentCard(inviteeName: string, profile: string): AdaptiveCard {
  return adaptiveCard([
    heading('Invitation sent', 'title'),
    textBlock(`${escapeMarkdown(inviteeName)} is invited as ${escapeMarkdown(profile)}; your invitation card follows their answer.`, { id: 'invitationSent', spacing: 'small' }),
  ]);
}
