import { textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';
import { textBlock } from './cardElements';
import { CardElement } from './cardTypes';
import { escapeMarkdown } from './escapeMarkdown';

/**
 * Local mode: who the stand-in activity feed notified about the request (the Playground has no activity feed), so a
 * person trying Doorman sees that production would have told them. Null when nobody was (and always in production).
 */
export function notifiedLine(names: readonly string[] | undefined, language: Language = 'en'): CardElement | null {
  if (!names || names.length === 0) return null;
  const text = textsFor(language).t('card.notified', { names: names.map(escapeMarkdown).join(', ') });
  return textBlock(text, { id: 'notified', isSubtle: true, spacing: 'small' });
}
