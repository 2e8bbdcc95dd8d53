import { LockboxKept, LockboxMembership, LockboxReconciled, LockboxRequest, scopeOf } from '../../domain/lockbox';
import { AccessGrant, AccessGranter, GrantMembership } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { confirmLockboxGrant, confirmLockboxRemoval, loadLockbox, recordGrantReconciled } from './lockboxRequests';

/**
 * Grants an approved request's access, counted in the grant ledger per person and scope: when another running grant
 * of theirs already carries it, nothing is added (`shared`); when they already hold it, Doorman records that it did
 * not add it (`alreadyMember`); otherwise the ledger says `adding` before the directory call, so a retry after a crash
 * still knows the membership is Doorman's. The window starts only when the grant is confirmed.
 */
export async function grantLockboxAccess(deps: UseCaseDeps, access: AccessGranter, requestId: string): Promise<void> {
  const request = await loadLockbox(deps, requestId);
  // A grant retried after a revoke or resolve must not give the access back.
  if (request.access.status !== 'granting' || request.ending !== null) return;
  const principalId = request.requester.aadObjectId;
  const scopeId = scopeOf(request).id;
  let grant = await deps.grants.grantOf(request.id);
  if (grant === null) {
    const others = (await deps.grants.runningGrantsOf(principalId, scopeId)).filter((other) => other.requestId !== request.id);
    const membership = others.length > 0 ? 'shared' : (await access.holds(principalId, scopeId)) ? 'alreadyMember' : 'adding';
    grant = { requestId: request.id, principalId, resource: request.resource, scope: scopeId, membership, grantedAt: deps.clock.now(), revokedAt: null };
    await deps.grants.recordGrant(grant);
  }
  if (grant.membership === 'adding') {
    await access.add(principalId, grant.scope);
    await deps.grants.setGrantMembership(request.id, 'added');
  }
  await confirmLockboxGrant(deps, requestId, membershipOf(grant));
}

/**
 * Ends a request's access. The membership is removed only when this was the person's last running grant for the
 * scope and Doorman added it; while another grant runs, the one that added it hands that over, so the last to end
 * removes it. Every decision is re-made on a retry from the ledger, so retries remove nothing twice.
 */
export async function removeLockboxAccess(deps: UseCaseDeps, access: AccessGranter, requestId: string): Promise<void> {
  const request = await loadLockbox(deps, requestId);
  if (request.state === 'ended' && request.access.status === 'failed') return reconcileGivenUpGrant(deps, access, request);
  if (request.state !== 'approved' || request.access.status !== 'removing') return;
  const grant = await deps.grants.grantOf(request.id);
  if (grant === null) {
    // Revoked or resolved before the grant began: the ledger is written before any add, so Doorman added nothing.
    if (request.access.grantedAt === null) return confirmLockboxRemoval(deps, requestId, 'notAdded');
    // A grant confirmed before the ledger existed: remove as before.
    await access.remove(request.requester.aadObjectId, scopeOf(request).id);
    await confirmLockboxRemoval(deps, requestId, null);
    return;
  }
  await deps.grants.recordRevoke(request.id, deps.clock.now());
  const others = (await deps.grants.runningGrantsOf(grant.principalId, grant.scope)).filter((other) => other.requestId !== request.id);
  const kept = await keptBecause(deps, grant, others);
  if (kept === null) await access.remove(grant.principalId, grant.scope);
  await confirmLockboxRemoval(deps, requestId, kept);
}

/**
 * A grant given up while `adding` (the directory never answered, so the add may have happened): the membership is
 * checked in the directory and removed when it is there and no other running grant of the person needs it; when one
 * does, that grant is made the one that removes it. Runs from the outbox (retried); the trail records the outcome
 * once, and the ledger row stops saying `adding` (`added` when the membership was there, `notAdded` when not).
 */
async function reconcileGivenUpGrant(deps: UseCaseDeps, access: AccessGranter, request: LockboxRequest): Promise<void> {
  const grant = await deps.grants.grantOf(request.id);
  if (grant === null || grant.membership !== 'adding') return;
  let outcome = request.access.reconciled ?? null;
  if (outcome === null) {
    const others = (await deps.grants.runningGrantsOf(grant.principalId, grant.scope)).filter((other) => other.requestId !== request.id);
    if (!(await access.holds(grant.principalId, grant.scope))) outcome = 'absent';
    else if (others.length > 0) {
      await handOver(deps, others);
      outcome = 'otherRequest';
    } else {
      await access.remove(grant.principalId, grant.scope);
      outcome = 'removed';
    }
    // After a crash between the removal and this record, the retry finds no member and says so: still true.
    await recordGrantReconciled(deps, request.id, outcome);
  }
  await deps.grants.setGrantMembership(request.id, RECONCILED_MEMBERSHIP[outcome]);
}

const RECONCILED_MEMBERSHIP: Readonly<Record<LockboxReconciled, GrantMembership>> = { removed: 'added', otherRequest: 'added', absent: 'notAdded' };

/** Another running grant carries a membership Doorman added: unless one of them already owns it, the oldest does now. */
async function handOver(deps: UseCaseDeps, others: AccessGrant[]): Promise<void> {
  if (!others.some((other) => other.membership === 'added' || other.membership === 'adding')) await deps.grants.setGrantMembership(others[0].requestId, 'added');
}

async function keptBecause(deps: UseCaseDeps, grant: AccessGrant, others: AccessGrant[]): Promise<LockboxKept | null> {
  const addedByDoorman = grant.membership === 'added' || grant.membership === 'adding';
  if (others.length > 0) {
    if (addedByDoorman) await handOver(deps, others);
    return 'otherRequest';
  }
  return addedByDoorman ? null : 'notAdded';
}

/** How a grant just made holds its membership (`notAdded` only follows a failed grant, which is never confirmed). */
function membershipOf(grant: AccessGrant): LockboxMembership {
  return grant.membership === 'adding' || grant.membership === 'notAdded' ? 'added' : grant.membership;
}
