/** Offset of `timeZone` from UTC at `instant`, in minutes (positive east of Greenwich). */
export function timeZoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  // Building an Intl.DateTimeFormat costs more than rendering a whole card: each zone is asked once.
  const known = KNOWN_ZONES.get(timeZone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    valid = true;
  } catch {
    valid = false;
  }
  if (KNOWN_ZONES.size < 1000) KNOWN_ZONES.set(timeZone, valid);
  return valid;
}

const KNOWN_ZONES = new Map<string, boolean>();

/** `timeZone` when the runtime knows it, else UTC: a bad setting then shows true times, labelled UTC. */
export function usableTimeZone(timeZone: string): string {
  return isTimeZone(timeZone) ? timeZone : 'UTC';
}

/**
 * The instant a wall-clock date and time (`2026-11-21`, `14:30`) names in `timeZone`, or null when the text is not
 * a date/time. Card inputs give local wall-clock values; Teams tells the user's zone in `localTimezone`.
 */
export function zonedWallClockToInstant(date: string, time: string, timeZone: string): Date | null {
  const dateMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const timeMatch = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(time.trim() === '' ? '00:00' : time.trim());
  if (!dateMatch || !timeMatch) return null;
  const [year, month, day] = [Number(dateMatch[1]), Number(dateMatch[2]), Number(dateMatch[3])];
  const [hour, minute] = [Number(timeMatch[1]), Number(timeMatch[2])];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(wall);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  // Two passes: the offset at the guessed instant can differ from the offset at the real one around DST changes.
  let instant = wall - timeZoneOffsetMinutes(new Date(wall), timeZone) * 60000;
  instant = wall - timeZoneOffsetMinutes(new Date(instant), timeZone) * 60000;
  return new Date(instant);
}
