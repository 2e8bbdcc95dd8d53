import { activityNotificationOf } from '../../src/application/delivery/activityNotifications';
import { invitationEffects } from '../../src/application/invitation/invitationEffects';
import { INVITATION_STATES } from '../../src/domain/invitation';
import { invitationIn } from '../support/invitationCardFixtures';

describe('the invitee’s activity-feed moment', () => {
  const pending = invitationIn('pending');
  const invitee = pending.invitee.aadObjectId;

  it('is queued with the invitation, for the invitee only', () => {
    const effects = invitationEffects({ settings: { webhookUrls: [] } as never }, null, pending, []);
    expect(effects.filter((effect) => effect.type === 'activity.notify')).toEqual([
      { type: 'activity.notify', requestId: pending.id, userId: invitee, activity: 'invitationReceived' },
    ]);
  });

  it.each(INVITATION_STATES.filter((state) => state !== 'pending'))('has passed once the invitation is %s: nothing is sent', (state) => {
    expect(activityNotificationOf(invitationIn(state), 'invitationReceived', invitee)).toBeNull();
  });

  it('is never sent to anyone but the invitee, nor as another kind of moment', () => {
    expect(activityNotificationOf(pending, 'invitationReceived', pending.inviter.aadObjectId)).toBeNull();
    expect(activityNotificationOf(pending, 'customerWaiting', invitee)).toBeNull();
    expect(activityNotificationOf(pending, 'invitationReceived', invitee)).toMatchObject({ activity: 'invitationReceived', templateParameters: { inviter: pending.inviter.name } });
  });
});
