import { ActivityKind } from './activityFeed';
import { ChatReach } from './conversationStore';
import { OutgoingMail } from './mailer';

/** Who a new card is posted for. */
export type CardTarget =
  | { role: 'queue'; queueId: string }
  | { role: 'agent'; userId: string }
  | { role: 'requester'; userId: string };

/** Work the dispatcher delivers after the transaction that caused it has committed. */
export type OutboxMessage =
  | { type: 'card.post'; requestId: string; target: CardTarget }
  | { type: 'card.update'; requestId: string; version: number }
  | { type: 'thread.mention'; requestId: string; event: ThreadMentionEvent }
  | { type: 'mail.send'; requestId: string; mail: OutgoingMail }
  | { type: 'meeting.create'; requestId: string; generation: number }
  | { type: 'meeting.delete'; requestId: string; generation: number; meetingId: string }
  | { type: 'meeting.lobby'; requestId: string; meetingId: string; open: boolean }
  /** A chat message (a card) into a person's personal chat: decisions for requesters, reminders for approvers. */
  | { type: 'chat.notify'; requestId: string | null; userId: string; notice: ChatNotice }
  | { type: 'access.grant'; requestId: string }
  | { type: 'access.revoke'; requestId: string }
  /** A signed webhook: the body is fixed at commit time so every retry sends the same bytes. */
  | { type: 'webhook'; requestId: string; url: string; body: string }
  /** A Teams activity-feed notification for one person who must act; its words are drawn at delivery from the request. */
  | { type: 'activity.notify'; requestId: string; userId: string; activity: ActivityKind }
  /** Reaching a person with no chat yet, step 1: install Doorman in their personal scope (already installed is fine). */
  | { type: 'chat.install'; requestId: null; userId: string }
  /** Step 2: find the installation's chat and open the one-to-one conversation, recorded like a chat from an activity. */
  | { type: 'chat.open'; requestId: null; userId: string }
  /** Starts a device action a helper confirmed (assist: Intune `rebootNow` / `syncDevice`). */
  | { type: 'device.action'; requestId: string; actionId: string }
  /** Reads a started device action's status; waits and reads again (no attempt spent) until it settles. */
  | { type: 'device.status'; requestId: string; actionId: string }
  /**
   * Invitation: adds the accepted colleague to the meeting with their profile's role, or changes it (idempotent).
   * `meetingId` keys the lane: one meeting's changes run one after another (rows written before it: the invitation's).
   */
  | { type: 'participant.set'; requestId: string; version: number; meetingId?: string }
  /** Invitation: takes a removed colleague out of the meeting (idempotent); laned by meeting like `participant.set`. */
  | { type: 'participant.remove'; requestId: string; meetingId?: string }
  /** The parent (session or assistance request) stopped being connected: its pending and joined invitations end. */
  | { type: 'invitations.end'; requestId: string };

/** What a reply in a queue thread tells the channel. */
export type ThreadMentionEvent = 'customerWaiting' | 'customerReady' | 'assistRequested';

/** What a chat notification says; the Teams adapter renders it in the person's time zone. */
export type ChatNotice =
  | { kind: 'lockboxDecision' }
  | { kind: 'lockboxReminder' }
  | { kind: 'lockboxEnded' }
  /** What just happened to an assistance request, told to the requester or the helper. */
  | { kind: 'assistUpdate'; about: string }
  /** The grant failed: requester and approver are told why. */
  | { kind: 'lockboxGrantFailed' }
  /** An approver revoked running access: the other approvers are told. */
  | { kind: 'lockboxRevoked' }
  /** Undecided too long: a backup approver is told they may decide now. */
  | { kind: 'lockboxEscalated' }
  | { kind: 'approvalSetting'; approvalRequired: boolean; changedBy: string; changedAt: string }
  /** What just happened to an invitation, told to the inviter (answers, expiry) or the invitee (cancel, removal). */
  | { kind: 'invitationUpdate'; about: string };

/** The outbox as an operator sees it (metrics, `doctor`): nothing given up may go unnoticed. */
export interface OutboxHealth {
  pending: number;
  /** Seconds the oldest pending row has waited since it was written; 0 when nothing is pending. */
  oldestPendingSeconds: number;
  /** Rows given up (status `failed`), by message type. */
  failedByType: Record<string, number>;
}

/** Messages for one person that cannot reach them: they have no personal chat with Doorman. */
export interface UnreachablePerson {
  userId: string;
  /** Where opening a chat for them stands (being opened, or not possible and why); null when never tried. */
  reach: ChatReach | null;
  /** Cards and notices still being retried. */
  pending: number;
  /** Cards and notices given up. */
  failed: number;
}

/** An outbox row given up for good, as `doctor` shows it. */
export interface FailedDelivery {
  id: number;
  type: OutboxMessage['type'];
  requestId: string | null;
  attempts: number;
  error: string | null;
  failedAt: Date;
}

/** A stored outbox row as the dispatcher sees it. */
export interface OutboxItem {
  id: number;
  message: OutboxMessage;
  attempts: number;
  createdAt: Date;
}

/** The outbox the dispatcher drains; rows are written by `RequestStore.commit` and `SettingsStore.saveLockboxSettings`. */
export interface OutboxStore {
  /**
   * Claims up to `limit` due outbox rows for `leaseMs`, so that other instances skip them; each claim counts an
   * attempt. `types` limits the claim to those message types (access changes have their own lane).
   */
  claimOutbox(now: Date, limit: number, leaseMs: number, types?: readonly OutboxMessage['type'][]): Promise<OutboxItem[]>;
  completeOutbox(id: number): Promise<void>;
  /** A failed attempt: the row is due again at `nextAttemptAt`, the attempt stays counted. */
  retryOutbox(id: number, nextAttemptAt: Date, error: string): Promise<void>;
  /**
   * Throttled, or handed back unfinished at shutdown: the row is due again at `nextAttemptAt` and the claim's attempt
   * is given back, so waiting never brings a message closer to being given up. The last real error is kept.
   */
  deferOutbox(id: number, nextAttemptAt: Date): Promise<void>;
  /** Gives up on a row (kept for inspection, never retried). */
  failOutbox(id: number, error: string): Promise<void>;
  /** The newest rows given up, newest first, with why: what `doctor` lists. */
  failedOutbox(limit: number): Promise<FailedDelivery[]>;
  pendingOutboxCount(): Promise<number>;
  /** The outbox as an operator sees it: backlog, age of the oldest waiting row, rows given up by message type. */
  outboxHealth(now: Date): Promise<OutboxHealth>;
  /**
   * People with no personal chat with Doorman who have cards or notices waiting or given up, or for whom opening a
   * chat failed (for `doctor`).
   */
  unreachablePeople(): Promise<UnreachablePerson[]>;
  /** Queues messages that belong to no request's transaction (the next step of opening a person's chat), due at `at`. */
  queueOutbox(messages: readonly OutboxMessage[], at: Date): Promise<void>;
  /**
   * Deletes up to `limit` delivered rows (status `done`) completed before `deliveredBefore`; returns how many. Rows
   * given up stay (`doctor` lists them), and so does every row still pending.
   */
  pruneOutbox(deliveredBefore: Date, limit: number): Promise<number>;
}
