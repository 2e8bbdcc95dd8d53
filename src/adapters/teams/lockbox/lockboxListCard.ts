import { textsFor } from '../../../application/i18n/messages';
import { MAX_LOCKBOX_ROWS } from '../../../application/people/myRequests';
import { Language } from '../../../domain/language';
import { TrailLine } from '../../../application/people/auditTrail';
import { LockboxRequest } from '../../../domain/lockbox';
import { adaptiveCard, container, heading, textBlock } from '../cards/cardElements';
import { lockboxStateText } from './lockboxCardParts';
import { cardTime } from '../cards/cardTime';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';

/** What the `requests` command shows of lockbox requests: each with its audit trail, actors already named. */
export interface LockboxListView {
  requests: readonly { request: LockboxRequest; trail: readonly TrailLine[] }[];
  now: Date;
  timeZone: string;
  /** The reader's language (default English); the trail's lines are the audit trail's own (English) words. */
  language?: Language;
}

export { MAX_LOCKBOX_ROWS };
const MAX_EVENTS = 6;

/** Your lockbox requests, newest first, each with who did what when (the append-only audit trail). */
export function lockboxListCard(view: LockboxListView): AdaptiveCard {
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const body: unknown[] = [heading(texts.t('list.lockboxTitle'), 'lockboxTitle')];
  if (view.requests.length === 0) {
    body.push(textBlock(texts.t('list.lockboxEmpty'), { id: 'lockboxEmpty' }));
    return adaptiveCard(body);
  }
  for (const { request, trail } of view.requests.slice(0, MAX_LOCKBOX_ROWS)) {
    const lines = trail.slice(-MAX_EVENTS).map((line) => {
      const reason = line.reason ? ` — “${escapeMarkdown(line.reason)}”` : '';
      return `${cardTime(line.at, view.timeZone, view.now, language)} · ${escapeMarkdown(line.text)}${reason}`;
    });
    body.push(
      container(
        [
          textBlock(`**${escapeMarkdown(request.resource)}** · ${lockboxStateText(request, view.timeZone, view.now, language)}`),
          textBlock(lines.join('\n\n'), { id: `trail-${request.id}`, isSubtle: true, size: 'small', spacing: 'small' }),
        ],
        { id: `lockbox-${request.id}`, separator: true },
      ),
    );
  }
  body.push(textBlock(texts.t('time.zoneNote', { zone: escapeMarkdown(view.timeZone) }), { isSubtle: true, size: 'small' }));
  return adaptiveCard(body);
}
