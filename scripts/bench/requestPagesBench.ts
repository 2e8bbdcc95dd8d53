/**
 * The Requests tab's filtered first page from 100,000 stored requests beside the same from 1,000, through the use
 * case the tab calls (visibility, filters, keyset page), interleaved per round; printed as a ratio. A separate file
 * so the main bench and this row can change apart: `npm run bench` includes it, and it runs alone as
 * `node dist/scripts/bench/requestPagesBench.js [--rounds 3] [--list 100000] [--pg] [--smoke]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { RequestPageQuery, pageOfRequests } from '../../src/application/oversight/requestPages';
import { RequestVisibility } from '../../src/domain/oversight';
import { aLockboxRequest } from '../../test/support/lockboxBuilder';
import { PostgresServer, createDatabase, startPostgres } from '../../test/support/postgresServer';
import { BenchRow, Round, quantile, renderTable, timed } from './benchKit';
import { BENCH_AGENT, BenchStore, aReadySession, openBenchStore, seed } from './benchStore';

/** The first words of the rows this file adds to the table, one per case. */
export const REQUEST_PAGE_ROWS = ["tab: an agent's open sessions", "tab: an approver's pending lockbox requests"] as const;

/** Options of the rows: how many requests the big store holds, rounds, and the store. */
export interface RequestPageBenchOptions {
  rounds: number;
  big: number;
  smoke: boolean;
  /** Where each store lives: a SQLite file or a PostgreSQL database, fresh per call. */
  target(name: string): Promise<{ sqlitePath: string } | { postgresUrl: string }>;
  log(line: string): void;
}

const QUEUES = ['q-1', 'q-2', 'q-3', 'q-4'];

/**
 * Seeds a deployment's mix: closed and open sessions spread over four queues, ended and pending lockbox requests,
 * created over time, then clones it to `count` rows.
 */
async function seedMix(store: BenchStore, count: number): Promise<void> {
  const now = new Date();
  const other = { aadObjectId: 'agent-other', name: 'Other Agent' };
  const mix: { share: number; seedOne(): Promise<string> }[] = [
    ...QUEUES.map((queueId) => ({ share: 0.15, seedOne: () => seedSession(store, aReadySession(now, { state: 'closed', closedReason: 'ended', queueId, createdBy: other, assignee: other })) })),
    ...QUEUES.map((queueId) => ({ share: 0.05, seedOne: () => seedSession(store, aReadySession(now, { state: 'open', queueId, createdBy: other, assignee: null })) })),
    { share: 0.15, seedOne: () => seedLockbox(store, 'ended', now) },
    { share: 0.05, seedOne: () => seedLockbox(store, 'pending', now) },
  ];
  for (const [index, part] of mix.entries()) {
    const template = await part.seedOne();
    await store.cloneRequest(template, `mix${index}-`, Math.max(0, Math.round(count * part.share) - 1));
  }
}

async function seedSession(store: BenchStore, request: ReturnType<typeof aReadySession>): Promise<string> {
  await seed(store.store, request);
  return request.id;
}

async function seedLockbox(store: BenchStore, state: 'ended' | 'pending', now: Date): Promise<string> {
  const request = aLockboxRequest({ id: `lockbox-${state}-${Math.random().toString(36).slice(2, 8)}`, state, queueId: 'q-approvals', createdAt: now, updatedAt: now });
  await store.store.commit({ request, expectedVersion: null, events: [], outbox: [], deadlines: [] });
  return request.id;
}

/** The tab's filters as two viewers use them: an agent (own and queue q-1) and an approver (every lockbox request). */
const CASES: { what: string; visibility: RequestVisibility; query: RequestPageQuery }[] = [
  { what: "an agent's open sessions (own + one of four queues),", visibility: { people: [BENCH_AGENT.aadObjectId], queueIds: ['q-1'], kinds: [] }, query: { kind: 'session', states: ['open'] } },
  { what: "an approver's pending lockbox requests,", visibility: { people: ['approver-amy'], queueIds: [], kinds: ['lockbox'] }, query: { kind: 'lockbox', states: ['pending'] } },
];

/** The rows: per case, the median first page (50 rows) at `big` stored ÷ the same at 1,000, per round. */
export async function requestPageRows(options: RequestPageBenchOptions): Promise<BenchRow[]> {
  options.log(`tab: filtered first page from 1,000 vs ${options.big} stored requests`);
  const stores: BenchStore[] = [];
  try {
    for (const [index, count] of [1_000, options.big].entries()) {
      const store = await openBenchStore(await options.target(`tab-pages-${index}-${count}`));
      stores.push(store);
      await seedMix(store, count);
      // A deployment's rows arrive over months and autovacuum keeps PostgreSQL's statistics; a bulk seed must ask.
      if (store.dialect === 'postgres') await store.timedSql('ANALYZE');
    }
    const deps = (store: BenchStore) => ({ requests: store.store });
    const firstPage = async (store: BenchStore, visibility: RequestVisibility, query: RequestPageQuery): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < (options.smoke ? 3 : 30); i++) {
        times.push(
          await timed(async () => {
            const page = await pageOfRequests(deps(store), visibility, query);
            if (page.requests.length === 0) throw new Error('the bench filter matched nothing');
          }),
        );
      }
      return quantile(times, 0.5);
    };
    const rounds = CASES.map((): Round[] => []);
    for (let round = 0; round < options.rounds; round++) {
      for (const [index, { visibility, query }] of CASES.entries()) {
        rounds[index].push({ baseline: await firstPage(stores[0], visibility, query), doorman: await firstPage(stores[1], visibility, query) });
      }
    }
    return CASES.map(({ what }, index) => ({
      what: `tab: ${what} filtered first page from ${options.big} stored vs 1,000`,
      baseline: 'the same with 1,000 stored',
      unit: 'ms',
      rounds: rounds[index],
      goal: '≤ 2×',
    }));
  } finally {
    for (const store of stores) await store.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
  const smoke = args.includes('--smoke');
  const work = mkdtempSync(join(os.tmpdir(), 'doorman-bench-pages-'));
  let postgres: PostgresServer | null = null;
  let databases = 0;
  try {
    const rows = await requestPageRows({
      rounds: smoke ? 1 : option('rounds', 3),
      big: smoke ? 2_000 : option('list', 100_000),
      smoke,
      log: (line) => process.stderr.write(`[bench] ${line}\n`),
      async target(name) {
        if (!args.includes('--pg')) return { sqlitePath: join(work, `${name}.db`) };
        postgres ??= await startPostgres();
        const database = `bench_pages_${++databases}`;
        await createDatabase(postgres.urlFor('postgres'), database);
        return { postgresUrl: postgres.urlFor(database) };
      },
    });
    process.stdout.write(`\nratio = Doorman ÷ baseline per round (lower is better)\n\n${renderTable(rows)}\n`);
  } finally {
    await (postgres as PostgresServer | null)?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
