/**
 * Checks infra/main.bicep against src/config.ts. There is no Bicep compiler offline, so the template is read as
 * text (bicepText.ts): what it declares, which app settings it sets, what it outputs. The app settings are then
 * resolved with the committed env/.env.dev (through infra/main.parameters.json) and fed to the real loadConfig.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS, loadConfig } from '../../../src/config';
import { REPO_ROOT, fillPlaceholders, loadEnvironment, parseEnvFile, placeholdersIn } from '../../../scripts/packageApp';
import { appSettingsVars, readBicep } from './bicepText';

/** App settings read by the platform, not by Doorman. Keep this list short and explained. */
const PLATFORM_APP_SETTINGS: Record<string, string> = {
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'App Service builds the zip-deployed source (native better-sqlite3).',
};

/** Outputs that fill env keys read by the deployment steps rather than by Doorman. */
const DEPLOYMENT_OUTPUTS: Record<string, string> = {
  BOT_DOMAIN: 'fills ${{BOT_DOMAIN}} in appPackage/manifest.json',
  AZURE_APP_SERVICE_RESOURCE_ID: 'target of azureAppService/zipDeploy in m365agents.yml',
  AZURE_WEB_APP_NAME: 'az webapp deploy in docs/deploy.md',
  AZURE_KEY_VAULT_NAME: 'az keyvault secret set in docs/deploy.md',
  AZURE_IDENTITY_PRINCIPAL_ID: 'Graph app-role grants in docs/deploy.md',
};

/** Config keys whose values are secrets: never an output, never a plain app setting. */
const SECRET_CONFIG_KEYS = ['BOT_PASSWORD', 'DATABASE_URL', 'GRAPH_CLIENT_SECRET', 'METRICS_TOKEN'];

/** Stand-ins for values only Azure knows at deployment time (resource properties, tenant id). */
const DEPLOYMENT_TIME_SAMPLES: Record<string, string> = {
  PUBLIC_BASE_URL: 'https://app-doorman-dev-abc123.azurewebsites.net',
  BOT_ID: '5a0f7e52-2f0c-4d8e-9a61-3f1b2c4d5e6f',
  BOT_TENANT_ID: 'c2d9a3b4-7e8f-4a1b-9c2d-3e4f5a6b7c8d',
  GRAPH_TENANT_ID: 'c2d9a3b4-7e8f-4a1b-9c2d-3e4f5a6b7c8d',
  GRAPH_CLIENT_ID: '5a0f7e52-2f0c-4d8e-9a61-3f1b2c4d5e6f',
  DATABASE_URL: 'postgresql://doorman:pw@psql-doorman-dev-abc123.postgres.database.azure.com:5432/doorman?sslmode=verify-full',
  BOT_PASSWORD: 'app-registration-client-secret',
  METRICS_TOKEN: 'metrics-token-from-key-vault-0123456789abcdef',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
};

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const bicep = readBicep(read('infra/main.bicep'));
const parameterFile = JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
const devValues = {
  ...loadEnvironment('dev'),
  SECRET_POSTGRES_ADMIN_PASSWORD: 'a-test-password-long-enough',
  SECRET_BOT_PASSWORD: '',
  SECRET_METRICS_TOKEN: '',
};

function unquote(source: string): string | null {
  const literal = /^'([^'$]*)'$/.exec(source);
  return literal ? literal[1] : null;
}

/** A parameter's value as a dev deployment passes it: the parameters file filled from env/.env.dev, else its default. */
function parameterValue(name: string, overrides: Record<string, string>): string {
  if (overrides[name] !== undefined) return overrides[name];
  const passed = parameterFile.parameters[name];
  if (passed !== undefined) {
    const { text, missing } = fillPlaceholders(String(passed.value), devValues);
    if (missing.length > 0) throw new Error(`env/.env.dev does not set ${missing.join(', ')}`);
    return text;
  }
  const declared = bicep.params.get(name);
  const fallback = declared?.defaultSource ? unquote(declared.defaultSource) : null;
  if (fallback === null) throw new Error(`parameter ${name} has neither a value in the parameters file nor a literal default`);
  return fallback;
}

/** The app settings main.bicep gives the web app, resolved for a dev deployment. */
function appSettings(overrides: Record<string, string> = {}): Record<string, string> {
  const botType = parameterValue('botType', overrides);
  const settings: Record<string, string> = {};
  for (const varName of appSettingsVars(bicep)) {
    if (varName === 'singleTenantSettings' && botType !== 'SingleTenant') continue;
    if (varName === 'metricsSettings' && parameterValue('metricsToken', overrides) === '') continue;
    for (const [key, source] of bicep.objectVars.get(varName) ?? []) {
      const literal = unquote(source);
      if (literal !== null) settings[key] = literal;
      else if (bicep.params.has(source)) settings[key] = parameterValue(source, overrides);
      else if (DEPLOYMENT_TIME_SAMPLES[key] !== undefined) settings[key] = DEPLOYMENT_TIME_SAMPLES[key];
      else throw new Error(`app setting ${key} = ${source}: add a stand-in to DEPLOYMENT_TIME_SAMPLES`);
    }
  }
  return settings;
}

function settingSources(): Map<string, string> {
  return new Map(appSettingsVars(bicep).flatMap((name) => [...(bicep.objectVars.get(name) ?? [])]));
}

describe('infra/main.bicep', () => {
  it('declares the resources of a Doorman deployment', () => {
    const types = bicep.resources.map((resource) => resource.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'Microsoft.ManagedIdentity/userAssignedIdentities',
        'Microsoft.Web/serverfarms',
        'Microsoft.Web/sites',
        'Microsoft.Web/sites/config',
        'Microsoft.BotService/botServices',
        'Microsoft.BotService/botServices/channels',
        'Microsoft.DBforPostgreSQL/flexibleServers',
        'Microsoft.DBforPostgreSQL/flexibleServers/databases',
        'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules',
        'Microsoft.KeyVault/vaults',
        'Microsoft.KeyVault/vaults/secrets',
        'Microsoft.Authorization/roleAssignments',
        'Microsoft.Insights/components',
      ]),
    );
    const body = (type: string) => bicep.resources.find((resource) => resource.type === type)?.body ?? '';
    expect(body('Microsoft.Web/sites')).toContain("linuxFxVersion: 'NODE|22-lts'");
    expect(body('Microsoft.Web/sites')).toContain('keyVaultReferenceIdentity: identity.id');
    expect(body('Microsoft.BotService/botServices')).toContain('msaAppType: botType');
    expect(body('Microsoft.BotService/botServices')).toContain("endpoint: '${publicBaseUrl}/api/messages'");
    expect(body('Microsoft.BotService/botServices/channels')).toContain("channelName: 'MsTeamsChannel'");
    expect(body('Microsoft.KeyVault/vaults')).toContain('enableRbacAuthorization: true');
    expect(body('Microsoft.DBforPostgreSQL/flexibleServers/firewallRules')).toContain("startIpAddress: '0.0.0.0'");
  });

  it('makes the bot a UserAssignedMSI by default, SingleTenant the alternative, never MultiTenant', () => {
    expect(bicep.params.get('botType')).toMatchObject({
      defaultSource: "'UserAssignedMSI'",
      allowed: ['UserAssignedMSI', 'SingleTenant'],
    });
  });

  it('sets as app settings only keys src/config.ts reads, plus a short platform list', () => {
    const unknown = [...settingSources().keys()].filter(
      (key) => !CONFIG_KEYS.includes(key) && PLATFORM_APP_SETTINGS[key] === undefined,
    );
    expect(unknown).toEqual([]);
  });

  it('outputs only env keys Doorman reads, plus the few the deployment steps read', () => {
    expect(bicep.outputs.size).toBeGreaterThan(0);
    const unknown = [...bicep.outputs.keys()].filter(
      (key) => !CONFIG_KEYS.includes(key) && DEPLOYMENT_OUTPUTS[key] === undefined,
    );
    expect(unknown).toEqual([]);
    expect([...bicep.outputs.keys()]).toEqual(expect.arrayContaining(['BOT_ID', 'BOT_DOMAIN', 'PUBLIC_BASE_URL']));
  });

  it('keeps secrets in Key Vault: secret settings are Key Vault references, and no output carries one', () => {
    const sources = settingSources();
    for (const key of SECRET_CONFIG_KEYS.filter((k) => sources.has(k))) {
      expect({ key, source: sources.get(key) }).toEqual({ key, source: expect.stringMatching(/^'@Microsoft\.KeyVault\(/) });
    }
    expect(sources.has('DATABASE_URL')).toBe(true);
    const secureParams = [...bicep.params].filter(([, param]) => param.secure).map(([name]) => name);
    expect(secureParams).toEqual(expect.arrayContaining(['postgresAdminPassword', 'botPassword', 'metricsToken']));
    for (const [name, expression] of bicep.outputs) {
      expect(SECRET_CONFIG_KEYS).not.toContain(name);
      for (const secret of secureParams) expect(expression).not.toMatch(new RegExp(`\\b${secret}\\b`));
    }
    for (const [key, source] of sources) {
      for (const secret of secureParams) expect({ key, usesSecret: new RegExp(`\\b${secret}\\b`).test(source) }).toEqual({ key, usesSecret: false });
    }
  });

  it.each(['UserAssignedMSI', 'SingleTenant'])(
    'sets every key config.ts requires in production (%s bot, with the committed env/.env.dev)',
    (botType) => {
      const env = appSettings({ botType });
      const config = loadConfig(env);
      expect(config.localMode).toBe(false);
      expect(config.bot).toMatchObject({ type: botType });
      expect(config.store.kind).toBe('postgres');
      expect(config.host).toBe('0.0.0.0');
      if (botType === 'SingleTenant') expect(config.bot?.password).not.toBeNull();
    },
  );

  it('sets METRICS_TOKEN from Key Vault only when a token is given (an unresolved reference would be the token)', () => {
    expect(settingSources().get('METRICS_TOKEN')).toMatch(/^'@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName=metrics-token\)'$/);
    const secret = bicep.resources.find((resource) => /^\s*name: 'metrics-token'$/m.test(resource.body));
    expect(secret?.body).toContain('if (!empty(metricsToken))');
    expect(secret?.body).toContain('value: metricsToken');
    const config = bicep.resources.find((resource) => resource.type === 'Microsoft.Web/sites/config');
    expect(config?.body).toContain('empty(metricsToken) ? {} : metricsSettings');
    expect(appSettings().METRICS_TOKEN).toBeUndefined();
    const token = 'a-metrics-token-of-at-least-32-characters';
    const withToken = appSettings({ metricsToken: token });
    expect(withToken.METRICS_TOKEN).toBe(DEPLOYMENT_TIME_SAMPLES.METRICS_TOKEN);
    expect(loadConfig(withToken).metricsToken).toBe(DEPLOYMENT_TIME_SAMPLES.METRICS_TOKEN);
  });

  it('carries DIRECTORY (issue 11): a deployment reads people, time zones and group roles from Entra by default', () => {
    expect(settingSources().get('DIRECTORY')).toBe('directory');
    expect(bicep.params.get('directory')).toMatchObject({ defaultSource: "'graph'" });
    expect(loadConfig(appSettings()).directory).toBe('graph');
  });

  it('would notice an infra that dropped a required key', () => {
    const env = appSettings();
    const required = Object.keys(env).filter((key) => {
      const { [key]: _dropped, ...rest } = env;
      try {
        loadConfig(rest);
        return false;
      } catch {
        return true;
      }
    });
    expect(required).toEqual(
      expect.arrayContaining(['BOT_ID', 'BOT_TENANT_ID', 'PUBLIC_BASE_URL', 'MEETINGS', 'MAIL', 'MAIL_SENDER', 'ROLE_AGENTS']),
    );
  });

  it('gets a value for every parameter without a default, and passes only declared ones', () => {
    const passed = Object.keys(parameterFile.parameters);
    expect(passed.filter((name) => !bicep.params.has(name))).toEqual([]);
    const required = [...bicep.params].filter(([, param]) => param.defaultSource === null).map(([name]) => name);
    expect(required.filter((name) => !passed.includes(name))).toEqual([]);
  });

  it('fills the parameters file from env/.env.dev, secrets only from SECRET_ keys of the .user file', () => {
    const placeholders = placeholdersIn(read('infra/main.parameters.json'));
    const committed = loadEnvironment('dev');
    expect(placeholders.filter((key) => !key.startsWith('SECRET_') && committed[key] === undefined)).toEqual([]);
    for (const [name, param] of bicep.params) {
      if (!param.secure || parameterFile.parameters[name] === undefined) continue;
      expect(placeholdersIn(JSON.stringify(parameterFile.parameters[name].value)).every((key) => key.startsWith('SECRET_'))).toBe(true);
    }
  });

  it('writes outputs into keys env/.env.dev already shows', () => {
    const committed = parseEnvFile(read('env/.env.dev'));
    expect([...bicep.outputs.keys()].filter((key) => committed[key] === undefined)).toEqual([]);
  });
});

describe('.env.sample', () => {
  it('documents exactly the keys src/config.ts reads, each once', () => {
    const assignments = read('.env.sample')
      .split(/\r?\n/)
      .map((line) => /^#?\s?([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((key): key is string => key !== undefined);
    expect(assignments.length).toBe(new Set(assignments).size);
    expect([...assignments].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('explains each key with a comment line or a group heading above it', () => {
    const lines = read('.env.sample').split(/\r?\n/);
    lines.forEach((line, index) => {
      if (!/^#?\s?[A-Z][A-Z0-9_]*=/.test(line)) return;
      const above = lines.slice(0, index).reverse().find((l) => !/^#?\s?[A-Z][A-Z0-9_]*=/.test(l));
      expect({ line, above: above?.startsWith('#') ?? false }).toEqual({ line, above: true });
    });
  });
});

describe('m365agents.yml', () => {
  const yml = read('m365agents.yml');

  it('ties provision (Bicep) → package → deploy, in the Agents Toolkit v1.x shape', () => {
    expect(yml).toMatch(/^version: v1\.\d+$/m);
    expect(yml).toMatch(/^environmentFolderPath: \.\/env$/m);
    for (const stage of ['provision', 'deploy', 'publish']) expect(yml).toMatch(new RegExp(`^${stage}:$`, 'm'));
    for (const action of ['arm/deploy', 'teamsApp/create', 'teamsApp/update', 'azureAppService/zipDeploy']) {
      expect(yml).toContain(`uses: ${action}`);
    }
    expect(yml).toContain('args: run package -- --env ${{TEAMSFX_ENV}}');
    expect(yml).toContain('./appPackage/build/doorman-${{TEAMSFX_ENV}}.zip');
    expect(yml).toContain('resourceId: ${{AZURE_APP_SERVICE_RESOURCE_ID}}');
  });

  it('points only at files that exist', () => {
    const paths = [...yml.matchAll(/(?:path|parameters|ignoreFile): (\.\/[^\s$]+)$/gm)].map((m) => m[1]);
    expect(paths).toEqual(expect.arrayContaining(['./infra/main.bicep', './infra/main.parameters.json']));
    for (const path of paths) expect({ path, exists: existsSync(join(REPO_ROOT, path)) }).toEqual({ path, exists: true });
  });
});
