import { AssistState } from './assist';
import { FieldProblem } from './errors';
import { InvitationState } from './invitation';
import { LockboxState } from './lockbox';
import { SessionState } from './session';

/** Days after a request ended before its personal data is erased: an admin's setting (default 90). */
export const RETENTION_DAYS = { min: 1, max: 3650, default: 90 } as const;

/**
 * The states in which a request has ended, per kind: retention counts from the request's last change in one of them.
 * A closed or expired session can still be reopened; once erased it reopens with its people as the pseudonym.
 */
export const ENDED_STATES: {
  readonly session: readonly SessionState[];
  readonly lockbox: readonly LockboxState[];
  readonly assist: readonly AssistState[];
  readonly invitation: readonly InvitationState[];
} = {
  session: ['closed', 'expired'],
  lockbox: ['denied', 'expired', 'cancelled', 'ended'],
  assist: ['closed', 'cancelled', 'expired'],
  invitation: ['rejected', 'cancelled', 'expired', 'removed'],
};

/** The retention setting outside its range, refused (never clamped). */
export function retentionProblems(retentionDays: number): FieldProblem[] {
  const within = Number.isInteger(retentionDays) && retentionDays >= RETENTION_DAYS.min && retentionDays <= RETENTION_DAYS.max;
  return within ? [] : [{ field: 'retentionDays', problem: 'range' }];
}
