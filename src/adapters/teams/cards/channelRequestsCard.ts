import { ChannelRequestList } from '../../../application/oversight/personRequests';
import { RequestRow } from '../../../application/oversight/requestPages';
import { adaptiveCard, columnSet, heading, textBlock } from './cardElements';
import { AdaptiveCard } from './cardTypes';
import { cardTime } from './cardTime';
import { escapeMarkdown } from './escapeMarkdown';

/** What the channel card shows: the list and the time zone of the person who asked. */
export interface ChannelRequestsView extends ChannelRequestList {
  timeZone: string;
}

const KIND_LABELS: Readonly<Record<RequestRow['kind'], string>> = {
  session: 'Support session',
  lockbox: 'Lockbox access',
  assist: 'Remote assistance',
  invitation: 'Invitation',
};

/** `requests` in a channel: the channel's queue, newest first, by display names; never anyone's private list. */
export function channelRequestsCard(view: ChannelRequestsView): AdaptiveCard {
  if (!view.queue) {
    return adaptiveCard([
      heading('No queue in this channel', 'title'),
      textBlock('This channel is not registered as a queue, so there is nothing to list here. Say **requests** to Doorman in your personal chat to see your own requests.', { id: 'noQueue' }),
    ]);
  }
  const body: unknown[] = [heading(`Requests in ${escapeMarkdown(view.queue.name)}`, 'title')];
  if (view.requests.length === 0) body.push(textBlock('No requests in this queue that you may see.', { id: 'empty' }));
  for (const row of view.requests) {
    const who = [row.customer, row.subject].filter((text): text is string => !!text).map(escapeMarkdown).join(' · ');
    const people = row.assigneeName ? `${escapeMarkdown(row.requesterName)} → ${escapeMarkdown(row.assigneeName)}` : escapeMarkdown(row.requesterName);
    const when = row.deadline ? `until ${cardTime(new Date(row.deadline), view.timeZone, view.now)}` : cardTime(new Date(row.updatedAt), view.timeZone, view.now);
    body.push(
      columnSet(
        [
          { items: [textBlock(`**${KIND_LABELS[row.kind]}** ${who}`), textBlock(people, { isSubtle: true, spacing: 'none' })], width: 5 },
          { items: [textBlock(row.state, { isSubtle: true })], width: 2 },
          { items: [textBlock(when, { isSubtle: true, horizontalAlignment: 'right' })], width: 3 },
        ],
        { id: `row-${row.id}`, spacing: 'small' },
      ),
    );
  }
  if (view.more) body.push(textBlock('Older requests are in the Requests tab.', { id: 'more', isSubtle: true, size: 'small' }));
  body.push(textBlock(`Times in ${escapeMarkdown(view.timeZone)}.`, { isSubtle: true, size: 'small' }));
  return adaptiveCard(body);
}
