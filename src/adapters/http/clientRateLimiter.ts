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
