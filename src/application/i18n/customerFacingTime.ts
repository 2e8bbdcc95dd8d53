import { usableTimeZone } from '../shared/zonedTime';
import type { Language } from './languages';

/**
 * A moment as a customer reads it: full date and short time in their language and time zone, followed by the
 * zone's name, e.g. "Friday, 5 December 2025 at 14:00 (Central European Standard Time)".
 */
export function customerFacingTime(moment: Date, language: Language, timeZone: string): string {
  // An unknown zone falls back to UTC, and the appended zone name then says UTC, so the time stays true.
  const zone = usableTimeZone(timeZone);
  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'full', timeStyle: 'short', timeZone: zone });
  return `${dateTime.format(moment)} (${timeZoneName(moment, language, zone)})`;
}

/** The localized long name of a time zone at a given moment (summer or winter time), e.g. "Mitteleuropäische Sommerzeit". */
export function timeZoneName(moment: Date, language: Language, timeZone: string): string {
  // dateStyle/timeStyle cannot be combined with timeZoneName, so the name is read from a second formatter.
  const parts = new Intl.DateTimeFormat(language, { timeZone, timeZoneName: 'long' }).formatToParts(moment);
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}
