import { AssistRequest } from '../../../domain/assist';
import { adaptiveCard, heading, openUrlAction, textBlock } from '../cards/cardElements';
import { AdaptiveCard, CardElement } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { askAgainAction, assistTexts, offersAskAgain } from './assistCardParts';
import { TextKey } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';

/** What a chat message about an assistance request tells its reader. */
export interface AssistNoticeView {
  request: AssistRequest;
  /** The transition it is about (`accept`, `expire`, `close`, …). */
  about: string;
  /** The reader's language (absent: English). */
  language?: Language;
}

/**
 * A message in the requester's or the helper's personal chat, so they notice what happened (edits of a card notify
 * nobody): a helper wants to connect, nobody answered (with "Ask again"), the user refused or allowed, it was closed.
 */
export function assistNoticeCard(view: AssistNoticeView): AdaptiveCard {
  const { request, about } = view;
  const texts = assistTexts(view);
  const values = {
    helper: escapeMarkdown(request.helper?.name ?? texts.t('assist.aHelper')),
    requester: escapeMarkdown(request.requester.name),
    device: escapeMarkdown(request.device.name),
    comment: request.closedComment ? texts.t('assist.quoted', { text: escapeMarkdown(request.closedComment) }) : '',
  };
  const helping = texts.t('assist.helping', values);
  let title = texts.t('assist.yourRequest');
  let key: TextKey;
  const actions: CardElement[] = [];
  switch (about) {
    case 'accept':
      key = 'assist.notice.accept';
      break;
    case 'decline':
      key = 'assist.notice.decline';
      break;
    case 'expire':
      key = request.helper === null ? 'assist.notice.expireUnanswered' : 'assist.notice.expireNotAllowed';
      break;
    case 'refuseControl':
      title = helping;
      key = request.closedComment ? 'assist.notice.refusedWithComment' : 'assist.notice.refused';
      break;
    case 'connect':
      title = helping;
      key = 'assist.notice.connect';
      if (request.meeting?.joinUrl && request.state === 'connected') actions.push(openUrlAction(texts.t('assist.joinMeeting'), request.meeting.joinUrl, 'join', 'positive'));
      break;
    default:
      key = request.closedReason === 'closedByHelper' ? 'assist.notice.closedByHelper' : 'assist.notice.closedByRequester';
      if (request.closedReason !== 'closedByHelper') title = helping;
  }
  if ((about === 'decline' || about === 'expire') && offersAskAgain(request)) actions.push(askAgainAction(request, texts));
  return adaptiveCard([heading(title, 'noticeTitle'), textBlock(texts.t(key, values), { id: 'noticeText', spacing: 'small' })], actions);
}
