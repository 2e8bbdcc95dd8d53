import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The doors between the layers, proved on the source tree (issue 10): driving adapters (Teams, HTTP) call use cases
 * and never the store; who may do what is decided in the domain; a request's version changes only in the domain.
 */

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(SRC).map((path) => ({ path: relative(ROOT, path).split('\\').join('/'), text: readFileSync(path, 'utf8') }));

/** The store ports by role, and the one store behind them. */
const STORE_PORTS = ['RequestStore', 'OutboxStore', 'DeadlineStore', 'QueueStore', 'ConversationStore', 'SettingsStore', 'ApiKeyStore', 'GrantStore', 'AdminEventStore', 'Store', 'StorePorts', 'storePorts'];
/** Every method of the store ports. */
const STORE_METHODS = [
  'commit', 'getRequest', 'findSessionByLinkHash', 'findReplacedLink', 'listRequests', 'eventsOf', 'cardActivitiesOf', 'saveCardActivity',
  'erasePersonalData', 'claimOutbox', 'completeOutbox', 'retryOutbox', 'deferOutbox', 'failOutbox', 'failedOutbox', 'pendingOutboxCount',
  'outboxHealth', 'unreachablePeople', 'claimDeadlines', 'saveQueue', 'getQueue', 'listQueues', 'savePersonalConversation', 'recordGreeting', 'listAdminEvents',
  'getPersonalConversation', 'getLockboxSettings', 'saveLockboxSettings', 'settingsEvents', 'saveApiKey', 'findApiKeyByHash', 'listApiKeys',
  'revokeApiKey', 'recordGrant', 'recordRevoke', 'listGrants',
];
/** The role fields of UseCaseDeps. */
const STORE_ROLES = ['requests', 'outbox', 'deadlines', 'queues', 'conversations', 'lockboxSettings', 'apiKeys', 'grants', 'adminEvents'];

/** What a driving adapter's file does with the store: imports of store ports, store method calls, store roles used. */
export function storeLeaks(text: string): string[] {
  const leaks: string[] = [];
  for (const match of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'[^']*application\/ports(?:\/[^']*)?'/g)) {
    const names = match[1].split(',').map((name) => name.replace(/^\s*type\s+/, '').split(/\s+as\s+/)[0].trim());
    for (const name of names) if (STORE_PORTS.includes(name)) leaks.push(`imports ${name}`);
  }
  for (const match of text.matchAll(/\.(\w+)\s*\(/g)) if (STORE_METHODS.includes(match[1])) leaks.push(`calls .${match[1]}(`);
  for (const match of text.matchAll(/\bdeps\.(\w+)\b/g)) if (STORE_ROLES.includes(match[1])) leaks.push(`uses deps.${match[1]}`);
  return leaks;
}

/** Role checks: `hasRole(`, `roles.includes(` (with or without `actor.` before it). */
export function roleChecks(text: string): string[] {
  return [...text.matchAll(/\bhasRole\s*\(|\broles\s*\??\.\s*includes\s*\(/g)].map((match) => match[0]);
}

/**
 * Files whose `roles` are not Doorman's roles: the directory answers who holds a role (it is where roles come from),
 * the token verifier checks an Entra app role (authentication), graphDoctor reads Graph permissions.
 */
const NOT_DOORMAN_ROLES = ['src/adapters/directory/configuredDirectory.ts', 'src/adapters/http/entraTokenVerifier.ts', 'src/adapters/graph/graphDoctor.ts'];

/** A version bumped by hand: `version + 1`, `version: x.version + 1`, `version += 1`, `version++`. */
export function versionBumps(text: string): string[] {
  return [...text.matchAll(/\bversion\s*\+\s*1\b|\bversion\s*\+=\s*1\b|\bversion\s*\+\+|\+\+\s*[\w.]*version\b/gi)].map((match) => match[0]);
}

const drivingAdapters = files.filter((file) => file.path.startsWith('src/adapters/teams/') || file.path.startsWith('src/adapters/http/'));

describe('the scanners find what they look for', () => {
  it('store leaks', () => {
    expect(storeLeaks("import { Clock, QueueStore } from '../../application/ports';\nawait deps.queues.listQueues();\nstore.commit(change);")).toEqual([
      'imports QueueStore',
      'calls .listQueues(',
      'calls .commit(',
      'uses deps.queues',
    ]);
    expect(storeLeaks("import { Clock } from '../../application/ports';\nthis.addresses.channel(id);")).toEqual([]);
  });

  it('role checks and version bumps', () => {
    expect(roleChecks("if (hasRole(actor, 'admin')) x; actor.roles.includes('agent'); roles.includes('approver')")).toHaveLength(3);
    expect(roleChecks('rolesOf(actor).join()')).toEqual([]);
    expect(versionBumps('{ ...r, version: r.version + 1 }; v.version += 1; request.version++')).toHaveLength(3);
    expect(versionBumps('generation: request.generation + 1')).toEqual([]);
  });
});

describe('driving adapters call use cases only', () => {
  it.each(drivingAdapters.map((file) => [file.path, file.text]))(
    '%s neither imports a store port nor calls the store',
    (_path, text) => {
      expect(storeLeaks(text)).toEqual([]);
    },
  );
});

describe('who may do what is decided in the domain', () => {
  const outsideDomain = files.filter(
    (file) => !file.path.startsWith('src/domain/') && !NOT_DOORMAN_ROLES.includes(file.path),
  );
  it.each(outsideDomain.map((file) => [file.path, file.text]))('%s checks no role', (_path, text) => {
    expect(roleChecks(text)).toEqual([]);
  });
});

describe('versions change only in the domain', () => {
  it.each(files.filter((file) => !file.path.startsWith('src/domain/')).map((file) => [file.path, file.text]))('%s bumps no version', (_path, text) => {
    expect(versionBumps(text)).toEqual([]);
  });
});
