import { sessionInvitationCard, SessionInvitationView } from '../../../src/adapters/teams/session/sessionInvitationCard';
import { SessionRequest, SESSION_STATES } from '../../../src/domain/session';
import { escapeMarkdown } from '../../../src/adapters/teams/cards/escapeMarkdown';
import { invitationText } from '../../../src/application/i18n/invitationText';
import { HOSTILE_NAME, NOW, PORTAL_LINK, TIME_ZONE, requestIn } from '../../support/cardFixtures';
import { findById, getById, validateCard } from '../../support/validateCard';

const INVITE_TEXT = `Hello Chris,\n\nAlex Agent has invited you to a support session.\n${PORTAL_LINK}`;

function invitation(request: SessionRequest, shown: boolean): SessionInvitationView {
  return { request, link: shown ? PORTAL_LINK : null, inviteText: shown ? INVITE_TEXT : null, now: NOW, timeZone: TIME_ZONE };
}

describe('sessionInvitationCard with the link (the one render that has it)', () => {
  const card = sessionInvitationCard(invitation(requestIn('open'), true));

  it('is a valid 1.5 card', () => validateCard(card));

  it('names the recipient and shows the link', () => {
    expect(getById(card, 'title').text).toBe('Invitation for Chris Customer');
    expect(getById(card, 'link')).toMatchObject({ type: 'TextBlock', text: PORTAL_LINK, wrap: true });
  });

  it('prefills the invitation text in a multi-line input to copy from', () => {
    expect(getById(card, 'inviteText')).toMatchObject({
      type: 'Input.Text',
      isMultiline: true,
      value: INVITE_TEXT,
      label: 'Copy this text to the customer',
    });
  });

  it('shows the whole invitation, link included, as text to read before copying (not only in a 2-line box)', () => {
    const full = invitationText('en', {
      recipientName: 'Chris Customer',
      agentName: 'Alex Agent',
      link: PORTAL_LINK,
      expiresAt: new Date(NOW.getTime() + 3 * 3600_000),
      scheduledFor: null,
      timeZone: TIME_ZONE,
    }).text;
    const fullCard = sessionInvitationCard({ ...invitation(requestIn('open'), true), inviteText: full });
    validateCard(fullCard);
    const lines = (getById(fullCard, 'invitePreview').items as { text: string }[]).slice(1).map((item) => item.text);
    // Markdown-escaped as every typed text on a card is (Teams shows the escaped characters literally).
    const expected = full.split('\n').filter((line) => line.trim() !== '').map((line) => (line === PORTAL_LINK ? line : escapeMarkdown(line)));
    expect(lines).toEqual(expected);
    expect(lines).toContain(PORTAL_LINK);
    expect(lines.length).toBeGreaterThanOrEqual(9);
    expect(getById(fullCard, 'inviteText')).toMatchObject({ type: 'Input.Text', value: full });
  });

  it('escapes what people typed in the shown invitation, but not the link Doorman made', () => {
    const text = `Hello ${HOSTILE_NAME},\n\nTo join, open this link:\n${PORTAL_LINK}`;
    const hostileCard = sessionInvitationCard({ ...invitation(requestIn('open'), true), inviteText: text });
    const lines = (getById(hostileCard, 'invitePreview').items as { text: string }[]).map((item) => item.text);
    expect(lines).toContain(PORTAL_LINK);
    expect(lines.join('\n')).not.toContain(HOSTILE_NAME);
  });

  it('gives the deadline in the agent time zone and says mail went out', () => {
    expect(getById(card, 'deadline').text).toBe('Link valid until: Mon 4 Mar, 14:00 (in 3 h)');
    expect(getById(card, 'mailSent').text).toBe('Invitation mail on its way to chris@example\\[.\\]com');
    expect(getById(card, 'statusNote').text).toBe('Status updates follow in the request card below.');
  });

  it('has nothing to click: every decision happens on the request card', () => {
    expect(card.actions).toBeUndefined();
    expect(card.refresh).toBeUndefined();
  });

  it('does not claim a mail when none is sent', () => {
    const quiet = sessionInvitationCard(invitation(requestIn('open', { sendEmail: false }), true));
    expect(findById(quiet, 'mailSent')).toBeUndefined();
  });

  it('says when a scheduled session starts', () => {
    const scheduled = requestIn('open', {
      scheduledFor: new Date(NOW.getTime() + 26 * 3600_000),
      expiresAt: new Date(NOW.getTime() + 28 * 3600_000),
    });
    const scheduledCard = sessionInvitationCard(invitation(scheduled, true));
    validateCard(scheduledCard);
    expect(getById(scheduledCard, 'scheduled').text).toBe('Session starts: Tue 5 Mar, 13:00 (in 26 h)');
  });

  it('escapes the recipient name and e-mail', () => {
    const hostile = requestIn('open', { recipient: { name: HOSTILE_NAME, email: 'a_b*c@example.com' } });
    const hostileCard = sessionInvitationCard(invitation(hostile, true));
    expect(getById(hostileCard, 'title').text).toBe(
      'Invitation for \\*\\*x\\*\\* \\[y\\]\\(hxxp\\[://\\]e\\) \\<b\\> {\\{DATE\\(2030-01-01T00:00:00Z\\)}}',
    );
    expect(getById(hostileCard, 'mailSent').text).toBe('Invitation mail on its way to a\\_b\\*c@example\\[.\\]com');
  });
});

describe('sessionInvitationCard without the link (every later render)', () => {
  it.each([
    ['open', 'a reopen replaced it with a new link'],
    ['waiting', 'the customer is using it'],
    ['ready', 'the customer is using it'],
    ['connected', 'the customer is using it'],
    ['closed', 'the request is closed'],
    ['expired', 'it expired'],
  ] as const)('in %s says the link is gone because %s', (state, reason) => {
    const card = sessionInvitationCard(invitation(requestIn(state), false));
    validateCard(card);
    expect(getById(card, 'title').text).toBe('Invitation for Chris Customer');
    expect(getById(card, 'linkGone').text).toBe(`This link is no longer usable: ${reason}.`);
    expect(findById(card, 'link')).toBeUndefined();
    expect(findById(card, 'inviteText')).toBeUndefined();
    expect(JSON.stringify(card)).not.toContain('/j/');
  });

  it('covers every state', () => {
    for (const state of SESSION_STATES) {
      expect(findById(sessionInvitationCard(invitation(requestIn(state), false)), 'linkGone')).toBeDefined();
    }
  });
});
