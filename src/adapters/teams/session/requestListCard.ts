import { Texts, textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';
import { SESSION_PENDING_STATES, SessionRequest, startsLater } from '../../../domain/session';
import { cardTime } from '../cards/cardTime';
import { sessionStateText } from '../cards/cardTexts';
import { adaptiveCard, columnSet, container, heading, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';

/** What the `requests` command lists. */
export interface RequestListView {
  title: string;
  requests: readonly SessionRequest[];
  now: Date;
  timeZone: string;
  /** The reader's language (default English). */
  language?: Language;
}

/** Rows shown per section; Teams cards have a size limit (about 28 KB), and a chat is no report. */
export const MAX_ROWS_PER_SECTION = 20;

/**
 * The `requests` answer: upcoming (scheduled, open, waiting, ready) with their start or deadline, and past
 * requests with when they were created; at most 20 rows each.
 */
export function requestListCard(view: RequestListView): AdaptiveCard {
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const body: unknown[] = [heading(escapeMarkdown(view.title), 'title')];
  if (view.requests.length === 0) {
    body.push(textBlock(texts.t('list.empty'), { id: 'empty' }));
    return adaptiveCard(body);
  }
  const upcoming = view.requests
    .filter((request) => SESSION_PENDING_STATES.includes(request.state))
    .sort((a, b) => nextMoment(a).getTime() - nextMoment(b).getTime());
  const past = view.requests
    .filter((request) => !SESSION_PENDING_STATES.includes(request.state))
    .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
  body.push(
    section('upcoming', texts.t('list.upcoming'), upcoming, (request) => upcomingRow(request, view, texts), texts),
    section('past', texts.t('list.past'), past, (request) => ({
      state: sessionStateText(request, language),
      when: cardTime(request.createdAt, view.timeZone, view.now, language),
    }), texts),
    textBlock(texts.t('time.zoneNote', { zone: escapeMarkdown(view.timeZone) }), { isSubtle: true, size: 'small' }),
  );
  return adaptiveCard(body);
}

function nextMoment(request: SessionRequest): Date {
  return request.scheduledFor ?? request.expiresAt;
}

function upcomingRow(request: SessionRequest, view: RequestListView, texts: Texts): Row {
  const { language } = texts;
  // "Scheduled" is not a stored state: an open request whose start still lies ahead.
  if (request.scheduledFor && startsLater(request, view.now)) {
    return { state: texts.t('list.scheduled'), when: texts.t('list.starts', { time: cardTime(request.scheduledFor, view.timeZone, view.now, language) }) };
  }
  return { state: sessionStateText(request, language), when: texts.t('list.until', { time: cardTime(request.expiresAt, view.timeZone, view.now, language) }) };
}

interface Row {
  state: string;
  when: string;
}

function section(
  id: 'upcoming' | 'past',
  title: string,
  requests: SessionRequest[],
  describe: (request: SessionRequest) => Row,
  texts: Texts,
): unknown {
  const shown = requests.slice(0, MAX_ROWS_PER_SECTION);
  const rows: unknown[] = shown.map((request) => {
    const row = describe(request);
    // Fixed weights keep the columns aligned from row to row and across both sections.
    return columnSet(
      [
        { items: [textBlock(escapeMarkdown(request.recipient.name), { weight: 'bolder' })], width: 3 },
        { items: [textBlock(row.state, { isSubtle: true })], width: 3 },
        { items: [textBlock(row.when, { isSubtle: true, horizontalAlignment: 'right' })], width: 4 },
      ],
      { id: `${id}-${request.id}`, spacing: 'small' },
    );
  });
  if (rows.length === 0) rows.push(textBlock(texts.t('list.none'), { isSubtle: true, spacing: 'small' }));
  if (requests.length > shown.length) {
    rows.push(textBlock(texts.plural('list.more', requests.length - shown.length), { id: `${id}More`, isSubtle: true, size: 'small' }));
  }
  return container([textBlock(title, { weight: 'bolder', size: 'medium', style: 'heading' }), ...rows], {
    id,
    separator: true,
    spacing: 'medium',
  });
}
