import { InvitedColleague } from '../../../application/ports';
import { ErrorCode } from '../../../domain/errors';
import { InvitationRequest, PermissionProfile } from '../../../domain/invitation';
import { Person } from '../../../domain/people';
import { AGENTS_DATASET } from '../session/sessionCardParts';
import {
  StatusTone,
  actionSet,
  adaptiveCard,
  container,
  executeAction,
  factSet,
  heading,
  inputChoiceSet,
  inputSearchChoiceSet,
  openUrlAction,
  problemNotice,
  showCardAction,
  statusBadge,
  textBlock,
} from '../cards/cardElements';
import { noticeText } from '../cards/cardTexts';
import { cardTime } from '../cards/cardTime';
import { AdaptiveCard, CardElement } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';

/** What every invitation card is drawn from. */
export interface InvitationCardView {
  request: InvitationRequest;
  now: Date;
  timeZone: string;
  notice: { code: ErrorCode } | null;
  profiles: readonly PermissionProfile[];
}

const MEETING_ROLE_TEXTS: Readonly<Record<PermissionProfile['role'], string>> = {
  attendee: 'attendee',
  presenter: 'presenter',
  coorganizer: 'co-organizer',
};

/** "Collaborate (presenter): Can talk, present and share their screen." */
export function profileLine(profile: PermissionProfile): string {
  return `${escapeMarkdown(profile.name)} (${MEETING_ROLE_TEXTS[profile.role]}): ${escapeMarkdown(profile.sentence)}`;
}

/** The time left to answer, to the second when under a minute: "1 min 30 s left", "expired". */
export function timeLeftText(answerBy: Date, now: Date): string {
  const left = Math.max(0, Math.ceil((answerBy.getTime() - now.getTime()) / 1000));
  if (left === 0) return 'no time left';
  const minutes = Math.floor(left / 60);
  const seconds = left % 60;
  return `${minutes > 0 ? `${minutes} min ` : ''}${seconds > 0 || minutes === 0 ? `${seconds} s ` : ''}left`.replace('  ', ' ');
}

function stateOf(request: InvitationRequest, forInvitee: boolean): { text: string; tone: StatusTone } {
  const invitee = escapeMarkdown(request.invitee.name);
  const inviter = escapeMarkdown(request.inviter.name);
  switch (request.state) {
    case 'pending':
      return { text: forInvitee ? 'Waiting for your answer' : `Waiting for ${invitee} to answer`, tone: 'pending' };
    case 'accepted':
      return { text: forInvitee ? `You joined as ${escapeMarkdown(request.profile.name)}` : `${invitee} joined as ${escapeMarkdown(request.profile.name)}`, tone: 'good' };
    case 'rejected':
      return { text: forInvitee ? 'You declined' : `${invitee} declined`, tone: 'stopped' };
    case 'cancelled':
      return { text: forInvitee ? `${inviter} withdrew the invitation` : 'You withdrew the invitation', tone: 'stopped' };
    case 'expired':
      return { text: 'Expired — not answered in two minutes', tone: 'stopped' };
    case 'removed':
      return { text: forInvitee ? 'You were removed from the session' : `${invitee} was removed from the session`, tone: 'stopped' };
    case 'ended':
      return { text: `Ended — ${request.parentKind === 'assist' ? 'the assistance request' : 'the session'} was closed`, tone: 'stopped' };
  }
}

function pointerOf(request: InvitationRequest): { requestId: string; version: number } {
  return { requestId: request.id, version: request.version };
}

function profileChoices(profiles: readonly PermissionProfile[]): { title: string; value: string }[] {
  return profiles.map((profile) => ({ title: `${profile.name} — ${profile.sentence}`, value: profile.name }));
}

/** The profile picker of the invite form, Edit and Change profile; `preselect` false leaves the choice to the inviter. */
export function profilePicker(profiles: readonly PermissionProfile[], current: string | null, id = 'permissionProfile', preselect = true): CardElement {
  return inputChoiceSet(id, profileChoices(profiles), {
    label: 'Permission profile',
    value: current ?? (preselect ? profiles[0]?.name : undefined),
    style: 'expanded',
    isRequired: true,
    errorMessage: 'Pick what they may do during the session.',
  });
}

function common(view: InvitationCardView, forInvitee: boolean): CardElement[] {
  const { request, now, timeZone } = view;
  const state = stateOf(request, forInvitee);
  const body: CardElement[] = [];
  if (view.notice) body.push(problemNotice(noticeText(view.notice.code), 'notice'));
  body.push(statusBadge(state.text, state.tone, 'invitationState'));
  body.push(
    factSet(
      [
        ['Invited by', escapeMarkdown(request.inviter.name)],
        ['Colleague', escapeMarkdown(request.invitee.name)],
        ['Session', escapeMarkdown(request.summary)],
        ['Profile', profileLine(request.profile)],
        ['Answer by', request.state === 'pending' ? `${cardTime(request.answerBy, timeZone, now)} (${timeLeftText(request.answerBy, now)})` : null],
      ],
      'invitationFacts',
    ),
  );
  return body;
}

/** The invitee's card in their personal chat: who invites them, to what, with which profile; Accept / Reject. */
export function inviteeCard(view: InvitationCardView): AdaptiveCard {
  const { request } = view;
  const body = [heading(`${escapeMarkdown(request.inviter.name)} invites you into a session`, 'invitationTitle'), ...common(view, true)];
  const actions: CardElement[] = [];
  if (request.state === 'pending') {
    actions.push(executeAction('Accept', 'invitation.accept', pointerOf(request), 'accept', 'positive'));
    actions.push(executeAction('Reject', 'invitation.reject', pointerOf(request), 'reject'));
  }
  if (request.state === 'accepted') {
    if (request.meeting.joinUrl) actions.push(openUrlAction('Join the session', request.meeting.joinUrl, 'join', 'positive'));
    else body.push(textBlock('Local mode: the session’s local room lists you with your profile; in Teams you join its meeting from here.', { id: 'localRoom', isSubtle: true }));
  }
  return adaptiveCard(body, actions);
}

/** The inviter's card: the invitation pending with the time left, Edit (profile) and Cancel; then how it ended. */
export function inviterCard(view: InvitationCardView): AdaptiveCard {
  const { request } = view;
  const body = [heading(`Invitation for ${escapeMarkdown(request.invitee.name)}`, 'invitationTitle'), ...common(view, false)];
  const actions: CardElement[] = [];
  if (request.state === 'pending') {
    actions.push(
      showCardAction('Edit', 'edit', [profilePicker(view.profiles, request.profile.name)], [
        executeAction('Save profile', 'invitation.edit', pointerOf(request), 'saveProfile', 'positive'),
      ]),
    );
    actions.push(executeAction('Cancel invitation', 'invitation.cancel', pointerOf(request), 'cancel', 'destructive'));
  }
  if (request.state === 'accepted') actions.push(...joinedActions(view.profiles, { invitationId: request.id, version: request.version, profile: request.profile.name }));
  return adaptiveCard(body, actions);
}

/** The id of the profile picker of one joined colleague's Change profile. */
export function profileInputId(invitationId: string): string {
  return `permissionProfile-${invitationId}`;
}

function joinedActions(profiles: readonly PermissionProfile[], joined: { invitationId: string; version: number; profile: string }): CardElement[] {
  const pointer = { requestId: joined.invitationId, version: joined.version };
  return [
    // One card can list several colleagues: each picker has its own id (inputs of a card share one namespace).
    showCardAction('Change profile', `changeProfile-${joined.invitationId}`, [profilePicker(profiles, joined.profile, profileInputId(joined.invitationId))], [
      executeAction('Save profile', 'invitation.changeProfile', pointer, `saveProfile-${joined.invitationId}`, 'positive'),
    ]),
    executeAction('Remove', 'invitation.remove', pointer, `remove-${joined.invitationId}`, 'destructive'),
  ];
}

/** How many agents Invite a colleague suggests before the inviter types (Teams searches the others). */
const SUGGESTED_COLLEAGUES = 5;

/**
 * What a connected session's (or assistance) card adds for its agent: the colleagues invited and joined with their
 * profile (Change profile / Remove), and **Invite a colleague** (a few agents suggested, the others searched as the
 * inviter types; the profiles).
 */
export function invitationSection(input: {
  parent: { requestId: string; version: number };
  invited: readonly InvitedColleague[];
  agents: readonly Person[];
  /** People who are in the session already (its agents): not suggested. */
  present: readonly string[];
  profiles: readonly PermissionProfile[];
  /** False on shared cards (the channel's): the list only, no buttons. */
  actions: boolean;
}): { body: CardElement[]; actions: CardElement[] } {
  const body: CardElement[] = [];
  if (input.invited.length > 0) {
    const lines = input.invited.map((colleague) => `${escapeMarkdown(colleague.name)} — ${escapeMarkdown(colleague.profile)}${colleague.state === 'pending' ? ' (invited, waiting for an answer)' : ' (joined)'}`);
    body.push(container([textBlock('Colleagues in this session', { weight: 'bolder' }), ...lines.map((line, index) => textBlock(line, { id: `invited-${index}`, spacing: 'none' }))], { id: 'invitedColleagues', separator: true }));
    if (input.actions) {
      for (const colleague of input.invited.filter((candidate) => candidate.state === 'accepted')) {
        body.push(actionSet(joinedActions(input.profiles, colleague).map((action) => ({ ...action, title: `${(action as unknown as { title: string }).title}: ${colleague.name}` })), `joined-${colleague.invitationId}`));
      }
    }
  }
  if (!input.actions) return { body, actions: [] };
  const taken = new Set([...input.present, ...input.invited.map((colleague) => colleague.inviteeId)]);
  const suggested = input.agents.filter((agent) => !taken.has(agent.aadObjectId)).slice(0, SUGGESTED_COLLEAGUES);
  if (suggested.length === 0 || input.profiles.length === 0) return { body, actions: [] };
  const form = [
    // A few agents are suggested; the rest are searched as the inviter types (the `agents` dataset Assign… uses), so the
    // card stays small however many agents there are. Someone in already is refused when sent, as on `invite @Name`.
    inputSearchChoiceSet('invitee', suggested.map((agent) => ({ title: agent.name, value: agent.aadObjectId })), AGENTS_DATASET, {
      label: 'Colleague',
      placeholder: 'Type a colleague’s name',
      isRequired: true,
      errorMessage: 'Pick the colleague to invite.',
    }),
    profilePicker(input.profiles, null),
    textBlock('They get two minutes to accept. They see the session’s summary, never the customer’s link.', { isSubtle: true, spacing: 'small' }),
  ];
  return {
    body,
    actions: [showCardAction('Invite a colleague', 'inviteColleague', form, [executeAction('Send invitation', 'invitation.create', input.parent, 'sendInvitation', 'positive')])],
  };
}

/** A message in the inviter's or the invitee's personal chat: declined, expired, removed. */
export function invitationNoticeCard(request: InvitationRequest, about: string): AdaptiveCard {
  const invitee = escapeMarkdown(request.invitee.name);
  const texts: Record<string, [string, string]> = {
    reject: [`${invitee} declined`, `${invitee} declined your invitation into the session “${escapeMarkdown(request.summary)}”.`],
    expire: [`${invitee} did not answer`, `Your invitation to ${invitee} expired: it was not answered in two minutes.`],
    remove: ['You were removed from a session', `${escapeMarkdown(request.inviter.name)}’s session “${escapeMarkdown(request.summary)}” no longer includes you.`],
    end: ['The session was closed', `${escapeMarkdown(request.inviter.name)}’s session “${escapeMarkdown(request.summary)}” was closed; your invitation into it ended with it.`],
  };
  const [title, text] = texts[about] ?? ['Invitation', 'Your invitation changed.'];
  return adaptiveCard([heading(title, 'noticeTitle'), textBlock(text, { id: 'noticeText', spacing: 'small' })]);
}
