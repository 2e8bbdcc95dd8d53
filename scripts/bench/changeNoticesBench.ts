/**
 * What PostgreSQL's change notices cost a set-wise update (issue 14): the per-row trigger of migration 21 (one NOTIFY
 * per changed request) against the per-statement triggers of migration 31 (one NOTIFY per statement), with no trigger
 * as the baseline, measured in the same run, interleaved, on one database of `--rows` requests (10,000 and 100,000 by
 * default). Each figure is the time from sending the UPDATE of every row to its commit, and to the moment a listening
 * connection has received every notice it sends (what each listening instance must read).
 *
 *   node -r ts-node/register/transpile-only scripts/bench/changeNoticesBench.ts [--rounds 3] [--rows 10000,100000]
 */
import { Client } from 'pg';
import { createLogger } from '../../src/adapters/logging/pinoLogger';
import { REQUEST_CHANGES_CHANNEL, readNotice } from '../../src/adapters/storage/postgresChangeFeed';
import { systemClock } from '../../src/adapters/system/systemClock';
import { InProcessRequestChanges } from '../../src/application/shared/requestChanges';
import { StoreChangeFeed } from '../../src/application/shared/storeChangeFeed';
import { createDatabase, startPostgres } from '../../test/support/postgresServer';
import { BenchRow, renderTable, sleep, spread } from './benchKit';
import { aReadySession, openBenchStore, seed } from './benchStore';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const ROUNDS = Number(option('rounds', '3'));
const SIZES = option('rows', '10000,100000').split(',').map(Number);

type Variant = 'none' | 'per row' | 'per statement';
const VARIANTS: readonly Variant[] = ['none', 'per row', 'per statement'];

/** Leaves only `variant`'s triggers on `requests` (the per-row one as migration 21 made it). */
async function useTriggers(sql: Client, variant: Variant): Promise<void> {
  await sql.query(`
    DROP TRIGGER IF EXISTS requests_changed ON requests;
    DROP TRIGGER IF EXISTS requests_changed_on_insert ON requests;
    DROP TRIGGER IF EXISTS requests_changed_on_update ON requests;
    CREATE OR REPLACE FUNCTION bench_request_changed_per_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('doorman_request_changes', NEW.id || ' ' || floor(extract(epoch FROM NEW.updated_at) * 1000)::bigint);
      RETURN NULL;
    END
    $$;`);
  if (variant === 'per row') {
    await sql.query(`CREATE TRIGGER requests_changed AFTER INSERT OR UPDATE ON requests FOR EACH ROW EXECUTE FUNCTION bench_request_changed_per_row()`);
  } else if (variant === 'per statement') {
    await sql.query(`
      CREATE TRIGGER requests_changed_on_insert AFTER INSERT ON requests
        REFERENCING NEW TABLE AS changed_requests FOR EACH STATEMENT EXECUTE FUNCTION doorman_requests_changed();
      CREATE TRIGGER requests_changed_on_update AFTER UPDATE ON requests
        REFERENCING NEW TABLE AS changed_requests FOR EACH STATEMENT EXECUTE FUNCTION doorman_requests_changed();`);
  }
}

async function main(): Promise<void> {
  const server = await startPostgres();
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  try {
    for (const size of SIZES) {
      const database = `notices_${size}`;
      await createDatabase(server.urlFor('postgres'), database);
      const url = server.urlFor(database);
      const bench = await openBenchStore({ postgresUrl: url });
      const template = aReadySession(new Date());
      await seed(bench.store, template);
      await bench.cloneRequest(template.id, 'n-', size - 1);
      const sql = new Client({ connectionString: url });
      const listener = new Client({ connectionString: url });
      await sql.connect();
      await listener.connect();
      for (const client of [sql, listener]) client.on('error', () => undefined);
      let received = 0;
      let lastPayload = '';
      let onNotice: () => void = () => undefined;
      listener.on('notification', (notice) => {
        received += 1;
        lastPayload = notice.payload ?? '';
        onNotice();
      });
      const readBack: number[] = [];
      await listener.query(`LISTEN ${REQUEST_CHANGES_CHANNEL}`);
      const committed = new Map<Variant, number[]>(VARIANTS.map((variant) => [variant, []]));
      const heard = new Map<Variant, number[]>(VARIANTS.map((variant) => [variant, []]));
      const listenerCpu = new Map<Variant, number[]>(VARIANTS.map((variant) => [variant, []]));
      const notices = new Map<Variant, number>();
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
          await useTriggers(sql, variant);
          await sql.query('VACUUM ANALYZE requests');
          await sleep(200);
          received = 0;
          const cpu = process.cpuUsage();
          const started = performance.now();
          // Milliseconds, as Doorman stamps updated_at (from its clock): the change cursor pages on them.
          await sql.query(`UPDATE requests SET version = version + 1, updated_at = date_trunc('milliseconds', clock_timestamp())`);
          const done = performance.now();
          const expected = variant === 'none' ? 0 : variant === 'per row' ? size : 1;
          if (received < expected) await new Promise<void>((resolve) => (onNotice = () => received >= expected && resolve()));
          onNotice = () => undefined;
          const all = performance.now();
          await sleep(200);
          const used = process.cpuUsage(cpu);
          listenerCpu.get(variant)!.push((used.user + used.system) / 1000);
          const notice = variant === 'per statement' ? readNotice(lastPayload) : null;
          if (notice && 'manyFrom' in notice) {
            // What each listening instance then does: read the change cursor from the oldest change and publish every id.
            const feed = new StoreChangeFeed(bench.store, new InProcessRequestChanges(), systemClock, createLogger('warn'));
            const reading = performance.now();
            const told = await feed.readFrom(notice.manyFrom);
            readBack.push(performance.now() - reading);
            if (told !== size) throw new Error(`the catch-up read told ${told} of ${size}`);
          }
          committed.get(variant)!.push(done - started);
          heard.get(variant)!.push(all - started);
          notices.set(variant, received);
          process.stderr.write(`${size} rows, round ${round + 1}, ${variant}: committed ${(done - started).toFixed(0)} ms, all ${received} notices heard ${(all - started).toFixed(0)} ms, listener CPU ${listenerCpu.get(variant)!.at(-1)!.toFixed(0)} ms\n`);
        }
      }
      for (const variant of ['per row', 'per statement'] as const) {
        const rounds = (figures: Map<Variant, number[]>) => figures.get('none')!.map((baseline, i) => ({ baseline, doorman: figures.get(variant)![i] }));
        rows.push({ what: `UPDATE of ${size} requests, ${variant} notices: committed`, baseline: 'no trigger', unit: 'ms', rounds: rounds(committed), goal: '—', note: `${notices.get(variant)} notices` });
        rows.push({ what: `UPDATE of ${size} requests, ${variant} notices: all heard by a listener`, baseline: 'no trigger', unit: 'ms', rounds: rounds(heard), goal: '—' });
      }
      const cpuRounds = listenerCpu.get('per row')!.map((baseline, i) => ({ baseline, doorman: listenerCpu.get('per statement')![i] }));
      rows.push({ what: `UPDATE of ${size} requests: CPU of the listening process (this one) while notices arrive`, baseline: 'per row notices', unit: 'ms', rounds: cpuRounds, goal: '—', note: 'Doorman column: per statement' });
      if (readBack.length > 0) notes.push(`${size} rows, per statement: each listener's catch-up read of every changed id took ${readBack.map((ms) => ms.toFixed(0)).join(', ')} ms`);
      const perRow = spread(heard.get('per row')!);
      const perStatement = spread(heard.get('per statement')!);
      notes.push(`${size} rows: per statement vs per row, all heard: median ${perStatement.median.toFixed(0)} vs ${perRow.median.toFixed(0)} ms`);
      await sql.end();
      await listener.end();
      await bench.close();
    }
  } finally {
    await server.stop();
  }
  process.stdout.write(`${renderTable(rows)}\n${notes.join('\n')}\n`);
}

void main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
