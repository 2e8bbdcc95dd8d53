// `npm run doctor`: the same checklist as the admin chat command, from the command line; exit 1 when a check fails.
import { channelsAndPeopleReport } from '../src/adapters/diagnostics/channelsAndPeopleReport';
import { doctorReport } from '../src/adapters/diagnostics/doctorReport';
import { ConfiguredDirectory, readRolesFile } from '../src/adapters/directory/configuredDirectory';
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
    const rolesFile = config.roles.file ? readRolesFile(config.roles.file) : null;
    const directory = new ConfiguredDirectory(rolesFile?.users ?? [], {
      admin: config.roles.admins,
      agent: config.roles.agents,
      approver: config.roles.approvers,
      engineer: config.roles.engineers,
    });
    const people = await channelsAndPeopleReport(store, directory);
    process.stdout.write(`${report.text}\n\n${people.text}\n`);
    return report.problems + people.problems > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

main().then((code) => process.exit(code));
