import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LookupFunction } from 'node:net';
import { Clock, PermanentError, RetryableError, ThrottledError, WebhookSender } from '../../application/ports';
import { addressRefusal } from '../../domain/networkAddress';
import { signWebhook } from './webhookSignature';

/** One address a name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (production: the system resolver, like `dns.lookup`). */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

/** How the sender reaches receivers; tests inject the resolver. */
export interface WebhookSenderOptions {
  /** Local mode also allows loopback receivers, over http too. */
  localMode?: boolean;
  resolve?: ResolveHost;
  timeoutMs?: number;
}

const systemResolver: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Posts signed webhooks; a receiver that is down or throttling is retried from the outbox, never dropped.
 *
 * The target is checked where it matters, at each connection: the name is resolved, EVERY address is judged
 * (`domain/networkAddress`), and the socket connects only to the addresses that were judged (the `lookup` handed to
 * node:https returns them), so a name that answers a public address to the check and 127.0.0.1 to the connection
 * (DNS rebinding) gains nothing. The TLS certificate is still verified against the name.
 */
export class HttpWebhookSender implements WebhookSender {
  private readonly localMode: boolean;
  private readonly resolve: ResolveHost;
  private readonly timeoutMs: number;

  constructor(
    private readonly secret: string,
    private readonly clock: Clock,
    options: WebhookSenderOptions = {},
  ) {
    this.localMode = options.localMode ?? false;
    this.resolve = options.resolve ?? systemResolver;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Sends one webhook; 2xx is delivered, 429/5xx/network failures are retried (honouring Retry-After). A target that
   * is, or resolves to, a refused address is a configuration problem: a PermanentError, so the row fails at once.
   */
  async send(url: string, body: string): Promise<void> {
    const target = await this.checkedTarget(url);
    const signature = signWebhook(this.secret, body, Math.floor(this.clock.now().getTime() / 1000));
    let response: IncomingMessage;
    try {
      response = await post(target, body, signature, this.timeoutMs);
    } catch (error) {
      throw new RetryableError(`webhook receiver unreachable: ${error instanceof Error ? error.name : 'error'}`);
    }
    if (response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300) return;
    const status = response.statusCode ?? 0;
    const retryAfter = Number(response.headers['retry-after']);
    const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null;
    // A receiver's 429 is throttling: waiting, not failing, so it spends no attempt (a minute when it names no time).
    if (status === 429) throw new ThrottledError('webhook receiver answered 429', retryAfterMs ?? 60_000);
    if (status >= 500) throw new RetryableError(`webhook receiver answered ${status}`, retryAfterMs);
    // Redirects are not followed: a 3xx could point anywhere, past every check above.
    throw new Error(`webhook receiver refused with ${status}`);
  }

  private async checkedTarget(url: string): Promise<{ url: URL; addresses: ResolvedAddress[] }> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new PermanentError('webhook target is not a URL');
    }
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
    const literal = addressRefusal(host, this.localMode) !== 'notAnAddress';
    let addresses: ResolvedAddress[];
    if (literal) {
      addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
    } else {
      try {
        addresses = await this.resolve(host);
      } catch (error) {
        throw new RetryableError(`webhook target ${host} did not resolve: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      if (addresses.length === 0) throw new RetryableError(`webhook target ${host} did not resolve`);
    }
    for (const { address } of addresses) {
      const refusal = addressRefusal(address, this.localMode);
      if (refusal !== null) throw new PermanentError(`webhook target ${host} refused: it reaches a ${refusal} address`);
    }
    const allLoopback = addresses.every(({ address }) => addressRefusal(address, false) === 'loopback');
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && this.localMode && allLoopback)) {
      throw new PermanentError(`webhook target ${host} refused: https only`);
    }
    return { url: parsed, addresses };
  }
}

function post(target: { url: URL; addresses: ResolvedAddress[] }, body: string, signature: string, timeoutMs: number): Promise<IncomingMessage> {
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(target.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'X-Doorman-Signature': signature,
        'User-Agent': 'Doorman-Webhook/1',
      },
      lookup: pinnedLookup(target.addresses),
      // One deadline for the whole exchange, connect to last byte: a receiver that accepts and never answers is
      // a failed attempt after timeoutMs, not a stalled dispatcher.
      signal: AbortSignal.timeout(timeoutMs),
      agent: false,
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A `lookup` that answers only the addresses already checked, so the connection cannot go anywhere else. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, addresses.map(({ address, family }) => ({ address, family })));
      return;
    }
    const chosen = addresses.find(({ family }) => !options.family || family === options.family) ?? addresses[0];
    callback(null, chosen.address, chosen.family);
  };
}
