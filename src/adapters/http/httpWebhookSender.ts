import { Clock, RetryableError, WebhookSender } from '../../application/ports';
import { signWebhook } from './webhookSignature';

/** Posts signed webhooks; a receiver that is down or throttling is retried from the outbox, never dropped. */
export class HttpWebhookSender implements WebhookSender {
  constructor(
    private readonly secret: string,
    private readonly clock: Clock,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Sends one webhook; 2xx is delivered, 429/5xx/network failures are retried (honouring Retry-After). */
  async send(url: string, body: string): Promise<void> {
    const signature = signWebhook(this.secret, body, Math.floor(this.clock.now().getTime() / 1000));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Doorman-Signature': signature, 'User-Agent': 'Doorman-Webhook/1' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new RetryableError(`webhook receiver unreachable: ${error instanceof Error ? error.name : 'error'}`);
    }
    if (response.ok) return;
    const retryAfter = Number(response.headers.get('retry-after'));
    if (response.status === 429 || response.status >= 500) {
      throw new RetryableError(`webhook receiver answered ${response.status}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null);
    }
    throw new Error(`webhook receiver refused with ${response.status}`);
  }
}
