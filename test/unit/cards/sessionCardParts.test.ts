import { sessionAgentCard } from '../../../src/adapters/teams/session/sessionAgentCard';
import { sessionQueueCard } from '../../../src/adapters/teams/session/sessionQueueCard';
import { SessionCardView } from '../../../src/adapters/teams/session/sessionCardParts';
import { AdaptiveCard } from '../../../src/adapters/teams/cards/cardTypes';
import { SESSION_STATES } from '../../../src/domain/session';
import {
  HOSTILE_NAME,
  NOW,
  PORTAL_LINK,
  TEAMS_JOIN_URL,
  requestIn,
  sessionCardView,
} from '../../support/cardFixtures';
import { findById, getById, problemNoticeOf, validateCard, visibleTexts } from '../../support/validateCard';

const CARDS: Array<[string, (view: SessionCardView) => AdaptiveCard]> = [
  ['agent', sessionAgentCard],
  ['queue', sessionQueueCard],
];

type Facts = Array<{ title: string; value: string }>;
const factsOf = (card: AdaptiveCard) => Object.fromEntries((getById(card, 'facts').facts as Facts).map((f) => [f.title, f.value]));

describe.each(CARDS)('the %s card', (_, card) => {
  it.each(SESSION_STATES)('never carries the portal link or the invitation text (%s)', (state) => {
    const json = JSON.stringify(card(sessionCardView(requestIn(state))));
    expect(json).not.toContain('/j/');
    expect(json).not.toContain(PORTAL_LINK);
    expect(json).not.toContain('inviteText');
    expect(findById(JSON.parse(json), 'link')).toBeUndefined();
  });

  it('titles the session with the recipient and shows the state as a badge', () => {
    const rendered = card(sessionCardView(requestIn('ready')));
    expect(getById(rendered, 'title').text).toBe('Support session · Chris Customer');
    expect(getById(rendered, 'state')).toMatchObject({ text: 'Ready to admit', color: 'default' });
    expect(getById(rendered, 'stateBadge').style).toBe('good');
  });

  it.each([
    ['open', 'Open'],
    ['waiting', 'Customer waiting'],
    ['ready', 'Ready to admit'],
    ['connected', 'Connected'],
    ['expired', 'Expired'],
  ] as const)('names the state %s "%s"', (state, text) => {
    expect(getById(card(sessionCardView(requestIn(state))), 'state').text).toBe(text);
  });

  it('says why a session closed', () => {
    const closed = card(sessionCardView(requestIn('closed', { closedReason: 'left' })));
    expect(getById(closed, 'state').text).toBe('Closed — the customer left');
  });

  it.each(['waiting', 'ready', 'connected'] as const)('shows the customer name and the big verification tag in %s', (state) => {
    const rendered = card(sessionCardView(requestIn(state)));
    expect(getById(rendered, 'tag')).toMatchObject({ text: '4821', size: 'extraLarge', weight: 'bolder' });
    expect(factsOf(rendered).Customer).toBe('Chris (tag 4821)');
  });

  it.each(['open', 'closed', 'expired'] as const)('shows no tag in %s', (state) => {
    const rendered = card(sessionCardView(requestIn(state)));
    expect(findById(rendered, 'tag')).toBeUndefined();
    expect(factsOf(rendered).Customer).toBeUndefined();
  });

  it('lists recipient, assignee, queue, deadline (agent time zone, relative) and creator', () => {
    expect(factsOf(card(sessionCardView(requestIn('open'))))).toEqual({
      Recipient: 'Chris Customer',
      Assignee: 'Alex Agent',
      Queue: 'Tier 1',
      Deadline: 'Mon 4 Mar, 14:00 (in 3 h)',
      'Created by': 'Alex Agent, Mon 4 Mar, 10:00',
    });
  });

  it('says unassigned, leaves out a missing queue, and shows a schedule', () => {
    const request = requestIn('open', {
      assignee: null,
      scheduledFor: new Date(NOW.getTime() + 2 * 3600_000),
    });
    const facts = factsOf(card(sessionCardView(request, { queueName: null })));
    expect(facts.Assignee).toBe('Unassigned');
    expect(facts.Queue).toBeUndefined();
    expect(facts['Scheduled for']).toBe('Mon 4 Mar, 13:00 (in 2 h)');
  });

  it('labels the comments as internal', () => {
    const rendered = card(sessionCardView(requestIn('open')));
    const comments = getById(rendered, 'comments');
    expect(visibleTexts(comments)).toEqual([
      'Internal comments (never shown to the customer)',
      'Printer drivers again; call back after 3 pm.',
    ]);
    expect(findById(card(sessionCardView(requestIn('open', { comments: '  ' }))), 'comments')).toBeUndefined();
  });

  it('puts a notice at the top after a failed action', () => {
    const rendered = card(sessionCardView(requestIn('ready'), { notice: { code: 'REQUEST.STALE_VERSION' } }));
    validateCard(rendered);
    // Was red text (color: 'attention'), 3.24:1 on Teams' dark theme: now default-colour words with ⚠ in an attention box.
    expect(rendered.body[0]).toMatchObject({ id: 'noticeAlert' });
    expect(problemNoticeOf(rendered, 'notice')).toEqual({ style: 'attention', symbol: '⚠', color: 'default', text: 'Someone else acted first — this is the current state.' });
    const forbidden = card(sessionCardView(requestIn('ready'), { notice: { code: 'AUTH.NOT_PERMITTED' } }));
    expect(getById(forbidden, 'notice').text).toBe("You don't have the agent role.");
    expect(findById(card(sessionCardView(requestIn('ready'))), 'notice')).toBeUndefined();
  });

  it('escapes a notice text given by the caller', () => {
    const rendered = card(sessionCardView(requestIn('ready'), { notice: { code: 'INTERNAL', text: '[click](http://e)' } }));
    expect(getById(rendered, 'notice').text).toBe('\\[click\\]\\(hxxp\\[://\\]e\\)');
  });

  it('escapes every name people typed, wherever it appears', () => {
    const request = requestIn('connected', {
      recipient: { name: HOSTILE_NAME, email: null },
      customerName: HOSTILE_NAME,
      assignee: { aadObjectId: 'aad-x', name: HOSTILE_NAME },
      comments: `- ${HOSTILE_NAME}\n1. second`,
    });
    const rendered = card(sessionCardView(request, { queueName: HOSTILE_NAME }));
    validateCard(rendered);
    const escaped = '\\*\\*x\\*\\* \\[y\\]\\(hxxp\\[://\\]e\\) \\<b\\> {\\{DATE\\(2030-01-01T00:00:00Z\\)}}';
    expect(getById(rendered, 'title').text).toBe(`Support session · ${escaped}`);
    const facts = factsOf(rendered);
    expect(facts.Recipient).toBe(escaped);
    expect(facts.Customer).toBe(`${escaped} (tag 4821)`);
    expect(facts.Assignee).toBe(escaped);
    expect(facts.Queue).toBe(escaped);
    expect(getById(rendered, 'commentsText').text).toBe(`\\- ${escaped}\n1\\. second`);
    for (const text of visibleTexts(rendered)) {
      expect(text).not.toContain('**x**');
      expect(text).not.toContain('{{');
      expect(text).not.toContain('<b>');
    }
  });
});

describe('the Teams join link', () => {
  it.each(SESSION_STATES)('never appears on the queue card (%s)', (state) => {
    const json = JSON.stringify(sessionQueueCard(sessionCardView(requestIn(state))));
    expect(json).not.toContain(TEAMS_JOIN_URL);
    expect(json).not.toContain('meetup-join');
    expect(json).not.toContain('joinMeeting');
  });

  it('appears on the agent card of the same connected request', () => {
    const request = requestIn('connected');
    expect(JSON.stringify(sessionAgentCard(sessionCardView(request)))).toContain(TEAMS_JOIN_URL);
    expect(JSON.stringify(sessionQueueCard(sessionCardView(request)))).not.toContain(TEAMS_JOIN_URL);
  });
});
