import { createHash } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Server } from 'restify';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import { z } from 'zod';
import {
  PortalState,
  currentPortalState,
  customerArrives,
  customerConsents,
  customerLeaves,
  enterLocalRoom,
  visitPortal,
} from '../../../application/session/customerPortal';
import { pickLanguage } from '../../../application/i18n/languages';
import { assistRoom } from '../../../application/assist/assistViews';
import { UseCaseDeps } from '../../../application/shared/useCaseDeps';
import { DoormanError, isDoormanError } from '../../../domain/errors';
import { ClientRateLimiter, GuessBudget } from '../clientRateLimiter';
import { Failure } from '../httpFailures';
import { RouteCall, Surface, asset, html, json, mountRoutes, route } from '../routeChain';
import { PORTAL_ASSETS_PATH, messageKindForErrorCode, renderMessagePage, renderPortalPage, renderRoomPage, renderAssistRoomPage } from './portalPage';

const MAX_BODY_BYTES = 4096;
const HEARTBEAT_MS = 15_000;
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
  const heartbeat = new Heartbeat(HEARTBEAT_MS);
  const surface: Surface = {
    headers: PORTAL_SECURITY_HEADERS,
    failureLog: 'portal request failed',
    onFailure: (error, call) => noteMiss(options, call, error),
  };
  const perAddress = (bucket: 'read' | 'write') => async (call: RouteCall) =>
    Math.max(await options.limiter.hit(bucket, call.client), await options.limiter.blocked('misses', call.client));
  const messagePage = (failure: Failure, call: RouteCall) =>
    renderMessagePage({ language: languageFor(call, null), kind: messageKindForErrorCode(failure.code) });
  const body = { schema: z.record(z.unknown()), maxBytes: MAX_BODY_BYTES };

  mountRoutes(server, { headers: PORTAL_SECURITY_HEADERS, failureLog: 'portal asset failed' }, deps.logger, [
    route({
      method: 'get',
      path: `${PORTAL_ASSETS_PATH}/:file`,
      params: z.object({ file: z.string() }),
      handle: async ({ params }) => {
        const type = ASSETS.get(params.file);
        if (!type) throw new DoormanError('REQUEST.NOT_FOUND');
        return { type, body: await readFile(join(options.assetsDir, params.file)) };
      },
      present: asset,
    }),
  ]);

  mountRoutes(server, surface, deps.logger, [
    route({
      method: 'get',
      path: '/j/:code',
      rateLimit: perAddress('read'),
      params: linkParams,
      handle: async ({ params, call }) => {
        const visit = await visitPortal(deps, params.code, cookies.read(call.req, params.code));
        const language = languageFor(call, visit.request.language);
        return renderPortalPage({ code: params.code, language, nonceFreeStateJson: JSON.stringify(visit.view) });
      },
      present: html,
      errorPage: messagePage,
    }),
    route({
      method: 'get',
      path: '/j/:code/state',
      rateLimit: perAddress('read'),
      params: linkParams,
      handle: async ({ params, call }) => (await visitPortal(deps, params.code, cookies.read(call.req, params.code))).view,
      present: json(),
    }),
    route({
      method: 'get',
      path: '/j/:code/room',
      rateLimit: perAddress('read'),
      params: linkParams,
      handle: async ({ params, call }) => {
        const room = await enterLocalRoom(deps, params.code, cookies.read(call.req, params.code));
        return renderRoomPage({ code: params.code, language: languageFor(call, room.language), name: room.name, tag: room.tag });
      },
      present: html,
      errorPage: messagePage,
    }),
    route({
      method: 'get',
      path: '/assist/:requestId/room',
      rateLimit: perAddress('read'),
      params: z.object({ requestId: z.string().min(1).max(100) }),
      handle: async ({ params, call }) => renderAssistRoomPage({ language: languageFor(call, null), ...(await assistRoom(deps, params.requestId)) }),
      present: html,
      errorPage: messagePage,
    }),
    route({
      method: 'post',
      path: '/j/:code/arrive',
      rateLimit: perAddress('write'),
      params: linkParams,
      body,
      handle: async ({ params, body: fields, call }) => {
        const result = await customerArrives(deps, params.code, cookies.read(call.req, params.code), fields.name);
        if (result.bindingSecret) cookies.write(call.res, params.code, result.bindingSecret, result.request.expiresAt);
        return result.view;
      },
      present: json(),
    }),
    route({
      method: 'post',
      path: '/j/:code/consent',
      rateLimit: perAddress('write'),
      params: linkParams,
      body,
      handle: async ({ params, body: fields, call }) =>
        (await customerConsents(deps, params.code, cookies.read(call.req, params.code), fields.allow)).view,
      present: json(),
    }),
    route({
      method: 'post',
      path: '/j/:code/leave',
      rateLimit: perAddress('write'),
      params: linkParams,
      body: { ...body, allowEmpty: true },
      handle: async ({ params, call }) => (await customerLeaves(deps, params.code, cookies.read(call.req, params.code))).view,
      present: json(),
    }),
    route({
      method: 'get',
      path: '/j/:code/events',
      rateLimit: perAddress('read'),
      params: linkParams,
      handle: async ({ params, call }) => {
        const cookieSecret = cookies.read(call.req, params.code);
        const first = await visitPortal(deps, params.code, cookieSecret);
        return { code: params.code, cookieSecret, requestId: first.request.id, initial: first.view };
      },
      present: (res, stream, _surface, call) => streamState(call.req, res, deps, heartbeat, stream),
    }),
  ]);
}

const linkParams = z.object({ code: z.string() });

/**
 * Server-sent events: the current state at once, and again whenever the request changes. Changes are pushed
 * (RequestChanges: commits in this process, and the store's change feed for other instances), so an idle page costs
 * no store read and no timer of its own; one shared heartbeat comment keeps proxies open.
 */
function streamState(
  req: IncomingMessage,
  res: ServerResponse,
  deps: UseCaseDeps,
  heartbeat: Heartbeat,
  { code, cookieSecret, requestId, initial }: { code: string; cookieSecret: string | null; requestId: string; initial: PortalState },
): void {
  res.writeHead(200, {
    ...PORTAL_SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  keepHeaderBlockFlat(res);
  const first = JSON.stringify(initial);
  res.write(`retry: 3000\nevent: state\ndata: ${first}\n\n`);
  const stream = new LiveStream(res, deps, requestId, code, cookieSecret, first);
  const unsubscribe = deps.changes.subscribe(requestId, () => void stream.check());
  heartbeat.add(res);
  const stop = () => {
    unsubscribe();
    heartbeat.remove(res);
  };
  req.on('close', stop);
  res.on('error', stop);
}

/**
 * One open event stream, as small as it can be (10,000 waiting customers are 10,000 of these): what it needs to read
 * its request's state again, and a digest of the state it sent last (not the state itself) to send only a change.
 */
class LiveStream {
  private sent: string;
  private checking = false;
  private again = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly deps: UseCaseDeps,
    private readonly requestId: string,
    private readonly code: string,
    private readonly cookieSecret: string | null,
    first: string,
  ) {
    this.sent = digestOf(first);
  }

  /** Reads the state again and sends it when it changed; a change told while reading reads once more after. */
  async check(): Promise<void> {
    if (this.checking) {
      this.again = true;
      return;
    }
    this.checking = true;
    try {
      do {
        this.again = false;
        const state = await currentPortalState(this.deps, this.requestId, this.code, this.cookieSecret);
        if (state) {
          const next = JSON.stringify(state);
          const digest = digestOf(next);
          if (digest !== this.sent) {
            this.sent = digest;
            this.res.write(`event: state\ndata: ${next}\n\n`);
          }
        }
      } while (this.again);
    } catch (error) {
      this.deps.logger.warn({ requestId: this.requestId, err: String(error) }, 'portal live update failed');
    } finally {
      this.checking = false;
    }
  }
}

/**
 * Node keeps a response's header block (`_header`) for as long as the response is open, as the ~60 small strings
 * `+=` joined it from (a V8 rope). An event stream stays open for the whole wait: converting the block to a number
 * once makes V8 copy it into one string in place, so each open stream holds about 1 KB less. Same text, same bytes sent.
 */
function keepHeaderBlockFlat(res: ServerResponse): void {
  const block = (res as ServerResponse & { _header?: unknown })._header;
  if (typeof block === 'string') void Number(block);
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/** One timer for every open stream's heartbeat comment, running only while a stream is open. */
class Heartbeat {
  private readonly streams = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly intervalMs: number) {}

  add(res: ServerResponse): void {
    this.streams.add(res);
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const stream of this.streams) stream.write(': ping\n\n');
    }, this.intervalMs);
    this.timer.unref();
  }

  remove(res: ServerResponse): void {
    this.streams.delete(res);
    if (this.streams.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
  }
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

function languageFor(call: RouteCall, requestLanguage: string | null) {
  return pickLanguage(call.url.searchParams.get('lang'), requestLanguage, call.req.headers['accept-language'] ?? null);
}

/**
 * Counts an unknown code against the address and against the guess budget of all addresses; past the budget the
 * answer becomes 429 (RATE.LIMITED), while known codes are never affected.
 */
async function noteMiss(options: PortalOptions, call: RouteCall, error: unknown): Promise<unknown> {
  if (!isDoormanError(error, 'REQUEST.NOT_FOUND')) return error;
  await options.limiter.hit('misses', call.client);
  const budget = await options.guesses.miss();
  if (!budget.refused) return error;
  call.res.setHeader('Retry-After', String(budget.retryAfterSeconds));
  return new DoormanError('RATE.LIMITED');
}
