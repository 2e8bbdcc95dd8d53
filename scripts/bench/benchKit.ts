import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

/** One round of one row: the baseline's figure and Doorman's, measured back to back in the same run. */
export interface Round {
  baseline: number;
  doorman: number;
}

/** One line of the bench table. */
export interface BenchRow {
  what: string;
  baseline: string;
  unit: string;
  rounds: Round[];
  goal: string;
  /** Extra figures said beside the ratio (429 count, sizes). */
  note?: string;
}

/** The value at quantile `q` (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** min / median / max of `values`. */
export function spread(values: readonly number[]): { min: number; median: number; max: number } {
  return { min: Math.min(...values), median: quantile(values, 0.5), max: Math.max(...values) };
}

function figure(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** The table: each row's baseline and Doorman medians and the ratio Doorman ÷ baseline per round, min / median / max. */
export function renderTable(rows: readonly BenchRow[]): string {
  const lines = [
    '| what | baseline (same run) | baseline median | Doorman median | ratio min / median / max | goal | note |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const ratios = row.rounds.map((round) => round.doorman / round.baseline);
    const r = spread(ratios);
    const b = spread(row.rounds.map((round) => round.baseline)).median;
    const d = spread(row.rounds.map((round) => round.doorman)).median;
    lines.push(
      `| ${row.what} | ${row.baseline} | ${figure(b)} ${row.unit} | ${figure(d)} ${row.unit} | ${figure(r.min)} / **${figure(r.median)}** / ${figure(r.max)}× | ${row.goal} | ${row.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

/** A free loopback port (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A child process the bench started, with what `/proc` says about it. */
export interface BenchProcess {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn until it answered `readyPath`. */
  readyMs: number;
  rssMb(): number;
  /** CPU time (user + system) used so far, in milliseconds. */
  cpuMs(): number;
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** Starts `node <script>` with `env`, polls `readyPath` until it answers (any status when `anyStatus`). */
export async function startNode(
  script: string,
  env: Record<string, string>,
  readyPath: string,
  options: { anyStatus?: boolean; args?: string[] } = {},
): Promise<BenchProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.args ?? []), script], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}: ${stderr}`);
    const status = await get(`${url}${readyPath}`).catch(() => 0);
    if (status === 200 || (options.anyStatus && status > 0)) break;
    if (performance.now() - started > 60_000) throw new Error(`${script} not ready within 60 s: ${stderr}`);
    await sleep(5);
  }
  const readyMs = performance.now() - started;
  const pid = child.pid ?? 0;
  return {
    child,
    url,
    readyMs,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024,
    cpuMs: () => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** GET → status code. */
export function get(url: string, localAddress?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: localAddress ? undefined : agent, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

/** POSTs JSON → status and body. */
export function postJson(url: string, body: unknown, retried = false): Promise<{ status: number; body: string }> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': data.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed while idle (Node's documented race): send again once on a fresh one.
      if (req.reusedSocket && !retried && (error.code === 'ECONNRESET' || error.message === 'socket hang up')) {
        postJson(url, body, true).then(resolve, reject);
        return;
      }
      reject(error);
    });
    req.end(data);
  });
}

/**
 * Runs `count` calls with `concurrency` in flight (a closed-loop client) and returns each call's latency in ms.
 * A call that does not answer 200 fails the bench: a ratio over errors would flatter.
 */
export async function closedLoop(count: number, concurrency: number, call: (i: number) => Promise<number>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const started = performance.now();
      const status = await call(i);
      latencies.push(performance.now() - started);
      if (status !== 200) throw new Error(`call ${i} answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return latencies;
}

/** Milliseconds `work` took. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}
