import type { Language } from '../languages';
import { de } from './de';
import { en, TabMessages } from './en';
import { fr } from './fr';
import { hu } from './hu';
import { nl } from './nl';

export type { TabMessages } from './en';

/** The Requests tab's catalogue of every supported language. */
export const TAB_MESSAGES: Readonly<Record<Language, TabMessages>> = { en, de, fr, nl, hu };

/** The Requests tab's texts in one language. */
export function tabMessages(language: Language): TabMessages {
  return TAB_MESSAGES[language];
}
