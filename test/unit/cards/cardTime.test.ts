import { cardTime, cardTimeWithDistance, relativeTime } from '../../../src/adapters/teams/cards/cardTime';

const NOW = new Date('2030-03-04T10:00:00.000Z');
const at = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * 60_000);

describe('cardTime', () => {
  it('writes the moment in the agent time zone, 24-hour clock', () => {
    expect(cardTime(new Date('2030-03-04T13:00:00Z'), 'Europe/Berlin', NOW)).toBe('Mon 4 Mar, 14:00');
    expect(cardTime(new Date('2030-03-04T13:00:00Z'), 'America/New_York', NOW)).toBe('Mon 4 Mar, 08:00');
  });

  it('adds the year only when it is not this year', () => {
    expect(cardTime(new Date('2031-01-02T08:30:00Z'), 'UTC', NOW)).toBe('Thu 2 Jan 2031, 08:30');
  });

  it('falls back to UTC for a time zone the runtime does not know', () => {
    expect(cardTime(new Date('2030-03-04T13:00:00Z'), 'Mars/Olympus_Mons', NOW)).toBe('Mon 4 Mar, 13:00');
  });

  it('adds the distance from now', () => {
    expect(cardTimeWithDistance(at(180), 'Europe/Berlin', NOW)).toBe('Mon 4 Mar, 14:00 (in 3 h)');
  });
});

describe('relativeTime', () => {
  it.each([
    [0.5, 'in less than a minute'],
    [-0.5, 'just now'],
    [25, 'in 25 min'],
    [59.7, 'in 1 h'],
    [180, 'in 3 h'],
    [170, 'in 3 h'],
    [47 * 60, 'in 47 h'],
    [3 * 24 * 60, 'in 3 d'],
    [-90, '2 h ago'],
    [-2 * 24 * 60, '2 d ago'],
  ])('%d minutes from now is "%s"', (minutes, text) => {
    expect(relativeTime(at(minutes), NOW)).toBe(text);
  });
});

describe('card times cost no formatter per render', () => {
  it('builds no Intl.DateTimeFormat again for a zone it has seen (building one costs more than a whole card)', () => {
    const now = new Date('2030-03-04T09:00:00.000Z');
    cardTime(new Date('2030-03-05T14:00:00.000Z'), 'Asia/Kathmandu', now);
    const built = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      for (let i = 0; i < 20; i += 1) cardTime(new Date(now.getTime() + i * 3_600_000), 'Asia/Kathmandu', now);
      expect(built).not.toHaveBeenCalled();
    } finally {
      built.mockRestore();
    }
  });

  it('works out the year of now once for the many times a card shows against it', () => {
    const now = new Date('2030-03-04T09:00:00.000Z');
    cardTime(now, 'Asia/Kathmandu', now);
    const formatted = jest.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      for (let i = 0; i < 5; i += 1) cardTime(new Date(now.getTime() + i * 3_600_000), 'Asia/Kathmandu', now);
      expect(formatted).toHaveBeenCalledTimes(5);
    } finally {
      formatted.mockRestore();
    }
  });

  it('knows the new year has come in the zone when now moves past it (Kathmandu is UTC+5:45)', () => {
    const moment = new Date('2031-01-02T06:00:00.000Z');
    expect(cardTime(moment, 'Asia/Kathmandu', new Date('2030-12-31T18:14:00.000Z'))).toBe('Thu 2 Jan 2031, 11:45');
    expect(cardTime(moment, 'Asia/Kathmandu', new Date('2030-12-31T18:15:00.000Z'))).toBe('Thu 2 Jan, 11:45');
  });
});
