import { ErasureView } from '../../../src/application/oversight/erasure';
import { erasureCard } from '../../../src/adapters/teams/erasure/erasureCard';
import { cardProblems, findById } from '../../support/validateCard';

const pending: ErasureView = { erasureId: 'erasure-1', version: 1, state: 'pending', subject: 'chris_*x*@example.com', pseudonym: 'Person 3F2A9C', requestCount: 2 };

describe('erasure card', () => {
  it('asks before erasing: what would be erased, as whom, Confirm and Cancel carrying only the pointer', () => {
    const card = erasureCard(pending);
    expect(cardProblems(card)).toEqual([]);
    expect(findById(card, 'erasureText')?.text).toContain('2 requests of **chris\\_\\*x\\*@example\\[.\\]com**');
    expect(findById(card, 'erasureText')?.text).toContain('**Person 3F2A9C**');
    for (const [id, verb] of [['confirm', 'erasure.confirm'], ['cancel', 'erasure.cancel']]) {
      expect(findById(card, id)).toMatchObject({ type: 'Action.Execute', verb, data: { requestId: 'erasure-1', version: 1 } });
    }
  });

  it('says how it ended, with no buttons and no subject', () => {
    for (const [state, text] of [
      ['done', 'Erased: 2 requests read as **Person 3F2A9C** now.'],
      ['cancelled', 'Cancelled: nothing was erased.'],
      ['confirmed', 'The erasure is under way.'],
    ] as const) {
      const card = erasureCard({ ...pending, state, subject: null, version: 2 });
      expect(cardProblems(card)).toEqual([]);
      expect(findById(card, 'erasureText')?.text).toBe(text);
      expect(card.actions).toBeUndefined();
      expect(JSON.stringify(card)).not.toContain('chris');
    }
  });
});
