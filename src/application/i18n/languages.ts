import { isLanguage, Language } from '../../domain/language';

export { isLanguage, SUPPORTED_LANGUAGES } from '../../domain/language';
export type { Language } from '../../domain/language';

// A hostile Accept-Language header must not cost more than a glance.
const MAX_HEADER_LENGTH = 1024;
const MAX_RANGES = 32;

/** The supported language named by a tag such as `de`, `de-AT` or `NL_be`, or null. */
export function languageOfTag(tag: string | null | undefined): Language | null {
  if (typeof tag !== 'string') return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return isLanguage(primary) ? primary : null;
}

/**
 * The language to speak to a customer: the `?lang=` query parameter first, then the language chosen for the
 * request, then the best Accept-Language match (by q-value, ties in header order), else English.
 */
export function pickLanguage(
  queryLang: string | null | undefined,
  requestLang: string | null | undefined,
  acceptLanguageHeader: string | null | undefined,
): Language {
  return languageOfTag(queryLang) ?? languageOfTag(requestLang) ?? bestAcceptedLanguage(acceptLanguageHeader) ?? 'en';
}

/** The supported language an Accept-Language header prefers most, or null when it accepts none of them. */
export function bestAcceptedLanguage(header: string | null | undefined): Language | null {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_HEADER_LENGTH) return null;
  let best: { language: Language; q: number } | null = null;
  for (const range of header.split(',').slice(0, MAX_RANGES)) {
    const [tagPart, ...params] = range.split(';');
    const language = languageOfTag(tagPart);
    if (language === null) continue;
    const q = qualityOf(params);
    if (q > 0 && (best === null || q > best.q)) best = { language, q };
  }
  return best?.language ?? null;
}

function qualityOf(params: string[]): number {
  for (const param of params) {
    const [key, value] = param.split('=').map((part) => part.trim());
    if (key?.toLowerCase() !== 'q') continue;
    // RFC 9110 qvalue: 0 to 1 with at most three decimals; anything else makes the range unusable.
    if (value === undefined || !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value)) return 0;
    return Number(value);
  }
  return 1;
}
