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
import { LocalDeviceManagement } from '../../src/adapters/local/localDeviceManagement';
import { LocalMeetingParticipants } from '../../src/adapters/local/localMeetingParticipants';
import { FakeClock } from './fakeClock';

/**
 * Use-case dependencies on SQLite and a fake clock, without Teams or HTTP: a temp file for adapter-tier tests, or
 * `:memory:` for the use-case tier (`{ inMemory: true }`).
 */
export function testDeps(options: { inMemory?: boolean } = {}): { deps: UseCaseDeps; clock: FakeClock; wakes: () => number; cleanup(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-deps-'));
  const clock = new FakeClock();
  const store = openSqliteRequestStore(options.inMemory ? ':memory:' : join(dir, 'doorman.db'));
  let wakes = 0;
  const deps: UseCaseDeps = {
    ...storePorts(store),
    clock,
    secrets: new CryptoSecrets(),
    directory: new ConfiguredDirectory(readRolesFile(join(__dirname, '..', 'fixtures', 'roles.json')).users),
    devices: new LocalDeviceManagement(clock),
    participants: new LocalMeetingParticipants(),
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

/** For a use-case test file: fresh deps on SQLite in memory and a fake clock before each test, closed after it. */
export function useCaseDepsPerTest(): { readonly deps: UseCaseDeps; readonly clock: FakeClock } {
  let current: ReturnType<typeof testDeps> | null = null;
  beforeEach(() => {
    current = testDeps({ inMemory: true });
  });
  afterEach(() => current?.cleanup());
  const now = () => {
    if (!current) throw new Error('use-case deps exist only inside a test');
    return current;
  };
  return {
    get deps() {
      return now().deps;
    },
    get clock() {
      return now().clock;
    },
  };
}
