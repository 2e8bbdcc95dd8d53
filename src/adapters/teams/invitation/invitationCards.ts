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
import { TextKey, Texts, textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';

/** What every invitation card is drawn from. */
export interface InvitationCardView {
  request: InvitationRequest;
  now: Date;
  timeZone: string;
  notice: { code: ErrorCode } | null;
  profiles: readonly PermissionProfile[];
  /** The reader's language (absent: English). */
  language?: Language;
}

const MEETING_ROLE_KEYS: Readonly<Record<PermissionProfile['role'], TextKey>> = {
  attendee: 'invitation.role.attendee',
  presenter: 'invitation.role.presenter',
  coorganizer: 'invitation.role.coorganizer',
};

/** "Collaborate (presenter): Can talk, present and share their screen." */
export function profileLine(profile: PermissionProfile, texts: Texts = textsFor('en')): string {
  return texts.t('invitation.profileLine', { name: escapeMarkdown(profile.name), role: texts.t(MEETING_ROLE_KEYS[profile.role]), sentence: escapeMarkdown(profile.sentence) });
}

/** The time left to answer, to the second when under a minute: "1 min 30 s left", "expired". */
export function timeLeftText(answerBy: Date, now: Date, texts: Texts = textsFor('en')): string {
  const left = Math.max(0, Math.ceil((answerBy.getTime() - now.getTime()) / 1000));
  if (left === 0) return texts.t('invitation.timeLeft.none');
  const minutes = Math.floor(left / 60);
  const seconds = left % 60;
  if (minutes === 0) return texts.t('invitation.timeLeft.seconds', { seconds });
  return seconds === 0 ? texts.t('invitation.timeLeft.minutes', { minutes }) : texts.t('invitation.timeLeft.minutesSeconds', { minutes, seconds });
}

function stateOf(request: InvitationRequest, forInvitee: boolean, texts: Texts): { text: string; tone: StatusTone } {
  const names = { invitee: escapeMarkdown(request.invitee.name), inviter: escapeMarkdown(request.inviter.name), profile: escapeMarkdown(request.profile.name) };
  const say = (key: TextKey): string => texts.t(key, names);
  switch (request.state) {
    case 'pending':
      return { text: say(forInvitee ? 'invitation.state.waitingForYou' : 'invitation.state.waitingFor'), tone: 'pending' };
    case 'accepted':
      return { text: say(forInvitee ? 'invitation.state.youJoined' : 'invitation.state.joined'), tone: 'good' };
    case 'rejected':
      return { text: say(forInvitee ? 'invitation.state.youDeclined' : 'invitation.state.declined'), tone: 'stopped' };
    case 'cancelled':
      return { text: say(forInvitee ? 'invitation.state.withdrawnBy' : 'invitation.state.youWithdrew'), tone: 'stopped' };
    case 'expired':
      return { text: say('invitation.state.expired'), tone: 'stopped' };
    case 'removed':
      return { text: say(forInvitee ? 'invitation.state.youRemoved' : 'invitation.state.removed'), tone: 'stopped' };
    case 'ended':
      return { text: say(request.parentKind === 'assist' ? 'invitation.state.endedAssist' : 'invitation.state.endedSession'), tone: 'stopped' };
  }
}

function pointerOf(request: InvitationRequest): { requestId: string; version: number } {
  return { requestId: request.id, version: request.version };
}

function profileChoices(profiles: readonly PermissionProfile[]): { title: string; value: string }[] {
  return profiles.map((profile) => ({ title: `${profile.name} — ${profile.sentence}`, value: profile.name }));
}

/** The profile picker of the invite form, Edit and Change profile; `preselect` false leaves the choice to the inviter. */
export function profilePicker(profiles: readonly PermissionProfile[], current: string | null, texts: Texts, id = 'permissionProfile', preselect = true): CardElement {
  return inputChoiceSet(id, profileChoices(profiles), {
    label: texts.t('invitation.profilePicker'),
    value: current ?? (preselect ? profiles[0]?.name : undefined),
    style: 'expanded',
    isRequired: true,
    errorMessage: texts.t('invitation.profilePickerError'),
  });
}

function common(view: InvitationCardView, forInvitee: boolean, texts: Texts): CardElement[] {
  const { request, now, timeZone } = view;
  const state = stateOf(request, forInvitee, texts);
  const body: CardElement[] = [];
  if (view.notice) body.push(problemNotice(noticeText(view.notice.code, texts.language), 'notice'));
  body.push(statusBadge(state.text, state.tone, 'invitationState'));
  body.push(
    factSet(
      [
        [texts.t('invitation.fact.invitedBy'), escapeMarkdown(request.inviter.name)],
        [texts.t('invitation.fact.colleague'), escapeMarkdown(request.invitee.name)],
        [texts.t('invitation.fact.session'), escapeMarkdown(request.summary)],
        [texts.t('invitation.fact.profile'), profileLine(request.profile, texts)],
        [
          texts.t('invitation.fact.answerBy'),
          request.state === 'pending' ? texts.t('invitation.answerBy', { time: cardTime(request.answerBy, timeZone, now, texts.language), left: timeLeftText(request.answerBy, now, texts) }) : null,
        ],
      ],
      'invitationFacts',
    ),
  );
  return body;
}

/** The invitee's card in their personal chat: who invites them, to what, with which profile; Accept / Reject. */
export function inviteeCard(view: InvitationCardView): AdaptiveCard {
  const { request } = view;
  const texts = textsFor(view.language ?? 'en');
  const body = [heading(texts.t('invitation.inviteeTitle', { inviter: escapeMarkdown(request.inviter.name) }), 'invitationTitle'), ...common(view, true, texts)];
  const actions: CardElement[] = [];
  if (request.state === 'pending') {
    actions.push(executeAction(texts.t('invitation.accept'), 'invitation.accept', pointerOf(request), 'accept', 'positive'));
    actions.push(executeAction(texts.t('invitation.reject'), 'invitation.reject', pointerOf(request), 'reject'));
  }
  if (request.state === 'accepted') {
    if (request.meeting.joinUrl) actions.push(openUrlAction(texts.t('invitation.join'), request.meeting.joinUrl, 'join', 'positive'));
    else body.push(textBlock(texts.t('invitation.localRoom'), { id: 'localRoom', isSubtle: true }));
  }
  return adaptiveCard(body, actions);
}

/** The inviter's card: the invitation pending with the time left, Edit (profile) and Cancel; then how it ended. */
export function inviterCard(view: InvitationCardView): AdaptiveCard {
  const { request } = view;
  const texts = textsFor(view.language ?? 'en');
  const body = [heading(texts.t('invitation.inviterTitle', { invitee: escapeMarkdown(request.invitee.name) }), 'invitationTitle'), ...common(view, false, texts)];
  const actions: CardElement[] = [];
  if (request.state === 'pending') {
    actions.push(
      showCardAction(texts.t('invitation.edit'), 'edit', [profilePicker(view.profiles, request.profile.name, texts)], [
        executeAction(texts.t('invitation.saveProfile'), 'invitation.edit', pointerOf(request), 'saveProfile', 'positive'),
      ]),
    );
    actions.push(executeAction(texts.t('invitation.cancel'), 'invitation.cancel', pointerOf(request), 'cancel', 'destructive'));
  }
  if (request.state === 'accepted') actions.push(...joinedActions(view.profiles, { invitationId: request.id, version: request.version, profile: request.profile.name }, texts));
  return adaptiveCard(body, actions);
}

/** The id of the profile picker of one joined colleague's Change profile. */
export function profileInputId(invitationId: string): string {
  return `permissionProfile-${invitationId}`;
}

function joinedActions(profiles: readonly PermissionProfile[], joined: { invitationId: string; version: number; profile: string }, texts: Texts): CardElement[] {
  const pointer = { requestId: joined.invitationId, version: joined.version };
  return [
    // One card can list several colleagues: each picker has its own id (inputs of a card share one namespace).
    showCardAction(texts.t('invitation.changeProfile'), `changeProfile-${joined.invitationId}`, [profilePicker(profiles, joined.profile, texts, profileInputId(joined.invitationId))], [
      executeAction(texts.t('invitation.saveProfile'), 'invitation.changeProfile', pointer, `saveProfile-${joined.invitationId}`, 'positive'),
    ]),
    executeAction(texts.t('invitation.remove'), 'invitation.remove', pointer, `remove-${joined.invitationId}`, 'destructive'),
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
  /** The card's language (absent: English). */
  language?: Language;
}): { body: CardElement[]; actions: CardElement[] } {
  const texts = textsFor(input.language ?? 'en');
  const body: CardElement[] = [];
  if (input.invited.length > 0) {
    const lines = input.invited.map((colleague) =>
      texts.t(colleague.state === 'pending' ? 'invitation.invitedLine' : 'invitation.joinedLine', { name: escapeMarkdown(colleague.name), profile: escapeMarkdown(colleague.profile) }),
    );
    body.push(container([textBlock(texts.t('invitation.colleaguesTitle'), { weight: 'bolder' }), ...lines.map((line, index) => textBlock(line, { id: `invited-${index}`, spacing: 'none' }))], { id: 'invitedColleagues', separator: true }));
    if (input.actions) {
      for (const colleague of input.invited.filter((candidate) => candidate.state === 'accepted')) {
        const titled = joinedActions(input.profiles, colleague, texts).map((action) => ({
          ...action,
          title: texts.t('invitation.joinedAction', { action: (action as unknown as { title: string }).title, name: colleague.name }),
        }));
        body.push(actionSet(titled, `joined-${colleague.invitationId}`));
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
      label: texts.t('invitation.fact.colleague'),
      placeholder: texts.t('invitation.colleaguePlaceholder'),
      isRequired: true,
      errorMessage: texts.t('invitation.colleagueError'),
    }),
    profilePicker(input.profiles, null, texts),
    textBlock(texts.t('invitation.twoMinutes'), { isSubtle: true, spacing: 'small' }),
  ];
  return {
    body,
    actions: [
      showCardAction(texts.t('invitation.invite'), 'inviteColleague', form, [
        executeAction(texts.t('invitation.send'), 'invitation.create', input.parent, 'sendInvitation', 'positive'),
      ]),
    ],
  };
}

// Which texts each notice shows; an unknown one says only that the invitation changed.
const NOTICE_KEYS: Readonly<Record<string, [TextKey, TextKey]>> = {
  reject: ['invitation.notice.rejectTitle', 'invitation.notice.reject'],
  expire: ['invitation.notice.expireTitle', 'invitation.notice.expire'],
  remove: ['invitation.notice.removeTitle', 'invitation.notice.remove'],
  end: ['invitation.notice.endTitle', 'invitation.notice.end'],
};

/** A message in the inviter's or the invitee's personal chat: declined, expired, removed, in the reader's language. */
export function invitationNoticeCard(request: InvitationRequest, about: string, language: Language = 'en'): AdaptiveCard {
  const texts = textsFor(language);
  const names = { invitee: escapeMarkdown(request.invitee.name), inviter: escapeMarkdown(request.inviter.name), summary: escapeMarkdown(request.summary) };
  const [title, text] = Object.hasOwn(NOTICE_KEYS, about) ? NOTICE_KEYS[about] : (['invitation.notice.otherTitle', 'invitation.notice.other'] as const);
  return adaptiveCard([heading(texts.t(title, names), 'noticeTitle'), textBlock(texts.t(text, names), { id: 'noticeText', spacing: 'small' })]);
}
