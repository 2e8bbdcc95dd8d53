import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  AccessGrant,
  GrantMembership,
  ApiKey,
  CardActivity,
  Change,
  ChatReach,
  Deadline,
  LockboxSettings,
  FailedDelivery,
  OutboxHealth,
  OutboxItem,
  OutboxMessage,
  PersonalConversation,
  PersonLanguage,
  Queue,
  UnreachablePerson,
  RequestFilter,
  Store,
  StoredRequest,
  Erasure,
  ErasureRequest,
  PersonKey,
} from '../../application/ports';
import { AdminEvent, AuditEvent } from '../../domain/audit';
import { Language, isLanguage } from '../../domain/language';
import { DoormanError, Problem } from '../../domain/errors';
import { SessionRequest } from '../../domain/session';
import { StateMove } from '../../domain/stateMoves';
import {
  DEFAULT_LOCKBOX_SETTINGS,
  LOCKBOX_SETTINGS_KEY,
  decodeLockboxSettings,
  encodeLockboxSettings,
} from './lockboxSettingsCodec';
import { migrations } from './migrations';
import { movesAndPlainUpdates } from './plainUpdates';
import { ERASED_TEXT, SCRUBBED_OUTBOX_TYPES_SQL, decodeRequest, encodeRequest, searchPatterns } from './requestCodec';
import { auditCursorAfter, encodeSubject, parseAuditCursor, toErasureRequest } from './erasureRows';
import {
  Row,
  adminEventColumns,
  toAccessGrant,
  toAdminEvent,
  toApiKey,
  toAuditEvent,
  toCardActivity,
  toChatReach,
  toDate,
  toPersonLanguage,
  toPersonalConversation,
  toQueue,
  toSettingsEvent,
} from './rowMappers';

/** The page cache of a connection, in KiB. */
const PAGE_CACHE_KIB = 65_536;

/** How long a connection waits for another connection's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Bookkeeping times the port does not pass in (completed, erased, migrated) come from the database clock.
 * Times that decide behaviour (due, claimed, next attempt) always come from the caller's clock.
 */
const DB_NOW_MS = `CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)`;

const SCRUBBED_PAYLOAD = `json_object('type', type, 'requestId', request_id, 'scrubbed', json('true'))`;

/** Opens (and migrates) the SQLite store: the embedded default, one file in WAL mode. */
export function openSqliteRequestStore(filePath: string): SqliteRequestStore {
  if (filePath !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
  const db = new Database(filePath);
  try {
    // busy_timeout first: setting WAL and migrating may meet another instance opening the same file.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    switchToWal(db);
    db.pragma('synchronous = NORMAL');
    // SQLite's default page cache is 2 MB: once a deployment has weeks of rows, every commit and read went to the
    // OS for index pages (a card action twice as slow on an aged store, by profile). 64 MB, used only as pages are.
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    db.pragma('foreign_keys = ON');
    migrateSqlite(db);
    return new SqliteRequestStore(db);
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Switching a new file to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at once (without the busy
 * handler) when another process opens the same file at that moment; so it is retried for up to BUSY_TIMEOUT_MS.
 */
function switchToWal(db: Database.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** Applies the migrations not yet applied, in one write transaction so that two instances never race. */
function migrateSqlite(db: Database.Database): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
    const applied = new Set(
      (db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((row) => row.id),
    );
    for (const migration of migrations) {
      if (applied.has(migration.id)) continue;
      db.exec(migration.sqlite);
      db.prepare(`INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ${DB_NOW_MS})`).run(
        migration.id,
        migration.name,
      );
    }
  }).immediate();
}

/** Store on SQLite (better-sqlite3). Calls are synchronous underneath; the port's promises wrap them. */
export class SqliteRequestStore implements Store {
  private readonly statements;
  private readonly commitTransaction: (change: Change) => void;
  private readonly commitAllTransaction: (changes: readonly Change[]) => (Error | null)[];
  /** List queries by their SQL text: each shape is prepared once. */
  private readonly listStatements = new Map<string, Database.Statement>();
  private readonly saveCardTransaction: (card: CardActivity) => void;
  private readonly eraseTransaction: (requestId: string, erasure: Erasure) => boolean;
  private readonly settingsTransaction: (
    settings: LockboxSettings,
    audit: { actorId: string; at: Date; change: string },
    outbox: OutboxMessage[],
  ) => void;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      insertRequest: db.prepare(`INSERT INTO requests
        (id, kind, state, version, generation, link_hash, created_by, assignee, queue_id, created_at, updated_at, data)
        VALUES (@id, @kind, @state, @version, @generation, @linkHash, @createdBy, @assignee, @queueId,
          @createdAt, @updatedAt, @data)
        ON CONFLICT (id) DO NOTHING`),
      // kind, created_by and created_at never change after the insert: leaving them out of SET spares SQLite the
      // upkeep of the indexes on them in every commit (SQLite rewrites an index entry when a SET column is in it).
      updateRequest: db.prepare(`UPDATE requests SET state = @state, version = @version,
          generation = @generation, link_hash = @linkHash, assignee = @assignee,
          queue_id = @queueId, updated_at = @updatedAt, data = @data
        WHERE id = @id AND version = @expectedVersion`),
      // Once erased, personal data stays erased: a change decided on a copy read before the erasure cannot restore it.
      upsertPersonal: db.prepare(`INSERT INTO personal_data (request_id, data, search_text) VALUES (?, ?, ?)
        ON CONFLICT (request_id) DO UPDATE SET data = excluded.data, search_text = excluded.search_text
        WHERE personal_data.erased_at IS NULL`),
      insertEvent: db.prepare(`INSERT INTO request_events
        (request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      deleteDeadlines: db.prepare('DELETE FROM deadlines WHERE request_id = ?'),
      // The same writes for many plain updates at once (writeChangesTogether): rows come as one JSON array.
      updateRequests: db.prepare(`UPDATE requests SET state = j.state, version = j.version, generation = j.generation,
          link_hash = j.link_hash, assignee = j.assignee, queue_id = j.queue_id, updated_at = j.updated_at, data = j.data
        FROM (SELECT value->>'id' AS id, value->>'expected' AS expected, value->>'state' AS state,
            value->>'version' AS version, value->>'generation' AS generation, value->>'linkHash' AS link_hash,
            value->>'assignee' AS assignee, value->>'queueId' AS queue_id, value->>'updatedAt' AS updated_at,
            value->>'data' AS data
          FROM json_each(?)) AS j
        WHERE requests.id = j.id AND requests.version = j.expected
        RETURNING requests.id AS id`),
      // A state move (Change.move) for many requests: only the state, version and time change, in the columns and in
      // `data`; the rest of the row and its personal data stay as they are. Compare-and-set on each row's version, and
      // on the states the domain's transition table allows the move in. The unary + keeps the planner on the id: with the
      // index on (kind, state) it scanned every row in those states once per moved row.
      moveRequests: db.prepare(`UPDATE requests SET state = @toState, version = j.version, updated_at = j.updated_at,
          data = json_set(data, '$.state', @toState, '$.version', j.version, '$.updatedAt', j.updated_iso)
        FROM (SELECT value->>0 AS id, value->>1 AS expected, value->>2 AS version, value->>3 AS updated_at,
            value->>4 AS updated_iso
          FROM json_each(@rows)) AS j
        WHERE requests.id = j.id AND requests.version = j.expected AND +requests.kind = @kind
          AND +requests.state IN (SELECT value FROM json_each(@fromStates))
        RETURNING requests.id AS id`),
      upsertPersonals: db.prepare(`INSERT INTO personal_data (request_id, data, search_text)
        SELECT value->>0, value->>1, value->>2 FROM json_each(?) WHERE true
        ON CONFLICT (request_id) DO UPDATE SET data = excluded.data, search_text = excluded.search_text
        WHERE personal_data.erased_at IS NULL`),
      insertEvents: db.prepare(`INSERT INTO request_events
        (request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version)
        SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8,
          value->>9, value->>10
        FROM json_each(?) ORDER BY key`),
      deleteDeadlinesOf: db.prepare('DELETE FROM deadlines WHERE request_id IN (SELECT value FROM json_each(?))'),
      insertDeadlines: db.prepare(`INSERT INTO deadlines (request_id, kind, due_at)
        SELECT value->>0, value->>1, value->>2 FROM json_each(?) ORDER BY key`),
      insertOutboxes: db.prepare(`INSERT INTO outbox (request_id, type, payload, status, next_attempt_at, created_at)
        SELECT value->>0, value->>1, value->>2, 'pending', value->>3, value->>3 FROM json_each(?) ORDER BY key`),
      insertDeadline: db.prepare('INSERT INTO deadlines (request_id, kind, due_at) VALUES (?, ?, ?)'),
      insertOutbox: db.prepare(`INSERT INTO outbox (request_id, type, payload, status, next_attempt_at, created_at)
        VALUES (?, ?, ?, 'pending', ?, ?)`),
      deleteOtherRolesOfCard: db.prepare(`DELETE FROM card_activities
        WHERE request_id = @requestId AND conversation_id = @conversationId AND activity_id = @activityId AND role <> @role`),
      insertReplacedLink: db.prepare(`INSERT INTO replaced_links (link_hash, request_id) VALUES (?, ?)
        ON CONFLICT (link_hash) DO NOTHING`),
      selectReplacedLink: db.prepare('SELECT request_id FROM replaced_links WHERE link_hash = ?'),
      upsertCard: db.prepare(`INSERT INTO card_activities
        (request_id, role, conversation_id, activity_id, service_url, thread_id, language)
        VALUES (@requestId, @role, @conversationId, @activityId, @serviceUrl, @threadId, @language)
        ON CONFLICT (request_id, role, conversation_id) DO UPDATE SET activity_id = excluded.activity_id,
          service_url = excluded.service_url, thread_id = excluded.thread_id, language = excluded.language`),
      selectPersonLanguage: db.prepare('SELECT reported, chosen FROM person_languages WHERE aad_object_id = ?'),
      upsertReportedLanguage: db.prepare(`INSERT INTO person_languages (aad_object_id, reported, chosen, updated_at) VALUES (?, ?, NULL, ?)
        ON CONFLICT (aad_object_id) DO UPDATE SET reported = excluded.reported, updated_at = excluded.updated_at`),
      upsertChosenLanguage: db.prepare(`INSERT INTO person_languages (aad_object_id, reported, chosen, updated_at) VALUES (?, NULL, ?, ?)
        ON CONFLICT (aad_object_id) DO UPDATE SET chosen = excluded.chosen, updated_at = excluded.updated_at`),
      selectQueueLanguage: db.prepare('SELECT language FROM queue_languages WHERE queue_id = ?'),
      upsertQueueLanguage: db.prepare(`INSERT INTO queue_languages (queue_id, language, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (queue_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`),
      deleteQueueLanguage: db.prepare('DELETE FROM queue_languages WHERE queue_id = ?'),
      selectRequest: db.prepare(`SELECT r.data, p.data AS personal, p.pseudonym FROM requests r
        LEFT JOIN personal_data p ON p.request_id = r.id WHERE r.id = ?`),
      selectRequests: db.prepare(`SELECT r.data, p.data AS personal, p.pseudonym FROM requests r
        LEFT JOIN personal_data p ON p.request_id = r.id WHERE r.id IN (SELECT value FROM json_each(?))`),
      selectByLinkHash: db.prepare(`SELECT r.data, p.data AS personal, p.pseudonym FROM requests r
        LEFT JOIN personal_data p ON p.request_id = r.id WHERE r.link_hash = ? AND r.kind = 'session'`),
      selectEvents: db.prepare('SELECT * FROM request_events WHERE request_id = ? ORDER BY id'),
      selectCards: db.prepare('SELECT * FROM card_activities WHERE request_id = ? ORDER BY id'),
      claimOutbox: db.prepare(`UPDATE outbox SET claimed_until = @claimedUntil, attempts = attempts + 1
        WHERE id IN (SELECT id FROM outbox INDEXED BY outbox_due
          WHERE status = 'pending' AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
            AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
          ORDER BY id LIMIT @limit)
        RETURNING id, payload, attempts, created_at`),
      completeOutbox: db.prepare(`UPDATE outbox SET status = 'done', claimed_until = NULL, completed_at = ${DB_NOW_MS},
          payload = CASE WHEN type IN (${SCRUBBED_OUTBOX_TYPES_SQL}) THEN ${SCRUBBED_PAYLOAD} ELSE payload END
        WHERE id = ?`),
      retryOutbox: db.prepare(`UPDATE outbox SET next_attempt_at = ?, claimed_until = NULL, last_error = ?
        WHERE id = ? AND status = 'pending'`),
      deferOutbox: db.prepare(`UPDATE outbox SET next_attempt_at = ?, claimed_until = NULL, attempts = max(attempts - 1, 0)
        WHERE id = ? AND status = 'pending'`),
      failedOutbox: db.prepare(`SELECT id, type, request_id, attempts, last_error, completed_at FROM outbox
        WHERE status = 'failed' ORDER BY completed_at DESC, id DESC LIMIT ?`),
      failOutbox: db.prepare(`UPDATE outbox SET status = 'failed', claimed_until = NULL, last_error = ?,
          completed_at = ${DB_NOW_MS},
          payload = CASE WHEN type IN (${SCRUBBED_OUTBOX_TYPES_SQL}) THEN ${SCRUBBED_PAYLOAD} ELSE payload END
        WHERE id = ?`),
      pendingOutboxCount: db.prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`),
      oldestPendingOutbox: db.prepare(`SELECT min(created_at) AS oldest FROM outbox WHERE status = 'pending'`),
      failedOutboxByType: db.prepare(`SELECT type, count(*) AS n FROM outbox WHERE status = 'failed' GROUP BY type`),
      claimDeadlines: db.prepare(`UPDATE deadlines SET claimed_until = @claimedUntil
        WHERE rowid IN (SELECT rowid FROM deadlines INDEXED BY deadlines_due
          WHERE due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
          ORDER BY due_at, request_id, kind LIMIT @limit)
        RETURNING request_id, kind, due_at`),
      deleteDeadline: db.prepare('DELETE FROM deadlines WHERE request_id = ? AND kind = ? AND due_at = ?'),
      pruneOutbox: db.prepare(`DELETE FROM outbox WHERE id IN (SELECT id FROM outbox INDEXED BY outbox_done
        WHERE status = 'done' AND completed_at < ? LIMIT ?)`),
      changedSince: db.prepare('SELECT id, updated_at FROM requests WHERE updated_at > ? ORDER BY updated_at, id LIMIT ?'),
      changedAfter: db.prepare('SELECT id, updated_at FROM requests WHERE (updated_at, id) > (?, ?) ORDER BY updated_at, id LIMIT ?'),
      requestExists: db.prepare('SELECT 1 FROM requests WHERE id = ?'),
      pruneDeadlines: db.prepare(`DELETE FROM deadlines WHERE rowid IN (SELECT rowid FROM deadlines INDEXED BY deadlines_due
        WHERE due_at < ? LIMIT ?) RETURNING request_id, kind, due_at`),
      addRateCounter: db.prepare(`INSERT INTO rate_counters (key, bucket_start, count, keep_until) VALUES (?, ?, ?, ?)
        ON CONFLICT (key, bucket_start) DO UPDATE SET count = rate_counters.count + excluded.count,
          keep_until = max(rate_counters.keep_until, excluded.keep_until)
        RETURNING count`),
      sumRateCounters: db.prepare('SELECT coalesce(sum(count), 0) AS n FROM rate_counters WHERE key = ? AND bucket_start BETWEEN ? AND ?'),
      pruneRateCounters: db.prepare(`DELETE FROM rate_counters WHERE rowid IN (SELECT rowid FROM rate_counters
        WHERE keep_until < ? LIMIT ?)`),
      erasePersonal: db.prepare(`INSERT INTO personal_data (request_id, data, erased_at, pseudonym) VALUES (?, NULL, ${DB_NOW_MS}, ?)
        ON CONFLICT (request_id) DO UPDATE SET data = NULL, search_text = NULL,
          erased_at = coalesce(personal_data.erased_at, excluded.erased_at), pseudonym = excluded.pseudonym`),
      selectRequestForErasure: db.prepare(`SELECT r.data, p.data AS personal, p.erased_at FROM requests r
        LEFT JOIN personal_data p ON p.request_id = r.id WHERE r.id = ?`),
      updateRequestData: db.prepare('UPDATE requests SET data = ? WHERE id = ?'),
      eraseEventReasons: db.prepare(`UPDATE request_events SET reason = '${ERASED_TEXT}'
        WHERE request_id = ? AND reason IS NOT NULL AND reason <> '${ERASED_TEXT}'`),
      auditEventsPage: db.prepare(`SELECT * FROM request_events INDEXED BY request_events_at
        WHERE at >= @from AND at < @to AND (at > @afterAt OR (at = @afterAt AND id > @afterId))
        ORDER BY at, id LIMIT @limit`),
      requestIdsOfUser: db.prepare('SELECT id FROM requests WHERE created_by = ? OR assignee = ? ORDER BY created_at, id'),
      requestIdsOfCustomer: db.prepare(`SELECT r.id FROM requests r JOIN personal_data p ON p.request_id = r.id
        WHERE r.kind = 'session' AND lower(json_extract(p.data, '$.recipient.email')) = lower(?) ORDER BY r.created_at, r.id`),
      insertErasure: db.prepare(`INSERT INTO erasures (id, subject, pseudonym, state, version, requested_by, requested_at,
          decided_by, decided_at, erased_requests)
        VALUES (@id, @subject, @pseudonym, @state, @version, @requestedBy, @requestedAt, @decidedBy, @decidedAt, @erasedRequests)`),
      selectErasure: db.prepare('SELECT * FROM erasures WHERE id = ?'),
      updateErasure: db.prepare(`UPDATE erasures SET subject = @subject, state = @state, version = @version,
          decided_by = @decidedBy, decided_at = @decidedAt, erased_requests = @erasedRequests
        WHERE id = @id AND version = @expectedVersion`),
      selectUnfinishedErasures: db.prepare(`SELECT * FROM erasures WHERE state = 'confirmed' ORDER BY requested_at, id`),
      // A mail not yet handed over still holds the recipient's name and address: it is dropped with them.
      eraseOutbox: db.prepare(`UPDATE outbox SET status = 'failed', claimed_until = NULL,
          last_error = 'personal data erased', completed_at = ${DB_NOW_MS}, payload = ${SCRUBBED_PAYLOAD}
        WHERE request_id = ? AND status = 'pending' AND type IN (${SCRUBBED_OUTBOX_TYPES_SQL})`),
      clearQueueDefault: db.prepare('UPDATE queues SET is_default = 0 WHERE purpose = ? AND id <> ? AND is_default = 1'),
      upsertQueue: db.prepare(`INSERT INTO queues
        (id, name, purpose, is_default, team_id, channel_id, service_url, tenant_id, registered_by, registered_at)
        VALUES (@id, @name, @purpose, @isDefault, @teamId, @channelId, @serviceUrl, @tenantId, @registeredBy, @registeredAt)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, purpose = excluded.purpose,
          is_default = excluded.is_default, team_id = excluded.team_id,
          channel_id = excluded.channel_id, service_url = excluded.service_url, tenant_id = excluded.tenant_id,
          registered_by = excluded.registered_by, registered_at = excluded.registered_at`),
      // Personal targets only: a queue card has no userId. Delivered rows are done with and not counted. People whose
      // chat could not be opened are listed even when nothing waits for them (a notice went by mail instead).
      selectUnreachable: db.prepare(`WITH waiting AS (
          SELECT coalesce(json_extract(payload, '$.target.userId'), json_extract(payload, '$.userId')) AS user_id, status
          FROM outbox WHERE type IN ('card.post', 'chat.notify') AND status IN ('pending', 'failed')),
        people AS (SELECT user_id FROM waiting WHERE user_id IS NOT NULL UNION SELECT aad_object_id FROM chat_reach)
        SELECT people.user_id,
          (SELECT count(*) FROM waiting WHERE waiting.user_id = people.user_id AND waiting.status = 'pending') AS pending,
          (SELECT count(*) FROM waiting WHERE waiting.user_id = people.user_id AND waiting.status = 'failed') AS failed,
          reach.status, reach.problem_code, reach.problem_detail, reach.since
        FROM people LEFT JOIN chat_reach reach ON reach.aad_object_id = people.user_id
        WHERE people.user_id NOT IN (SELECT aad_object_id FROM personal_conversations)
        ORDER BY people.user_id`),
      selectChatReach: db.prepare('SELECT * FROM chat_reach WHERE aad_object_id = ?'),
      insertOpening: db.prepare(`INSERT INTO chat_reach (aad_object_id, status, problem_code, problem_detail, since)
        VALUES (?, 'opening', NULL, NULL, ?)
        ON CONFLICT (aad_object_id) DO UPDATE SET status = 'opening', problem_code = NULL, problem_detail = NULL,
          since = excluded.since
        WHERE chat_reach.status <> 'opening'`),
      upsertUnreachable: db.prepare(`INSERT INTO chat_reach (aad_object_id, status, problem_code, problem_detail, since)
        VALUES (?, 'unreachable', ?, ?, ?)
        ON CONFLICT (aad_object_id) DO UPDATE SET status = 'unreachable', problem_code = excluded.problem_code,
          problem_detail = excluded.problem_detail, since = excluded.since`),
      deleteChatReach: db.prepare('DELETE FROM chat_reach WHERE aad_object_id = ?'),
      insertGreeting: db.prepare('INSERT INTO greetings (scope, greeted_at) VALUES (?, ?) ON CONFLICT (scope) DO NOTHING'),
      selectQueue: db.prepare('SELECT * FROM queues WHERE id = ?'),
      selectQueues: db.prepare('SELECT * FROM queues ORDER BY name, id'),
      upsertConversation: db.prepare(`INSERT INTO personal_conversations
        (aad_object_id, conversation_id, service_url, tenant_id, bot_id, user_id, name, time_zone)
        VALUES (@aadObjectId, @conversationId, @serviceUrl, @tenantId, @botId, @userId, @name, @timeZone)
        ON CONFLICT (aad_object_id) DO UPDATE SET conversation_id = excluded.conversation_id,
          service_url = excluded.service_url, tenant_id = excluded.tenant_id, bot_id = excluded.bot_id,
          user_id = excluded.user_id, name = excluded.name, time_zone = excluded.time_zone`),
      selectConversation: db.prepare('SELECT * FROM personal_conversations WHERE aad_object_id = ?'),
      selectAnyConversation: db.prepare('SELECT * FROM personal_conversations ORDER BY rowid DESC LIMIT 1'),
      selectSetting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      upsertSetting: db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      insertSettingsEvent: db.prepare('INSERT INTO settings_events (actor_id, at, change) VALUES (?, ?, ?)'),
      selectSettingsEvents: db.prepare('SELECT actor_id, at, change FROM settings_events ORDER BY id'),
      insertAdminEvent: db.prepare(`INSERT INTO admin_events (action, subject_id, actor_id, actor_type, source, at, detail)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      selectAdminEvents: db.prepare('SELECT * FROM admin_events ORDER BY id'),
      insertApiKey: db.prepare(`INSERT INTO api_keys (id, name, on_behalf_of, hash, created_at, revoked_at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      selectApiKeyByHash: db.prepare('SELECT * FROM api_keys WHERE hash = ?'),
      selectApiKeys: db.prepare('SELECT * FROM api_keys ORDER BY created_at, id'),
      revokeApiKey: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      // A repeated grant (a retried outbox row) keeps the time access really began; a revoked grant starts afresh.
      upsertGrant: db.prepare(`INSERT INTO access_grants (request_id, principal_id, resource, scope, membership, granted_at, revoked_at)
        VALUES (?, ?, ?, ?, ?, ?, NULL)
        ON CONFLICT (request_id) DO UPDATE SET principal_id = excluded.principal_id, resource = excluded.resource,
          scope = excluded.scope, membership = excluded.membership,
          granted_at = CASE WHEN access_grants.revoked_at IS NULL THEN access_grants.granted_at
            ELSE excluded.granted_at END,
          revoked_at = NULL`),
      revokeGrant: db.prepare('UPDATE access_grants SET revoked_at = ? WHERE request_id = ? AND revoked_at IS NULL'),
      selectGrants: db.prepare('SELECT * FROM access_grants ORDER BY granted_at DESC, request_id DESC'),
      selectGrant: db.prepare('SELECT * FROM access_grants WHERE request_id = ?'),
      selectRunningGrants: db.prepare(`SELECT * FROM access_grants WHERE principal_id = ? AND scope = ? AND revoked_at IS NULL
        ORDER BY granted_at, request_id`),
      updateGrantMembership: db.prepare('UPDATE access_grants SET membership = ? WHERE request_id = ?'),
      selectLocalMember: db.prepare('SELECT 1 FROM local_memberships WHERE scope = ? AND principal_id = ?'),
      insertLocalMember: db.prepare('INSERT INTO local_memberships (scope, principal_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      deleteLocalMember: db.prepare('DELETE FROM local_memberships WHERE scope = ? AND principal_id = ?'),
      ping: db.prepare('SELECT 1'),
    };
    this.commitTransaction = db.transaction((change: Change) => this.writeChange(change)).immediate;
    // A transaction function called inside another runs as a savepoint: a change that throws rolls back alone.
    const savepoint = db.transaction((change: Change) => this.writeChange(change));
    const together = db.transaction((changes: readonly Change[]) => this.writeChangesTogether(changes));
    const moved = db.transaction((move: StateMove, changes: readonly Change[]) => this.writeMoves(move, changes));
    this.commitAllTransaction = db.transaction((changes: readonly Change[]) => {
      const results: (Error | null | undefined)[] = changes.map(() => undefined);
      // Plain updates (a sweeper batch: one per request) are written set by set, a few statements for all of them
      // (state moves: one UPDATE per move); anything else, and everything when that fails, one by one, each in its
      // own savepoint.
      const { moves, plain } = movesAndPlainUpdates(changes);
      const setWise = (write: (group: readonly Change[]) => (Error | null)[], indexes: number[]) => {
        try {
          const lost = write(indexes.map((index) => changes[index]));
          indexes.forEach((index, k) => (results[index] = lost[k]));
        } catch {
          // The savepoint rolled the set writes back: each change is tried alone below.
        }
      };
      for (const { move, indexes } of moves) setWise((group) => moved(move, group), indexes);
      if (plain.length > 1) setWise(together, plain);
      return changes.map((change, index) => {
        if (results[index] !== undefined) return results[index];
        try {
          savepoint(change);
          return null;
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      });
    }).immediate;
    this.saveCardTransaction = db.transaction((card: CardActivity) => this.writeCard(card)).immediate;
    this.eraseTransaction = db.transaction((requestId: string, erasure: Erasure) => this.erase(requestId, erasure)).immediate;
    this.settingsTransaction = db.transaction(
      (settings: LockboxSettings, audit: { actorId: string; at: Date; change: string }, outbox: OutboxMessage[]) =>
        this.writeSettings(settings, audit, outbox),
    ).immediate;
  }

  async commit(change: Change): Promise<void> {
    this.commitTransaction(change);
  }

  async commitAll(changes: readonly Change[]): Promise<(Error | null)[]> {
    return changes.length === 0 ? [] : this.commitAllTransaction(changes);
  }

  async getRequest(id: string): Promise<StoredRequest | null> {
    return this.toRequest(this.statements.selectRequest.get(id) as Row | undefined);
  }

  async getRequests(ids: readonly string[]): Promise<StoredRequest[]> {
    if (ids.length === 0) return [];
    return (this.statements.selectRequests.all(JSON.stringify(ids)) as Row[]).map((row) => decodeRequest(row.data, row.personal ?? null, row.pseudonym ?? null));
  }

  async findReplacedLink(linkHash: string): Promise<string | null> {
    const row = this.statements.selectReplacedLink.get(linkHash) as Row | undefined;
    return row ? (row.request_id as string) : null;
  }

  async findSessionByLinkHash(linkHash: string): Promise<SessionRequest | null> {
    const request = this.toRequest(this.statements.selectByLinkHash.get(linkHash) as Row | undefined);
    return request?.kind === 'session' ? request : null;
  }

  async listRequests(filter: RequestFilter): Promise<StoredRequest[]> {
    if (filter.states && filter.states.length === 0) return [];
    if (filter.involvingAnyOf && filter.involvingAnyOf.length === 0) return [];
    const { visibleTo } = filter;
    if (visibleTo && visibleTo.people.length + visibleTo.queueIds.length + visibleTo.kinds.length === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    if (visibleTo) {
      const marks = (values: readonly string[]) => values.map(() => '?').join(', ');
      const any: string[] = [];
      if (visibleTo.people.length > 0) {
        any.push(`r.created_by IN (${marks(visibleTo.people)})`, `r.assignee IN (${marks(visibleTo.people)})`);
        params.push(...visibleTo.people, ...visibleTo.people);
      }
      if (visibleTo.queueIds.length > 0) {
        any.push(`r.queue_id IN (${marks(visibleTo.queueIds)})`);
        params.push(...visibleTo.queueIds);
      }
      if (visibleTo.kinds.length > 0) {
        any.push(`r.kind IN (${marks(visibleTo.kinds)})`);
        params.push(...visibleTo.kinds);
      }
      where.push(`(${any.join(' OR ')})`);
    }
    if (filter.before !== undefined) {
      where.push('(r.created_at, r.id) < (?, ?)');
      params.push(filter.before.createdAt.getTime(), filter.before.id);
    }
    for (const pattern of filter.search !== undefined ? searchPatterns(filter.search) : []) {
      where.push("p.search_text LIKE ? ESCAPE '\\'");
      params.push(pattern);
    }
    if (filter.kind !== undefined) {
      where.push('r.kind = ?');
      params.push(filter.kind);
    }
    // A first page of one kind in several states is read state by state (see below); otherwise the states are a filter.
    const stateByState = filter.kind !== undefined && filter.limit !== undefined && filter.states !== undefined && filter.states.length > 1;
    if (filter.states && !stateByState) {
      where.push(`r.state IN (${filter.states.map(() => '?').join(', ')})`);
      params.push(...filter.states);
    }
    if (filter.involving !== undefined) {
      where.push('(r.created_by = ? OR r.assignee = ?)');
      params.push(filter.involving, filter.involving);
    }
    if (filter.involvingAnyOf !== undefined) {
      const marks = filter.involvingAnyOf.map(() => '?').join(', ');
      where.push(`(r.created_by IN (${marks}) OR r.assignee IN (${marks}))`);
      params.push(...filter.involvingAnyOf, ...filter.involvingAnyOf);
    }
    if (filter.assignee !== undefined) {
      where.push('r.assignee = ?');
      params.push(filter.assignee);
    }
    if (filter.queueId !== undefined) {
      where.push('r.queue_id = ?');
      params.push(filter.queueId);
    }
    if (filter.from !== undefined) {
      where.push('r.created_at >= ?');
      params.push(filter.from.getTime());
    }
    if (filter.to !== undefined) {
      where.push('r.created_at < ?');
      params.push(filter.to.getTime());
    }
    const from = 'FROM requests r LEFT JOIN personal_data p ON p.request_id = r.id';
    const order = 'ORDER BY r.created_at DESC, r.id DESC';
    let sql: string;
    if (stateByState && filter.states && filter.limit !== undefined) {
      // One kind in several states, first page: each state's newest rows come in order from the (kind, state,
      // created_at) index and stop at the page size; the pages are merged. A plain `state IN (…)` leaves the planner
      // two bad choices: walk the kind's every row in order when the states are rare (an agent's open sessions among
      // 100,000 closed ones: ~80 ms), or gather and sort every row in the states when they are common.
      const perState = filter.states.map(() => `SELECT * FROM (SELECT r.id ${from} WHERE ${[...where, 'r.state = ?'].join(' AND ')} ${order} LIMIT ?)`);
      const stateParams = filter.states.flatMap((state) => [...params, state, filter.limit]);
      sql = `SELECT r.data, p.data AS personal, p.pseudonym ${from} WHERE r.id IN (${perState.join(' UNION ALL ')}) ${order} LIMIT ?`;
      params.splice(0, params.length, ...stateParams, filter.limit);
    } else {
      sql = `SELECT r.data, p.data AS personal, p.pseudonym ${from} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ${order}`;
      if (filter.limit !== undefined) {
        sql += ' LIMIT ?';
        params.push(filter.limit);
      }
    }
    let statement = this.listStatements.get(sql);
    if (!statement) {
      // Shapes are few (which filters, how many states); a long tail of list lengths only refills the cache.
      if (this.listStatements.size >= 256) this.listStatements.clear();
      statement = this.db.prepare(sql);
      this.listStatements.set(sql, statement);
    }
    const rows = statement.all(...params) as Row[];
    return rows.map((row) => decodeRequest(row.data, row.personal ?? null, row.pseudonym ?? null));
  }

  async eventsOf(requestId: string): Promise<AuditEvent[]> {
    return (this.statements.selectEvents.all(requestId) as Row[]).map(toAuditEvent);
  }

  async cardActivitiesOf(requestId: string): Promise<CardActivity[]> {
    return (this.statements.selectCards.all(requestId) as Row[]).map(toCardActivity);
  }

  async saveCardActivity(card: CardActivity): Promise<void> {
    this.saveCardTransaction(card);
  }

  async claimOutbox(now: Date, limit: number, leaseMs: number, types?: readonly OutboxMessage['type'][]): Promise<OutboxItem[]> {
    // One UPDATE statement holds the write lock from selection to claim, so no other connection claims the same rows.
    const rows = this.statements.claimOutbox.all({
      now: now.getTime(),
      claimedUntil: now.getTime() + leaseMs,
      limit,
      types: types ? JSON.stringify(types) : null,
    }) as Row[];
    return rows
      .map((row) => ({
        id: Number(row.id),
        message: JSON.parse(row.payload as string) as OutboxMessage,
        attempts: Number(row.attempts),
        createdAt: toDate(row.created_at),
      }))
      .sort((a, b) => a.id - b.id);
  }

  async completeOutbox(id: number): Promise<void> {
    this.statements.completeOutbox.run(id);
  }

  async retryOutbox(id: number, nextAttemptAt: Date, error: string): Promise<void> {
    this.statements.retryOutbox.run(nextAttemptAt.getTime(), error, id);
  }

  async deferOutbox(id: number, nextAttemptAt: Date): Promise<void> {
    this.statements.deferOutbox.run(nextAttemptAt.getTime(), id);
  }

  async failOutbox(id: number, error: string): Promise<void> {
    this.statements.failOutbox.run(error, id);
  }

  async failedOutbox(limit: number): Promise<FailedDelivery[]> {
    return (this.statements.failedOutbox.all(limit) as Row[]).map((row) => ({
      id: Number(row.id),
      type: row.type as FailedDelivery['type'],
      requestId: (row.request_id as string | null) ?? null,
      attempts: Number(row.attempts),
      error: (row.last_error as string | null) ?? null,
      failedAt: toDate(row.completed_at),
    }));
  }

  async pendingOutboxCount(): Promise<number> {
    return Number((this.statements.pendingOutboxCount.get() as Row).n);
  }

  async outboxHealth(now: Date): Promise<OutboxHealth> {
    const oldest = (this.statements.oldestPendingOutbox.get() as Row).oldest;
    const failed = this.statements.failedOutboxByType.all() as Row[];
    return {
      pending: Number((this.statements.pendingOutboxCount.get() as Row).n),
      oldestPendingSeconds: oldest === null ? 0 : Math.max(0, Math.floor((now.getTime() - Number(oldest)) / 1000)),
      failedByType: Object.fromEntries(failed.map((row) => [row.type as string, Number(row.n)])),
    };
  }

  async claimDeadlines(now: Date, limit: number, leaseMs: number): Promise<Deadline[]> {
    const rows = this.statements.claimDeadlines.all({
      now: now.getTime(),
      claimedUntil: now.getTime() + leaseMs,
      limit,
    }) as Row[];
    return rows
      .map((row) => ({
        requestId: row.request_id as string,
        kind: row.kind as string,
        dueAt: toDate(row.due_at),
      }))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  async changedSince(since: Date, limit: number, afterId?: string): Promise<{ id: string; updatedAt: Date }[]> {
    const rows = afterId === undefined ? this.statements.changedSince.all(since.getTime(), limit) : this.statements.changedAfter.all(since.getTime(), afterId, limit);
    return (rows as Row[]).map((row) => ({ id: row.id as string, updatedAt: toDate(row.updated_at) }));
  }

  async deleteDeadline(deadline: Deadline): Promise<void> {
    this.statements.deleteDeadline.run(deadline.requestId, deadline.kind, deadline.dueAt.getTime());
  }

  async pruneOutbox(deliveredBefore: Date, limit: number): Promise<number> {
    return this.statements.pruneOutbox.run(deliveredBefore.getTime(), limit).changes;
  }

  async pruneDeadlines(dueBefore: Date, limit: number): Promise<Deadline[]> {
    const rows = this.statements.pruneDeadlines.all(dueBefore.getTime(), limit) as Row[];
    return rows.map((row) => ({ requestId: row.request_id as string, kind: row.kind as string, dueAt: toDate(row.due_at) }));
  }

  async addToRateCounter(key: string, bucketStart: Date, amount: number, keepUntil: Date): Promise<number> {
    const row = this.statements.addRateCounter.get(key, bucketStart.getTime(), amount, keepUntil.getTime()) as Row;
    return Number(row.count);
  }

  async takeRateSlot(key: string, bucketStart: Date, keepUntil: Date, windows: readonly { from: Date; max: number }[]): Promise<boolean> {
    // IMMEDIATE: the write lock is taken before the sums, so another process decides after this one, never alongside.
    return this.db.transaction(() => {
      const fits = windows.every(
        (window) => Number((this.statements.sumRateCounters.get(key, window.from.getTime(), bucketStart.getTime()) as Row).n) + 1 <= window.max,
      );
      if (fits) this.statements.addRateCounter.get(key, bucketStart.getTime(), 1, keepUntil.getTime());
      return fits;
    }).immediate();
  }

  async sumRateCounters(key: string, from: Date, to: Date): Promise<number> {
    return Number((this.statements.sumRateCounters.get(key, from.getTime(), to.getTime()) as Row).n);
  }

  async pruneRateCounters(before: Date, limit: number): Promise<number> {
    return this.statements.pruneRateCounters.run(before.getTime(), limit).changes;
  }

  async saveQueue(queue: Queue, audit?: AdminEvent): Promise<void> {
    this.db.transaction(() => {
      if (queue.isDefault) this.statements.clearQueueDefault.run(queue.purpose, queue.id);
      this.statements.upsertQueue.run({ ...queue, isDefault: queue.isDefault ? 1 : 0, registeredAt: queue.registeredAt.getTime() });
      if (audit) this.insertAdminEvent(audit);
    }).immediate();
  }

  async getQueue(id: string): Promise<Queue | null> {
    const row = this.statements.selectQueue.get(id) as Row | undefined;
    return row ? toQueue(row) : null;
  }

  async listQueues(): Promise<Queue[]> {
    return (this.statements.selectQueues.all() as Row[]).map(toQueue);
  }

  async savePersonalConversation(conversation: PersonalConversation, audit?: AdminEvent | null): Promise<void> {
    this.db.transaction(() => {
      this.statements.upsertConversation.run({ ...conversation, timeZone: conversation.timeZone ?? null });
      this.statements.deleteChatReach.run(conversation.aadObjectId);
      if (audit) this.insertAdminEvent(audit);
    }).immediate();
  }

  async listAdminEvents(): Promise<AdminEvent[]> {
    return (this.statements.selectAdminEvents.all() as Row[]).map(toAdminEvent);
  }

  private insertAdminEvent(event: AdminEvent): void {
    const [action, subjectId, actorId, actorType, source, detail] = adminEventColumns(event);
    this.statements.insertAdminEvent.run(action, subjectId, actorId, actorType, source, event.at.getTime(), detail);
  }

  async unreachablePeople(): Promise<UnreachablePerson[]> {
    const rows = this.statements.selectUnreachable.all() as Row[];
    return rows.map((row) => ({ userId: row.user_id as string, reach: toChatReach(row), pending: Number(row.pending), failed: Number(row.failed) }));
  }

  async queueOutbox(messages: readonly OutboxMessage[], at: Date): Promise<void> {
    this.db.transaction(() => {
      for (const message of messages) this.statements.insertOutbox.run(message.requestId, message.type, JSON.stringify(message), at.getTime(), at.getTime());
    }).immediate();
  }

  async startOpeningChat(aadObjectId: string, at: Date): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.statements.insertOpening.run(aadObjectId, at.getTime()).changes === 0) return false;
      const install: OutboxMessage = { type: 'chat.install', requestId: null, userId: aadObjectId };
      this.statements.insertOutbox.run(null, install.type, JSON.stringify(install), at.getTime(), at.getTime());
      return true;
    }).immediate();
  }

  async recordChatUnreachable(aadObjectId: string, problem: Problem, at: Date): Promise<void> {
    this.statements.upsertUnreachable.run(aadObjectId, problem.code, problem.detail, at.getTime());
  }

  async chatReachOf(aadObjectId: string): Promise<ChatReach | null> {
    const row = this.statements.selectChatReach.get(aadObjectId) as Row | undefined;
    return row ? toChatReach(row) : null;
  }

  async personLanguage(aadObjectId: string): Promise<PersonLanguage | null> {
    const row = this.statements.selectPersonLanguage.get(aadObjectId) as Row | undefined;
    return row ? toPersonLanguage(row) : null;
  }

  async saveReportedLanguage(aadObjectId: string, language: Language, at: Date): Promise<void> {
    this.statements.upsertReportedLanguage.run(aadObjectId, language, at.getTime());
  }

  async saveChosenLanguage(aadObjectId: string, language: Language | null, at: Date): Promise<void> {
    this.statements.upsertChosenLanguage.run(aadObjectId, language, at.getTime());
  }

  async queueLanguage(queueId: string): Promise<Language | null> {
    const row = this.statements.selectQueueLanguage.get(queueId) as Row | undefined;
    return row && isLanguage(row.language) ? row.language : null;
  }

  async saveQueueLanguage(queueId: string, language: Language | null, at: Date): Promise<void> {
    if (language === null) this.statements.deleteQueueLanguage.run(queueId);
    else this.statements.upsertQueueLanguage.run(queueId, language, at.getTime());
  }

  async recordGreeting(scope: string, at: Date): Promise<boolean> {
    return this.statements.insertGreeting.run(scope, at.getTime()).changes === 1;
  }

  async getPersonalConversation(aadObjectId: string): Promise<PersonalConversation | null> {
    const row = this.statements.selectConversation.get(aadObjectId) as Row | undefined;
    return row ? toPersonalConversation(row) : null;
  }

  async anyPersonalConversation(): Promise<PersonalConversation | null> {
    const row = this.statements.selectAnyConversation.get() as Row | undefined;
    return row ? toPersonalConversation(row) : null;
  }

  async getLockboxSettings(): Promise<LockboxSettings> {
    const row = this.statements.selectSetting.get(LOCKBOX_SETTINGS_KEY) as Row | undefined;
    return row ? decodeLockboxSettings(row.value) : { ...DEFAULT_LOCKBOX_SETTINGS };
  }

  async saveLockboxSettings(
    settings: LockboxSettings,
    audit: { actorId: string; at: Date; change: string },
    outbox: OutboxMessage[],
  ): Promise<void> {
    this.settingsTransaction(settings, audit, outbox);
  }

  async settingsEvents(): Promise<{ actorId: string; at: Date; change: string }[]> {
    return (this.statements.selectSettingsEvents.all() as Row[]).map(toSettingsEvent);
  }

  async saveApiKey(key: ApiKey): Promise<void> {
    this.statements.insertApiKey.run(
      key.id,
      key.name,
      JSON.stringify(key.onBehalfOf),
      key.hash,
      key.createdAt.getTime(),
      key.revokedAt?.getTime() ?? null,
    );
  }

  async findApiKeyByHash(hash: string): Promise<ApiKey | null> {
    const row = this.statements.selectApiKeyByHash.get(hash) as Row | undefined;
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(): Promise<ApiKey[]> {
    return (this.statements.selectApiKeys.all() as Row[]).map(toApiKey);
  }

  async revokeApiKey(id: string, at: Date): Promise<boolean> {
    return this.statements.revokeApiKey.run(at.getTime(), id).changes > 0;
  }

  async recordGrant(grant: AccessGrant): Promise<void> {
    this.statements.upsertGrant.run(grant.requestId, grant.principalId, grant.resource, grant.scope, grant.membership, grant.grantedAt.getTime());
  }

  async recordRevoke(requestId: string, at: Date): Promise<void> {
    this.statements.revokeGrant.run(at.getTime(), requestId);
  }

  async listGrants(): Promise<AccessGrant[]> {
    return (this.statements.selectGrants.all() as Row[]).map(toAccessGrant);
  }

  async grantOf(requestId: string): Promise<AccessGrant | null> {
    const row = this.statements.selectGrant.get(requestId) as Row | undefined;
    return row ? toAccessGrant(row) : null;
  }

  async runningGrantsOf(principalId: string, scope: string): Promise<AccessGrant[]> {
    return (this.statements.selectRunningGrants.all(principalId, scope) as Row[]).map(toAccessGrant);
  }

  async setGrantMembership(requestId: string, membership: GrantMembership): Promise<void> {
    this.statements.updateGrantMembership.run(membership, requestId);
  }

  async isLocalMember(scope: string, principalId: string): Promise<boolean> {
    return this.statements.selectLocalMember.get(scope, principalId) !== undefined;
  }

  async addLocalMember(scope: string, principalId: string, at: Date): Promise<void> {
    this.statements.insertLocalMember.run(scope, principalId, at.getTime());
  }

  async removeLocalMember(scope: string, principalId: string): Promise<void> {
    this.statements.deleteLocalMember.run(scope, principalId);
  }

  async erasePersonalData(requestId: string, erasure: Erasure): Promise<boolean> {
    return this.eraseTransaction(requestId, erasure);
  }

  async auditEventsPage(range: { from: Date; to: Date }, cursor: string | null, limit: number): Promise<{ events: AuditEvent[]; next: string | null }> {
    const after = parseAuditCursor(cursor, range.from);
    const rows = this.statements.auditEventsPage.all({
      from: range.from.getTime(),
      to: range.to.getTime(),
      afterAt: after.at.getTime(),
      afterId: after.id,
      limit,
    }) as Row[];
    return { events: rows.map(toAuditEvent), next: rows.length === limit ? auditCursorAfter(rows[rows.length - 1]) : null };
  }

  async requestIdsOfPerson(person: PersonKey): Promise<string[]> {
    const rows = 'objectId' in person ? this.statements.requestIdsOfUser.all(person.objectId, person.objectId) : this.statements.requestIdsOfCustomer.all(person.email);
    return (rows as Row[]).map((row) => row.id as string);
  }

  async requestsEndedBefore(ended: Readonly<Record<string, readonly string[]>>, endedBefore: Date, limit: number): Promise<string[]> {
    const kinds = Object.entries(ended).filter(([, states]) => states.length > 0);
    if (kinds.length === 0) return [];
    const params: unknown[] = [];
    const matches = kinds.map(([kind, states]) => {
      params.push(kind, ...states);
      return `(r.kind = ? AND r.state IN (${states.map(() => '?').join(', ')}))`;
    });
    params.push(endedBefore.getTime(), limit);
    const rows = this.db
      .prepare(`SELECT r.id FROM requests r LEFT JOIN personal_data p ON p.request_id = r.id
        WHERE (${matches.join(' OR ')}) AND r.updated_at < ? AND p.erased_at IS NULL ORDER BY r.updated_at, r.id LIMIT ?`)
      .all(...params) as Row[];
    return rows.map((row) => row.id as string);
  }

  async saveErasureRequest(erasure: ErasureRequest): Promise<void> {
    this.statements.insertErasure.run(erasureRow(erasure));
  }

  async getErasureRequest(id: string): Promise<ErasureRequest | null> {
    const row = this.statements.selectErasure.get(id) as Row | undefined;
    return row ? toErasureRequest(row) : null;
  }

  async updateErasureRequest(erasure: ErasureRequest, expectedVersion: number): Promise<boolean> {
    return this.statements.updateErasure.run({ ...erasureRow(erasure), expectedVersion }).changes > 0;
  }

  async unfinishedErasureRequests(): Promise<ErasureRequest[]> {
    return (this.statements.selectUnfinishedErasures.all() as Row[]).map(toErasureRequest);
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private writeChange(change: Change): void {
    const { request, expectedVersion } = change;
    if (expectedVersion !== null && request.version <= expectedVersion) {
      throw new Error(`commit of ${request.id}: version ${request.version} does not move past ${expectedVersion}`);
    }
    const encoded = encodeRequest(request);
    const row = {
      ...encoded.columns,
      createdAt: encoded.columns.createdAt.getTime(),
      updatedAt: encoded.columns.updatedAt.getTime(),
      data: encoded.data,
    };
    const written =
      expectedVersion === null
        ? this.statements.insertRequest.run(row)
        : this.statements.updateRequest.run({ ...row, expectedVersion });
    // Throwing inside the transaction rolls it back: the losing change writes nothing.
    if (written.changes === 0) throw new DoormanError('REQUEST.STALE_VERSION', request.id);

    this.statements.upsertPersonal.run(request.id, encoded.personal, encoded.searchText);
    for (const event of change.events) this.statements.insertEvent.run(...eventValues(event));
    this.statements.deleteDeadlines.run(request.id);
    for (const deadline of change.deadlines) {
      this.statements.insertDeadline.run(request.id, deadline.kind, deadline.dueAt.getTime());
    }
    // The change carries no clock: its messages are due from the moment the request says it changed.
    const at = request.updatedAt.getTime();
    for (const message of change.outbox) {
      this.statements.insertOutbox.run(message.requestId, message.type, JSON.stringify(message), at, at);
    }
    for (const card of change.cardActivities ?? []) this.writeCard(card);
    if (change.replacedLinkHash) this.statements.insertReplacedLink.run(change.replacedLinkHash, request.id);
  }

  /**
   * Writes plain updates of distinct requests with one statement per table (rows passed as JSON): the update is
   * compare-and-set on each row's version, and only the rows it wrote get their events, deadlines and outbox. Returns,
   * per change, null when written or REQUEST.STALE_VERSION.
   */
  private writeChangesTogether(changes: readonly Change[]): (Error | null)[] {
    const encoded = changes.map((change) => ({ change, ...encodeRequest(change.request) }));
    const written = new Set(
      (
        this.statements.updateRequests.all(
          JSON.stringify(
            encoded.map(({ change, columns, data }) => ({
              id: columns.id,
              expected: change.expectedVersion,
              state: columns.state,
              version: columns.version,
              generation: columns.generation,
              linkHash: columns.linkHash,
              assignee: columns.assignee,
              queueId: columns.queueId,
              updatedAt: columns.updatedAt.getTime(),
              data,
            })),
          ),
        ) as { id: string }[]
      ).map((row) => row.id),
    );
    const won = encoded.filter(({ change }) => written.has(change.request.id));
    this.statements.upsertPersonals.run(JSON.stringify(won.map(({ change, personal, searchText }) => [change.request.id, personal, searchText])));
    this.writeRestTogether(won.map(({ change }) => change));
    return lostOf(changes, written);
  }

  /**
   * Writes changes that are all `move` (state, version and time, nothing else) with one UPDATE of those columns and of
   * the same fields in `data`, then the rest of the rows that moved set by set. Returns, per change, null when written
   * or REQUEST.STALE_VERSION (the version moved on, or the state is no longer one the move is legal in).
   */
  private writeMoves(move: StateMove, changes: readonly Change[]): (Error | null)[] {
    const rows = changes.map(({ request, expectedVersion }) => [request.id, expectedVersion, request.version, request.updatedAt.getTime(), request.updatedAt.toISOString()]);
    const written = new Set(
      (
        this.statements.moveRequests.all({ rows: JSON.stringify(rows), kind: move.kind, toState: move.toState, fromStates: JSON.stringify(move.fromStates) }) as {
          id: string;
        }[]
      ).map((row) => row.id),
    );
    this.writeRestTogether(changes.filter((change) => written.has(change.request.id)));
    return lostOf(changes, written);
  }

  /** The audit events, deadlines and outbox rows of changes whose request rows were written, set by set. */
  private writeRestTogether(won: readonly Change[]): void {
    this.statements.insertEvents.run(JSON.stringify(won.flatMap((change) => change.events.map(eventValues))));
    this.statements.deleteDeadlinesOf.run(JSON.stringify(won.map((change) => change.request.id)));
    this.statements.insertDeadlines.run(
      JSON.stringify(won.flatMap((change) => change.deadlines.map((deadline) => [change.request.id, deadline.kind, deadline.dueAt.getTime()]))),
    );
    // The change carries no clock: its messages are due from the moment the request says it changed.
    this.statements.insertOutboxes.run(
      JSON.stringify(won.flatMap((change) => change.outbox.map((message) => [message.requestId, message.type, JSON.stringify(message), change.request.updatedAt.getTime()]))),
    );
  }

  /** One card holds one role: the card the agent clicked to reopen becomes the invitation card, not both. */
  private writeCard(card: CardActivity): void {
    this.statements.deleteOtherRolesOfCard.run(card);
    this.statements.upsertCard.run({ ...card, language: card.language ?? null });
  }

  private writeSettings(
    settings: LockboxSettings,
    audit: { actorId: string; at: Date; change: string },
    outbox: OutboxMessage[],
  ): void {
    this.statements.upsertSetting.run(LOCKBOX_SETTINGS_KEY, encodeLockboxSettings(settings));
    this.statements.insertSettingsEvent.run(audit.actorId, audit.at.getTime(), audit.change);
    const at = audit.at.getTime();
    for (const message of outbox) {
      this.statements.insertOutbox.run(message.requestId, message.type, JSON.stringify(message), at, at);
    }
  }

  private erase(requestId: string, erasure: Erasure): boolean {
    const row = this.statements.selectRequestForErasure.get(requestId) as Row | undefined;
    if (!row) throw new DoormanError('REQUEST.NOT_FOUND', requestId);
    if (row.erased_at !== null) return false;
    // A row written before a field became personal still holds it in `data`: written again, it holds none.
    const request = decodeRequest(row.data, row.personal ?? null);
    this.statements.updateRequestData.run(encodeRequest(request).data, requestId);
    this.statements.erasePersonal.run(requestId, erasure.pseudonym);
    this.statements.eraseOutbox.run(requestId);
    this.statements.eraseEventReasons.run(requestId);
    this.statements.insertEvent.run(
      requestId,
      request.kind,
      'erase',
      request.state,
      request.state,
      erasure.actorId,
      erasure.actorType,
      erasure.source,
      erasure.reason,
      erasure.at.getTime(),
      request.version,
    );
    // Cards already in Teams still show the names: they are drawn again from the erased request.
    const redraw: OutboxMessage = { type: 'card.update', requestId, version: request.version };
    this.statements.insertOutbox.run(requestId, redraw.type, JSON.stringify(redraw), erasure.at.getTime(), erasure.at.getTime());
    return true;
  }

  private toRequest(row: Row | undefined): StoredRequest | null {
    return row ? decodeRequest(row.data, row.personal ?? null, row.pseudonym ?? null) : null;
  }
}

/** An erasure request as the `erasures` statements bind it (times as epoch milliseconds). */
function erasureRow(erasure: ErasureRequest): Record<string, unknown> {
  return {
    id: erasure.id,
    subject: encodeSubject(erasure.subject),
    pseudonym: erasure.pseudonym,
    state: erasure.state,
    version: erasure.version,
    requestedBy: erasure.requestedBy,
    requestedAt: erasure.requestedAt.getTime(),
    decidedBy: erasure.decidedBy,
    decidedAt: erasure.decidedAt?.getTime() ?? null,
    erasedRequests: erasure.erasedRequests,
  };
}

/** An audit event's values in the column order of `insertEvent` (and of each row of `insertEvents`). */
/** Per change: null when its request row was written, else REQUEST.STALE_VERSION. */
function lostOf(changes: readonly Change[], written: ReadonlySet<string>): (Error | null)[] {
  return changes.map((change) => (written.has(change.request.id) ? null : new DoormanError('REQUEST.STALE_VERSION', change.request.id)));
}

function eventValues(event: AuditEvent): (string | number | null)[] {
  return [
    event.requestId,
    event.kind,
    event.action,
    event.fromState,
    event.toState,
    event.actorId,
    event.actorType,
    event.source,
    event.reason,
    event.at.getTime(),
    event.version,
  ];
}
