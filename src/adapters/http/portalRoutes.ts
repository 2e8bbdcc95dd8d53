import { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Server } from 'restify';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import {
  PortalState,
  customerArrives,
  customerConsents,
  customerLeaves,
  portalState,
  visitPortal,
} from '../../application/session/customerPortal';
import { pickLanguage } from '../../application/i18n/languages';
import { UseCaseDeps } from '../../application/shared/useCaseDeps';
import { DoormanError, ErrorCode, isDoormanError } from '../../domain/errors';
import { ClientRateLimiter, GuessBudget } from './clientRateLimiter';
import { BodyRefused, readJsonObject, sendJson, sendJsonError } from './jsonReplies';
import { PORTAL_ASSETS_PATH, messageKindForErrorCode, renderMessagePage, renderPortalPage, renderRoomPage } from './portalPage';

const MAX_BODY_BYTES = 4096;
const HEARTBEAT_MS = 15_000;
const SSE_RECHECK_MS = 2_000;
const ASSETS = new Map([
  ['portal.js', 'text/javascript; charset=utf-8'],
  ['portal.css', 'text/css; charset=utf-8'],
]);

/** Headers on every portal response: no framing, no referrer (the path holds the code), no caching. */
export const PORTAL_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  'REQUEST.NOT_FOUND': 404,
  'INPUT.INVALID': 400,
  'LINK.IN_USE': 409,
  'LINK.EXPIRED': 410,
  'LINK.CLOSED': 410,
  'LINK.NOT_YET': 409,
  'LINK.REPLACED': 410,
  'REQUEST.ILLEGAL_TRANSITION': 409,
  'RATE.LIMITED': 429,
};

/** Options of the portal: where its assets are, and whether cookies must be Secure (`__Host-`). */
export interface PortalOptions {
  assetsDir: string;
  secureCookies: boolean;
  limiter: ClientRateLimiter;
  /** Unknown codes from all addresses together; past it they are refused and reported. */
  guesses: GuessBudget;
}

/** Mounts the customer portal (DESIGN.md §4–§5): page, arrive, consent, leave, state, live events, local room. */
export function mountPortal(server: Server, deps: UseCaseDeps, options: PortalOptions): void {
  const cookies = new BindingCookies(deps, options.secureCookies);

  server.get(`${PORTAL_ASSETS_PATH}/:file`, async (req, res) => {
    const file = (req.params as { file: string }).file;
    const type = ASSETS.get(file);
    if (!type) return sendPortalError(res, 404, 'REQUEST.NOT_FOUND');
    const body = await readFile(join(options.assetsDir, file));
    res.writeHead(200, { ...PORTAL_SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'public, max-age=300' });
    res.end(body);
  });

  server.get('/j/:code', async (req, res) => {
    const code = codeOf(req);
    const language = languageFor(req, null);
    if (limited(options.limiter, req, res, 'read', true)) return;
    try {
      const visit = await visitPortal(deps, code, cookies.read(req, code));
      const lang = languageFor(req, visit.request.language);
      sendHtml(res, 200, renderPortalPage({ code, language: lang, nonceFreeStateJson: JSON.stringify(visit.view) }));
    } catch (caught) {
      const error = noteMiss(options, req, res, caught);
      const failure = asFailure(error, deps);
      sendHtml(res, failure.status, renderMessagePage({ language, kind: messageKindForErrorCode(failure.code) }));
    }
  });

  server.get('/j/:code/state', async (req, res) => {
    const code = codeOf(req);
    if (limited(options.limiter, req, res, 'read')) return;
    try {
      sendPortalJson(res, 200, (await visitPortal(deps, code, cookies.read(req, code))).view);
    } catch (caught) {
      sendFailure(res, noteMiss(options, req, res, caught), deps);
    }
  });

  server.get('/j/:code/room', async (req, res) => {
    const code = codeOf(req);
    if (limited(options.limiter, req, res, 'read', true)) return;
    try {
      const visit = await visitPortal(deps, code, cookies.read(req, code));
      const lang = languageFor(req, visit.request.language);
      if (!visit.view.boundToYou) throw new DoormanError('LINK.IN_USE');
      if (visit.view.state !== 'connected' || visit.request.customerName === null) throw new DoormanError('LINK.CLOSED');
      sendHtml(res, 200, renderRoomPage({ code, language: lang, name: visit.request.customerName, tag: visit.request.tag }));
    } catch (caught) {
      const error = noteMiss(options, req, res, caught);
      const failure = asFailure(error, deps);
      sendHtml(res, failure.status, renderMessagePage({ language: languageFor(req, null), kind: messageKindForErrorCode(failure.code) }));
    }
  });

  server.post('/j/:code/arrive', async (req, res) => {
    const code = codeOf(req);
    if (limited(options.limiter, req, res, 'write')) return;
    try {
      const body = await readJsonObject(req, MAX_BODY_BYTES);
      const result = await customerArrives(deps, code, cookies.read(req, code), body.name);
      if (result.bindingSecret) cookies.write(res, code, result.bindingSecret, result.request.expiresAt);
      sendPortalJson(res, 200, result.view);
    } catch (caught) {
      sendFailure(res, noteMiss(options, req, res, caught), deps);
    }
  });

  server.post('/j/:code/consent', async (req, res) => {
    const code = codeOf(req);
    if (limited(options.limiter, req, res, 'write')) return;
    try {
      const body = await readJsonObject(req, MAX_BODY_BYTES);
      sendPortalJson(res, 200, (await customerConsents(deps, code, cookies.read(req, code), body.allow)).view);
    } catch (caught) {
      sendFailure(res, noteMiss(options, req, res, caught), deps);
    }
  });

  server.post('/j/:code/leave', async (req, res) => {
    const code = codeOf(req);
    if (limited(options.limiter, req, res, 'write')) return;
    try {
      await readJsonObject(req, MAX_BODY_BYTES, true);
      sendPortalJson(res, 200, (await customerLeaves(deps, code, cookies.read(req, code))).view);
    } catch (caught) {
      sendFailure(res, noteMiss(options, req, res, caught), deps);
    }
  });

  server.get('/j/:code/events', async (req, res) => {
    const code = codeOf(req);
    if (limited(options.limiter, req, res, 'read')) return;
    let first;
    try {
      first = await visitPortal(deps, code, cookies.read(req, code));
    } catch (caught) {
      return sendFailure(res, noteMiss(options, req, res, caught), deps);
    }
    streamState(req, res, deps, code, cookies.read(req, code), first.request.id, first.view);
  });
}

/**
 * Server-sent events: the current state at once, again on every change (in-process notification, plus a cheap
 * re-check so changes made by another instance arrive too), and a heartbeat comment that keeps proxies open.
 */
function streamState(
  req: IncomingMessage,
  res: ServerResponse,
  deps: UseCaseDeps,
  code: string,
  cookieSecret: string | null,
  requestId: string,
  initial: PortalState,
): void {
  res.writeHead(200, {
    ...PORTAL_SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  let last = JSON.stringify(initial);
  res.write(`retry: 3000\nevent: state\ndata: ${last}\n\n`);
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const request = await deps.requests.getRequest(requestId);
      if (request && request.kind === 'session') {
        const next = JSON.stringify(portalState(deps, request, code, cookieSecret));
        if (next !== last) {
          last = next;
          res.write(`event: state\ndata: ${next}\n\n`);
        }
      }
    } catch (error) {
      deps.logger.warn({ requestId, err: String(error) }, 'portal live update failed');
    } finally {
      checking = false;
    }
  };
  const unsubscribe = deps.changes.subscribe(requestId, () => void check());
  const recheck = setInterval(() => void check(), SSE_RECHECK_MS);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  const stop = () => {
    unsubscribe();
    clearInterval(recheck);
    clearInterval(heartbeat);
  };
  req.on('close', stop);
  res.on('error', stop);
}

/** The binding cookie: its own random secret, HttpOnly, SameSite=Strict, `__Host-` and Secure over https. */
class BindingCookies {
  constructor(
    private readonly deps: UseCaseDeps,
    private readonly secure: boolean,
  ) {}

  /** Reads this link's binding secret from the request's cookies; a malformed escape in it is INPUT.INVALID. */
  read(req: IncomingMessage, code: string): string | null {
    const value = parseCookies(req.headers.cookie ?? '', { decode: decodeOrMark })[this.name(code)];
    if (value === MALFORMED) throw new DoormanError('INPUT.INVALID', 'binding cookie', [{ field: 'cookie', problem: 'malformed' }]);
    return value ?? null;
  }

  /** Sets the binding cookie until a day after the link's deadline. */
  write(res: ServerResponse, code: string, secret: string, expiresAt: Date): void {
    const maxAge = Math.max(60, Math.floor((expiresAt.getTime() - this.deps.clock.now().getTime()) / 1000) + 86_400);
    res.setHeader('Set-Cookie', serializeCookie(this.name(code), secret, { path: '/', httpOnly: true, sameSite: 'strict', maxAge, secure: this.secure }));
  }

  // The cookie name holds a prefix of the code's hash, never the code: one browser can hold several links.
  private name(code: string): string {
    const id = this.deps.secrets.hash(code).slice(0, 16);
    return this.secure ? `__Host-doorman-${id}` : `doorman-${id}`;
  }
}

// A cookie whose escape cannot be decoded: the cookie package would hand back the raw text; Doorman refuses it.
const MALFORMED = '\u0000malformed';

function decodeOrMark(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return MALFORMED;
  }
}

function codeOf(req: { params?: unknown }): string {
  const code = (req.params as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

function clientOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

function languageFor(req: IncomingMessage, requestLanguage: string | null) {
  const query = new URL(req.url ?? '/', 'http://portal').searchParams.get('lang');
  return pickLanguage(query, requestLanguage, req.headers['accept-language'] ?? null);
}

/** Counts the hit; answers 429 (HTML or JSON) when the client is over its limit or has guessed too many codes. */
function limited(limiter: ClientRateLimiter, req: IncomingMessage, res: ServerResponse, bucket: string, html = false): boolean {
  const client = clientOf(req);
  const wait = Math.max(limiter.hit(bucket, client), limiter.blocked('misses', client));
  if (wait === 0) return false;
  res.setHeader('Retry-After', String(wait));
  if (html) sendHtml(res, 429, renderMessagePage({ language: languageFor(req, null), kind: 'rateLimited' }));
  else sendPortalError(res, 429, 'RATE.LIMITED');
  return true;
}

/**
 * Counts an unknown code against the address and against the guess budget of all addresses; past the budget the
 * answer becomes 429 (the caller turns RATE.LIMITED into it), while known codes are never affected.
 */
function noteMiss(options: PortalOptions, req: IncomingMessage, res: ServerResponse, error: unknown): unknown {
  if (!isDoormanError(error, 'REQUEST.NOT_FOUND')) return error;
  options.limiter.hit('misses', clientOf(req));
  const budget = options.guesses.miss();
  if (!budget.refused) return error;
  res.setHeader('Retry-After', String(budget.retryAfterSeconds));
  return new DoormanError('RATE.LIMITED');
}

function asFailure(error: unknown, deps: UseCaseDeps): { status: number; code: ErrorCode } {
  if (error instanceof BodyRefused) return { status: error.status, code: error.code };
  if (error instanceof DoormanError) return { status: STATUS_OF[error.code] ?? 400, code: error.code };
  deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'portal request failed');
  return { status: 500, code: 'INTERNAL' };
}

function sendFailure(res: ServerResponse, error: unknown, deps: UseCaseDeps): void {
  const failure = asFailure(error, deps);
  const fields = error instanceof DoormanError ? error.fields : [];
  sendPortalError(res, failure.status, failure.code, fields);
}

function sendPortalJson(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, status, body, PORTAL_SECURITY_HEADERS);
}

function sendPortalError(res: ServerResponse, status: number, code: ErrorCode, fields: readonly unknown[] = []): void {
  sendJsonError(res, status, code, fields, PORTAL_SECURITY_HEADERS);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...PORTAL_SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' });
  res.end(html);
}

