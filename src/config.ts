import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { addressRefusal, classifyAddress } from './domain/networkAddress';
import { DEFAULT_LOCKBOX_SCOPE } from './domain/lockbox';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

const idList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .optional()
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every environment key Doorman reads; `.env.sample` documents each. */
const environmentSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  PUBLIC_BASE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PLAYGROUND_PORT: z.coerce.number().int().min(1).max(65535).default(56150),

  BOT_ID: z.string().optional(),
  BOT_PASSWORD: z.string().optional(),
  BOT_TENANT_ID: z.string().optional(),
  BOT_TYPE: z.enum(['SingleTenant', 'UserAssignedMSI', 'MultiTenant']).optional(),
  ALLOWED_TENANT_IDS: idList,

  DATABASE_URL: z.string().optional(),
  SQLITE_PATH: z.string().default('./data/doorman.db'),

  MEETINGS: z.enum(['local', 'graph']).optional(),
  MAIL: z.enum(['local', 'graph']).optional(),
  MAIL_DIR: z.string().default('./data/mail'),
  MAIL_SENDER: z.string().optional(),

  GRAPH_TENANT_ID: z.string().optional(),
  GRAPH_CLIENT_ID: z.string().optional(),
  GRAPH_CLIENT_SECRET: z.string().optional(),
  GRAPH_CERTIFICATE_PATH: z.string().optional(),
  GRAPH_CREDENTIAL: z.enum(['secret', 'certificate', 'managedIdentity']).optional(),
  GRAPH_MEETING_MODE: z.enum(['onlineMeeting', 'calendarEvent']).default('onlineMeeting'),
  GRAPH_ORGANIZER: z.string().default('agent'),
  GRAPH_BASE_URL: z.string().url().default('https://graph.microsoft.com/v1.0'),
  GRAPH_AUTHORITY_HOST: z.string().url().optional(),
  LOBBY_BYPASS_AFTER_ADMIT: flag,

  DIRECTORY: z.enum(['configured', 'graph']).default('configured'),
  ROLES_FILE: z.string().optional(),
  ROLE_ADMINS: idList,
  ROLE_AGENTS: idList,
  ROLE_APPROVERS: idList,
  ROLE_ENGINEERS: idList,

  SESSION_DEFAULT_HOURS: positiveInt(24),
  OUTBOX_LEASE_SECONDS: positiveInt(60),

  ACCESS: z.enum(['local', 'graph']).optional(),
  LOCKBOX_ACCESS_GROUP_ID: z.string().optional(),
  LOCKBOX_SCOPES: z.string().optional(),
  WEBHOOK_URLS: idList,
  API_TOKEN_AUDIENCES: idList,
  WEBHOOK_SECRET: z.string().optional(),
  DEFAULT_TIME_ZONE: z.string().default('UTC'),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().optional(),
  METRICS_TOKEN: z.string().optional(),

  TAB_SSO_CLIENT_ID: z.string().optional(),
  TEAMS_APP_ID: z.string().optional(),
  TAB_SSO_APP_ID_URI: z.string().optional(),
  ENTRA_JWKS_URL: z.string().url().default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),

  DEVICES: z.enum(['intune', 'local', 'off']).optional(),
});

/** What the Graph adapters are given (they take this, never the whole Config). */
export interface GraphSettings {
  tenantId: string;
  clientId: string;
  credential: { kind: 'secret'; secret: string } | { kind: 'certificate'; path: string } | { kind: 'managedIdentity' };
  meetingMode: 'onlineMeeting' | 'calendarEvent';
  /** 'agent' (the assignee, else the creator, organizes) or the object id / UPN of a service account. */
  organizer: string;
  baseUrl: string;
  authorityHost: string | null;
}

/** Doorman's configuration, validated once at start-up. */
export interface Config {
  host: string;
  port: number;
  publicBaseUrl: string;
  logLevel: string;
  /** Where `npm start` runs the Agents Playground (the first persona; the next ones on the following ports). */
  playgroundPort: number;
  /** True when Doorman runs without a bot app id, on loopback, against the Agents Playground. */
  localMode: boolean;
  bot: { appId: string; password: string | null; tenantId: string | null; type: string } | null;
  allowedTenantIds: string[];
  store: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  meetings: 'local' | 'graph';
  mail: { kind: 'local'; dir: string } | { kind: 'graph'; sender: string };
  /** The Graph adapters' settings, plus whether the lobby opens briefly after Admit. */
  graph: (GraphSettings & { lobbyBypassAfterAdmit: boolean }) | null;
  /** Where people and roles come from: the roles file and ROLE_* ids, or Entra through Graph (names, groups). */
  directory: 'configured' | 'graph';
  roles: {
    file: string | null;
    admins: string[];
    agents: string[];
    approvers: string[];
    engineers: string[];
  };
  sessionDefaultHours: number;
  defaultTimeZone: string;
  /** How long a claimed outbox row stays invisible to other instances; after a crash, delivery resumes then. */
  outboxLeaseMs: number;
  lockbox: {
    access: { kind: 'local' } | { kind: 'graph'; groupId: string };
    /** Access scopes admins define (LOCKBOX_SCOPES); the default scope (LOCKBOX_ACCESS_GROUP_ID) comes first. */
    scopes: LockboxScopeConfig[];
    webhookUrls: string[];
    webhookSecret: string | null;
    /** Entra app-only tokens the REST API accepts (app role Lockbox.Request), or null: API keys only. */
    apiTokens: { audiences: string[]; jwksUrl: string } | null;
  };
  /** Bearer token for /metrics in production (null: /metrics answers 404 there); local mode serves it openly. */
  metricsToken: string | null;
  /** Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING): traces, request metrics, exceptions; null: nothing sent. */
  applicationInsightsConnectionString: string | null;
  /**
   * Doorman's id in the organization's Teams app catalog (TEAMS_APP_ID), so it can install itself for people who never
   * opened it (Graph), and name in activity-feed deep links. Null: such people are reached by mail where a notice has
   * a mail form, and cards say so; activity-feed notifications are off in production (local mode shows them in the
   * console and on the cards either way).
   */
  teamsAppId: string | null;
  /** Single sign-on of the Teams tab; null when TAB_SSO_CLIENT_ID is empty (the tab then says SSO is not set up). */
  tabSso: { clientId: string; appIdUri: string | null; jwksUrl: string } | null;
  /**
   * Devices of `assist`: Intune through Graph, the labelled local stand-in, or none (the form asks in free text, no
   * device actions). Default: local in local mode, off in production.
   */
  devices: 'intune' | 'local' | 'off';
}

/** Thrown at start-up with every configuration problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Doorman cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The environment Doorman runs with: the keys of `.env` in `dir` (when there is one), under the real environment,
 * which wins. README and `.env.sample` tell people to put their settings there.
 */
export function loadEnvironment(dir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = join(dir, '.env');
  if (!existsSync(file)) return env;
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

/** Reads and validates the environment (`.env` under the real one); the only place that reads `process.env`. */
export function loadConfig(env: NodeJS.ProcessEnv = loadEnvironment()): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const blank = (value: string | undefined) => value === undefined || value.trim() === '';

  const localMode = blank(e.BOT_ID);
  if (localMode && !LOOPBACK_HOSTS.includes(e.HOST)) {
    problems.push(
      `HOST=${e.HOST} is not loopback, but no BOT_ID is set: the unauthenticated local bot endpoint ` +
        'may only listen on 127.0.0.1. Set BOT_ID and BOT_PASSWORD (or BOT_TYPE=UserAssignedMSI), or bind to loopback.',
    );
  }
  if (!localMode) {
    if (blank(e.BOT_PASSWORD) && e.BOT_TYPE !== 'UserAssignedMSI') {
      problems.push('BOT_PASSWORD is required with BOT_ID (or set BOT_TYPE=UserAssignedMSI).');
    }
    if (e.BOT_TYPE !== 'MultiTenant' && blank(e.BOT_TENANT_ID)) {
      problems.push('BOT_TENANT_ID is required for a SingleTenant or UserAssignedMSI bot.');
    }
    if (e.MEETINGS === undefined) problems.push('MEETINGS must be set to graph or local when BOT_ID is set.');
    if (e.MAIL === undefined) problems.push('MAIL must be set to graph or local when BOT_ID is set.');
    if (blank(e.PUBLIC_BASE_URL)) problems.push('PUBLIC_BASE_URL is required when BOT_ID is set.');
    if (blank(e.DATABASE_URL) && e.SQLITE_PATH === undefined) problems.push('DATABASE_URL or SQLITE_PATH is required.');
  }

  const meetings = e.MEETINGS ?? 'local';
  const mailKind = e.MAIL ?? 'local';
  const needsGraph =
    meetings === 'graph' || mailKind === 'graph' || e.ACCESS === 'graph' || e.DIRECTORY === 'graph' || e.DEVICES === 'intune' || !blank(e.TEAMS_APP_ID);
  let graph: Config['graph'] = null;
  if (needsGraph) {
    for (const key of ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID'] as const) {
      if (blank(e[key])) problems.push(`${key} is required when MEETINGS, MAIL, ACCESS or DIRECTORY is graph, DEVICES is intune, or TEAMS_APP_ID is set.`);
    }
    const credentialKind =
      e.GRAPH_CREDENTIAL ??
      (!blank(e.GRAPH_CLIENT_SECRET) ? 'secret' : !blank(e.GRAPH_CERTIFICATE_PATH) ? 'certificate' : undefined);
    let credential: NonNullable<Config['graph']>['credential'] = { kind: 'managedIdentity' };
    if (credentialKind === undefined) {
      problems.push('Graph needs a credential: GRAPH_CLIENT_SECRET, GRAPH_CERTIFICATE_PATH or GRAPH_CREDENTIAL=managedIdentity.');
    } else if (credentialKind === 'secret') {
      if (blank(e.GRAPH_CLIENT_SECRET)) problems.push('GRAPH_CLIENT_SECRET is required with GRAPH_CREDENTIAL=secret.');
      credential = { kind: 'secret', secret: e.GRAPH_CLIENT_SECRET ?? '' };
    } else if (credentialKind === 'certificate') {
      if (blank(e.GRAPH_CERTIFICATE_PATH)) {
        problems.push('GRAPH_CERTIFICATE_PATH is required with GRAPH_CREDENTIAL=certificate.');
      }
      credential = { kind: 'certificate', path: e.GRAPH_CERTIFICATE_PATH ?? '' };
    }
    graph = {
      tenantId: e.GRAPH_TENANT_ID ?? '',
      clientId: e.GRAPH_CLIENT_ID ?? '',
      credential,
      meetingMode: e.GRAPH_MEETING_MODE,
      organizer: e.GRAPH_ORGANIZER,
      baseUrl: e.GRAPH_BASE_URL,
      authorityHost: e.GRAPH_AUTHORITY_HOST ?? null,
      lobbyBypassAfterAdmit: e.LOBBY_BYPASS_AFTER_ADMIT,
    };
  }
  if (mailKind === 'graph' && blank(e.MAIL_SENDER)) problems.push('MAIL_SENDER is required when MAIL=graph.');
  const accessKind = e.ACCESS ?? 'local';
  if (!localMode && e.ACCESS === undefined) problems.push('ACCESS must be set to graph or local when BOT_ID is set.');
  if (accessKind === 'graph') {
    if (blank(e.LOCKBOX_ACCESS_GROUP_ID)) problems.push('LOCKBOX_ACCESS_GROUP_ID is required when ACCESS=graph.');
  }
  const scopes = lockboxScopesOf(e.LOCKBOX_SCOPES, problems);
  if (accessKind === 'graph') {
    for (const scope of scopes) if (!scope.groupId) problems.push(`LOCKBOX_SCOPES: scope "${scope.id}" needs a groupId when ACCESS=graph.`);
  }
  for (const url of e.WEBHOOK_URLS) {
    const problem = webhookUrlProblem(url, localMode);
    if (problem) problems.push(`WEBHOOK_URLS: ${problem}`);
  }
  if (e.WEBHOOK_URLS.length > 0 && (e.WEBHOOK_SECRET ?? '').length < 32) {
    problems.push('WEBHOOK_SECRET must be at least 32 characters when WEBHOOK_URLS is set (receivers verify the signature with it).');
  }

  const rolesFile = e.ROLES_FILE ?? (localMode ? './config/local-roles.json' : null);
  if (!localMode && rolesFile === null && e.ROLE_AGENTS.length === 0) {
    problems.push('ROLE_AGENTS is empty: nobody could create or admit sessions. List agent object ids (or group:<id>).');
  }
  if (!localMode && rolesFile === null && e.ROLE_APPROVERS.length === 0) {
    problems.push('ROLE_APPROVERS is empty: nobody could decide lockbox requests. List approver object ids (or group:<id>).');
  }

  // Only the Graph directory resolves groups; elsewhere a group entry would silently give the role to nobody.
  const groupEntries = [...e.ROLE_ADMINS, ...e.ROLE_AGENTS, ...e.ROLE_APPROVERS, ...e.ROLE_ENGINEERS].filter((id) => id.startsWith('group:'));
  if (groupEntries.length > 0 && e.DIRECTORY !== 'graph') {
    problems.push(`ROLE_* names groups (${groupEntries.join(', ')}): set DIRECTORY=graph so that Doorman reads their members from Entra.`);
  }

  const tabSso = blank(e.TAB_SSO_CLIENT_ID)
    ? null
    : {
        clientId: (e.TAB_SSO_CLIENT_ID ?? '').trim(),
        appIdUri: blank(e.TAB_SSO_APP_ID_URI) ? null : (e.TAB_SSO_APP_ID_URI ?? '').trim(),
        jwksUrl: e.ENTRA_JWKS_URL,
      };
  if (tabSso === null && !blank(e.TAB_SSO_APP_ID_URI)) {
    problems.push("TAB_SSO_APP_ID_URI is set but TAB_SSO_CLIENT_ID is empty: set the client id of the tab's app registration too.");
  }
  // Whoever serves the signing keys decides who the tab believes: never over plain http outside local mode.
  const usesEntraKeys = tabSso !== null || e.API_TOKEN_AUDIENCES.length > 0;
  if (usesEntraKeys && !localMode && !e.ENTRA_JWKS_URL.startsWith('https://')) problems.push('ENTRA_JWKS_URL must use https.');

  const metricsToken = blank(e.METRICS_TOKEN) ? null : (e.METRICS_TOKEN ?? '').trim();
  if (metricsToken !== null && metricsToken.length < 32) problems.push('METRICS_TOKEN must be at least 32 characters (or empty: no /metrics in production).');

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    playgroundPort: e.PLAYGROUND_PORT,
    localMode,
    bot: localMode
      ? null
      : {
          appId: e.BOT_ID ?? '',
          password: e.BOT_PASSWORD ?? null,
          tenantId: e.BOT_TENANT_ID ?? null,
          type: e.BOT_TYPE ?? 'SingleTenant',
        },
    allowedTenantIds: e.ALLOWED_TENANT_IDS.length > 0 ? e.ALLOWED_TENANT_IDS : e.BOT_TENANT_ID ? [e.BOT_TENANT_ID] : [],
    store: blank(e.DATABASE_URL)
      ? { kind: 'sqlite', path: e.SQLITE_PATH }
      : { kind: 'postgres', url: e.DATABASE_URL ?? '' },
    meetings,
    mail: mailKind === 'graph' ? { kind: 'graph', sender: e.MAIL_SENDER ?? '' } : { kind: 'local', dir: e.MAIL_DIR },
    graph,
    directory: e.DIRECTORY,
    roles: {
      file: rolesFile,
      admins: e.ROLE_ADMINS,
      agents: e.ROLE_AGENTS,
      approvers: e.ROLE_APPROVERS,
      engineers: e.ROLE_ENGINEERS,
    },
    sessionDefaultHours: e.SESSION_DEFAULT_HOURS,
    outboxLeaseMs: e.OUTBOX_LEASE_SECONDS * 1000,
    lockbox: {
      access: accessKind === 'graph' ? { kind: 'graph', groupId: e.LOCKBOX_ACCESS_GROUP_ID ?? '' } : { kind: 'local' },
      scopes: [{ ...DEFAULT_LOCKBOX_SCOPE, groupId: e.LOCKBOX_ACCESS_GROUP_ID ?? null }, ...scopes],
      webhookUrls: e.WEBHOOK_URLS,
      webhookSecret: e.WEBHOOK_SECRET ?? null,
      apiTokens: e.API_TOKEN_AUDIENCES.length > 0 ? { audiences: e.API_TOKEN_AUDIENCES, jwksUrl: e.ENTRA_JWKS_URL } : null,
    },
    defaultTimeZone: e.DEFAULT_TIME_ZONE,
    metricsToken,
    applicationInsightsConnectionString: blank(e.APPLICATIONINSIGHTS_CONNECTION_STRING) ? null : (e.APPLICATIONINSIGHTS_CONNECTION_STRING ?? '').trim(),
    tabSso,
    devices: e.DEVICES ?? (localMode ? 'local' : 'off'),
    teamsAppId: blank(e.TEAMS_APP_ID) ? null : (e.TEAMS_APP_ID ?? '').trim(),
  };
}

/** Names that only ever reach this machine or a private network, whatever DNS says about them. */
const PRIVATE_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain)$/i;

/**
 * Why a webhook target is refused at start-up: https only, and never a private, loopback, link-local, CGNAT,
 * metadata or unspecified address outside local mode (local mode adds loopback, over http too). This is the first
 * line only: it cannot resolve names, so the webhook sender checks every resolved address again at each connection.
 */
export function webhookUrlProblem(url: string, localMode: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url} is not a URL`;
  }
  // URL has already turned 2130706433, 0x7f.1 and ::ffff:127.0.0.1 into the address they reach.
  const host = parsed.hostname.replace(/\.+$/, '');
  const refusal = addressRefusal(host, localMode);
  const loopbackName = localMode && /^localhost$/i.test(host);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && localMode && (classifyAddress(host) === 'loopback' || loopbackName))) {
    return `${url} must use https`;
  }
  if (refusal === 'notAnAddress') {
    if (loopbackName) return null;
    if (PRIVATE_NAME.test(host) || !host.includes('.')) return `${url} points at a private or loopback address`;
    return null;
  }
  return refusal === null ? null : `${url} points at a private or loopback address (${refusal})`;
}

/** The keys `loadConfig` reads, for the infrastructure check and `.env.sample`. */
export const CONFIG_KEYS: readonly string[] = Object.keys(environmentSchema.shape);

/** An access scope as configured: what people read, and the Entra group that carries it (Graph mode). */
export interface LockboxScopeConfig {
  id: string;
  name: string;
  description: string;
  groupId: string | null;
}

const scopeListSchema = z.array(
  z.object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
    name: z.string().trim().min(1).max(80),
    description: z.string().trim().min(1).max(300),
    groupId: z.string().trim().min(1).optional(),
  }),
);

/** LOCKBOX_SCOPES: a JSON list of `{ id, name, description, groupId }`; every problem is listed, none is guessed. */
function lockboxScopesOf(value: string | undefined, problems: string[]): LockboxScopeConfig[] {
  if (value === undefined || value.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    problems.push('LOCKBOX_SCOPES must be a JSON list of { "id", "name", "description", "groupId" }.');
    return [];
  }
  const parsed = scopeListSchema.safeParse(json);
  if (!parsed.success) {
    problems.push('LOCKBOX_SCOPES: each scope needs an id (lower-case letters, digits, dashes), a name and a description.');
    return [];
  }
  const ids = parsed.data.map((scope) => scope.id);
  if (ids.includes(DEFAULT_LOCKBOX_SCOPE.id) || new Set(ids).size !== ids.length) {
    problems.push(`LOCKBOX_SCOPES: scope ids must be unique and not "${DEFAULT_LOCKBOX_SCOPE.id}" (that is LOCKBOX_ACCESS_GROUP_ID's).`);
    return [];
  }
  return parsed.data.map((scope) => ({ ...scope, groupId: scope.groupId ?? null }));
}
