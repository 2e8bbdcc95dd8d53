import { approvalSettingNoticeCard } from '../../../src/adapters/teams/lockbox/approvalSettingNoticeCard';
import { STATUS_TONES, StatusTone } from '../../../src/adapters/teams/cards/cardElements';
import { lockboxSettingsCard } from '../../../src/adapters/teams/lockbox/lockboxSettingsCard';
import { sessionAgentCard } from '../../../src/adapters/teams/session/sessionAgentCard';
import { sessionInvitationCard } from '../../../src/adapters/teams/session/sessionInvitationCard';
import { sessionQueueCard } from '../../../src/adapters/teams/session/sessionQueueCard';
import { SESSION_STATES } from '../../../src/domain/session';
import { AA_NORMAL_TEXT, contrastRatio } from '../../support/contrast';
import { NOW, TIME_ZONE, requestIn, sessionCardView } from '../../support/cardFixtures';
import { LockboxVariant, renderLockbox } from '../../support/lockboxCardFixtures';
import { CardNode } from '../../support/validateCard';
import { inviteeCard, inviterCard } from '../../../src/adapters/teams/invitation/invitationCards';
import { INVITATION_VARIANTS, invitationView } from '../../support/invitationCardFixtures';
import { ContainerStyle, TEAMS, TextColour } from '../../support/teamsHostColours';

type Style = ContainerStyle;
type TextColor = TextColour;

/** Every TextBlock with the container style it sits on (the nearest styled Container or Column). */
function textBlocksWithStyle(card: unknown): { block: CardNode; style: Style; inBadge: boolean }[] {
  const found: { block: CardNode; style: Style; inBadge: boolean }[] = [];
  const visit = (item: unknown, style: Style, inBadge: boolean): void => {
    if (Array.isArray(item)) return item.forEach((entry) => visit(entry, style, inBadge));
    if (item === null || typeof item !== 'object') return;
    const node = item as CardNode;
    const here = (typeof node.style === 'string' && node.type !== 'TextBlock' && node.style !== 'heading' ? node.style : style) as Style;
    const badge = inBadge || (typeof node.id === 'string' && node.id.endsWith('Badge'));
    if (node.type === 'TextBlock') found.push({ block: node, style: here, inBadge: badge });
    Object.values(node).forEach((value) => visit(value, here, badge));
  };
  visit(card, 'default', false);
  return found;
}

const LOCKBOX_VARIANTS: LockboxVariant[] = ['review', 'pending', 'granting', 'approved', 'ending', 'denied', 'expired', 'cancelled', 'ended'];
const SETTINGS = { approvalRequired: false, leadReview: false, defaultDurationMinutes: 240, maxDurationMinutes: 1440, decisionHours: 12, escalationHours: 0, assistUnansweredHours: 4, assistAllowMinutes: 15, retentionDays: 90, scopes: [], backupApproverIds: [], updatedBy: null, updatedAt: null };

/** Every card that shows a status, in every state. */
const CARDS_WITH_STATUS: [string, unknown][] = [
  ...SESSION_STATES.flatMap((state): [string, unknown][] => [
    [`agent card ${state}`, sessionAgentCard(sessionCardView(requestIn(state)))],
    [`queue card ${state}`, sessionQueueCard(sessionCardView(requestIn(state)))],
    [`invitation card ${state}`, sessionInvitationCard({ request: requestIn(state), link: null, inviteText: null, now: NOW, timeZone: TIME_ZONE })],
  ]),
  ...LOCKBOX_VARIANTS.map((variant): [string, unknown] => [`lockbox card ${variant}`, renderLockbox(variant, 'readOnly')]),
  ...INVITATION_VARIANTS.flatMap((request): [string, unknown][] => [
    [`invitation invitee card ${request.state}`, inviteeCard(invitationView(request))],
    [`invitation inviter card ${request.state}`, inviterCard(invitationView(request))],
  ]),
  ['settings card, approval off', lockboxSettingsCard({ settings: SETTINGS, history: [], now: NOW, timeZone: TIME_ZONE, problems: [] })],
  ['approval-off notice', approvalSettingNoticeCard({ approvalRequired: false, changedBy: 'Sam Admin', changedAt: NOW, now: NOW, timeZone: TIME_ZONE })],
];

describe('status contrast on cards (WCAG AA 4.5:1 in the Teams light and dark themes)', () => {
  it('reproduces the published failures that made statuses hard to read', () => {
    // The reason for the rule (see STATUS_TONES): yellow text on white is 1.47:1, green 2.07:1, red on dark 3.24:1.
    expect(contrastRatio(TEAMS.light.default.text.warning, TEAMS.light.default.background)).toBeLessThan(1.5);
    expect(contrastRatio(TEAMS.light.default.text.good, TEAMS.light.default.background)).toBeLessThan(AA_NORMAL_TEXT);
    expect(contrastRatio(TEAMS.dark.default.text.attention, TEAMS.dark.default.background)).toBeLessThan(AA_NORMAL_TEXT);
  });

  it.each(Object.keys(STATUS_TONES) as StatusTone[])('the %s tone is readable in both themes', (tone) => {
    for (const theme of ['light', 'dark'] as const) {
      const style = TEAMS[theme][STATUS_TONES[tone].style];
      expect(contrastRatio(style.text.default, style.background)).toBeGreaterThanOrEqual(AA_NORMAL_TEXT);
    }
  });

  it.each(CARDS_WITH_STATUS)('%s: every status text reaches 4.5:1 in both themes, with a symbol besides colour', (_name, card) => {
    const blocks = textBlocksWithStyle(card);
    const statuses = blocks.filter((entry) => entry.inBadge);
    expect(statuses.length).toBeGreaterThan(0);
    for (const { block, style } of statuses) {
      for (const theme of ['light', 'dark'] as const) {
        const color = (block.color as TextColor | undefined) ?? 'default';
        const ratio = contrastRatio(TEAMS[theme][style].text[color], TEAMS[theme][style].background);
        // Names the text and theme when it fails.
        expect([block.text, theme, ratio >= AA_NORMAL_TEXT]).toEqual([block.text, theme, true]);
      }
    }
    const symbols = Object.values(STATUS_TONES).map((tone) => tone.symbol);
    expect(statuses.some(({ block }) => symbols.includes(String(block.text)))).toBe(true);
  });

  const settingsOn = lockboxSettingsCard({ settings: { ...SETTINGS, approvalRequired: true }, history: [], now: NOW, timeZone: TIME_ZONE, problems: [] });
  it.each([...CARDS_WITH_STATUS, ['settings card, approval on', settingsOn]])('%s: no text uses warning or good colour, which fail on white', (_name, card) => {
    for (const { block } of textBlocksWithStyle(card)) expect(['warning', 'good']).not.toContain(block.color);
  });
});
