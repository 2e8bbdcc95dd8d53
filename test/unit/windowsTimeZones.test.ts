import { WINDOWS_ZONE_NAMES, ianaTimeZone } from '../../src/adapters/graph/windowsTimeZones';
import { timeZoneOffsetMinutes } from '../../src/application/shared/zonedTime';

// Graph's mailboxSettings.timeZone is a Windows name by default, an IANA name where the admin set that up.
describe('a mailbox time zone as an IANA zone Intl knows', () => {
  test.each([
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['Eastern Standard Time', 'America/New_York'],
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['GMT Standard Time', 'Europe/London'],
    ['Tokyo Standard Time', 'Asia/Tokyo'],
    ['India Standard Time', 'Asia/Kolkata'],
    ['AUS Eastern Standard Time', 'Australia/Sydney'],
    ['Central Europe Standard Time', 'Europe/Budapest'],
    ['UTC', 'Etc/UTC'],
    ['UTC+12', 'Etc/GMT-12'],
    ['Dateline Standard Time', 'Etc/GMT+12'],
    ['w. europe standard time', 'Europe/Berlin'],
    ['  Romance Standard Time  ', 'Europe/Paris'],
  ])('Windows %j → %s', (windows, iana) => {
    expect(ianaTimeZone(windows)).toBe(iana);
  });

  test.each([['Europe/Berlin'], ['America/Sao_Paulo'], ['Asia/Kolkata']])('IANA %s is kept', (iana) => {
    expect(ianaTimeZone(iana)).toBe(iana);
  });

  test.each([[null], [undefined], [''], ['   '], ['Customized Time Zone'], ['Mars/Olympus_Mons'], ['EST5EDT; DROP']])('%j is not a zone: null, so the caller falls back', (value) => {
    expect(ianaTimeZone(value)).toBeNull();
  });

  test('every Windows name in the table maps to a zone this runtime knows', () => {
    expect(WINDOWS_ZONE_NAMES.length).toBeGreaterThan(130);
    for (const name of WINDOWS_ZONE_NAMES) expect([name, ianaTimeZone(name)]).toEqual([name, expect.any(String)]);
  });

  test('the mapped zone has the Windows zone offset (UTC+1 in January, +2 in July for W. Europe; -5/-4 for Eastern)', () => {
    const zone = (windows: string) => ianaTimeZone(windows) as string;
    expect(timeZoneOffsetMinutes(new Date('2030-01-15T12:00:00Z'), zone('W. Europe Standard Time'))).toBe(60);
    expect(timeZoneOffsetMinutes(new Date('2030-07-15T12:00:00Z'), zone('W. Europe Standard Time'))).toBe(120);
    expect(timeZoneOffsetMinutes(new Date('2030-01-15T12:00:00Z'), zone('Eastern Standard Time'))).toBe(-300);
    expect(timeZoneOffsetMinutes(new Date('2030-07-15T12:00:00Z'), zone('Eastern Standard Time'))).toBe(-240);
  });
});
