import { CardRenderer } from '../../../src/adapters/teams/cardRenderer';
import { DEFAULT_PERMISSION_PROFILES } from '../../../src/domain/invitation';
import { requestIn } from '../../support/cardFixtures';
import { assistIn } from '../../support/assistCardFixtures';
import { INVITATION_NOW, invitationIn } from '../../support/invitationCardFixtures';
import { visibleTexts } from '../../support/validateCard';

/**
 * The CardRenderer hands the reader's language to the parts issue 17 converted last: a connected session's
 * colleagues and Invite a colleague, the invitation's and the assistance request's cards and chat notices.
 */
describe('the CardRenderer draws invitations and assistance in the reader’s language', () => {
  const renderer = new CardRenderer({ now: () => INVITATION_NOW }, 'UTC');
  const text = (card: unknown): string => visibleTexts(card as never).join('\n');

  it('a connected session’s invitation section speaks German', () => {
    const view = {
      request: requestIn('connected', { createdBy: { aadObjectId: 'alex', name: 'Alex Agent' } }),
      queueName: 'Tier 1',
      agents: [{ aadObjectId: 'dan', name: 'Dan Agent' }],
      deciderIds: [],
      profiles: [...DEFAULT_PERMISSION_PROFILES],
      invited: [{ invitationId: 'inv-1', version: 2, inviteeId: 'cleo', name: 'Cleo Agent', profile: 'Full control', state: 'accepted' as const }],
    };
    const card = renderer.render(view, 'agent', null, null, 'UTC', 'de');
    expect(text(card)).toContain('Kolleginnen und Kollegen in dieser Sitzung');
    expect(JSON.stringify(card)).toContain('Kollegen einladen');
    expect(JSON.stringify(card)).not.toContain('Invite a colleague');
  });

  it('an invitation’s card and its notice speak Hungarian', () => {
    const request = invitationIn('pending');
    expect(text(renderer.render({ request, queueName: null, deciderIds: [], profiles: [...DEFAULT_PERMISSION_PROFILES] }, 'requester', null, null, 'UTC', 'hu'))).toContain('Válaszára vár');
    expect(text(renderer.renderNotice({ kind: 'invitationUpdate', about: 'expire' } as never, invitationIn('expired'), 'UTC', 'hu'))).toContain('Nem válaszolt');
  });

  it('an assistance request’s card and its notice speak French', () => {
    const request = assistIn('requested');
    expect(text(renderer.render({ request, queueName: 'Assistance', deciderIds: [] }, 'queue', null, null, 'UTC', 'fr'))).toContain('Aide demandée');
    expect(text(renderer.renderNotice({ kind: 'assistUpdate', about: 'decline' } as never, assistIn('closed', { closedReason: 'declined' }), 'UTC', 'fr'))).toContain('a refusé votre demande');
  });
});
