import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ActivityHandler } from 'botbuilder';
import restify, { Request, Server } from 'restify';
import { UseCaseDeps } from '../../application/shared/useCaseDeps';
import { ErrorCode } from '../../domain/errors';
import { BotEndpointAdapter, botEndpoint } from './botEndpoint';
import { Metrics, OTHER_ROUTE } from './metrics';
import { ClientRateLimiter, GuessBudget } from './clientRateLimiter';
import { InMemoryRateCounters, RateWindows } from '../../application/shared/rateWindows';
import { RateCounterStore } from '../../application/ports';
import { mountPortal } from './portal/portalRoutes';
import { EntraTokenVerifier } from './entraTokenVerifier';
import { sendJson, sendJsonError } from './jsonReplies';
import { mountRestApi } from './rest/restApi';
import { TabTokenVerifier, mountTab } from './tab/tabRoutes';

/** What the HTTP server serves. */
export interface HttpServerParts {
  deps: UseCaseDeps;
  /** Resolves when the store answers (`/readyz`). */
  ready: () => Promise<void>;
  adapter: BotEndpointAdapter;
  bot: ActivityHandler;
  metrics: Metrics;
  portalAssetsDir: string;
  secureCookies: boolean;
  /** Local mode: the bot endpoint is unauthenticated, loopback only; /metrics is open. */
  localMode: boolean;
  /** The bot's app id (production); null in local mode. */
  botAppId: string | null;
  /** Bearer token /metrics asks for in production; null refuses /metrics there (404). */
  metricsToken: string | null;
  /** Verifies the Teams tab's SSO tokens; null when tab SSO is not configured (the tab then says so). */
  tabTokenVerifier?: TabTokenVerifier | null;
  /** Verifies Entra app-only tokens for the REST API; null accepts API keys only. */
  apiTokenVerifier?: EntraTokenVerifier | null;
  /** Where the rate limits count: shared by every instance on PostgreSQL; this process's counters when absent. */
  rateCounters?: RateCounterStore;
}

/** Unknown portal codes from all addresses together per window before they are refused and reported. */
export const GUESS_BUDGET = { max: 100, windowMs: 10 * 60_000 };

const HSTS = 'max-age=31536000; includeSubDomains';

/** Builds the restify server: bot endpoint, customer portal, REST API, tab, health, readiness and metrics. */
export function createHttpServer(parts: HttpServerParts): Server {
  const { deps, adapter, bot, metrics } = parts;
  const server = restify.createServer({ name: 'doorman', handleUncaughtExceptions: false });
  server.pre((req, res, next) => {
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    // On every answer, errors and refusals included: no content sniffing, and https only once seen over https.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (parts.secureCookies) res.setHeader('Strict-Transport-Security', HSTS);
    res.setHeader('X-Request-Id', requestId);
    res.once('finish', () => {
      discardUnreadBody(req);
      const route = routeOf(req);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeHttp(route, req.method ?? 'other', res.statusCode, seconds);
      deps.logger.debug({ requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'http');
    });
    // restify's router parses the target with url.parse and throws out of its own callback when it cannot (an
    // absolute-form target with a broken host, `http://[::1/healthz`): that would end the process. Parse it here.
    // WHATWG parsing first: url.parse warns about (and echoes) an invalid host on stderr before it throws.
    try {
      if (!(req.url ?? '').startsWith('/')) new URL(req.url ?? '');
      req.getUrl();
    } catch {
      sendJsonError(res, 400, 'INPUT.INVALID', [{ field: 'target', problem: 'malformed' }]);
      return next(false);
    }
    return next();
  });

  server.post(
    '/api/messages',
    botEndpoint({ adapter, bot, localMode: parts.localMode, appId: parts.botAppId, logger: deps.logger }),
  );

  server.get('/healthz', (_req, res, next) => {
    sendJson(res, 200, { status: 'ok' });
    return next();
  });
  server.get('/readyz', async (_req, res) => {
    try {
      await parts.ready();
      sendJson(res, 200, { status: 'ready' });
    } catch {
      sendJson(res, 503, { status: 'store unreachable' });
    }
  });
  server.get('/metrics', async (req, res) => {
    if (!parts.localMode) {
      if (parts.metricsToken === null) return sendJsonError(res, 404, 'REQUEST.NOT_FOUND');
      if (!bearerMatches(req, parts.metricsToken)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return sendJsonError(res, 401, 'AUTH.NOT_PERMITTED');
      }
    }
    const { contentType, body } = await metrics.render();
    res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
    res.end(body);
  });

  const windows = new RateWindows(parts.rateCounters ?? new InMemoryRateCounters(), deps.clock);
  const limiter = new ClientRateLimiter(windows, deps.clock, {
    read: { max: 240, windowMs: 60_000 },
    write: { max: 30, windowMs: 60_000 },
    misses: { max: 20, windowMs: 10 * 60_000 },
    api: { max: 120, windowMs: 60_000 },
  });
  const guesses = new GuessBudget(windows, deps.clock, GUESS_BUDGET, (inWindow, refused) => metrics.recordGuesses(inWindow, refused), (fields) =>
    deps.logger.warn(fields, 'portal link guessing: unknown codes from all addresses exceed the budget'),
  );
  mountPortal(server, deps, { assetsDir: parts.portalAssetsDir, secureCookies: parts.secureCookies, limiter, guesses });
  mountRestApi(server, deps, limiter, parts.apiTokenVerifier ?? null);
  mountTab(server, deps, { assetsDir: join(parts.portalAssetsDir, '..', 'tab'), verifier: parts.tabTokenVerifier ?? null, limiter, botAppId: parts.botAppId });

  server.on('restifyError', (req: Request, _res: ServerResponse, error: restifyErrorShape, callback: () => void) => {
    const status = error.statusCode ?? 500;
    // Probes (the Playground GETs the bot endpoint) and unknown paths are routine; only server errors are warnings.
    const log = status >= 500 ? deps.logger.warn : deps.logger.debug;
    log({ route: routeOf(req), status, err: error.name }, 'http error');
    const code = codeForStatus(status);
    error.toJSON = () => ({ error: { code, message: code } });
    return callback();
  });
  // Requests Node's HTTP parser itself cannot read (a broken request line, oversized headers) never reach restify:
  // they get the same JSON error shape, and the connection is closed.
  server.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify({ error: { code: 'INPUT.INVALID', message: 'INPUT.INVALID' } });
    const headers = [
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}`,
      'Content-Type: application/json; charset=utf-8',
      'X-Content-Type-Options: nosniff',
      ...(parts.secureCookies ? [`Strict-Transport-Security: ${HSTS}`] : []),
      'Connection: close',
      `Content-Length: ${Buffer.byteLength(body)}`,
    ];
    socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
  });
  return server;
}

type restifyErrorShape = Error & { statusCode?: number; toJSON?: () => unknown };

/** The route pattern that answered (`/j/:code`), or `other`: metric labels and logs never carry a raw path. */
function routeOf(req: Request): string {
  const path = (req as Request & { getRoute?: () => { path?: unknown } | null }).getRoute?.()?.path;
  return typeof path === 'string' ? path : OTHER_ROUTE;
}

const MAX_DISCARDED_BYTES = 1024 * 1024;

/**
 * A refusal answered before the body was read (415, 413 by Content-Length, 401) leaves the client still sending,
 * and blocked until someone reads: read and drop up to 1 MB so it sees the answer, then close the connection.
 */
function discardUnreadBody(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) req.socket.destroy();
  });
  req.resume();
}

function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'REQUEST.NOT_FOUND';
  if (status === 401 || status === 403) return 'AUTH.NOT_PERMITTED';
  if (status === 429) return 'RATE.LIMITED';
  return status >= 500 ? 'INTERNAL' : 'INPUT.INVALID';
}

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  // Hashing first gives equal lengths, so the comparison takes the same time whatever was presented.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return presented !== '' && timingSafeEqual(digest(presented), digest(token));
}

