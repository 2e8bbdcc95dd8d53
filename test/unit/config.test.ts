import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, loadEnvironment } from '../../src/config';

const production = {
  BOT_ID: '11111111-1111-1111-1111-111111111111',
  BOT_PASSWORD: 'secret',
  BOT_TENANT_ID: 'tenant',
  HOST: '0.0.0.0',
  PUBLIC_BASE_URL: 'https://doorman.contoso.com',
  MEETINGS: 'local',
  MAIL: 'local',
  ACCESS: 'local',
  ROLE_AGENTS: 'a1',
  ROLE_APPROVERS: 'p1',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('needs nothing in local mode: SQLite, local room, .eml mail, the committed roles file', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      localMode: true,
      host: '127.0.0.1',
      store: { kind: 'sqlite', path: './data/doorman.db' },
      meetings: 'local',
      mail: { kind: 'local', dir: './data/mail' },
      roles: { file: './config/local-roles.json' },
      bot: null,
    });
  });

  it('refuses the unauthenticated local endpoint on a non-loopback address', () => {
    expect(problemsOf({ HOST: '0.0.0.0' }).join('\n')).toMatch(/HOST=0\.0\.0\.0 is not loopback/);
  });

  it('lists every missing production setting at once instead of stopping at the first', () => {
    const problems = problemsOf({ BOT_ID: 'x', HOST: '0.0.0.0' });
    for (const key of ['BOT_PASSWORD', 'BOT_TENANT_ID', 'MEETINGS', 'MAIL', 'ACCESS', 'PUBLIC_BASE_URL', 'ROLE_AGENTS', 'ROLE_APPROVERS']) {
      expect(problems.join('\n')).toContain(key);
    }
  });

  it('accepts a complete production configuration, explicitly local ports included', () => {
    expect(loadConfig(production)).toMatchObject({ localMode: false, bot: { appId: production.BOT_ID, type: 'SingleTenant' }, allowedTenantIds: ['tenant'] });
  });

  it('asks for every Graph setting a graph port needs', () => {
    const problems = problemsOf({ ...production, MEETINGS: 'graph', MAIL: 'graph', ACCESS: 'graph' }).join('\n');
    for (const key of ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'credential', 'MAIL_SENDER', 'LOCKBOX_ACCESS_GROUP_ID']) expect(problems).toContain(key);
  });

  it('answers malformed values with the key that is wrong', () => {
    expect(problemsOf({ PORT: 'eighty' }).join('\n')).toContain('PORT');
    expect(problemsOf({ MEETINGS: 'zoom' }).join('\n')).toContain('MEETINGS');
  });

  it('refuses webhooks to http, private or loopback targets in production and demands a strong secret', () => {
    const problems = problemsOf({ ...production, WEBHOOK_URLS: 'http://hooks.example.com,https://10.0.0.8/x', WEBHOOK_SECRET: 'short' }).join('\n');
    expect(problems).toContain('must use https');
    expect(problems).toContain('private or loopback');
    expect(problems).toContain('WEBHOOK_SECRET');
  });

  it('refuses, before resolving anything, every spelling of a loopback, private, metadata or CGNAT target', async () => {
    const { webhookUrlProblem } = await import('../../src/config');
    const refused = [
      'https://[::ffff:127.0.0.1]/x',
      'https://[::ffff:169.254.169.254]/latest',
      'https://[64:ff9b::a9fe:a9fe]/x',
      'https://[64:ff9b::7f00:1]/x',
      'https://100.64.0.1/x',
      'https://localhost./x',
      'https://2130706433/x',
      'https://0x7f.1/x',
      'https://0177.0.0.1/x',
      'https://[fd00:ec2::254]/x',
      'https://0.0.0.0/x',
      'https://[::]/x',
      'https://224.0.0.1/x',
      'https://printer.local/x',
      'https://metadata.google.internal/x',
      'https://intranet/x',
    ];
    for (const url of refused) expect([url, webhookUrlProblem(url, false)]).toEqual([url, expect.stringContaining('private or loopback')]);
    expect(webhookUrlProblem('https://hooks.example.com/doorman', false)).toBeNull();
    expect(webhookUrlProblem('https://93.184.216.34/doorman', false)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8080/x', true)).toBeNull();
    expect(webhookUrlProblem('http://localhost:8080/x', true)).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.com/x', true)).toContain('https');
    expect(webhookUrlProblem('https://10.0.0.1/x', true)).toContain('private');
  });
});

describe('the Graph permissions doctor asks for', () => {
  it('include GroupMember.ReadWrite.All only when lockbox access is an Entra group', async () => {
    const { requiredGraphPermissions } = await import('../../src/adapters/graph/graphDoctor');
    const graph = { GRAPH_TENANT_ID: 't', GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's' };
    const withGroup = loadConfig({ ...production, ...graph, ACCESS: 'graph', LOCKBOX_ACCESS_GROUP_ID: 'g' });
    const withoutGroup = loadConfig({ ...production, ...graph, MEETINGS: 'graph' });
    expect(requiredGraphPermissions(withGroup, false).map((need) => need.permission)).toContain('GroupMember.ReadWrite.All');
    expect(requiredGraphPermissions(withoutGroup, false).map((need) => need.permission)).not.toContain('GroupMember.ReadWrite.All');
  });
});

describe('DIRECTORY', () => {
  const graph = { GRAPH_TENANT_ID: 't', GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's' };

  it('group:<id> in a role list needs DIRECTORY=graph: the configured directory would give the role to nobody', () => {
    expect(() => loadConfig({ ...production, ROLE_APPROVERS: 'group:0a1b' })).toThrow(/group:0a1b.*DIRECTORY=graph/);
    expect(loadConfig({ ...production, ...graph, DIRECTORY: 'graph', ROLE_APPROVERS: 'group:0a1b' }).directory).toBe('graph');
  });

  it('DIRECTORY=graph needs the Graph settings; the default stays the configured directory', () => {
    expect(() => loadConfig({ ...production, DIRECTORY: 'graph' })).toThrow(/GRAPH_TENANT_ID is required when MEETINGS, MAIL, ACCESS or DIRECTORY is graph/);
    expect(loadConfig({ ...production }).directory).toBe('configured');
    expect(() => loadConfig({ ...production, DIRECTORY: 'entra' })).toThrow();
  });
});

describe('.env (README: "copy .env.sample to .env")', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doorman-dotenv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the values of .env', () => {
    writeFileSync(join(dir, '.env'), '# mine\nPORT=4100\nSESSION_DEFAULT_HOURS=6\nDEFAULT_TIME_ZONE="America/New_York"\n');
    const config = loadConfig(loadEnvironment(dir, {}));
    expect(config).toMatchObject({ port: 4100, sessionDefaultHours: 6, defaultTimeZone: 'America/New_York' });
  });

  it('lets a real environment variable win over the file', () => {
    writeFileSync(join(dir, '.env'), 'PORT=4100\nSESSION_DEFAULT_HOURS=6\n');
    const config = loadConfig(loadEnvironment(dir, { PORT: '4200' }));
    expect(config).toMatchObject({ port: 4200, sessionDefaultHours: 6 });
  });

  it('runs on defaults without a .env', () => {
    expect(loadEnvironment(dir, { PORT: '4300' })).toEqual({ PORT: '4300' });
  });
});

describe('TEAMS_APP_ID', () => {
  const graph = { GRAPH_TENANT_ID: 't', GRAPH_CLIENT_ID: 'c', GRAPH_CLIENT_SECRET: 's' };

  it('is the app catalog id Doorman installs itself with; it needs the Graph settings', () => {
    expect(loadConfig({ ...production, ...graph, TEAMS_APP_ID: ' a1b2 ' }).teamsAppId).toBe('a1b2');
    expect(loadConfig({ ...production }).teamsAppId).toBeNull();
    expect(() => loadConfig({ ...production, TEAMS_APP_ID: 'a1b2' })).toThrow(/GRAPH_TENANT_ID is required when .* or TEAMS_APP_ID is set/);
  });
});
