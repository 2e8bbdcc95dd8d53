import { MAX_ROWS_PER_SECTION, requestListCard } from '../../../src/adapters/teams/session/requestListCard';
import { SessionRequest } from '../../../src/domain/session';
import { HOSTILE_NAME, NOW, TIME_ZONE, cardRequest, requestIn } from '../../support/cardFixtures';
import { CardNode, findById, getById, validateCard, visibleTexts } from '../../support/validateCard';

const list = (requests: SessionRequest[]) =>
  requestListCard({ title: 'Your session requests', requests, now: NOW, timeZone: TIME_ZONE });

/** The rows of a section as [recipient, state, when]. */
function rows(section: CardNode): string[][] {
  return (section.items as CardNode[])
    .filter((item) => item.type === 'ColumnSet')
    .map((row) => visibleTexts(row));
}

describe('requestListCard', () => {
  it('says so when there are no requests', () => {
    const card = list([]);
    validateCard(card);
    expect(getById(card, 'title').text).toBe('Your session requests');
    expect(getById(card, 'empty').text).toBe('No requests yet.');
    expect(findById(card, 'upcoming')).toBeUndefined();
  });

  it('splits upcoming (scheduled, open, waiting, ready) from past, soonest and newest first', () => {
    const hour = 3600_000;
    const scheduled = cardRequest({
      recipient: { name: 'Sam Scheduled', email: null },
      scheduledFor: new Date(NOW.getTime() + 20 * hour),
      expiresAt: new Date(NOW.getTime() + 30 * hour),
    });
    const open = requestIn('open', { recipient: { name: 'Olga Open', email: null } });
    const waiting = requestIn('waiting', { recipient: { name: 'Walt Waiting', email: null }, expiresAt: new Date(NOW.getTime() + hour) });
    const closed = requestIn('closed', { recipient: { name: 'Cleo Closed', email: null }, closedReason: 'denied', updatedAt: new Date(NOW.getTime() - hour) });
    const expired = requestIn('expired', { recipient: { name: 'Emil Expired', email: null }, updatedAt: new Date(NOW.getTime() - 2 * hour) });
    const connected = requestIn('connected', { recipient: { name: 'Cora Connected', email: null }, updatedAt: NOW });

    const card = list([closed, scheduled, expired, open, waiting, connected]);
    validateCard(card);
    expect(rows(getById(card, 'upcoming'))).toEqual([
      ['Walt Waiting', 'Customer waiting', 'until Mon 4 Mar, 12:00'],
      ['Olga Open', 'Open', 'until Mon 4 Mar, 14:00'],
      ['Sam Scheduled', 'Scheduled', 'starts Tue 5 Mar, 07:00'],
    ]);
    expect(rows(getById(card, 'past'))).toEqual([
      ['Cora Connected', 'Connected', 'Mon 4 Mar, 10:00'],
      ['Cleo Closed', 'Closed — denied by the agent', 'Mon 4 Mar, 10:00'],
      ['Emil Expired', 'Expired', 'Mon 4 Mar, 10:00'],
    ]);
  });

  it('says "None." in an empty section', () => {
    const card = list([requestIn('closed')]);
    expect(visibleTexts(getById(card, 'upcoming'))).toEqual(['Upcoming', 'None.']);
  });

  it(`shows at most ${MAX_ROWS_PER_SECTION} rows per section and counts the rest`, () => {
    const many = [
      ...Array.from({ length: 25 }, () => requestIn('open')),
      ...Array.from({ length: 21 }, () => requestIn('closed')),
    ];
    const card = list(many);
    validateCard(card);
    expect(rows(getById(card, 'upcoming'))).toHaveLength(20);
    expect(rows(getById(card, 'past'))).toHaveLength(20);
    expect(getById(card, 'upcomingMore').text).toBe('… and 5 more.');
    expect(getById(card, 'pastMore').text).toBe('… and 1 more.');
  });

  it('escapes recipient names and the title', () => {
    const card = requestListCard({
      title: '*Mine*',
      requests: [requestIn('open', { recipient: { name: HOSTILE_NAME, email: null } })],
      now: NOW,
      timeZone: TIME_ZONE,
    });
    validateCard(card);
    expect(getById(card, 'title').text).toBe('\\*Mine\\*');
    expect(rows(getById(card, 'upcoming'))[0]?.[0]).toBe(
      '\\*\\*x\\*\\* \\[y\\]\\(hxxp\\[://\\]e\\) \\<b\\> {\\{DATE\\(2030-01-01T00:00:00Z\\)}}',
    );
  });

  it('never lists a link', () => {
    expect(JSON.stringify(list([requestIn('open'), requestIn('connected')]))).not.toContain('/j/');
  });
});
