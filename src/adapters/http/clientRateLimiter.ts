import { Clock } from '../../application/ports';

/** A fixed-window counter per client and bucket: the portal's brake on link guessing and floods. */
export class ClientRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: Readonly<Record<string, { max: number; windowMs: number }>>,
  ) {}

  /** Counts one hit; returns the seconds to wait when the client is over the bucket's limit, else 0. */
  hit(bucket: string, client: string): number {
    const limit = this.limits[bucket];
    if (!limit) return 0;
    const now = this.clock.now().getTime();
    const key = `${bucket}|${client}`;
    const window = this.windows.get(key);
    if (!window || now - window.startedAt >= limit.windowMs) {
      this.windows.set(key, { startedAt: now, count: 1 });
      this.sweep(now);
      return 0;
    }
    window.count += 1;
    return window.count > limit.max ? Math.ceil((window.startedAt + limit.windowMs - now) / 1000) : 0;
  }

  /** True when the client is already over the bucket's limit, without counting a hit. */
  blocked(bucket: string, client: string): number {
    const limit = this.limits[bucket];
    const window = this.windows.get(`${bucket}|${client}`);
    if (!limit || !window) return 0;
    const now = this.clock.now().getTime();
    if (now - window.startedAt >= limit.windowMs || window.count < limit.max) return 0;
    return Math.ceil((window.startedAt + limit.windowMs - now) / 1000);
  }

  private sweep(now: number): void {
    if (this.windows.size < 10_000) return;
    const longest = Math.max(...Object.values(this.limits).map((limit) => limit.windowMs));
    for (const [key, window] of this.windows) if (now - window.startedAt >= longest) this.windows.delete(key);
  }
}

/** What the guess budget reports: the unknown codes counted in this window, and whether this one was refused. */
export type GuessObserver = (inWindow: number, refused: boolean) => void;

/**
 * The portal's budget of unknown link codes from all addresses together, per window. The per-address limit stops one
 * guesser; this notices many addresses guessing a little each. Past the budget, unknown codes are refused (429) and
 * reported (metric, one warning per window); known codes keep working, so real customers are never locked out.
 * In memory, per instance.
 */
export class GuessBudget {
  private startedAt = -Infinity;
  private misses = 0;
  private warned = false;

  constructor(
    private readonly clock: Clock,
    private readonly limit: { max: number; windowMs: number },
    private readonly observe: GuessObserver,
    private readonly warn: (fields: Record<string, unknown>) => void,
  ) {}

  /** Counts one unknown code; true when the budget of this window is spent and the answer should be a refusal. */
  miss(): { refused: boolean; retryAfterSeconds: number } {
    const now = this.clock.now().getTime();
    if (now - this.startedAt >= this.limit.windowMs) {
      this.startedAt = now;
      this.misses = 0;
      this.warned = false;
    }
    this.misses += 1;
    const refused = this.misses > this.limit.max;
    this.observe(this.misses, refused);
    if (refused && !this.warned) {
      this.warned = true;
      this.warn({ misses: this.misses, budget: this.limit.max, windowSeconds: this.limit.windowMs / 1000 });
    }
    return { refused, retryAfterSeconds: Math.max(1, Math.ceil((this.startedAt + this.limit.windowMs - now) / 1000)) };
  }
}
