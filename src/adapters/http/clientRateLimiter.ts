import { Clock } from '../../application/ports';
import { RateWindows } from '../../application/shared/rateWindows';

/**
 * A fixed-window counter per client and bucket: the portal's brake on link guessing and floods, the REST API's and the
 * tab's limits. Counted in RateWindows: on PostgreSQL every instance counts in the same windows.
 */
export class ClientRateLimiter {
  constructor(
    private readonly windows: RateWindows,
    private readonly clock: Clock,
    private readonly limits: Readonly<Record<string, { max: number; windowMs: number }>>,
  ) {}

  /** Counts one hit; returns the seconds to wait when the client is over the bucket's limit, else 0. */
  async hit(bucket: string, client: string): Promise<number> {
    const limit = this.limits[bucket];
    if (!limit) return 0;
    const window = await this.windows.hit(`client|${bucket}|${client}`, limit.windowMs);
    return window.count > limit.max ? secondsUntil(window.endsAt, this.clock) : 0;
  }

  /** The seconds to wait when the client is already at the bucket's limit, without counting a hit; else 0. */
  async blocked(bucket: string, client: string): Promise<number> {
    const limit = this.limits[bucket];
    if (!limit) return 0;
    const window = await this.windows.peek(`client|${bucket}|${client}`, limit.windowMs);
    return window.count < limit.max ? 0 : secondsUntil(window.endsAt, this.clock);
  }
}

function secondsUntil(instant: number, clock: Clock): number {
  return Math.max(1, Math.ceil((instant - clock.now().getTime()) / 1000));
}

/** What the guess budget reports: the unknown codes counted in this window, and whether this one was refused. */
export type GuessObserver = (inWindow: number, refused: boolean) => void;

/**
 * The portal's budget of unknown link codes from all addresses together, per window. The per-address limit stops one
 * guesser; this notices many addresses guessing a little each. Past the budget, unknown codes are refused (429) and
 * reported (metric, one warning per window); known codes keep working, so real customers are never locked out.
 * Counted in RateWindows: on PostgreSQL the budget is one for all instances together.
 */
export class GuessBudget {
  /** The window this instance last warned in: one warning per window and instance. */
  private warnedFor = -Infinity;

  constructor(
    private readonly windows: RateWindows,
    private readonly clock: Clock,
    private readonly limit: { max: number; windowMs: number },
    private readonly observe: GuessObserver,
    private readonly warn: (fields: Record<string, unknown>) => void,
  ) {}

  /** Counts one unknown code; refused when the budget of this window is spent and the answer should be a refusal. */
  async miss(): Promise<{ refused: boolean; retryAfterSeconds: number }> {
    const window = await this.windows.hit('portal-guesses', this.limit.windowMs);
    const refused = window.count > this.limit.max;
    this.observe(window.count, refused);
    if (refused && this.warnedFor !== window.endsAt) {
      this.warnedFor = window.endsAt;
      this.warn({ misses: window.count, budget: this.limit.max, windowSeconds: this.limit.windowMs / 1000 });
    }
    return { refused, retryAfterSeconds: secondsUntil(window.endsAt, this.clock) };
  }
}
