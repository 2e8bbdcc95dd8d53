import { Problem } from '../../domain/errors';

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

/**
 * A person Doorman cannot reach in Teams (no chat, and one cannot be opened: a permission, no app id, a failure that
 * outlasted its retries), with why: nothing to retry. The message falls back to mail where it has a mail form;
 * otherwise it is given up at once and the request's cards say who was not reached and how to fix it.
 */
export class PersonUnreachableError extends PermanentError {
  constructor(readonly problem: Problem) {
    super(problem.detail === null ? problem.code : `${problem.code}: ${problem.detail}`);
    this.name = 'PersonUnreachableError';
  }
}
