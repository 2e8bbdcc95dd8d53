import { ChannelRequestList } from '../../../application/oversight/personRequests';
import { RequestRow } from '../../../application/oversight/requestPages';
import { adaptiveCard, columnSet, heading, textBlock } from './cardElements';
import { AdaptiveCard } from './cardTypes';
import { cardTime } from './cardTime';
import { escapeMarkdown } from './escapeMarkdown';
import { TextKey, textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';

/** What the channel card shows: the list and the time zone of the person who asked. */
export interface ChannelRequestsView extends ChannelRequestList {
  timeZone: string;
  /** The language of whoever asked (the channel reads it too; absent: English). */
  language?: Language;
}

const KIND_LABELS: Readonly<Record<RequestRow['kind'], TextKey>> = {
  session: 'requests.kind.session',
  lockbox: 'requests.kind.lockbox',
  assist: 'requests.kind.assist',
  invitation: 'requests.kind.invitation',
};

// Every state of every kind, as a row reads it; a state not listed here shows as stored.
const STATE_KEYS: Readonly<Record<string, TextKey>> = {
  open: 'requests.state.open',
  waiting: 'requests.state.waiting',
  ready: 'requests.state.ready',
  connected: 'requests.state.connected',
  closed: 'requests.state.closed',
  expired: 'requests.state.expired',
  review: 'requests.state.review',
  pending: 'requests.state.pending',
  approved: 'requests.state.approved',
  denied: 'requests.state.denied',
  cancelled: 'requests.state.cancelled',
  ended: 'requests.state.ended',
  requested: 'requests.state.requested',
  accepted: 'requests.state.accepted',
  allowed: 'requests.state.allowed',
  rejected: 'requests.state.rejected',
  removed: 'requests.state.removed',
};

/** `requests` in a channel: the channel's queue, newest first, by display names; never anyone's private list. */
export function channelRequestsCard(view: ChannelRequestsView): AdaptiveCard {
  const texts = textsFor(view.language ?? 'en');
  if (!view.queue) {
    return adaptiveCard([heading(texts.t('requests.noQueueTitle'), 'title'), textBlock(texts.t('requests.noQueue'), { id: 'noQueue' })]);
  }
  const body: unknown[] = [heading(texts.t('requests.title', { queue: escapeMarkdown(view.queue.name) }), 'title')];
  if (view.requests.length === 0) body.push(textBlock(texts.t('requests.empty'), { id: 'empty' }));
  for (const row of view.requests) {
    const who = [row.customer, row.subject].filter((text): text is string => !!text).map(escapeMarkdown).join(' · ');
    const people = row.assigneeName ? `${escapeMarkdown(row.requesterName)} → ${escapeMarkdown(row.assigneeName)}` : escapeMarkdown(row.requesterName);
    const time = (at: string): string => cardTime(new Date(at), view.timeZone, view.now, texts.language);
    const when = row.deadline ? texts.t('requests.until', { time: time(row.deadline) }) : time(row.updatedAt);
    const state = Object.hasOwn(STATE_KEYS, row.state) ? texts.t(STATE_KEYS[row.state]) : row.state;
    body.push(
      columnSet(
        [
          { items: [textBlock(texts.t('requests.row', { kind: texts.t(KIND_LABELS[row.kind]), who })), textBlock(people, { isSubtle: true, spacing: 'none' })], width: 5 },
          { items: [textBlock(state, { isSubtle: true })], width: 2 },
          { items: [textBlock(when, { isSubtle: true, horizontalAlignment: 'right' })], width: 3 },
        ],
        { id: `row-${row.id}`, spacing: 'small' },
      ),
    );
  }
  if (view.more) body.push(textBlock(texts.t('requests.more'), { id: 'more', isSubtle: true, size: 'small' }));
  body.push(textBlock(texts.t('time.zoneNote', { zone: escapeMarkdown(view.timeZone) }), { isSubtle: true, size: 'small' }));
  return adaptiveCard(body);
}
