import { MESSAGES, MessageKey, fill, placeholdersOf, textsFor } from '../../../src/application/i18n/messages';
import { SUPPORTED_LANGUAGES } from '../../../src/domain/language';

const KEYS = Object.keys(MESSAGES.en) as MessageKey[];
const forms = (value: unknown): string[] => (typeof value === 'string' ? [value] : Object.values(value as Record<string, string>));

describe('message catalogues', () => {
  // The type already refuses a missing or an extra key; this says so at run time too (a cast could hide one).
  it.each(SUPPORTED_LANGUAGES)('%s has exactly the English keys, none empty', (language) => {
    expect(Object.keys(MESSAGES[language]).sort()).toEqual([...KEYS].sort());
    const empty = KEYS.filter((key) => forms(MESSAGES[language][key]).some((text) => text.trim() === ''));
    expect(empty).toEqual([]);
  });

  it.each(SUPPORTED_LANGUAGES)('%s uses the same {placeholders} as English in every text and form', (language) => {
    const mismatched = KEYS.filter((key) => {
      const expected = placeholdersOf(forms(MESSAGES.en[key]).join(' '));
      return forms(MESSAGES[language][key]).some((text) => placeholdersOf(text).join() !== expected.join());
    });
    expect(mismatched).toEqual([]);
  });

  it.each(SUPPORTED_LANGUAGES)('%s gives plural texts only forms its plural rules know, always `other`', (language) => {
    const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories as string[];
    for (const key of KEYS) {
      const value = MESSAGES[language][key];
      if (typeof value === 'string') {
        expect(typeof MESSAGES.en[key]).toBe('string');
        continue;
      }
      expect(Object.keys(value).every((category) => categories.includes(category))).toBe(true);
      expect(value.other).toBeDefined();
    }
  });

  // Written for each language, not copied: nearly every text differs from English (the rest are names of things).
  it.each(SUPPORTED_LANGUAGES.filter((language) => language !== 'en'))('%s is translated, not copied', (language) => {
    const same = KEYS.filter((key) => JSON.stringify(MESSAGES[language][key]) === JSON.stringify(MESSAGES.en[key]));
    expect(same.length / KEYS.length).toBeLessThan(0.03);
  });

  it('picks the plural form by each language’s rules and formats the number in it', () => {
    expect(textsFor('en').plural('duration.hours', 1)).toBe('1 hour');
    expect(textsFor('en').plural('duration.hours', 2)).toBe('2 hours');
    expect(textsFor('de').plural('time.inDays', 1)).toBe('in 1 Tag');
    expect(textsFor('de').plural('time.inDays', 3)).toBe('in 3 Tagen');
    // French counts 0 and 1 as singular; Hungarian keeps the noun singular after any number.
    expect(textsFor('fr').plural('duration.minutes', 0)).toBe('0 minute');
    expect(textsFor('fr').plural('duration.minutes', 2)).toBe('2 minutes');
    expect(textsFor('hu').plural('duration.minutes', 5)).toBe('5 perc');
    expect(textsFor('de').plural('duration.minutes', 1500)).toBe('1.500 Minuten');
    expect(textsFor('nl').plural('list.more', 3)).toBe('… en nog 3.');
  });

  it('fills placeholders from own values only and leaves an unknown one visible', () => {
    expect(fill('{a} and {b}', { a: 'x' })).toBe('x and {b}');
    expect(fill('{toString}', {})).toBe('{toString}');
  });
});
