import { LockboxRequest } from '../../src/domain/lockbox';

let sequence = 0;

/** A valid pending lockbox request with fixed times and a unique id; `overrides` replace any field. */
export function aLockboxRequest(overrides: Partial<LockboxRequest> = {}): LockboxRequest {
  sequence += 1;
  const createdAt = new Date('2030-03-04T09:00:00.000Z');
  const decideBy = new Date(createdAt.getTime() + 12 * 60 * 60 * 1000);
  return {
    kind: 'lockbox',
    id: `lockbox-${sequence}`,
    version: 1,
    state: 'pending',
    requester: { aadObjectId: 'engineer-erin', name: 'Erin Engineer' },
    requestedVia: null,
    resource: 'Contoso tenant: mailbox of the support case',
    reason: 'Reproduce the sync failure',
    ticket: 'INC-4711',
    durationMinutes: 240,
    decideBy,
    remindAt: new Date(decideBy.getTime() - 60 * 60 * 1000),
    decisions: [],
    access: { status: 'none', grantedAt: null, endsAt: null, removedAt: null },
    ending: null,
    queueId: null,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}
