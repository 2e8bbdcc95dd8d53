import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { RunningDoorman, startDoorman } from '../../../src/main';
import { findFreePort } from './playground';

const root = join(__dirname, '..', '..', '..');

/**
 * Doorman as `npm start` runs it (local mode, the committed roles file, the Playground's tenant), on a free port and
 * a fresh data folder; `databaseUrl` puts it on PostgreSQL instead of SQLite.
 */
export async function startLocalDoorman(databaseUrl: string | null = null): Promise<{ doorman: RunningDoorman; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-e2e-'));
  const port = await findFreePort();
  const doorman = await startDoorman(
    loadConfig({
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      SQLITE_PATH: join(dir, 'doorman.db'),
      MAIL_DIR: join(dir, 'mail'),
      ROLES_FILE: join(root, 'config', 'local-roles.json'),
      LOG_LEVEL: 'warn',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    }),
  );
  return { doorman, dir };
}
