import { TrailLine } from '../../../application/people/auditTrail';
import { AssistRequest } from '../../../domain/assist';
import { adaptiveCard, container, heading, textBlock } from '../cards/cardElements';
import { cardTime } from '../cards/cardTime';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { assistStateText } from './assistCardParts';

/** What the `requests` command shows of requests for help: each with its audit trail, actors named. */
export interface AssistListView {
  requests: readonly { request: AssistRequest; trail: readonly TrailLine[] }[];
  now: Date;
  timeZone: string;
}

const MAX_EVENTS = 8;

/** Requests for help the person asked or helps with, newest first, each with who did what when. */
export function assistListCard(view: AssistListView): AdaptiveCard {
  const body: unknown[] = [heading('Your requests for help', 'assistTitle')];
  for (const { request, trail } of view.requests) {
    const lines = trail.slice(-MAX_EVENTS).map((line) => {
      const reason = line.reason ? ` — “${escapeMarkdown(line.reason)}”` : '';
      return `${cardTime(line.at, view.timeZone, view.now)} · ${escapeMarkdown(line.text)}${reason}`;
    });
    body.push(
      container(
        [
          textBlock(`**${escapeMarkdown(request.problem.slice(0, 80))}** · ${assistStateText(request)}`),
          textBlock(lines.join('\n\n'), { id: `trail-${request.id}`, isSubtle: true, size: 'small', spacing: 'small' }),
        ],
        { id: `assist-${request.id}`, separator: true },
      ),
    );
  }
  body.push(textBlock(`Times in ${escapeMarkdown(view.timeZone)}.`, { isSubtle: true, size: 'small' }));
  return adaptiveCard(body);
}
