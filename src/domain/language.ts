/** Languages Doorman speaks to customers and in mail. */
export type Language = 'en' | 'de' | 'fr' | 'nl' | 'hu';

/** Every supported language, English first (the fallback). */
export const SUPPORTED_LANGUAGES: readonly Language[] = ['en', 'de', 'fr', 'nl', 'hu'];

/** True when `value` names a supported language. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}
