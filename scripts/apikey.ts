// `npm run apikey -- create|list|revoke`: API keys for systems that call the lockbox REST API on people's behalf.
// The key is printed once; the store keeps only its SHA-256 hash, the way the REST API hashes what it is shown.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CryptoSecrets } from '../src/adapters/crypto/cryptoSecrets';
import { systemClock } from '../src/adapters/system/systemClock';
import { openPostgresRequestStore } from '../src/adapters/storage/postgresRequestStore';
import { openSqliteRequestStore } from '../src/adapters/storage/sqliteRequestStore';
import { ApiKey, Clock, Store } from '../src/application/ports';
import { Config, ConfigError, loadConfig } from '../src/config';

/** How to call the script; printed with every usage error. */
export const USAGE = `Usage:
  npm run apikey -- create --name <name> --on-behalf-of <object id>[,<object id>…]
  npm run apikey -- create --name <name> --on-behalf-of '*'
  npm run apikey -- list
  npm run apikey -- revoke <key id>

create   issues a key for a system that may ask for lockbox access for the listed people (Entra object ids), or
         for anyone with '*'. The key is shown once: store it in that system's secret store. The name is a unique
         label (letters, digits, space, - _ . ; up to 60; no ':'); the audit trail records the key's id as key:<id>.
list     shows every key's id, name, people and state (never the key itself).
revoke   stops a key from working at once.

Doorman's configuration (DATABASE_URL or SQLITE_PATH) decides which store is used.`;

/** A problem with the arguments: the script prints it with the usage text and exits 2. */
class UsageError extends Error {}

/** What the arguments ask for. */
type Command =
  | { name: 'help' }
  | { name: 'create'; keyName: string; onBehalfOf: string[] }
  | { name: 'list' }
  | { name: 'revoke'; id: string };

const OBJECT_ID = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/;
/** A key's name is a label: unique (any letter case), and never shaped like another caller's id (`app:…`, `key:…`). */
export const KEY_NAME = /^[a-z0-9][a-z0-9\-_. ]{0,59}$/i;

/** Reads the command line (everything after `--`); throws UsageError with what is wrong. */
export function parseCommand(argv: readonly string[]): Command {
  const [verb, ...rest] = argv;
  if (verb === undefined) throw new UsageError('Say what to do: create, list or revoke.');
  if (verb === 'help' || verb === '--help' || verb === '-h') return { name: 'help' };
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    // node:util parseArgs explains missing values well; its unknown-option hint about '--' would only confuse here.
    throw new UsageError(unknown ? `Unknown option ${unknown[1]}.` : message);
  }
  const { values, positionals } = parsed;
  switch (verb) {
    case 'create': {
      if (positionals.length > 0) throw new UsageError(`create takes no bare arguments: ${positionals.join(' ')}`);
      return { name: 'create', keyName: checkedName(values.name), onBehalfOf: checkedPeople(values['on-behalf-of']) };
    }
    case 'list':
      if (positionals.length > 0 || Object.keys(values).length > 0) throw new UsageError('list takes no arguments.');
      return { name: 'list' };
    case 'revoke': {
      if (Object.keys(values).length > 0) throw new UsageError('revoke takes only the key id.');
      if (positionals.length !== 1 || positionals[0].trim() === '') {
        throw new UsageError('revoke needs exactly one key id (see `npm run apikey -- list`).');
      }
      return { name: 'revoke', id: positionals[0].trim() };
    }
    default:
      throw new UsageError(`Unknown command "${verb}": use create, list or revoke.`);
  }
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    options: { name: { type: 'string' }, 'on-behalf-of': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
}

function checkedName(value: string | undefined): string {
  const name = value?.trim() ?? '';
  if (name === '') throw new UsageError('--name is required: the system the key is for, e.g. --name "Ticketing".');
  if (!KEY_NAME.test(name)) {
    throw new UsageError(
      '--name may hold letters, digits, spaces and - _ . (up to 60, starting with a letter or digit); no ":", so no name looks like another caller.',
    );
  }
  return name;
}

function checkedPeople(value: string | undefined): string[] {
  if (value === undefined) {
    throw new UsageError("--on-behalf-of is required: Entra object ids separated by commas, or '*' for anyone.");
  }
  const ids = [...new Set(value.split(',').map((id) => id.trim()).filter((id) => id.length > 0))];
  if (ids.length === 0) throw new UsageError('--on-behalf-of names nobody.');
  if (ids.includes('*')) {
    if (ids.length > 1) throw new UsageError("--on-behalf-of: '*' (anyone) stands alone, not in a list.");
    return ['*'];
  }
  const bad = ids.filter((id) => !OBJECT_ID.test(id));
  if (bad.length > 0) throw new UsageError(`--on-behalf-of: not an object id: ${bad.join(', ')}`);
  return ids;
}

/** A new key: `dk_` and 256 random bits as 43 base64url characters. */
export function newApiKeySecret(): string {
  return `dk_${randomBytes(32).toString('base64url')}`;
}

/** Where the script writes: results to stdout, problems to stderr. */
interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** Runs a parsed command against the store; returns the exit code. */
export async function runCommand(
  command: Exclude<Command, { name: 'help' }>,
  store: Store,
  clock: Clock,
  { out, err }: Output,
): Promise<number> {
  switch (command.name) {
    case 'create': {
      const taken = async () => (await store.listApiKeys()).find((key) => key.name.toLowerCase() === command.keyName.toLowerCase());
      const refuseTaken = (key: ApiKey) => {
        err(`An API key named "${key.name}" already exists (${key.id}${key.revokedAt ? ', revoked' : ''}). Names are unique labels: choose another.`);
        return 1;
      };
      const existing = await taken();
      if (existing) return refuseTaken(existing);
      const secret = newApiKeySecret();
      const key: ApiKey = {
        id: randomUUID(),
        name: command.keyName,
        onBehalfOf: command.onBehalfOf,
        hash: new CryptoSecrets().hash(secret),
        createdAt: clock.now(),
        revokedAt: null,
      };
      try {
        await store.saveApiKey(key);
      } catch (error) {
        // Another create with the same name won the race: the store's unique index refused this one.
        const winner = await taken();
        if (winner) return refuseTaken(winner);
        throw error;
      }
      out(`Created API key ${key.id} "${key.name}" on behalf of ${describePeople(key.onBehalfOf)}.`);
      out('The key is shown only now; store it in the calling system\'s secret store (header "Authorization: Bearer <key>"):');
      out(secret);
      return 0;
    }
    case 'list': {
      const keys = await store.listApiKeys();
      if (keys.length === 0) out('No API keys.');
      for (const key of keys) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        out(`${key.id}  "${key.name}"  on behalf of ${describePeople(key.onBehalfOf)}  created ${key.createdAt.toISOString()}  ${state}`);
      }
      return 0;
    }
    case 'revoke': {
      const now = clock.now();
      if (await store.revokeApiKey(command.id, now)) {
        out(`Revoked API key ${command.id}; it stops working now.`);
        return 0;
      }
      const known = (await store.listApiKeys()).find((key) => key.id === command.id);
      err(
        known?.revokedAt
          ? `API key ${command.id} was already revoked at ${known.revokedAt.toISOString()}.`
          : `No API key with id ${command.id} (see \`npm run apikey -- list\`).`,
      );
      return 1;
    }
  }
}

function describePeople(ids: readonly string[]): string {
  return ids.includes('*') ? 'anyone (*)' : ids.join(', ');
}

async function openStore(config: Config): Promise<Store> {
  return config.store.kind === 'postgres' ? openPostgresRequestStore(config.store.url) : openSqliteRequestStore(config.store.path);
}

async function main(argv: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  let store: Store;
  try {
    store = await openStore(config);
  } catch (error) {
    process.stderr.write(`Cannot open Doorman's store (${config.store.kind}): ${messageOf(error)}\n`);
    return 1;
  }
  try {
    return await runCommand(command, store, systemClock, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
  } finally {
    await store.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // Never a stack trace: an operator reads this, and a stack can carry connection strings.
      process.stderr.write(`apikey failed: ${messageOf(error)}\n`);
      process.exit(1);
    },
  );
}
