import { lockboxListCard } from '../../../src/adapters/teams/cards/lockboxListCard';
import { AuditEvent } from '../../../src/domain/audit';
import { lockboxIn, NOW, TIME_ZONE } from '../../support/lockboxCardFixtures';
import { findById, validateCard } from '../../support/validateCard';

function event(action: string, actorId: string, reason: string | null): AuditEvent {
  return { requestId: 'r', kind: 'lockbox', action, fromState: 'pending', toState: 'approved', actorId, actorType: 'person', source: 'card', reason, at: NOW, version: 2 };
}

describe('lockboxListCard', () => {
  it('lists each request with its audit trail, escaped, as a valid card', () => {
    const request = lockboxIn('approved');
    const card = lockboxListCard({ requests: [{ request, events: [event('create', 'dana', null), event('approve', 'carl', '**ok** [x](y)')] }], now: NOW, timeZone: TIME_ZONE });
    validateCard(card);
    const text = JSON.stringify(findById(card, `lockbox-${request.id}`));
    expect(text).toContain('approve by carl');
    expect(text).toContain('\\\\*\\\\*ok\\\\*\\\\*');
  });

  it('says so when there is nothing', () => {
    expect(findById(lockboxListCard({ requests: [], now: NOW, timeZone: TIME_ZONE }), 'lockboxEmpty')).toBeTruthy();
  });
});
