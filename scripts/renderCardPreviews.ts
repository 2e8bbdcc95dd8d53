/**
 * Renders Doorman's cards to PNG the way a Teams client draws them, for the README and for looking at layout:
 * the adaptivecards SDK's own browser bundle in headless Chromium, with a Teams-like host config.
 * Run: `npx ts-node --transpile-only scripts/renderCardPreviews.ts [outDir]` (default `docs/screenshots`).
 * Works offline: the page is built from local files and every network request is refused.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { AdaptiveCard } from '../src/adapters/teams/cards/cardTypes';
import { sessionAgentCard } from '../src/adapters/teams/session/sessionAgentCard';
import { SessionCardView } from '../src/adapters/teams/session/sessionCardParts';
import { sessionFormCard } from '../src/adapters/teams/session/sessionFormCard';
import { sessionInvitationCard } from '../src/adapters/teams/session/sessionInvitationCard';
import { sessionQueueCard } from '../src/adapters/teams/session/sessionQueueCard';
import { invitationText } from '../src/application/i18n/invitationText';
import { Person } from '../src/domain/people';
import { SessionRequest } from '../src/domain/session';

/** One card to draw and the PNG file it goes to. */
export interface CardPreview {
  file: string;
  card: AdaptiveCard;
}

const CHROMIUM = '/usr/bin/chromium';
const SDK_BUNDLE = require.resolve('adaptivecards/dist/adaptivecards.min.js');
/** About the width Teams gives a card in a chat on a laptop screen. */
const CARD_WIDTH = 480;

const FONT_STACK =
  "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif";

const colors = (normal: string, subtle: string) => ({ default: normal, subtle });
const FOREGROUND = {
  default: colors('#242424', '#616161'),
  dark: colors('#242424', '#616161'),
  light: colors('#FFFFFF', '#F5F5F5'),
  accent: colors('#5B5FC7', '#444791'),
  good: colors('#237B4B', '#2E8B57'),
  warning: colors('#835B00', '#8F6400'),
  attention: colors('#C4314B', '#A4262C'),
};

/** The host config Teams' light theme comes close to (font, sizes, accent #5b5fc7). */
export const TEAMS_HOST_CONFIG = {
  fontFamily: FONT_STACK,
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E0E0E0' },
  fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  containerStyles: {
    default: { backgroundColor: '#FFFFFF', foregroundColors: FOREGROUND },
    emphasis: { backgroundColor: '#F5F5F5', foregroundColors: FOREGROUND },
    accent: { backgroundColor: '#E8EBFA', foregroundColors: FOREGROUND },
    good: { backgroundColor: '#E7F2DA', foregroundColors: FOREGROUND },
    attention: { backgroundColor: '#FDE7E9', foregroundColors: FOREGROUND },
    warning: { backgroundColor: '#FBF6D9', foregroundColors: FOREGROUND },
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 12, style: 'emphasis' },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
  },
  adaptiveCard: { allowCustomStyle: true },
  factSet: {
    title: { weight: 'bolder', wrap: true, maxWidth: 130, color: 'default', size: 'default' },
    value: { wrap: true, color: 'default', size: 'default' },
    spacing: 12,
  },
  inputs: {
    label: {
      inputSpacing: 'small',
      requiredInputs: { weight: 'bolder', suffix: ' *', suffixColor: 'attention' },
      optionalInputs: { weight: 'bolder' },
    },
    errorMessage: { size: 'small', color: 'attention', spacing: 'small' },
  },
};

// Teams draws buttons and inputs in its Fluent style; the SDK leaves their look to the host.
const PAGE_CSS = `
  body { margin: 0; padding: 24px; background: #EBEBEB; font-family: ${FONT_STACK}; }
  .preview { width: ${CARD_WIDTH}px; background: #FFFFFF; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.15); overflow: hidden; }
  .ac-adaptiveCard { border-radius: 6px; }
  .ac-pushButton { flex: 0 1 auto !important; min-height: 32px; padding: 4px 12px; border: 1px solid #D1D1D1; border-radius: 4px;
    background: #FFFFFF; color: #242424; font: 600 14px ${FONT_STACK}; cursor: pointer; white-space: nowrap; }
  .ac-pushButton.style-positive { background: #5B5FC7; border-color: #5B5FC7; color: #FFFFFF; }
  .ac-pushButton.style-destructive { color: #C4314B; border-color: #C4314B; }
  .ac-pushButton.expanded { background: #E8EBFA; }
  .ac-input { font: 14px ${FONT_STACK}; color: #242424; }
  .ac-input input, .ac-input select, .ac-input textarea, input.ac-input, select.ac-input, textarea.ac-input {
    box-sizing: border-box; width: 100%; min-height: 32px; padding: 5px 10px; border: 1px solid #D1D1D1; border-bottom-color: #616161;
    border-radius: 4px; background: #FFFFFF; font: 14px ${FONT_STACK}; color: #242424; }
  textarea.ac-input, .ac-input textarea { height: 132px; resize: none; line-height: 20px; }
  .ac-toggleInput input { flex: 0 0 auto; width: 16px !important; height: 16px; min-height: 0; margin: 0 8px 0 0; accent-color: #5B5FC7; }
`;

// The preview's stand-in for Teams' markdown: backslash escapes and **bold**, everything else literal. Enough to
// show escaped names exactly as Teams shows them (without it the SDK would print the backslashes).
const MARKDOWN_SCRIPT = `
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
    var literals = [];
    var marked = text.replace(/\\\\([!-\\/:-@\\[-\`{-~])/g, function (_, c) { literals.push(c); return '\\uE000' + (literals.length - 1) + '\\uE001'; });
    var html = function (s) { return s.replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); };
    var out = html(marked)
      .replace(/\\*\\*(.+?)\\*\\*/g, '<strong>$1</strong>')
      .replace(/\\uE000(\\d+)\\uE001/g, function (_, i) { return html(literals[Number(i)]); })
      .replace(/\\n/g, '<br>');
    result.outputHtml = out;
    result.didProcess = true;
  };
`;

/** Draws each card in headless Chromium and writes it as a PNG into `outDir`. */
export async function renderCardPreviews(previews: readonly CardPreview[], outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'doorman-previews-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: { width: CARD_WIDTH + 48, height: 800 },
    deviceScaleFactor: 2,
    locale: 'en-GB',
  });
  const written: string[] = [];
  try {
    await context.route('**/*', (route) => route.abort());
    const page = context.pages()[0] ?? (await context.newPage());
    await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8"><style>${PAGE_CSS}</style></head><body></body></html>`);
    await page.addScriptTag({ path: SDK_BUNDLE });
    await page.addScriptTag({ content: MARKDOWN_SCRIPT });
    for (const preview of previews) {
      const problems = await page.evaluate(renderInPage, { card: preview.card, hostConfig: TEAMS_HOST_CONFIG });
      if (problems.length > 0) throw new Error(`${preview.file}: ${problems.join('; ')}`);
      const path = join(outDir, preview.file);
      await page.locator('#preview').screenshot({ path });
      written.push(path);
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return written;
}

/** The page's globals this script touches; the project compiles without the DOM library. */
interface PreviewPage {
  AdaptiveCards: {
    AdaptiveCard: new () => { hostConfig: unknown; parse(json: unknown, context: unknown): void; render(): unknown };
    HostConfig: new (json: unknown) => unknown;
    SerializationContext: new () => { eventCount: number; getEventAt(index: number): { message: string } };
  };
  document: {
    body: { innerHTML: string };
    getElementById(id: string): { appendChild(child: unknown): void } | null;
  };
}

/** Runs inside Chromium: parses the card with the SDK, renders it into #preview, returns the SDK's complaints. */
function renderInPage({ card, hostConfig }: { card: AdaptiveCard; hostConfig: unknown }): string[] {
  const { AdaptiveCards: sdk, document } = globalThis as unknown as PreviewPage;
  document.body.innerHTML = '<div class="preview" id="preview"></div>';
  const adaptiveCard = new sdk.AdaptiveCard();
  adaptiveCard.hostConfig = new sdk.HostConfig(hostConfig);
  const parseContext = new sdk.SerializationContext();
  adaptiveCard.parse(card, parseContext);
  const messages: string[] = [];
  for (let i = 0; i < parseContext.eventCount; i += 1) messages.push(parseContext.getEventAt(i).message);
  const element = adaptiveCard.render();
  const preview = document.getElementById('preview');
  if (!element || !preview) return ['the SDK rendered nothing'];
  preview.appendChild(element);
  return messages;
}

const NOW = new Date('2030-03-04T10:00:00.000Z');
const TIME_ZONE = 'Europe/Berlin';
const ALEX: Person = { aadObjectId: 'aad-alex', name: 'Alex Agent' };
const LINK = 'https://doorman.contoso.com/j/q7Lk2xVb9RmT4pZc8nWaYe3H';
const JOIN_URL = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_example%40thread.v2/0';

function sampleRequest(overrides: Partial<SessionRequest>): SessionRequest {
  const createdAt = new Date(NOW.getTime() - 20 * 60_000);
  return {
    kind: 'session',
    id: 'f3b1c2d4',
    version: 4,
    generation: 1,
    state: 'open',
    createdBy: ALEX,
    assignee: ALEX,
    queueId: 'tier-1',
    recipient: { name: 'Chris Customer', email: 'chris@fabrikam.example' },
    customerName: null,
    comments: 'Printer driver fails after the Windows update. Call back before 5 pm.',
    scheduledFor: null,
    expiresAt: new Date(NOW.getTime() + 3 * 3600_000),
    language: 'en',
    sendEmail: true,
    tag: '4821',
    linkHash: 'hash',
    bindingHash: null,
    closedReason: null,
    meeting: null,
    lobbyOpenUntil: null,
    createdAt,
    updatedAt: NOW,
    ...overrides,
  };
}

function view(request: SessionRequest): SessionCardView {
  return { request, queueName: 'Tier 1', now: NOW, timeZone: TIME_ZONE, notice: null };
}

/** The cards the README shows, in realistic states. */
export function samplePreviews(): CardPreview[] {
  const open = sampleRequest({});
  const arrived = { customerName: 'Chris Meyer', bindingHash: 'binding' };
  const teamsMeeting = { provider: 'teams' as const, status: 'ready' as const, joinUrl: JOIN_URL, meetingId: 'm-1', problem: null };
  const invitation = invitationText('en', {
    recipientName: open.recipient.name,
    agentName: ALEX.name,
    link: LINK,
    expiresAt: open.expiresAt,
    scheduledFor: null,
    timeZone: TIME_ZONE,
  });
  return [
    {
      file: 'card-form.png',
      card: sessionFormCard({
        chosenAgent: null,
        queues: [{ id: 'tier-1', name: 'Tier 1' }],
        defaultQueue: { name: 'Tier 1', reason: 'only' },
        values: {},
        problems: [],
        timeZone: TIME_ZONE,
        defaultHours: 24,
      }),
    },
    {
      file: 'card-invitation.png',
      card: sessionInvitationCard({ request: open, link: LINK, inviteText: invitation.text, now: NOW, timeZone: TIME_ZONE }),
    },
    { file: 'card-agent-ready.png', card: sessionAgentCard(view(sampleRequest({ state: 'ready', ...arrived, meeting: teamsMeeting }))) },
    { file: 'card-queue-waiting.png', card: sessionQueueCard(view(sampleRequest({ state: 'waiting', ...arrived, assignee: null }))) },
    { file: 'card-connected.png', card: sessionAgentCard(view(sampleRequest({ state: 'connected', ...arrived, meeting: teamsMeeting }))) },
  ];
}

if (require.main === module) {
  const outDir = resolve(process.argv[2] ?? join(__dirname, '..', 'docs', 'screenshots'));
  renderCardPreviews(samplePreviews(), outDir).then(
    (files) => files.forEach((file) => process.stdout.write(`wrote ${file}\n`)),
    (error: unknown) => {
      process.stderr.write(`renderCardPreviews: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
