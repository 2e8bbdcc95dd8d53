import { AddressInfo } from 'node:net';
import restify, { Server } from 'restify';
import { z } from 'zod';
import { Logger } from '../../../src/application/ports';
import { DoormanError, ErrorCode } from '../../../src/domain/errors';
import { HttpRefusal, STATUS_OF } from '../../../src/adapters/http/httpFailures';
import { RouteCall, json, mountRoutes, route } from '../../../src/adapters/http/routeChain';

/** A logger that keeps what was logged, to check that internal text reaches the log and never the answer. */
function recordingLogger(): Logger & { lines: { fields: Record<string, unknown>; message: string }[] } {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const keep = (fields: Record<string, unknown>, message: string) => void lines.push({ fields, message });
  return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

// The statuses the portal, the REST API and the tab answered before they shared one table (their tests assert them).
const EXPECTED: Record<ErrorCode, number> = {
  'INPUT.INVALID': 400,
  'AUTH.NOT_PERMITTED': 403,
  'AUTH.SELF_APPROVAL': 403,
  'AUTH.SAME_REVIEWER': 403,
  'AUTH.WRONG_TENANT': 403,
  'REQUEST.NOT_FOUND': 404,
  'REQUEST.ILLEGAL_TRANSITION': 409,
  'REQUEST.STALE_VERSION': 409,
  'REQUEST.EXPIRED': 409,
  'QUEUE.NONE': 409,
  'LINK.IN_USE': 409,
  'LINK.NOT_YET': 409,
  'LINK.EXPIRED': 410,
  'LINK.CLOSED': 410,
  'LINK.REPLACED': 410,
  'RATE.LIMITED': 429,
  'GRAPH.FORBIDDEN': 502,
  'GRAPH.THROTTLED': 503,
  INTERNAL: 500,
};

async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('the route chain', () => {
  let server: Server;
  let url: string;
  let logger: ReturnType<typeof recordingLogger>;
  let waits: number;

  beforeAll(async () => {
    server = restify.createServer({ handleUncaughtExceptions: false });
    logger = recordingLogger();
    const surface = { headers: { 'X-Surface': 'test' }, failureLog: 'test route failed', bearerChallenge: true };
    mountRoutes(server, surface, logger, [
      route({
        method: 'get',
        path: '/throws/:code',
        params: z.object({ code: z.string() }),
        handle: async ({ params }) => {
          throw new DoormanError(params.code as ErrorCode, 'detail that must not be answered');
        },
        present: json<unknown>(),
      }),
      route({
        method: 'get',
        path: '/crashes',
        handle: async () => {
          throw new Error('connection string postgres://secret@db');
        },
        present: json<unknown>(),
      }),
      route({
        method: 'post',
        path: '/validated',
        query: z.object({ page: z.coerce.number().int().min(1) }),
        body: { schema: z.object({ name: z.string().min(1), size: z.number() }), maxBytes: 64 },
        handle: async ({ query, body }) => ({ page: query.page, name: body.name }),
        present: json(201),
      }),
      route({
        method: 'get',
        path: '/authenticated',
        authenticate: async (call: RouteCall) => {
          if (call.req.headers.authorization !== 'Bearer good') throw new DoormanError('AUTH.NOT_PERMITTED');
          return { who: 'good' };
        },
        rateLimit: () => waits,
        handle: async ({ caller }) => caller,
        present: json(),
      }),
      route({
        method: 'get',
        path: '/unconfigured',
        handle: async () => {
          throw new HttpRefusal(503, 'AUTH.NOT_PERMITTED', [], 'NOT_CONFIGURED');
        },
        present: json<unknown>(),
      }),
    ]);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    waits = 0;
    logger.lines.length = 0;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('has one status for every error code, the ones the routes answered before', () => {
    expect(STATUS_OF).toEqual(EXPECTED);
  });

  it.each(Object.entries(EXPECTED))('answers %s with %i, the code and never the detail', async (code, status) => {
    const response = await fetch(`${url}/throws/${code}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('x-surface')).toBe('test');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code, message: code } });
    expect(text).not.toContain('detail');
  });

  it('answers an unknown error code with 500 INTERNAL, no text, and logs it', async () => {
    const response = await fetch(`${url}/throws/NO.SUCH_CODE`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: 'INTERNAL', message: 'INTERNAL' } });
    expect(logger.lines.map((line) => line.message)).toEqual(['test route failed']);
  });

  it('answers a thrown non-Doorman error with 500 INTERNAL and keeps its message in the log only', async () => {
    const response = await fetch(`${url}/crashes`);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'INTERNAL' } });
    expect(text).not.toContain('postgres');
    expect(JSON.stringify(logger.lines)).toContain('postgres://secret@db');
  });

  it('answers a zod failure with 400 INPUT.INVALID naming the fields', async () => {
    const response = await fetch(`${url}/validated?page=0`, { method: 'POST', body: JSON.stringify({ name: 'x', size: 1 }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'INPUT.INVALID', message: 'INPUT.INVALID', fields: [{ field: 'page', problem: 'invalid' }] } });

    const body = await fetch(`${url}/validated?page=2`, { method: 'POST', body: JSON.stringify({ name: '', size: 'big' }) });
    expect(body.status).toBe(400);
    expect(await body.json()).toEqual({
      error: { code: 'INPUT.INVALID', message: 'INPUT.INVALID', fields: [{ field: 'name', problem: 'invalid' }, { field: 'size', problem: 'invalid' }] },
    });
  });

  it('answers a valid request through the use case and the presenter', async () => {
    const response = await fetch(`${url}/validated?page=2`, { method: 'POST', body: JSON.stringify({ name: 'Chris', size: 1 }) });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ page: 2, name: 'Chris' });
  });

  it('answers a body over the limit with 413 before any use case', async () => {
    const response = await fetch(`${url}/validated?page=2`, { method: 'POST', body: JSON.stringify({ name: 'x'.repeat(100), size: 1 }) });
    expect(response.status).toBe(413);
    expect(await codeOf(response)).toBe('INPUT.INVALID');
  });

  it('answers credentials that do not authenticate with 401 and the Bearer challenge', async () => {
    const response = await fetch(`${url}/authenticated`, { headers: { Authorization: 'Bearer bad' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(`${url}/authenticated`, { headers: { Authorization: 'Bearer good' } })).status).toBe(200);
  });

  it('answers 429 with Retry-After when the limiter says wait, before any credentials are judged', async () => {
    waits = 7;
    for (const authorization of ['Bearer good', 'Bearer bad']) {
      const response = await fetch(`${url}/authenticated`, { headers: { Authorization: authorization } });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(await codeOf(response)).toBe('RATE.LIMITED');
    }
  });

  it('answers a transport refusal with its own status and message', async () => {
    const response = await fetch(`${url}/unconfigured`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: { code: 'AUTH.NOT_PERMITTED', message: 'NOT_CONFIGURED' } });
  });
});
