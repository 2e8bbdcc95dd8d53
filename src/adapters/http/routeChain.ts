import { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from 'restify';
import { ZodType, ZodTypeDef } from 'zod';
import { Logger } from '../../application/ports';
import { DoormanError } from '../../domain/errors';
import { Failure, HttpRefusal, failureOf } from './httpFailures';
import { readJsonObject, sendJson, sendJsonError } from './jsonReplies';

/*
 * Every route of the portal, the REST API and the tab is a declaration run by the same chain (in the spirit of
 * Outline's API routes): rate limit → authenticate → validate with zod → one use case → present. A failure anywhere
 * is answered once, here, from the one table in httpFailures.ts: a code and a status, never internal text.
 */

/** One surface (portal, REST API, tab): its headers, how it logs a failure, and whether a 401 names the scheme. */
export interface Surface {
  headers: Readonly<Record<string, string>>;
  /** Log line for an unexpected failure. */
  failureLog: string;
  /** Answers a 401 with `WWW-Authenticate: Bearer`. */
  bearerChallenge?: boolean;
  /** Sees every failure first (the portal counts unknown codes); may answer another error instead. */
  onFailure?: (error: unknown, call: RouteCall) => unknown;
}

/** One HTTP request as a route sees it. */
export interface RouteCall {
  req: IncomingMessage;
  res: ServerResponse;
  /** The client's address (rate limits of unauthenticated callers). */
  client: string;
  url: URL;
}

/** Turns a use case's result into the answer: JSON, HTML, CSV, a file, or a stream. */
export type Presenter<Result> = (res: ServerResponse, result: Result, surface: Surface, call: RouteCall) => void;

type Schema<T> = ZodType<T, ZodTypeDef, unknown>;

/** A route, declared: rate limit → authenticate → validate (zod) → one use case → present. */
export interface RouteDefinition<Caller, Params, Query, Body, Result> {
  method: 'get' | 'post';
  path: string;
  /**
   * Seconds the caller must wait (0: go on). Called after authentication with the caller, or with null when
   * there is no authenticator or it refused: a flood of bad credentials is limited per address, not per caller.
   */
  rateLimit?: (call: RouteCall, caller: Caller | null) => number | Promise<number>;
  authenticate?: (call: RouteCall) => Promise<Caller>;
  params?: Schema<Params>;
  query?: Schema<Query>;
  body?: { schema: Schema<Body>; maxBytes: number; allowEmpty?: boolean };
  handle: (input: { caller: Caller; params: Params; query: Query; body: Body; call: RouteCall }) => Promise<Result>;
  present: Presenter<Result>;
  /** An HTML page for a failure instead of the JSON error (the portal's pages). */
  errorPage?: (failure: Failure, call: RouteCall) => string;
}

/** Mounts routes of one surface on the server, each through the same chain. */
export function mountRoutes(
  server: Server,
  surface: Surface,
  logger: Logger,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  routes: readonly RouteDefinition<any, any, any, any, any>[],
): void {
  for (const route of routes) server[route.method](route.path, async (req, res) => runRoute(route, surface, logger, req, res));
}

/** Declares a route with its types inferred. */
export function route<Caller, Params, Query, Body, Result>(
  definition: RouteDefinition<Caller, Params, Query, Body, Result>,
): RouteDefinition<Caller, Params, Query, Body, Result> {
  return definition;
}

/** Runs one request through the chain; exported for the chain's own test. */
export async function runRoute<Caller, Params, Query, Body, Result>(
  definition: RouteDefinition<Caller, Params, Query, Body, Result>,
  surface: Surface,
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const call: RouteCall = { req, res, client: req.socket.remoteAddress ?? 'unknown', url: new URL(req.url ?? '/', 'http://doorman') };
  try {
    const caller = await authenticatedWithinLimit(definition, call);
    const params = validated(definition.params, (req as { params?: unknown }).params ?? {}, 'params');
    const query = validated(definition.query, Object.fromEntries(call.url.searchParams), 'query');
    const body = definition.body
      ? validated(definition.body.schema, await readJsonObject(req, definition.body.maxBytes, definition.body.allowEmpty), 'body')
      : (undefined as Body);
    const result = await definition.handle({ caller: caller as Caller, params: params as Params, query: query as Query, body, call });
    definition.present(res, result, surface, call);
  } catch (caught) {
    const error = surface.onFailure ? await surface.onFailure(caught, call) : caught;
    const failure = failureOf(error, logger, surface.failureLog);
    if (failure.status === 401 && surface.bearerChallenge) res.setHeader('WWW-Authenticate', 'Bearer');
    if (definition.errorPage) return sendHtml(res, failure.status, definition.errorPage(failure, call), surface);
    if (failure.message !== undefined) return sendJson(res, failure.status, { error: { code: failure.code, message: failure.message } }, surface.headers);
    sendJsonError(res, failure.status, failure.code, failure.fields, surface.headers);
  }
}

async function authenticatedWithinLimit<Caller>(
  definition: Pick<RouteDefinition<Caller, unknown, unknown, unknown, unknown>, 'authenticate' | 'rateLimit'>,
  call: RouteCall,
): Promise<Caller | null> {
  let caller: Caller | null = null;
  let refused: unknown = null;
  if (definition.authenticate) {
    try {
      caller = await definition.authenticate(call);
    } catch (error) {
      // Credentials that do not authenticate are a 401, whatever the domain would call a refusal later on.
      refused = error instanceof DoormanError && error.code === 'AUTH.NOT_PERMITTED' && !(error instanceof HttpRefusal) ? new HttpRefusal(401, 'AUTH.NOT_PERMITTED') : error;
      if (refused instanceof HttpRefusal && refused.status !== 401) throw refused;
    }
  }
  const wait = definition.rateLimit ? await definition.rateLimit(call, caller) : 0;
  if (wait > 0) {
    call.res.setHeader('Retry-After', String(wait));
    throw new DoormanError('RATE.LIMITED');
  }
  if (refused !== null) throw refused;
  return caller;
}

function validated<T>(schema: Schema<T> | undefined, value: unknown, part: string): T {
  if (!schema) return value as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new DoormanError(
    'INPUT.INVALID',
    `request ${part}`,
    parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? part), problem: 'invalid' })),
  );
}

/** Presents a result as JSON with the surface's headers. */
export function json<Result>(status = 200): Presenter<Result> {
  return (res, result, surface) => sendJson(res, status, result, surface.headers);
}

/** Presents an HTML page with the surface's headers. */
export const html: Presenter<string> = (res, page, surface) => sendHtml(res, 200, page, surface);

/** Presents bytes (a static asset) with its content type; assets may be cached for five minutes. */
export const asset: Presenter<{ type: string; body: Buffer }> = (res, file, surface) => {
  res.writeHead(200, { ...surface.headers, 'Content-Type': file.type, 'Cache-Control': 'public, max-age=300' });
  res.end(file.body);
};

/** Sends an HTML page once (a stream that already started is left alone). */
export function sendHtml(res: ServerResponse, status: number, page: string, surface: Surface): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...surface.headers, 'Content-Type': 'text/html; charset=utf-8' });
  res.end(page);
}
