import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Route } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { PLAYGROUND_TENANT_PATH, PlaygroundTenant, PlaygroundUser, tenantActingAs } from '../../../scripts/localPersonas';

const PLAYGROUND_CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');
const CHROMIUM_PATH = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google on this closed network.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const MESSAGE_BOX = '[data-lexical-editor="true"][role="textbox"]';
const DEFAULT_TIMEOUT_MS = 15_000;
const SEND_MESSAGE_PATH = /^\/_conversation\/v1\/conversations\/[^/]+\/messages$/;

/** Path of the committed Playground tenant (users, team, channels). */
export const PLAYGROUND_CONFIG_PATH = PLAYGROUND_TENANT_PATH;

/** One user of the Playground's mock tenant; the shape lives with the local personas (scripts/localPersonas.ts). */
export type { PlaygroundUser };

/** The Playground's mock tenant as written in `.m365agentsplayground.yml` (schema 0.1.1). */
export type PlaygroundConfig = PlaygroundTenant;

/** Reads and sanity-checks the Playground tenant file. */
export async function loadPlaygroundConfig(path: string = PLAYGROUND_CONFIG_PATH): Promise<PlaygroundConfig> {
  const config = parseYaml(await readFile(path, 'utf8')) as PlaygroundConfig;
  const missing = ['version', 'tenantId', 'bot', 'currentUser', 'users', 'personalChat', 'groupChat', 'team'].filter(
    (key) => !(key in config),
  );
  if (missing.length > 0) throw new Error(`${path} lacks ${missing.join(', ')}`);
  // The Playground's own schema insists on exactly five users besides currentUser.
  if (config.users.length !== 5) throw new Error(`${path} must list exactly 5 users besides currentUser`);
  return config;
}

/** Every user of the tenant, the acting one (`currentUser`) first. */
export function allUsers(config: PlaygroundConfig): PlaygroundUser[] {
  return [config.currentUser, ...config.users];
}

/** Finds a tenant user by display name, AAD object id or channel account id. */
export function findUser(config: PlaygroundConfig, who: string): PlaygroundUser {
  const user = allUsers(config).find((u) => u.name === who || u.aadObjectId === who || u.id === who);
  if (!user) throw new Error(`No Playground user "${who}"; known: ${allUsers(config).map((u) => u.name).join(', ')}`);
  return user;
}

/** The same tenant with `who` as the acting user: the Playground UI only ever types as `currentUser`. */
export function withActingUser(config: PlaygroundConfig, who: string): PlaygroundConfig {
  // The very mechanism `npm start -- --as <persona>` uses.
  return tenantActingAs(config, findUser(config, who).id);
}

/** Conversation id of a team channel by display name; "General" is the team id itself. */
export function channelConversationId(config: PlaygroundConfig, channelName: string): string {
  if (channelName === 'General') return config.team.id;
  const channel = config.team.channels.find((c) => c.name === channelName);
  if (!channel) throw new Error(`No channel "${channelName}" in team ${config.team.name}`);
  return channel.id;
}

/** How to start the Playground. */
export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botUrl: string;
  /** Port to listen on; a free one by default. The Playground silently takes a random port if it is taken. */
  port?: number;
  /** Tenant to load; the committed `.m365agentsplayground.yml` by default. */
  config?: PlaygroundConfig;
  /** Display name or object id of the user the UI acts as (restarting is the only way to switch). */
  actingUser?: string;
  /** How long to wait for "Listening on"; 30 s by default. */
  startTimeoutMs?: number;
  /**
   * The `locale` the Playground puts on every activity, e.g. `de-DE`. It has no setting for it: it sends the locale
   * of its own Node process (`Intl.DateTimeFormat().resolvedOptions()`), which follows LANG / LC_ALL.
   */
  locale?: string;
}

/** A running Playground process. */
export interface PlaygroundHandle {
  /** Base URL of the web UI, e.g. http://localhost:56150. */
  readonly url: string;
  readonly port: number;
  /** The Bot Connector URL the Playground puts in `serviceUrl`; proactive sends go there. */
  readonly serviceUrl: string;
  /** The tenant it runs with (after `actingUser` was applied). */
  readonly config: PlaygroundConfig;
  /** Milliseconds from spawn to "Listening on". */
  readonly startedInMs: number;
  /** The locale it was started with, if any; its web UI is opened in a browser of that locale too. */
  readonly locale?: string;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Asks the OS for a free TCP port on loopback. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts the Microsoft 365 Agents Playground against a bot, without a browser, and waits until it listens. */
export async function startPlayground(options: PlaygroundOptions): Promise<PlaygroundHandle> {
  const base = options.config ?? (await loadPlaygroundConfig());
  const config = options.actingUser ? withActingUser(base, options.actingUser) : base;
  const workDir = await mkdtemp(join(tmpdir(), 'doorman-playground-'));
  const configPath = join(workDir, '.m365agentsplayground.yml');
  // JSON is YAML, so no YAML writer is needed.
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const requestedPort = options.port ?? (await findFreePort());
  const startedAt = Date.now();
  const child = spawn(
    process.execPath,
    [PLAYGROUND_CLI, '-e', options.botUrl, '-c', 'msteams', '-p', String(requestedPort), '--disable-telemetry'],
    {
      // cwd matters: the Playground writes ./devTools/ there and would pick up a stray config file.
      cwd: workDir,
      env: {
        ...process.env,
        // Without a terminal the Playground dies on `spawn xdg-open ENOENT` unless told not to open a browser.
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: join(workDir, 'playground.log'),
        ...(options.locale ? { LANG: `${options.locale.replace('-', '_')}.UTF-8`, LC_ALL: `${options.locale.replace('-', '_')}.UTF-8` } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const stop = async (): Promise<void> => {
    await stopChild(child);
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    const port = await waitForListening(child, () => output, options.startTimeoutMs ?? 30_000);
    const url = `http://localhost:${port}`;
    return {
      url,
      port,
      serviceUrl: `${url}/_connector`,
      config,
      startedInMs: Date.now() - startedAt,
      ...(options.locale ? { locale: options.locale } : {}),
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForListening(child: ChildProcess, output: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`Playground did not listen within ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    const onData = (): void => {
      const match = /Listening on (\d+)/.exec(output());
      if (match) finish(undefined, Number(match[1]));
    };
    const onExit = (code: number | null, signal: string | null): void =>
      finish(new Error(`Playground exited (code ${code}, signal ${signal}) before listening:\n${output()}`));
    function finish(error?: Error, port?: number): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolvePort(port as number);
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    onData();
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Launches Debian's headless Chromium; each launch gets a fresh temporary profile, deleted on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run "node scripts/ensureChromium.js" (as root it installs it)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Where to go in the Playground's left rail. */
export type ConversationTarget = 'personal' | 'group' | { channel: string };

/** Part of a composed message: plain text, or an @mention picked from the typeahead (e.g. the bot's name). */
export type MessagePart = string | { mention: string };

/** What the Playground answered when a message was sent. */
export interface SentMessage {
  /** Message id; for a new channel post it is also the thread's root id. */
  messageId: string;
  /** Conversation the bot sees; for a new channel post `<channel id>;messageid=<messageId>`. */
  conversationId: string;
}

/** What happened when a card button was clicked. */
export interface CardActionResult {
  /** `execute` sends an `adaptiveCard/action` invoke, `submit` a message with `value`; others stay in the browser. */
  kind: 'execute' | 'submit' | 'other';
  /**
   * HTTP status the Playground gave the browser: 200 when the bot answered 200; 502 when the bot answered an error
   * (its answer is in `body.innerHttpError`); 400 when the Playground itself refused (e.g. `actAs` a non-member).
   */
  status: number;
  /** For execute: the bot's invoke response body as relayed, e.g. `{ type, value }`; for submit: nothing. */
  body: unknown;
}

/** Opens the Playground UI in a new browser context, waits until it reached the bot, and hides the log panel. */
export async function openPlayground(browser: Browser, playground: PlaygroundHandle): Promise<PlaygroundPage> {
  // The web UI puts the browser's locale on the activities it sends, the server its process's on the rest.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...(playground.locale ? { locale: playground.locale } : {}) });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
    await page.goto(playground.url);
    await page.locator(MESSAGE_BOX).first().waitFor();
    // The log panel says whether the Playground could reach the bot (it waits up to 15 s for it).
    const connected = page.getByText('Connected.', { exact: true });
    const unreachable = page.getByText('Cannot connect to your app', { exact: false });
    await connected.or(unreachable).first().waitFor({ timeout: 20_000 });
    if (await unreachable.count()) throw new Error(`The Playground cannot reach the bot:\n${playground.output()}`);
    // Hidden, the log panel leaves the DOM, so message texts are not found twice.
    await page.locator('button[title="Hide log panel"]').click();
    return new PlaygroundPage(context, page, playground);
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** The Playground web UI driven through Playwright. */
export class PlaygroundPage {
  private actingAs: string | null = null;
  private routeInstalled = false;
  private cardCount = 0;

  /** Use `openPlayground`. */
  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly playground: PlaygroundHandle,
  ) {}

  /** Selects the personal chat, the group chat, or a team channel by name in the left rail. */
  async openConversation(target: ConversationTarget): Promise<void> {
    const { config } = this.playground;
    const label =
      target === 'personal'
        ? 'Personal Chat'
        : target === 'group'
          ? config.groupChat.name
          : `${config.team.name} - ${target.channel}`;
    await this.page.locator(`button[role="treeitem"][aria-label="${label}"]`).click();
  }

  /** Sends a message in the open personal or group chat (Enter) and returns the ids the Playground gave it. */
  async sendMessage(message: string | MessagePart[]): Promise<SentMessage> {
    const box = this.page.locator(MESSAGE_BOX).last();
    await this.compose(box, message);
    return this.captureSend(() => box.press('Enter'));
  }

  /** Starts a new post (a thread) in the open channel with the Post button; `conversationId` is the thread. */
  async postInChannel(message: string | MessagePart[]): Promise<SentMessage> {
    const postButton = this.page.getByRole('button', { name: 'Post', exact: true });
    const composer = this.page.locator('div[role="group"]').filter({ has: postButton });
    await this.compose(composer.locator(MESSAGE_BOX), message);
    return this.captureSend(() => postButton.click());
  }

  /** Replies in the channel thread that contains `threadText`. */
  async replyInThread(threadText: string, message: string | MessagePart[]): Promise<SentMessage> {
    const thread = this.thread(threadText);
    await this.compose(thread.locator(MESSAGE_BOX), message);
    return this.captureSend(() => thread.locator('button[aria-label="Send Message"]').click());
  }

  /** The channel thread (root post, replies and reply box) that contains `text`. */
  thread(text: string): Locator {
    return this.page
      .locator('div[role="group"]')
      .filter({ has: this.page.locator(MESSAGE_BOX) })
      .filter({ hasNot: this.page.getByRole('button', { name: 'Post', exact: true }) })
      .filter({ hasText: text });
  }

  /** Waits for a plain-text message (not a card) containing `text` and returns its locator. */
  async waitForMessage(text: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Locator> {
    // Bot and user messages render as <p> (markdown); cards' TextBlocks do too, so cards are excluded.
    const message = this.page.locator('p:not(.ac-adaptiveCard *):not([contenteditable] *)').filter({ hasText: text });
    await message.last().waitFor({ timeout: timeoutMs });
    return message.last();
  }

  /** Waits for exactly one Adaptive Card containing `text`; the handle follows that card through in-place updates. */
  async waitForCard(text: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<PlaygroundCard> {
    // Only top-level cards: a ShowCard's inner card is an `.ac-adaptiveCard` too.
    const cards = this.page.locator('.ac-preview-panel > .ac-adaptiveCard').filter({ hasText: text });
    await cards.first().waitFor({ timeout: timeoutMs });
    const count = await cards.count();
    if (count !== 1) throw new Error(`${count} cards contain ${String(text)}; make the text unique`);
    const tag = await cards.evaluate(tagCardPanel, String(++this.cardCount));
    return new PlaygroundCard(this.page, this.page.locator(`[data-e2e-card="${tag}"]`));
  }

  /**
   * From now on card actions (Action.Execute and Action.Submit) reach the bot as `who` (name or object id);
   * `null` goes back to the acting user. Typed messages always come from the acting user (`currentUser`).
   */
  async actAs(who: string | null): Promise<void> {
    this.actingAs = who === null ? null : findUser(this.playground.config, who).id;
    if (this.routeInstalled) return;
    this.routeInstalled = true;
    // The UI posts card actions with `from.id`; the Playground then fills in that member's name and aadObjectId.
    await this.page.route(
      (url) => url.pathname === '/_conversation/v1/invoke' || url.pathname === '/_conversation/v1/submit',
      (route) => this.rewriteFrom(route),
    );
  }

  /** Saves a screenshot of the whole page (directories are created). */
  async screenshot(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await this.page.screenshot({ path });
  }

  /** Closes the browser context of this page. */
  async close(): Promise<void> {
    await this.context.close();
  }

  private async rewriteFrom(route: Route): Promise<void> {
    const body = route.request().postData();
    if (this.actingAs === null || !body) return route.continue();
    const payload = JSON.parse(body) as { from?: { id: string } };
    payload.from = { id: this.actingAs };
    return route.continue({ postData: JSON.stringify(payload) });
  }

  private async compose(box: Locator, message: string | MessagePart[]): Promise<void> {
    await box.click();
    for (const part of typeof message === 'string' ? [message] : message) {
      if (typeof part === 'string') {
        await box.pressSequentially(part);
        continue;
      }
      // The typeahead opens on "@" and filters by what follows; the first word is enough to narrow it.
      await box.pressSequentially(`@${part.mention.split(' ')[0]}`);
      await this.page
        .locator('#typeahead-menu [role="menuitem"]')
        .filter({ has: this.page.getByText(part.mention, { exact: true }) })
        .first()
        .click();
    }
  }

  private async captureSend(send: () => Promise<void>): Promise<SentMessage> {
    const [response] = await Promise.all([
      this.page.waitForResponse(
        (r) => r.request().method() === 'POST' && SEND_MESSAGE_PATH.test(new URL(r.url()).pathname),
      ),
      send(),
    ]);
    if (!response.ok()) {
      throw new Error(`The Playground refused the message: ${response.status()} ${await response.text()}`);
    }
    const body = (await response.json()) as { messageId: string; postConversationId?: string };
    const conversationId = decodeURIComponent(new URL(response.url()).pathname.split('/')[4] ?? '');
    return { messageId: body.messageId, conversationId: body.postConversationId ?? conversationId };
  }
}

/** One Adaptive Card in the Playground UI, followed through in-place updates. */
export class PlaygroundCard {
  /** Use `PlaygroundPage.waitForCard`. */
  constructor(
    private readonly page: Page,
    /** The card's panel; the Playground keeps this element when it replaces the card's content. */
    readonly root: Locator,
  ) {}

  /** The card's visible text right now. */
  async text(): Promise<string> {
    return this.root.innerText();
  }

  /** Waits until the card (updated in place) contains `text`. */
  async waitForText(text: string | RegExp, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    await this.root.filter({ hasText: text }).waitFor({ timeout: timeoutMs });
  }

  /** Fills an Input.Text, Input.Number, Input.Date (YYYY-MM-DD) or Input.Time (HH:mm) by card input id or label. */
  async fill(idOrLabel: string, value: string): Promise<void> {
    const { control, type } = await this.input(idOrLabel);
    await control.fill(value);
    // Date and time pickers keep a popup open that would swallow the next click.
    if (type === 'Input.Date') await control.press('Escape');
    if (type === 'Input.Time') await control.press('Enter');
  }

  /**
   * Picks choices of an Input.ChoiceSet by their titles (compact drop-down, radio buttons or check boxes). A filtered
   * one (a text box, `style: filtered`, also with `choices.data`) lists nothing until typed into: the title is typed.
   */
  async choose(idOrLabel: string, ...titles: string[]): Promise<void> {
    const { control } = await this.input(idOrLabel);
    if ((await control.first().getAttribute('role')) === 'combobox') {
      const typed = (await control.first().evaluate((node) => (node as unknown as { tagName: string }).tagName)) === 'INPUT';
      for (const title of titles) {
        if (typed) {
          // Typing opens the list of matches (Fluent's Combobox); the option is clicked where the list pops up.
          await control.fill(title);
          const option = this.page.locator('[role="option"]').filter({ hasText: title }).first();
          await option.waitFor({ state: 'attached' });
          await option.dispatchEvent('click');
          continue;
        }
        await control.click();
        await this.page.getByRole('option', { name: title, exact: true }).click();
      }
      return;
    }
    for (const title of titles) {
      await control.and(this.page.getByLabel(title, { exact: true })).check();
    }
  }

  /** Sets an Input.Toggle on or off. */
  async toggle(idOrLabel: string, on: boolean): Promise<void> {
    const { control } = await this.input(idOrLabel);
    await control.setChecked(on);
  }

  /** Current value of an input as the browser holds it. */
  async value(idOrLabel: string): Promise<string> {
    const { control } = await this.input(idOrLabel);
    return control.first().inputValue();
  }

  /**
   * Clicks an action by its title and, for Action.Execute / Action.Submit, waits until the Playground has handed it
   * to the bot and answered the browser.
   */
  async click(title: string): Promise<CardActionResult> {
    const actions = await this.root.evaluate(tagCardControls);
    const action = actions.find((a) => a.title === title);
    if (!action) throw new Error(`No action "${title}" on this card; it has ${actions.map((a) => a.title).join(', ')}`);
    const button = this.root.locator(`[data-e2e-action="${action.tag}"]`);
    const kind = action.type === 'Action.Execute' ? 'execute' : action.type === 'Action.Submit' ? 'submit' : 'other';
    if (kind === 'other') {
      await button.click();
      return { kind, status: 0, body: undefined };
    }
    const path = kind === 'execute' ? '/_conversation/v1/invoke' : '/_conversation/v1/submit';
    const answered = this.page.waitForResponse(
      (r) => new URL(r.url()).pathname === path && r.request().method() === 'POST',
    );
    answered.catch(() => undefined); // Abandoned when the card refuses to send; awaited below otherwise.
    await button.click();
    // The renderer checks isRequired/regex/min/max itself and then sends nothing: watch for that too.
    let settled = false;
    const refused = (async (): Promise<string[]> => {
      while (!settled) {
        const invalid = await this.root.evaluate(invalidInputIds);
        if (invalid.length > 0) return invalid;
        await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
      }
      return [];
    })();
    let response;
    try {
      const winner = await Promise.race([answered, refused]);
      if (Array.isArray(winner)) {
        throw new Error(`The card did not send "${title}": inputs failed validation: ${winner.join(', ')}`);
      }
      response = winner;
    } finally {
      settled = true;
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text.
    }
    return { kind, status: response.status(), body };
  }

  private async input(idOrLabel: string): Promise<{ control: Locator; type: string }> {
    await this.root.evaluate(tagCardControls);
    const byId = this.root.locator(`[data-e2e-input="${cssEscape(idOrLabel)}"]`);
    if ((await byId.count()) > 0) {
      return { control: byId, type: (await byId.first().getAttribute('data-e2e-input-type')) ?? '' };
    }
    const byLabel = this.root.getByLabel(idOrLabel, { exact: true });
    if ((await byLabel.count()) === 0) throw new Error(`No input with id or label "${idOrLabel}" on this card`);
    return { control: byLabel, type: (await byLabel.first().getAttribute('data-e2e-input-type')) ?? '' };
  }
}

function cssEscape(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

// --- Code below runs inside the browser (serialized by Playwright). Types only; no DOM lib in this project. ---

interface DomElement {
  readonly tagName: string;
  readonly parentElement: DomElement | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  closest(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

interface TaggedAction {
  tag: string;
  type: string;
  title: string;
}

/* istanbul ignore next: runs in the browser */
function tagCardPanel(card: DomElement, tag: string): string {
  // The Playground keeps `.ac-preview-panel` (and the card container) when a card is replaced in place.
  const panel = card.closest('.ac-preview-panel') ?? card;
  const existing = panel.getAttribute('data-e2e-card');
  if (existing) return existing;
  panel.setAttribute('data-e2e-card', tag);
  return tag;
}

/* istanbul ignore next: runs in the browser */
function invalidInputIds(root: DomElement): string[] {
  interface Fiber {
    memoizedProps?: { cardObject?: { id?: string; hasError?: boolean } } | null;
    return: Fiber | null;
  }
  const invalid = new Set<string>();
  const inputs = root.querySelectorAll('input, textarea');
  for (let i = 0; i < inputs.length; i++) {
    const record = inputs[i] as unknown as Record<string, unknown>;
    const key = Object.keys(record).find((k) => k.startsWith('__reactFiber$'));
    let fiber = key ? (record[key] as Fiber | null) : null;
    while (fiber && !fiber.memoizedProps?.cardObject) fiber = fiber.return;
    const input = fiber?.memoizedProps?.cardObject;
    if (input?.hasError && input.id) invalid.add(input.id);
  }
  return [...invalid];
}

/* istanbul ignore next: runs in the browser */
function tagCardControls(root: DomElement): TaggedAction[] {
  // Adaptive Cards renders inputs with generated DOM ids ("__ac-<uuid>"); the card's own ids live only on the
  // renderer's objects, which React keeps in its fiber props as `cardObject`.
  interface CardObject {
    id?: string;
    title?: string;
    getJsonTypeName?: () => string;
  }
  interface Fiber {
    memoizedProps?: { cardObject?: CardObject; action?: CardObject } | null;
    return: Fiber | null;
  }
  function cardObjectOf(element: DomElement, prefix: string): CardObject | undefined {
    const record = element as unknown as Record<string, unknown>;
    const key = Object.keys(record).find((k) => k.startsWith('__reactFiber$'));
    let fiber = key ? (record[key] as Fiber | null) : null;
    while (fiber) {
      const props = fiber.memoizedProps;
      const candidate = props?.cardObject ?? props?.action;
      const type = candidate?.getJsonTypeName?.();
      if (candidate && type?.startsWith(prefix)) return candidate;
      fiber = fiber.return;
    }
    return undefined;
  }
  const inputs = root.querySelectorAll('input, textarea');
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const object = cardObjectOf(input, 'Input.');
    if (object?.id) {
      input.setAttribute('data-e2e-input', object.id);
      input.setAttribute('data-e2e-input-type', object.getJsonTypeName?.() ?? '');
    }
  }
  const actions: TaggedAction[] = [];
  const buttons = root.querySelectorAll('button, [role="button"], [role="link"]');
  for (let i = 0; i < buttons.length; i++) {
    const button = buttons[i]!;
    const object = cardObjectOf(button, 'Action.');
    if (!object) continue;
    const tag = String(actions.length);
    button.setAttribute('data-e2e-action', tag);
    // The DOM title first: after an in-place update React may keep the button and its mount-time fiber props.
    const title = button.getAttribute('title') ?? object.title ?? '';
    actions.push({ tag, type: object.getJsonTypeName?.() ?? '', title });
  }
  return actions;
}
