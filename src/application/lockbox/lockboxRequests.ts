import { AuditEvent, DecisionContext, auditEvent } from '../../domain/audit';
import { DoormanError, ErrorCode, isDoormanError } from '../../domain/errors';
import {
  LockboxAction,
  LockboxCommand,
  LockboxRequest,
  createLockbox,
  decideLockbox,
  isDecisionOverdue,
  lockboxLimitProblems,
  withAccessRemoved,
} from '../../domain/lockbox';
import { Actor, Person, actorId } from '../../domain/people';
import { SettingChange, encodeSettingChanges } from '../people/auditTrail';
import { lockboxApproverMail } from '../i18n/lockboxApproverMail';
import { LockboxSettings, OutboxMessage, StoredRequest } from '../ports';
import { approvalsQueue } from '../people/queues';
import { commitRequest } from '../shared/requestCommit';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** What someone asks for (already validated against the settings). */
export interface LockboxAsk {
  resource: string;
  reason: string;
  ticket: string;
  durationMinutes: number;
}

/** The result of a click or an API call: the request now, and why nothing happened if it was refused. */
export interface LockboxActionResult {
  request: LockboxRequest;
  refused: ErrorCode | null;
}

const SYSTEM_SWEEPER: Actor = { type: 'system', name: 'sweeper' };
const SYSTEM_DISPATCHER: Actor = { type: 'system', name: 'dispatcher' };

/** Loads a lockbox request or fails with REQUEST.NOT_FOUND. */
export async function loadLockbox(deps: UseCaseDeps, requestId: string): Promise<LockboxRequest> {
  const request = await deps.requests.getRequest(requestId);
  if (!request || request.kind !== 'lockbox') throw new DoormanError('REQUEST.NOT_FOUND');
  return request;
}

/** A public, link-free summary of a lockbox request: the REST API's body and every webhook's payload. */
export function lockboxSummary(request: LockboxRequest): Record<string, unknown> {
  const lastDecision = request.decisions[request.decisions.length - 1] ?? null;
  return {
    id: request.id,
    kind: 'lockbox',
    state: request.state,
    version: request.version,
    requester: request.requester.aadObjectId,
    requestedVia: request.requestedVia,
    resource: request.resource,
    ticket: request.ticket,
    durationMinutes: request.durationMinutes,
    decideBy: request.decideBy.toISOString(),
    decision: lastDecision
      ? { action: lastDecision.action, by: lastDecision.byId, at: lastDecision.at.toISOString(), comment: lastDecision.comment }
      : null,
    access: {
      status: request.access.status,
      grantedAt: request.access.grantedAt?.toISOString() ?? null,
      endsAt: request.access.endsAt?.toISOString() ?? null,
      removedAt: request.access.removedAt?.toISOString() ?? null,
    },
    ending: request.ending ? { reason: request.ending.reason, by: request.ending.byId, at: request.ending.at.toISOString() } : null,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  };
}

/** The cards, chat notices, access work and webhooks one lockbox transition causes. */
function lockboxEffects(deps: UseCaseDeps, after: LockboxRequest, events: AuditEvent[]): OutboxMessage[] {
  const effects: OutboxMessage[] = [{ type: 'card.update', requestId: after.id, version: after.version }];
  const actions = events.map((event) => event.action);
  const requester = after.requester.aadObjectId;
  if (actions.some((action) => ['approve', 'autoApprove', 'deny', 'expire'].includes(action))) {
    effects.push({ type: 'chat.notify', requestId: after.id, userId: requester, notice: { kind: 'lockboxDecision' } });
  }
  if (actions.includes('approve') || actions.includes('autoApprove')) effects.push({ type: 'access.grant', requestId: after.id });
  if (actions.some((action) => ['resolve', 'revoke', 'elapse'].includes(action))) {
    effects.push({ type: 'access.revoke', requestId: after.id });
  }
  if (actions.includes('end')) {
    effects.push({ type: 'chat.notify', requestId: after.id, userId: requester, notice: { kind: 'lockboxEnded' } });
  }
  for (const event of events) {
    const body = JSON.stringify({ type: `lockbox.${event.action}`, at: event.at.toISOString(), request: lockboxSummary(after) });
    for (const url of deps.settings.webhookUrls) effects.push({ type: 'webhook', requestId: after.id, url, body });
  }
  return effects;
}

async function commitLockbox(deps: UseCaseDeps, before: LockboxRequest, after: LockboxRequest, events: AuditEvent[]): Promise<void> {
  await commitRequest(deps, before, after, events, lockboxEffects(deps, after, events));
}

/**
 * An engineer (in chat) or a system (REST API, for a person) asks for access. The card goes to the approvers' queue
 * and the requester's chat; approvers get a mail without links. With approval off, the setting approves at once.
 */
export async function requestLockboxAccess(
  deps: UseCaseDeps,
  actor: Actor,
  requester: Person,
  ask: LockboxAsk,
  source: 'chat' | 'api',
  /** The requester's form card, which becomes their request card; without it a new card is posted to their chat. */
  place: { conversationId: string; activityId: string; serviceUrl: string } | null = null,
): Promise<LockboxRequest> {
  if (actor.type === 'person' && !actor.roles.includes('engineer')) throw new DoormanError('AUTH.NOT_PERMITTED');
  if (actor.type !== 'person' && actor.type !== 'service') throw new DoormanError('AUTH.NOT_PERMITTED');
  const settings = await deps.lockboxSettings.getLockboxSettings();
  if (ask.durationMinutes > settings.maxDurationMinutes) {
    throw new DoormanError('INPUT.INVALID', 'duration above the maximum', [{ field: 'durationMinutes', problem: 'tooLong' }]);
  }
  // Nothing undecidable: without a channel registered for approvals, nobody would see the request.
  const queue = await approvalsQueue(deps);
  if (!queue) throw new DoormanError('QUEUE.NONE', 'no channel is registered for approvals');
  const now = deps.clock.now();
  const context: DecisionContext = { actor, now, source: source === 'api' ? 'api' : 'chat' };
  const created = createLockbox(
    {
      id: deps.secrets.newRequestId(),
      requester,
      requestedVia: actor.type === 'service' ? actor.client : null,
      ...ask,
      decisionHours: settings.decisionHours,
      leadReview: settings.approvalRequired && settings.leadReview,
      queueId: queue.id,
    },
    context,
  );
  let request = created.request;
  const events = [created.event];
  if (!settings.approvalRequired) {
    const auto = decideLockbox(
      request,
      { action: 'autoApprove', setting: approvalOffReason(settings) },
      { actor: { type: 'system', name: 'settings' }, now, source: context.source },
    );
    request = auto.request;
    events.push(auto.event);
  }
  const approvers = await deps.directory.listByRole('approver');
  const outbox: OutboxMessage[] = [
    { type: 'card.post', requestId: request.id, target: { role: 'queue', queueId: queue.id } },
    ...(place ? [] : [{ type: 'card.post' as const, requestId: request.id, target: { role: 'requester' as const, userId: requester.aadObjectId } }]),
    ...lockboxEffects(deps, request, events).filter((effect) => effect.type !== 'card.update'),
  ];
  if (settings.approvalRequired) {
    const via = actor.type === 'service' ? actor.label ?? null : null;
    const mail = lockboxApproverMail(request, { timeZone: deps.settings.defaultTimeZone, via });
    for (const approver of approvers) {
      if (!approver.email || approver.aadObjectId === requester.aadObjectId) continue;
      outbox.push({
        type: 'mail.send',
        requestId: request.id,
        mail: { to: { name: approver.name, address: approver.email }, ...mail, language: 'en' },
      });
    }
  }
  const cards = place ? [{ requestId: request.id, role: 'requester' as const, ...place, threadId: null }] : [];
  await commitRequest(deps, null, request, events, outbox, cards);
  return request;
}

function approvalOffReason(settings: LockboxSettings): string {
  const when = settings.updatedAt ? settings.updatedAt.toISOString() : 'the default';
  return `approval turned off by setting (set by ${settings.updatedBy ?? 'configuration'} at ${when})`;
}


/**
 * The story of every decision on a lockbox card or through the API: load, refuse a stale version, expire an overdue
 * request, let the domain check who acts (never the requester) and what the table allows, commit with its outbox.
 */
async function runLockboxAction(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: { requestId: string; version: number | null },
  command: LockboxCommand,
  source: 'card' | 'api',
): Promise<LockboxActionResult> {
  const request = await loadLockbox(deps, pointer.requestId);
  if (pointer.version !== null && request.version !== pointer.version) return { request, refused: 'REQUEST.STALE_VERSION' };
  const now = deps.clock.now();
  if (isDecisionOverdue(request, now)) return { request: await expireLockbox(deps, request), refused: 'REQUEST.EXPIRED' };
  try {
    const decided = decideLockbox(request, command, { actor, now, source });
    await commitLockbox(deps, request, decided.request, [decided.event]);
    return { request: decided.request, refused: null };
  } catch (error) {
    if (isDoormanError(error) && error.code !== 'INPUT.INVALID') {
      return { request: await loadLockbox(deps, pointer.requestId), refused: error.code };
    }
    throw error;
  }
}

/** The verbs people and systems use on a lockbox request, by the action they stand for. */
export type LockboxDecisionVerb = Extract<LockboxAction, 'approve' | 'deny' | 'passReview' | 'cancel' | 'resolve' | 'revoke'>;

/** Runs a person's or a system's decision (approve, deny, pass review, cancel, resolve, revoke). */
export function decideOnLockbox(
  deps: UseCaseDeps,
  actor: Actor,
  pointer: { requestId: string; version: number | null },
  verb: LockboxDecisionVerb,
  comment: string | null,
  source: 'card' | 'api' = 'card',
): Promise<LockboxActionResult> {
  const command: LockboxCommand =
    verb === 'approve' || verb === 'deny' || verb === 'passReview' ? { action: verb, comment } : { action: verb };
  return runLockboxAction(deps, actor, pointer, command, source);
}

async function systemAction(deps: UseCaseDeps, request: LockboxRequest, command: LockboxCommand, actor: Actor): Promise<LockboxRequest> {
  const decided = decideLockbox(request, command, { actor, now: deps.clock.now(), source: 'timer' });
  await commitLockbox(deps, request, decided.request, [decided.event]);
  return decided.request;
}

/** Nobody decided in time: the request expires (sweeper, or lazily on the next click). */
export async function expireLockbox(deps: UseCaseDeps, request: LockboxRequest): Promise<LockboxRequest> {
  try {
    return await systemAction(deps, request, { action: 'expire' }, SYSTEM_SWEEPER);
  } catch (error) {
    if (isDoormanError(error, 'REQUEST.STALE_VERSION')) return loadLockbox(deps, request.id);
    throw error;
  }
}

/** The access window is over: access is removed through the outbox, and `ended` follows once removal is confirmed. */
export async function elapseLockbox(deps: UseCaseDeps, request: LockboxRequest): Promise<void> {
  await systemAction(deps, request, { action: 'elapse' }, SYSTEM_SWEEPER);
}

/** One hour before the decision deadline, every approver gets a reminder in chat. */
export async function remindApprovers(deps: UseCaseDeps, request: LockboxRequest): Promise<void> {
  if (!request.remindAt || !['pending', 'review'].includes(request.state)) return;
  const now = deps.clock.now();
  const after: LockboxRequest = { ...request, remindAt: null, version: request.version + 1, updatedAt: now };
  const event = auditEvent(after, 'remind', request.state, request.state, { actor: SYSTEM_SWEEPER, now, source: 'timer', reason: '1 hour left' });
  const approvers = await deps.directory.listByRole(request.state === 'review' ? 'admin' : 'approver');
  const outbox: OutboxMessage[] = approvers
    .filter((approver) => approver.aadObjectId !== request.requester.aadObjectId)
    .map((approver) => ({ type: 'chat.notify', requestId: request.id, userId: approver.aadObjectId, notice: { kind: 'lockboxReminder' } }));
  await commitRequest(deps, request, after, [event], outbox);
}

/** The AccessGranter confirmed the grant: the window starts now and its end becomes a deadline. */
export async function confirmLockboxGrant(deps: UseCaseDeps, requestId: string): Promise<void> {
  const request = await loadLockbox(deps, requestId);
  if (request.access.status !== 'granting') return;
  await systemAction(deps, request, { action: 'confirmGrant' }, SYSTEM_DISPATCHER);
}

/** The AccessGranter confirmed the removal: only now does the request reach `ended`. */
export async function confirmLockboxRemoval(deps: UseCaseDeps, requestId: string): Promise<void> {
  const request = await loadLockbox(deps, requestId);
  if (request.state !== 'approved' || request.access.status !== 'removing') return;
  await systemAction(deps, withAccessRemoved(request, deps.clock.now()), { action: 'end' }, SYSTEM_DISPATCHER);
}

/** An admin changes the lockbox settings; turning approval off tells every approver at once. */
export async function saveLockboxSettings(
  deps: UseCaseDeps,
  actor: Actor,
  next: Omit<LockboxSettings, 'updatedBy' | 'updatedAt'>,
): Promise<LockboxSettings> {
  if (actor.type !== 'person' || !actor.roles.includes('admin')) throw new DoormanError('AUTH.NOT_PERMITTED');
  const problems = lockboxLimitProblems(next);
  if (problems.length > 0) throw new DoormanError('INPUT.INVALID', 'lockbox limits out of range', problems);
  const current = await deps.lockboxSettings.getLockboxSettings();
  const now = deps.clock.now();
  const saved: LockboxSettings = { ...next, updatedBy: actor.person.name, updatedAt: now };
  const changes: SettingChange[] = (Object.keys(next) as (keyof typeof next)[])
    .filter((key) => current[key] !== next[key])
    .map((key) => ({ key, from: current[key], to: next[key] }));
  if (changes.length === 0) return current;
  const outbox: OutboxMessage[] = [];
  if (current.approvalRequired !== next.approvalRequired) {
    for (const approver of await deps.directory.listByRole('approver')) {
      outbox.push({
        type: 'chat.notify',
        requestId: null,
        userId: approver.aadObjectId,
        notice: { kind: 'approvalSetting', approvalRequired: next.approvalRequired, changedBy: actor.person.name, changedAt: now.toISOString() },
      });
    }
  }
  await deps.lockboxSettings.saveLockboxSettings(saved, { actorId: actorId(actor), at: now, change: encodeSettingChanges(changes) }, outbox);
  deps.logger.info({ actor: actorId(actor), changes }, 'lockbox settings changed');
  deps.wakeDispatcher();
  return saved;
}

/** True for lockbox requests (the store holds several kinds). */
export function isLockbox(request: StoredRequest | null): request is LockboxRequest {
  return request?.kind === 'lockbox';
}
