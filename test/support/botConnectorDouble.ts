import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** One call the bot made to the Bot Connector. */
export interface ConnectorCall {
  method: 'POST' | 'PUT';
  kind: 'createConversation' | 'send' | 'reply' | 'update';
  conversationId: string;
  activityId: string | null;
  body: Record<string, unknown>;
}

/** Teams' per-thread limits for bots (7 in 1 s, 8 in 2 s, 60 in 30 s, 1,800 in an hour), as the real service enforces them. */
// Written out here, not imported from src: the double states what Teams does, independently of what Doorman believes.
const TEAMS_LIMITS = [
  { windowMs: 1000, max: 7 },
  { windowMs: 2000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 3_600_000, max: 1800 },
];

/**
 * A stateful Bot Connector double on loopback with the v3 REST shapes (POST /v3/conversations → {id, activityId};
 * POST …/activities → {id}; PUT …/activities/{id} → {id}). It stands in for the Azure service tests cannot reach.
 * It can enforce Teams' per-thread limits on a test's clock (429 with Retry-After), hang (accept and never answer),
 * or be unreachable (connections reset), for one conversation or for all.
 */
export class BotConnectorDouble {
  readonly calls: ConnectorCall[] = [];
  /** Status codes to answer the next calls with (e.g. 429), consumed in order. */
  readonly failNext: { status: number; retryAfterSeconds?: number }[] = [];
  /** Called after a call is recorded and before it is answered: a test can crash the bot right there. */
  onAccepted: ((call: ConnectorCall) => void) | null = null;
  /** When set, Teams' per-thread limits are enforced on this clock: over the limit is a 429 with Retry-After. */
  threadLimitsOn: { now(): Date } | null = null;
  /**
   * Who (by object id) has Doorman in their personal scope, when the test says: opening a one-to-one conversation
   * with anyone else answers 403, as Teams does for a bot the user has not installed. Null: everyone has it.
   */
  personalScope: ((aadObjectId: string) => boolean) | null = null;
  /** The team's roster, as `GET /v3/conversations/{id}/members` answers it (Teams names the object id `objectId`). */
  roster: { id: string; objectId: string; name: string }[] = [];
  /** Calls answered 429 because of the per-thread limits. */
  throttled = 0;
  /** How long each accepted call waits before it is answered (the bench's stand-in for the service's latency). */
  answerDelayMs = 0;
  /** Conversations (or '*' for all) whose calls are accepted and never answered, until `recover()`. */
  readonly hanging = new Set<string>();
  /** Conversations (or '*' for all) whose connections are reset, until `recover()`. */
  readonly unreachable = new Set<string>();
  /** Calls being held by `hanging`. */
  private readonly held = new Set<ServerResponse>();
  private readonly sentAt = new Map<string, number[]>();
  private server: Server | null = null;
  private counter = 0;
  url = '';

  /** How many calls are being held open right now. */
  get heldCalls(): number {
    return this.held.size;
  }

  /** Answers every held call with 503 and stops hanging and resetting. */
  recover(): void {
    this.hanging.clear();
    this.unreachable.clear();
    for (const res of this.held) if (!res.writableEnded && !res.destroyed) {
        res.writeHead(503);
        res.end();
      }
    this.held.clear();
  }

  /** Starts listening on a free loopback port. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    (this.server as { closeAllConnections?: () => void } | null)?.closeAllConnections?.();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Calls of one kind, optionally in one conversation. */
  callsOf(kind: ConnectorCall['kind'], conversationId?: string): ConnectorCall[] {
    return this.calls.filter((call) => call.kind === kind && (conversationId === undefined || call.conversationId === conversationId));
  }

  /** New messages (sent or replied) in a conversation: a proactive send may carry a replyToId. */
  postsIn(conversationId: string): ConnectorCall[] {
    return this.calls.filter((call) => (call.kind === 'send' || call.kind === 'reply') && call.conversationId === conversationId);
  }

  /** The card a message or update carried. */
  static cardOf(call: ConnectorCall): Record<string, unknown> {
    const activity = (call.kind === 'createConversation' ? call.body.activity : call.body) as { attachments?: { content: Record<string, unknown> }[] };
    return activity.attachments?.[0]?.content ?? {};
  }

  /** Milliseconds until `thread` may take another message, counting this one when it may go now. */
  private overLimit(thread: string): number {
    if (!this.threadLimitsOn) return 0;
    const now = this.threadLimitsOn.now().getTime();
    const times = (this.sentAt.get(thread) ?? []).filter((time) => time > now - 3_600_000);
    let wait = 0;
    for (const limit of TEAMS_LIMITS) {
      const inWindow = times.filter((time) => time > now - limit.windowMs);
      if (inWindow.length >= limit.max) wait = Math.max(wait, inWindow[inWindow.length - limit.max] + limit.windowMs - now);
    }
    if (wait === 0) times.push(now);
    this.sentAt.set(thread, times);
    return wait;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const failure = this.failNext.shift();
    if (failure) {
      res.writeHead(failure.status, {
        'Content-Type': 'application/json',
        ...(failure.retryAfterSeconds !== undefined ? { 'Retry-After': String(failure.retryAfterSeconds) } : {}),
      });
      res.end(JSON.stringify({ error: { code: 'Throttled', message: 'double says no' } }));
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://double').pathname);
    if (req.method === 'GET' && /^\/v3\/conversations\/[^/]+\/members$/.test(path)) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(this.roster));
      return;
    }
    const match = /^\/v3\/conversations(?:\/(.+?)\/activities(?:\/([^/]+))?)?$/.exec(path);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const [, conversationId, activityId] = match;
    const thread = conversationId ?? ((body.channelData as { channel?: { id?: string } })?.channel?.id ?? 'conversation');
    if (this.unreachable.has('*') || this.unreachable.has(thread)) {
      req.socket.destroy();
      return;
    }
    if (this.hanging.has('*') || this.hanging.has(thread)) {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    const waitMs = this.overLimit(thread);
    if (waitMs > 0) {
      this.throttled += 1;
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(Math.ceil(waitMs / 1000)) });
      res.end(JSON.stringify({ error: { code: 'Throttled', message: 'thread limit' } }));
      return;
    }
    let call: ConnectorCall;
    let answer: Record<string, unknown>;
    const member = (body.members as { id?: string }[] | undefined)?.[0]?.id;
    if (!conversationId && body.isGroup === false && member) {
      // A one-to-one conversation: Teams answers with the chat's id, the same every time, and posts nothing.
      const objectId = this.roster.find((known) => known.id === member)?.objectId ?? member;
      if (this.personalScope && !this.personalScope(objectId)) {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } }));
        return;
      }
      const chat = `a:personal-${member}`;
      call = { method: 'POST', kind: 'createConversation', conversationId: chat, activityId: null, body };
      answer = { id: chat };
    } else if (!conversationId) {
      const newActivity = `msg-${++this.counter}`;
      const newThread = `${thread};messageid=${newActivity}`;
      call = { method: 'POST', kind: 'createConversation', conversationId: newThread, activityId: newActivity, body };
      answer = { id: newThread, activityId: newActivity };
    } else if (req.method === 'PUT') {
      call = { method: 'PUT', kind: 'update', conversationId, activityId: activityId ?? null, body };
      answer = { id: activityId };
    } else {
      const id = `msg-${++this.counter}`;
      call = { method: 'POST', kind: activityId ? 'reply' : 'send', conversationId, activityId: id, body };
      answer = { id };
    }
    this.calls.push(call);
    this.onAccepted?.(call);
    if (this.answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.answerDelayMs));
    res.writeHead(req.method === 'POST' && !conversationId ? 201 : 200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(answer));
  }
}
