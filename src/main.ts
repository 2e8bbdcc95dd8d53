import { existsSync } from 'node:fs';
import { languageOfPerson, languageOfQueue } from './application/people/personLanguage';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ConfigurationBotFrameworkAuthentication, TurnContext } from 'botbuilder';
import { DeadlineSweeper } from './application/delivery/deadlineSweeper';
import { DispatcherOptions, OutboxDispatcher } from './application/delivery/outboxDispatcher';
import { AccessGranter, ActivityFeed, AppInstaller, Clock, DeviceManagement, Directory, Logger, Mailer, MeetingParticipants, MeetingProvider, Secrets, Store, storePorts, WebhookSender } from './application/ports';
import { startApplicationInsights } from './adapters/telemetry/applicationInsights';
import { RetentionEraser } from './application/oversight/retention';
import { OutboxPruner } from './application/delivery/outboxPruner';
import { InProcessRequestChanges } from './application/shared/requestChanges';
import { ChangeFeed, StoreChangeFeed } from './application/shared/storeChangeFeed';
import { FailSafeRateCounters, InMemoryRateCounters, RateWindows } from './application/shared/rateWindows';
import { ExpiredRowsPruner } from './application/delivery/expiredRowsPruner';
import { UseCaseDeps } from './application/shared/useCaseDeps';
import { approvalsQueue } from './application/people/queues';
import { Config, ConfigError, loadConfig } from './config';
import { CryptoSecrets } from './adapters/crypto/cryptoSecrets';
import type { GraphConnectionOptions } from './adapters/graph/graphClient';
import type { GraphStack } from './adapters/graph/graphAdapters';
import { ConsoleActivityFeed } from './adapters/local/consoleActivityFeed';
import { NoActivityFeed } from './adapters/system/noActivityFeed';
import { doctorReport } from './adapters/diagnostics/doctorReport';
import { channelsAndPeopleReport } from './adapters/diagnostics/channelsAndPeopleReport';
import type { GraphDeviceManagement } from './adapters/graph/graphDeviceManagement';
import type { GraphMeetingParticipants } from './adapters/graph/graphMeetingParticipants';
import { BotEndpointAdapter } from './adapters/http/botEndpoint';
import { createHttpServer } from './adapters/http/httpServer';
import { HttpWebhookSender } from './adapters/http/httpWebhookSender';
import { API_APP_ROLE } from './adapters/http/rest/restApi';
import { LocalAccessGranter } from './adapters/local/localAccessGranter';
import { LocalAppInstaller, UnconfiguredAppInstaller } from './adapters/local/localAppInstaller';
import { Metrics } from './adapters/http/metrics';
import { ConfiguredDirectory, readRolesFile } from './adapters/directory/configuredDirectory';
import type { GraphDirectory } from './adapters/graph/graphDirectory';
import { EmlMailer } from './adapters/local/emlMailer';
import { LocalDeviceManagement } from './adapters/local/localDeviceManagement';
import { NoDevices } from './adapters/system/noDevices';
import { LocalMeetingProvider } from './adapters/local/localMeetingProvider';
import { consoleDestination, createLogger } from './adapters/logging/pinoLogger';
import { systemClock } from './adapters/system/systemClock';
import { openSqliteRequestStore } from './adapters/storage/sqliteRequestStore';
import { LocalMeetingParticipants } from './adapters/local/localMeetingParticipants';
import { DoormanBot } from './adapters/teams/doormanBot';
import { CardRenderer } from './adapters/teams/cardRenderer';
import { ConnectorTimings, TeamsNotifier } from './adapters/teams/teamsNotifier';
import { SharedThreadLimits, ThreadRateLimiter } from './adapters/teams/threadRateLimiter';
import pino from 'pino';

/** What tests may replace: the clock, ids, the store, the ports at the network edge, the log sink. */
export interface DoormanOverrides {
  clock?: Clock;
  secrets?: Secrets;
  store?: Store;
  meetings?: MeetingProvider;
  mailer?: Mailer;
  access?: AccessGranter;
  webhooks?: WebhookSender;
  /** Assist: the user's devices and device actions (local mode: the labelled stand-in). */
  devices?: DeviceManagement;
  /** Invitation: colleagues added to a running meeting (local mode: the local room's list). */
  participants?: MeetingParticipants;
  logDestination?: pino.DestinationStream;
  dispatcher?: Partial<DispatcherOptions>;
  /** Bot Connector call timeout and how long a conversation that did not answer is left alone (tests shorten them). */
  connectorTimings?: Partial<ConnectorTimings>;
  /** TLS trust for a Graph double on loopback (tests); production uses the platform's trust store. */
  graphConnection?: GraphConnectionOptions;
  /** Tests drive the sweeper and dispatcher by hand when false. */
  backgroundWork?: boolean;
}

/** A running Doorman. */
export interface RunningDoorman {
  url: string;
  deps: UseCaseDeps;
  store: Store;
  dispatcher: OutboxDispatcher;
  sweeper: DeadlineSweeper;
  /** DEVICES=intune: the Intune adapter, the assist use cases' DeviceManagement; null otherwise. */
  intuneDevices: GraphDeviceManagement | null;
  /** Tells live pages of changes other instances committed: pushed by PostgreSQL, read on SQLite (tests tick it by hand). */
  changeFeed: ChangeFeed;
  /** MEETINGS=graph: colleagues' roles in the Teams meeting (invitation) through Graph; null otherwise. */
  graphParticipants: GraphMeetingParticipants | null;
  stop(): Promise<void>;
}

/** Composition root: config → adapters → use cases → server. */
export async function startDoorman(config: Config, overrides: DoormanOverrides = {}): Promise<RunningDoorman> {
  const logger = createLogger(config.logLevel, overrides.logDestination);
  const clock = overrides.clock ?? systemClock;
  const telemetry = config.applicationInsightsConnectionString ? startApplicationInsights(config.applicationInsightsConnectionString, logger) : null;
  const store = overrides.store ?? (await openStore(config));
  const rolesFile = config.roles.file ? readRolesFile(config.roles.file) : null;
  // The Graph SDK, pg and jose are loaded only when configured: local mode starts without them (issue 14).
  const graph: GraphStack | null = config.graph ? (await import('./adapters/graph/graphAdapters')).openGraph(config.graph, overrides.graphConnection) : null;
  const roleLists = { admin: config.roles.admins, agent: config.roles.agents, approver: config.roles.approvers, engineer: config.roles.engineers };
  const directory: Directory =
    config.directory === 'graph' && graph
      ? await startGraphDirectory(graph, new graph.adapters.GraphDirectory(graph.client, { roles: roleLists }, clock, logger))
      : new ConfiguredDirectory(rolesFile?.users ?? [], roleLists);
  // Lockbox requests would wait for nobody: refuse to start rather than let them expire unseen.
  if ((await directory.listByRole('approver')).length === 0) {
    throw new ConfigError(['Nobody holds the approver role: set ROLE_APPROVERS (or add approvers to the roles file).']);
  }
  const meetings: MeetingProvider =
    overrides.meetings ??
    (config.meetings === 'graph' && graph && config.graph
      ? new graph.adapters.GraphMeetingProvider(graph.client, config.graph, clock, logger)
      : new LocalMeetingProvider());
  const mailer: Mailer =
    overrides.mailer ??
    (config.mail.kind === 'graph' && graph
      ? new graph.adapters.GraphMailer(graph.client, config.mail.sender, clock, logger)
      : new EmlMailer(config.mail.kind === 'local' ? config.mail.dir : './data/mail', clock));

  // Devices of assist through Intune (DEVICES=intune): permissions read now, again on doctor and every 10 minutes.
  const intuneDevices = graph ? await graph.adapters.intuneDevicesFor(config, graph, clock, logger) : null;
  const activityFeed = chooseActivityFeed(config, graph, clock, logger);
  // Invitation: colleagues added to and re-roled in the Teams meeting through Graph (MEETINGS=graph), else the local list.
  const graphParticipants = overrides.meetings || !graph ? null : graph.adapters.meetingParticipantsFor(config, graph, clock, logger);

  let dispatcher: OutboxDispatcher | null = null;
  const deps: UseCaseDeps = {
    ...storePorts(store),
    clock,
    secrets: overrides.secrets ?? new CryptoSecrets(),
    directory,
    devices: overrides.devices ?? intuneDevices ?? (config.devices === 'local' ? new LocalDeviceManagement(clock) : new NoDevices()),
    participants: overrides.participants ?? graphParticipants ?? new LocalMeetingParticipants(),
    changes: new InProcessRequestChanges(),
    logger,
    wakeDispatcher: () => dispatcher?.wake(),
    ...(activityFeed.notifiedAbout ? { activityFeed } : {}),
    settings: {
      publicBaseUrl: config.publicBaseUrl,
      sessionDefaultHours: config.sessionDefaultHours,
      defaultTimeZone: config.defaultTimeZone,
      meetingProvider: meetings.provider,
      lobbyBypassSeconds: config.graph?.lobbyBypassAfterAdmit ? 90 : 0,
      webhookUrls: config.lockbox.webhookUrls,
      lockboxScopes: config.lockbox.scopes.map(({ id, name, description, groupId }) => ({ id, name, description, groupId })),
      lockboxScopeGroupRequired: config.lockbox.access.kind === 'graph',
    },
  };

  // Nothing undecidable (DESIGN.md §1): say at start-up that lockbox requests are refused until approvers have a channel.
  if (!(await approvalsQueue(deps))) {
    logger.warn({ code: 'QUEUE.NONE' }, 'No channel is registered for approvals: lockbox requests are refused until an admin says "@Doorman register approvals" in the approvers\' channel');
  }

  const adapter = new BotEndpointAdapter(new ConfigurationBotFrameworkAuthentication(botAuthSettings(config)));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error.message, type: context.activity.type }, 'unhandled bot error');
    if (context.activity.type === 'message') await context.sendActivity('Sorry, something went wrong on my side. Please try again.');
  };
  // Several instances share PostgreSQL: rate limits count there, for all of them together (this process's counters
  // while it does not answer). One instance on SQLite counts in memory.
  const sharedCounters = config.store.kind === 'postgres' ? new FailSafeRateCounters(store, clock, logger) : null;
  const rateCounters = sharedCounters ?? new InMemoryRateCounters();
  const renderer = new CardRenderer(clock, config.defaultTimeZone);
  const notifier = new TeamsNotifier(
    adapter,
    config.bot?.appId ?? '',
    {
      channel: (id) => store.getQueue(id),
      personalChat: (id) => store.getPersonalConversation(id),
      directoryTimeZone: async (id) => (await directory.profileOf(id))?.timeZone ?? null,
      personLanguage: (id) => languageOfPerson(deps, id),
      queueLanguage: (id) => languageOfQueue(deps, id),
      serviceEndpoint: async () => {
        const queue = (await store.listQueues())[0];
        return queue ? { serviceUrl: queue.serviceUrl, tenantId: queue.tenantId, channelId: queue.channelId } : store.anyPersonalConversation();
      },
    },
    renderer,
    new ThreadRateLimiter(clock),
    clock,
    overrides.connectorTimings,
    { serviceUrl: 'https://smba.trafficmanager.net/teams/', tenantId: config.bot?.tenantId ?? config.graph?.tenantId ?? null },
    sharedCounters ? new SharedThreadLimits(new RateWindows(sharedCounters, clock), clock) : null,
  );
  const installer = appInstaller(config, graph, clock);
  const access: AccessGranter =
    overrides.access ??
    (config.lockbox.access.kind === 'graph' && graph
      ? new graph.adapters.GraphGroupAccessGranter(graph.client, scopeGroups(config.lockbox.scopes), clock, logger, async (scopeId) => {
          const added = (await store.getLockboxSettings()).scopes.find((scope) => scope.id === scopeId);
          return added?.groupId ?? null;
        })
      : new LocalAccessGranter(store, clock));
  const webhooks = overrides.webhooks ?? new HttpWebhookSender(config.lockbox.webhookSecret ?? '', clock, { localMode: config.localMode });
  dispatcher = new OutboxDispatcher(
    deps,
    { notifier, mailer, meetings, access, webhooks, activityFeed, installer, chatOpener: notifier },
    { leaseMs: config.outboxLeaseMs, ...overrides.dispatcher },
  );
  const sweeper = new DeadlineSweeper(deps);
  const doctor = async () => [(await doctorReport(config, store, graph, clock.now(), intuneDevices ?? undefined)).text, (await channelsAndPeopleReport(store, directory)).text].join('\n\n');
  const pruner = new OutboxPruner(deps);
  const expiredRows = new ExpiredRowsPruner(deps, rateCounters);
  // PostgreSQL pushes other instances' changes as they commit (LISTEN/NOTIFY); SQLite's file is read every 2 s.
  const storeReads = new StoreChangeFeed(store, deps.changes, clock, logger);
  const changeFeed: ChangeFeed = config.store.kind === 'postgres' ? new (await import('./adapters/storage/postgresChangeFeed')).PostgresChangeFeed(config.store.url, storeReads, deps.changes, logger) : storeReads;
  const retention = new RetentionEraser(deps);
  // Local mode serves the roles file's tenant (the Playground's) unless tenants are configured explicitly.
  const tenants = config.allowedTenantIds.length > 0 || !config.localMode || !rolesFile?.tenantId ? config.allowedTenantIds : [rolesFile.tenantId];
  const bot = new DoormanBot(deps, renderer, tenants, doctor);
  const tokenVerifiers = config.tabSso || config.lockbox.apiTokens ? await import('./adapters/http/entraTokenVerifier') : null;
  const tabTokenVerifier = config.tabSso && tokenVerifiers
    ? new tokenVerifiers.EntraTokenVerifier({
        jwksUrl: config.tabSso.jwksUrl,
        audiences: [config.tabSso.clientId, config.tabSso.appIdUri ?? ''],
        allowedTenantIds: tenants,
        clock,
        logger,
      })
    : null;
  // Systems may present an Entra app-only token (app role Lockbox.Request) instead of an API key.
  const apiTokenVerifier = config.lockbox.apiTokens && tokenVerifiers
    ? new tokenVerifiers.EntraTokenVerifier({
        jwksUrl: config.lockbox.apiTokens.jwksUrl,
        audiences: config.lockbox.apiTokens.audiences,
        allowedTenantIds: tenants,
        clock,
        logger,
        requirement: { appRole: API_APP_ROLE },
      })
    : null;
  const server = createHttpServer({
    deps,
    ready: () => store.ping(),
    adapter,
    bot,
    metrics: new Metrics((now) => store.outboxHealth(now), clock),
    portalAssetsDir: portalAssetsDir(),
    secureCookies: config.publicBaseUrl.startsWith('https://'),
    localMode: config.localMode,
    botAppId: config.bot?.appId ?? null,
    metricsToken: config.metricsToken,
    tabTokenVerifier,
    apiTokenVerifier,
    rateCounters,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  if (overrides.backgroundWork !== false) {
    dispatcher.start();
    sweeper.start();
    pruner.start();
    expiredRows.start();
    retention.start();
    changeFeed.start();
  }
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, store: config.store.kind, localMode: config.localMode, meetings: config.meetings, mailer: config.mail.kind }, 'Doorman listening');
  return {
    url,
    deps,
    store,
    dispatcher,
    sweeper,
    intuneDevices,
    changeFeed,
    graphParticipants,
    async stop() {
      await changeFeed.stop();
      await sweeper.stop();
      await intuneDevices?.settled();
      await pruner.stop();
      await expiredRows.stop();
      await retention.stop();
      await telemetry?.stop();
      await dispatcher?.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Live portal pages hold server-sent-event streams open; close them, or shutdown would wait for every browser.
      (server.server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      if (!overrides.store) await store.close();
    },
  };
}

/** The portal's static files: beside this file under ts-node, in the source tree when running from dist/. */
function portalAssetsDir(): string {
  const candidates = [join(__dirname, 'web', 'portal'), join(__dirname, '..', '..', 'src', 'web', 'portal')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
}

async function openStore(config: Config): Promise<Store> {
  if (config.store.kind === 'postgres') return (await import('./adapters/storage/postgresRequestStore')).openPostgresRequestStore(config.store.url);
  return openSqliteRequestStore(config.store.path);
}

function botAuthSettings(config: Config): Record<string, string> {
  if (!config.bot) return {};
  return {
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.password ?? '',
    MicrosoftAppType: config.bot.type,
    MicrosoftAppTenantId: config.bot.tenantId ?? '',
  };
}

/**
 * The last line of defence, for the process started from the command line (`npm run start:bot`, App Service):
 * - an unhandled promise rejection is one failed piece of work: logged, and Doorman keeps serving;
 * - an uncaught exception leaves the process in an unknown state: logged, and the process exits with 1 so the
 *   supervisor (App Service, systemd, `npm start`) starts a fresh one; the outbox and deadline rows resume there.
 * Only the error's name and code are logged: messages and stacks can hold request data (a URL, a link code).
 */
export function installLastLineOfDefence(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  const described = (error: unknown) =>
    error instanceof Error ? { err: error.name, code: (error as { code?: unknown }).code ?? null } : { err: typeof error, code: null };
  process.on('unhandledRejection', (reason) => logger.error(described(reason), 'unhandled rejection; still serving'));
  process.on('uncaughtException', (error) => {
    logger.error(described(error), 'uncaught exception; exiting for the supervisor to restart Doorman');
    exit(1);
  });
}

if (require.main === module) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  installLastLineOfDefence(createLogger(config.logLevel, consoleDestination(config.localMode)));
  startDoorman(config, { logDestination: consoleDestination(config.localMode) }).then(
    (doorman) => {
      const shutdown = () => void doorman.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
    (error: unknown) => {
      const taken = error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      const problem = taken
        ? `port ${config.port} on ${config.host} is already in use (another Doorman?). Stop that, or set PORT to a free port.`
        : error instanceof Error ? error.message : String(error);
      process.stderr.write(`Doorman could not start: ${problem}\n`);
      process.exit(1);
    },
  );
}

/** Reads every role group and one person once; what Doorman may not read stops start-up with the permission to grant. */
async function startGraphDirectory(graph: GraphStack, directory: GraphDirectory): Promise<GraphDirectory> {
  try {
    await directory.start();
  } catch (error) {
    if (error instanceof graph.adapters.GraphForbiddenError) throw new ConfigError([`People and roles from Entra (DIRECTORY=graph): ${error.message}`]);
    throw error;
  }
  return directory;
}

/**
 * The Teams activity feed: Graph when Graph is configured and the Teams app id is known (TEAMS_APP_ID); else the
 * console stand-in in local mode; else off (production without TEAMS_APP_ID), said once at start-up.
 */
function chooseActivityFeed(config: Config, graph: GraphStack | null, clock: Clock, logger: Logger): ActivityFeed {
  if (graph && config.teamsAppId) return new graph.adapters.GraphActivityFeed(graph.client, config.teamsAppId, clock, logger);
  if (config.localMode) return new ConsoleActivityFeed(logger);
  logger.info({ feature: 'activityFeed' }, 'Teams activity-feed notifications are off: set TEAMS_APP_ID (and Graph with TeamsActivity.Send) to turn them on');
  return new NoActivityFeed(logger);
}

/**
 * How Doorman installs itself for people who never opened it: through Graph with TEAMS_APP_ID; in local mode a
 * stand-in (the Playground's people have the app); otherwise not at all, said as why they cannot be reached.
 */
function appInstaller(config: Config, graph: GraphStack | null, clock: Clock): AppInstaller {
  if (config.teamsAppId && graph) return new graph.adapters.GraphAppInstaller(graph.client, config.teamsAppId, clock);
  if (config.localMode && !config.graph) return new LocalAppInstaller();
  return new UnconfiguredAppInstaller(
    'TEAMS_APP_ID is not set: Doorman cannot install itself for people who never opened it (set it to the app id in the organization app catalog).',
  );
}

/** The Entra group that carries each configured access scope (issue 15). */
function scopeGroups(scopes: readonly { id: string; groupId: string | null }[]): Record<string, string> {
  return Object.fromEntries(scopes.flatMap((scope) => (scope.groupId ? [[scope.id, scope.groupId]] : [])));
}
