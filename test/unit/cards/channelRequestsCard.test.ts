import { channelRequestsCard } from '../../../src/adapters/teams/cards/channelRequestsCard';
import { RequestRow } from '../../../src/application/oversight/requestPages';
import { findById, validateCard, visibleTexts } from '../../support/validateCard';

const NOW = new Date('2030-03-04T09:00:00.000Z');

function aRow(fields: Partial<RequestRow>): RequestRow {
  return {
    id: 'r-1',
    kind: 'session',
    state: 'waiting',
    version: 2,
    customer: 'Chris *Customer*',
    subject: null,
    requesterName: 'Alex Agent',
    assigneeName: 'Bea Agent',
    queueName: 'Tier 1',
    deadline: '2030-03-04T10:00:00.000Z',
    window: null,
    createdAt: '2030-03-04T08:00:00.000Z',
    updatedAt: '2030-03-04T08:30:00.000Z',
    erased: false,
    ...fields,
  };
}

describe('channelRequestsCard (`requests` in a channel)', () => {
  it('lists the queue’s rows by names, escaped, with deadlines in the reader’s zone; valid for the SDK', () => {
    const card = channelRequestsCard({ queue: { id: 'q', name: 'Tier 1', purpose: 'sessions' }, requests: [aRow({}), aRow({ id: 'r-2', kind: 'lockbox', customer: null, subject: 'Contoso mailbox', assigneeName: null, deadline: null })], more: true, now: NOW, timeZone: 'Europe/Berlin' });
    validateCard(card);
    expect(findById(card, 'title')?.text).toBe('Requests in Tier 1');
    const texts = visibleTexts(card).join('\n');
    expect(texts).toContain('Chris \\*Customer\\*');
    expect(texts).toContain('Alex Agent → Bea Agent');
    expect(texts).toContain('Contoso mailbox');
    expect(texts).toContain('11:00');
    expect(findById(card, 'more')).toBeDefined();
    expect(findById(card, 'row-r-2')).toBeDefined();
  });

  it('says the channel is no queue instead of listing anyone’s own requests', () => {
    const card = channelRequestsCard({ queue: null, requests: [], more: false, now: NOW, timeZone: 'UTC' });
    validateCard(card);
    expect(findById(card, 'noQueue')).toBeDefined();
  });
});
