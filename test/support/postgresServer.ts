import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/** A throwaway PostgreSQL server for tests. */
export interface PostgresServer {
  /** Connection URL of the test database. */
  url: string;
  /** URL of the same server with another database name (for a fresh database per test). */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const POSTGRES_ROOT = '/usr/lib/postgresql';
const DATABASE = 'doorman_test';

/**
 * Starts PostgreSQL from the Debian server binaries on a fresh data dir and a spare loopback port, as user
 * `postgres` (initdb refuses to run as root). Throws with what to install when the binaries are missing.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findServerBinaries();
  const runAs = postgresRunner();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'doorman-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  if (runAs.uid !== null) fs.chownSync(root, runAs.uid, runAs.gid);

  const removeRoot = (): void => fs.rmSync(root, { recursive: true, force: true });
  try {
    await runAs.exec(path.join(bin, 'initdb'), [
      '-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync',
    ]);
    const port = await startOnSparePort(runAs, bin, dataDir, root, logFile);
    const stop = async (): Promise<void> => {
      await runAs.exec(path.join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w']).catch(() => undefined);
      removeRoot();
    };
    const urlFor = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
    try {
      await createDatabase(urlFor('postgres'), DATABASE);
    } catch (error) {
      await stop();
      throw error;
    }
    return { url: urlFor(DATABASE), urlFor, stop };
  } catch (error) {
    removeRoot();
    throw error;
  }
}

/** Creates a database on a running test server. */
export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

function findServerBinaries(): string {
  const versions = fs.existsSync(POSTGRES_ROOT)
    ? fs
        .readdirSync(POSTGRES_ROOT)
        .filter((version) => fs.existsSync(path.join(POSTGRES_ROOT, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `PostgreSQL server binaries not found (no ${POSTGRES_ROOT}/<version>/bin/initdb). The PostgreSQL tests need ` +
        'them: run `apt-get install -y postgresql` (Debian/Ubuntu, as root) or `node scripts/ensurePostgres.js`.',
    );
  }
  return path.join(POSTGRES_ROOT, versions[0], 'bin');
}

interface Runner {
  /** Owner to give the temp dir, or null when we already are `postgres`. */
  uid: number | null;
  gid: number;
  exec(file: string, args: string[]): Promise<void>;
}

function postgresRunner(): Runner {
  const uid = process.getuid?.() ?? -1;
  const account = postgresAccount();
  if (account && uid === account.uid) {
    return { uid: null, gid: account.gid, exec: (file, args) => execExplained(file, file, args) };
  }
  if (uid === 0) {
    if (!account) {
      throw new Error('PostgreSQL tests need the system user `postgres`: run `apt-get install -y postgresql`.');
    }
    return {
      uid: account.uid,
      gid: account.gid,
      exec: (file, args) => execExplained(file, 'runuser', ['-u', 'postgres', '--', file, ...args]),
    };
  }
  throw new Error(
    `PostgreSQL tests start a server as user \`postgres\` and must run as root or as postgres; this is uid ${uid} ` +
      `(${os.userInfo().username}). Run the tests as root (e.g. in the dev container) or with sudo.`,
  );
}

async function execExplained(tool: string, file: string, args: string[]): Promise<void> {
  try {
    await run(file, args, { timeout: 60_000 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${path.basename(tool)} failed: ${(stderr || stdout || String(error)).trim()}`);
  }
}

function postgresAccount(): { uid: number; gid: number } | null {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function startOnSparePort(
  runAs: Runner,
  bin: string,
  dataDir: string,
  socketDir: string,
  logFile: string,
): Promise<number> {
  // The port is free when asked but may be taken before the server binds it: try again with another one.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await sparePort();
    try {
      await runAs.exec(path.join(bin, 'pg_ctl'), [
        'start', '-D', dataDir, '-l', logFile, '-w', '-t', '30',
        // fsync off: a test database never needs to survive a crash.
        '-o', `-k ${socketDir} -h 127.0.0.1 -p ${port} -F -c max_connections=200`,
      ]);
      return port;
    } catch (error) {
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '';
      lastError = new Error(`${(error as Error).message}\n${log}`);
    }
  }
  throw lastError;
}

function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
