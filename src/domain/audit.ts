import { Actor, Source, actorId } from './people';

/** One append-only audit event: who moved which request from what to what, when, from where and why. */
export interface AuditEvent {
  requestId: string;
  kind: string;
  action: string;
  fromState: string | null;
  toState: string;
  actorId: string;
  actorType: Actor['type'];
  source: Source;
  reason: string | null;
  at: Date;
  version: number;
}

/** Context every decision is taken in: who, when, from where, and optionally why. */
export interface DecisionContext {
  actor: Actor;
  now: Date;
  source: Source;
  reason?: string | null;
}

/** Builds the audit event for a transition. */
export function auditEvent(
  request: { id: string; kind: string; version: number },
  action: string,
  fromState: string | null,
  toState: string,
  context: DecisionContext,
): AuditEvent {
  return {
    requestId: request.id,
    kind: request.kind,
    action,
    fromState,
    toState,
    actorId: actorId(context.actor),
    actorType: context.actor.type,
    source: context.source,
    reason: context.reason ?? null,
    at: context.now,
    version: request.version,
  };
}

/**
 * One append-only administrative event: a change that belongs to no request (a channel registered, a personal chat
 * recorded). Ids only, never a person's name or e-mail (DESIGN.md §1); a channel's name is the one an admin gave it.
 */
export type AdminEvent = {
  actorId: string;
  actorType: Actor['type'];
  source: Source;
  at: Date;
} & (
  | { action: 'channel.registered'; subjectId: string; detail: { purpose: string; name: string } }
  | { action: 'chat.recorded'; subjectId: string; detail: null }
);
