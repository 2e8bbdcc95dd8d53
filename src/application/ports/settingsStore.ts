import { OutboxMessage } from './outboxStore';

/** Lockbox settings an admin changes with the `settings` card; every change is audited. */
export interface LockboxSettings {
  approvalRequired: boolean;
  leadReview: boolean;
  defaultDurationMinutes: number;
  maxDurationMinutes: number;
  decisionHours: number;
  /** Hours undecided before backup approvers (everyone holding the admin role) are added and told; 0: off. */
  escalationHours: number;
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
