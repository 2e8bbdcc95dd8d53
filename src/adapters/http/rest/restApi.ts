import { Server } from 'restify';
import { z } from 'zod';
import { ApiCaller, appCaller, askLockboxForEngineer, authenticateApiKey, settleLockboxForCaller } from '../../../application/oversight/apiAccess';
import { SystemQuery, lockboxWithTrail, requestCsvForSystem, requestListForSystem, requestWithTrail } from '../../../application/oversight/requestLists';
import { UseCaseDeps } from '../../../application/shared/useCaseDeps';
import { auditExportForSystem } from '../../../application/oversight/auditExport';
import { erasePersonForSystem } from '../../../application/oversight/erasure';
import { DoormanError } from '../../../domain/errors';
import { ClientRateLimiter } from '../clientRateLimiter';
import { EntraTokenVerifier } from '../entraTokenVerifier';
import { Presenter, RouteCall, Surface, json, mountRoutes, route } from '../routeChain';
import { auditDownload, auditRangeQuery } from '../auditDownloads';
import { csvCell, csvStream, jsonLinesStream } from '../streamedExport';

const MAX_BODY_BYTES = 16 * 1024;

/** The app role an Entra application must hold to use the REST API with a token instead of a key. */
export const API_APP_ROLE = 'Lockbox.Request';

const listQuery = z
  .object({
    kind: z.enum(['session', 'lockbox', 'assist', 'invitation']).optional(),
    state: z.string().max(40).optional(),
    assignee: z.string().max(100).optional(),
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
    // The tab's filters and paging (issue 16), additive: `next` in the answer is the `cursor` of the following page.
    queue: z.string().max(64).optional(),
    person: z.string().max(100).optional(),
    q: z.string().max(100).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .transform(({ kind, state, assignee, from, to, queue, person, q, cursor, limit }): SystemQuery => ({
    kind,
    states: state ? state.split(',') : undefined,
    assignee,
    from: from ? new Date(from) : undefined,
    to: to ? new Date(to) : undefined,
    queue,
    person,
    search: q,
    cursor,
    limit,
  }));

const idParams = z.object({ id: z.string() });
const anyObject = z.record(z.unknown());

/**
 * REST API v1 (DESIGN.md §5) for systems that must ask before touching customer data, on the route chain:
 * authenticate (API key, stored hashed, or an Entra app token) → rate limit → validate → use case → JSON or CSV.
 *
 * The rate limit counts after authentication so that callers cannot spend each other's budget: a key (or app) has
 * its own bucket, and failed attempts count per address in another, so a flood of bad keys from an address (a
 * shared NAT, a proxy) never blocks a valid key used from the same address.
 */
export function mountRestApi(server: Server, deps: UseCaseDeps, limiter: ClientRateLimiter, appTokens: EntraTokenVerifier | null = null): void {
  const surface: Surface = { headers: {}, failureLog: 'REST API request failed' };
  const authenticate = (call: RouteCall) => authenticateCaller(deps, call, appTokens);
  const rateLimit = (call: RouteCall, caller: ApiCaller | null) =>
    limiter.hit('api', caller ? `caller|${caller.actor.client}` : `unauthenticated|${call.client}`);
  const common = { authenticate, rateLimit };

  mountRoutes(server, surface, deps.logger, [
    route({
      ...common,
      method: 'post',
      path: '/api/v1/lockbox',
      body: { schema: anyObject, maxBytes: MAX_BODY_BYTES },
      handle: ({ caller, body }) => askLockboxForEngineer(deps, caller, body),
      present: json(201),
    }),
    route({
      ...common,
      method: 'get',
      path: '/api/v1/lockbox/:id',
      params: idParams,
      handle: ({ caller, params }) => lockboxWithTrail(deps, caller.scope, params.id),
      present: json(),
    }),
    ...(['resolve', 'cancel'] as const).map((verb) =>
      route({
        ...common,
        method: 'post',
        path: `/api/v1/lockbox/:id/${verb}`,
        params: idParams,
        body: { schema: anyObject, maxBytes: MAX_BODY_BYTES, allowEmpty: true },
        handle: ({ caller, params }) => settleLockboxForCaller(deps, caller, params.id, verb),
        present: json(),
      }),
    ),
    route({
      ...common,
      method: 'get',
      path: '/api/v1/requests.csv',
      query: listQuery,
      handle: ({ caller, query }) => requestCsvForSystem(deps, caller.scope, query),
      present: csv,
    }),
    route({
      ...common,
      method: 'get',
      path: '/api/v1/requests',
      query: listQuery,
      handle: ({ caller, query }) => requestListForSystem(deps, caller.scope, query),
      present: json(),
    }),
    route({
      ...common,
      method: 'get',
      path: '/api/v1/audit/events.csv',
      query: auditRangeQuery,
      handle: async ({ caller, query }) => auditDownload(await auditExportForSystem(deps, caller, query), 'csv'),
      present: csvStream(deps.logger),
    }),
    route({
      ...common,
      method: 'get',
      path: '/api/v1/audit/events.jsonl',
      query: auditRangeQuery,
      handle: async ({ caller, query }) => auditDownload(await auditExportForSystem(deps, caller, query), 'jsonl'),
      present: jsonLinesStream(deps.logger),
    }),
    route({
      ...common,
      method: 'post',
      path: '/api/v1/erasures',
      body: { schema: anyObject, maxBytes: MAX_BODY_BYTES },
      handle: ({ caller, body }) => erasePersonForSystem(deps, caller, body),
      present: json(200),
    }),
    route({
      ...common,
      method: 'get',
      path: '/api/v1/requests/:id',
      params: idParams,
      handle: ({ caller, params }) => requestWithTrail(deps, caller.scope, params.id),
      present: json(),
    }),
  ]);
}

/** An Entra app-only token (three dot-separated parts, when app tokens are configured) or an API key. */
async function authenticateCaller(deps: UseCaseDeps, call: RouteCall, appTokens: EntraTokenVerifier | null): Promise<ApiCaller> {
  const header = call.req.headers.authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : String(call.req.headers['x-api-key'] ?? '');
  if (appTokens && presented.split('.').length === 3 && !presented.startsWith('dk_')) {
    let app;
    try {
      app = await appTokens.verify(presented);
    } catch {
      throw new DoormanError('AUTH.NOT_PERMITTED', 'app token not verified');
    }
    return appCaller(app.appId ?? app.oid);
  }
  return authenticateApiKey(deps, presented);
}

/** CSV with a header row; spreadsheets run cells that start with = + - @ as formulas, so those are prefixed. */
const csv: Presenter<unknown[][]> = (res, rows) => {
  res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`);
};
