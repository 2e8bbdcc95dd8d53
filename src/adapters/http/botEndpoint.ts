import { IncomingMessage, ServerResponse } from 'node:http';
import { Activity, ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, InvokeResponse, TurnContext } from 'botbuilder';
import { AuthenticationConstants, BotFrameworkAuthentication, ClaimsIdentity, ConnectorClient, ConnectorFactory, UserTokenClient } from 'botframework-connector';
import { z } from 'zod';
import { Logger } from '../../application/ports';
import { FieldProblem } from '../../domain/errors';
import { HttpRefusal } from './httpFailures';
import { readJsonObject, sendJson, sendJsonError } from './jsonReplies';

// jose's JWT decoder alone: the package root loads every JOSE algorithm, which costs start-up time (issue 14).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { decodeJwt } = require('jose/jwt/decode') as Pick<typeof import('jose'), 'decodeJwt'>;

/** Bot Framework activities are small; Teams caps a message at about 28 KB, a card action well below 1 MB. */
export const MAX_ACTIVITY_BYTES = 1024 * 1024;
const MAX_AUTHORIZATION_LENGTH = 16 * 1024;
const BEARER_JWT = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
const LOOPBACK_URL = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?(\/|$)/i;

/**
 * The CloudAdapter with its two halves apart: authentication (botbuilder's JWT validation, untouched) and the turn.
 * `process()` would answer every failure other than AuthenticationError with 500 and the error's text; here an
 * authentication failure of any kind is a 401, and nothing internal reaches the caller.
 *
 * botbuilder builds a connector client and a user-token client (an Azure HTTP pipeline each) for every turn: by
 * profile more CPU than the rest of botbuilder's share of a card action. Each depends only on the bot's app id, the
 * service URL and the audience, so here each is built once and kept (see KeptClients); proactive sends (the
 * notifier's `continueConversationAsync`) still build their own.
 */
export class BotEndpointAdapter extends CloudAdapter {
  private readonly connectors = new KeptClients<ConnectorClient>();

  constructor(private readonly authentication: ConfigurationBotFrameworkAuthentication) {
    super(new KeptUserTokenClients(authentication));
  }

  /** botbuilder's validation of the Bot Framework token for this activity; throws when it fails. */
  async authenticate(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.authentication.authenticateRequest(activity, authHeader);
    const factory = result.connectorFactory;
    if (!factory) return result;
    const appId = appIdOf(result.claimsIdentity);
    const kept: ConnectorFactory = {
      create: (serviceUrl, audience) => this.connectors.get(`${appId}\n${serviceUrl}\n${audience}`, () => factory.create(serviceUrl, audience)),
    };
    return { ...result, connectorFactory: kept };
  }

  /** Runs one authenticated turn; the invoke response when the activity was an invoke. */
  runTurn(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/** At most this many clients of each kind are kept (one per service URL in practice); the oldest goes first. */
const MAX_KEPT_CLIENTS = 32;

/** Clients built once per key; a build that fails is forgotten, so the next turn tries again. */
export class KeptClients<T> {
  private readonly kept = new Map<string, Promise<T>>();

  get(key: string, build: () => Promise<T>): Promise<T> {
    const known = this.kept.get(key);
    if (known) return known;
    if (this.kept.size >= MAX_KEPT_CLIENTS) this.kept.delete(this.kept.keys().next().value as string);
    const built = build();
    this.kept.set(key, built);
    built.catch(() => {
      if (this.kept.get(key) === built) this.kept.delete(key);
    });
    return built;
  }
}

/** The bot's app id in a turn's claims, as botbuilder reads it (audience, else app id; none when unauthenticated). */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claims.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** The configured authentication with the user-token client of each app id built once (see BotEndpointAdapter). */
class KeptUserTokenClients extends BotFrameworkAuthentication {
  private readonly userTokenClients = new KeptClients<UserTokenClient>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.get(appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateRequest(activity, authHeader);
  }

  authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.inner.createConnectorFactory(claimsIdentity);
  }

  override createBotFrameworkClient(): ReturnType<BotFrameworkAuthentication['createBotFrameworkClient']> {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}

const text = (max: number) => z.string().max(max);
const timestamp = text(64).refine((value) => !Number.isNaN(Date.parse(value)), 'not a time');
const account = z.object({ id: text(512).min(1), name: text(512).optional(), aadObjectId: text(128).optional() }).passthrough();

/** The shape Doorman relies on; anything else in an activity is passed through untouched. */
const activitySchema = z
  .object({
    type: text(64).min(1),
    id: text(512).optional(),
    name: text(256).optional(),
    channelId: text(64).min(1),
    serviceUrl: text(2048).url(),
    timestamp: timestamp.optional(),
    localTimestamp: timestamp.optional(),
    localTimezone: text(128).optional(),
    locale: text(64).optional(),
    from: account,
    recipient: account.optional(),
    conversation: z
      .object({ id: text(1024).min(1), conversationType: text(64).optional(), tenantId: text(128).optional(), isGroup: z.boolean().optional() })
      .passthrough(),
    text: text(100_000).optional(),
    replyToId: text(512).optional(),
    membersAdded: z.array(account).max(1000).optional(),
    membersRemoved: z.array(account).max(1000).optional(),
    attachments: z.array(z.record(z.unknown())).max(100).optional(),
    entities: z.array(z.record(z.unknown())).max(100).optional(),
    channelData: z
      .object({
        tenant: z.object({ id: text(128).optional() }).passthrough().optional(),
        team: z.object({ id: text(1024).optional() }).passthrough().optional(),
        channel: z.object({ id: text(1024).optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

/** What the endpoint needs: the adapter, the bot, whether it runs unauthenticated on loopback, and the bot's app id. */
export interface BotEndpointOptions {
  adapter: BotEndpointAdapter;
  bot: ActivityHandler;
  /** Local mode: no app id, loopback only, no authentication (the Agents Playground). */
  localMode: boolean;
  /** The bot's app id: a token for anyone else is refused before botbuilder fetches any signing keys. */
  appId: string | null;
  logger: Logger;
}

/**
 * `POST /api/messages`: JSON only (415 otherwise), at most 1 MB read into memory (413), an activity of the expected
 * shape (400), in local mode only from loopback pages (`Origin`) and only replying to a loopback `serviceUrl`, then
 * botbuilder's authentication (any failure 401) and the turn. Every refusal is `{error:{code}}`, never a 5xx.
 */
export function botEndpoint(options: BotEndpointOptions) {
  const { adapter, bot, localMode, logger } = options;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (mediaType(req.headers['content-type']) !== 'application/json') throw new HttpRefusal(415, 'INPUT.INVALID', [{ field: 'content-type', problem: 'notJson' }]);
      // A browser sends Origin on a cross-site POST; only a page served from this machine may drive a local bot.
      if (localMode && req.headers.origin !== undefined && !LOOPBACK_URL.test(`${req.headers.origin}/`)) {
        throw new HttpRefusal(403, 'AUTH.NOT_PERMITTED', [{ field: 'origin', problem: 'notLoopback' }]);
      }
      // Local mode has no credentials to check a token with; production refuses a missing or misshapen one at once.
      const authHeader = localMode ? '' : bearerFor(req, options.appId);
      const body = await readJsonObject(req, MAX_ACTIVITY_BYTES);
      const hostile = shapeProblem(body);
      if (hostile) throw new HttpRefusal(400, 'INPUT.INVALID', [hostile]);
      const parsed = activitySchema.safeParse(body);
      if (!parsed.success) {
        const fields = parsed.error.issues.slice(0, 10).map((issue) => ({ field: issue.path.join('.') || 'body', problem: issue.code }));
        throw new HttpRefusal(400, 'INPUT.INVALID', fields);
      }
      // Replies go to serviceUrl: a local bot must never be talked into sending them off the machine.
      if (localMode && !LOOPBACK_URL.test(parsed.data.serviceUrl)) throw new HttpRefusal(400, 'INPUT.INVALID', [{ field: 'serviceUrl', problem: 'notLoopback' }]);
      const activity = withDates(parsed.data as unknown as Activity);

      let auth: AuthenticateRequestResult;
      try {
        auth = await adapter.authenticate(activity, authHeader);
      } catch (error) {
        logger.debug({ err: error instanceof Error ? error.name : 'unknown' }, 'bot request not authenticated');
        throw new HttpRefusal(401, 'AUTH.NOT_PERMITTED');
      }
      const invoke = await adapter.runTurn(auth, activity, (context) => bot.run(context));
      answer(res, invoke, activity, logger);
    } catch (error) {
      if (error instanceof HttpRefusal) {
        if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
        sendJsonError(res, error.status, error.code, error.fields);
        return;
      }
      // The turn itself failed outside the bot's own error handler (e.g. the connector could not be built).
      logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'bot turn failed');
      sendJsonError(res, 500, 'INTERNAL');
    }
  };
}

function answer(res: ServerResponse, invoke: InvokeResponse | undefined, activity: Activity, logger: Logger): void {
  if (!invoke) {
    res.writeHead(200, { 'Cache-Control': 'no-store' });
    res.end();
    return;
  }
  // botbuilder answers 501 for an invoke nobody handles (an unknown name, or a handler that failed and was logged by
  // onTurnError): for the caller that is a request Doorman cannot serve, not a server fault.
  if (invoke.status >= 500) {
    logger.warn({ type: activity.type, name: activity.name, status: invoke.status }, 'invoke not handled');
    sendJsonError(res, 400, 'INPUT.INVALID', [{ field: 'name', problem: 'notHandled' }]);
    return;
  }
  if (invoke.body === undefined) {
    res.writeHead(invoke.status, { 'Cache-Control': 'no-store' });
    res.end();
    return;
  }
  sendJson(res, invoke.status, invoke.body);
}

/** The Authorization header when it can be a token for this bot; anything else is refused without a network call. */
function bearerFor(req: IncomingMessage, appId: string | null): string {
  const header = req.headers.authorization ?? '';
  if (header.length > MAX_AUTHORIZATION_LENGTH || !BEARER_JWT.test(header)) throw new HttpRefusal(401, 'AUTH.NOT_PERMITTED');
  try {
    const claims = decodeJwt(header.slice('Bearer '.length));
    if (appId !== null && claims.aud !== appId) throw new HttpRefusal(401, 'AUTH.NOT_PERMITTED');
  } catch {
    throw new HttpRefusal(401, 'AUTH.NOT_PERMITTED');
  }
  return header;
}

const MAX_DEPTH = 64;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses what no Bot Framework activity holds and what would hurt later: keys that reach an object's prototype
 * when copied (zod copies keys into a fresh object) and nesting deeper than any card (recursive code downstream).
 * Walked without recursion, so a 100,000-level body cannot overflow the stack here.
 */
function shapeProblem(body: Record<string, unknown>): FieldProblem | null {
  const stack: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) return { field: 'body', problem: 'tooDeep' };
    for (const key of Object.keys(value)) {
      if (PROTOTYPE_KEYS.has(key)) return { field: key, problem: 'notAllowed' };
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return null;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** What botbuilder's own `process()` does to an activity before a turn: times become Dates, the raw text is kept. */
function withDates(activity: Activity): Activity {
  const raw = activity as unknown as Record<string, unknown>;
  for (const [field, rawField] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    if (typeof raw[field] === 'string') {
      raw[rawField] = raw[field];
      raw[field] = new Date(raw[field] as string);
    }
  }
  return activity;
}
