import { escapeHtml } from '../../../application/i18n/escapeHtml';
import type { Language } from '../../../application/i18n/languages';
import {
  PORTAL_ERROR_KEYS,
  portalStrings,
  type PortalStringKey,
  type PortalStrings,
} from '../../../application/i18n/portalStrings';

/** Where the portal's static files are served from (`src/web/portal/`). */
export const PORTAL_ASSETS_PATH = '/portal-assets';

/** The state of a session as the customer's browser sees it: `GET /j/:code/state` and each SSE `state` event. */
export type { PortalState } from '../../../application/session/customerPortal';

/** What the portal page needs; `nonceFreeStateJson` is the PortalState JSON to show before the first fetch. */
export interface PortalPageInput {
  code: string;
  language: Language;
  strings?: PortalStrings;
  nonceFreeStateJson?: string;
}

/** What the local room page needs: who the customer is in the room. */
export interface RoomPageInput {
  code: string;
  language: Language;
  strings?: PortalStrings;
  name: string;
  tag: string;
}

/** The plain pages a link can end on without any script. */
export type PortalMessageKind = 'notFound' | 'replaced' | 'expired' | 'inUse' | 'closed' | 'rateLimited' | 'error';

/** What a message page needs. */
export interface MessagePageInput {
  language: Language;
  kind: PortalMessageKind;
  strings?: PortalStrings;
}

const MESSAGE_TEXTS: Readonly<Record<PortalMessageKind, [PortalStringKey, PortalStringKey]>> = {
  notFound: ['notFoundTitle', 'notFoundText'],
  replaced: ['replacedTitle', 'replacedText'],
  expired: ['expiredTitle', 'expiredText'],
  inUse: ['inUseTitle', 'inUseText'],
  closed: ['closedTitle', 'closedGeneric'],
  rateLimited: ['errorTitle', 'errorRateLimited'],
  error: ['errorTitle', 'errorGeneric'],
};

/** The portal path of a link code, `/j/<code>`; the code is percent-encoded so it cannot leave its segment. */
export function portalBasePath(code: string): string {
  return `/j/${encodeURIComponent(code)}`;
}

/** The message page that fits an error code met while serving `/j/:code` pages. */
export function messageKindForErrorCode(code: string): PortalMessageKind {
  switch (code) {
    case 'REQUEST.NOT_FOUND':
      return 'notFound';
    case 'LINK.REPLACED':
      return 'replaced';
    case 'LINK.EXPIRED':
    case 'REQUEST.EXPIRED':
      return 'expired';
    case 'LINK.IN_USE':
      return 'inUse';
    case 'LINK.CLOSED':
      return 'closed';
    case 'RATE.LIMITED':
      return 'rateLimited';
    default:
      return 'error';
  }
}

/**
 * JSON that is safe inside a `<script type="application/json">` element: `<`, `>` and `&` are escaped so no
 * value can close the element or open a comment, and U+2028/U+2029 so the text stays valid everywhere.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The customer portal page of `/j/:code`; portal.js renders each state from the boot JSON and the live state. */
export function renderPortalPage(input: PortalPageInput): string {
  const strings = input.strings ?? portalStrings(input.language);
  const boot = {
    page: 'portal',
    base: portalBasePath(input.code),
    language: input.language,
    strings,
    errorKeys: PORTAL_ERROR_KEYS,
    state: input.nonceFreeStateJson === undefined ? null : (JSON.parse(input.nonceFreeStateJson) as unknown),
  };
  const body = `<main id="main" class="card">
<div id="view" class="view"><p class="loading"><span class="spinner" aria-hidden="true"></span>${escapeHtml(strings.loading)}</p></div>
<noscript><p class="notice">${escapeHtml(strings.noScript)}</p></noscript>
<p id="status" class="status" role="status" aria-live="polite"></p>
<p id="error" class="error" role="alert"></p>
</main>`;
  return layout({ language: input.language, strings, title: strings.pageTitle, body, boot });
}

/** The local room page (`/j/:code/room`): stands in for a Teams meeting in local mode and says so plainly. */
export function renderRoomPage(input: RoomPageInput): string {
  const strings = input.strings ?? portalStrings(input.language);
  const boot = {
    page: 'room',
    base: portalBasePath(input.code),
    language: input.language,
    strings,
    errorKeys: PORTAL_ERROR_KEYS,
    state: null,
  };
  const body = `<main id="main" class="card">
<p class="banner banner-room" role="note">${escapeHtml(strings.localRoomLabel)}</p>
<h1 class="title">${escapeHtml(strings.roomTitle)}</h1>
<p>${escapeHtml(strings.roomExplain)}</p>
<p class="muted">${escapeHtml(strings.roomYouAre)}</p>
<p class="join-as" translate="no">${escapeHtml(input.name)} (${escapeHtml(input.tag)})</p>
<div id="leave-area" class="view"></div>
<noscript><p class="notice">${escapeHtml(strings.noScript)}</p></noscript>
<p id="status" class="status" role="status" aria-live="polite"></p>
<p id="error" class="error" role="alert"></p>
</main>`;
  return layout({ language: input.language, strings, title: strings.roomTitle, body, boot });
}

/** The local room of an assistance request (`/assist/:id/room`): stands in for a Teams meeting and says so plainly. */
export function renderAssistRoomPage(input: {
  language: Language;
  requesterName: string;
  helperName: string;
  deviceName: string;
  colleagues?: { name: string; role: string }[];
}): string {
  const strings = portalStrings(input.language);
  const body = `<main id="main" class="card">
<p class="banner banner-room" role="note">${escapeHtml(strings.localRoomLabel)}</p>
<h1 class="title">Remote assistance</h1>
<p>${escapeHtml(input.helperName)} helps ${escapeHtml(input.requesterName)} with ${escapeHtml(input.deviceName)}.</p>
<p class="muted">In production this is a Teams meeting for the two of you, where the helper asks for control as you allowed.</p>
${colleaguesList(input.colleagues ?? [])}</main>`;
  return layout({ language: input.language, strings, title: 'Remote assistance', body, boot: null });
}

/** The colleagues invited into the local room, each with the meeting role their permission profile gives. */
function colleaguesList(colleagues: readonly { name: string; role: string }[]): string {
  if (colleagues.length === 0) return '';
  const items = colleagues.map((colleague) => `<li>${escapeHtml(colleague.name)} (${escapeHtml(colleague.role)})</li>`).join('');
  return `<h2>Colleagues invited</h2>\n<ul id="colleagues">${items}</ul>\n`;
}

/** A plain page without script for links that are unknown, replaced, expired, in use, closed, or hit a limit. */
export function renderMessagePage(input: MessagePageInput): string {
  const strings = input.strings ?? portalStrings(input.language);
  const [titleKey, textKey] = MESSAGE_TEXTS[input.kind];
  const body = `<main id="main" class="card">
<h1 class="title">${escapeHtml(strings[titleKey])}</h1>
<p>${escapeHtml(strings[textKey])}</p>
</main>`;
  return layout({ language: input.language, strings, title: strings[titleKey], body, boot: null });
}

interface Layout {
  language: Language;
  strings: PortalStrings;
  title: string;
  body: string;
  boot: object | null;
}

function layout({ language, strings, title, body, boot }: Layout): string {
  const pageTitle = title === strings.pageTitle ? title : `${title} – ${strings.pageTitle}`;
  // The script and its data only go on pages that need them; message pages work with script disabled.
  const script = boot
    ? `\n<script src="${PORTAL_ASSETS_PATH}/portal.js" defer></script>`
    : '';
  const bootJson = boot ? `\n<script type="application/json" id="doorman-boot">${scriptSafeJson(boot)}</script>` : '';
  return `<!DOCTYPE html>
<html lang="${escapeHtml(language)}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(pageTitle)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${PORTAL_ASSETS_PATH}/portal.css">${script}
</head>
<body>
<header class="topbar"><span class="brand-mark" aria-hidden="true"></span><span class="brand">${escapeHtml(strings.pageTitle)}</span></header>
${body}${bootJson}
</body>
</html>
`;
}
