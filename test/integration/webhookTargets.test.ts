import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpWebhookSender, ResolvedAddress } from '../../src/adapters/http/httpWebhookSender';
import { PermanentError, RetryableError } from '../../src/application/ports';
import { FakeClock } from '../support/fakeClock';
import { PEOPLE, TestDoorman, startTestDoorman } from '../support/testDoorman';

const SECRET = 'a-webhook-secret-of-at-least-32-characters';

/** A loopback receiver that counts what reaches it, whatever name or address was used to reach it. */
class LoopbackReceiver {
  readonly hits: { host: string; body: string }[] = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.hits.push({ host: String(req.headers.host), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204);
      res.end();
    });
  });
  port = 0;

  async start(address = '127.0.0.1'): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, address, resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A resolver double: answers the addresses given for a name and counts the questions. */
function resolverFor(answers: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname);
    const addresses = answers[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { asked, resolve };
}

describe('the webhook sender checks every address at connection time', () => {
  let receiver: LoopbackReceiver;
  const clock = new FakeClock();

  beforeEach(async () => {
    receiver = new LoopbackReceiver();
    await receiver.start();
  });
  afterEach(() => receiver.stop());

  it('refuses a name that resolves to loopback, before any connection, as a permanent error', async () => {
    const dns = resolverFor({ 'hooks.doorman.test': ['127.0.0.1'] });
    const sender = new HttpWebhookSender(SECRET, clock, { resolve: dns.resolve });
    const sent = sender.send(`https://hooks.doorman.test:${receiver.port}/x`, '{}');
    await expect(sent).rejects.toBeInstanceOf(PermanentError);
    await expect(sent).rejects.toThrow(/loopback/);
    expect(dns.asked).toEqual(['hooks.doorman.test']);
    expect(receiver.hits).toHaveLength(0);
  });

  it('refuses when any one of the addresses is private, metadata or CGNAT (every address is judged)', async () => {
    const dns = resolverFor({
      'mixed.doorman.test': ['93.184.216.34', '10.0.0.7'],
      'mapped.doorman.test': ['2606:4700:4700::1111', '::ffff:169.254.169.254'],
      'cgnat.doorman.test': ['100.64.1.2'],
      'nat64.doorman.test': ['64:ff9b::7f00:1'],
    });
    const sender = new HttpWebhookSender(SECRET, clock, { resolve: dns.resolve });
    for (const [name, kind] of [['mixed', 'private'], ['mapped', 'metadata'], ['cgnat', 'sharedCgnat'], ['nat64', 'loopback']]) {
      await expect(sender.send(`https://${name}.doorman.test/x`, '{}')).rejects.toThrow(new RegExp(`reaches a ${kind} address`));
    }
  });

  it('refuses address literals in every spelling, and names with a trailing dot, without asking DNS about literals', async () => {
    const dns = resolverFor({ 'localhost': ['127.0.0.1', '::1'] });
    const sender = new HttpWebhookSender(SECRET, clock, { resolve: dns.resolve });
    const port = receiver.port;
    for (const url of [
      `https://[::ffff:127.0.0.1]:${port}/x`,
      `https://[::ffff:169.254.169.254]/x`,
      `https://[64:ff9b::a9fe:a9fe]/x`,
      `https://2130706433:${port}/x`,
      `https://100.64.0.1/x`,
      `https://localhost.:${port}/x`,
      `http://127.0.0.1:${port}/x`,
    ]) {
      await expect(sender.send(url, '{}')).rejects.toBeInstanceOf(PermanentError);
    }
    expect(dns.asked).toEqual(['localhost']);
    expect(receiver.hits).toHaveLength(0);
  });

  it('a name that does not resolve is retried later (DNS may be down), not failed', async () => {
    const sender = new HttpWebhookSender(SECRET, clock, { resolve: resolverFor({}).resolve });
    await expect(sender.send('https://gone.doorman.test/x', '{}')).rejects.toBeInstanceOf(RetryableError);
  });

  it('in local mode delivers to loopback, connecting only to the address that was checked (no second lookup)', async () => {
    // The resolver double answers 127.0.0.2 for localhost, where only this receiver listens; the system resolver would
    // answer 127.0.0.1 or ::1, where nothing does. So delivery proves the socket went to the checked address.
    const elsewhere = new LoopbackReceiver();
    await elsewhere.start('127.0.0.2');
    try {
      const dns = resolverFor({ localhost: ['127.0.0.2'] });
      const sender = new HttpWebhookSender(SECRET, clock, { localMode: true, resolve: dns.resolve });
      await sender.send(`http://localhost:${elsewhere.port}/x`, '{"a":1}');
      await sender.send(`http://127.0.0.1:${receiver.port}/y`, '{"b":2}');
      expect(elsewhere.hits).toEqual([{ host: `localhost:${elsewhere.port}`, body: '{"a":1}' }]);
      expect(receiver.hits).toEqual([{ host: `127.0.0.1:${receiver.port}`, body: '{"b":2}' }]);
      expect(dns.asked).toEqual(['localhost']);
    } finally {
      await elsewhere.stop();
    }
  });

  it('gives up on a receiver that accepts and never answers after the timeout, as a retryable failure', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const sender = new HttpWebhookSender(SECRET, clock, { localMode: true, timeoutMs: 200 });
      await expect(sender.send(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/x`, '{}')).rejects.toBeInstanceOf(RetryableError);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('local mode still refuses private and metadata targets, and plain http to anything but loopback', async () => {
    const dns = resolverFor({ 'lan.doorman.test': ['192.168.1.10'], 'public.doorman.test': ['93.184.216.34'] });
    const sender = new HttpWebhookSender(SECRET, clock, { localMode: true, resolve: dns.resolve });
    await expect(sender.send('https://lan.doorman.test/x', '{}')).rejects.toThrow(/private/);
    await expect(sender.send('https://169.254.169.254/x', '{}')).rejects.toThrow(/metadata/);
    await expect(sender.send('http://public.doorman.test/x', '{}')).rejects.toThrow(/https only/);
  });
});

describe('a refused webhook target through the outbox', () => {
  let t: TestDoorman;
  let receiver: LoopbackReceiver;

  beforeEach(async () => {
    receiver = new LoopbackReceiver();
    await receiver.start();
    const clock = new FakeClock();
    // Production rules (localMode false) with a name that resolves to this machine: the DNS-rebinding case.
    const webhooks = new HttpWebhookSender(SECRET, clock, { resolve: resolverFor({ 'hooks.doorman.test': ['127.0.0.1'] }).resolve });
    t = await startTestDoorman({ clock, webhooks, env: { WEBHOOK_URLS: `https://hooks.doorman.test:${receiver.port}/x`, WEBHOOK_SECRET: SECRET } });
    await t.registerApprovals();
  });
  afterEach(async () => {
    await t.stop();
    await receiver.stop();
  });

  it('fails the row on the first attempt, visibly (outbox health, error log), and delivers nothing', async () => {
    await t.message('dana', 'hi');
    const key = await t.issueApiKey({ id: 'key-1', name: 'ticketing', onBehalfOf: ['*'] });
    const created = await fetch(`${t.doorman.url}/api/v1/lockbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ onBehalfOf: PEOPLE.dana.aadObjectId, resource: 'Contoso mailbox', reason: 'Case 4711', durationMinutes: 60 }),
    });
    expect(created.status).toBe(201);
    await t.deliver();
    const health = await t.store.outboxHealth(t.clock.now());
    expect(health.failedByType).toEqual({ webhook: 1 });
    expect(health.pending).toBe(0);
    expect(receiver.hits).toHaveLength(0);
    const gaveUp = t.logs.map((line) => JSON.parse(line)).find((line) => line.msg === 'outbox gave up');
    expect(gaveUp).toMatchObject({ type: 'webhook', attempt: 1, err: expect.stringContaining('PermanentError: webhook target hooks.doorman.test refused') });
  });
});

describe('a receiver that throttles', () => {
  it('answers 429: the sender says throttled (no attempt spent) and honours Retry-After', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(429, { 'Retry-After': '7' });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const sender = new HttpWebhookSender(SECRET, new FakeClock(), { localMode: true });
      const port = (server.address() as AddressInfo).port;
      const failure = await sender.send(`http://127.0.0.1:${port}/hook`, '{}').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RetryableError);
      expect(failure).toMatchObject({ throttled: true, retryAfterMs: 7000 });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
