import { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Server } from 'restify';
import { z } from 'zod';
import { Queue, StoredRequest } from '../../application/ports';
import { UseCaseDeps } from '../../application/shared/useCaseDeps';
import { escapeHtml } from '../../application/i18n/escapeHtml';
import { DoormanError } from '../../domain/errors';
import { Role } from '../../domain/people';
import { ClientRateLimiter } from './clientRateLimiter';
import { EntraUser } from './entraTokenVerifier';
import { scriptSafeJson } from './portalPage';
import { summaryOf } from './restApi';
import { sendJson, sendJsonError } from './jsonReplies';

/** Where the tab's static files are served from (`src/web/tab/` and the teams-js bundle). */
export const TAB_ASSETS_PATH = '/tab-assets';

/** Where an admin reads how to set up the tab's single sign-on. */
export const TAB_SSO_SETUP_DOC = 'docs/deploy.md, section "What the Teams app asks for"';

/**
 * Headers on every tab response. Unlike the portal, Teams must be able to frame the tab, so `frame-ancestors`
 * names the Teams, Outlook and Microsoft 365 hosts instead of 'none', and there is no X-Frame-Options (it has no
 * allow-list). `connect-src` allows res.cdn.office.net, where teams-js fetches its list of valid host origins
 * (without it the SDK falls back to the list built into its bundle, and logs a CSP error).
 */
export const TAB_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' https://res.cdn.office.net; " +
    'frame-ancestors https://teams.microsoft.com https://*.teams.microsoft.com https://*.skype.com ' +
    "https://*.cloud.microsoft https://*.office.com; base-uri 'none'; form-action 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** Checks a Teams SSO token (EntraTokenVerifier in production). */
export interface TabTokenVerifier {
  verify(token: string): Promise<EntraUser>;
}

/** Options of the tab: its assets, the token verifier (null: SSO not configured), the rate limiter. */
export interface TabOptions {
  assetsDir: string;
  verifier: TabTokenVerifier | null;
  limiter: ClientRateLimiter;
  /** The teams-js browser bundle; defaults to the installed `@microsoft/teams-js` package's UMD build. */
  teamsJsPath?: string;
}

const MAX_ROWS = 500;
const QUEUE_ID = /^[A-Za-z0-9_-]{1,64}$/;

const listQuery = z.object({
  kind: z.enum(['session', 'lockbox']).optional(),
  state: z
    .string()
    .max(80)
    .regex(/^[a-z]+(,[a-z]+)*$/)
    .optional(),
  queue: z.string().regex(QUEUE_ID).optional(),
});

/**
 * Mounts the Teams tab (DESIGN.md §5): the personal tab `GET /tab`, the channel tab's configuration page
 * `GET /tab/config`, their static assets, and the JSON the tab reads with the user's Teams SSO token.
 */
export function mountTab(server: Server, deps: UseCaseDeps, options: TabOptions): void {
  const assets = new Map<string, { path: string; type: string }>([
    ['tab.js', { path: join(options.assetsDir, 'tab.js'), type: 'text/javascript; charset=utf-8' }],
    ['tab.css', { path: join(options.assetsDir, 'tab.css'), type: 'text/css; charset=utf-8' }],
    ['MicrosoftTeams.min.js', { path: options.teamsJsPath ?? teamsJsBundle(), type: 'text/javascript; charset=utf-8' }],
  ]);
  const ssoConfigured = options.verifier !== null;

  server.get(`${TAB_ASSETS_PATH}/:file`, async (req, res) => {
    const asset = assets.get(String((req.params as { file?: unknown }).file ?? ''));
    if (!asset) return sendTabError(res, 404, 'REQUEST.NOT_FOUND');
    try {
      const body = await readFile(asset.path);
      res.writeHead(200, { ...TAB_SECURITY_HEADERS, 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=300' });
      res.end(body);
    } catch (error) {
      deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'tab asset missing');
      sendTabError(res, 500, 'INTERNAL');
    }
  });

  // The pages are static shells and are not limited per address: a whole company's Teams clients often share one.
  server.get('/tab', async (req, res) => {
    const queue = new URL(req.url ?? '/', 'http://tab').searchParams.get('queue');
    sendHtml(res, renderTabPage({ page: 'requests', ssoConfigured, queueId: queue !== null && QUEUE_ID.test(queue) ? queue : null }));
  });

  server.get('/tab/config', async (_req, res) => {
    sendHtml(res, renderTabPage({ page: 'config', ssoConfigured, queueId: null }));
  });

  const api =
    (handler: (req: IncomingMessage, user: EntraUser) => Promise<unknown>) => async (req: IncomingMessage, res: ServerResponse) => {
      if (!options.verifier) {
        return sendTabJson(res, 503, { error: { code: 'AUTH.NOT_PERMITTED', message: 'TAB_SSO_NOT_CONFIGURED' } });
      }
      try {
        const user = await options.verifier.verify(bearerToken(req));
        // Counted per person, not per address: behind a company's NAT every Teams client has the same one.
        if (limited(options.limiter, `tab:${user.tid}:${user.oid}`, res, 'api')) return;
        sendTabJson(res, 200, await handler(req, user));
      } catch (error) {
        if (error instanceof DoormanError && error.code === 'AUTH.NOT_PERMITTED') {
          res.setHeader('WWW-Authenticate', 'Bearer');
          return sendTabError(res, 401, 'AUTH.NOT_PERMITTED');
        }
        if (error instanceof DoormanError && error.code === 'INPUT.INVALID') return sendTabError(res, 400, 'INPUT.INVALID', error.fields);
        deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'tab API request failed');
        sendTabError(res, 500, 'INTERNAL');
      }
    };

  server.get('/tab/api/requests', api(async (req, user) => {
    const parsed = listQuery.safeParse(Object.fromEntries(new URL(req.url ?? '/', 'http://tab').searchParams));
    if (!parsed.success) {
      throw new DoormanError('INPUT.INVALID', 'tab query', parsed.error.issues.map((issue) => ({ field: String(issue.path[0]), problem: 'invalid' })));
    }
    return requestsForTab(deps, user, parsed.data);
  }));

  // The configuration page offers the queues of the caller's tenant; their names are not given to anonymous callers.
  server.get('/tab/api/queues', api(async (_req, user) => ({
    queues: (await deps.queues.listQueues())
      .filter((queue) => queue.tenantId === user.tid)
      .map((queue) => ({ id: queue.id, name: queue.name, channelId: queue.channelId })),
  })));
}

/** What the tab lists for one person: their own requests, their queue's (agents), pending approvals (approvers). */
export async function requestsForTab(
  deps: UseCaseDeps,
  user: EntraUser,
  query: { kind?: 'session' | 'lockbox'; state?: string; queue?: string },
): Promise<{ requests: Record<string, unknown>[]; queue: { id: string; name: string } | null; roles: Role[] }> {
  const roles = await deps.directory.rolesOf(user.oid);
  const states = query.state ? query.state.split(',') : undefined;
  const wants = (kind: 'session' | 'lockbox') => query.kind === undefined || query.kind === kind;
  const stateAllowed = (state: string) => states === undefined || states.includes(state);
  const found = new Map<string, StoredRequest>();
  const add = (requests: StoredRequest[]) => requests.forEach((request) => found.set(request.id, request));

  // `involving` matches the creator or the assignee of a session, and the requester of a lockbox request.
  if (wants('session')) add(await deps.requests.listRequests({ kind: 'session', states, involving: user.oid, limit: MAX_ROWS }));
  if (wants('lockbox')) add(await deps.requests.listRequests({ kind: 'lockbox', states, involving: user.oid, limit: MAX_ROWS }));

  let queue: Queue | null = query.queue ? await deps.queues.getQueue(query.queue) : null;
  if (queue && queue.tenantId !== user.tid) queue = null;
  if (queue && roles.includes('agent') && wants('session')) {
    add(await deps.requests.listRequests({ kind: 'session', states, queueId: queue.id, limit: MAX_ROWS }));
  }
  if (roles.includes('approver') && wants('lockbox') && stateAllowed('pending')) {
    add(await deps.requests.listRequests({ kind: 'lockbox', states: ['pending'], limit: MAX_ROWS }));
  }

  const requests = [...found.values()]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
    .slice(0, MAX_ROWS)
    .map(summaryOf);
  return { requests, queue: queue ? { id: queue.id, name: queue.name } : null, roles };
}

function bearerToken(req: IncomingMessage): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) throw new DoormanError('AUTH.NOT_PERMITTED', 'no bearer token');
  return match[1];
}

/** The tab's HTML shell; tab.js does the rest. Without SSO the page says so and needs no script to say it. */
export function renderTabPage(input: { page: 'requests' | 'config'; ssoConfigured: boolean; queueId: string | null }): string {
  const boot = { page: input.page, ssoConfigured: input.ssoConfigured, queue: input.queueId, setupDoc: TAB_SSO_SETUP_DOC };
  const title = input.page === 'config' ? 'Doorman: show a queue in this channel' : 'Doorman requests';
  const heading = input.page === 'config' ? 'Show a queue’s requests in this channel' : 'Requests';
  const body = input.ssoConfigured
    ? `<p id="notice" class="notice" role="status" aria-live="polite">Loading…</p>
<div id="content"></div>`
    : `<div id="notice" class="notice notice-problem" role="alert">
<h2>Single sign-on is not set up</h2>
<p>This tab shows your Doorman requests once Teams has signed you in to Doorman (single sign-on). This Doorman has no
tab sign-on configured yet (<code>TAB_SSO_CLIENT_ID</code> is empty), so the tab cannot tell who you are and shows nothing.</p>
<p>Admins: register the tab’s app in Microsoft Entra ID, expose the scope <code>access_as_user</code> under
<code>api://&lt;your Doorman domain&gt;/&lt;client id&gt;</code>, then set <code>TAB_SSO_CLIENT_ID</code> and
<code>TAB_SSO_APP_ID_URI</code>. See ${escapeHtml(TAB_SSO_SETUP_DOC)}.</p>
<p>Meanwhile, say <strong>requests</strong> to Doorman in your chat with it.</p>
</div>`;
  return `<!DOCTYPE html>
<html lang="en" dir="ltr" data-theme="default">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${TAB_ASSETS_PATH}/tab.css">
<script src="${TAB_ASSETS_PATH}/MicrosoftTeams.min.js" defer></script>
<script src="${TAB_ASSETS_PATH}/tab.js" defer></script>
</head>
<body>
<main class="tab" aria-labelledby="title">
<h1 id="title">${escapeHtml(heading)}</h1>
${body}
</main>
<script type="application/json" id="doorman-tab-boot">${scriptSafeJson(boot)}</script>
</body>
</html>
`;
}

/** The installed teams-js UMD bundle, served by Doorman itself (never from a CDN: the CSP allows 'self' only). */
function teamsJsBundle(): string {
  // The package's `main` is dist/umd/MicrosoftTeams.min.js.
  return require.resolve('@microsoft/teams-js');
}

function limited(limiter: ClientRateLimiter, client: string, res: ServerResponse, bucket: string): boolean {
  const wait = limiter.hit(bucket, client);
  if (wait === 0) return false;
  res.setHeader('Retry-After', String(wait));
  sendTabError(res, 429, 'RATE.LIMITED');
  return true;
}

function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, { ...TAB_SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' });
  res.end(html);
}

function sendTabJson(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, status, body, TAB_SECURITY_HEADERS);
}

function sendTabError(res: ServerResponse, status: number, code: string, fields: readonly unknown[] = []): void {
  sendJsonError(res, status, code, fields, TAB_SECURITY_HEADERS);
}
