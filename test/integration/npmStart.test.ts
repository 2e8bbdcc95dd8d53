import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START = join(__dirname, '..', '..', 'scripts', 'start.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm start -- <args>` (scripts/start.js) in `cwd` with only the given environment. */
function npmStart(args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [START, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** Whether nothing listens on the port, on loopback or on every interface (as scripts/start.js checks). */
async function isFree(port: number): Promise<boolean> {
  for (const address of ['127.0.0.1', undefined]) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, address, () => probe.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** `npm start` refuses plainly when it cannot start, and says what to change. */
describe('npm start when it cannot start', () => {
  let dir: string;
  let taken: { server: Server; port: number };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doorman-start-'));
    taken = await occupy();
  });
  afterEach(async () => {
    await new Promise((resolve) => taken.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits non-zero naming the bot port and PORT when the port is taken', async () => {
    const run = await npmStart([], dir, { PORT: String(taken.port), SQLITE_PATH: join(dir, 'doorman.db') });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`port ${taken.port} is already in use`);
    expect(run.stderr).toContain('set PORT to a free port');
    expect(run.stdout).not.toContain('starting the bot');
  }, 60_000);

  it('exits non-zero naming the Playground port and PLAYGROUND_PORT when a persona’s port is taken', async () => {
    const bot = await occupy();
    const botPort = bot.port;
    await new Promise((resolve) => bot.server.close(resolve));
    // The first persona's port (the one before the taken one) must be free, or the run stops there instead:
    // other test files listen on ephemeral ports too, so take a fresh one until its neighbour is free.
    for (let tries = 0; tries < 20 && !(await isFree(taken.port - 1)); tries += 1) {
      await new Promise((resolve) => taken.server.close(resolve));
      taken = await occupy();
    }
    // The second persona takes the port after PLAYGROUND_PORT.
    const run = await npmStart(['--as', 'carl,dana'], dir, { PORT: String(botPort), PLAYGROUND_PORT: String(taken.port - 1) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`port ${taken.port} is already in use`);
    expect(run.stderr).toContain('set PLAYGROUND_PORT');
  }, 60_000);

  it('reads the port from .env in the folder it runs in', async () => {
    writeFileSync(join(dir, '.env'), `PORT=${taken.port}\n`);
    const run = await npmStart([], dir, {});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`port ${taken.port} is already in use`);
  }, 60_000);

  it('the bot alone (src/main.ts) also exits non-zero naming the port and PORT, without a stack trace', async () => {
    const run = await new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        ['-r', join(__dirname, '..', 'support', 'tsNodeCached.js'), join(__dirname, '..', '..', 'src', 'main.ts')],
        {
          cwd: join(__dirname, '..', '..'),
          env: { PATH: process.env.PATH ?? '', PORT: String(taken.port), SQLITE_PATH: join(dir, 'doorman.db'), MAIL_DIR: join(dir, 'mail') },
          timeout: 60_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Doorman could not start: port ${taken.port} on 127.0.0.1 is already in use`);
    expect(run.stderr).toContain('set PORT to a free port');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('names the personas when asked for one that does not exist', async () => {
    const run = await npmStart(['--as', 'zed'], dir, { PORT: String(taken.port) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('there is no persona "zed"; choose from alex, bea, carl, dana, eve, finn');
  }, 60_000);
});
