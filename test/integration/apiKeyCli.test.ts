import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CryptoSecrets } from '../../src/adapters/crypto/cryptoSecrets';
import { openSqliteRequestStore } from '../../src/adapters/storage/sqliteRequestStore';

const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts', 'apikey.ts');
// ts-node, transpile only, each file's output kept between runs (test/support/tsNodeCached.js).
const TS_NODE = path.join(ROOT, 'test', 'support', 'tsNodeCached.js');
const KEY = /dk_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doorman-apikey-'));
let databases = 0;

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

function freshDatabase(): string {
  databases += 1;
  return path.join(workDir, `store-${databases}`, 'doorman.db');
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run apikey -- <args>` the way npm does (ts-node, transpile only), with only the given configuration. */
function apikey(databaseFile: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', TS_NODE, SCRIPT, ...args],
      // A clean environment: nothing of the developer's DATABASE_URL or BOT_ID leaks into the test.
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', SQLITE_PATH: databaseFile, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function noStackTrace(run: Run): void {
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
}

function apiKeyRows(databaseFile: string): Record<string, unknown>[] {
  const db = new Database(databaseFile, { readonly: true });
  try {
    return db.prepare('SELECT * FROM api_keys ORDER BY created_at').all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Every byte the store wrote: the database file and, if still there, its write-ahead log. */
function storeBytes(databaseFile: string): string {
  return [databaseFile, `${databaseFile}-wal`]
    .filter((file) => fs.existsSync(file))
    .map((file) => fs.readFileSync(file).toString('latin1'))
    .join('');
}

test('create prints the key once with its id; the store holds only its SHA-256 hash', async () => {
  const file = freshDatabase();
  const created = await apikey(file, ['create', '--name', 'Ticketing', '--on-behalf-of', 'engineer-erin, engineer-eli']);

  expect(created).toMatchObject({ code: 0, stderr: '' });
  const keys = created.stdout.match(KEY) ?? [];
  expect(keys).toHaveLength(1);
  const key = keys[0] ?? '';
  const id = UUID.exec(created.stdout)?.[0];
  expect(id).toBeDefined();
  expect(created.stdout).toContain('on behalf of engineer-erin, engineer-eli');

  const rows = apiKeyRows(file);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ id, name: 'Ticketing', hash: new CryptoSecrets().hash(key), revoked_at: null });
  expect(JSON.parse(rows[0].on_behalf_of as string)).toEqual(['engineer-erin', 'engineer-eli']);
  const secretPart = key.slice('dk_'.length);
  expect(storeBytes(file)).not.toContain(secretPart);

  // The REST API finds the key the way it authenticates: by hashing what it is shown.
  const store = openSqliteRequestStore(file);
  try {
    expect(await store.findApiKeyByHash(new CryptoSecrets().hash(key))).toMatchObject({ id, name: 'Ticketing', revokedAt: null });
  } finally {
    await store.close();
  }
}, 30_000);

test('list shows names, people and state, never a key or a hash; revoke works once', async () => {
  const file = freshDatabase();
  const first = await apikey(file, ['create', '--name', 'Ticketing', '--on-behalf-of', 'engineer-erin']);
  const second = await apikey(file, ['create', '--name=SOAR', '--on-behalf-of=*']);
  const firstId = UUID.exec(first.stdout)?.[0] as string;
  const keys = [...(first.stdout.match(KEY) ?? []), ...(second.stdout.match(KEY) ?? [])];
  expect(keys).toHaveLength(2);

  const listed = await apikey(file, ['list']);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain('"Ticketing"  on behalf of engineer-erin');
  expect(listed.stdout).toContain('"SOAR"  on behalf of anyone (*)');
  expect(listed.stdout.match(/ active$/gm)).toHaveLength(2);
  expect(listed.stdout).not.toMatch(/dk_/);
  for (const row of apiKeyRows(file)) expect(listed.stdout).not.toContain(row.hash as string);

  const revoked = await apikey(file, ['revoke', firstId]);
  expect(revoked).toMatchObject({ code: 0, stderr: '' });
  expect(revoked.stdout).toContain(`Revoked API key ${firstId}`);
  expect(apiKeyRows(file).find((row) => row.id === firstId)?.revoked_at).toEqual(expect.any(Number));

  const again = await apikey(file, ['revoke', firstId]);
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('already revoked');
  const unknown = await apikey(file, ['revoke', 'no-such-key']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('No API key with id no-such-key');
  noStackTrace(unknown);

  const listedAfter = await apikey(file, ['list']);
  expect(listedAfter.stdout).toMatch(new RegExp(`^${firstId} .* revoked \\d{4}-\\d\\d-\\d\\dT`, 'm'));
}, 30_000);

test.each([
  [[], /Say what to do/],
  [['rotate'], /Unknown command "rotate"/],
  [['create', '--name', 'Ticketing'], /--on-behalf-of is required/],
  [['create', '--on-behalf-of', 'engineer-erin'], /--name is required/],
  [['create', '--name', 'Ticketing', '--on-behalf-of', 'engineer-erin,*'], /'\*' \(anyone\) stands alone/],
  [['create', '--name', 'Ticketing', '--on-behalf-of', ' , '], /names nobody/],
  [['create', '--name', 'Ticketing', '--on-behalf-of', 'erin; DROP TABLE'], /not an object id: erin; DROP TABLE/],
  [['create', '--name', 'Ticketing', '--for', 'engineer-erin'], /Unknown option --for/],
  [['create', '--name'], /--name/],
  [['list', 'everything'], /list takes no arguments/],
  [['revoke'], /revoke needs exactly one key id/],
  [['create', '--name', 'app:ticketing-app', '--on-behalf-of', '*'], /no ":"/],
  [['create', '--name', 'key:1234', '--on-behalf-of', '*'], /no ":"/],
  [['create', '--name=.ticketing', '--on-behalf-of', '*'], /starting with a letter or digit/],
  [['create', '--name', 'x'.repeat(61), '--on-behalf-of', '*'], /up to 60/],
  [['create', '--name', 'Ticketing\u202e', '--on-behalf-of', '*'], /letters, digits/],
])('bad usage %j → the problem and the usage text, exit 2', async (args, problem) => {
  const file = freshDatabase();
  const run = await apikey(file, args);

  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(problem);
  expect(run.stderr).toContain('Usage:');
  noStackTrace(run);
  // Nothing was opened or created for a command that could not be understood.
  expect(fs.existsSync(file)).toBe(false);
}, 30_000);

test('create refuses a name another key has, in any letter case and even when that key is revoked', async () => {
  const file = freshDatabase();
  const first = await apikey(file, ['create', '--name', 'Ticketing', '--on-behalf-of', 'engineer-erin']);
  const firstId = UUID.exec(first.stdout)?.[0] as string;

  const twin = await apikey(file, ['create', '--name', 'ticketing', '--on-behalf-of', '*']);
  expect(twin.code).toBe(1);
  expect(twin.stdout).toBe('');
  expect(twin.stderr).toContain(`An API key named "Ticketing" already exists (${firstId}). Names are unique labels: choose another.`);
  noStackTrace(twin);

  await apikey(file, ['revoke', firstId]);
  const afterRevoke = await apikey(file, ['create', '--name', 'TICKETING', '--on-behalf-of', '*']);
  expect(afterRevoke.code).toBe(1);
  expect(afterRevoke.stderr).toContain('revoked');
  expect(apiKeyRows(file)).toHaveLength(1);

  const other = await apikey(file, ['create', '--name', 'Ticketing 2', '--on-behalf-of', '*']);
  expect(other.code).toBe(0);
}, 30_000);

test('a configuration Doorman would refuse is reported the same way, exit 2', async () => {
  const run = await apikey(freshDatabase(), ['list'], { HOST: '0.0.0.0' });

  expect(run.code).toBe(2);
  expect(run.stderr).toContain('fix the configuration');
  expect(run.stderr).toContain('HOST=0.0.0.0');
  noStackTrace(run);
}, 30_000);

test('help prints the usage and succeeds', async () => {
  const run = await apikey(freshDatabase(), ['--help']);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toContain('npm run apikey -- create --name <name> --on-behalf-of');
}, 30_000);
