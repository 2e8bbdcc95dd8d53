/**
 * `npm run bench`: Doorman beside its baselines, measured in the same run, interleaved A B A B for `--rounds`
 * rounds, printed as one table of ratios (Doorman ÷ baseline per round; min / median / max). Runs compiled
 * JavaScript (`npm run bench` builds first). SQLite by default; `--pg` runs the store rows on PostgreSQL.
 * Options: --rounds 3 · --n 20000 (aged rows, deadlines, listing; `--full` = 1,000,000 / 100,000) · --sse 1000 ·
 * --only <row prefix>[,<prefix>] (e.g. `--only 'card action p50, 1 concurrent'`: that row and its p99 twin) · --smoke (one tiny round of every row, for the integration tier).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { startDoorman } from '../../src/main';
import { systemClock } from '../../src/adapters/system/systemClock';
import { sessionAgentCard } from '../../src/adapters/teams/session/sessionAgentCard';
import { TEAMS_THREAD_LIMITS } from '../../src/adapters/teams/threadRateLimiter';
import { cardViewOf } from '../../src/application/shared/cardViews';
import { BotConnectorDouble } from '../../test/support/botConnectorDouble';
import { startPostgres, PostgresServer, createDatabase } from '../../test/support/postgresServer';
import { BenchProcess, BenchRow, Round, closedLoop, get, postJson, quantile, renderTable, sleep, startNode, timed } from './benchKit';
import { BENCH_AGENT, BENCH_TENANT, BenchStore, aReadySession, openBenchStore, seed } from './benchStore';
import { REQUEST_PAGE_ROWS, requestPageRows } from './requestPagesBench';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const smoke = flag('smoke');
const full = flag('full');
const usePg = flag('pg');
const ROUNDS = smoke ? 1 : option('rounds', 3);
const N = smoke ? 200 : option('n', full ? 1_000_000 : 20_000);
const DEADLINES = smoke ? 100 : option('deadlines', full ? 100_000 : 10_000);
const LIST_BIG = smoke ? 1_000 : option('list', 100_000);
const SSE_CLIENTS = smoke ? 20 : option('sse', full ? 10_000 : 1_000);
const THREAD_MESSAGES = smoke ? 8 : option('thread', 64);
const DESTINATIONS = smoke ? 16 : option('destinations', 200);
const CLICKS: Record<number, number> = smoke ? { 1: 10, 10: 20, 50: 50 } : { 1: 150, 10: 300, 50: 500 };
const only = (() => {
  const at = args.indexOf('--only');
  // Row names hold ", ": only a comma without a space after it separates prefixes.
  return at >= 0 ? args[at + 1].split(/,(?! )/) : null;
})();
/** The first words of every row the table prints (the integration tier's smoke checks each is there). */
export const BENCH_ROWS = [
  'card action p50, 1 concurrent',
  'card action p99, 1 concurrent',
  'card action p50, 10 concurrent',
  'card action p99, 10 concurrent',
  'card action p50, 50 concurrent',
  'card action p99, 50 concurrent',
  'card action p50, 1 at a time, after',
  'card action p99, 1 at a time, after',
  'deadlines due at once',
  'delivery:',
  'one thread:',
  '/healthz p99',
  'live pages: ',
  'live pages, told:',
  'agent card size',
  'start to ready',
  'idle RSS',
  "listing: an agent's open sessions",
  "listing: approver's pending",
  'card action p50, 1 at a time: the aged store',
  ...REQUEST_PAGE_ROWS,
] as const;
const wanted = (row: string) => !only || only.some((prefix) => row.startsWith(prefix));

const root = join(__dirname, '..', '..');
// `npm run bench` runs compiled (dist/); the integration tier's smoke runs the sources under ts-node, and its child
// processes with the loader it was started with (`-r`: ts-node, or the tests' ts-node with kept output).
const compiled = __filename.endsWith('.js');
const ext = compiled ? 'js' : 'ts';
const NODE_ARGS = compiled ? [] : ['-r', preloadedLoader() ?? 'ts-node/register/transpile-only'];
const DOORMAN_MAIN = join(root, 'src', `main.${ext}`);
// `--profile <dir>`: the Doorman processes of the card action rows, and their echo bot, write a CPU profile there
// (`node --cpu-prof`; the echo bot's is the smaller file).
const PROFILE_DIR = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : null;
const DOORMAN_ARGS = PROFILE_DIR ? [...NODE_ARGS, '--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : NODE_ARGS;
const ECHO_BOT = join(__dirname, `echoBotServer.${ext}`);
const BARE_SSE = join(__dirname, `bareSseServer.${ext}`);
const work = mkdtempSync(join(os.tmpdir(), 'doorman-bench-'));
const rows: BenchRow[] = [];
let postgres: PostgresServer | null = null;
let databases = 0;

/** The module this process was started with `-r` (or `--require`), if any. */
function preloadedLoader(): string | undefined {
  const at = process.execArgv.findIndex((arg) => arg === '-r' || arg === '--require');
  return at >= 0 ? process.execArgv[at + 1] : undefined;
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** A roles file with `agents` agents (Alex first) and two approvers. */
function rolesFile(agents: number): string {
  const users = [
    { aadObjectId: BENCH_AGENT.aadObjectId, name: BENCH_AGENT.name, roles: ['admin', 'agent'] },
    { aadObjectId: '00000000-0000-0000-0000-00000000c003', name: 'Carl Approver', roles: ['approver'] },
    { aadObjectId: '00000000-0000-0000-0000-00000000f006', name: 'Finn Approver', roles: ['approver'] },
    ...Array.from({ length: agents - 1 }, (_, i) => ({
      aadObjectId: `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
      name: `Agent Number ${String(i).padStart(4, '0')}`,
      roles: ['agent'],
    })),
  ];
  const file = join(work, `roles-${agents}.json`);
  writeFileSync(file, JSON.stringify({ users }));
  return file;
}

/** A fresh store target: a SQLite file, or a fresh database on the bench's PostgreSQL. */
async function freshTarget(name: string): Promise<{ sqlitePath: string } | { postgresUrl: string }> {
  if (!usePg) return { sqlitePath: join(work, `${name}.db`) };
  postgres ??= await startPostgres();
  const database = `bench_${++databases}`;
  await createDatabase(postgres.urlFor('postgres'), database);
  return { postgresUrl: postgres.urlFor(database) };
}

function storeEnv(target: { sqlitePath: string } | { postgresUrl: string }): Record<string, string> {
  return 'sqlitePath' in target ? { SQLITE_PATH: target.sqlitePath } : { DATABASE_URL: target.postgresUrl };
}

function doormanEnv(target: { sqlitePath: string } | { postgresUrl: string }, agents = 20): Record<string, string> {
  return {
    ...storeEnv(target),
    MAIL_DIR: join(work, 'mail'),
    ROLES_FILE: rolesFile(agents),
    LOG_LEVEL: 'warn',
    ALLOWED_TENANT_IDS: BENCH_TENANT,
    DEFAULT_TIME_ZONE: 'Europe/Berlin',
    NODE_ENV: 'production',
  };
}

/** The Action.Execute invoke Teams sends when the agent clicks `verb` on a request's card. */
function invoke(serviceUrl: string, verb: string, data: Record<string, unknown>, i: number): Record<string, unknown> {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `bench-${i}`,
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${BENCH_AGENT.aadObjectId}`, aadObjectId: BENCH_AGENT.aadObjectId, name: BENCH_AGENT.name },
    recipient: { id: '28:doorman', name: 'Doorman' },
    conversation: { id: `a:personal-${BENCH_AGENT.aadObjectId}`, conversationType: 'personal', tenantId: BENCH_TENANT },
    channelData: { tenant: { id: BENCH_TENANT } },
    replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** p50 and p99 of `count` admit clicks at `concurrency` against the echo bot and against Doorman, per round. */
async function clickRounds(
  echo: BenchProcess,
  doorman: BenchProcess,
  store: BenchStore,
  connector: BotConnectorDouble,
  concurrency: number,
): Promise<{ p50: Round; p99: Round; throughput: Round; cpu: Round }> {
  const count = CLICKS[concurrency];
  const sessions: ReturnType<typeof aReadySession>[] = [];
  for (let i = 0; i < count; i++) {
    const session = aReadySession(systemClock.now());
    await seed(store.store, session);
    sessions.push(session);
  }
  const echoMs: number[] = [];
  const echoCpu = echo.cpuMs();
  const echoTime = await timed(async () =>
    echoMs.push(...(await closedLoop(count, concurrency, async (i) => (await postJson(`${echo.url}/api/messages`, invoke(connector.url, 'session.admit', { requestId: `echo-${i}`, version: 1 }, i))).status))),
  );
  const echoCpuMs = echo.cpuMs() - echoCpu;
  const doormanMs: number[] = [];
  const doormanCpu = doorman.cpuMs();
  const doormanTime = await timed(async () =>
    doormanMs.push(
      ...(await closedLoop(count, concurrency, async (i) => {
        const answer = await postJson(`${doorman.url}/api/messages`, invoke(connector.url, 'session.admit', { requestId: sessions[i].id, version: sessions[i].version }, i));
        // A refused click answers 200 with an error card: only a committed admit counts.
        return answer.status === 200 && answer.body.includes('"statusCode":200') ? 200 : answer.status === 200 ? 599 : answer.status;
      })),
    ),
  );
  // CPU per click, the bot's process alone (Doorman's includes the card updates its dispatcher sends meanwhile): far
  // less swayed by other load on the machine than the latencies are.
  const doormanCpuMs = doorman.cpuMs() - doormanCpu;
  return {
    cpu: { baseline: echoCpuMs / count, doorman: doormanCpuMs / count },
    p50: { baseline: quantile(echoMs, 0.5), doorman: quantile(doormanMs, 0.5) },
    p99: { baseline: quantile(echoMs, 0.99), doorman: quantile(doormanMs, 0.99) },
    throughput: { baseline: (count / echoTime) * 1000, doorman: (count / doormanTime) * 1000 },
  };
}

async function cardActionRows(): Promise<void> {
  // `--only 'card action p50, 1'` etc. runs part of the rows: the fresh store's (`… concurrent`) and the aged store's.
  const freshRows = BENCH_ROWS.slice(0, 6).some(wanted);
  const agedRows = BENCH_ROWS.filter((row) => row.startsWith('card action') && !row.endsWith('concurrent')).some(wanted);
  if (!freshRows && !agedRows) return;
  log('card action: echo bot vs Doorman (compiled, child processes)');
  const connector = new BotConnectorDouble();
  await connector.start();
  const target = await freshTarget('cards');
  const store = await openBenchStore(target);
  const echo = await startNode(ECHO_BOT, {}, '/ready', { args: DOORMAN_ARGS });
  const doorman = await startNode(DOORMAN_MAIN, doormanEnv(target), '/readyz', { args: DOORMAN_ARGS });
  let aged: BenchProcess | null = null;
  let agedTarget: { sqlitePath: string } | { postgresUrl: string } | null = null;
  let agedStore: BenchStore | null = null;
  try {
    // Not measured: the first clicks compile (JIT) both processes' hot paths.
    await clickRounds(echo, doorman, store, connector, 10);
    for (const concurrency of [1, 10, 50].filter((c) => wanted(`card action p50, ${c} concurrent`) || wanted(`card action p99, ${c} concurrent`))) {
      const p50: Round[] = [];
      const p99: Round[] = [];
      const rate: Round[] = [];
      const cpu: Round[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const result = await clickRounds(echo, doorman, store, connector, concurrency);
        p50.push(result.p50);
        p99.push(result.p99);
        rate.push(result.throughput);
        cpu.push(result.cpu);
      }
      const med = (values: Round[]) => quantile(values.map((r) => r.doorman / r.baseline), 0.5);
      const cpuMs = (side: 'baseline' | 'doorman') => quantile(cpu.map((r) => r[side]), 0.5).toFixed(2);
      const note = `throughput ${med(rate).toFixed(2)}× the echo bot's; CPU per click ${cpuMs('doorman')} ms vs ${cpuMs('baseline')} ms (${med(cpu).toFixed(2)}×)`;
      rows.push({ what: `card action p50, ${concurrency} concurrent`, baseline: 'bare botbuilder + restify echo bot', unit: 'ms', rounds: p50, goal: '≤ 1.3×', note });
      rows.push({ what: `card action p99, ${concurrency} concurrent`, baseline: 'bare botbuilder + restify echo bot', unit: 'ms', rounds: p99, goal: '≤ 2×' });
    }
    if (!agedRows) return;
    // A deployment's age: a second Doorman on a store with N delivered outbox rows (delivered lately, so kept) and N
    // requests, clicked one at a time, interleaved with the echo bot and the fresh Doorman.
    log(`card action: a second Doorman on a store aged by ${N} delivered outbox rows and ${N} requests`);
    agedTarget = await freshTarget('cards-aged');
    agedStore = await openBenchStore(agedTarget);
    const template = aReadySession(systemClock.now(), { state: 'closed', closedReason: 'ended' });
    await seed(agedStore.store, template);
    await agedStore.cloneRequest(template.id, 'aged-', N);
    await agedStore.addDeliveredOutbox(template.id, N);
    aged = await startNode(DOORMAN_MAIN, doormanEnv(agedTarget), '/readyz', { args: DOORMAN_ARGS });
    // As warm as the fresh one is by now (JIT), so that only the age differs.
    for (const concurrency of [10, 50]) await clickRounds(echo, aged, agedStore, connector, concurrency);
    const p50: Round[] = [];
    const p99: Round[] = [];
    const ageOnly: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const result = await clickRounds(echo, aged, agedStore, connector, 1);
      const fresh = await clickRounds(echo, doorman, store, connector, 1);
      p50.push(result.p50);
      p99.push(result.p99);
      ageOnly.push({ baseline: fresh.p50.doorman, doorman: result.p50.doorman });
    }
    rows.push({ what: `card action p50, 1 at a time, after ${N} delivered + ${N} requests`, baseline: 'echo bot', unit: 'ms', rounds: p50, goal: '≤ 1.3×' });
    rows.push({ what: `card action p99, 1 at a time, after ${N} delivered + ${N} requests`, baseline: 'echo bot', unit: 'ms', rounds: p99, goal: '≤ 2×' });
    rows.push({ what: `card action p50, 1 at a time: the aged store vs a fresh one`, baseline: 'Doorman on a fresh store, same run', unit: 'ms', rounds: ageOnly, goal: '≈ 1× (age must not show)' });
  } finally {
    await aged?.stop();
    await agedStore?.close();
    await doorman.stop();
    await echo.stop();
    await store.close();
    await connector.stop();
  }
}

/** Doorman in this process on `target` (compiled), background work off: the bench drives sweeper and dispatcher. */
async function inProcessDoorman(target: { sqlitePath: string } | { postgresUrl: string }, agents = 20) {
  const quiet = new Writable({ write: (chunk, _encoding, callback) => { if (process.env.BENCH_LOG) process.stderr.write(chunk); callback(); } });
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', ...doormanEnv(target, agents), LOG_LEVEL: process.env.BENCH_LOG ?? 'warn' });
  return startDoorman(config, { backgroundWork: false, logDestination: quiet });
}

async function deadlineRows(): Promise<void> {
  if (!wanted('deadlines')) return;
  const rounds: Round[] = [];
  let queued = 0;
  for (let round = 0; round < ROUNDS; round++) {
    log(`deadlines: ${DEADLINES} due at once, round ${round + 1}`);
    // Baseline: plain SQL doing the same writes in one transaction per 1,000.
    const baseTarget = await freshTarget(`deadlines-base-${round}`);
    const base = await openBenchStore(baseTarget);
    const now = systemClock.now();
    const past = new Date(now.getTime() - 60_000);
    const template = aReadySession(past, { state: 'waiting', expiresAt: past });
    await seed(base.store, template);
    await base.cloneRequest(template.id, 'due-', DEADLINES);
    await base.addDeadlines('due-', past);
    const baseline = await plainSqlExpiry(base, now);
    await base.close();

    const target = await freshTarget(`deadlines-${round}`);
    const seeder = await openBenchStore(target);
    await seed(seeder.store, template);
    await seeder.cloneRequest(template.id, 'due-', DEADLINES);
    await seeder.addDeadlines('due-', past);
    await seeder.close();
    const doorman = await inProcessDoorman(target);
    const before = await doorman.store.pendingOutboxCount();
    const doormanMs = await timed(async () => {
      while ((await doorman.sweeper.sweep()) > 0);
    });
    queued = (await doorman.store.pendingOutboxCount()) - before;
    const left = await doorman.store.listRequests({ kind: 'session', states: ['waiting'], limit: 5 });
    await doorman.stop();
    if (left.length > 1) throw new Error('deadlines: requests left unexpired');
    rounds.push({ baseline, doorman: doormanMs });
  }
  rows.push({
    what: `deadlines due at once: ${DEADLINES}, all expired (drained as fast as the sweeper goes)`,
    baseline: 'plain SQL, same writes',
    unit: 'ms',
    rounds,
    goal: '≤ 1.5×',
    note: `${queued} card updates queued`,
  });
}

/** The same writes as an expiry, in plain SQL: state and version, an audit event, a card update, the deadline gone. */
async function plainSqlExpiry(store: BenchStore, now: Date): Promise<number> {
  if (store.dialect === 'sqlite') {
    return store.timedSql(`BEGIN IMMEDIATE;
      UPDATE requests SET state = 'expired', version = version + 1, updated_at = ${now.getTime()},
        data = json_set(data, '$.state', 'expired', '$.version', version + 1) WHERE id IN (SELECT request_id FROM deadlines WHERE due_at <= ${now.getTime()});
      INSERT INTO request_events (request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version)
        SELECT request_id, 'session', 'expire', 'waiting', 'expired', 'sweeper', 'system', 'timer', NULL, ${now.getTime()}, 2 FROM deadlines WHERE due_at <= ${now.getTime()};
      INSERT INTO outbox (request_id, type, payload, status, next_attempt_at, created_at)
        SELECT request_id, 'card.update', json_object('type', 'card.update', 'requestId', request_id), 'pending', ${now.getTime()}, ${now.getTime()} FROM deadlines WHERE due_at <= ${now.getTime()};
      DELETE FROM deadlines WHERE due_at <= ${now.getTime()};
      COMMIT;`);
  }
  const at = `'${now.toISOString()}'::timestamptz`;
  return store.timedSql(`BEGIN;
    UPDATE requests SET state = 'expired', version = version + 1, updated_at = ${at},
      data = jsonb_set(jsonb_set(data, '{state}', '"expired"'), '{version}', to_jsonb(version + 1)) WHERE id IN (SELECT request_id FROM deadlines WHERE due_at <= ${at});
    INSERT INTO request_events (request_id, kind, action, from_state, to_state, actor_id, actor_type, source, reason, at, version)
      SELECT request_id, 'session', 'expire', 'waiting', 'expired', 'sweeper', 'system', 'timer', NULL, ${at}, 2 FROM deadlines WHERE due_at <= ${at};
    INSERT INTO outbox (request_id, type, payload, status, next_attempt_at, created_at)
      SELECT request_id, 'card.update', jsonb_build_object('type', 'card.update', 'requestId', request_id), 'pending', ${at}, ${at} FROM deadlines WHERE due_at <= ${at};
    DELETE FROM deadlines WHERE due_at <= ${at};
    COMMIT;`);
}

async function deliveryRows(): Promise<void> {
  if (!wanted('delivery')) return;
  const connector = new BotConnectorDouble();
  connector.answerDelayMs = 100;
  await connector.start();
  const rounds: Round[] = [];
  const concurrency = 8;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      log(`delivery: ${DESTINATIONS} card updates to ${DESTINATIONS} conversations, connector answering in 100 ms, round ${round + 1}`);
      // Baseline: a client with the dispatcher's concurrency PUTting the same number of cards.
      const baseline = await timed(() =>
        closedLoop(DESTINATIONS, concurrency, async (i) => putJson(`${connector.url}/v3/conversations/a:base-${round}-${i}/activities/act-${i}`, { type: 'message', attachments: [] })),
      );
      const target = await freshTarget(`delivery-${round}`);
      const doorman = await inProcessDoorman(target);
      for (let i = 0; i < DESTINATIONS; i++) {
        const session = aReadySession(systemClock.now());
        await doorman.store.commit({
          request: session,
          expectedVersion: null,
          events: [],
          deadlines: [],
          outbox: [{ type: 'card.update', requestId: session.id, version: session.version }],
          cardActivities: [{ requestId: session.id, role: 'agent', conversationId: `a:dest-${round}-${i}`, activityId: `act-${i}`, serviceUrl: connector.url, threadId: null }],
        });
      }
      const doormanMs = await timed(() => doorman.dispatcher.drain());
      const pending = await doorman.store.pendingOutboxCount();
      await doorman.stop();
      if (pending > 0) throw new Error(`delivery: ${pending} rows left`);
      rounds.push({ baseline, doorman: doormanMs });
    }
  } finally {
    await connector.stop();
  }
  rows.push({ what: `delivery: ${DESTINATIONS} card updates to different conversations (connector 100 ms)`, baseline: `a client with ${concurrency} in flight`, unit: 'ms', rounds, goal: '≤ 1.5×' });
}

function putJson(url: string, body: unknown): Promise<number> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'Content-Length': data.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** One thread vs a connector enforcing Teams' per-thread limits (7/1 s, 8/2 s, 60/30 s, 1800/h); /healthz polled meanwhile. */
async function threadRows(): Promise<void> {
  if (!wanted('one thread') && !wanted('healthz')) return;
  const rate: Round[] = [];
  const health: Round[] = [];
  let throttled = 0;
  for (let round = 0; round < ROUNDS; round++) {
    log(`one thread: ${THREAD_MESSAGES} card updates on one thread vs Teams' limits, round ${round + 1}`);
    const connector = new BotConnectorDouble();
    connector.threadLimitsOn = systemClock;
    await connector.start();
    // Baseline: an ideally paced sender (Teams' documented limits exactly: 7 in 1 s, 8 in 2 s, 60 in 30 s, 1,800 in an hour).
    const sentAt: number[] = [];
    const baseline = await timed(async () => {
      for (let i = 0; i < THREAD_MESSAGES; i++) {
        for (;;) {
          const now = Date.now();
          const wait = Math.max(
            0,
            ...TEAMS_THREAD_LIMITS.map((limit) => {
              const inWindow = sentAt.filter((t) => t > now - limit.windowMs);
              return inWindow.length >= limit.max ? inWindow[inWindow.length - limit.max] + limit.windowMs - now : 0;
            }),
          );
          if (wait <= 0) break;
          await sleep(wait + 1);
        }
        const status = await putJson(`${connector.url}/v3/conversations/19:paced-${round}@thread.tacv2/activities/act-${i}`, { type: 'message' });
        // Counted from the answer, which comes after the connector counted it: exact pacing with no 429.
        sentAt.push(Date.now());
        if (status !== 200) throw new Error(`paced sender got ${status}`);
      }
    });
    const before = connector.throttled;
    const target = await freshTarget(`thread-${round}`);
    const doorman = await inProcessDoorman(target);
    const thread = `19:busy-${round}@thread.tacv2`;
    for (let i = 0; i < THREAD_MESSAGES; i++) {
      const session = aReadySession(systemClock.now());
      await doorman.store.commit({
        request: session,
        expectedVersion: null,
        events: [],
        deadlines: [],
        outbox: [{ type: 'card.update', requestId: session.id, version: session.version }],
        cardActivities: [{ requestId: session.id, role: 'queue', conversationId: thread, activityId: `act-${i}`, serviceUrl: connector.url, threadId: thread }],
      });
    }
    // /healthz while nothing is pending (the baseline), then while the throttled backlog drains.
    const idle: number[] = [];
    for (let i = 0; i < 40; i++) idle.push(await timed(() => get(`${doorman.url}/healthz`)));
    const busy: number[] = [];
    let draining = true;
    const poller = (async () => {
      while (draining) {
        busy.push(await timed(() => get(`${doorman.url}/healthz`)));
        await sleep(20);
      }
    })();
    const doormanMs = await timed(async () => {
      doorman.dispatcher.start();
      while ((await doorman.store.pendingOutboxCount()) > 0) await sleep(50);
    });
    draining = false;
    await poller;
    await doorman.stop();
    await connector.stop();
    throttled += connector.throttled - before;
    rate.push({ baseline, doorman: doormanMs });
    health.push({ baseline: quantile(idle, 0.99), doorman: quantile(busy, 0.99) });
  }
  rows.push({ what: `one thread: ${THREAD_MESSAGES} card updates vs a connector enforcing Teams' per-thread limits (time to deliver all)`, baseline: 'an ideally paced sender', unit: 'ms', rounds: rate, goal: '≤ 1.11× (≥ 90 % of the rate), 0 × 429', note: `${throttled} × 429 in ${ROUNDS} rounds` });
  rows.push({ what: '/healthz p99 while that throttled backlog drains', baseline: '/healthz p99 of the same Doorman, idle', unit: 'ms', rounds: health, goal: '≤ 50 ms absolute' });
}

async function livePageRows(): Promise<void> {
  if (!wanted('live pages')) return;
  log(`live pages: ${SSE_CLIENTS} idle SSE clients`);
  const target = await freshTarget('sse');
  const store = await openBenchStore(target);
  const codes: string[] = [];
  const sessions: ReturnType<typeof aReadySession>[] = [];
  const { createHash } = await import('node:crypto');
  for (let i = 0; i < SSE_CLIENTS; i++) {
    const code = `bench-live-code-${i}-${Math.random().toString(36).slice(2)}`;
    codes.push(code);
    const session = aReadySession(systemClock.now(), { state: 'open', customerName: null, bindingHash: null, linkHash: createHash('sha256').update(code, 'utf8').digest('hex') });
    await seed(store.store, session);
    sessions.push(session);
  }
  await store.close();
  const bare = await startNode(BARE_SSE, {}, '/ready', { args: NODE_ARGS });
  const doorman = await startNode(DOORMAN_MAIN, doormanEnv(target), '/readyz', { args: NODE_ARGS });
  const connector = new BotConnectorDouble();
  await connector.start();
  // Each server's customers in a process of their own: 2 × 10,000 streams would pass one process's file limit.
  const bareClients = await sseClients(bare.url, Array.from({ length: SSE_CLIENTS }, (_, i) => `/events/${i}`));
  const doormanClients = await sseClients(doorman.url, codes.map((code) => `/j/${code}/events`));
  try {
    const cpu: Round[] = [];
    const rss: Round[] = [];
    const told: Round[] = [];
    const windowMs = smoke ? 500 : 10_000;
    await sleep(smoke ? 100 : 3000);
    // Pages told of a change per round, spread over all of them: one at a time, the agent's click (or the bare push)
    // sent, then the time until that page's stream carried the new state.
    const perRound = Math.max(1, Math.min(smoke ? 5 : 100, Math.floor(SSE_CLIENTS / ROUNDS)));
    for (let round = 0; round < ROUNDS; round++) {
      // Both idle at once: the same window for each, back to back.
      const [b0, d0] = [bare.cpuMs(), doorman.cpuMs()];
      await sleep(windowMs);
      const [b1, d1] = [bare.cpuMs(), doorman.cpuMs()];
      cpu.push({ baseline: Math.max(((b1 - b0) / windowMs) * 100, 0.1), doorman: Math.max(((d1 - d0) / windowMs) * 100, 0.1) });
      rss.push({ baseline: bare.rssMb(), doorman: doorman.rssMb() });
      const bareMs: number[] = [];
      const doormanMs: number[] = [];
      for (let k = 0; k < perRound; k++) {
        const index = Math.floor(((round * perRound + k) * SSE_CLIENTS) / (ROUNDS * perRound));
        bareMs.push(await toldAfter(bareClients, index, () => postJson(`${bare.url}/push/${index}`, {})));
        const session = sessions[index];
        doormanMs.push(
          await toldAfter(doormanClients, index, () =>
            postJson(`${doorman.url}/api/messages`, invoke(connector.url, 'session.close', { requestId: session.id, version: session.version }, index)),
          ),
        );
      }
      told.push({ baseline: Math.max(...bareMs), doorman: Math.max(...doormanMs) });
    }
    rows.push({ what: `live pages: ${SSE_CLIENTS} idle SSE clients, CPU`, baseline: 'bare Node SSE server', unit: '% CPU', rounds: cpu, goal: '< 5 % at 10,000', note: 'floor of 0.1 % each (clock ticks are 10 ms)' });
    rows.push({ what: `live pages: ${SSE_CLIENTS} idle SSE clients, RSS`, baseline: 'bare Node SSE server', unit: 'MB', rounds: rss, goal: '< 300 MB at 10,000' });
    rows.push({
      what: `live pages, told: ${SSE_CLIENTS} open, the slowest of ${perRound} closed one at a time to reach its page`,
      baseline: 'bare server pushing to one of its streams',
      unit: 'ms',
      rounds: told,
      goal: '≤ 1,000 ms absolute',
      note: 'from the agent\'s click sent to the state event read on the page',
    });
  } finally {
    bareClients.stop();
    doormanClients.stop();
    await connector.stop();
    await doorman.stop();
    await bare.stop();
  }
}

interface SseClients {
  /** Resolves with the wall-clock time the next state event reached stream `index`. */
  next(index: number): Promise<number>;
  stop(): void;
}

/** Starts a process holding one live stream per path (sseClients.ts), resolved once every stream is open. */
async function sseClients(base: string, paths: string[]): Promise<SseClients> {
  const { fork } = await import('node:child_process');
  const file = join(work, `sse-paths-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(paths));
  const child = fork(join(__dirname, `sseClients.${ext}`), [base, file], { execArgv: NODE_ARGS, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiting = new Map<number, (at: number) => void>();
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sse clients exited with ${code}`)));
    child.on('message', (message: { connected?: number; index?: number; at?: number }) => {
      if (message.connected !== undefined) resolve();
      if (message.index !== undefined && message.at !== undefined) {
        waiting.get(message.index)?.(message.at);
        waiting.delete(message.index);
      }
    });
  });
  return {
    next: (index) => new Promise<number>((resolve) => waiting.set(index, resolve)),
    stop: () => {
      child.removeAllListeners('exit');
      child.disconnect();
    },
  };
}

/** Milliseconds from `change` being sent until stream `index` carried a state event. */
async function toldAfter(clients: SseClients, index: number, change: () => Promise<{ status: number; body: string }>): Promise<number> {
  const arrived = clients.next(index);
  const sent = Date.now();
  const answer = await change();
  if (answer.status !== 200) throw new Error(`live pages: the change answered ${answer.status}`);
  return (await arrived) - sent;
}

async function agentCardRows(): Promise<void> {
  if (!wanted('agent card')) return;
  // The agent card as Doorman renders it (the card view read through its directory), with 20 and with 1,000 agents.
  const size = async (agents: number) => {
    const doorman = await inProcessDoorman(await freshTarget(`card-${agents}-${Math.random().toString(36).slice(2)}`), agents);
    try {
      const request = aReadySession(systemClock.now());
      await seed(doorman.store, request);
      const view = await cardViewOf(doorman.deps, request);
      return Buffer.byteLength(JSON.stringify(sessionAgentCard({ ...view, request, now: systemClock.now(), timeZone: 'Europe/Berlin', notice: null })));
    } finally {
      await doorman.stop();
    }
  };
  const rounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push({ baseline: await size(20), doorman: await size(1000) });
  rows.push({ what: 'agent card size with 1,000 agents', baseline: 'the same card with 20 agents', unit: 'bytes', rounds, goal: '≤ 8 KB (8,192 bytes) absolute', note: `${Math.max(...rounds.map((round) => round.doorman))} bytes at most` });
}

async function startRows(): Promise<void> {
  if (!wanted('start')) return;
  const ready: Round[] = [];
  const rss: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    log(`start to ready, round ${round + 1}`);
    const echo = await startNode(ECHO_BOT, {}, '/ready', { args: NODE_ARGS });
    await sleep(1000);
    const echoRss = echo.rssMb();
    await echo.stop();
    const target = await freshTarget(`start-${round}`);
    const doorman = await startNode(DOORMAN_MAIN, doormanEnv(target), '/readyz', { args: NODE_ARGS });
    await sleep(1000);
    const doormanRss = doorman.rssMb();
    await doorman.stop();
    ready.push({ baseline: echo.readyMs, doorman: doorman.readyMs });
    rss.push({ baseline: echoRss, doorman: doormanRss });
  }
  rows.push({ what: 'start to ready (`node dist/src/main.js`, fresh store)', baseline: 'echo bot, `node` compiled', unit: 'ms', rounds: ready, goal: '≤ 1.5×' });
  rows.push({ what: 'idle RSS 1 s after ready', baseline: 'echo bot', unit: 'MB', rounds: rss, goal: '≤ 120 MB absolute' });
}

async function listingRows(): Promise<void> {
  if (!wanted('listing')) return;
  log(`listing: first page from 1,000 vs ${LIST_BIG} stored requests`);
  const stores: BenchStore[] = [];
  for (const [index, count] of [1_000, LIST_BIG].entries()) {
    const store = await openBenchStore(await freshTarget(`list-${index}-${count}`));
    const template = aReadySession(systemClock.now(), { state: 'closed', closedReason: 'ended' });
    await seed(store.store, template);
    await store.cloneRequest(template.id, 'listed-', count - 1);
    stores.push(store);
  }
  const tab: Round[] = [];
  const approver: Round[] = [];
  const page = async (store: BenchStore, filter: Parameters<BenchStore['store']['listRequests']>[0]) => {
    const times: number[] = [];
    for (let i = 0; i < (smoke ? 3 : 30); i++) times.push(await timed(() => store.store.listRequests(filter)));
    return quantile(times, 0.5);
  };
  for (let round = 0; round < ROUNDS; round++) {
    const mine = { kind: 'session', states: ['ready', 'waiting', 'open'], involving: BENCH_AGENT.aadObjectId, limit: 50 };
    tab.push({ baseline: await page(stores[0], mine), doorman: await page(stores[1], mine) });
    const pending = { kind: 'lockbox', states: ['pending'], limit: 200 };
    approver.push({ baseline: await page(stores[0], pending), doorman: await page(stores[1], pending) });
  }
  for (const store of stores) await store.close();
  rows.push({ what: `listing: an agent's open sessions, first page, ${LIST_BIG} stored`, baseline: 'the same with 1,000 stored', unit: 'ms', rounds: tab, goal: '≤ 2×' });
  rows.push({ what: `listing: approver's pending lockbox requests, ${LIST_BIG} stored`, baseline: 'the same with 1,000 stored', unit: 'ms', rounds: approver, goal: '≤ 2×' });
}

async function main(): Promise<void> {
  const started = Date.now();
  try {
    await cardActionRows();
    await deadlineRows();
    await deliveryRows();
    await threadRows();
    await livePageRows();
    await agentCardRows();
    await startRows();
    await listingRows();
    if (wanted('tab')) rows.push(...(await requestPageRows({ rounds: ROUNDS, big: LIST_BIG, smoke, target: freshTarget, log })));
  } finally {
    await postgres?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  process.stdout.write(
    `\nDoorman bench — ${usePg ? 'PostgreSQL' : 'SQLite'}, ${ROUNDS} round(s), N = ${N}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ` +
      `Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${((Date.now() - started) / 1000).toFixed(0)} s\n` +
      `ratio = Doorman ÷ baseline per round (lower is better)\n\n${renderTable(rows)}\n`,
  );
}

if (require.main === module) main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
