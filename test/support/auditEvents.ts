import { AuditEvent, auditEvent } from '../../src/domain/audit';

/** The audit event of a person's transition of `request` into its current state; `overrides` replace any field. */
export function anAuditEvent(
  request: { id: string; kind: string; state: string; version: number; updatedAt: Date },
  action: string,
  fromState: string | null,
  overrides: Partial<AuditEvent> = {},
): AuditEvent {
  const actor = { type: 'person' as const, person: { aadObjectId: 'agent-anna', name: 'Anna Agent' }, roles: [] };
  return { ...auditEvent(request, action, fromState, request.state, { actor, now: request.updatedAt, source: 'card' }), ...overrides };
}
