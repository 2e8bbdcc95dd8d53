import type { Language } from './languages';
import { en } from './messages/en';
import { de } from './messages/de';
import { fr } from './messages/fr';
import { nl } from './messages/nl';
import { hu } from './messages/hu';

/** A text with plural forms, by Intl.PluralRules category; `other` is always there. */
export type PluralText = Readonly<Partial<Record<Exclude<Intl.LDMLPluralRule, 'other'>, string>> & { other: string }>;

/** A key of a text Doorman shows a Teams user (the English catalogue lists them all). */
export type MessageKey = keyof typeof en;

/** A key whose text has plural forms. */
export type PluralKey = { [K in MessageKey]: (typeof en)[K] extends string ? never : K }[MessageKey];

/** A key whose text is one string. */
export type TextKey = Exclude<MessageKey, PluralKey>;

/**
 * Every text in one language: exactly the English keys, so a missing or an extra key fails the typecheck
 * (`const de: Messages = {…}` is checked for excess keys like any object literal).
 */
export type Messages = { readonly [K in MessageKey]: (typeof en)[K] extends string ? string : PluralText };

/** Every catalogue, by language. */
export const MESSAGES: Readonly<Record<Language, Messages>> = { en, de, fr, nl, hu };

/** A language's texts, with its plural rules and number format, for one render. */
export interface Texts {
  language: Language;
  /** The text of `key` with its {placeholders} filled in (values are used as given: escape them first). */
  t(key: TextKey, values?: Readonly<Record<string, string | number>>): string;
  /** The plural form of `key` that `count` needs in this language, with {count} and other placeholders filled in. */
  plural(key: PluralKey, count: number, values?: Readonly<Record<string, string | number>>): string;
}

const TEXTS = new Map<Language, Texts>();

/** The texts of `language` (built once per language). */
export function textsFor(language: Language): Texts {
  let texts = TEXTS.get(language);
  if (!texts) {
    const catalogue = MESSAGES[language];
    const rules = new Intl.PluralRules(language);
    const numbers = new Intl.NumberFormat(language);
    texts = {
      language,
      t: (key, values) => fill(catalogue[key], values),
      plural: (key, count, values) => {
        const forms = catalogue[key];
        return fill(forms[rules.select(count)] ?? forms.other, { ...values, count: numbers.format(count) });
      },
    };
    TEXTS.set(language, texts);
  }
  return texts;
}

/** Fills `{name}` placeholders; a placeholder without a value stays as written, so a missing value shows in tests. */
export function fill(template: string, values: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

/** The {placeholders} a text uses, sorted (the catalogue test compares them across languages). */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1]))].sort();
}

/** Each language's own name, as people pick it from a list. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  nl: 'Nederlands',
  hu: 'Magyar',
};
