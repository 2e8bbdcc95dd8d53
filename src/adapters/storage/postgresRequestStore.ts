import { Pool, PoolClient } from 'pg';
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
import { movesAndPlainUpdates, plainUpdates } from './plainUpdates';
import { ERASED_TEXT, SCRUBBED_OUTBOX_TYPES_SQL, decodeRequest, encodeRequest, parseObject, searchPatterns } from './requestCodec';
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

/** Arbitrary key of the advisory lock that serialises migrations of instances starting at once ("Doorman"). */
const MIGRATION_LOCK_KEY = '19262822868148590';

const SCRUBBED_PAYLOAD = `jsonb_build_object('type', type, 'requestId', request_id, 'scrubbed', true)`;

/** Opens (and migrates) the PostgreSQL store: several bot instances share one database. */
export async function openPostgresRequestStore(url: string): Promise<PostgresRequestStore> {
  const pool = new Pool({ connectionString: url });
  // An idle client losing its connection must not crash the process; the next query reports the failure (readyz).
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool);
    return new PostgresRequestStore(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** Applies the migrations not yet applied, in one transaction under an advisory lock (DDL is transactional). */
async function migratePostgres(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set(
      (await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((row) => row.id),
    );
    for (const migration of migrations) {
      if (applied.has(migration.id)) continue;
      await client.query(migration.postgres);
      await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
    }
  });
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Store on PostgreSQL (pg): claims use FOR UPDATE SKIP LOCKED, so any number of instances can run. */
export class PostgresRequestStore implements Store {
  constructor(private readonly pool: Pool) {}

  async commit(change: Change): Promise<void> {
    checkVersionMoves(change);
    // A plain update (every card action) is one statement, atomic on its own: one round trip instead of one per row
    // and a BEGIN and COMMIT around them (on PostgreSQL each statement waits for its answer).
    if (plainUpdates([change]).length === 1) {
      await writePlainUpdate(this.pool, change);
      return;
    }
    await inTransaction(this.pool, (client) => writeChange(client, change));
  }

  async commitAll(changes: readonly Change[]): Promise<(Error | null)[]> {
    if (changes.length === 0) return [];
    return inTransaction(this.pool, async (client) => {
      const results: (Error | null | undefined)[] = changes.map(() => undefined);
      // Plain updates (a sweeper batch: one per request) are written set by set, a few statements for all of them
      // (each statement is a round trip); anything else, and everything when that fails, one by one.
      // State moves go one UPDATE per move.
      const { moves, plain } = movesAndPlainUpdates(changes);
      const setWise = async (write: (group: readonly Change[]) => Promise<(Error | null)[]>, indexes: number[]) => {
        await client.query('SAVEPOINT together');
        try {
          const lost = await write(indexes.map((index) => changes[index]));
          await client.query('RELEASE SAVEPOINT together');
          indexes.forEach((index, k) => (results[index] = lost[k]));
        } catch {
          await client.query('ROLLBACK TO SAVEPOINT together');
        }
      };
      for (const { move, indexes } of moves) await setWise((group) => writeMoves(client, move, group), indexes);
      if (plain.length > 1) await setWise((group) => writeChangesTogether(client, group), plain);
      for (const [index, change] of changes.entries()) {
        if (results[index] !== undefined) continue;
        // A savepoint per change: one that loses its compare-and-set rolls back alone, the others stay.
        await client.query('SAVEPOINT change');
        try {
          checkVersionMoves(change);
          await writeChange(client, change);
          await client.query('RELEASE SAVEPOINT change');
          results[index] = null;
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT change');
          results[index] = error instanceof Error ? error : new Error(String(error));
        }
      }
      return results as (Error | null)[];
    });
  }

  async getRequest(id: string): Promise<StoredRequest | null> {
    const { rows } = await this.pool.query(
      `SELECT r.data, p.data AS personal, p.pseudonym FROM requests r LEFT JOIN personal_data p ON p.request_id = r.id
       WHERE r.id = $1`,
      [id],
    );
    return rows.length > 0 ? decodeRequest(rows[0].data, rows[0].personal ?? null, rows[0].pseudonym ?? null) : null;
  }

  async getRequests(ids: readonly string[]): Promise<StoredRequest[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query(
      `SELECT r.data, p.data AS personal, p.pseudonym FROM requests r LEFT JOIN personal_data p ON p.request_id = r.id
       WHERE r.id = ANY($1::text[])`,
      [ids],
    );
    return rows.map((row) => decodeRequest(row.data, row.personal ?? null, row.pseudonym ?? null));
  }

  async findReplacedLink(linkHash: string): Promise<string | null> {
    const { rows } = await this.pool.query('SELECT request_id FROM replaced_links WHERE link_hash = $1', [linkHash]);
    return rows.length > 0 ? (rows[0].request_id as string) : null;
  }

  async findSessionByLinkHash(linkHash: string): Promise<SessionRequest | null> {
    const { rows } = await this.pool.query(
      `SELECT r.data, p.data AS personal, p.pseudonym FROM requests r LEFT JOIN personal_data p ON p.request_id = r.id
       WHERE r.link_hash = $1 AND r.kind = 'session'`,
      [linkHash],
    );
    const request = rows.length > 0 ? decodeRequest(rows[0].data, rows[0].personal ?? null, rows[0].pseudonym ?? null) : null;
    return request?.kind === 'session' ? request : null;
  }

  async listRequests(filter: RequestFilter): Promise<StoredRequest[]> {
    if (filter.states && filter.states.length === 0) return [];
    if (filter.involvingAnyOf && filter.involvingAnyOf.length === 0) return [];
    const { visibleTo } = filter;
    if (visibleTo && visibleTo.people.length + visibleTo.queueIds.length + visibleTo.kinds.length === 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (visibleTo) {
      const any: string[] = [];
      if (visibleTo.people.length > 0) {
        const people = param([...visibleTo.people]);
        any.push(`r.created_by = ANY(${people}::text[])`, `r.assignee = ANY(${people}::text[])`);
      }
      if (visibleTo.queueIds.length > 0) any.push(`r.queue_id = ANY(${param([...visibleTo.queueIds])}::text[])`);
      if (visibleTo.kinds.length > 0) any.push(`r.kind = ANY(${param([...visibleTo.kinds])}::text[])`);
      where.push(`(${any.join(' OR ')})`);
    }
    if (filter.before !== undefined) where.push(`(r.created_at, r.id) < (${param(filter.before.createdAt)}, ${param(filter.before.id)})`);
    for (const pattern of filter.search !== undefined ? searchPatterns(filter.search) : []) {
      where.push(`p.search_text LIKE ${param(pattern)} ESCAPE '\\'`);
    }
    if (filter.kind !== undefined) where.push(`r.kind = ${param(filter.kind)}`);
    // One state as `=`: PostgreSQL walks (kind, state, created_at, id) in order only for an equality, not for ANY.
    if (filter.states) where.push(filter.states.length === 1 ? `r.state = ${param(filter.states[0])}` : `r.state = ANY(${param([...filter.states])}::text[])`);
    if (filter.involving !== undefined) {
      const involving = param(filter.involving);
      where.push(`(r.created_by = ${involving} OR r.assignee = ${involving})`);
    }
    if (filter.involvingAnyOf !== undefined) {
      const people = param([...filter.involvingAnyOf]);
      where.push(`(r.created_by = ANY(${people}::text[]) OR r.assignee = ANY(${people}::text[]))`);
    }
    if (filter.assignee !== undefined) where.push(`r.assignee = ${param(filter.assignee)}`);
    if (filter.queueId !== undefined) where.push(`r.queue_id = ${param(filter.queueId)}`);
    if (filter.from !== undefined) where.push(`r.created_at >= ${param(filter.from)}`);
    if (filter.to !== undefined) where.push(`r.created_at < ${param(filter.to)}`);
    const limit = filter.limit !== undefined ? ` LIMIT ${param(filter.limit)}` : '';
    const { rows } = await this.pool.query(
      `SELECT r.data, p.data AS personal, p.pseudonym FROM requests r LEFT JOIN personal_data p ON p.request_id = r.id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_at DESC, r.id DESC${limit}`,
      params,
    );
    return rows.map((row: Row) => decodeRequest(row.data, row.personal ?? null, row.pseudonym ?? null));
  }

  async eventsOf(requestId: string): Promise<AuditEvent[]> {
    const { rows } = await this.pool.query('SELECT * FROM request_events WHERE request_id = $1 ORDER BY id', [
      requestId,
    ]);
    return rows.map(toAuditEvent);
  }

  async cardActivitiesOf(requestId: string): Promise<CardActivity[]> {
    const { rows } = await this.pool.query('SELECT * FROM card_activities WHERE request_id = $1 ORDER BY id', [
      requestId,
    ]);
    return rows.map(toCardActivity);
  }

  async saveCardActivity(card: CardActivity): Promise<void> {
    await upsertCard(this.pool, card);
  }

  async claimOutbox(now: Date, limit: number, leaseMs: number, types?: readonly OutboxMessage['type'][]): Promise<OutboxItem[]> {
    const { rows } = await this.pool.query(
      `UPDATE outbox SET claimed_until = $2, attempts = attempts + 1
       WHERE id IN (SELECT id FROM outbox
         WHERE status = 'pending' AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)
           AND ($4::text[] IS NULL OR type = ANY($4::text[]))
         ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id, payload, attempts, created_at`,
      [now, new Date(now.getTime() + leaseMs), limit, types ? [...types] : null],
    );
    return rows
      .map((row: Row) => ({
        id: Number(row.id),
        message: parseObject(row.payload) as unknown as OutboxMessage,
        attempts: Number(row.attempts),
        createdAt: toDate(row.created_at),
      }))
      .sort((a, b) => a.id - b.id);
  }

  async completeOutbox(id: number): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET status = 'done', claimed_until = NULL, completed_at = now(),
         payload = CASE WHEN type IN (${SCRUBBED_OUTBOX_TYPES_SQL}) THEN ${SCRUBBED_PAYLOAD} ELSE payload END
       WHERE id = $1`,
      [id],
    );
  }

  async retryOutbox(id: number, nextAttemptAt: Date, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET next_attempt_at = $2, claimed_until = NULL, last_error = $3
       WHERE id = $1 AND status = 'pending'`,
      [id, nextAttemptAt, error],
    );
  }

  async deferOutbox(id: number, nextAttemptAt: Date): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET next_attempt_at = $2, claimed_until = NULL, attempts = greatest(attempts - 1, 0)
       WHERE id = $1 AND status = 'pending'`,
      [id, nextAttemptAt],
    );
  }

  async failedOutbox(limit: number): Promise<FailedDelivery[]> {
    const { rows } = await this.pool.query(
      `SELECT id, type, request_id, attempts, last_error, completed_at FROM outbox
       WHERE status = 'failed' ORDER BY completed_at DESC, id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row: Row) => ({
      id: Number(row.id),
      type: row.type as FailedDelivery['type'],
      requestId: (row.request_id as string | null) ?? null,
      attempts: Number(row.attempts),
      error: (row.last_error as string | null) ?? null,
      failedAt: toDate(row.completed_at as Date),
    }));
  }

  async failOutbox(id: number, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET status = 'failed', claimed_until = NULL, last_error = $2, completed_at = now(),
         payload = CASE WHEN type IN (${SCRUBBED_OUTBOX_TYPES_SQL}) THEN ${SCRUBBED_PAYLOAD} ELSE payload END
       WHERE id = $1`,
      [id, error],
    );
  }

  async pendingOutboxCount(): Promise<number> {
    const { rows } = await this.pool.query(`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`);
    return Number(rows[0].n);
  }

  async outboxHealth(now: Date): Promise<OutboxHealth> {
    const [pending, failed] = await Promise.all([
      this.pool.query(`SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE status = 'pending'`),
      this.pool.query(`SELECT type, count(*) AS n FROM outbox WHERE status = 'failed' GROUP BY type`),
    ]);
    const oldest = pending.rows[0].oldest as Date | null;
    return {
      pending: Number(pending.rows[0].n),
      oldestPendingSeconds: oldest === null ? 0 : Math.max(0, Math.floor((now.getTime() - toDate(oldest).getTime()) / 1000)),
      failedByType: Object.fromEntries(failed.rows.map((row: Row) => [row.type as string, Number(row.n)])),
    };
  }

  async changedSince(since: Date, limit: number, afterId?: string): Promise<{ id: string; updatedAt: Date }[]> {
    const { rows } =
      afterId === undefined
        ? await this.pool.query('SELECT id, updated_at FROM requests WHERE updated_at > $1 ORDER BY updated_at, id LIMIT $2', [since, limit])
        : await this.pool.query('SELECT id, updated_at FROM requests WHERE (updated_at, id) > ($1, $2) ORDER BY updated_at, id LIMIT $3', [since, afterId, limit]);
    return rows.map((row: Row) => ({ id: row.id as string, updatedAt: toDate(row.updated_at) }));
  }

  async deleteDeadline(deadline: Deadline): Promise<void> {
    await this.pool.query('DELETE FROM deadlines WHERE request_id = $1 AND kind = $2 AND due_at = $3', [deadline.requestId, deadline.kind, deadline.dueAt]);
  }

  async pruneOutbox(deliveredBefore: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE status = 'done' AND completed_at < $1 LIMIT $2)`,
      [deliveredBefore, limit],
    );
    return rowCount ?? 0;
  }

  async pruneDeadlines(dueBefore: Date, limit: number): Promise<Deadline[]> {
    // SKIP LOCKED: a row a sweeper is handling right now is left to it.
    const { rows } = await this.pool.query(
      `DELETE FROM deadlines WHERE (request_id, kind) IN (SELECT request_id, kind FROM deadlines
         WHERE due_at < $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING request_id, kind, due_at`,
      [dueBefore, limit],
    );
    return rows.map((row: Row) => ({ requestId: row.request_id as string, kind: row.kind as string, dueAt: toDate(row.due_at) }));
  }

  async addToRateCounter(key: string, bucketStart: Date, amount: number, keepUntil: Date): Promise<number> {
    // One statement: instances adding at once are serialised on the row, and each reads the count its add made.
    const { rows } = await this.pool.query(
      `INSERT INTO rate_counters (key, bucket_start, count, keep_until) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key, bucket_start) DO UPDATE SET count = rate_counters.count + excluded.count,
         keep_until = greatest(rate_counters.keep_until, excluded.keep_until)
       RETURNING count`,
      [key, bucketStart, amount, keepUntil],
    );
    return Number(rows[0].count);
  }

  async takeRateSlot(key: string, bucketStart: Date, keepUntil: Date, windows: readonly { from: Date; max: number }[]): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      // One decision per key at a time across instances: the sums and the add under a transaction-scoped lock.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 21))', [key]);
      for (const window of windows) {
        const { rows } = await client.query(
          'SELECT coalesce(sum(count), 0) AS n FROM rate_counters WHERE key = $1 AND bucket_start BETWEEN $2 AND $3',
          [key, window.from, bucketStart],
        );
        if (Number(rows[0].n) + 1 > window.max) return false;
      }
      await client.query(
        `INSERT INTO rate_counters (key, bucket_start, count, keep_until) VALUES ($1, $2, 1, $3)
         ON CONFLICT (key, bucket_start) DO UPDATE SET count = rate_counters.count + 1,
           keep_until = greatest(rate_counters.keep_until, excluded.keep_until)`,
        [key, bucketStart, keepUntil],
      );
      return true;
    });
  }

  async sumRateCounters(key: string, from: Date, to: Date): Promise<number> {
    const { rows } = await this.pool.query(
      'SELECT coalesce(sum(count), 0) AS n FROM rate_counters WHERE key = $1 AND bucket_start BETWEEN $2 AND $3',
      [key, from, to],
    );
    return Number(rows[0].n);
  }

  async pruneRateCounters(before: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      'DELETE FROM rate_counters WHERE (key, bucket_start) IN (SELECT key, bucket_start FROM rate_counters WHERE keep_until < $1 LIMIT $2)',
      [before, limit],
    );
    return rowCount ?? 0;
  }

  async claimDeadlines(now: Date, limit: number, leaseMs: number): Promise<Deadline[]> {
    const { rows } = await this.pool.query(
      `UPDATE deadlines SET claimed_until = $2
       WHERE (request_id, kind) IN (SELECT request_id, kind FROM deadlines
         WHERE due_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)
         ORDER BY due_at, request_id, kind LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING request_id, kind, due_at`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows
      .map((row: Row) => ({ requestId: row.request_id as string, kind: row.kind as string, dueAt: toDate(row.due_at) }))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  async saveQueue(queue: Queue, audit?: AdminEvent): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      if (queue.isDefault) {
        await client.query('UPDATE queues SET is_default = false WHERE purpose = $1 AND id <> $2 AND is_default', [queue.purpose, queue.id]);
      }
      await client.query(
        `INSERT INTO queues (id, name, purpose, is_default, team_id, channel_id, service_url, tenant_id, registered_by, registered_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, purpose = excluded.purpose, is_default = excluded.is_default,
           team_id = excluded.team_id, channel_id = excluded.channel_id, service_url = excluded.service_url,
           tenant_id = excluded.tenant_id, registered_by = excluded.registered_by, registered_at = excluded.registered_at`,
        [
          queue.id,
          queue.name,
          queue.purpose,
          queue.isDefault,
          queue.teamId,
          queue.channelId,
          queue.serviceUrl,
          queue.tenantId,
          queue.registeredBy,
          queue.registeredAt,
        ],
      );
      if (audit) await insertAdminEvent(client, audit);
    });
  }

  async getQueue(id: string): Promise<Queue | null> {
    const { rows } = await this.pool.query('SELECT * FROM queues WHERE id = $1', [id]);
    return rows.length > 0 ? toQueue(rows[0]) : null;
  }

  async listQueues(): Promise<Queue[]> {
    const { rows } = await this.pool.query('SELECT * FROM queues ORDER BY name, id');
    return rows.map(toQueue);
  }

  async unreachablePeople(): Promise<UnreachablePerson[]> {
    // Personal targets only: a queue card has no userId. Delivered rows are done with and not counted. People whose
    // chat could not be opened are listed even when nothing waits for them (a notice went by mail instead).
    const { rows } = await this.pool.query(
      `WITH waiting AS (
         SELECT coalesce(payload -> 'target' ->> 'userId', payload ->> 'userId') AS user_id, status
         FROM outbox WHERE type IN ('card.post', 'chat.notify') AND status IN ('pending', 'failed')),
       people AS (SELECT user_id FROM waiting WHERE user_id IS NOT NULL UNION SELECT aad_object_id FROM chat_reach)
       SELECT people.user_id,
         (SELECT count(*) FROM waiting WHERE waiting.user_id = people.user_id AND waiting.status = 'pending') AS pending,
         (SELECT count(*) FROM waiting WHERE waiting.user_id = people.user_id AND waiting.status = 'failed') AS failed,
         reach.status, reach.problem_code, reach.problem_detail, reach.since
       FROM people LEFT JOIN chat_reach reach ON reach.aad_object_id = people.user_id
       WHERE NOT EXISTS (SELECT 1 FROM personal_conversations chat WHERE chat.aad_object_id = people.user_id)
       ORDER BY people.user_id`,
    );
    return rows.map((row: Row) => ({ userId: row.user_id as string, reach: toChatReach(row), pending: Number(row.pending), failed: Number(row.failed) }));
  }

  async queueOutbox(messages: readonly OutboxMessage[], at: Date): Promise<void> {
    await inTransaction(this.pool, (client) => insertOutbox(client, messages, at));
  }

  async startOpeningChat(aadObjectId: string, at: Date): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO chat_reach (aad_object_id, status, problem_code, problem_detail, since)
         VALUES ($1, 'opening', NULL, NULL, $2)
         ON CONFLICT (aad_object_id) DO UPDATE SET status = 'opening', problem_code = NULL, problem_detail = NULL,
           since = excluded.since
         WHERE chat_reach.status <> 'opening'`,
        [aadObjectId, at],
      );
      if (rowCount !== 1) return false;
      await insertOutbox(client, [{ type: 'chat.install', requestId: null, userId: aadObjectId }], at);
      return true;
    });
  }

  async recordChatUnreachable(aadObjectId: string, problem: Problem, at: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO chat_reach (aad_object_id, status, problem_code, problem_detail, since)
       VALUES ($1, 'unreachable', $2, $3, $4)
       ON CONFLICT (aad_object_id) DO UPDATE SET status = 'unreachable', problem_code = excluded.problem_code,
         problem_detail = excluded.problem_detail, since = excluded.since`,
      [aadObjectId, problem.code, problem.detail, at],
    );
  }

  async chatReachOf(aadObjectId: string): Promise<ChatReach | null> {
    const { rows } = await this.pool.query('SELECT * FROM chat_reach WHERE aad_object_id = $1', [aadObjectId]);
    return rows.length > 0 ? toChatReach(rows[0]) : null;
  }

  async personLanguage(aadObjectId: string): Promise<PersonLanguage | null> {
    const { rows } = await this.pool.query('SELECT reported, chosen FROM person_languages WHERE aad_object_id = $1', [aadObjectId]);
    return rows.length > 0 ? toPersonLanguage(rows[0]) : null;
  }

  async saveReportedLanguage(aadObjectId: string, language: Language, at: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO person_languages (aad_object_id, reported, chosen, updated_at) VALUES ($1, $2, NULL, $3)
       ON CONFLICT (aad_object_id) DO UPDATE SET reported = excluded.reported, updated_at = excluded.updated_at`,
      [aadObjectId, language, at],
    );
  }

  async saveChosenLanguage(aadObjectId: string, language: Language | null, at: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO person_languages (aad_object_id, reported, chosen, updated_at) VALUES ($1, NULL, $2, $3)
       ON CONFLICT (aad_object_id) DO UPDATE SET chosen = excluded.chosen, updated_at = excluded.updated_at`,
      [aadObjectId, language, at],
    );
  }

  async queueLanguage(queueId: string): Promise<Language | null> {
    const { rows } = await this.pool.query('SELECT language FROM queue_languages WHERE queue_id = $1', [queueId]);
    const language: unknown = rows[0]?.language;
    return isLanguage(language) ? language : null;
  }

  async saveQueueLanguage(queueId: string, language: Language | null, at: Date): Promise<void> {
    if (language === null) {
      await this.pool.query('DELETE FROM queue_languages WHERE queue_id = $1', [queueId]);
      return;
    }
    await this.pool.query(
      `INSERT INTO queue_languages (queue_id, language, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (queue_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`,
      [queueId, language, at],
    );
  }

  async recordGreeting(scope: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query('INSERT INTO greetings (scope, greeted_at) VALUES ($1, $2) ON CONFLICT (scope) DO NOTHING', [scope, at]);
    return rowCount === 1;
  }

  async savePersonalConversation(conversation: PersonalConversation, audit?: AdminEvent | null): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO personal_conversations
           (aad_object_id, conversation_id, service_url, tenant_id, bot_id, user_id, name, time_zone)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (aad_object_id) DO UPDATE SET conversation_id = excluded.conversation_id,
           service_url = excluded.service_url, tenant_id = excluded.tenant_id, bot_id = excluded.bot_id,
           user_id = excluded.user_id, name = excluded.name, time_zone = excluded.time_zone`,
        [
          conversation.aadObjectId,
          conversation.conversationId,
          conversation.serviceUrl,
          conversation.tenantId,
          conversation.botId,
          conversation.userId,
          conversation.name,
          conversation.timeZone ?? null,
        ],
      );
      await client.query('DELETE FROM chat_reach WHERE aad_object_id = $1', [conversation.aadObjectId]);
      if (audit) await insertAdminEvent(client, audit);
    });
  }

  async listAdminEvents(): Promise<AdminEvent[]> {
    const { rows } = await this.pool.query('SELECT * FROM admin_events ORDER BY id');
    return rows.map(toAdminEvent);
  }

  async getPersonalConversation(aadObjectId: string): Promise<PersonalConversation | null> {
    const { rows } = await this.pool.query('SELECT * FROM personal_conversations WHERE aad_object_id = $1', [
      aadObjectId,
    ]);
    return rows.length > 0 ? toPersonalConversation(rows[0]) : null;
  }

  async anyPersonalConversation(): Promise<PersonalConversation | null> {
    // Without a creation time, any row serves: every chat of a tenant shares its service URL.
    const { rows } = await this.pool.query('SELECT * FROM personal_conversations LIMIT 1');
    return rows.length > 0 ? toPersonalConversation(rows[0]) : null;
  }

  async getLockboxSettings(): Promise<LockboxSettings> {
    const { rows } = await this.pool.query('SELECT value FROM settings WHERE key = $1', [LOCKBOX_SETTINGS_KEY]);
    return rows.length > 0 ? decodeLockboxSettings(rows[0].value) : { ...DEFAULT_LOCKBOX_SETTINGS };
  }

  async saveLockboxSettings(
    settings: LockboxSettings,
    audit: { actorId: string; at: Date; change: string },
    outbox: OutboxMessage[],
  ): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [LOCKBOX_SETTINGS_KEY, encodeLockboxSettings(settings)],
      );
      await client.query('INSERT INTO settings_events (actor_id, at, change) VALUES ($1, $2, $3)', [
        audit.actorId,
        audit.at,
        audit.change,
      ]);
      await insertOutbox(client, outbox, audit.at);
    });
  }

  async settingsEvents(): Promise<{ actorId: string; at: Date; change: string }[]> {
    const { rows } = await this.pool.query('SELECT actor_id, at, change FROM settings_events ORDER BY id');
    return rows.map(toSettingsEvent);
  }

  async saveApiKey(key: ApiKey): Promise<void> {
    await this.pool.query(
      `INSERT INTO api_keys (id, name, on_behalf_of, hash, created_at, revoked_at)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
      [key.id, key.name, JSON.stringify(key.onBehalfOf), key.hash, key.createdAt, key.revokedAt],
    );
  }

  async findApiKeyByHash(hash: string): Promise<ApiKey | null> {
    const { rows } = await this.pool.query('SELECT * FROM api_keys WHERE hash = $1', [hash]);
    return rows.length > 0 ? toApiKey(rows[0]) : null;
  }

  async listApiKeys(): Promise<ApiKey[]> {
    const { rows } = await this.pool.query('SELECT * FROM api_keys ORDER BY created_at, id');
    return rows.map(toApiKey);
  }

  async revokeApiKey(id: string, at: Date): Promise<boolean> {
    const result = await this.pool.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [
      id,
      at,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async recordGrant(grant: AccessGrant): Promise<void> {
    // A repeated grant (a retried outbox row) keeps the time access really began; a revoked grant starts afresh.
    await this.pool.query(
      `INSERT INTO access_grants (request_id, principal_id, resource, granted_at, revoked_at, scope, membership)
       VALUES ($1, $2, $3, $4, NULL, $5, $6)
       ON CONFLICT (request_id) DO UPDATE SET principal_id = excluded.principal_id, resource = excluded.resource,
         scope = excluded.scope, membership = excluded.membership,
         granted_at = CASE WHEN access_grants.revoked_at IS NULL THEN access_grants.granted_at
           ELSE excluded.granted_at END,
         revoked_at = NULL`,
      [grant.requestId, grant.principalId, grant.resource, grant.grantedAt, grant.scope, grant.membership],
    );
  }

  async recordRevoke(requestId: string, at: Date): Promise<void> {
    await this.pool.query('UPDATE access_grants SET revoked_at = $2 WHERE request_id = $1 AND revoked_at IS NULL', [
      requestId,
      at,
    ]);
  }

  async listGrants(): Promise<AccessGrant[]> {
    const { rows } = await this.pool.query('SELECT * FROM access_grants ORDER BY granted_at DESC, request_id DESC');
    return rows.map(toAccessGrant);
  }

  async grantOf(requestId: string): Promise<AccessGrant | null> {
    const { rows } = await this.pool.query('SELECT * FROM access_grants WHERE request_id = $1', [requestId]);
    return rows.length > 0 ? toAccessGrant(rows[0]) : null;
  }

  async runningGrantsOf(principalId: string, scope: string): Promise<AccessGrant[]> {
    const { rows } = await this.pool.query(
      'SELECT * FROM access_grants WHERE principal_id = $1 AND scope = $2 AND revoked_at IS NULL ORDER BY granted_at, request_id',
      [principalId, scope],
    );
    return rows.map(toAccessGrant);
  }

  async setGrantMembership(requestId: string, membership: GrantMembership): Promise<void> {
    await this.pool.query('UPDATE access_grants SET membership = $2 WHERE request_id = $1', [requestId, membership]);
  }

  async isLocalMember(scope: string, principalId: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM local_memberships WHERE scope = $1 AND principal_id = $2', [scope, principalId]);
    return rows.length > 0;
  }

  async addLocalMember(scope: string, principalId: string, at: Date): Promise<void> {
    await this.pool.query('INSERT INTO local_memberships (scope, principal_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      scope,
      principalId,
      at,
    ]);
  }

  async removeLocalMember(scope: string, principalId: string): Promise<void> {
    await this.pool.query('DELETE FROM local_memberships WHERE scope = $1 AND principal_id = $2', [scope, principalId]);
  }

  async erasePersonalData(requestId: string, erasure: Erasure): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      // The request's row lock orders an erasure against commits and another erasure of the same request.
      const { rows } = await client.query(
        `SELECT r.data, p.data AS personal, p.erased_at FROM requests r LEFT JOIN personal_data p ON p.request_id = r.id
         WHERE r.id = $1 FOR UPDATE OF r`,
        [requestId],
      );
      if (rows.length === 0) throw new DoormanError('REQUEST.NOT_FOUND', requestId);
      if (rows[0].erased_at !== null) return false;
      // A row written before a field became personal still holds it in `data`: written again, it holds none.
      const request = decodeRequest(rows[0].data, rows[0].personal ?? null);
      await client.query('UPDATE requests SET data = $1::jsonb WHERE id = $2', [encodeRequest(request).data, requestId]);
      await client.query(
        `INSERT INTO personal_data (request_id, data, erased_at, pseudonym) VALUES ($1, NULL, now(), $2)
         ON CONFLICT (request_id) DO UPDATE SET data = NULL, search_text = NULL,
           erased_at = coalesce(personal_data.erased_at, excluded.erased_at), pseudonym = excluded.pseudonym`,
        [requestId, erasure.pseudonym],
      );
      // A mail not yet handed over still holds the recipient's name and address: it is dropped with them.
      await client.query(
        `UPDATE outbox SET status = 'failed', claimed_until = NULL, last_error = 'personal data erased',
           completed_at = now(), payload = ${SCRUBBED_PAYLOAD}
         WHERE request_id = $1 AND status = 'pending' AND type IN (${SCRUBBED_OUTBOX_TYPES_SQL})`,
        [requestId],
      );
      await client.query(
        `UPDATE request_events SET reason = '${ERASED_TEXT}' WHERE request_id = $1 AND reason IS NOT NULL AND reason <> '${ERASED_TEXT}'`,
        [requestId],
      );
      await client.query(
        `INSERT INTO request_events (request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version)
         VALUES ($1, $2, 'erase', $3, $3, $4, $5, $6, $7, $8, $9)`,
        [requestId, request.kind, request.state, erasure.actorId, erasure.actorType, erasure.source, erasure.reason, erasure.at, request.version],
      );
      // Cards already in Teams still show the names: they are drawn again from the erased request.
      const redraw: OutboxMessage = { type: 'card.update', requestId, version: request.version };
      await client.query(
        `INSERT INTO outbox (request_id, type, payload, status, next_attempt_at, created_at) VALUES ($1, $2, $3::jsonb, 'pending', $4, $4)`,
        [requestId, redraw.type, JSON.stringify(redraw), erasure.at],
      );
      return true;
    });
  }

  async auditEventsPage(range: { from: Date; to: Date }, cursor: string | null, limit: number): Promise<{ events: AuditEvent[]; next: string | null }> {
    const after = parseAuditCursor(cursor, range.from);
    const { rows } = await this.pool.query(
      `SELECT * FROM request_events WHERE at >= $1 AND at < $2 AND (at, id) > ($3, $4) ORDER BY at, id LIMIT $5`,
      [range.from, range.to, after.at, after.id, limit],
    );
    return { events: rows.map(toAuditEvent), next: rows.length === limit ? auditCursorAfter(rows[rows.length - 1]) : null };
  }

  async requestIdsOfPerson(person: PersonKey): Promise<string[]> {
    const { rows } =
      'objectId' in person
        ? await this.pool.query('SELECT id FROM requests WHERE created_by = $1 OR assignee = $1 ORDER BY created_at, id', [person.objectId])
        : await this.pool.query(
            `SELECT r.id FROM requests r JOIN personal_data p ON p.request_id = r.id
             WHERE r.kind = 'session' AND lower(p.data->'recipient'->>'email') = lower($1) ORDER BY r.created_at, r.id`,
            [person.email],
          );
    return rows.map((row: Row) => row.id as string);
  }

  async requestsEndedBefore(ended: Readonly<Record<string, readonly string[]>>, endedBefore: Date, limit: number): Promise<string[]> {
    const kinds = Object.entries(ended).filter(([, states]) => states.length > 0);
    if (kinds.length === 0) return [];
    const params: unknown[] = [];
    const matches = kinds.map(([kind, states]) => {
      params.push(kind, [...states]);
      return `(r.kind = $${params.length - 1} AND r.state = ANY($${params.length}::text[]))`;
    });
    params.push(endedBefore, limit);
    const { rows } = await this.pool.query(
      `SELECT r.id FROM requests r LEFT JOIN personal_data p ON p.request_id = r.id
       WHERE (${matches.join(' OR ')}) AND r.updated_at < $${params.length - 1} AND p.erased_at IS NULL
       ORDER BY r.updated_at, r.id LIMIT $${params.length}`,
      params,
    );
    return rows.map((row: Row) => row.id as string);
  }

  async saveErasureRequest(erasure: ErasureRequest): Promise<void> {
    await this.pool.query(
      `INSERT INTO erasures (id, subject, pseudonym, state, version, requested_by, requested_at, decided_by, decided_at, erased_requests)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        erasure.id,
        encodeSubject(erasure.subject),
        erasure.pseudonym,
        erasure.state,
        erasure.version,
        erasure.requestedBy,
        erasure.requestedAt,
        erasure.decidedBy,
        erasure.decidedAt,
        erasure.erasedRequests,
      ],
    );
  }

  async getErasureRequest(id: string): Promise<ErasureRequest | null> {
    const { rows } = await this.pool.query('SELECT * FROM erasures WHERE id = $1', [id]);
    return rows.length > 0 ? toErasureRequest(rows[0]) : null;
  }

  async updateErasureRequest(erasure: ErasureRequest, expectedVersion: number): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE erasures SET subject = $2, state = $3, version = $4, decided_by = $5, decided_at = $6, erased_requests = $7
       WHERE id = $1 AND version = $8`,
      [erasure.id, encodeSubject(erasure.subject), erasure.state, erasure.version, erasure.decidedBy, erasure.decidedAt, erasure.erasedRequests, expectedVersion],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async unfinishedErasureRequests(): Promise<ErasureRequest[]> {
    const { rows } = await this.pool.query(`SELECT * FROM erasures WHERE state = 'confirmed' ORDER BY requested_at, id`);
    return rows.map(toErasureRequest);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

/** Queues messages, due from `at`; a message about no request (a settings change) has a null request id. */
async function insertOutbox(client: Pick<PoolClient, 'query'>, outbox: readonly OutboxMessage[], at: Date): Promise<void> {
  for (const message of outbox) {
    await client.query(
      `INSERT INTO outbox (request_id, type, payload, status, next_attempt_at, created_at)
       VALUES ($1, $2, $3::jsonb, 'pending', $4, $4)`,
      [message.requestId, message.type, JSON.stringify(message), at],
    );
  }
}

/** One card holds one role: the card the agent clicked to reopen becomes the invitation card, not both. */
async function upsertCard(client: Pick<Pool, 'query'>, card: CardActivity): Promise<void> {
  // One statement, so saveCardActivity outside a transaction moves the card atomically too.
  await client.query(
    `WITH moved AS (
       DELETE FROM card_activities WHERE request_id = $1 AND conversation_id = $3 AND activity_id = $4 AND role <> $2
     )
     INSERT INTO card_activities (request_id, role, conversation_id, activity_id, service_url, thread_id, language)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (request_id, role, conversation_id) DO UPDATE SET activity_id = excluded.activity_id,
       service_url = excluded.service_url, thread_id = excluded.thread_id, language = excluded.language`,
    [card.requestId, card.role, card.conversationId, card.activityId, card.serviceUrl, card.threadId, card.language ?? null],
  );
}

async function insertAdminEvent(client: PoolClient, event: AdminEvent): Promise<void> {
  const [action, subjectId, actorId, actorType, source, detail] = adminEventColumns(event);
  await client.query(
    `INSERT INTO admin_events (action, subject_id, actor_id, actor_type, source, at, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [action, subjectId, actorId, actorType, source, event.at, detail],
  );
}

function checkVersionMoves(change: Change): void {
  const { request, expectedVersion } = change;
  if (expectedVersion !== null && request.version <= expectedVersion) {
    throw new Error(`commit of ${request.id}: version ${request.version} does not move past ${expectedVersion}`);
  }
}

/**
 * Writes one plain update (see plainUpdates) as a single statement: the request compare-and-set on its version, and
 * only when that wrote the row, its personal data, events, deadlines and outbox (each sub-statement reads `written`).
 * The request's deadlines end as `change.deadlines`: other kinds deleted, these inserted or reset (due, unclaimed) —
 * what deleting all and inserting anew leaves, without touching one row twice in one statement.
 */
async function writePlainUpdate(pool: Pick<Pool, 'query'>, change: Change): Promise<void> {
  const { request, expectedVersion, events, deadlines } = change;
  const { columns, data, personal, searchText } = encodeRequest(request);
  const messages = change.outbox;
  const { rows } = await pool.query(
    `WITH written AS (
       UPDATE requests SET state = $2, version = $3, generation = $4, link_hash = $5, assignee = $6, queue_id = $7,
         updated_at = $8, data = $9::jsonb
       WHERE id = $1 AND version = $10
       RETURNING id
     ), personal AS (
       INSERT INTO personal_data (request_id, data, search_text) SELECT id, $11::jsonb, $12 FROM written
       ON CONFLICT (request_id) DO UPDATE SET data = excluded.data, search_text = excluded.search_text
       WHERE personal_data.erased_at IS NULL
     ), events AS (
       INSERT INTO request_events (request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version)
       SELECT e.request_id, e.kind, e.action, e.from_state, e.to_state, e.actor_id, e.actor_type, e.source, e.reason, e.at, e.version
       FROM written, unnest($13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[],
           $20::text[], $21::text[], $22::timestamptz[], $23::integer[]) WITH ORDINALITY
         AS e(request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version, n)
       ORDER BY e.n
     ), gone AS (
       DELETE FROM deadlines WHERE request_id IN (SELECT id FROM written) AND NOT (kind = ANY($24::text[]))
     ), due AS (
       INSERT INTO deadlines (request_id, kind, due_at)
       SELECT written.id, d.kind, d.due_at FROM written, unnest($24::text[], $25::timestamptz[]) AS d(kind, due_at)
       ON CONFLICT (request_id, kind) DO UPDATE SET due_at = excluded.due_at, claimed_until = NULL
     ), queued AS (
       INSERT INTO outbox (request_id, type, payload, status, next_attempt_at, created_at)
       SELECT o.request_id, o.type, o.payload, 'pending', $8, $8
       FROM written, unnest($26::text[], $27::text[], $28::jsonb[]) WITH ORDINALITY AS o(request_id, type, payload, n)
       ORDER BY o.n
     )
     SELECT count(*)::integer AS n FROM written`,
    [
      columns.id,
      columns.state,
      columns.version,
      columns.generation,
      columns.linkHash,
      columns.assignee,
      columns.queueId,
      // The change carries no clock: its messages are due from the moment the request says it changed.
      columns.updatedAt,
      data,
      expectedVersion,
      personal,
      searchText,
      ...eventColumns(events),
      deadlines.map((deadline) => deadline.kind),
      deadlines.map((deadline) => deadline.dueAt),
      messages.map((message) => message.requestId),
      messages.map((message) => message.type),
      messages.map((message) => JSON.stringify(message)),
    ],
  );
  if ((rows[0] as { n: number }).n === 0) throw new DoormanError('REQUEST.STALE_VERSION', request.id);
}

/**
 * Audit events as the arrays `unnest` takes, in request_events' column order: request_id, kind, action, from_state,
 * to_state, actor_id, actor_type, source, reason, at, version.
 */
function eventColumns(events: readonly AuditEvent[]): unknown[][] {
  return [
    events.map((event) => event.requestId),
    events.map((event) => event.kind),
    events.map((event) => event.action),
    events.map((event) => event.fromState),
    events.map((event) => event.toState),
    events.map((event) => event.actorId),
    events.map((event) => event.actorType),
    events.map((event) => event.source),
    events.map((event) => event.reason),
    events.map((event) => event.at),
    events.map((event) => event.version),
  ];
}

/** Writes one change on `client`, inside the caller's transaction. */
/**
 * Writes plain updates of distinct requests with one statement per table (columns passed as arrays): the update is
 * compare-and-set on each row's version, and only the rows it wrote get their events, deadlines and outbox. Returns,
 * per change, null when written or REQUEST.STALE_VERSION.
 */
async function writeChangesTogether(client: PoolClient, changes: readonly Change[]): Promise<(Error | null)[]> {
  const encoded = changes.map((change) => ({ change, ...encodeRequest(change.request) }));
  const column = <T>(read: (row: (typeof encoded)[number]) => T) => encoded.map(read);
  const { rows } = await client.query(
    `UPDATE requests r SET state = j.state, version = j.version, generation = j.generation, link_hash = j.link_hash,
       assignee = j.assignee, queue_id = j.queue_id, updated_at = j.updated_at, data = j.data
     FROM unnest($1::text[], $2::integer[], $3::text[], $4::integer[], $5::integer[], $6::text[], $7::text[], $8::text[],
         $9::timestamptz[], $10::jsonb[])
       AS j(id, expected, state, version, generation, link_hash, assignee, queue_id, updated_at, data)
     WHERE r.id = j.id AND r.version = j.expected
     RETURNING r.id`,
    [
      column(({ columns }) => columns.id),
      column(({ change }) => change.expectedVersion),
      column(({ columns }) => columns.state),
      column(({ columns }) => columns.version),
      column(({ columns }) => columns.generation),
      column(({ columns }) => columns.linkHash),
      column(({ columns }) => columns.assignee),
      column(({ columns }) => columns.queueId),
      column(({ columns }) => columns.updatedAt),
      column(({ data }) => data),
    ],
  );
  const written = new Set((rows as { id: string }[]).map((row) => row.id));
  const won = encoded.filter(({ change }) => written.has(change.request.id));
  await client.query(
    `INSERT INTO personal_data (request_id, data, search_text)
       SELECT id, data, search_text FROM unnest($1::text[], $2::jsonb[], $3::text[]) AS p(id, data, search_text)
     ON CONFLICT (request_id) DO UPDATE SET data = excluded.data, search_text = excluded.search_text
     WHERE personal_data.erased_at IS NULL`,
    [won.map(({ change }) => change.request.id), won.map(({ personal }) => personal), won.map(({ searchText }) => searchText)],
  );
  await writeRestTogether(client, won.map(({ change }) => change));
  return lostOf(changes, written);
}

/**
 * Writes changes that are all `move` (state, version and time, nothing else) with one UPDATE of those columns and of
 * the same fields in `data` (the rest of the row and its personal data stay), compare-and-set on each row's version
 * and on the states the move is legal in; then the rest of the rows that moved set by set. Returns, per change, null
 * when written or REQUEST.STALE_VERSION.
 */
async function writeMoves(client: PoolClient, move: StateMove, changes: readonly Change[]): Promise<(Error | null)[]> {
  const { rows } = await client.query(
    `UPDATE requests r SET state = $6, version = j.version, updated_at = j.updated_at,
       data = r.data || jsonb_build_object('state', $6::text, 'version', j.version, 'updatedAt', j.updated_iso)
     FROM unnest($1::text[], $2::integer[], $3::integer[], $4::timestamptz[], $5::text[])
       AS j(id, expected, version, updated_at, updated_iso)
     WHERE r.id = j.id AND r.version = j.expected AND r.kind = $7 AND r.state = ANY($8::text[])
     RETURNING r.id`,
    [
      changes.map(({ request }) => request.id),
      changes.map(({ expectedVersion }) => expectedVersion),
      changes.map(({ request }) => request.version),
      changes.map(({ request }) => request.updatedAt),
      changes.map(({ request }) => request.updatedAt.toISOString()),
      move.toState,
      move.kind,
      move.fromStates,
    ],
  );
  const written = new Set((rows as { id: string }[]).map((row) => row.id));
  await writeRestTogether(client, changes.filter((change) => written.has(change.request.id)));
  return lostOf(changes, written);
}

/** Per change: null when its request row was written, else REQUEST.STALE_VERSION. */
function lostOf(changes: readonly Change[], written: ReadonlySet<string>): (Error | null)[] {
  return changes.map((change) => (written.has(change.request.id) ? null : new DoormanError('REQUEST.STALE_VERSION', change.request.id)));
}

/** The audit events, deadlines and outbox rows of changes whose request rows were written, set by set. */
async function writeRestTogether(client: PoolClient, won: readonly Change[]): Promise<void> {
  const events = won.flatMap((change) => change.events);
  await client.query(
    `INSERT INTO request_events (request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version)
     SELECT request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
         $10::timestamptz[], $11::integer[]) WITH ORDINALITY
       AS e(request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version, n)
     ORDER BY n`,
    [
      ...eventColumns(events),
    ],
  );
  await client.query('DELETE FROM deadlines WHERE request_id = ANY($1::text[])', [won.map((change) => change.request.id)]);
  const deadlines = won.flatMap((change) => change.deadlines.map((deadline) => ({ ...deadline, requestId: change.request.id })));
  await client.query(
    `INSERT INTO deadlines (request_id, kind, due_at)
     SELECT request_id, kind, due_at FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS d(request_id, kind, due_at, n)
     ORDER BY n`,
    [deadlines.map((d) => d.requestId), deadlines.map((d) => d.kind), deadlines.map((d) => d.dueAt)],
  );
  // The change carries no clock: its messages are due from the moment the request says it changed.
  const messages = won.flatMap((change) => change.outbox.map((message) => ({ message, at: change.request.updatedAt })));
  await client.query(
    `INSERT INTO outbox (request_id, type, payload, status, next_attempt_at, created_at)
     SELECT request_id, type, payload, 'pending', at, at
     FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[]) WITH ORDINALITY AS o(request_id, type, payload, at, n)
     ORDER BY n`,
    [messages.map(({ message }) => message.requestId), messages.map(({ message }) => message.type), messages.map(({ message }) => JSON.stringify(message)), messages.map(({ at }) => at)],
  );
}

async function writeChange(client: PoolClient, change: Change): Promise<void> {
  const { request, expectedVersion } = change;
  const { columns, data, personal, searchText } = encodeRequest(request);
  const values = [
    columns.id,
    columns.kind,
    columns.state,
    columns.version,
    columns.generation,
    columns.linkHash,
    columns.createdBy,
    columns.assignee,
    columns.queueId,
    columns.createdAt,
    columns.updatedAt,
    data,
  ];
  // A concurrent writer of the same row waits for the first to commit, then sees the new version and matches nothing.
  const written =
    expectedVersion === null
      ? await client.query(
          `INSERT INTO requests (id, kind, state, version, generation, link_hash, created_by, assignee, queue_id,
             created_at, updated_at, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)
           ON CONFLICT (id) DO NOTHING`,
          values,
        )
      : await client.query(
          `UPDATE requests SET kind = $2, state = $3, version = $4, generation = $5, link_hash = $6,
             created_by = $7, assignee = $8, queue_id = $9, created_at = $10, updated_at = $11, data = $12::jsonb
           WHERE id = $1 AND version = $13`,
          [...values, expectedVersion],
        );
  if (written.rowCount === 0) throw new DoormanError('REQUEST.STALE_VERSION', request.id);

  // Once erased, personal data stays erased: a change decided on a copy read before the erasure cannot restore it.
  await client.query(
    `INSERT INTO personal_data (request_id, data, search_text) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (request_id) DO UPDATE SET data = excluded.data, search_text = excluded.search_text
     WHERE personal_data.erased_at IS NULL`,
    [request.id, personal, searchText],
  );
  for (const event of change.events) {
    await client.query(
      `INSERT INTO request_events
         (request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        event.requestId,
        event.kind,
        event.action,
        event.fromState,
        event.toState,
        event.actorId,
        event.actorType,
        event.source,
        event.reason,
        event.at,
        event.version,
      ],
    );
  }
  await client.query('DELETE FROM deadlines WHERE request_id = $1', [request.id]);
  for (const deadline of change.deadlines) {
    await client.query('INSERT INTO deadlines (request_id, kind, due_at) VALUES ($1, $2, $3)', [
      request.id,
      deadline.kind,
      deadline.dueAt,
    ]);
  }
  // The change carries no clock: its messages are due from the moment the request says it changed.
  await insertOutbox(client, change.outbox, request.updatedAt);
  for (const card of change.cardActivities ?? []) await upsertCard(client, card);
  if (change.replacedLinkHash) {
    await client.query(
      'INSERT INTO replaced_links (link_hash, request_id) VALUES ($1, $2) ON CONFLICT (link_hash) DO NOTHING',
      [change.replacedLinkHash, request.id],
    );
  }
}
