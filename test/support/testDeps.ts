import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessRequestChanges } from '../../src/application/shared/requestChanges';
import { storePorts } from '../../src/application/ports';
import { UseCaseDeps } from '../../src/application/shared/useCaseDeps';
import { CryptoSecrets } from '../../src/adapters/crypto/cryptoSecrets';
import { ConfiguredDirectory, readRolesFile } from '../../src/adapters/directory/configuredDirectory';
import { createLogger } from '../../src/adapters/logging/pinoLogger';
import { openSqliteRequestStore } from '../../src/adapters/storage/sqliteRequestStore';
import { FakeClock } from './fakeClock';

/** Use-case dependencies on a temp SQLite file and a fake clock, for adapter-tier tests without HTTP. */
export function testDeps(): { deps: UseCaseDeps; clock: FakeClock; wakes: () => number; cleanup(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-deps-'));
  const clock = new FakeClock();
  const store = openSqliteRequestStore(join(dir, 'doorman.db'));
  let wakes = 0;
  const deps: UseCaseDeps = {
    ...storePorts(store),
    clock,
    secrets: new CryptoSecrets(),
    directory: new ConfiguredDirectory(readRolesFile(join(__dirname, '..', 'fixtures', 'roles.json')).users),
    changes: new InProcessRequestChanges(),
    logger: createLogger('silent'),
    wakeDispatcher: () => {
      wakes += 1;
    },
    settings: { publicBaseUrl: 'https://doorman.example', sessionDefaultHours: 24, defaultTimeZone: 'UTC', meetingProvider: 'local', lobbyBypassSeconds: 0, webhookUrls: [] },
  };
  return {
    deps,
    clock,
    wakes: () => wakes,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
