import { AssistCardView } from '../../src/adapters/teams/assist/assistCardParts';
import { ASSIST_STATES, AssistRequest, AssistState } from '../../src/domain/assist';

/** The moment every assist card fixture is drawn at. */
export const ASSIST_NOW = new Date('2030-03-04T10:00:00.000Z');

const EVE = { aadObjectId: 'eve', name: 'Eve *User*' };
const BEA = { aadObjectId: 'bea', name: 'Bea Agent' };

/** An assistance request in `state` with what that state implies: a helper, a meeting, a device action. */
export function assistIn(state: AssistState, overrides: Partial<AssistRequest> = {}): AssistRequest {
  const asked = new Date(ASSIST_NOW.getTime() - 25 * 60_000);
  const accepted = state !== 'requested' && !(state === 'expired' && overrides.helper === null);
  return {
    kind: 'assist',
    id: 'as-1',
    version: 3,
    state,
    requester: EVE,
    problem: 'Outlook <b>will not</b> start',
    urgency: 'high',
    phone: '+49 30 1234567',
    device: { id: 'dev-1', name: 'LAPTOP-4711', source: 'local' },
    queueId: 'q-assist',
    helper: accepted ? BEA : null,
    answerBy: new Date(asked.getTime() + 4 * 3600_000),
    allowMinutes: 15,
    allowBy: accepted ? new Date(ASSIST_NOW.getTime() + 10 * 60_000) : null,
    closedReason: state === 'closed' ? 'refused' : null,
    closedComment: state === 'closed' ? 'not now' : null,
    meeting: state === 'connected' ? { provider: 'local', joinUrl: 'https://doorman.example/assist/as-1/room', meetingId: null, problem: null } : null,
    deviceActions:
      state === 'connected'
        ? [{ id: '1', action: 'rebootNow', by: BEA, requestedAt: ASSIST_NOW, state: 'pending', startedAt: ASSIST_NOW, lastUpdatedAt: ASSIST_NOW, problem: null }]
        : [],
    createdAt: asked,
    updatedAt: ASSIST_NOW,
    ...overrides,
  };
}

/** The view every assist card is drawn from. */
export function assistView(request: AssistRequest, overrides: Partial<AssistCardView> = {}): AssistCardView {
  return { request, now: ASSIST_NOW, timeZone: 'Europe/Berlin', notice: null, devices: { source: 'local', actions: true }, notReached: [], ...overrides };
}

/** Every assist state, and an expiry after a helper accepted. */
export const ASSIST_VARIANTS: AssistRequest[] = [...ASSIST_STATES.map((state) => assistIn(state)), assistIn('expired', { helper: null, allowBy: null })];
