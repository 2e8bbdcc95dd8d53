import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Runs a TypeScript entry point the way `npm run start:bot` does; collects its output until it exits or is killed. */
function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test', 'support', 'tsNodeCached.js'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

function rawRequest(port: number, line: string): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(`${line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
}

describe('the Doorman process (finding 1)', () => {
  it('answers broken request lines with 400, keeps serving, and prints no request data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorman-process-'));
    const doorman = run(['src/main.ts'], {
      HOST: '127.0.0.1',
      PORT: '0',
      SQLITE_PATH: join(dir, 'doorman.db'),
      MAIL_DIR: join(dir, 'mail'),
      ROLES_FILE: join(ROOT, 'test', 'fixtures', 'roles.json'),
    });
    try {
      let port = 0;
      for (let i = 0; i < 300 && port === 0; i++) {
        port = Number(/"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(doorman.output().stdout)?.[1] ?? 0);
        if (port === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(port).toBeGreaterThan(0);
      for (const line of ['GET http://[::1/j/PROCESSSECRETCODE/state HTTP/1.1', 'POST http://[::1/api/messages HTTP/1.1']) {
        expect(await rawRequest(port, line)).toMatch(/^HTTP\/1\.1 400 /);
      }
      expect(await rawRequest(port, 'GET /healthz HTTP/1.1')).toMatch(/^HTTP\/1\.1 200 /);
      const { stdout, stderr } = doorman.output();
      expect(`${stdout}\n${stderr}`).not.toContain('PROCESSSECRETCODE');
    } finally {
      doorman.child.kill('SIGTERM');
      await doorman.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the last line of defence', () => {
  const script = `
    const { installLastLineOfDefence } = require('./src/main');
    const { createLogger } = require('./src/adapters/logging/pinoLogger');
    installLastLineOfDefence(createLogger('info'));
    Promise.reject(Object.assign(new Error('rejected while handling /j/REJECTEDSECRET'), { code: 'E_TEST' }));
    setTimeout(() => process.stdout.write('still serving\\n'), 100);
    setTimeout(() => { throw new Error('broken state after /j/THROWNSECRET'); }, 200);
    setTimeout(() => process.stdout.write('never reached\\n'), 2000);
  `;

  it('logs an unhandled rejection and keeps serving; logs an uncaught exception and exits 1; never with the message', async () => {
    const child = run(['-e', script], {});
    const code = await child.exited;
    const { stdout, stderr } = child.output();
    expect(code).toBe(1);
    expect(stdout).toContain('"msg":"unhandled rejection; still serving"');
    expect(stdout).toContain('"code":"E_TEST"');
    expect(stdout).toContain('still serving');
    expect(stdout).toContain('"msg":"uncaught exception; exiting for the supervisor to restart Doorman"');
    expect(stdout).not.toContain('never reached');
    for (const secret of ['REJECTEDSECRET', 'THROWNSECRET']) expect(`${stdout}\n${stderr}`).not.toContain(secret);
  }, 30_000);
});
