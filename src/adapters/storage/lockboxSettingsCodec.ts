import { LockboxSettings } from '../../application/ports';
import { parseObject } from './requestCodec';

/** The `settings` row that holds the lockbox settings. */
export const LOCKBOX_SETTINGS_KEY = 'lockbox';

/** What Doorman does before an admin has saved anything: approval required, 4 h default, 24 h max, 12 h to decide. */
export const DEFAULT_LOCKBOX_SETTINGS: Readonly<LockboxSettings> = Object.freeze({
  approvalRequired: true,
  leadReview: false,
  defaultDurationMinutes: 240,
  maxDurationMinutes: 1440,
  decisionHours: 12,
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
    updatedAt: merged.updatedAt === null || merged.updatedAt === undefined ? null : new Date(merged.updatedAt as string),
  };
}
