import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Server } from 'restify';
import { z } from 'zod';
import { actOnRequestFromTab, requestTimeline, requestsForPerson } from '../../../application/oversight/personRequests';
import { MAX_PAGE_SIZE, RequestPageQuery } from '../../../application/oversight/requestPages';
import { queuesForPerson } from '../../../application/oversight/requestLists';
import { TabViewer } from '../../../application/oversight/viewers';
import { UseCaseDeps } from '../../../application/shared/useCaseDeps';
import { escapeHtml } from '../../../application/i18n/escapeHtml';
import { DoormanError } from '../../../domain/errors';
import { ClientRateLimiter } from '../clientRateLimiter';
import { EntraUser } from '../entraTokenVerifier';
import { HttpRefusal } from '../httpFailures';
import { scriptSafeJson } from '../portal/portalPage';
import { RouteCall, Surface, asset, html, json, mountRoutes, route } from '../routeChain';
import { auditExportForViewer } from '../../../application/oversight/auditExport';
import { auditDownload, auditRangeQuery } from '../auditDownloads';
import { csvStream, jsonLinesStream } from '../streamedExport';
import { bestAcceptedLanguage, isLanguage, Language } from '../../../application/i18n/languages';
import { tabMessages } from '../../../application/i18n/tabMessages';

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
  /** The bot's app id: "Ask for help" opens the chat with Doorman (none locally: the tab says what to type). */
  botAppId?: string | null;
}

const QUEUE_ID = /^[A-Za-z0-9_-]{1,64}$/;

const PERSON_ID = /^[A-Za-z0-9_:.-]{1,100}$/;
const REQUEST_ID = z.string().regex(/^[A-Za-z0-9_:-]{1,100}$/);

/** The list's filters as the tab's address carries them (shareable): every one optional, each refused by field when malformed. */
const listQuery = z
  .object({
    kind: z.enum(['session', 'lockbox', 'assist', 'invitation']).optional(),
    state: z
      .string()
      .max(120)
      .regex(/^[a-z]+(,[a-z]+)*$/)
      .optional(),
    queue: z.string().regex(QUEUE_ID).optional(),
    /** The channel tab's own queue (named in its address by Teams), which the page names above the list. */
    channel: z.string().regex(QUEUE_ID).optional(),
    person: z.string().regex(PERSON_ID).optional(),
    from: z.string().datetime({ offset: true }).optional(),
    to: z.string().datetime({ offset: true }).optional(),
    q: z.string().max(100).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  })
  .transform(({ state, from, to, q, channel, ...rest }): RequestPageQuery & { channelQueue?: string } => ({
    ...rest,
    ...(state ? { states: state.split(',') } : {}),
    ...(from ? { from: new Date(from) } : {}),
    ...(to ? { to: new Date(to) } : {}),
    ...(q !== undefined && q.trim() !== '' ? { search: q } : {}),
    ...(channel ? { channelQueue: channel } : {}),
  }));

const requestParams = z.object({ id: REQUEST_ID });

const actionBody = z.object({
  action: z.enum(['approve', 'deny', 'close', 'cancel']),
  version: z.number().int().min(1),
  comment: z.string().max(500).optional(),
});

// An invalid queue id in the page's address shows the personal view, it is not an error.
const pageQuery = z.object({ queue: z.string().optional() }).transform(({ queue }) => (queue !== undefined && QUEUE_ID.test(queue) ? queue : null));

/** The language of a tab catalogue's address; an unsupported one is refused (tab.js then keeps the page's own). */
const catalogueParams = z.object({ language: z.string().refine(isLanguage) });

/** The shell's language before teams-js says the viewer's: the browser's Accept-Language, else English. */
function shellLanguage(call: RouteCall): Language {
  return bestAcceptedLanguage(call.req.headers['accept-language']) ?? 'en';
}

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
  const surface: Surface = { headers: TAB_SECURITY_HEADERS, failureLog: 'tab API request failed', bearerChallenge: true };
  const authenticate = async (call: RouteCall): Promise<TabViewer> => {
    if (!options.verifier) throw new HttpRefusal(503, 'AUTH.NOT_PERMITTED', [], 'TAB_SSO_NOT_CONFIGURED');
    const user = await options.verifier.verify(bearerToken(call));
    return { oid: user.oid, tid: user.tid };
  };
  // Counted per person, not per address: behind a company's NAT every Teams client has the same one.
  const rateLimit = (_call: RouteCall, viewer: TabViewer | null) => (viewer ? options.limiter.hit('api', `tab:${viewer.tid}:${viewer.oid}`) : 0);

  mountRoutes(server, surface, deps.logger, [
    route({
      method: 'get',
      path: `${TAB_ASSETS_PATH}/:file`,
      params: z.object({ file: z.string() }),
      handle: async ({ params }) => {
        const file = assets.get(params.file);
        if (!file) throw new DoormanError('REQUEST.NOT_FOUND');
        return { type: file.type, body: await readFile(file.path) };
      },
      present: asset,
    }),
    // The pages are static shells and are not limited per address: a whole company's Teams clients often share one.
    route({
      method: 'get',
      path: '/tab',
      query: pageQuery,
      handle: async ({ query, call }) =>
        renderTabPage({ page: 'requests', ssoConfigured, queueId: query, botId: options.botAppId ?? null, language: shellLanguage(call) }),
      present: html,
    }),
    route({
      method: 'get',
      path: '/tab/config',
      handle: async ({ call }) => renderTabPage({ page: 'config', ssoConfigured, queueId: null, language: shellLanguage(call) }),
      present: html,
    }),
    // The tab's texts in the language teams-js names (app.locale), when it differs from the page's; no names in them.
    route({
      method: 'get',
      path: '/tab/messages/:language',
      params: catalogueParams,
      handle: async ({ params }) => tabMessages(params.language as Language),
      present: json(),
    }),
    route({
      method: 'get',
      path: '/tab/api/requests',
      authenticate,
      rateLimit,
      query: listQuery,
      handle: ({ caller, query }) => requestsForPerson(deps, caller, query),
      present: json(),
    }),
    route({
      method: 'get',
      path: '/tab/api/requests/:id',
      authenticate,
      rateLimit,
      params: requestParams,
      handle: ({ caller, params }) => requestTimeline(deps, caller, params.id),
      present: json(),
    }),
    // The same use cases as the card buttons; the version is the one the viewer saw (compare-and-set).
    route({
      method: 'post',
      path: '/tab/api/requests/:id/actions',
      authenticate,
      rateLimit,
      params: requestParams,
      body: { schema: actionBody, maxBytes: 4096 },
      handle: ({ caller, params, body }) =>
        actOnRequestFromTab(deps, caller, params.id, { action: body.action, version: body.version, comment: body.comment?.trim() ? body.comment.trim() : null }),
      present: json(),
    }),
    // Admins download the audit events of a range (tab.js's "Export audit events"); streamed like the REST API's.
    route({
      method: 'get',
      path: '/tab/api/audit/events.csv',
      authenticate,
      rateLimit,
      query: auditRangeQuery,
      handle: async ({ caller, query }) => auditDownload(await auditExportForViewer(deps, caller, query), 'csv'),
      present: csvStream(deps.logger),
    }),
    route({
      method: 'get',
      path: '/tab/api/audit/events.jsonl',
      authenticate,
      rateLimit,
      query: auditRangeQuery,
      handle: async ({ caller, query }) => auditDownload(await auditExportForViewer(deps, caller, query), 'jsonl'),
      present: jsonLinesStream(deps.logger),
    }),
    // The configuration page offers the queues of the caller's tenant; their names are not given to anonymous callers.
    route({
      method: 'get',
      path: '/tab/api/queues',
      authenticate,
      rateLimit,
      handle: ({ caller }) => queuesForPerson(deps, caller),
      present: json(),
    }),
  ]);
}

function bearerToken(call: RouteCall): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(call.req.headers.authorization ?? '');
  if (!match) throw new DoormanError('AUTH.NOT_PERMITTED', 'no bearer token');
  return match[1];
}

/**
 * The tab's HTML shell in `language` (the browser's, until tab.js learns the viewer's Teams language); tab.js does
 * the rest with the catalogue embedded here. Without SSO the page says so and needs no script to say it.
 */
export function renderTabPage(input: {
  page: 'requests' | 'config';
  ssoConfigured: boolean;
  queueId: string | null;
  botId?: string | null;
  language?: Language;
}): string {
  const language = input.language ?? 'en';
  const text = tabMessages(language);
  const boot = {
    page: input.page,
    ssoConfigured: input.ssoConfigured,
    queue: input.queueId,
    setupDoc: TAB_SSO_SETUP_DOC,
    botId: input.botId ?? null,
    language,
    messages: text,
  };
  const title = input.page === 'config' ? text['page.configTitle'] : text['page.title'];
  const heading = input.page === 'config' ? text['page.configHeading'] : text['page.heading'];
  const body = input.ssoConfigured
    ? `<p id="notice" class="notice" role="status" aria-live="polite">${escapeHtml(text['page.loading'])}</p>
<div id="content"></div>`
    : `<div id="notice" class="notice notice-problem" role="alert">
<h2>${escapeHtml(text['sso.notSetUpTitle'])}</h2>
<p>${escapeHtml(text['sso.notSetUpText'])}</p>
<p>${escapeHtml(text['sso.failedText'])}</p>
<p>${escapeHtml(text['sso.adminsSet'].replace('{doc}', TAB_SSO_SETUP_DOC))}</p>
<p>${escapeHtml(text['sso.meanwhile'])}</p>
</div>`;
  return `<!DOCTYPE html>
<html lang="${language}" dir="ltr" data-theme="default">
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
