import { AuditEvent } from '../../src/domain/audit';

/** The audit event of a person's transition of `request` into its current state; `overrides` replace any field. */
export function anAuditEvent(
  request: { id: string; kind: string; state: string; version: number; updatedAt: Date },
  action: string,
  fromState: string | null,
  overrides: Partial<AuditEvent> = {},
): AuditEvent {
  return {
    requestId: request.id,
    kind: request.kind,
    action,
    fromState,
    toState: request.state,
    actorId: 'agent-anna',
    actorType: 'person',
    source: 'card',
    reason: null,
    at: request.updatedAt,
    version: request.version,
    ...overrides,
  };
}
