import { cardTime } from '../cards/cardTime';
import { adaptiveCard, executeAction, factSet, heading, problemNotice, statusBadge, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { notReachedBlock } from '../cards/notReachedBlock';
import { notifiedLine } from '../cards/notifiedLine';
import { AssistCardView, assistFacts, assistRefresh, assistNoticeText, assistPointer, assistStateText, assistStateTone, assistTexts, standInNote } from './assistCardParts';

/** Problems longer than this are cut on the one line an expired request collapses to. */
const COLLAPSED_PROBLEM_LENGTH = 80;

/**
 * The card in the assistance channel (a thread of its own): what is wrong, how urgent, which device, how long it has
 * waited; **Accept** / **Decline** while nobody answered. Never a join link or a device button: those are on the
 * helper's own card. An expired unanswered request collapses to one line.
 */
export function assistQueueCard(view: AssistCardView): AdaptiveCard {
  const { request, now, timeZone } = view;
  const texts = assistTexts(view);
  if (request.state === 'expired' && request.helper === null) {
    const problem = request.problem.length > COLLAPSED_PROBLEM_LENGTH ? `${request.problem.slice(0, COLLAPSED_PROBLEM_LENGTH)}…` : request.problem;
    const values = {
      requester: escapeMarkdown(request.requester.name),
      time: cardTime(request.createdAt, timeZone, now, texts.language),
      problem: texts.t('assist.quoted', { text: escapeMarkdown(problem) }),
    };
    return adaptiveCard([textBlock(texts.t('assist.collapsed', values), { id: 'collapsed', isSubtle: true })]);
  }
  const body: unknown[] = [];
  if (view.notice) body.push(problemNotice(assistNoticeText(view.notice.code, request, texts), 'notice', { weight: 'bolder' }));
  body.push(
    heading(texts.t('assist.queueTitle', { requester: escapeMarkdown(request.requester.name) }), 'title'),
    statusBadge(assistStateText(request, texts), assistStateTone(request), 'state'),
    factSet(assistFacts(view, { phone: true }), 'facts'),
  );
  const notReached = notReachedBlock('assist', view.notReached, texts.language);
  if (notReached) body.push(notReached);
  const notified = notifiedLine(view.notified, texts.language);
  if (notified) body.push(notified);
  if (request.state !== 'requested' && request.helper && ['accepted', 'allowed', 'connected'].includes(request.state)) {
    body.push(textBlock(texts.t('assist.worksOnIt', { helper: escapeMarkdown(request.helper.name) }), { id: 'hint', isSubtle: true, spacing: 'small' }));
  }
  const note = standInNote(view);
  if (note) body.push(note);
  body.push(textBlock(texts.t('time.zoneNote', { zone: escapeMarkdown(timeZone) }), { id: 'timeZoneNote', isSubtle: true, size: 'small' }));
  const buttons =
    request.state === 'requested'
      ? [
          executeAction(texts.t('assist.accept'), 'assist.accept', assistPointer(request), 'accept', 'positive'),
          executeAction(texts.t('assist.decline'), 'assist.decline', assistPointer(request), 'decline'),
        ]
      : [];
  return adaptiveCard(body, buttons, assistRefresh(view));
}
