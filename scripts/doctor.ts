// `npm run doctor`: the same checklist as the admin chat command, from the command line; exit 1 when a check fails.
import { doctorReport } from '../src/adapters/diagnostics/doctorReport';
import { createGraphClient } from '../src/adapters/graph/graphClient';
import { openPostgresRequestStore } from '../src/adapters/storage/postgresRequestStore';
import { openSqliteRequestStore } from '../src/adapters/storage/sqliteRequestStore';
import { ConfigError, loadConfig } from '../src/config';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    return 2;
  }
  const store = config.store.kind === 'postgres' ? await openPostgresRequestStore(config.store.url) : openSqliteRequestStore(config.store.path);
  try {
    const report = await doctorReport(config, store, config.graph ? createGraphClient(config.graph) : null);
    process.stdout.write(`${report.text}\n`);
    return report.problems > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

main().then((code) => process.exit(code));
