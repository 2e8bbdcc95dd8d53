/**
 * What one live page costs Doorman: seeds `--n` waiting sessions in a SQLite file, starts compiled Doorman, opens one
 * SSE stream per session (sseClients.ts), and prints RSS before and after; with `--snapshot`, writes a heap snapshot
 * (SIGUSR2) and prints the object kinds whose count grew with the streams, by retained self size.
 *
 *   npx tsc -p tsconfig.json && node -r ts-node/register/transpile-only scripts/bench/livePagesProbe.ts --n 5000 [--snapshot]
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/adapters/system/systemClock';
import { sleep, startNode } from './benchKit';
import { aReadySession, openBenchStore, seed } from './benchStore';

const args = process.argv.slice(2);
const N = args.includes('--n') ? Number(args[args.indexOf('--n') + 1]) : 5000;
const SNAPSHOT = args.includes('--snapshot');
const compiled = __filename.endsWith('.js');
const ext = compiled ? 'js' : 'ts';
const root = join(__dirname, '..', '..');

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'live-probe-'));
  const sqlitePath = join(work, 'sse.db');
  const store = await openBenchStore({ sqlitePath });
  const paths: string[] = [];
  for (let i = 0; i < N; i++) {
    const code = `bench-live-code-${i}-${Math.random().toString(36).slice(2)}`;
    paths.push(`/j/${code}/events`);
    await seed(store.store, aReadySession(systemClock.now(), { state: 'open', customerName: null, bindingHash: null, linkHash: createHash('sha256').update(code, 'utf8').digest('hex') }));
  }
  await store.close();
  writeFileSync(join(work, 'roles.json'), JSON.stringify({ users: [{ aadObjectId: '00000000-0000-0000-0000-00000000a001', name: 'Alex Agent', roles: ['admin', 'agent', 'approver'] }] }));
  // Doorman always compiled (as production runs it): dist/ must be built.
  const doorman = await startNode(compiled ? join(root, 'src', 'main.js') : join(root, 'dist', 'src', 'main.js'), {
    SQLITE_PATH: sqlitePath,
    MAIL_DIR: join(work, 'mail'),
    ROLES_FILE: join(work, 'roles.json'),
    LOG_LEVEL: 'warn',
    ALLOWED_TENANT_IDS: 'tenant-bench',
    NODE_ENV: 'production',
  }, '/readyz', { args: [`--diagnostic-dir=${work}`, '--heapsnapshot-signal=SIGUSR2'] });
  await sleep(2000);
  const before = doorman.rssMb();
  const file = join(work, 'paths.json');
  writeFileSync(file, JSON.stringify(paths));
  const clients = fork(join(__dirname, `sseClients.${ext}`), [doorman.url, file], { execArgv: compiled ? [] : ['-r', 'ts-node/register/transpile-only'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise<void>((resolve) => clients.on('message', (message: { connected?: number }) => message.connected !== undefined && resolve()));
  await sleep(5000);
  const after = doorman.rssMb();
  process.stdout.write(`RSS idle ${before.toFixed(1)} MB; with ${N} streams ${after.toFixed(1)} MB: ${(((after - before) * 1024) / N).toFixed(1)} KB a stream\n`);
  const metrics = await fetch(`${doorman.url}/metrics`).then((answer) => answer.text()).catch(() => '');
  process.stdout.write(`${metrics.split('\n').filter((line) => /^doorman_(process_resident|process_heap|nodejs_heap_size|nodejs_external)/.test(line)).join('\n')}\n`);
  if (SNAPSHOT) {
    doorman.child.kill('SIGUSR2');
    let snapshot = '';
    for (let i = 0; i < 600 && !snapshot; i++) {
      await sleep(1000);
      const found = readdirSync(work).find((name) => name.endsWith('.heapsnapshot'));
      if (found && statSync(join(work, found)).size > 0) {
        const size = statSync(join(work, found)).size;
        await sleep(2000);
        if (statSync(join(work, found)).size === size) snapshot = join(work, found);
      }
    }
    process.stdout.write(summarize(snapshot, N));
  }
  clients.disconnect();
  await doorman.stop();
}

/** Object kinds (type + constructor or name) whose count is at least the number of streams, by total self size. */
function summarize(file: string, streams: number): string {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const types = snapshot.snapshot.meta.node_types[0];
  const kinds = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    const name = type === 'object' || type === 'closure' || type === 'native' || type === 'hidden' || type === 'array' ? snapshot.strings[snapshot.nodes[i + nameAt]].slice(0, 60) : '';
    const key = `${type} ${name}`;
    const kind = kinds.get(key) ?? { count: 0, bytes: 0 };
    kind.count += 1;
    kind.bytes += snapshot.nodes[i + sizeAt];
    total += snapshot.nodes[i + sizeAt];
    kinds.set(key, kind);
  }
  const lines = [...kinds.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 60);
  return `heap ${(total / 1048576).toFixed(1)} MB\n${lines.map(([key, { count, bytes }]) => `${(bytes / 1048576).toFixed(2).padStart(8)} MB ${String(count).padStart(8)} ${(count / streams).toFixed(2).padStart(6)}/stream ${(bytes / streams).toFixed(0).padStart(6)} B/stream  ${key}`).join('\n')}\n`;
}

void main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
