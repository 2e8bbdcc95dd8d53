import { InvitationCardView } from '../../src/adapters/teams/invitation/invitationCards';
import { DEFAULT_PERMISSION_PROFILES, INVITATION_STATES, InvitationRequest, InvitationState } from '../../src/domain/invitation';

export const INVITATION_NOW = new Date('2030-03-04T09:00:30.000Z');
const created = new Date('2030-03-04T09:00:00.000Z');

/** An invitation of Bea by Alex into a connected session, in `state`. */
export function invitationIn(state: InvitationState, overrides: Partial<InvitationRequest> = {}): InvitationRequest {
  return {
    kind: 'invitation',
    id: 'inv-1',
    version: 3,
    state,
    parentId: 'session-1',
    parentKind: 'session',
    summary: 'Printer on floor 3 jams *again*',
    inviter: { aadObjectId: 'alex', name: 'Alex Agent' },
    invitee: { aadObjectId: 'bea', name: 'Bea Agent' },
    profile: DEFAULT_PERMISSION_PROFILES[1],
    answerBy: new Date(created.getTime() + 120_000),
    meeting: { provider: 'teams', meetingId: 'meeting-1', joinUrl: 'https://teams.microsoft.com/l/meetup-join/x' },
    createdAt: created,
    updatedAt: created,
    ...overrides,
  };
}

/** One invitation per state. */
export const INVITATION_VARIANTS: readonly InvitationRequest[] = INVITATION_STATES.map((state) => invitationIn(state));

/** The view an invitation card is drawn from. */
export function invitationView(request: InvitationRequest, overrides: Partial<InvitationCardView> = {}): InvitationCardView {
  return { request, now: INVITATION_NOW, timeZone: 'Europe/Zurich', notice: null, profiles: [...DEFAULT_PERMISSION_PROFILES], ...overrides };
}
