import { SUPPORTED_LANGUAGES } from '../../../src/application/i18n/languages';
import {
  PORTAL_ERROR_KEYS,
  PORTAL_STRINGS,
  portalErrorText,
  portalStrings,
} from '../../../src/application/i18n/portalStrings';

const placeholders = (text: string): string[] => (text.match(/\{\w+\}/g) ?? []).sort();
const englishKeys = Object.keys(PORTAL_STRINGS.en).sort();

describe('portal strings', () => {
  it.each(SUPPORTED_LANGUAGES.filter((language) => language !== 'en'))(
    '%s has exactly the English keys',
    (language) => {
      expect(Object.keys(PORTAL_STRINGS[language]).sort()).toEqual(englishKeys);
    },
  );

  it.each(SUPPORTED_LANGUAGES)('%s has no empty text and the same {placeholders} as English', (language) => {
    const strings = portalStrings(language);
    for (const key of englishKeys) {
      const value = strings[key as keyof typeof strings];
      expect({ key, empty: value.trim() === '' }).toEqual({ key, empty: false });
      expect({ key, placeholders: placeholders(value) }).toEqual({
        key,
        placeholders: placeholders(PORTAL_STRINGS.en[key as keyof typeof strings]),
      });
    }
  });

  it.each(SUPPORTED_LANGUAGES.filter((language) => language !== 'en'))(
    '%s is translated, not copied from English',
    (language) => {
      const same = englishKeys.filter(
        (key) => PORTAL_STRINGS[language][key as keyof typeof PORTAL_STRINGS.en] === PORTAL_STRINGS.en[key as keyof typeof PORTAL_STRINGS.en],
      );
      expect(same).toEqual([]);
    },
  );

  it('maps every error code to an existing text', () => {
    for (const key of Object.values(PORTAL_ERROR_KEYS)) expect(englishKeys).toContain(key);
  });

  it('answers error codes with translated text and unknown codes with the generic text', () => {
    const de = portalStrings('de');
    expect(portalErrorText(de, 'LINK.IN_USE')).toBe(de.errorLinkInUse);
    expect(portalErrorText(de, 'RATE.LIMITED')).toBe(de.errorRateLimited);
    expect(portalErrorText(de, 'SOMETHING.ELSE')).toBe(de.errorGeneric);
    expect(portalErrorText(de, 'toString')).toBe(de.errorGeneric);
    expect(portalErrorText(de, null)).toBe(de.errorGeneric);
  });
});
