/** Stable error codes (DESIGN.md §5). People see translated text for a code, never an error message. */
export type ErrorCode =
  | 'REQUEST.NOT_FOUND'
  | 'REQUEST.STALE_VERSION'
  | 'REQUEST.ILLEGAL_TRANSITION'
  | 'REQUEST.EXPIRED'
  | 'AUTH.NOT_PERMITTED'
  | 'AUTH.SELF_APPROVAL'
  | 'AUTH.SAME_REVIEWER'
  | 'AUTH.WRONG_TENANT'
  | 'INPUT.INVALID'
  | 'LINK.IN_USE'
  | 'LINK.EXPIRED'
  | 'LINK.CLOSED'
  | 'LINK.NOT_YET'
  /** No channel is registered for what the request needs (lockbox: approvals). */
  | 'QUEUE.NONE'
  /** The link was replaced by a newer one (the agent reopened the request). */
  | 'LINK.REPLACED'
  | 'RATE.LIMITED'
  | 'GRAPH.THROTTLED'
  | 'GRAPH.FORBIDDEN'
  | 'INTERNAL';

/** Why something outside Doorman failed (a meeting, a mail), stored structured and shown by its code. */
export interface Problem {
  code: string;
  detail: string | null;
}

/** A problem from a stored `"CODE: detail"` string (rows written before problems were structured), or from an error. */
export function problemOf(value: string): Problem {
  const [code, ...detail] = value.split(': ');
  return { code, detail: detail.length > 0 ? detail.join(': ') : null };
}

/** A problem as one line, `CODE: detail`, for audit reasons and logs. */
export function problemLine(problem: Problem): string {
  return problem.detail === null ? problem.code : `${problem.code}: ${problem.detail}`;
}

/** One problem with one form field, answered next to that field. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** An expected failure with a stable code; `fields` lists form problems for INPUT.INVALID. */
export class DoormanError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'DoormanError';
  }

  /** The error as a stored problem: its code and its detail. */
  problem(): Problem {
    return { code: this.code, detail: this.detail ?? null };
  }
}

/** True when `error` is a DoormanError, optionally with the given code. */
export function isDoormanError(error: unknown, code?: ErrorCode): error is DoormanError {
  return error instanceof DoormanError && (code === undefined || error.code === code);
}
