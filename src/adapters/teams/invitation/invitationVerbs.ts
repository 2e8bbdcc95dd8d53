import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { InvitationVerb, decideOnInvitation, inviteColleague } from '../../../application/invitation/invitationRequests';
import { decideOnJoinedColleague, parentCardView } from '../../../application/invitation/invitationViews';
import { withClickedCard } from '../../../application/shared/cardViews';
import { isDoormanError } from '../../../domain/errors';
import { Actor } from '../../../domain/people';
import { InvitationRequest } from '../../../domain/invitation';
import { problemNotice } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { textCard } from '../cards/textCard';
import { profileInputId } from './invitationCards';
import { FROM_INVITE_COMMAND, invitationSentCard } from './inviteCommandCard';
import { TextKey, textsFor } from '../../../application/i18n/messages';
import { VerbContext, VerbHandler, clickedOf, pointerSchema } from '../verbTypes';

// The invite picker's search answers `user:<id>` (as Assign… does); the form of `invite @Name` carries the bare id.
const createSchema = pointerSchema.extend({
  invitee: z.string().min(1).max(105).transform((value) => value.replace(/^user:/, '')).pipe(z.string().min(1).max(100)),
  permissionProfile: z.string().min(1).max(100),
  from: z.literal(FROM_INVITE_COMMAND).optional(),
});
const profileSchema = pointerSchema.extend({ permissionProfile: z.string().min(1).max(100) });

/** Why an invitation was refused, as the inviter reads it above the session's card. */
const REFUSALS: Readonly<Record<string, TextKey>> = {
  self: 'invite.refused.self',
  alreadyIn: 'invite.refused.alreadyIn',
  unreachable: 'invite.refused.unreachable',
  unknown: 'invite.refused.unknown',
};

/**
 * `invitation.create` on a connected session's card: the session's card again, with why when it was refused. From the
 * form `invite @Name` answered: that the invitation was sent, or why not.
 */
async function invitationCreate(turn: TurnContext, actor: Actor, data: unknown, verbs: VerbContext): Promise<AdaptiveCard> {
  const input = createSchema.parse(data);
  const texts = textsFor(verbs.language ?? 'en');
  let refusal: string | null = null;
  let sent: InvitationRequest | null = null;
  try {
    sent = await inviteColleague(verbs.deps, actor, input.requestId, { invitee: input.invitee, permissionProfile: input.permissionProfile });
  } catch (error) {
    if (!isDoormanError(error) || error.code === 'REQUEST.NOT_FOUND' || error.code === 'AUTH.NOT_PERMITTED') throw error;
    const key = error.fields[0] ? REFUSALS[error.fields[0].problem] ?? 'invite.couldNotSend' : 'invite.refused.notConnected';
    refusal = texts.t(key);
  }
  if (input.from === FROM_INVITE_COMMAND) {
    if (sent) return invitationSentCard(sent.invitee.name, sent.profile.name, texts.language);
    return textCard({ title: texts.t('invite.cannotTitle'), text: refusal ?? texts.t('invite.couldNotSend'), id: 'inviteRefused' });
  }
  const { view, role } = await parentCardView(verbs.deps, input.requestId, clickedOf(turn));
  const card = verbs.renderer.render(view, role, null, actor);
  return refusal ? { ...card, body: [problemNotice(refusal, 'notice'), ...card.body] } : card;
}

/** A click on the invitee's or the inviter's card: that card again, as it is now. */
function onInvitationCard(verb: InvitationVerb): VerbHandler {
  return async (turn, actor, data, verbs) => {
    const input = verb === 'edit' ? profileSchema.parse(data) : pointerSchema.parse(data);
    const profile = 'permissionProfile' in input && typeof input.permissionProfile === 'string' ? input.permissionProfile : null;
    const result = await withClickedCard(verbs.deps, clickedOf(turn), () => decideOnInvitation(verbs.deps, actor, input, verb, profile));
    return verbs.renderer.render(result.card.view, result.card.role, result.refused, actor);
  };
}

/**
 * Change profile / Remove of a joined colleague. From the inviter's invitation card it answers that card; from the
 * session's card (the usual place) it answers the session's card, now listing the change.
 */
function onJoinedColleague(verb: 'changeProfile' | 'remove'): VerbHandler {
  return async (turn, actor, data, verbs) => {
    const input = pointerSchema.parse(data);
    const profile = verb === 'changeProfile' ? profileOfJoined(input) : null;
    const result = await decideOnJoinedColleague(verbs.deps, actor, input, verb, profile, clickedOf(turn));
    return verbs.renderer.render(result.card.view, result.card.role, result.refused, actor);
  };
}

/** The profile picked in a joined colleague's Change profile (its picker's own id), else a plain `permissionProfile`. */
function profileOfJoined(input: Record<string, unknown> & { requestId: string }): string {
  const picked = input[profileInputId(input.requestId)] ?? input.permissionProfile;
  return z.string().min(1).max(100).parse(picked);
}

/** The invitation verbs of DESIGN.md §5. */
export const INVITATION_VERBS: Readonly<Record<string, VerbHandler>> = {
  'invitation.create': invitationCreate,
  'invitation.accept': onInvitationCard('accept'),
  'invitation.reject': onInvitationCard('reject'),
  'invitation.cancel': onInvitationCard('cancel'),
  'invitation.edit': onInvitationCard('edit'),
  'invitation.changeProfile': onJoinedColleague('changeProfile'),
  'invitation.remove': onJoinedColleague('remove'),
};
