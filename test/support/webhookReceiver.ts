import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A webhook receiver on loopback for the outbox tests: it records each body, can be down (503) or hang (accept,
 * never answer) and come back, tells a hook of each arrival, and lets a test wait until n bodies have arrived.
 */
export class WebhookReceiver {
  readonly bodies: string[] = [];
  mode: 'up' | 'down' | 'hanging' = 'up';
  /** Called once a webhook is recorded, before it is answered: a crash test can kill Doorman right there. */
  onReceived: ((body: string) => void) | null = null;
  url = '';
  private readonly held = new Set<ServerResponse>();
  private waiters: { count: number; resolve: () => void }[] = [];
  private server: Server | null = null;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (this.mode === 'hanging') {
          this.held.add(res);
          return;
        }
        if (this.mode === 'down') {
          res.writeHead(503);
          res.end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        this.bodies.push(body);
        this.onReceived?.(body);
        res.writeHead(204);
        res.end();
        this.waiters = this.waiters.filter((waiter) => (this.bodies.length >= waiter.count ? (waiter.resolve(), false) : true));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Resolves once `count` webhooks have arrived. */
  received(count: number): Promise<void> {
    if (this.bodies.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    (this.server as { closeAllConnections?: () => void } | null)?.closeAllConnections?.();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
