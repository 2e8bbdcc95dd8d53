import { Clock } from '../../application/ports';

/** Teams' per-thread limits for bots: 7 messages a second and 60 in 30 seconds. */
export const TEAMS_THREAD_LIMITS = [
  { windowMs: 1000, max: 7 },
  { windowMs: 30_000, max: 60 },
] as const;

/**
 * A sliding-window limiter per conversation: `reserve` either takes a slot or says how long to wait, so the
 * dispatcher reschedules instead of being answered 429 by Teams.
 */
export class ThreadRateLimiter {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: readonly { windowMs: number; max: number }[] = TEAMS_THREAD_LIMITS,
  ) {}

  /** Takes a slot for `conversationId` and returns 0, or returns the milliseconds until one is free. */
  reserve(conversationId: string): number {
    const now = this.clock.now().getTime();
    const longest = Math.max(...this.limits.map((limit) => limit.windowMs));
    const times = (this.sent.get(conversationId) ?? []).filter((time) => time > now - longest);
    let wait = 0;
    for (const limit of this.limits) {
      const inWindow = times.filter((time) => time > now - limit.windowMs);
      if (inWindow.length >= limit.max) wait = Math.max(wait, inWindow[inWindow.length - limit.max] + limit.windowMs - now);
    }
    if (wait === 0) times.push(now);
    this.sent.set(conversationId, times);
    return wait;
  }
}
