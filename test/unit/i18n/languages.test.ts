import { bestAcceptedLanguage, isLanguage, languageOfTag, pickLanguage } from '../../../src/application/i18n/languages';

describe('isLanguage', () => {
  it('knows exactly the five languages', () => {
    expect(['en', 'de', 'fr', 'nl', 'hu'].every(isLanguage)).toBe(true);
    expect(isLanguage('es')).toBe(false);
    expect(isLanguage('EN')).toBe(false);
    expect(isLanguage(undefined)).toBe(false);
  });
});

describe('languageOfTag', () => {
  it.each([
    ['de', 'de'],
    ['de-AT', 'de'],
    ['NL_be', 'nl'],
    [' hu ', 'hu'],
    ['es', null],
    ['', null],
    [null, null],
  ])('%p → %p', (tag, expected) => {
    expect(languageOfTag(tag)).toBe(expected);
  });
});

describe('pickLanguage', () => {
  it.each([
    ['query first', 'fr', 'de', 'nl', 'fr'],
    ['query with a region', 'hu-HU', 'de', 'nl', 'hu'],
    ['unsupported query falls through to the request language', 'es', 'de', 'nl', 'de'],
    ['request language before the header', undefined, 'nl', 'de', 'nl'],
    ['header when nothing else', null, null, 'de-DE,de;q=0.9,en;q=0.8', 'de'],
    ['header by q-value, not by order', undefined, undefined, 'en;q=0.5, fr;q=0.9', 'fr'],
    ['header ties go to the first', undefined, undefined, 'nl, de', 'nl'],
    ['header skips unsupported ranges', undefined, undefined, 'es-ES, pt;q=0.9, hu;q=0.2', 'hu'],
    ['header q=0 means not acceptable', undefined, undefined, 'de;q=0, en;q=0.1', 'en'],
    ['header wildcard alone', undefined, undefined, '*', 'en'],
    ['malformed q is ignored', undefined, undefined, 'de;q=abc, fr;q=0.3', 'fr'],
    ['q above 1 is ignored', undefined, undefined, 'de;q=2, nl;q=0.3', 'nl'],
    ['nothing at all', undefined, undefined, undefined, 'en'],
    ['garbage', '<script>', '', ';;;,,,q=', 'en'],
  ])('%s', (_, query, request, header, expected) => {
    expect(pickLanguage(query, request, header)).toBe(expected);
  });

  it('ignores absurdly long headers rather than parsing them', () => {
    expect(bestAcceptedLanguage(`${'x-'.repeat(2000)},de`)).toBeNull();
  });
});
