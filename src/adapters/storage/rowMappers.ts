import { CardActivity, PersonalConversation, Queue } from '../../application/ports';
import { AuditEvent } from '../../domain/audit';

/** A row as either driver returns it. */
export type Row = Record<string, unknown>;

/** Reads a time column: SQLite stores epoch milliseconds, PostgreSQL's timestamptz arrives as a Date. */
export function toDate(value: unknown): Date {
  return new Date(value as number | Date);
}

/** Maps a `request_events` row. */
export function toAuditEvent(row: Row): AuditEvent {
  return {
    requestId: row.request_id as string,
    kind: row.kind as string,
    action: row.action as string,
    fromState: (row.from_state as string | null) ?? null,
    toState: row.to_state as string,
    actorId: row.actor_id as string,
    actorType: row.actor_type as AuditEvent['actorType'],
    source: row.source as AuditEvent['source'],
    reason: (row.reason as string | null) ?? null,
    at: toDate(row.at),
    version: Number(row.version),
  };
}

/** Maps a `card_activities` row. */
export function toCardActivity(row: Row): CardActivity {
  return {
    requestId: row.request_id as string,
    role: row.role as CardActivity['role'],
    conversationId: row.conversation_id as string,
    activityId: row.activity_id as string,
    serviceUrl: row.service_url as string,
    threadId: (row.thread_id as string | null) ?? null,
  };
}

/** Maps a `queues` row. */
export function toQueue(row: Row): Queue {
  return {
    id: row.id as string,
    name: row.name as string,
    teamId: (row.team_id as string | null) ?? null,
    channelId: row.channel_id as string,
    serviceUrl: row.service_url as string,
    tenantId: row.tenant_id as string,
    registeredBy: row.registered_by as string,
    registeredAt: toDate(row.registered_at),
  };
}

/** Maps a `personal_conversations` row. */
export function toPersonalConversation(row: Row): PersonalConversation {
  return {
    aadObjectId: row.aad_object_id as string,
    conversationId: row.conversation_id as string,
    serviceUrl: row.service_url as string,
    tenantId: row.tenant_id as string,
    botId: row.bot_id as string,
    userId: row.user_id as string,
    name: row.name as string,
  };
}
