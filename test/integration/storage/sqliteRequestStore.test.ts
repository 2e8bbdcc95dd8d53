import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Store } from '../../../src/application/ports';
import { migrations } from '../../../src/adapters/storage/migrations';
import { openSqliteRequestStore } from '../../../src/adapters/storage/sqliteRequestStore';
import { anAuditEvent } from '../../support/auditEvents';
import { aSessionRequest } from '../../support/sessionBuilder';
import { describeRequestStoreContract } from './requestStoreContract';

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorman-sqlite-'));
const files = new Map<Store, string>();
let databases = 0;

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

function freshFile(): string {
  databases += 1;
  return path.join(workDir, `store-${databases}`, 'doorman.db');
}

async function open(sameDatabaseAs?: Store): Promise<Store> {
  const file = sameDatabaseAs ? files.get(sameDatabaseAs) : freshFile();
  if (!file) throw new Error('unknown store');
  const store = openSqliteRequestStore(file);
  files.set(store, file);
  return store;
}

function readRow<T>(store: Store, sql: string, ...params: unknown[]): T | undefined {
  const db = new Database(files.get(store) as string, { readonly: true });
  try {
    return db.prepare(sql).get(...params) as T | undefined;
  } finally {
    db.close();
  }
}

describeRequestStoreContract('SQLite', open, {
  async outboxRow(store, id) {
    const row = readRow<{ status: string; payload: string; last_error: string | null }>(
      store,
      'SELECT status, payload, last_error FROM outbox WHERE id = ?',
      id,
    );
    if (!row) throw new Error(`no outbox row ${id}`);
    return { status: row.status, payload: JSON.parse(row.payload), lastError: row.last_error };
  },
  async personalData(store, requestId) {
    const row = readRow<{ data: string | null }>(store, 'SELECT data FROM personal_data WHERE request_id = ?', requestId);
    return row?.data ? JSON.parse(row.data) : null;
  },
  async requestData(store, requestId) {
    const row = readRow<{ data: string }>(store, 'SELECT data FROM requests WHERE id = ?', requestId);
    if (!row) throw new Error(`no request ${requestId}`);
    return JSON.parse(row.data);
  },
});

/** Starts sqliteStoreProcess.ts; resolves once it waits for `go`. */
function startProcess(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; output: Promise<string> }> {
  const child = spawn(
    process.execPath,
    ['-r', path.join(__dirname, '..', '..', 'support', 'tsNodeCached.js'), path.join(__dirname, 'sqliteStoreProcess.ts'), ...args],
    { cwd: path.resolve(__dirname, '../../..') },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = new Promise<string>((resolve, reject) => {
    child.on('close', (code) =>
      code === 0 ? resolve(stdout.split('\n')[1] ?? '') : reject(new Error(`exit ${code}: ${stderr}`)),
    );
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const wasReady = stdout.startsWith('ready\n');
      stdout += chunk.toString();
      if (!wasReady && stdout.startsWith('ready\n')) resolve({ child, output });
    });
    output.catch(reject);
  });
}

/** Runs the same command in two processes that start at the same moment; returns what each printed. */
async function inTwoProcessesAtOnce(args: string[]): Promise<string[]> {
  const processes = await Promise.all([startProcess(args), startProcess(args)]);
  for (const { child } of processes) child.stdin.end('go\n');
  return Promise.all(processes.map(({ output }) => output));
}

describe('SQLite request store', () => {
  it('creates the folder of its file and uses WAL with foreign keys', async () => {
    const file = freshFile();
    const store = openSqliteRequestStore(file);
    try {
      expect(fs.existsSync(file)).toBe(true);
      const db = new Database(file, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
      // A page cache that holds an aged store's hot index pages (the default 2 MB does not).
      const internals = store as unknown as { db: Database.Database };
      expect(internals.db.pragma('cache_size', { simple: true })).toBe(-65_536);
    } finally {
      await store.close();
    }
  });

  it('claims, prunes and lists through indexes, so a long-lived store is not read in full (query plans)', async () => {
    const file = freshFile();
    const store = openSqliteRequestStore(file);
    try {
      await store.listRequests({ kind: 'lockbox', states: ['pending'], limit: 200 });
      // The statements the store really runs, planned by SQLite with the store's own connection.
      const internals = store as unknown as { db: Database.Database; statements: Record<string, Database.Statement>; listStatements: Map<string, Database.Statement> };
      const plan = (sql: string, params: unknown[]) =>
        (internals.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join(' | ');
      const claim = plan(internals.statements.claimOutbox.source, [{ now: 1, claimedUntil: 2, limit: 5, types: null }]);
      const deadlines = plan(internals.statements.claimDeadlines.source, [{ now: 1, claimedUntil: 2, limit: 5 }]);
      const prune = plan(internals.statements.pruneOutbox.source, [1, 5]);
      const [approverList] = [...internals.listStatements.keys()];
      const pending = plan(approverList, ['lockbox', 'pending', 200]);

      expect(claim).toContain('USING INDEX outbox_due');
      expect(claim).not.toMatch(/SCAN outbox(?! USING)/);
      expect(deadlines).toContain('USING INDEX deadlines_due');
      expect(deadlines).not.toContain('TEMP B-TREE');
      expect(prune).toContain('outbox_done');
      expect(pending).toContain('USING INDEX requests_kind_state');
      expect(pending).not.toMatch(/SCAN r(?! USING)/);
    } finally {
      await store.close();
    }
  });

  it('refuses to change or delete audit events', async () => {
    const file = freshFile();
    const store = openSqliteRequestStore(file);
    const request = aSessionRequest();
    await store.commit({
      request,
      expectedVersion: null,
      events: [
        anAuditEvent(request, 'create', null),
      ],
      outbox: [],
      deadlines: [],
    });
    await store.close();
    const db = new Database(file);
    try {
      expect(() => db.prepare(`UPDATE request_events SET reason = 'tampered'`).run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM request_events').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('refuses to change or delete settings audit lines', async () => {
    const file = freshFile();
    const store = openSqliteRequestStore(file);
    await store.saveLockboxSettings(
      { ...(await store.getLockboxSettings()), approvalRequired: false },
      { actorId: 'admin-ada', at: new Date('2030-03-04T09:00:00.000Z'), change: 'approvalRequired: true → false' },
      [],
    );
    await store.close();
    const db = new Database(file);
    try {
      expect(() => db.prepare(`UPDATE settings_events SET change = 'tampered'`).run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM settings_events').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('refuses to change or delete administrative audit events', async () => {
    const file = freshFile();
    const store = openSqliteRequestStore(file);
    await store.savePersonalConversation(
      { aadObjectId: 'person-1', conversationId: 'a:1', serviceUrl: 'https://smba.example/', tenantId: 't', botId: '28:bot', userId: '29:p', name: 'P' },
      { action: 'chat.recorded', subjectId: 'person-1', detail: null, actorId: 'person-1', actorType: 'person', source: 'chat', at: new Date('2030-03-04T09:00:00.000Z') },
    );
    await store.close();
    const db = new Database(file);
    try {
      expect(() => db.prepare(`UPDATE admin_events SET subject_id = 'tampered'`).run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM admin_events').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('makes outbox.request_id nullable on a database from before, keeping rows, ids, indexes and the foreign key', async () => {
    const file = freshFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    old.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
    for (const migration of migrations.filter(({ id }) => id <= 3)) {
      old.exec(migration.sqlite);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(migration.id, migration.name);
    }
    const request = aSessionRequest();
    old.prepare(`INSERT INTO requests (id, kind, state, version, generation, link_hash, created_by, created_at, updated_at, data)
      VALUES (?, 'session', 'open', 1, 1, ?, 'agent-anna', 0, 0, '{}')`).run(request.id, request.linkHash);
    const insert = old.prepare(`INSERT INTO outbox (request_id, type, payload, status, attempts, next_attempt_at, last_error, created_at)
      VALUES (?, 'card.update', ?, ?, ?, 0, ?, 0)`);
    insert.run(request.id, JSON.stringify({ type: 'card.update', requestId: request.id, version: 1 }), 'done', 1, null);
    insert.run(request.id, JSON.stringify({ type: 'card.update', requestId: request.id, version: 2 }), 'pending', 3, 'Graph 503');
    insert.run(request.id, JSON.stringify({ type: 'card.update', requestId: request.id, version: 3 }), 'pending', 0, null);
    // The newest id was handed out and its row removed: the rebuilt table must not hand it out again.
    old.prepare('DELETE FROM outbox WHERE id = 3').run();
    const rowsBefore = old.prepare('SELECT * FROM outbox ORDER BY id').all();
    old.close();

    const store = openSqliteRequestStore(file);
    await store.saveLockboxSettings(
      { ...(await store.getLockboxSettings()), approvalRequired: false },
      { actorId: 'admin-ada', at: new Date(0), change: 'approval off' },
      [{ type: 'chat.notify', requestId: null, userId: 'approver-amy', notice: { kind: 'lockboxReminder' } }],
    );
    const claimed = await store.claimOutbox(new Date(0), 10, 60_000);
    await store.close();

    expect(claimed.map((item) => [item.id, item.message.requestId])).toEqual([
      [2, request.id],
      [4, null],
    ]);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT * FROM outbox WHERE id <= 3 ORDER BY id').all()).toEqual(
        rowsBefore.map((row) => ({ ...(row as object), ...((row as { id: number }).id === 2 ? { attempts: 4, claimed_until: 60_000 } : {}) })),
      );
      const columns = db.prepare('PRAGMA table_info(outbox)').all() as { name: string; notnull: number }[];
      expect(columns.find((column) => column.name === 'request_id')?.notnull).toBe(0);
      const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name`).all();
      expect(indexes).toEqual([{ name: 'outbox_done' }, { name: 'outbox_due' }, { name: 'outbox_failed' }, { name: 'outbox_request' }]);
      expect(db.prepare('PRAGMA foreign_key_list(outbox)').all()).toEqual([
        expect.objectContaining({ table: 'requests', from: 'request_id', to: 'id' }),
      ]);
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'outbox_rebuilt%'`).all()).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('makes API key names unique on a database from before, moving requests to key ids where the name was unambiguous', async () => {
    const file = freshFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const old = new Database(file);
    old.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
    for (const migration of migrations.filter(({ id }) => id <= 5)) {
      old.exec(migration.sqlite);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(migration.id, migration.name);
    }
    const key = old.prepare(`INSERT INTO api_keys (id, name, on_behalf_of, hash, created_at) VALUES (?, ?, '["*"]', ?, ?)`);
    key.run('key-old', 'ticketing', 'h1', 1);
    key.run('key-new', 'ticketing', 'h2', 2);
    key.run('key-soar', 'soar', 'h3', 3);
    key.run('key-fake-app', 'app:ticketing-app', 'h4', 4);
    key.run('key-soar-2', 'SOAR', 'h5', 5);
    const request = old.prepare(`INSERT INTO requests (id, kind, state, version, generation, created_by, created_at, updated_at, data)
      VALUES (?, 'lockbox', 'pending', 1, 1, 'engineer-erin', 0, 0, ?)`);
    for (const [id, via] of [['r-soar', 'soar'], ['r-ticketing', 'ticketing'], ['r-app', 'app:ticketing-app'], ['r-chat', null]]) {
      request.run(id, JSON.stringify({ kind: 'lockbox', id, requestedVia: via }));
    }
    old.close();

    await openSqliteRequestStore(file).close();

    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT id, name FROM api_keys ORDER BY created_at').all()).toEqual([
        { id: 'key-old', name: 'ticketing' },
        { id: 'key-new', name: 'ticketing (key-new)' },
        { id: 'key-soar', name: 'soar' },
        { id: 'key-fake-app', name: 'app:ticketing-app' },
        { id: 'key-soar-2', name: 'SOAR (key-soar-2)' },
      ]);
      const via = (db.prepare('SELECT id, data FROM requests ORDER BY id').all() as { id: string; data: string }[]).map((row) => [row.id, JSON.parse(row.data).requestedVia]);
      // "ticketing" was two keys (names were compared exactly): no caller matches it any more, so only the requester
      // can act. "app:…" could be the Entra app as well as the key that borrowed its name: left alone.
      expect(via).toEqual([['r-app', 'app:ticketing-app'], ['r-chat', null], ['r-soar', 'key:key-soar'], ['r-ticketing', 'ticketing']]);
    } finally {
      db.close();
    }
  });


  it('gives queues from before a purpose: the lockbox queue "Approvers" serves approvals (its default), the rest sessions', async () => {
    const file = freshFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const old = new Database(file);
    old.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
    for (const migration of migrations.filter(({ id }) => id < 8)) {
      old.exec(migration.sqlite);
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(migration.id, migration.name);
    }
    const insert = old.prepare(`INSERT INTO queues (id, name, team_id, channel_id, service_url, tenant_id, registered_by, registered_at)
      VALUES (?, ?, NULL, ?, 'https://smba.example/', 'tenant-1', 'admin-ada', 0)`);
    insert.run('q-approvers', 'Approvers', '19:approvers');
    insert.run('q-tier1', 'Tier 1', '19:tier1');
    old.close();

    const store = openSqliteRequestStore(file);
    try {
      const queues = await store.listQueues();
      expect(queues.map(({ id, purpose, isDefault }) => ({ id, purpose, isDefault }))).toEqual([
        { id: 'q-approvers', purpose: 'approvals', isDefault: true },
        { id: 'q-tier1', purpose: 'sessions', isDefault: false },
      ]);
    } finally {
      await store.close();
    }
  });

  it('migrates once when two processes open a new file at the same moment', async () => {
    const file = freshFile();
    await inTwoProcessesAtOnce(['open', file]);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').all()).toEqual(migrations.map(({ id }) => ({ id })));
    } finally {
      db.close();
    }
  }, 30_000);

  it('hands each outbox row to one of two processes claiming at the same moment', async () => {
    const file = freshFile();
    const store = openSqliteRequestStore(file);
    const now = new Date('2030-03-04T09:00:00.000Z');
    for (let index = 0; index < 20; index += 1) {
      const request = aSessionRequest({ updatedAt: now });
      const outbox = Array.from({ length: 50 }, (_, version) => ({
        type: 'card.update' as const,
        requestId: request.id,
        version,
      }));
      await store.commit({ request, expectedVersion: null, events: [], outbox, deadlines: [] });
    }
    await store.close();

    const printed = await inTwoProcessesAtOnce(['claim', file, now.toISOString()]);
    const [first, second] = printed.map((line) => JSON.parse(line) as number[]);
    const all = [...first, ...second];
    expect(all).toHaveLength(1000);
    expect(new Set(all).size).toBe(1000);
  }, 30_000);
});
