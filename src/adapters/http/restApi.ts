import { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from 'restify';
import { z } from 'zod';
import { lockboxSummary } from '../../application/lockbox/lockboxEffects';
import { decideOnLockbox, requestLockboxAccess } from '../../application/lockbox/lockboxRequests';
import { parseLockboxForm } from '../../application/lockbox/lockboxForm';
import { StoredRequest } from '../../application/ports';
import { ReadScope, listReadableRequests, readRequest, readScopeFor } from '../../application/shared/requestReads';
import { UseCaseDeps } from '../../application/shared/useCaseDeps';
import { AuditEvent } from '../../domain/audit';
import { DoormanError, ErrorCode, isDoormanError } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { ClientRateLimiter } from './clientRateLimiter';
import { BodyRefused, readJsonObject, sendJson, sendJsonError } from './jsonReplies';
import { EntraTokenVerifier } from './entraTokenVerifier';

const MAX_BODY_BYTES = 16 * 1024;
const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  'INPUT.INVALID': 400,
  'AUTH.NOT_PERMITTED': 403,
  'AUTH.SELF_APPROVAL': 403,
  'REQUEST.NOT_FOUND': 404,
  'REQUEST.ILLEGAL_TRANSITION': 409,
  'REQUEST.STALE_VERSION': 409,
  'REQUEST.EXPIRED': 409,
  'QUEUE.NONE': 409,
  'RATE.LIMITED': 429,
};

/**
 * An authenticated system: an API key (`key:<key id>`) or an Entra app (`app:<client id>`). It acts and reads only
 * for the people it may act for; names are labels and never identify a caller.
 */
interface ApiCaller {
  actor: Actor & { type: 'service' };
  onBehalfOf: readonly string[];
  scope: ReadScope;
}

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly fields: unknown[] = [],
  ) {
    super(code);
  }
}

const listQuery = z.object({
  kind: z.enum(['session', 'lockbox']).optional(),
  state: z.string().max(40).optional(),
  assignee: z.string().max(100).optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
});

/**
 * REST API v1 (DESIGN.md §5) for systems that must ask before touching customer data: every route is the same
 * chain — authenticate (API key, stored hashed) → rate limit → validate → use case → present (JSON, codes only).
 *
 * The rate limit counts after authentication so that callers cannot spend each other's budget: a key (or app) has
 * its own bucket, and failed attempts count per address in another, so a flood of bad keys from an address (a
 * shared NAT, a proxy) never blocks a valid key used from the same address.
 */
export function mountRestApi(server: Server, deps: UseCaseDeps, limiter: ClientRateLimiter, appTokens: EntraTokenVerifier | null = null): void {
  const route = (handler: (req: IncomingMessage & { params?: Record<string, string> }, caller: ApiCaller) => Promise<{ status: number; body: unknown; csv?: boolean }>) =>
    async (req: IncomingMessage & { params?: Record<string, string> }, res: ServerResponse) => {
      try {
        const caller = await authenticatedWithinLimit(deps, req, res, limiter, appTokens);
        const answer = await handler(req, caller);
        if (answer.csv) {
          res.writeHead(answer.status, { 'Content-Type': 'text/csv; charset=utf-8', 'Cache-Control': 'no-store' });
          res.end(answer.body as string);
          return;
        }
        sendJson(res, answer.status, answer.body);
      } catch (error) {
        const failure = asFailure(error, deps);
        sendJsonError(res, failure.status, failure.code, failure.fields);
      }
    };

  server.post('/api/v1/lockbox', route(async (req, caller) => {
    const body = await readJsonObject(req, MAX_BODY_BYTES);
    const onBehalfOf = typeof body.onBehalfOf === 'string' ? body.onBehalfOf.trim() : '';
    if (onBehalfOf === '') throw new ApiFailure(400, 'INPUT.INVALID', [{ field: 'onBehalfOf', problem: 'required' }]);
    if (!caller.onBehalfOf.includes('*') && !caller.onBehalfOf.includes(onBehalfOf)) {
      throw new ApiFailure(403, 'AUTH.NOT_PERMITTED', [{ field: 'onBehalfOf', problem: 'notAllowedForKey' }]);
    }
    const engineers = await deps.directory.listByRole('engineer');
    const person = engineers.find((candidate) => candidate.aadObjectId === onBehalfOf);
    if (!person) throw new ApiFailure(400, 'INPUT.INVALID', [{ field: 'onBehalfOf', problem: 'notAnEngineer' }]);
    const parsed = parseLockboxForm(body, await deps.lockboxSettings.getLockboxSettings());
    if (!parsed.ok) throw new ApiFailure(400, 'INPUT.INVALID', parsed.problems);
    const request = await requestLockboxAccess(deps, caller.actor, { aadObjectId: person.aadObjectId, name: person.name }, parsed.ask, 'api');
    return { status: 201, body: lockboxSummary(request) };
  }));

  server.get('/api/v1/lockbox/:id', route(async (req, caller) => {
    const { request, events } = await readRequest(deps, caller.scope, req.params?.id ?? '');
    if (request.kind !== 'lockbox') throw new ApiFailure(404, 'REQUEST.NOT_FOUND');
    return { status: 200, body: { ...lockboxSummary(request), events: events.map(presentEvent) } };
  }));

  // Only the system that asked may resolve (end access early) or cancel (withdraw while pending): domain policy.
  for (const verb of ['resolve', 'cancel'] as const) {
    server.post(`/api/v1/lockbox/:id/${verb}`, route(async (req, caller) => {
      await readJsonObject(req, MAX_BODY_BYTES, true);
      const { request } = await readRequest(deps, caller.scope, req.params?.id ?? '');
      if (request.kind !== 'lockbox') throw new ApiFailure(404, 'REQUEST.NOT_FOUND');
      const result = await decideOnLockbox(deps, caller.actor, { requestId: request.id, version: null }, verb, null, 'api');
      if (result.refused) throw new ApiFailure(STATUS_OF[result.refused] ?? 409, result.refused);
      return { status: 200, body: lockboxSummary(result.request) };
    }));
  }

  server.get('/api/v1/requests.csv', route(async (req, caller) => {
    const rows = (await listRequests(deps, req, caller.scope)).map(summaryOf);
    const columns = ['id', 'kind', 'state', 'createdAt', 'updatedAt', 'owner', 'assignee', 'deadline'];
    const escape = (value: unknown) => {
      const text = value === null || value === undefined ? '' : String(value);
      // Spreadsheets run cells that start with = + - @ as formulas: prefix them so the export stays data.
      const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
      return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
    };
    const lines = [columns.join(','), ...rows.map((row) => columns.map((column) => escape(row[column])).join(','))];
    return { status: 200, body: `${lines.join('\r\n')}\r\n`, csv: true };
  }));

  server.get('/api/v1/requests', route(async (req, caller) => ({ status: 200, body: { requests: (await listRequests(deps, req, caller.scope)).map(summaryOf) } })));

  server.get('/api/v1/requests/:id', route(async (req, caller) => {
    const { request, events } = await readRequest(deps, caller.scope, req.params?.id ?? '');
    return { status: 200, body: { ...summaryOf(request), events: events.map(presentEvent) } };
  }));
}

/** The app role an Entra application must hold to use the REST API with a token instead of a key. */
export const API_APP_ROLE = 'Lockbox.Request';

/** Authenticates, then counts the hit in the caller's own bucket, or in the address's bucket for failed attempts. */
async function authenticatedWithinLimit(
  deps: UseCaseDeps,
  req: IncomingMessage,
  res: ServerResponse,
  limiter: ClientRateLimiter,
  appTokens: EntraTokenVerifier | null,
): Promise<ApiCaller> {
  const limited = (client: string) => {
    const wait = limiter.hit('api', client);
    if (wait === 0) return;
    res.setHeader('Retry-After', String(wait));
    throw new ApiFailure(429, 'RATE.LIMITED');
  };
  let caller: ApiCaller;
  try {
    caller = await authenticate(deps, req, appTokens);
  } catch (error) {
    limited(`unauthenticated|${req.socket.remoteAddress ?? 'unknown'}`);
    throw error;
  }
  limited(`caller|${caller.actor.client}`);
  return caller;
}

async function authenticate(deps: UseCaseDeps, req: IncomingMessage, appTokens: EntraTokenVerifier | null): Promise<ApiCaller> {
  const header = req.headers.authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : String(req.headers['x-api-key'] ?? '');
  if (appTokens && presented.split('.').length === 3 && !presented.startsWith('dk_')) {
    // An Entra app-only token: the admin who granted the app role is the trust, so it may ask for any engineer.
    let app;
    try {
      app = await appTokens.verify(presented);
    } catch {
      throw new ApiFailure(401, 'AUTH.NOT_PERMITTED');
    }
    return { actor: { type: 'service', client: `app:${app.appId ?? app.oid}` }, onBehalfOf: ['*'], scope: readScopeFor(['*']) };
  }
  if (!/^dk_[A-Za-z0-9_-]{20,100}$/.test(presented)) throw new ApiFailure(401, 'AUTH.NOT_PERMITTED');
  const key = await deps.apiKeys.findApiKeyByHash(deps.secrets.hash(presented));
  if (!key || key.revokedAt !== null) throw new ApiFailure(401, 'AUTH.NOT_PERMITTED');
  // The key's id, never its name: a name is a label an admin chose, and could mimic another caller.
  return { actor: { type: 'service', client: `key:${key.id}`, label: key.name }, onBehalfOf: key.onBehalfOf, scope: readScopeFor(key.onBehalfOf) };
}

async function listRequests(deps: UseCaseDeps, req: IncomingMessage, scope: ReadScope): Promise<StoredRequest[]> {
  const query = listQuery.safeParse(Object.fromEntries(new URL(req.url ?? '/', 'http://api').searchParams));
  if (!query.success) throw new ApiFailure(400, 'INPUT.INVALID', query.error.issues.map((issue) => ({ field: String(issue.path[0]), problem: 'invalid' })));
  const { kind, state, assignee, from, to } = query.data;
  return listReadableRequests(deps, scope, {
    kind,
    states: state ? state.split(',') : undefined,
    assignee,
    from: from ? new Date(from) : undefined,
    to: to ? new Date(to) : undefined,
    limit: 500,
  });
}

/** The link-free, name-free view of any request that the list and CSV show. */
export function summaryOf(request: StoredRequest): Record<string, unknown> {
  if (request.kind === 'lockbox') {
    return { ...lockboxSummary(request), owner: request.requester.aadObjectId, assignee: null, deadline: request.decideBy.toISOString() };
  }
  return {
    id: request.id,
    kind: 'session',
    state: request.state,
    version: request.version,
    owner: request.createdBy.aadObjectId,
    assignee: request.assignee?.aadObjectId ?? null,
    queueId: request.queueId,
    scheduledFor: request.scheduledFor?.toISOString() ?? null,
    deadline: request.expiresAt.toISOString(),
    closedReason: request.closedReason,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  };
}

function presentEvent(event: AuditEvent): Record<string, unknown> {
  return {
    action: event.action,
    from: event.fromState,
    to: event.toState,
    actor: event.actorId,
    actorType: event.actorType,
    source: event.source,
    reason: event.reason,
    at: event.at.toISOString(),
  };
}

function asFailure(error: unknown, deps: UseCaseDeps): { status: number; code: ErrorCode; fields: unknown[] } {
  if (error instanceof ApiFailure || error instanceof BodyRefused) return { status: error.status, code: error.code, fields: error.fields };
  if (error instanceof DoormanError) return { status: STATUS_OF[error.code] ?? 400, code: error.code, fields: error.fields };
  if (isDoormanError(error)) return { status: 400, code: 'INPUT.INVALID', fields: [] };
  deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'REST API request failed');
  return { status: 500, code: 'INTERNAL', fields: [] };
}
