import { AssistLimits, assistLimitProblems } from '../../domain/assist';
import { languageOfPerson } from '../people/personLanguage';
import { DecisionContext } from '../../domain/audit';
import { DoormanError, ErrorCode, FieldProblem, Problem, isDoormanError } from '../../domain/errors';
import {
  AccessScope,
  LockboxAction,
  LockboxCommand,
  LockboxDeadlineKind,
  LockboxKept,
  LockboxMembership,
  LockboxReconciled,
  LockboxRequest,
  createLockbox,
  decideLockbox,
  isDecisionOverdue,
  lockboxLimitProblems,
  lockboxParties,
  recordLockboxSide,
  remindedRole,
  withAccessRemoved,
} from '../../domain/lockbox';
import { Actor, Person, actorId } from '../../domain/people';
import { mayAdminister, mayAskLockbox } from '../../domain/policy';
import { retentionProblems } from '../../domain/retention';
import { BackupApproversChange, SettingChange, UNKNOWN_PERSON, encodeSettingChanges } from '../people/auditTrail';
import { mailTimeZoneOf } from '../people/personTimeZone';
import { requestedViaLabelOf } from '../shared/cardViews';
import { lockboxApproverMail } from '../i18n/lockboxApproverMail';
import { LockboxSettings, OutboxMessage } from '../ports';
import { approvalsQueue } from '../people/queues';
import { commitRequest } from '../shared/requestCommit';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** What someone asks for (already validated against the settings). */
export interface LockboxAsk {
  /** What approving grants (an admin-defined scope; the default scope when absent). */
  scope?: AccessScope;
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
  if (!mayAskLockbox(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
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
      escalationHours: settings.escalationHours,
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
    ...(place ? [] : [{ type: 'card.post' as const, requestId: request.id, target: { role: 'requester' as const, userId: requester.aadObjectId } }]),
  ];
  if (settings.approvalRequired) {
    const via = actor.type === 'service' ? actor.label ?? (await requestedViaLabelOf(deps, request)) : null;
    for (const approver of approvers) {
      if (!approver.email || approver.aadObjectId === requester.aadObjectId) continue;
      // The decision deadline in the approver's own zone: mail is read where the mailbox lives.
      // In the approver's own language and zone: mail is read where the mailbox lives.
      const language = await languageOfPerson(deps, approver.aadObjectId);
      const mail = lockboxApproverMail(request, { timeZone: await mailTimeZoneOf(deps, approver.aadObjectId), via, language });
      outbox.push({
        type: 'mail.send',
        requestId: request.id,
        mail: { to: { name: approver.name, address: approver.email }, ...mail, language },
      });
    }
  }
  if (request.state === 'pending' || request.state === 'review') outbox.push(...(await decidersFeed(deps, request, 'approvalNeeded')));
  const cards = place ? [{ requestId: request.id, role: 'requester' as const, ...place, threadId: null }] : [];
  await commitRequest(deps, null, request, events, { outbox, cardActivities: cards });
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
  source: 'card' | 'api' | 'tab',
): Promise<LockboxActionResult> {
  const request = await loadLockbox(deps, pointer.requestId);
  if (pointer.version !== null && request.version !== pointer.version) return { request, refused: 'REQUEST.STALE_VERSION' };
  const now = deps.clock.now();
  if (isDecisionOverdue(request, now)) return { request: await expireLockbox(deps, request), refused: 'REQUEST.EXPIRED' };
  try {
    const decided = decideLockbox(request, command, { actor, now, source });
    // A lead passed the review: the approvers are the ones who must act now. A revoke tells the other approvers.
    const outbox = [
      ...(command.action === 'passReview' ? await decidersFeed(deps, decided.request, 'approvalNeeded') : []),
      ...(command.action === 'revoke' ? await otherApproversTold(deps, decided.request, actor) : []),
    ];
    await commitRequest(deps, request, decided.request, [decided.event], { outbox });
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
  source: 'card' | 'api' | 'tab' = 'card',
): Promise<LockboxActionResult> {
  const command: LockboxCommand =
    verb === 'approve' || verb === 'deny' || verb === 'passReview' ? { action: verb, comment } : { action: verb };
  return runLockboxAction(deps, actor, pointer, command, source);
}

/** A revoke is news for the approvers who did not click it (the engineer hears when removal is confirmed). */
async function otherApproversTold(deps: UseCaseDeps, request: LockboxRequest, actor: Actor): Promise<OutboxMessage[]> {
  const skip = new Set([actorId(actor), ...lockboxParties(request)]);
  return (await deps.directory.listByRole('approver'))
    .filter((approver) => !skip.has(approver.aadObjectId))
    .map((approver) => ({ type: 'chat.notify', requestId: request.id, userId: approver.aadObjectId, notice: { kind: 'lockboxRevoked' } }));
}

async function systemAction(deps: UseCaseDeps, request: LockboxRequest, command: LockboxCommand, actor: Actor): Promise<LockboxRequest> {
  const decided = decideLockbox(request, command, { actor, now: deps.clock.now(), source: 'timer' });
  await commitRequest(deps, request, decided.request, [decided.event]);
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

/**
 * One hour before the decision deadline, every approver (admins, while a lead reviews) and every backup approver
 * added by an escalation gets a reminder in chat and by mail.
 */
export async function remindApprovers(deps: UseCaseDeps, request: LockboxRequest): Promise<void> {
  const { request: after, event } = recordLockboxSide(request, 'remind', { actor: SYSTEM_SWEEPER, now: deps.clock.now(), source: 'timer' });
  const people = await deciders(deps, request, await deps.directory.listByRole(remindedRole(request)));
  const outbox = [...(await tellDeciders(deps, request, people, 'lockboxReminder', 'reminder')), ...feedFor(request, people, 'approvalReminder')];
  await commitRequest(deps, request, after, [event], { outbox });
}

/** An activity-feed notification for each person who decides `request` now (never the requester). */
async function decidersFeed(deps: UseCaseDeps, request: LockboxRequest, activity: 'approvalNeeded' | 'approvalReminder'): Promise<OutboxMessage[]> {
  return feedFor(request, await deciders(deps, request, await deps.directory.listByRole(remindedRole(request))), activity);
}

function feedFor(request: LockboxRequest, people: readonly Person[], activity: 'approvalNeeded' | 'approvalReminder'): OutboxMessage[] {
  return people.map((person) => ({ type: 'activity.notify', requestId: request.id, userId: person.aadObjectId, activity }));
}

/**
 * Nobody decided within the escalation time: everyone holding the backup role (admin; users or Entra groups give it)
 * is added as a backup approver, may decide on the card, and is told in chat, by mail and in the activity feed. The
 * trail names them.
 */
export async function escalateLockbox(deps: UseCaseDeps, request: LockboxRequest): Promise<void> {
  const backups = await backupApprovers(deps, request);
  const backupIds = backups.map((person) => person.aadObjectId);
  const { request: after, event } = recordLockboxSide(request, { action: 'escalate', backupIds }, { actor: SYSTEM_SWEEPER, now: deps.clock.now(), source: 'timer' });
  const outbox = [...(await tellDeciders(deps, after, backups, 'lockboxEscalated', 'escalated')), ...feedFor(after, backups, 'approvalNeeded')];
  await commitRequest(deps, request, after, [event], { outbox });
}

/** The role whose holders are the backup approvers of an escalation. */
export const LOCKBOX_BACKUP_ROLE = 'admin' as const;

type Decider = Person & { email: string | null };

async function deciders(deps: UseCaseDeps, request: LockboxRequest, byRole: Decider[]): Promise<Decider[]> {
  const known = new Map(byRole.map((person) => [person.aadObjectId, person]));
  if ((request.escalatedTo ?? []).some((id) => !known.has(id))) {
    for (const backup of await backupApprovers(deps, request)) {
      if ((request.escalatedTo ?? []).includes(backup.aadObjectId)) known.set(backup.aadObjectId, backup);
    }
  }
  return [...known.values()].filter((person) => !lockboxParties(request).includes(person.aadObjectId));
}

async function tellDeciders(
  deps: UseCaseDeps,
  request: LockboxRequest,
  people: Decider[],
  kind: 'lockboxReminder' | 'lockboxEscalated',
  occasion: 'reminder' | 'escalated',
): Promise<OutboxMessage[]> {
  const messages: OutboxMessage[] = [];
  for (const person of people) {
    messages.push({ type: 'chat.notify', requestId: request.id, userId: person.aadObjectId, notice: { kind } });
    if (!person.email) continue;
    const language = await languageOfPerson(deps, person.aadObjectId);
    const mail = lockboxApproverMail(request, { timeZone: deps.settings.defaultTimeZone, occasion, language });
    messages.push({ type: 'mail.send', requestId: request.id, mail: { to: { name: person.name, address: person.email }, ...mail, language } });
  }
  return messages;
}

/** The AccessGranter confirmed the grant: the window starts now and its end becomes a deadline. */
export async function confirmLockboxGrant(deps: UseCaseDeps, requestId: string, membership: LockboxMembership = 'added'): Promise<void> {
  const request = await loadLockbox(deps, requestId);
  if (request.access.status !== 'granting') return;
  await systemAction(deps, request, { action: 'confirmGrant', membership }, SYSTEM_DISPATCHER);
}

/** The grant could not be made (a permission missing, or given up): the request ends and requester and approver are told why. */
export async function failLockboxGrant(deps: UseCaseDeps, requestId: string, problem: Problem): Promise<void> {
  const request = await loadLockbox(deps, requestId);
  if (request.state !== 'approved' || request.access.status !== 'granting') return;
  // The ledger must not count a failed grant as running: later requests of the same person would "share" it.
  await deps.grants.recordRevoke(request.id, deps.clock.now());
  await systemAction(deps, request, { action: 'failGrant', problem }, SYSTEM_DISPATCHER);
}

/** A grant given up halfway was checked in the directory: the trail (and the REST API) say what Doorman found and did. */
export async function recordGrantReconciled(deps: UseCaseDeps, requestId: string, outcome: LockboxReconciled): Promise<void> {
  // What was done in the directory is not done again: a concurrent side event (a delivery failure) only means read again.
  for (let attempt = 1; ; attempt += 1) {
    const request = await loadLockbox(deps, requestId);
    if ((request.access.reconciled ?? null) !== null) return;
    const { request: after, event } = recordLockboxSide(request, { action: 'reconcile', outcome }, { actor: SYSTEM_DISPATCHER, now: deps.clock.now(), source: 'timer' });
    try {
      await commitRequest(deps, request, after, [event]);
      return;
    } catch (error) {
      if (!isDoormanError(error, 'REQUEST.STALE_VERSION') || attempt >= 3) throw error;
    }
  }
}

/** The AccessGranter confirmed the removal (or the membership was rightly kept): only now does the request reach `ended`. */
export async function confirmLockboxRemoval(deps: UseCaseDeps, requestId: string, kept: LockboxKept | null = null): Promise<void> {
  const request = await loadLockbox(deps, requestId);
  if (request.state !== 'approved' || request.access.status !== 'removing') return;
  await systemAction(deps, withAccessRemoved(request, deps.clock.now()), { action: 'end', kept }, SYSTEM_DISPATCHER);
}

/** An admin changes the lockbox settings; turning approval off tells every approver at once. */
export async function saveLockboxSettings(
  deps: UseCaseDeps,
  actor: Actor,
  asked: Omit<LockboxSettings, 'updatedBy' | 'updatedAt' | 'scopes' | 'backupApproverIds' | 'retentionDays' | keyof AssistLimits> &
    Partial<AssistLimits> & { backupApproverIds?: string[]; retentionDays?: number },
): Promise<LockboxSettings> {
  if (actor.type !== 'person' || !mayAdminister(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  const current = await deps.lockboxSettings.getLockboxSettings();
  // A form without the assistance fields or backup approvers (an older card) leaves them as they are.
  const { backupApproverIds: askedBackups, ...limits } = asked;
  const next: Omit<LockboxSettings, 'updatedBy' | 'updatedAt' | 'scopes' | 'backupApproverIds'> = {
    ...limits,
    assistUnansweredHours: asked.assistUnansweredHours ?? current.assistUnansweredHours,
    assistAllowMinutes: asked.assistAllowMinutes ?? current.assistAllowMinutes,
    retentionDays: asked.retentionDays ?? current.retentionDays,
    // The invitation profiles are not on this form: they stay as they are.
    permissionProfiles: current.permissionProfiles,
  };
  const backupApproverIds = askedBackups === undefined ? current.backupApproverIds : [...new Set(askedBackups)];
  const problems = [
    ...lockboxLimitProblems(next),
    ...assistLimitProblems(next),
    ...retentionProblems(next.retentionDays),
    ...(await backupApproverProblems(deps, backupApproverIds)),
  ];
  if (problems.length > 0) throw new DoormanError('INPUT.INVALID', 'limits out of range', problems);
  const now = deps.clock.now();
  const saved: LockboxSettings = { ...next, scopes: current.scopes, backupApproverIds, updatedBy: actor.person.name, updatedAt: now };
  const changes: SettingChange[] = (Object.keys(next) as (keyof typeof next)[])
    .filter((key): key is SettingChange['key'] => key !== 'permissionProfiles' && current[key] !== next[key])
    .map((key) => ({ key, from: current[key], to: next[key] }));
  const backupChange = await backupApproversChange(deps, current.backupApproverIds, backupApproverIds);
  if (changes.length === 0 && backupChange === undefined) return current;
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
  await deps.lockboxSettings.saveLockboxSettings(saved, { actorId: actorId(actor), at: now, change: encodeSettingChanges(changes, backupChange) }, outbox);
  deps.logger.info({ actor: actorId(actor), changes }, 'lockbox settings changed');
  deps.wakeDispatcher();
  return saved;
}

const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Backup approvers must be people the directory knows (Entra object ids), still in the organisation. */
async function backupApproverProblems(deps: UseCaseDeps, ids: readonly string[]): Promise<FieldProblem[]> {
  if (ids.some((id) => !ENTRA_OBJECT_ID.test(id))) return [{ field: 'backupApproverIds', problem: 'invalid' }];
  for (const id of ids) {
    const profile = await deps.directory.profileOf(id);
    if (profile === null || profile.state === 'left') return [{ field: 'backupApproverIds', problem: 'unknownPerson' }];
  }
  return [];
}

async function backupApproversChange(deps: UseCaseDeps, before: readonly string[], after: readonly string[]): Promise<BackupApproversChange | undefined> {
  const added = after.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !after.includes(id));
  if (added.length === 0 && removed.length === 0) return undefined;
  const named = (ids: string[]) => Promise.all(ids.map(async (id) => (await deps.directory.displayName(id)) ?? UNKNOWN_PERSON));
  return { added: await named(added), removed: await named(removed) };
}

/** Everyone holding the admin role, and the backup approvers listed in the settings (the requester never). */
async function backupApprovers(deps: UseCaseDeps, request: LockboxRequest): Promise<Decider[]> {
  const byId = new Map((await deps.directory.listByRole(LOCKBOX_BACKUP_ROLE)).map((person) => [person.aadObjectId, person]));
  for (const id of (await deps.lockboxSettings.getLockboxSettings()).backupApproverIds) {
    if (byId.has(id)) continue;
    const profile = await deps.directory.profileOf(id);
    if (profile && profile.state !== 'left') byId.set(id, { aadObjectId: id, name: profile.displayName, email: profile.email });
  }
  return [...byId.values()].filter((person) => !lockboxParties(request).includes(person.aadObjectId));
}

/** What each lockbox deadline runs when it falls due (the sweeper's table). */
export const LOCKBOX_DEADLINE_HANDLERS: Record<LockboxDeadlineKind, (deps: UseCaseDeps, request: LockboxRequest) => Promise<unknown>> = {
  expire: expireLockbox,
  remind: remindApprovers,
  escalate: escalateLockbox,
  elapse: elapseLockbox,
};
