import { helpCard } from '../../../src/adapters/teams/cards/helpCard';
import { textCard } from '../../../src/adapters/teams/cards/textCard';
import { approvalSettingNoticeCard } from '../../../src/adapters/teams/lockbox/approvalSettingNoticeCard';
import { lockboxFormCard } from '../../../src/adapters/teams/lockbox/lockboxFormCard';
import { lockboxListCard } from '../../../src/adapters/teams/lockbox/lockboxListCard';
import { lockboxNoticeCard } from '../../../src/adapters/teams/lockbox/lockboxNoticeCard';
import { lockboxSettingsCard } from '../../../src/adapters/teams/lockbox/lockboxSettingsCard';
import { lockboxCard } from '../../../src/adapters/teams/lockbox/lockboxCard';
import { requestListCard } from '../../../src/adapters/teams/session/requestListCard';
import { sessionAgentCard } from '../../../src/adapters/teams/session/sessionAgentCard';
import { sessionFormCard } from '../../../src/adapters/teams/session/sessionFormCard';
import { sessionInvitationCard } from '../../../src/adapters/teams/session/sessionInvitationCard';
import { sessionQueueCard } from '../../../src/adapters/teams/session/sessionQueueCard';
import { PROBLEM_SYMBOL } from '../../../src/adapters/teams/cards/cardElements';
import { LockboxSettings } from '../../../src/application/ports';
import { FieldProblem, problemOf } from '../../../src/domain/errors';
import { SESSION_STATES, SessionRequest } from '../../../src/domain/session';
import { BEA, NOW, PORTAL_LINK, TIME_ZONE, localMeeting, requestIn, sessionCardView } from '../../support/cardFixtures';
import { contrastRatio, AA_NORMAL_TEXT } from '../../support/contrast';
import { ERIN, LockboxVariant, STATES, VIEWERS, lockboxIn, lockboxView } from '../../support/lockboxCardFixtures';
import { ContainerStyle, SHOW_CARD_STYLE, TEAMS, TextColour, Theme } from '../../support/teamsHostColours';
import { CardNode, allNodes } from '../../support/validateCard';
import { assistFormCard } from '../../../src/adapters/teams/assist/assistFormCard';
import { assistNoticeCard } from '../../../src/adapters/teams/assist/assistNoticeCard';
import { assistPersonCard } from '../../../src/adapters/teams/assist/assistPersonCard';
import { assistQueueCard } from '../../../src/adapters/teams/assist/assistQueueCard';
import { ASSIST_VARIANTS, assistView } from '../../support/assistCardFixtures';
import { invitationNoticeCard, inviteeCard, inviterCard } from '../../../src/adapters/teams/invitation/invitationCards';
import { INVITATION_VARIANTS, invitationView } from '../../support/invitationCardFixtures';

/** Elements whose `style` is a container style that changes the background behind their text. */
const STYLED_CONTAINERS = new Set(['Container', 'Column', 'ColumnSet', 'TableCell', 'Table']);

/** Every TextBlock and TextRun with the container style it is drawn on. */
function textsOn(card: unknown): { node: CardNode; style: ContainerStyle }[] {
  const found: { node: CardNode; style: ContainerStyle }[] = [];
  const visit = (item: unknown, style: ContainerStyle): void => {
    if (Array.isArray(item)) return item.forEach((entry) => visit(entry, style));
    if (item === null || typeof item !== 'object') return;
    const node = item as CardNode;
    let here = style;
    if (STYLED_CONTAINERS.has(String(node.type)) && typeof node.style === 'string') here = node.style.toLowerCase() as ContainerStyle;
    if (node.type === 'Action.ShowCard') here = SHOW_CARD_STYLE;
    if (node.type === 'TextBlock' || node.type === 'TextRun') found.push({ node, style: here });
    Object.values(node).forEach((value) => visit(value, here));
  };
  visit(card, 'default');
  return found;
}

/** The texts that fall below 4.5:1 in a theme, as "theme: colour text ratio" lines (empty when all are readable). */
function unreadable(card: unknown): string[] {
  const lines: string[] = [];
  for (const { node, style } of textsOn(card)) {
    const colour = String(node.color ?? 'default').toLowerCase() as TextColour;
    const subtle = node.isSubtle === true;
    for (const theme of ['light', 'dark'] as Theme[]) {
      const palette = TEAMS[theme][style];
      const foreground = (subtle ? palette.subtle : palette.text)[colour];
      const ratio = foreground === undefined ? 0 : contrastRatio(foreground, palette.background);
      if (ratio < AA_NORMAL_TEXT) lines.push(`${theme}: ${subtle ? 'subtle ' : ''}${colour} on ${style} ${ratio.toFixed(2)} "${String(node.text).slice(0, 60)}"`);
    }
  }
  return lines;
}

const SETTINGS: LockboxSettings = {
  approvalRequired: true,
  leadReview: true,
  defaultDurationMinutes: 240,
  maxDurationMinutes: 1440,
  decisionHours: 12,
  escalationHours: 0,
  assistUnansweredHours: 4,
  assistAllowMinutes: 15,
  retentionDays: 90,
  scopes: [],
  backupApproverIds: [],
  updatedBy: 'aad-sam',
  updatedAt: new Date('2030-03-01T08:00:00Z'),
};
const HOURS_AGO = new Date(NOW.getTime() - 3 * 3600_000);
const LOCKBOX_VARIANTS: LockboxVariant[] = [...STATES, 'granting', 'ending'];
const SESSION_PROBLEMS: FieldProblem[] = [
  { field: 'recipientName', problem: 'required' },
  { field: 'recipientEmail', problem: 'invalid' },
  { field: 'comments', problem: 'tooLong' },
  { field: 'expiresAt', problem: 'past' },
  { field: 'scheduledForTime', problem: 'badDate' },
  { field: 'form', problem: 'malformed' },
  { field: 'ticket', problem: 'required' },
];
const LOCKBOX_PROBLEMS: FieldProblem[] = [
  { field: 'resource', problem: 'required' },
  { field: 'durationMinutes', problem: 'range' },
  { field: 'form', problem: 'malformed' },
  { field: 'onBehalfOf', problem: 'required' },
];

const troubledSession = (state: SessionRequest['state']): SessionRequest =>
  requestIn(state, {
    assignee: BEA,
    assigneeNotTold: { aadObjectId: BEA.aadObjectId, reason: 'noChat' },
    mailProblem: { code: 'GRAPH.FORBIDDEN', detail: 'grant Mail.Send' },
    meeting: { ...localMeeting(), problem: problemOf('GRAPH.FORBIDDEN') },
  } as Partial<SessionRequest>);

/** Every card Doorman draws, in every state, with and without problems, notices and refusals. */
const EVERY_CARD: [string, unknown][] = [
  ...SESSION_STATES.flatMap((state): [string, unknown][] => [
    [`agent card ${state}`, sessionAgentCard(sessionCardView(requestIn(state)))],
    [`agent card ${state}, every problem and a refusal`, sessionAgentCard(sessionCardView(troubledSession(state), { notice: { code: 'REQUEST.STALE_VERSION' } }))],
    [`agent card ${state}, local meeting`, sessionAgentCard(sessionCardView(requestIn(state, { meeting: localMeeting() })))],
    [`queue card ${state}`, sessionQueueCard(sessionCardView(requestIn(state)))],
    [`queue card ${state}, every problem and not permitted`, sessionQueueCard(sessionCardView(troubledSession(state), { notice: { code: 'AUTH.NOT_PERMITTED' } }))],
    [`invitation card ${state}`, sessionInvitationCard({ request: requestIn(state), link: PORTAL_LINK, inviteText: 'Hello, join here.', now: NOW, timeZone: TIME_ZONE })],
    [`invitation card ${state}, link gone`, sessionInvitationCard({ request: requestIn(state), link: null, inviteText: null, now: NOW, timeZone: TIME_ZONE })],
  ]),
  ['session form', sessionFormCard({ chosenAgent: BEA, queues: [{ id: 'q-1', name: 'Tier 1' }], defaultQueue: { name: 'Tier 1', reason: 'only' }, values: {}, problems: [], timeZone: TIME_ZONE, defaultHours: 24 })],
  ['session form with problems', sessionFormCard({ chosenAgent: null, queues: [], defaultQueue: null, values: {}, problems: SESSION_PROBLEMS, timeZone: TIME_ZONE, defaultHours: 24 })],
  ['request list', requestListCard({ title: 'Your session requests', requests: SESSION_STATES.map((state) => requestIn(state)), now: NOW, timeZone: TIME_ZONE })],
  ['empty request list', requestListCard({ title: 'Your session requests', requests: [], now: NOW, timeZone: TIME_ZONE })],
  ...LOCKBOX_VARIANTS.flatMap((variant) =>
    VIEWERS.map((viewer): [string, unknown] => [`lockbox card ${variant} for ${viewer}`, lockboxCard(lockboxView(lockboxIn(variant), viewer))]),
  ),
  ['lockbox card with a refusal', lockboxCard(lockboxView(lockboxIn('approved'), 'approver', { notice: { code: 'REQUEST.STALE_VERSION' } }))],
  ['lockbox card, not permitted', lockboxCard(lockboxView(lockboxIn('pending'), 'readOnly', { notice: { code: 'AUTH.NOT_PERMITTED' } }))],
  ...STATES.flatMap((state) =>
    (['decision', 'reminder', 'ended'] as const).map((notice): [string, unknown] => [`lockbox ${notice} notice ${state}`, lockboxNoticeCard({ request: lockboxIn(state), notice, now: NOW, timeZone: TIME_ZONE })]),
  ),
  ['lockbox form', lockboxFormCard({ values: {}, problems: [], defaultDurationMinutes: 240, maxDurationMinutes: 480 })],
  ['lockbox form with problems', lockboxFormCard({ values: {}, problems: LOCKBOX_PROBLEMS, defaultDurationMinutes: 240, maxDurationMinutes: 480 })],
  ['lockbox list', lockboxListCard({ requests: [{ request: lockboxIn('approved'), trail: [{ at: NOW, text: `${ERIN.name} asked for access`, reason: 'ticket' }] }], now: NOW, timeZone: TIME_ZONE })],
  ['empty lockbox list', lockboxListCard({ requests: [], now: NOW, timeZone: TIME_ZONE })],
  ['lockbox settings', lockboxSettingsCard({ settings: SETTINGS, history: [{ actor: 'Sam Admin', at: HOURS_AGO, change: 'Decision deadline 12 h' }], now: NOW, timeZone: TIME_ZONE, problems: [], notice: 'Settings saved.' })],
  ['lockbox settings, approval off', lockboxSettingsCard({ settings: { ...SETTINGS, approvalRequired: false }, history: [], now: NOW, timeZone: TIME_ZONE, problems: [] })],
  [
    'lockbox settings with problems',
    lockboxSettingsCard({ settings: SETTINGS, history: [], now: NOW, timeZone: TIME_ZONE, problems: [{ field: 'decisionHours', problem: 'range' }, { field: 'form', problem: 'malformed' }] }),
  ],
  ...[true, false].map((approvalRequired): [string, unknown] => [
    `approval ${approvalRequired ? 'on' : 'off'} notice`,
    approvalSettingNoticeCard({ approvalRequired, changedBy: 'Sam Admin', changedAt: NOW, now: NOW, timeZone: TIME_ZONE }),
  ]),
  ['help', helpCard({ commands: [{ title: 'help', description: 'What Doorman can do for you' }], roles: ['agent', 'admin'], greeting: true })],
  ['text card', textCard({ title: 'Queue registered', text: 'This channel is now the queue **Tier 1**.', id: 'queueRegistered' })],
  ...ASSIST_VARIANTS.flatMap((request): [string, unknown][] => [
    [`assist queue card ${request.state}`, assistQueueCard(assistView(request, { notice: { code: 'REQUEST.STALE_VERSION' } }))],
    [`assist requester card ${request.state}`, assistPersonCard(assistView(request, { notice: { code: 'AUTH.NOT_PERMITTED' } }), 'requester')],
    [`assist helper card ${request.state}`, assistPersonCard(assistView(request), 'helper')],
    [`assist notice ${request.state}`, assistNoticeCard({ request, about: 'expire' })],
  ]),
  ...INVITATION_VARIANTS.flatMap((request): [string, unknown][] => [
    [`invitation invitee card ${request.state}`, inviteeCard(invitationView(request, { notice: { code: 'REQUEST.EXPIRED' } }))],
    [`invitation inviter card ${request.state}`, inviterCard(invitationView(request))],
    [`invitation notice ${request.state}`, invitationNoticeCard(request, 'reject')],
  ]),
  ['assist form with problems', assistFormCard({ devices: null, source: null, values: {}, problems: [{ field: 'problem', problem: 'required' }, { field: 'form', problem: 'noAssistanceQueue' }] })],
];

describe('text contrast on every card (WCAG AA 4.5:1 in the Teams light and dark themes)', () => {
  it('catches the colours Teams draws too faintly: red on dark, yellow and green on white', () => {
    const line = (color: string, isSubtle = false) => unreadable({ type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'x', color, isSubtle }] });
    expect(line('attention')).toEqual(['dark: attention on default 3.24 "x"']);
    expect(line('warning')).toEqual(['light: warning on default 1.47 "x"']);
    expect(line('Good')).toEqual(['light: good on default 2.07 "x"']);
    expect(line('accent', true).length).toBeGreaterThan(0);
    expect(unreadable({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'x', color: 'attention' }] })).toHaveLength(1);
    // Accent text on an accent box is too faint in both themes (the dark theme keeps the box light).
    expect(unreadable({ type: 'Container', style: 'accent', items: [{ type: 'TextBlock', text: 'x', color: 'accent' }] })).toEqual(['light: accent on accent 3.91 "x"', 'dark: accent on accent 1.66 "x"']);
    expect(line('default')).toEqual([]);
    expect(line('accent')).toEqual([]);
    expect(line('default', true)).toEqual([]);
  });

  it.each(EVERY_CARD)('%s: every text reaches 4.5:1 in both themes', (_name, card) => {
    expect(textsOn(card).length).toBeGreaterThan(0);
    expect(unreadable(card)).toEqual([]);
  });

  it('the walk reaches problem lines, refusals and form errors, each marked with a symbol besides colour', () => {
    const problemIds = new Set<string>();
    for (const [, card] of EVERY_CARD) {
      for (const node of allNodes(card)) {
        if (typeof node.id !== 'string' || !node.id.endsWith('Alert')) continue;
        const words = node.id.slice(0, -'Alert'.length);
        problemIds.add(words.replace(/^(?!notice$|formError$|mailProblem$|meetingProblem$|assigneeNotTold$).*Error$/, 'fieldError'));
        expect(node.style).toBe('attention');
        expect(allNodes(node).find((text) => text.type === 'TextBlock')?.text).toBe(PROBLEM_SYMBOL);
        expect(allNodes(node).some((text) => text.type === 'TextBlock' && text.id === words)).toBe(true);
      }
    }
    expect([...problemIds].sort()).toEqual(['assigneeNotTold', 'fieldError', 'formError', 'mailProblem', 'meetingProblem', 'notice']);
  });
});
