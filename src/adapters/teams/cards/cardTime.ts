import { textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';
import { usableTimeZone } from '../../../application/shared/zonedTime';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A moment as an agent reads it on a card, in `timeZone` and `language`: "Fri 5 Dec, 14:00", "Fr., 5. Dez., 14:00"
 * (with the year when not this year). The card names the zone once ("Times in Europe/Berlin.").
 */
export function cardTime(moment: Date, timeZone: string, now: Date, language: Language = 'en'): string {
  const zone = usableTimeZone(timeZone);
  if (language !== 'en') {
    const thisYear = partsIn(moment, zone)('year') === yearOfNow(now, zone);
    return localFormatterFor(language, zone, thisYear).format(moment);
  }
  const part = partsIn(moment, zone);
  // Assembled from parts: the punctuation of a whole formatted date differs between ICU versions.
  const year = part('year') === yearOfNow(now, zone) ? '' : ` ${part('year')}`;
  return `${part('weekday')} ${part('day')} ${part('month')}${year}, ${part('hour')}:${part('minute')}`;
}

/** A moment with its distance from now: "Fri 5 Dec, 14:00 (in 3 h)". */
export function cardTimeWithDistance(moment: Date, timeZone: string, now: Date, language: Language = 'en'): string {
  return `${cardTime(moment, timeZone, now, language)} (${relativeTime(moment, now, language)})`;
}

/** How far a moment is from now, roughly: "in 3 h", "in 25 min", "2 d ago", "in less than a minute" (plural-aware). */
export function relativeTime(moment: Date, now: Date, language: Language = 'en'): string {
  const texts = textsFor(language);
  const delta = moment.getTime() - now.getTime();
  const distance = Math.abs(delta);
  const ahead = delta >= 0;
  if (distance < MINUTE) return texts.t(ahead ? 'time.lessThanMinute' : 'time.justNow');
  const minutes = Math.round(distance / MINUTE);
  const hours = Math.round(distance / HOUR);
  if (minutes < 60) return texts.plural(ahead ? 'time.inMinutes' : 'time.minutesAgo', minutes);
  if (hours < 48) return texts.plural(ahead ? 'time.inHours' : 'time.hoursAgo', hours);
  return texts.plural(ahead ? 'time.inDays' : 'time.daysAgo', Math.round(distance / DAY));
}

function partsIn(moment: Date, timeZone: string): (type: Intl.DateTimeFormatPartTypes) => string {
  const parts = formatterFor(timeZone).formatToParts(moment);
  return (type) => parts.find((part) => part.type === type)?.value ?? '';
}

// A card shows several times against the same `now`: the year of now in a zone is worked out once per minute of
// now (zone offsets are whole minutes), not once per time shown (formatToParts was 1 % of a card action's CPU).
const YEAR_OF_NOW = new Map<string, { minute: number; year: string }>();

function yearOfNow(now: Date, timeZone: string): string {
  const minute = Math.floor(now.getTime() / MINUTE);
  const known = YEAR_OF_NOW.get(timeZone);
  if (known?.minute === minute) return known.year;
  const year = partsIn(now, timeZone)('year');
  if (known || YEAR_OF_NOW.size < 1000) YEAR_OF_NOW.set(timeZone, { minute, year });
  return year;
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

const LOCAL_FORMATTERS = new Map<string, Intl.DateTimeFormat>();

// Other languages take their own order and punctuation from Intl ("Fr., 5. Dez., 14:00", "ven. 5 déc., 14:00").
function localFormatterFor(language: Language, timeZone: string, thisYear: boolean): Intl.DateTimeFormat {
  const key = `${language} ${timeZone} ${thisYear}`;
  let formatter = LOCAL_FORMATTERS.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(language, {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      ...(thisYear ? {} : { year: 'numeric' }),
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    if (LOCAL_FORMATTERS.size < 1000) LOCAL_FORMATTERS.set(key, formatter);
  }
  return formatter;
}
