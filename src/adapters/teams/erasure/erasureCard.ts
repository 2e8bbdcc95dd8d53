import { ErasureView } from '../../../application/oversight/erasure';
import { TextKey, textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';
import { adaptiveCard, executeAction, factSet, heading, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';

const SETTLED_KEYS: Readonly<Record<Exclude<ErasureView['state'], 'pending' | 'done'>, TextKey>> = {
  confirmed: 'erasure.confirmed',
  cancelled: 'erasure.cancelled',
};

/**
 * The admin's erasure of a person, in every state: pending (what would be erased, Confirm / Cancel), confirmed
 * (under way), done (how many requests were erased, and the pseudonym they read as now) or cancelled. Card data is
 * only the pointer `{ requestId: erasure id, version }`; the subject comes from the store. In the admin's language.
 */
export function erasureCard(view: ErasureView, language: Language = 'en'): AdaptiveCard {
  const texts = textsFor(language);
  const pointer = { requestId: view.erasureId, version: view.version };
  const pseudonym = escapeMarkdown(view.pseudonym);
  if (view.state === 'pending') {
    const who = escapeMarkdown(view.subject ?? '');
    const found = texts.plural('erasure.found', view.requestCount);
    return adaptiveCard(
      [
        heading(texts.t('erasure.askTitle'), 'erasureTitle'),
        textBlock(texts.t('erasure.explain', { found, who, pseudonym }), { id: 'erasureText', spacing: 'small' }),
        factSet(
          [
            [texts.t('erasure.fact.person'), who],
            [texts.t('erasure.fact.requests'), String(view.requestCount)],
            [texts.t('erasure.fact.pseudonym'), pseudonym],
          ],
          'erasureFacts',
        ),
      ],
      [
        executeAction(texts.t('erasure.confirm'), 'erasure.confirm', pointer, 'confirm', 'destructive'),
        executeAction(texts.t('erasure.cancel'), 'erasure.cancel', pointer, 'cancel'),
      ],
    );
  }
  const text = view.state === 'done' ? texts.plural('erasure.done', view.requestCount, { pseudonym }) : texts.t(SETTLED_KEYS[view.state]);
  return adaptiveCard([heading(texts.t('erasure.title'), 'erasureTitle'), textBlock(text, { id: 'erasureText', spacing: 'small' })]);
}
