import { AssistRequest } from '../../../domain/assist';
import { adaptiveCard, heading, openUrlAction, textBlock } from '../cards/cardElements';
import { AdaptiveCard, CardElement } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { askAgainAction, offersAskAgain } from './assistCardParts';

/** What a chat message about an assistance request tells its reader. */
export interface AssistNoticeView {
  request: AssistRequest;
  /** The transition it is about (`accept`, `expire`, `close`, …). */
  about: string;
}

/**
 * A message in the requester's or the helper's personal chat, so they notice what happened (edits of a card notify
 * nobody): a helper wants to connect, nobody answered (with "Ask again"), the user refused or allowed, it was closed.
 */
export function assistNoticeCard(view: AssistNoticeView): AdaptiveCard {
  const { request, about } = view;
  const helper = escapeMarkdown(request.helper?.name ?? 'A helper');
  const requester = escapeMarkdown(request.requester.name);
  const device = escapeMarkdown(request.device.name);
  let title = 'Your request for help';
  let text: string;
  const actions: CardElement[] = [];
  switch (about) {
    case 'accept':
      text = `${helper} accepted your request and wants to connect to ${device}. Allow or refuse on your request card above.`;
      break;
    case 'decline':
      text = `${helper} declined your request for help. You can ask again.`;
      break;
    case 'expire':
      text =
        request.helper === null
          ? 'Nobody answered your request for help in time, sorry. You can ask again.'
          : `You did not allow ${helper} to connect in time, so the request expired. You can ask again.`;
      break;
    case 'refuseControl':
      title = `Helping ${requester}`;
      text = `${requester} refused control; the request is closed.${request.closedComment ? ` “${escapeMarkdown(request.closedComment)}”` : ''}`;
      break;
    case 'connect':
      title = `Helping ${requester}`;
      text = `${requester} allowed you to connect to ${device}. Join the meeting and ask for control there.`;
      if (request.meeting?.joinUrl && request.state === 'connected') actions.push(openUrlAction('Join the meeting', request.meeting.joinUrl, 'join', 'positive'));
      break;
    default:
      text = request.closedReason === 'closedByHelper' ? `${helper} closed your request for help.` : `${requester} closed the request for help.`;
      if (request.closedReason !== 'closedByHelper') title = `Helping ${requester}`;
  }
  if ((about === 'decline' || about === 'expire') && offersAskAgain(request)) actions.push(askAgainAction(request));
  return adaptiveCard([heading(title, 'noticeTitle'), textBlock(text, { id: 'noticeText', spacing: 'small' })], actions);
}
