import { lockboxListCard } from '../../../src/adapters/teams/lockbox/lockboxListCard';
import { TrailLine } from '../../../src/application/people/auditTrail';
import { lockboxIn, NOW, TIME_ZONE } from '../../support/lockboxCardFixtures';
import { findById, getById, validateCard } from '../../support/validateCard';

function line(text: string, reason: string | null): TrailLine {
  return { at: NOW, text, reason };
}

describe('lockboxListCard', () => {
  it('lists each request with its trail lines as given, names and reasons escaped, as a valid card', () => {
    const request = lockboxIn('approved');
    const trail = [line('Dana Engineer asked for access', null), line('Carl *Approver* approved', '**ok** [x](y)')];
    const card = lockboxListCard({ requests: [{ request, trail }], now: NOW, timeZone: TIME_ZONE });
    validateCard(card);
    expect(String(getById(card, `trail-${request.id}`).text).split('\n\n')).toEqual([
      'Mon 4 Mar, 11:00 · Dana Engineer asked for access',
      'Mon 4 Mar, 11:00 · Carl \\*Approver\\* approved — “\\*\\*ok\\*\\* \\[x\\]\\(y\\)”',
    ]);
  });

  it('says so when there is nothing', () => {
    expect(findById(lockboxListCard({ requests: [], now: NOW, timeZone: TIME_ZONE }), 'lockboxEmpty')).toBeTruthy();
  });
});
