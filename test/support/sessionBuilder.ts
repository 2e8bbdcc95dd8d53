import { SessionRequest } from '../../src/domain/session';

let sequence = 0;

/** A valid open session request with fixed times and unique id and link hash; `overrides` replace any field. */
export function aSessionRequest(overrides: Partial<SessionRequest> = {}): SessionRequest {
  sequence += 1;
  const createdAt = new Date('2030-03-04T09:00:00.000Z');
  return {
    kind: 'session',
    id: `session-${sequence}`,
    version: 1,
    generation: 1,
    state: 'open',
    createdBy: { aadObjectId: 'agent-anna', name: 'Anna Agent' },
    assignee: null,
    queueId: null,
    recipient: { name: 'Chris Customer', email: 'chris@example.com' },
    customerName: null,
    comments: '',
    scheduledFor: null,
    expiresAt: new Date(createdAt.getTime() + 24 * 60 * 60 * 1000),
    language: 'en',
    sendEmail: true,
    tag: '4711',
    linkHash: `link-hash-${sequence}`,
    bindingHash: null,
    closedReason: null,
    meeting: null,
    lobbyOpenUntil: null,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}
