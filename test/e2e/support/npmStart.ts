import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readPlaygroundTenant, tenantActingAs } from '../../../scripts/localPersonas';
import { PlaygroundHandle, findFreePort } from './playground';

const ROOT = join(__dirname, '..', '..', '..');

/** `npm start` running as a user runs it: its own process group, so Ctrl+C reaches every process of it. */
export interface NpmStartRun {
  stdout(): string;
  stderr(): string;
  /** Ctrl+C in the terminal: SIGINT to the whole process group; resolves with how it ended. */
  interrupt(): Promise<{ code: number | null; signal: string | null }>;
}

/** Runs `node scripts/start.js <args>` from the repository (as `npm start -- <args>`) and waits until it is ready. */
export async function runNpmStart(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<NpmStartRun> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = Date.now();
  while (!stdout.includes('Ctrl+C stops everything.')) {
    if (child.exitCode !== null || Date.now() - started > timeoutMs) {
      if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGKILL');
      throw new Error(`npm start did not get ready:\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    async interrupt() {
      process.kill(-(child.pid as number), 'SIGINT');
      return exited;
    },
  };
}

/** The Playground `npm start` runs for `persona` on `port`, as a handle the Playground harness can drive. */
export function playgroundOfNpmStart(run: NpmStartRun, port: number, persona: string): PlaygroundHandle {
  const url = `http://localhost:${port}`;
  return {
    url,
    port,
    serviceUrl: `${url}/_connector`,
    config: tenantActingAs(readPlaygroundTenant(), persona),
    startedInMs: 0,
    output: () => `${run.stdout()}\n${run.stderr()}`,
    stop: async () => undefined,
  };
}

/** Two free consecutive ports: PLAYGROUND_PORT and the next persona's. */
export async function findFreePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await findFreePort();
    const nextFree = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port + 1, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (nextFree && port + 1 <= 65535) return port;
  }
  throw new Error('no two consecutive free ports');
}
