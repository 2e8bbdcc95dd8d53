/** A failure the dispatcher should retry later; `retryAfterMs` honours the service's Retry-After. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
    /** A rate limit, not a failure: rescheduled after `retryAfterMs` without spending an attempt. */
    readonly throttled = false,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

/**
 * A failure retrying cannot heal (a webhook target Doorman refuses to reach is a configuration problem): the
 * dispatcher fails the row at once, logs it at error and counts it among the rows given up (metrics, `doctor`).
 */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

/**
 * A rate limit said "not yet" (Doorman's own per-thread limiter, or a 429 with Retry-After): the dispatcher
 * reschedules the message for `retryAfterMs` without spending an attempt. Throttling is waiting, not failing.
 */
export class ThrottledError extends RetryableError {
  constructor(message: string, retryAfterMs: number) {
    super(message, retryAfterMs, true);
    this.name = 'ThrottledError';
  }
}
