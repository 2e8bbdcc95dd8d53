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

/**
 * A stateful Bot Connector double on loopback with the v3 REST shapes (POST /v3/conversations → {id, activityId};
 * POST …/activities → {id}; PUT …/activities/{id} → {id}). It stands in for the Azure service tests cannot reach.
 */
export class BotConnectorDouble {
  readonly calls: ConnectorCall[] = [];
  /** Status codes to answer the next calls with (e.g. 429), consumed in order. */
  readonly failNext: { status: number; retryAfterSeconds?: number }[] = [];
  /** Called after a call is recorded and before it is answered: a test can crash the bot right there. */
  onAccepted: ((call: ConnectorCall) => void) | null = null;
  private server: Server | null = null;
  private counter = 0;
  url = '';

  /** Starts listening on a free loopback port. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
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
    const match = /^\/v3\/conversations(?:\/(.+?)\/activities(?:\/([^/]+))?)?$/.exec(path);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const [, conversationId, activityId] = match;
    let call: ConnectorCall;
    let answer: Record<string, unknown>;
    if (!conversationId) {
      const channel = ((body.channelData as { channel?: { id?: string } })?.channel?.id ?? 'conversation') as string;
      const newActivity = `msg-${++this.counter}`;
      const thread = `${channel};messageid=${newActivity}`;
      call = { method: 'POST', kind: 'createConversation', conversationId: thread, activityId: newActivity, body };
      answer = { id: thread, activityId: newActivity };
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
    res.writeHead(req.method === 'POST' && !conversationId ? 201 : 200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(answer));
  }
}
