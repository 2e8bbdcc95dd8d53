import { Client } from 'pg';
import { Store } from '../../../src/application/ports';
import { migrations } from '../../../src/adapters/storage/migrations';
import { openPostgresRequestStore } from '../../../src/adapters/storage/postgresRequestStore';
import { PostgresServer, createDatabase, startPostgres } from '../../support/postgresServer';
import { anAuditEvent } from '../../support/auditEvents';
import { aSessionRequest } from '../../support/sessionBuilder';
import { describeRequestStoreContract } from './requestStoreContract';

let server: PostgresServer | undefined;
const urls = new Map<Store, string>();
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

function running(): PostgresServer {
  if (!server) throw new Error('PostgreSQL did not start (see beforeAll)');
  return server;
}

/** A new, empty database on the test server: every test starts from nothing. */
async function freshDatabase(): Promise<string> {
  databases += 1;
  const name = `contract_${databases}`;
  await createDatabase(running().urlFor('postgres'), name);
  return running().urlFor(name);
}

async function open(sameDatabaseAs?: Store): Promise<Store> {
  const url = sameDatabaseAs ? urls.get(sameDatabaseAs) : await freshDatabase();
  if (!url) throw new Error('unknown store');
  const store = await openPostgresRequestStore(url);
  urls.set(store, url);
  return store;
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describeRequestStoreContract('PostgreSQL', open, {
  async outboxRow(store, id) {
    const [row] = await query<{ status: string; payload: unknown; last_error: string | null }>(
      urls.get(store) as string,
      'SELECT status, payload, last_error FROM outbox WHERE id = $1',
      [id],
    );
    if (!row) throw new Error(`no outbox row ${id}`);
    return { status: row.status, payload: row.payload, lastError: row.last_error };
  },
  async personalData(store, requestId) {
    const [row] = await query<{ data: unknown }>(
      urls.get(store) as string,
      'SELECT data FROM personal_data WHERE request_id = $1',
      [requestId],
    );
    return row?.data ?? null;
  },
  async requestData(store, requestId) {
    const [row] = await query<{ data: unknown }>(urls.get(store) as string, 'SELECT data FROM requests WHERE id = $1', [
      requestId,
    ]);
    if (!row) throw new Error(`no request ${requestId}`);
    return row.data;
  },
});

describe('PostgreSQL request store', () => {
  it('migrates once when several instances start on a new database at the same moment', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresRequestStore(url)));
    await Promise.all(stores.map((store) => store.close()));
    expect(await query(url, 'SELECT id FROM schema_migrations ORDER BY id')).toEqual(migrations.map(({ id }) => ({ id })));
  });

  it('refuses to change or delete audit events', async () => {
    const url = await freshDatabase();
    const store = await openPostgresRequestStore(url);
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
    await expect(query(url, `UPDATE request_events SET reason = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(query(url, 'DELETE FROM request_events')).rejects.toThrow(/append-only/);
    await expect(query(url, 'TRUNCATE request_events CASCADE')).rejects.toThrow(/append-only/);
  });

  it('refuses to change or delete settings audit lines', async () => {
    const url = await freshDatabase();
    const store = await openPostgresRequestStore(url);
    await store.saveLockboxSettings(
      { ...(await store.getLockboxSettings()), approvalRequired: false },
      { actorId: 'admin-ada', at: new Date('2030-03-04T09:00:00.000Z'), change: 'approvalRequired: true → false' },
      [],
    );
    await store.close();
    await expect(query(url, `UPDATE settings_events SET change = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(query(url, 'DELETE FROM settings_events')).rejects.toThrow(/append-only/);
    await expect(query(url, 'TRUNCATE settings_events')).rejects.toThrow(/append-only/);
  });

  it('refuses to change or delete administrative audit events', async () => {
    const url = await freshDatabase();
    const store = await openPostgresRequestStore(url);
    await store.savePersonalConversation(
      { aadObjectId: 'person-1', conversationId: 'a:1', serviceUrl: 'https://smba.example/', tenantId: 't', botId: '28:bot', userId: '29:p', name: 'P' },
      { action: 'chat.recorded', subjectId: 'person-1', detail: null, actorId: 'person-1', actorType: 'person', source: 'chat', at: new Date('2030-03-04T09:00:00.000Z') },
    );
    await store.close();
    await expect(query(url, `UPDATE admin_events SET subject_id = 'tampered'`)).rejects.toThrow(/append-only/);
    await expect(query(url, 'DELETE FROM admin_events')).rejects.toThrow(/append-only/);
    await expect(query(url, 'TRUNCATE admin_events')).rejects.toThrow(/append-only/);
  });

  it('makes outbox.request_id nullable on a database from before, keeping its rows', async () => {
    const url = await freshDatabase();
    const client = new Client({ connectionString: url });
    await client.connect();
    const request = aSessionRequest();
    try {
      await client.query('CREATE TABLE schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const migration of migrations.filter(({ id }) => id <= 3)) {
        await client.query(migration.postgres);
        await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
      }
      await client.query(
        `INSERT INTO requests (id, kind, state, version, generation, link_hash, created_by, created_at, updated_at, data)
         VALUES ($1, 'session', 'open', 1, 1, $2, 'agent-anna', now(), now(), '{}')`,
        [request.id, request.linkHash],
      );
      await client.query(
        `INSERT INTO outbox (request_id, type, payload, status, next_attempt_at, created_at)
         VALUES ($1, 'card.update', $2, 'pending', 'epoch', 'epoch')`,
        [request.id, JSON.stringify({ type: 'card.update', requestId: request.id, version: 1 })],
      );
    } finally {
      await client.end();
    }

    const store = await openPostgresRequestStore(url);
    try {
      await store.saveLockboxSettings(
        { ...(await store.getLockboxSettings()), approvalRequired: false },
        { actorId: 'admin-ada', at: new Date(0), change: 'approval off' },
        [{ type: 'chat.notify', requestId: null, userId: 'approver-amy', notice: { kind: 'lockboxReminder' } }],
      );
      const claimed = await store.claimOutbox(new Date(0), 10, 60_000);
      expect(claimed.map((item) => [item.id, item.message.requestId])).toEqual([
        [1, request.id],
        [2, null],
      ]);
    } finally {
      await store.close();
    }
    expect(
      await query(url, `SELECT is_nullable FROM information_schema.columns WHERE table_name = 'outbox' AND column_name = 'request_id'`),
    ).toEqual([{ is_nullable: 'YES' }]);
  });

  it('makes API key names unique on a database from before, moving requests to key ids where the name was unambiguous', async () => {
    const url = await freshDatabase();
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('CREATE TABLE schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const migration of migrations.filter(({ id }) => id <= 5)) {
        await client.query(migration.postgres);
        await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
      }
      const keys: [string, string, number][] = [
        ['key-old', 'ticketing', 1],
        ['key-new', 'ticketing', 2],
        ['key-soar', 'soar', 3],
        ['key-fake-app', 'app:ticketing-app', 4],
        ['key-soar-2', 'SOAR', 5],
      ];
      for (const [id, name, second] of keys) {
        await client.query(`INSERT INTO api_keys (id, name, on_behalf_of, hash, created_at) VALUES ($1, $2, '["*"]', $1, to_timestamp($3))`, [id, name, second]);
      }
      for (const [id, via] of [['r-soar', 'soar'], ['r-ticketing', 'ticketing'], ['r-app', 'app:ticketing-app'], ['r-chat', null]]) {
        await client.query(
          `INSERT INTO requests (id, kind, state, version, generation, created_by, created_at, updated_at, data)
           VALUES ($1, 'lockbox', 'pending', 1, 1, 'engineer-erin', now(), now(), $2)`,
          [id, JSON.stringify({ kind: 'lockbox', id, requestedVia: via })],
        );
      }
    } finally {
      await client.end();
    }

    await (await openPostgresRequestStore(url)).close();

    expect(await query(url, 'SELECT id, name FROM api_keys ORDER BY created_at')).toEqual([
      { id: 'key-old', name: 'ticketing' },
      { id: 'key-new', name: 'ticketing (key-new)' },
      { id: 'key-soar', name: 'soar' },
      { id: 'key-fake-app', name: 'app:ticketing-app' },
      { id: 'key-soar-2', name: 'SOAR (key-soar-2)' },
    ]);
    expect(await query(url, `SELECT id, data->>'requestedVia' AS via FROM requests ORDER BY id`)).toEqual([
      { id: 'r-app', via: 'app:ticketing-app' },
      { id: 'r-chat', via: null },
      { id: 'r-soar', via: 'key:key-soar' },
      { id: 'r-ticketing', via: 'ticketing' },
    ]);
  });


  it('gives queues from before a purpose: the lockbox queue "Approvers" serves approvals (its default), the rest sessions', async () => {
    const url = await freshDatabase();
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('CREATE TABLE schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      for (const migration of migrations.filter(({ id }) => id < 8)) {
        await client.query(migration.postgres);
        await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [migration.id, migration.name]);
      }
      for (const [id, name] of [['q-approvers', 'Approvers'], ['q-tier1', 'Tier 1']]) {
        await client.query(
          `INSERT INTO queues (id, name, team_id, channel_id, service_url, tenant_id, registered_by, registered_at)
           VALUES ($1, $2, NULL, $3, 'https://smba.example/', 'tenant-1', 'admin-ada', 'epoch')`,
          [id, name, `19:${id}`],
        );
      }
    } finally {
      await client.end();
    }

    const store = await openPostgresRequestStore(url);
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

  it('hands each outbox row to one of many claimers on separate pools', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresRequestStore(url)));
    try {
      const now = new Date('2030-03-04T09:00:00.000Z');
      for (let index = 0; index < 10; index += 1) {
        const request = aSessionRequest({ updatedAt: now });
        const outbox = Array.from({ length: 50 }, (_, version) => ({
          type: 'card.update' as const,
          requestId: request.id,
          version,
        }));
        await stores[0].commit({ request, expectedVersion: null, events: [], outbox, deadlines: [] });
      }
      // Two claimers per pool, so that claims overlap on the server, not only in this process.
      const claimers = [...stores, ...stores].map(async (store) => {
        const ids: number[] = [];
        for (;;) {
          const items = await store.claimOutbox(now, 3, 600_000);
          if (items.length === 0) return ids;
          ids.push(...items.map((item) => item.id));
        }
      });
      const all = (await Promise.all(claimers)).flat();
      expect(all).toHaveLength(500);
      expect(new Set(all).size).toBe(500);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('lets one of many concurrent changes from the same version win', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresRequestStore(url)));
    try {
      const request = aSessionRequest();
      await stores[0].commit({ request, expectedVersion: null, events: [], outbox: [], deadlines: [] });
      const results = await Promise.allSettled(
        stores.map((store, index) =>
          store.commit({
            request: { ...request, version: 2, comments: `writer ${index}` },
            expectedVersion: 1,
            events: [],
            outbox: [{ type: 'card.update', requestId: request.id, version: 2 }],
            deadlines: [],
          }),
        ),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect(await stores[0].pendingOutboxCount()).toBe(1);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('says what is wrong when the database cannot be reached', async () => {
    await expect(openPostgresRequestStore('postgres://postgres@127.0.0.1:1/nowhere')).rejects.toThrow(/ECONNREFUSED/);
  });
});
