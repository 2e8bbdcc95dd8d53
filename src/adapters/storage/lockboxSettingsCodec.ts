import { LockboxSettings } from '../../application/ports';
import { ASSIST_ALLOW_MINUTES, ASSIST_UNANSWERED_HOURS } from '../../domain/assist';
import { DEFAULT_PERMISSION_PROFILES } from '../../domain/invitation';
import { LOCKBOX_DEFAULT_POLICY, ScopeSetting } from '../../domain/lockbox';
import { RETENTION_DAYS } from '../../domain/retention';
import { parseObject } from './requestCodec';

/** The `settings` row that holds the lockbox settings. */
export const LOCKBOX_SETTINGS_KEY = 'lockbox';

/** The settings before an admin has saved anything: the domain's default policy, changed by nobody. */
export const DEFAULT_LOCKBOX_SETTINGS: Readonly<LockboxSettings> = Object.freeze({
  ...LOCKBOX_DEFAULT_POLICY,
  assistUnansweredHours: ASSIST_UNANSWERED_HOURS.default,
  assistAllowMinutes: ASSIST_ALLOW_MINUTES.default,
  retentionDays: RETENTION_DAYS.default,
  permissionProfiles: DEFAULT_PERMISSION_PROFILES.map((profile) => ({ ...profile })),
  scopes: [],
  backupApproverIds: [],
  updatedBy: null,
  updatedAt: null,
});

/** The JSON stored in `settings.value`. */
export function encodeLockboxSettings(settings: LockboxSettings): string {
  return JSON.stringify(settings);
}

/** Reads `settings.value`; a setting added after the row was saved reads as its default. */
export function decodeLockboxSettings(value: unknown): LockboxSettings {
  const stored = parseObject(value) as Partial<Record<keyof LockboxSettings, unknown>>;
  const merged = { ...DEFAULT_LOCKBOX_SETTINGS, ...stored } as Record<keyof LockboxSettings, unknown>;
  return {
    ...(merged as unknown as LockboxSettings),
    scopes: Array.isArray(merged.scopes) ? merged.scopes.filter(isScopeSetting) : [],
    backupApproverIds: Array.isArray(merged.backupApproverIds) ? merged.backupApproverIds.filter((id): id is string => typeof id === 'string') : [],
    updatedAt: merged.updatedAt === null || merged.updatedAt === undefined ? null : new Date(merged.updatedAt as string),
  };
}

/** A stored scope as written by `settings`; anything else in the row is left out rather than guessed at. */
function isScopeSetting(value: unknown): value is ScopeSetting {
  const scope = value as Partial<Record<keyof ScopeSetting, unknown>> | null;
  return (
    typeof scope === 'object' &&
    scope !== null &&
    typeof scope.id === 'string' &&
    typeof scope.name === 'string' &&
    typeof scope.description === 'string' &&
    (scope.groupId === null || typeof scope.groupId === 'string')
  );
}
