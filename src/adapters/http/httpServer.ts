import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ActivityHandler, CloudAdapter } from 'botbuilder';
import restify, { Server } from 'restify';
import { UseCaseDeps } from '../../application/useCaseDeps';
import { Metrics } from './metrics';
import { ClientRateLimiter } from './clientRateLimiter';
import { mountPortal } from './portalRoutes';
import { EntraTokenVerifier } from './entraTokenVerifier';
import { mountRestApi } from './restApi';
import { TabTokenVerifier, mountTab } from './tabRoutes';

/** What the HTTP server serves. */
export interface HttpServerParts {
  deps: UseCaseDeps;
  adapter: CloudAdapter;
  bot: ActivityHandler;
  metrics: Metrics;
  portalAssetsDir: string;
  secureCookies: boolean;
  /** Verifies the Teams tab's SSO tokens; null when tab SSO is not configured (the tab then says so). */
  tabTokenVerifier?: TabTokenVerifier | null;
  /** Verifies Entra app-only tokens for the REST API; null accepts API keys only. */
  apiTokenVerifier?: EntraTokenVerifier | null;
}

/** The path as logged: one-time codes never reach the logs. */
export function redactPath(url: string): string {
  const path = url.split('?')[0];
  return path.replace(/^\/j\/[^/]+/, '/j/:code');
}

/** Builds the restify server: bot endpoint, customer portal, health, readiness and metrics. */
export function createHttpServer(parts: HttpServerParts): Server {
  const { deps, adapter, bot, metrics } = parts;
  const server = restify.createServer({ name: 'doorman', handleUncaughtExceptions: false });
  server.pre((req, res, next) => {
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader('X-Request-Id', requestId);
    res.once('finish', () => {
      const route = redactPath(req.url ?? '');
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      metrics.countHttp(route.startsWith('/j/') ? '/j/:code' : route.split('/').slice(0, 3).join('/'), res.statusCode);
      deps.logger.debug({ requestId, method: req.method, route, status: res.statusCode, ms: Math.round(ms) }, 'http');
    });
    return next();
  });

  server.post(
    '/api/messages',
    restify.plugins.bodyParser({ maxBodySize: 1024 * 1024, mapParams: false }),
    async (req, res) => {
      await adapter.process(req, res, (context) => bot.run(context));
    },
  );

  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  });
  server.get('/readyz', async (_req, res) => {
    try {
      await deps.store.ping();
      res.send(200, { status: 'ready' });
    } catch {
      res.send(503, { status: 'store unreachable' });
    }
  });
  server.get('/metrics', async (_req, res) => {
    const body = await metrics.render();
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(body);
  });

  const limiter = new ClientRateLimiter(deps.clock, {
    read: { max: 240, windowMs: 60_000 },
    write: { max: 30, windowMs: 60_000 },
    misses: { max: 20, windowMs: 10 * 60_000 },
    api: { max: 120, windowMs: 60_000 },
  });
  mountPortal(server, deps, { assetsDir: parts.portalAssetsDir, secureCookies: parts.secureCookies, limiter });
  mountRestApi(server, deps, limiter, parts.apiTokenVerifier ?? null);
  mountTab(server, deps, { assetsDir: join(parts.portalAssetsDir, '..', 'tab'), verifier: parts.tabTokenVerifier ?? null, limiter });

  server.on('restifyError', (req, _res, error, callback) => {
    // Probes (the Playground GETs the bot endpoint) and unknown paths are routine; only server errors are warnings.
    const log = (error.statusCode ?? 500) >= 500 ? deps.logger.warn : deps.logger.debug;
    log({ route: redactPath(req.url ?? ''), status: error.statusCode, err: error.name }, 'http error');
    error.toJSON = () => ({ error: { code: error.statusCode === 404 ? 'REQUEST.NOT_FOUND' : 'INPUT.INVALID', message: error.name } });
    return callback();
  });
  return server;
}
