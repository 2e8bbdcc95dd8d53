import { TrailLine } from '../../../application/people/auditTrail';
import { AssistRequest } from '../../../domain/assist';
import { adaptiveCard, container, heading, textBlock } from '../cards/cardElements';
import { cardTime } from '../cards/cardTime';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { assistStateText } from './assistCardParts';
import { textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';

/** What the `requests` command shows of requests for help: each with its audit trail, actors named. */
export interface AssistListView {
  requests: readonly { request: AssistRequest; trail: readonly TrailLine[] }[];
  now: Date;
  timeZone: string;
  /** The reader's language (absent: English). */
  language?: Language;
}

const MAX_EVENTS = 8;

/** Requests for help the person asked or helps with, newest first, each with who did what when. */
export function assistListCard(view: AssistListView): AdaptiveCard {
  const texts = textsFor(view.language ?? 'en');
  const body: unknown[] = [heading(texts.t('assist.listTitle'), 'assistTitle')];
  for (const { request, trail } of view.requests) {
    const lines = trail.slice(-MAX_EVENTS).map((line) => {
      const text = texts.t('assist.trailLine', { time: cardTime(line.at, view.timeZone, view.now, texts.language), text: escapeMarkdown(line.text) });
      return line.reason ? texts.t('assist.trailReason', { line: text, reason: escapeMarkdown(line.reason) }) : text;
    });
    body.push(
      container(
        [
          textBlock(texts.t('assist.listLine', { problem: escapeMarkdown(request.problem.slice(0, 80)), state: assistStateText(request, texts) })),
          textBlock(lines.join('\n\n'), { id: `trail-${request.id}`, isSubtle: true, size: 'small', spacing: 'small' }),
        ],
        { id: `assist-${request.id}`, separator: true },
      ),
    );
  }
  body.push(textBlock(texts.t('time.zoneNote', { zone: escapeMarkdown(view.timeZone) }), { isSubtle: true, size: 'small' }));
  return adaptiveCard(body);
}
