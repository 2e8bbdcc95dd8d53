import { Logger } from '../../application/ports';
import { reportException } from '../telemetry/applicationInsights';
import { DoormanError, ErrorCode, FieldProblem } from '../../domain/errors';

/** The one table from error code to HTTP status, for every route (portal, REST API, tab, bot endpoint). */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  'INPUT.INVALID': 400,
  'AUTH.NOT_PERMITTED': 403,
  'AUTH.SELF_APPROVAL': 403,
  'AUTH.SAME_REVIEWER': 403,
  'AUTH.WRONG_TENANT': 403,
  'REQUEST.NOT_FOUND': 404,
  'REQUEST.ILLEGAL_TRANSITION': 409,
  'REQUEST.STALE_VERSION': 409,
  'REQUEST.EXPIRED': 409,
  'QUEUE.NONE': 409,
  'LINK.IN_USE': 409,
  'LINK.NOT_YET': 409,
  'LINK.EXPIRED': 410,
  'LINK.CLOSED': 410,
  'LINK.REPLACED': 410,
  'RATE.LIMITED': 429,
  'GRAPH.FORBIDDEN': 502,
  'GRAPH.THROTTLED': 503,
  'INTERNAL': 500,
};

/**
 * A refusal the transport decides rather than the domain: not authenticated (401), a body too large (413), not
 * JSON (415), a part not configured (503). It carries its status; everything else goes through STATUS_OF.
 */
export class HttpRefusal extends DoormanError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    fields: FieldProblem[] = [],
    /** Shown as `message` instead of the code, for a refusal an admin must act on. */
    readonly shownMessage?: string,
  ) {
    super(code, `HTTP ${status}`, fields);
  }
}

/** What a failed route answers: a status and a code (and the fields at fault); never internal text. */
export interface Failure {
  status: number;
  code: ErrorCode;
  fields: readonly unknown[];
  message?: string;
}

/** The status and code of anything a route threw; an error without a known code is 500 INTERNAL, logged. */
export function failureOf(error: unknown, logger: Logger, what: string): Failure {
  if (error instanceof HttpRefusal) return { status: error.status, code: error.code, fields: error.fields, message: error.shownMessage };
  if (error instanceof DoormanError && Object.prototype.hasOwnProperty.call(STATUS_OF, error.code)) {
    return { status: STATUS_OF[error.code], code: error.code, fields: error.fields };
  }
  logger.error({ err: error instanceof Error ? error.message : String(error) }, what);
  reportException(error);
  return { status: 500, code: 'INTERNAL', fields: [] };
}
