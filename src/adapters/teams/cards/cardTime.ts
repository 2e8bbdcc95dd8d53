import { usableTimeZone } from '../../../application/shared/zonedTime';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A moment as an agent reads it on a card, in `timeZone`: "Fri 5 Dec, 14:00" (with the year when not this year). */
export function cardTime(moment: Date, timeZone: string, now: Date): string {
  const zone = usableTimeZone(timeZone);
  const part = partsIn(moment, zone);
  // Assembled from parts: the punctuation of a whole formatted date differs between ICU versions.
  const year = part('year') === partsIn(now, zone)('year') ? '' : ` ${part('year')}`;
  return `${part('weekday')} ${part('day')} ${part('month')}${year}, ${part('hour')}:${part('minute')}`;
}

/** A moment with its distance from now: "Fri 5 Dec, 14:00 (in 3 h)". */
export function cardTimeWithDistance(moment: Date, timeZone: string, now: Date): string {
  return `${cardTime(moment, timeZone, now)} (${relativeTime(moment, now)})`;
}

/** How far a moment is from now, roughly: "in 3 h", "in 25 min", "2 d ago", "in less than a minute". */
export function relativeTime(moment: Date, now: Date): string {
  const delta = moment.getTime() - now.getTime();
  const distance = Math.abs(delta);
  if (distance < MINUTE) return delta >= 0 ? 'in less than a minute' : 'just now';
  const minutes = Math.round(distance / MINUTE);
  const hours = Math.round(distance / HOUR);
  const amount = minutes < 60 ? `${minutes} min` : hours < 48 ? `${hours} h` : `${Math.round(distance / DAY)} d`;
  return delta >= 0 ? `in ${amount}` : `${amount} ago`;
}

function partsIn(moment: Date, timeZone: string): (type: Intl.DateTimeFormatPartTypes) => string {
  const parts = formatterFor(timeZone).formatToParts(moment);
  return (type) => parts.find((part) => part.type === type)?.value ?? '';
}

// One formatter per zone, built once: building one costs more than rendering the rest of a card.
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = FORMATTERS.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    if (FORMATTERS.size < 1000) FORMATTERS.set(timeZone, formatter);
  }
  return formatter;
}
