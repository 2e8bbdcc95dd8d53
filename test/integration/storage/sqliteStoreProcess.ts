/**
 * A second process on the same SQLite file, for the tests that need real concurrency (better-sqlite3 is synchronous,
 * so two connections in one process never overlap). Prints `ready`, waits for `go` on stdin, then:
 * `open <file>` opens (and migrates) the store; `claim <file> <nowIso>` claims one outbox row at a time until none is
 * left and prints the claimed ids as JSON.
 */
import readline from 'node:readline';
import { openSqliteRequestStore } from '../../../src/adapters/storage/sqliteRequestStore';

async function main(): Promise<void> {
  const [mode, file, now] = process.argv.slice(2);
  process.stdout.write('ready\n');
  const lines = readline.createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();

  const store = openSqliteRequestStore(file);
  const claimed: number[] = [];
  if (mode === 'claim') {
    for (;;) {
      const items = await store.claimOutbox(new Date(now), 1, 600_000);
      if (items.length === 0) break;
      claimed.push(...items.map((item) => item.id));
    }
  }
  await store.close();
  process.stdout.write(`${JSON.stringify(claimed)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
