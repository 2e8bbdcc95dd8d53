import { PermissionProfile } from '../../domain/invitation';
import { OutboxMessage } from './outboxStore';
import { ScopeSetting } from '../../domain/lockbox';

/**
 * Settings an admin changes with the `settings` card (lockbox, and the assistance deadlines); every change is
 * audited. A setting added after a row was saved reads as its default.
 */
export interface LockboxSettings {
  approvalRequired: boolean;
  leadReview: boolean;
  defaultDurationMinutes: number;
  maxDurationMinutes: number;
  decisionHours: number;
  /** Assist: hours a request waits for a helper before it expires unanswered (default 4). */
  assistUnansweredHours: number;
  /** Assist: minutes the user has to allow control once a helper accepted. */
  assistAllowMinutes: number;
  /** Hours undecided before backup approvers (everyone holding the admin role) are added and told; 0: off. */
  escalationHours: number;
  /** Days after a request ended before its personal data is erased (RETENTION_DAYS; default 90). */
  retentionDays: number;
  /** Invitation: the permission profiles an inviter picks from (absent: the defaults, View only / Collaborate / Full control). */
  permissionProfiles?: PermissionProfile[];
  /** Access scopes admins added in `settings`, offered after the configured ones (LOCKBOX_SCOPES). */
  scopes: ScopeSetting[];
  /** Backup approvers of an escalation besides everyone holding the admin role: Entra object ids. */
  backupApproverIds: string[];
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** Lockbox settings and the audit of their changes. */
export interface SettingsStore {
  getLockboxSettings(): Promise<LockboxSettings>;
  /**
   * Saves settings and appends the audit line of who changed what, in one transaction with the outbox rows.
   * `change` is auditTrail's encodeSettingChanges JSON (rows written before it read "key: a → b; …").
   */
  saveLockboxSettings(settings: LockboxSettings, audit: { actorId: string; at: Date; change: string }, outbox: OutboxMessage[]): Promise<void>;
  settingsEvents(): Promise<{ actorId: string; at: Date; change: string }[]>;
}
