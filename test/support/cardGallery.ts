import { approvalSettingNoticeCard } from '../../src/adapters/teams/lockbox/approvalSettingNoticeCard';
import { helpCard } from '../../src/adapters/teams/cards/helpCard';
import { lockboxCard } from '../../src/adapters/teams/lockbox/lockboxCard';
import { lockboxFormCard } from '../../src/adapters/teams/lockbox/lockboxFormCard';
import { lockboxListCard } from '../../src/adapters/teams/lockbox/lockboxListCard';
import { lockboxSettingsCard } from '../../src/adapters/teams/lockbox/lockboxSettingsCard';
import { LockboxNoticeView, lockboxNoticeCard } from '../../src/adapters/teams/lockbox/lockboxNoticeCard';
import { requestListCard } from '../../src/adapters/teams/session/requestListCard';
import { sessionAgentCard } from '../../src/adapters/teams/session/sessionAgentCard';
import { sessionFormCard } from '../../src/adapters/teams/session/sessionFormCard';
import { sessionInvitationCard } from '../../src/adapters/teams/session/sessionInvitationCard';
import { sessionQueueCard } from '../../src/adapters/teams/session/sessionQueueCard';
import { AdaptiveCard } from '../../src/adapters/teams/cards/cardTypes';
import { adaptiveCard } from '../../src/adapters/teams/cards/cardElements';
import { invitationNoticeCard, invitationSection, inviteeCard, inviterCard } from '../../src/adapters/teams/invitation/invitationCards';
import { invitationSentCard, inviteCommandCard } from '../../src/adapters/teams/invitation/inviteCommandCard';
import { InviteCommandRefusal } from '../../src/application/invitation/inviteCommand';
import { DEFAULT_PERMISSION_PROFILES } from '../../src/domain/invitation';
import { INVITATION_VARIANTS, invitationIn, invitationView } from './invitationCardFixtures';
import { NotReached } from '../../src/application/ports';
import { erasureCard } from '../../src/adapters/teams/erasure/erasureCard';
import { channelRequestsCard } from '../../src/adapters/teams/cards/channelRequestsCard';
import { RequestRow } from '../../src/application/oversight/requestPages';
import { ASSIST_STATES } from '../../src/domain/assist';
import { INVITATION_STATES } from '../../src/domain/invitation';
import { LOCKBOX_STATES } from '../../src/domain/lockbox';
import { assistFormCard } from '../../src/adapters/teams/assist/assistFormCard';
import { assistListCard } from '../../src/adapters/teams/assist/assistListCard';
import { assistNoticeCard } from '../../src/adapters/teams/assist/assistNoticeCard';
import { assistPersonCard } from '../../src/adapters/teams/assist/assistPersonCard';
import { assistQueueCard } from '../../src/adapters/teams/assist/assistQueueCard';
import { ASSIST_NOW, ASSIST_VARIANTS, assistIn, assistView } from './assistCardFixtures';
import { Language } from '../../src/domain/language';
import { ClosedReason, SESSION_STATES } from '../../src/domain/session';
import { ALEX, BEA, NOW, PORTAL_LINK, TIME_ZONE, localMeeting, requestIn, sessionCardView, teamsMeeting } from './cardFixtures';
import { ADA, ERIN, LockboxVariant, VIEWERS, lockboxIn, lockboxView } from './lockboxCardFixtures';

const CLOSED_REASONS: readonly ClosedReason[] = ['denied', 'cancelled', 'refused', 'left', 'ended'];
const LOCKBOX_VARIANTS: readonly LockboxVariant[] = ['review', 'pending', 'granting', 'approved', 'ending', 'denied', 'expired', 'cancelled', 'ended'];
const NOTICES: readonly LockboxNoticeView['notice'][] = ['decision', 'reminder', 'ended', 'grantFailed', 'revoked', 'escalated'];

const NOT_REACHED: NotReached[] = [
  { type: 'card.post', target: { kind: 'person', userId: BEA.aadObjectId }, code: 'REACH.FAILED', detail: null, fallback: null, name: BEA.name } as unknown as NotReached,
  { type: 'mail.send', target: { kind: 'mail' }, code: 'GRAPH.FORBIDDEN', detail: null, fallback: null, name: null } as unknown as NotReached,
];

/**
 * Every card issue 17 converted, in `language`, in every state and variant that changes its words: the session
 * walkthrough, the lockbox cards and notices, forms with problems, lists, help. Names say which render it is.
 */
export function cardGallery(language: Language): Array<[name: string, card: AdaptiveCard]> {
  const cards: Array<[string, AdaptiveCard]> = [];
  const add = (name: string, card: AdaptiveCard): void => {
    cards.push([name, card]);
  };
  for (const state of SESSION_STATES) {
    const request = requestIn(state);
    add(`session agent ${state}`, sessionAgentCard(sessionCardView(request, { language })));
    add(`session queue ${state}`, sessionQueueCard(sessionCardView({ ...request, assignee: null }, { language })));
  }
  for (const reason of CLOSED_REASONS) add(`session closed ${reason}`, sessionAgentCard(sessionCardView(requestIn('closed', { closedReason: reason }), { language })));
  add(
    'session scheduled, notices, problems',
    sessionAgentCard(
      sessionCardView(
        requestIn('open', {
          scheduledFor: new Date(NOW.getTime() + 26 * 3600_000),
          expiresAt: new Date(NOW.getTime() + 50 * 3600_000),
          mailProblem: { code: 'GRAPH.FORBIDDEN', detail: 'Mail.Send' },
          assigneeNotTold: { aadObjectId: ALEX.aadObjectId, reason: 'noChat' },
        }),
        { language, notice: { code: 'REQUEST.STALE_VERSION' }, notReached: NOT_REACHED, notified: [BEA.name] },
      ),
    ),
  );
  add('session local room', sessionAgentCard(sessionCardView(requestIn('connected', { meeting: localMeeting() }), { language })));
  add('session meeting problem', sessionAgentCard(sessionCardView(requestIn('ready', { meeting: teamsMeeting('preparing', 'GRAPH.FORBIDDEN') }), { language })));
  const invited = requestIn('open', { sendEmail: true, recipient: { name: 'Chris Customer', email: 'chris@example.com' }, scheduledFor: new Date(NOW.getTime() + 3600_000) });
  add('session invitation', sessionInvitationCard({ request: invited, link: PORTAL_LINK, inviteText: `Hello Chris,\n\n${PORTAL_LINK}\n\nBye`, now: NOW, timeZone: TIME_ZONE, language }));
  for (const state of SESSION_STATES) add(`session invitation gone ${state}`, sessionInvitationCard({ request: requestIn(state), link: null, inviteText: null, now: NOW, timeZone: TIME_ZONE, language }));
  const form = { chosenAgent: null, queues: [{ id: 'q1', name: 'Tier 1' }], values: {}, problems: [], timeZone: TIME_ZONE, defaultHours: 24, language };
  add('session form', sessionFormCard({ ...form, defaultQueue: { name: 'Tier 1', reason: 'default' } }));
  add('session form, no queue', sessionFormCard({ ...form, queues: [], defaultQueue: null }));
  add(
    'session form with problems',
    sessionFormCard({
      ...form,
      defaultQueue: null,
      problems: [
        { field: 'recipientName', problem: 'tooLong' },
        { field: 'recipientEmail', problem: 'requiredForMail' },
        { field: 'expiresAt', problem: 'beforeSchedule' },
        { field: 'form', problem: 'malformed' },
      ],
    }),
  );
  const past = requestIn('closed', { closedReason: 'left' });
  add('request list', requestListCard({ title: 'x', requests: [requestIn('open', { scheduledFor: new Date(NOW.getTime() + 3600_000) }), requestIn('waiting'), past], now: NOW, timeZone: TIME_ZONE, language }));
  add('request list empty', requestListCard({ title: 'x', requests: [], now: NOW, timeZone: TIME_ZONE, language }));

  for (const variant of LOCKBOX_VARIANTS) {
    for (const viewer of VIEWERS) add(`lockbox ${variant} for ${viewer}`, lockboxCard(lockboxView(lockboxIn(variant), viewer, { language })));
  }
  add('lockbox autoApprove, membership, notices', lockboxCard(lockboxView(
    lockboxIn('approved', {
      decisions: [{ action: 'autoApprove', byId: 'system', byName: 'Doorman', at: NOW, comment: null }],
      access: { status: 'granted', grantedAt: NOW, endsAt: new Date(NOW.getTime() + 4 * 3600_000), removedAt: null, membership: 'shared' },
      requestedVia: 'key:1',
    }),
    'approver',
    { language, notice: { code: 'AUTH.SELF_APPROVAL' }, notReached: NOT_REACHED, notified: [ADA.name], requestedViaLabel: 'Ticketing' },
  )));
  add('lockbox grant failed', lockboxCard(lockboxView(lockboxIn('ended', { access: { status: 'failed', grantedAt: null, endsAt: null, removedAt: null, problem: { code: 'GRAPH.FORBIDDEN', detail: null } }, ending: { reason: 'grant failed', byId: 'system', at: NOW } }), 'requester', { language })));
  add('lockbox kept', lockboxCard(lockboxView(lockboxIn('ended', { access: { status: 'removed', grantedAt: NOW, endsAt: NOW, removedAt: NOW, kept: 'otherRequest' }, ending: { reason: 'window elapsed', byId: 'system', at: NOW } }), 'requester', { language })));
  const limits = { values: {}, problems: [], defaultDurationMinutes: 240, maxDurationMinutes: 1440, language };
  add('lockbox form', lockboxFormCard({ ...limits, scopes: [{ id: 'default', name: 'Read', description: 'Read mail' }] }));
  add(
    'lockbox form with problems',
    lockboxFormCard({
      ...limits,
      scopes: [{ id: 'a', name: 'Read', description: 'Read mail' }, { id: 'b', name: 'Write', description: 'Change settings' }],
      problems: [{ field: 'reason', problem: 'tooLong' }, { field: 'durationMinutes', problem: 'range' }, { field: 'scope', problem: 'invalid' }],
    }),
  );
  for (const notice of NOTICES) {
    for (const variant of LOCKBOX_VARIANTS) {
      add(`lockbox notice ${notice} ${variant}`, lockboxNoticeCard({ request: lockboxIn(variant), notice, now: NOW, timeZone: TIME_ZONE, language }));
    }
  }
  for (const approvalRequired of [true, false]) {
    add(`approval setting ${approvalRequired}`, approvalSettingNoticeCard({ approvalRequired, changedBy: ADA.name, changedAt: NOW, timeZone: TIME_ZONE, now: NOW, language }));
  }
  add('lockbox list', lockboxListCard({ requests: [{ request: lockboxIn('approved', { requester: ERIN }), trail: [] }], now: NOW, timeZone: TIME_ZONE, language }));
  add('lockbox list empty', lockboxListCard({ requests: [], now: NOW, timeZone: TIME_ZONE, language }));
  const settings = {
    approvalRequired: true,
    leadReview: false,
    defaultDurationMinutes: 240,
    maxDurationMinutes: 1440,
    decisionHours: 12,
    escalationHours: 2,
    assistUnansweredHours: 4,
    assistAllowMinutes: 15,
    retentionDays: 90,
    scopes: [{ id: 'mail', name: 'Mail', description: 'Read mail', groupId: '0a1b2c3d-0000-4000-8000-000000000001' }],
    backupApproverIds: [],
    updatedBy: null,
    updatedAt: null,
  };
  const settingsView = { settings, history: [], now: NOW, timeZone: TIME_ZONE, problems: [], language };
  add('settings', lockboxSettingsCard({ ...settingsView, configuredScopes: [{ id: 'default', name: 'Customer content', description: 'Everything', groupId: null }] }));
  add(
    'settings off, with problems and history',
    lockboxSettingsCard({
      ...settingsView,
      settings: { ...settings, approvalRequired: false },
      history: [{ at: NOW, actor: ADA.name, change: 'approval on → off' }],
      backupApprovers: [{ id: ADA.aadObjectId, name: ADA.name }],
      notice: 'x',
      problems: [
        { field: 'defaultDurationMinutes', problem: 'aboveMax' },
        { field: 'newScopeId', problem: 'scopeIdFormat' },
        { field: 'escalationHours', problem: 'range' },
        { field: 'retentionDays', problem: 'range' },
        { field: 'permissionProfiles', problem: 'profileInUse' },
        { field: 'profileName', problem: 'profileNameTaken' },
        { field: 'profileRole', problem: 'invalid' },
      ],
    }),
  );
  for (const greeting of [true, false]) {
    add(`help ${greeting}`, helpCard({ commands: [{ title: 'help', description: 'x' }], roles: [], greeting, language }));
  }
  invitationGallery(language, add);
  assistGallery(language, add);
  erasureAndChannelGallery(language, add);
  return cards;
}

const INVITE_REFUSALS: readonly InviteCommandRefusal[] = ['self', 'alreadyIn', 'unreachable', 'notConnected', 'noMention', 'whichRequest'];

/** The invitation cards, notices, `invite @Name` answers and the settings' permission profiles with their problems. */
function invitationGallery(language: Language, add: (name: string, card: AdaptiveCard) => void): void {
  for (const request of INVITATION_VARIANTS) {
    add(`invitee ${request.state}`, inviteeCard(invitationView(request, { language })));
    add(`inviter ${request.state}`, inviterCard(invitationView(request, { language, notice: { code: 'REQUEST.STALE_VERSION' } })));
    for (const about of ['reject', 'expire', 'remove', 'end', 'other']) add(`invitation notice ${about} ${request.state}`, invitationNoticeCard(request, about, language));
  }
  add('invitee joined locally', inviteeCard(invitationView(invitationIn('accepted', { meeting: { provider: 'local', meetingId: 'local-1', joinUrl: null } }), { language })));
  add('invitation ended, assistance', inviterCard(invitationView(invitationIn('ended', { parentKind: 'assist' }), { language })));
  const section = invitationSection({
    parent: { requestId: 'session-1', version: 7 },
    invited: [
      { invitationId: 'inv-1', version: 2, inviteeId: 'bea', name: 'Bea Agent', profile: 'Collaborate', state: 'accepted' },
      { invitationId: 'inv-2', version: 1, inviteeId: 'dan', name: 'Dan Agent', profile: 'Watch', state: 'pending' },
    ],
    agents: [{ aadObjectId: 'cleo', name: 'Cleo Agent' }],
    present: [],
    profiles: [...DEFAULT_PERMISSION_PROFILES],
    actions: true,
    language,
  });
  add('invite a colleague section', adaptiveCard(section.body, section.actions));
  for (const refusal of INVITE_REFUSALS) add(`invite refused ${refusal}`, inviteCommandCard({ kind: 'refused', refusal }, language));
  const parent = { requestId: 'session-1', version: 7, summary: 'Printer on floor 3' };
  add('invite form', inviteCommandCard({ kind: 'form', parent, invitee: { aadObjectId: 'cleo', name: 'Cleo Agent' }, profiles: [...DEFAULT_PERMISSION_PROFILES] }, language));
  add('invitation sent', invitationSentCard('Cleo Agent', 'Collaborate', language));
}

/** The assistance cards: the channel's, the user's and the helper's in every state, notices, the form, the list. */
function assistGallery(language: Language, add: (name: string, card: AdaptiveCard) => void): void {
  for (const request of ASSIST_VARIANTS) {
    const name = `${request.state}${request.helper ? '' : ' unanswered'}`;
    add(`assist queue ${name}`, assistQueueCard(assistView(request, { language, notified: ['Bea Agent'], notReached: NOT_REACHED })));
    add(`assist requester ${name}`, assistPersonCard(assistView(request, { language, notice: { code: 'AUTH.NOT_PERMITTED' } }), 'requester'));
    add(`assist helper ${name}`, assistPersonCard(assistView(request, { language, notice: { code: 'REQUEST.STALE_VERSION' } }), 'helper'));
    for (const about of ['accept', 'decline', 'expire', 'refuseControl', 'connect', 'close']) add(`assist notice ${about} ${name}`, assistNoticeCard({ request, about, language }));
  }
  const typed = assistIn('connected', {
    device: { id: null, name: 'PC-1', source: 'typed' },
    meeting: { provider: 'local', joinUrl: null, meetingId: null, problem: 'GRAPH.FORBIDDEN' },
    closedComment: 'later',
    deviceActions: [
      { id: '2', action: 'syncDevice', by: { aadObjectId: 'bea', name: 'Bea Agent' }, requestedAt: ASSIST_NOW, state: 'failed', startedAt: null, lastUpdatedAt: null, problem: { code: 'GRAPH.FORBIDDEN' } },
      { id: '3', action: 'rebootNow', by: { aadObjectId: 'bea', name: 'Bea Agent' }, requestedAt: ASSIST_NOW, state: 'notSupported', startedAt: null, lastUpdatedAt: ASSIST_NOW, problem: null },
    ],
  } as never);
  add('assist typed device, local meeting problem', assistPersonCard(assistView(typed, { language, devices: { source: 'intune', actions: true } }), 'helper'));
  add('assist closed by helper notice', assistNoticeCard({ request: assistIn('closed', { closedReason: 'closedByHelper', closedComment: null }), about: 'close', language }));
  const devices = [{ id: 'd1', name: 'LAPTOP-4711', operatingSystem: 'Windows', lastSyncAt: null }];
  add('assist form', assistFormCard({ devices, source: 'local', values: {}, problems: [], language }));
  add(
    'assist form with problems',
    assistFormCard({
      devices: null,
      source: null,
      values: { problem: 'x' },
      problems: [
        { field: 'deviceId', problem: 'unknownDevice' },
        { field: 'phone', problem: 'phone' },
        { field: 'problem', problem: 'tooLong' },
        { field: 'form', problem: 'noAssistanceQueue' },
      ],
      language,
    }),
  );
  for (const problem of ['notPermitted', 'noAssistanceQueue']) add(`assist form ${problem}`, assistFormCard({ devices: null, source: null, values: {}, problems: [{ field: 'form', problem }], language }));
  const trail = [{ at: ASSIST_NOW, text: 'Bea Agent accepted', reason: 'on it' }];
  add('assist list', assistListCard({ requests: [{ request: assistIn('accepted'), trail } as never], now: ASSIST_NOW, timeZone: TIME_ZONE, language }));
}

/** The erasure card in every state and count, and the channel's `requests` card with a row in every state of every kind. */
function erasureAndChannelGallery(language: Language, add: (name: string, card: AdaptiveCard) => void): void {
  for (const state of ['pending', 'confirmed', 'cancelled', 'done'] as const) {
    for (const requestCount of [1, 3]) {
      add(`erasure ${state} ${requestCount}`, erasureCard({ erasureId: 'e-1', version: 1, state, subject: 'chris@example.com', pseudonym: 'Erased person 7f3a', requestCount }, language));
    }
  }
  const kinds: Array<[RequestRow['kind'], readonly string[]]> = [['session', SESSION_STATES], ['lockbox', LOCKBOX_STATES], ['assist', ASSIST_STATES], ['invitation', INVITATION_STATES]];
  const rows = kinds.flatMap(([kind, states]) =>
    states.map((state, index) => ({
      id: `${kind}-${state}`,
      kind,
      state,
      customer: kind === 'session' ? 'Chris Customer' : null,
      subject: 'Printer',
      requesterName: ALEX.name,
      assigneeName: index % 2 === 0 ? BEA.name : null,
      deadline: index % 2 === 0 ? new Date(NOW.getTime() + 3600_000).toISOString() : null,
      updatedAt: NOW.toISOString(),
    }) as unknown as RequestRow),
  );
  const queue = { id: 'q', name: 'Tier 1', purpose: 'sessions' as const };
  add('channel requests', channelRequestsCard({ queue, requests: rows, more: true, now: NOW, timeZone: TIME_ZONE, language }));
  add('channel requests empty', channelRequestsCard({ queue, requests: [], more: false, now: NOW, timeZone: TIME_ZONE, language }));
  add('channel requests no queue', channelRequestsCard({ queue: null, requests: [], more: false, now: NOW, timeZone: TIME_ZONE, language }));
}
