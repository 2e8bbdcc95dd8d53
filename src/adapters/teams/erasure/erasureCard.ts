import { ErasureView } from '../../../application/oversight/erasure';
import { adaptiveCard, executeAction, factSet, heading, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';

/**
 * The admin's erasure of a person, in every state: pending (what would be erased, Confirm / Cancel), confirmed
 * (under way), done (how many requests were erased, and the pseudonym they read as now) or cancelled. Card data is
 * only the pointer `{ requestId: erasure id, version }`; the subject comes from the store.
 */
export function erasureCard(view: ErasureView): AdaptiveCard {
  const pointer = { requestId: view.erasureId, version: view.version };
  if (view.state === 'pending') {
    const who = escapeMarkdown(view.subject ?? '');
    const found = view.requestCount === 1 ? '1 request' : `${view.requestCount} requests`;
    return adaptiveCard(
      [
        heading('Erase personal data?', 'erasureTitle'),
        textBlock(
          `Names, e-mail addresses, phone numbers and texts (comments, problem descriptions, reasons) in ${found} of **${who}** ` +
            `will read as **${escapeMarkdown(view.pseudonym)}**; mail not yet sent is dropped. The audit trail stays. This cannot be undone.`,
          { id: 'erasureText', spacing: 'small' },
        ),
        factSet([['Person', who], ['Requests', String(view.requestCount)], ['Pseudonym', escapeMarkdown(view.pseudonym)]], 'erasureFacts'),
      ],
      [
        executeAction('Confirm', 'erasure.confirm', pointer, 'confirm', 'destructive'),
        executeAction('Cancel', 'erasure.cancel', pointer, 'cancel'),
      ],
    );
  }
  const texts: Record<Exclude<ErasureView['state'], 'pending'>, string> = {
    confirmed: 'The erasure is under way.',
    cancelled: 'Cancelled: nothing was erased.',
    done: `Erased: ${view.requestCount === 1 ? '1 request reads' : `${view.requestCount} requests read`} as **${escapeMarkdown(view.pseudonym)}** now.`,
  };
  return adaptiveCard([heading('Erase personal data', 'erasureTitle'), textBlock(texts[view.state], { id: 'erasureText', spacing: 'small' })]);
}
