import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { CardActivity, Store } from '../../src/application/ports';
import { SessionRequest } from '../../src/domain/session';
import { openPostgresRequestStore } from '../../src/adapters/storage/postgresRequestStore';
import { openSqliteRequestStore } from '../../src/adapters/storage/sqliteRequestStore';
import { aSessionRequest } from '../../test/support/sessionBuilder';

/** The agent who clicks (first agent of the bench's roles file). */
export const BENCH_AGENT = { aadObjectId: '00000000-0000-0000-0000-00000000a001', name: 'Alex Agent' };
export const BENCH_TENANT = 'tenant-bench';

/** A store the bench seeds, plus bulk SQL for the rows a deployment piles up (cloned from one template row). */
export interface BenchStore {
  store: Store;
  dialect: 'sqlite' | 'postgres';
  /** Copies request `templateId` `count` times as `<prefix><i>`, with created_at spread back in time. */
  cloneRequest(templateId: string, prefix: string, count: number): Promise<void>;
  /** Adds `count` delivered outbox rows (card updates of request `requestId`), delivered lately: inside the time they are kept. */
  addDeliveredOutbox(requestId: string, count: number): Promise<void>;
  /** Adds a due deadline (`expire`, due `dueAt`) for every request whose id starts with `prefix`. */
  addDeadlines(prefix: string, dueAt: Date): Promise<void>;
  /** Runs raw SQL (the plain-SQL baseline); returns milliseconds. */
  timedSql(sql: string): Promise<number>;
  close(): Promise<void>;
}

/** Opens the bench's store: a SQLite file, or a PostgreSQL database URL. */
export async function openBenchStore(target: { sqlitePath: string } | { postgresUrl: string }): Promise<BenchStore> {
  if ('sqlitePath' in target) {
    const store = openSqliteRequestStore(target.sqlitePath);
    const db = new Database(target.sqlitePath);
    db.pragma('busy_timeout = 5000');
    // Rows a deployment gathered over weeks were checkpointed long ago; one bulk insert leaves them all in a WAL of
    // tens of MB instead, which slows the next process's reads and is an artefact of seeding, not of age.
    const settle = () => db.pragma('wal_checkpoint(TRUNCATE)');
    const series = (count: number) => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})`;
    return {
      store,
      dialect: 'sqlite',
      async cloneRequest(templateId, prefix, count) {
        db.exec(`${series(count)}
          INSERT INTO requests (id, kind, state, version, generation, link_hash, created_by, assignee, queue_id, created_at, updated_at, data)
          SELECT '${prefix}' || i, kind, state, version, generation, CASE WHEN link_hash IS NULL THEN NULL ELSE '${prefix}hash-' || i END,
            created_by, assignee, queue_id, created_at - i * 1000, updated_at,
            json_set(data, '$.id', '${prefix}' || i, '$.linkHash', '${prefix}hash-' || i) FROM n, (SELECT * FROM requests WHERE id = '${templateId}')`);
        db.exec(`INSERT INTO personal_data (request_id, data) SELECT r.id, p.data FROM requests r, personal_data p
          WHERE r.id LIKE '${prefix}%' AND p.request_id = '${templateId}'`);
        settle();
      },
      async addDeliveredOutbox(requestId, count) {
        db.exec(`${series(count)}
          INSERT INTO outbox (request_id, type, payload, status, attempts, next_attempt_at, created_at, completed_at)
          SELECT '${requestId}', 'card.update', json_object('type', 'card.update', 'requestId', '${requestId}'), 'done', 1, 0,
            ${Date.now()} - i * 10, ${Date.now()} - i * 10 FROM n`);
        settle();
      },
      async addDeadlines(prefix, dueAt) {
        db.exec(`INSERT INTO deadlines (request_id, kind, due_at) SELECT id, 'expire', ${dueAt.getTime()} FROM requests WHERE id LIKE '${prefix}%'`);
      },
      async timedSql(sql) {
        const started = performance.now();
        db.exec(sql);
        return performance.now() - started;
      },
      async close() {
        db.close();
        await store.close();
      },
    };
  }
  const store = await openPostgresRequestStore(target.postgresUrl);
  const pool = new Pool({ connectionString: target.postgresUrl });
  return {
    store,
    dialect: 'postgres',
    async cloneRequest(templateId, prefix, count) {
      await pool.query(`INSERT INTO requests (id, kind, state, version, generation, link_hash, created_by, assignee, queue_id, created_at, updated_at, data)
        SELECT '${prefix}' || i, kind, state, version, generation, CASE WHEN link_hash IS NULL THEN NULL ELSE '${prefix}hash-' || i END,
          created_by, assignee, queue_id, created_at - i * interval '1 second', updated_at,
          jsonb_set(jsonb_set(data, '{id}', to_jsonb('${prefix}' || i)), '{linkHash}', to_jsonb('${prefix}hash-' || i)) FROM generate_series(1, ${count}) i, (SELECT * FROM requests WHERE id = '${templateId}') t`);
      await pool.query(`INSERT INTO personal_data (request_id, data) SELECT r.id, p.data FROM requests r, personal_data p
        WHERE r.id LIKE '${prefix}%' AND p.request_id = '${templateId}'`);
    },
    async addDeliveredOutbox(requestId, count) {
      await pool.query(`INSERT INTO outbox (request_id, type, payload, status, attempts, next_attempt_at, created_at, completed_at)
        SELECT '${requestId}', 'card.update', jsonb_build_object('type', 'card.update', 'requestId', '${requestId}'), 'done', 1,
          to_timestamp(0), now() - i * interval '10 ms', now() - i * interval '10 ms' FROM generate_series(1, ${count}) i`);
    },
    async addDeadlines(prefix, dueAt) {
      await pool.query(`INSERT INTO deadlines (request_id, kind, due_at) SELECT id, 'expire', $1 FROM requests WHERE id LIKE '${prefix}%'`, [dueAt]);
    },
    async timedSql(sql) {
      const started = performance.now();
      await pool.query(sql);
      return performance.now() - started;
    },
    async close() {
      await pool.end();
      await store.close();
    },
  };
}

let seeded = 0;

/** A session waiting for the agent to admit (customer arrived and granted access), assigned to the bench agent. */
export function aReadySession(now: Date, overrides: Partial<SessionRequest> = {}): SessionRequest {
  seeded += 1;
  const id = `bench-${process.pid}-${seeded}-${Math.random().toString(36).slice(2, 8)}`;
  return aSessionRequest({
    id,
    linkHash: `hash-${id}`,
    state: 'ready',
    customerName: 'Chris Customer',
    bindingHash: `binding-${id}`,
    assignee: BENCH_AGENT,
    createdBy: BENCH_AGENT,
    meeting: { provider: 'local', status: 'ready', joinUrl: null, meetingId: null, problem: null },
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + 24 * 3600_000),
    ...overrides,
  });
}

/** Commits `request` as new, with its cards. */
export async function seed(store: Store, request: SessionRequest, cards: CardActivity[] = []): Promise<void> {
  await store.commit({ request, expectedVersion: null, events: [], outbox: [], deadlines: [], cardActivities: cards });
}
