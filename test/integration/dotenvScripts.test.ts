import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a script the way its npm script does (ts-node, transpile only) in `cwd`, with only the given environment. */
function run(script: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', join(ROOT, 'test', 'support', 'tsNodeCached.js'), join(ROOT, script), ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** `npm run doctor`, `npm run apikey` and the production start read `.env` in the folder they run in. */
describe('.env is read by the command-line scripts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doorman-dotenv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['npm run doctor', 'scripts/doctor.ts', []],
    ['npm run apikey', 'scripts/apikey.ts', ['list']],
    ['the production start (src/main.ts)', 'src/main.ts', []],
  ])('%s refuses a bad value written in .env', async (_name, script, args) => {
    writeFileSync(join(dir, '.env'), `SQLITE_PATH=${join(dir, 'doorman.db')}\nLOG_LEVEL=shouting\n`);
    const result = await run(script, args, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LOG_LEVEL');
  }, 30_000);

  it('lets the real environment win over .env', async () => {
    writeFileSync(join(dir, '.env'), `SQLITE_PATH=${join(dir, 'doorman.db')}\nLOG_LEVEL=shouting\n`);
    const result = await run('scripts/apikey.ts', ['list'], dir, { LOG_LEVEL: 'warn' });
    expect(result).toMatchObject({ code: 0, stdout: 'No API keys.\n' });
  }, 30_000);
});
