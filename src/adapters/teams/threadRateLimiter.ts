import { Clock } from '../../application/ports';
import { RateLimit, RateWindows } from '../../application/shared/rateWindows';

/**
 * Teams' per-thread limits for a bot sending to one conversation, as documented ("Optimize your bot with rate limiting
 * in Teams", per bot per thread limit: 7 in 1 s, 8 in 2 s, 60 in 30 s, 1,800 in 3,600 s).
 */
export const TEAMS_THREAD_LIMITS = [
  { windowMs: 1000, max: 7 },
  { windowMs: 2000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 3_600_000, max: 1800 },
] as const;

/**
 * What Doorman paces itself to: a little under each of Teams' limits (7 in 1.1 s, 8 in 2.2 s, 58 in 31 s, 1,740 in
 * 3,700 s), so clock skew and the Bot Connector's own counting never turn a burst into 429s. Over half a minute that
 * is 1.87 a second: 94 % of 60 in 30 s.
 */
export const DOORMAN_THREAD_LIMITS = [
  { windowMs: 1100, max: 7 },
  { windowMs: 2200, max: 8 },
  { windowMs: 31_000, max: 58 },
  { windowMs: 3_700_000, max: 1740 },
] as const;

// A promised slot nobody came back for (the row went to another instance, or was given up) lapses after this.
const PROMISE_GRACE_MS = 5_000;

interface ThreadLog {
  /** When messages went out, oldest first. */
  sent: number[];
  /** Future instants handed to callers that were told to wait, oldest first: each is a slot kept for one of them. */
  promised: number[];
}

/**
 * A sliding-window limiter per conversation. `reserve` either takes a slot now, or hands out the next free slot and
 * says how long to wait for it. Slots handed out are kept, so the messages of one busy thread come back staggered
 * at the pace the thread allows, not all at the same instant.
 */
export class ThreadRateLimiter {
  private readonly threads = new Map<string, ThreadLog>();
  private readonly longestWindowMs: number;
  /** Promised slots are at least this far apart: the shortest window's even pace. */
  private readonly spacingMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly limits: readonly { windowMs: number; max: number }[] = DOORMAN_THREAD_LIMITS,
  ) {
    this.longestWindowMs = Math.max(...limits.map((limit) => limit.windowMs));
    this.spacingMs = Math.min(...limits.map((limit) => Math.ceil(limit.windowMs / limit.max)));
  }

  /** Takes a slot for `conversationId` and returns 0, or returns the milliseconds until the slot kept for the caller. */
  reserve(conversationId: string): number {
    const now = this.clock.now().getTime();
    const log = this.logOf(conversationId, now);
    // A caller back at (or after) its promised instant uses that slot.
    const due = log.promised.findIndex((instant) => instant <= now);
    if (due >= 0) {
      log.promised.splice(due, 1);
      if (this.fits(log.sent, now)) {
        log.sent.push(now);
        return 0;
      }
    }
    const last = log.promised[log.promised.length - 1];
    const slot = this.nextSlot([...log.sent, ...log.promised], last === undefined ? now : Math.max(now, last + this.spacingMs));
    if (slot <= now) {
      log.sent.push(now);
      return 0;
    }
    log.promised.push(slot);
    return slot - now;
  }

  /** Gives back the slot just taken for `conversationId` (nothing was sent after all). */
  release(conversationId: string): void {
    this.threads.get(conversationId)?.sent.pop();
  }

  private logOf(conversationId: string, now: number): ThreadLog {
    const log = this.threads.get(conversationId) ?? { sent: [], promised: [] };
    log.sent = log.sent.filter((time) => time > now - this.longestWindowMs);
    log.promised = log.promised.filter((time) => time > now - PROMISE_GRACE_MS);
    this.threads.set(conversationId, log);
    return log;
  }

  private fits(times: readonly number[], at: number): boolean {
    return this.limits.every((limit) => times.filter((time) => time > at - limit.windowMs && time <= at).length < limit.max);
  }

  /** The earliest instant from `from` on at which one more message keeps every window within its limit. */
  private nextSlot(times: readonly number[], from: number): number {
    const sorted = [...times].sort((a, b) => a - b);
    let candidate = from;
    for (;;) {
      let later = candidate;
      for (const limit of this.limits) {
        const inWindow = sorted.filter((time) => time > candidate - limit.windowMs && time <= candidate);
        if (inWindow.length >= limit.max) later = Math.max(later, inWindow[inWindow.length - limit.max] + limit.windowMs);
      }
      if (later === candidate) return candidate;
      candidate = later;
    }
  }
}

/**
 * Teams' per-thread limits counted for all instances together (RateWindows over the shared store on PostgreSQL). Asked
 * after this instance's own limiter let a message through: each instance still paces itself, and together they never
 * push one thread past the limits the Bot Connector counts for the bot as a whole.
 */
export class SharedThreadLimits {
  constructor(
    private readonly windows: RateWindows,
    private readonly clock: Clock,
    private readonly limits: readonly RateLimit[] = DOORMAN_THREAD_LIMITS,
  ) {}

  /** Takes one slot in each conversation and returns 0; or takes none and returns the milliseconds to wait. */
  async take(conversationIds: readonly string[]): Promise<number> {
    const takenAt = this.clock.now();
    const taken: string[] = [];
    for (const conversationId of conversationIds) {
      const waitMs = await this.windows.take(threadKey(conversationId), this.limits);
      if (waitMs > 0) {
        for (const done of taken) await this.windows.giveBack(threadKey(done), takenAt, this.limits);
        return waitMs;
      }
      taken.push(conversationId);
    }
    return 0;
  }
}

function threadKey(conversationId: string): string {
  return `teams-thread|${conversationId}`;
}
