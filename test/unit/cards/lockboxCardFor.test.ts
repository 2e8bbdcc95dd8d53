import { lockboxCardFor } from '../../../src/adapters/teams/lockbox/lockboxCardFor';
import { RequestCardView } from '../../../src/application/ports';
import { LockboxRequest } from '../../../src/domain/lockbox';
import { Actor, Role } from '../../../src/domain/people';
import { ADA, decisionBy, LEO, lockboxIn, NOW } from '../../support/lockboxCardFixtures';
import { actionIds, validateCard } from '../../support/validateCard';

const person = (who: typeof LEO, roles: Role[]): Actor => ({ type: 'person', person: who, roles });

function ownView(request: LockboxRequest, viewer: Actor): ReturnType<typeof lockboxCardFor> {
  const cardView = { request, deciderIds: [ADA.aadObjectId, LEO.aadObjectId] } as unknown as RequestCardView & { request: LockboxRequest };
  return lockboxCardFor(cardView, 'queue', null, NOW, 'UTC', viewer);
}

describe('lockboxCardFor: the per-user view (refresh, Show my options)', () => {
  const reviewed = (variant: 'pending' | 'approved') => {
    const request = lockboxIn(variant);
    return { ...request, decisions: [decisionBy(LEO, 'passReview', 'looks right', 40), ...request.decisions] };
  };

  it('leaves Approve out for the lead who passed the review, and keeps Deny', () => {
    const card = ownView(reviewed('pending'), person(LEO, ['admin', 'approver']));
    validateCard(card);
    expect(actionIds(card)).toEqual(['deny']);
  });

  it('keeps Approve for another approver of the same reviewed request', () => {
    expect(actionIds(ownView(reviewed('pending'), person(ADA, ['approver'])))).toEqual(['approve', 'deny']);
  });

  it('still lets the lead who passed the review revoke running access', () => {
    expect(actionIds(ownView(reviewed('approved'), person(LEO, ['admin', 'approver'])))).toEqual(['revoke']);
  });
});
