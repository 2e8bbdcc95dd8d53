import { isLanguage } from '../../domain/language';
import { QueuePurpose } from '../../domain/queues';
import { AccessGrant, ApiKey, CardActivity, ChatReach, PersonLanguage, PersonalConversation, Queue } from '../../application/ports';
import { AdminEvent, AuditEvent } from '../../domain/audit';

/** A row as either driver returns it. */
export type Row = Record<string, unknown>;

/** Reads a time column: SQLite stores epoch milliseconds, PostgreSQL's timestamptz arrives as a Date. */
export function toDate(value: unknown): Date {
  return new Date(value as number | Date);
}

/** Reads a nullable time column. */
export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
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
    // Absent, not null, for a card posted before languages were recorded: it reads exactly as it was written.
    ...(isLanguage(row.language) ? { language: row.language } : {}),
  };
}

/** Maps a `queues` row. */
export function toQueue(row: Row): Queue {
  return {
    id: row.id as string,
    name: row.name as string,
    purpose: row.purpose as QueuePurpose,
    // SQLite stores the flag as 0/1, PostgreSQL as a boolean.
    isDefault: row.is_default === true || row.is_default === 1,
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
    timeZone: (row.time_zone as string | null | undefined) ?? null,
  };
}

/** Maps an `api_keys` row (`on_behalf_of`: SQLite text, PostgreSQL jsonb). */
export function toApiKey(row: Row): ApiKey {
  const onBehalfOf: unknown = typeof row.on_behalf_of === 'string' ? JSON.parse(row.on_behalf_of) : row.on_behalf_of;
  return {
    id: row.id as string,
    name: row.name as string,
    onBehalfOf: Array.isArray(onBehalfOf) ? onBehalfOf.map(String) : [],
    hash: row.hash as string,
    createdAt: toDate(row.created_at),
    revokedAt: toDateOrNull(row.revoked_at),
  };
}

/** Maps an `access_grants` row. */
export function toAccessGrant(row: Row): AccessGrant {
  return {
    requestId: row.request_id as string,
    principalId: row.principal_id as string,
    resource: row.resource as string,
    scope: row.scope as string,
    membership: row.membership as AccessGrant['membership'],
    grantedAt: toDate(row.granted_at),
    revokedAt: toDateOrNull(row.revoked_at),
  };
}

/** Maps a `settings_events` row. */
export function toSettingsEvent(row: Row): { actorId: string; at: Date; change: string } {
  return { actorId: row.actor_id as string, at: toDate(row.at), change: row.change as string };
}

/** Maps an `admin_events` row; `detail` is TEXT in SQLite and jsonb (already parsed) in PostgreSQL. */
export function toAdminEvent(row: Row): AdminEvent {
  const detail = typeof row.detail === 'string' ? (JSON.parse(row.detail) as unknown) : (row.detail ?? null);
  return {
    action: row.action,
    subjectId: row.subject_id as string,
    actorId: row.actor_id as string,
    actorType: row.actor_type,
    source: row.source,
    at: toDate(row.at),
    detail,
  } as AdminEvent;
}

/** The columns of an `admin_events` row, in insert order (action, subject, actor, actor type, source, at, detail JSON). */
export function adminEventColumns(event: AdminEvent): [string, string, string, string, string, string | null] {
  return [event.action, event.subjectId, event.actorId, event.actorType, event.source, event.detail === null ? null : JSON.stringify(event.detail)];
}

/** Maps a `chat_reach` row (or the same columns joined into another query); null when the columns are empty. */
export function toChatReach(row: Row): ChatReach | null {
  if (row.status === null || row.status === undefined) return null;
  const code = (row.problem_code as string | null) ?? null;
  return {
    status: row.status as ChatReach['status'],
    problem: code === null ? null : { code, detail: (row.problem_detail as string | null) ?? null },
    since: toDate(row.since),
  };
}

/** Maps a `person_languages` row; a value that is no supported language reads as unknown. */
export function toPersonLanguage(row: Row): PersonLanguage {
  return { reported: isLanguage(row.reported) ? row.reported : null, chosen: isLanguage(row.chosen) ? row.chosen : null };
}
