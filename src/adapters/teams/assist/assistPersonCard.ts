import { ASSIST_FIELD_MAX_LENGTHS } from '../../../application/assist/assistForm';
import {
  adaptiveCard,
  executeAction,
  factSet,
  heading,
  inputText,
  openUrlAction,
  problemNotice,
  showCardAction,
  statusBadge,
  textBlock,
} from '../cards/cardElements';
import { AdaptiveCard, CardElement } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { Texts } from '../../../application/i18n/messages';
import { notReachedBlock } from '../cards/notReachedBlock';
import { notifiedLine } from '../cards/notifiedLine';
import {
  AssistCardView,
  askAgainAction,
  assistFacts,
  assistNoticeText,
  assistPointer,
  assistRefresh,
  assistTexts,
  assistStateText,
  assistStateTone,
  deviceActionFact,
  offersAskAgain,
  standInNote,
} from './assistCardParts';

/** Whose own card it is: the user who asked (`requester`) or the agent who accepted (`helper`). */
export type AssistSide = 'requester' | 'helper';

/**
 * The card that follows the request in a person's personal chat. The user's: Cancel while waiting, **Allow** /
 * **Refuse** once a helper wants to connect, the join button, what was done to their device and by whom, "Ask again"
 * after an expiry. The helper's: the join button, **Restart PC** and **Sync** (each after a confirmation, only once
 * the user allowed control, absent without device actions), the actions' status, and Close.
 */
export function assistPersonCard(view: AssistCardView, side: AssistSide): AdaptiveCard {
  const { request } = view;
  const texts = assistTexts(view);
  const body: unknown[] = [];
  if (view.notice) body.push(problemNotice(assistNoticeText(view.notice.code, request, texts), 'notice', { weight: 'bolder' }));
  body.push(
    heading(side === 'requester' ? texts.t('assist.yourRequest') : texts.t('assist.helping', { requester: escapeMarkdown(request.requester.name) }), 'title'),
    statusBadge(assistStateText(request, texts), assistStateTone(request), 'state'),
  );
  const ask = consentQuestion(view, side, texts);
  if (ask) body.push(ask);
  body.push(factSet(assistFacts(view, { phone: side === 'helper' }), 'facts'));
  if (request.deviceActions.length > 0) {
    body.push(
      textBlock(texts.t(side === 'requester' ? 'assist.deviceActionsMine' : 'assist.deviceActions'), { id: 'deviceActionsTitle', weight: 'bolder', spacing: 'medium' }),
      factSet(request.deviceActions.map((action) => deviceActionFact(action, view.timeZone, view.now, texts)), 'deviceActions'),
    );
  }
  const notReached = notReachedBlock('assist', view.notReached, texts.language);
  if (notReached) body.push(notReached);
  const notified = notifiedLine(view.notified, texts.language);
  if (notified) body.push(notified);
  const meetingNote = meetingLine(view, texts);
  if (meetingNote) body.push(meetingNote);
  const note = standInNote(view);
  if (note) body.push(note);
  body.push(textBlock(texts.t('time.zoneNote', { zone: escapeMarkdown(view.timeZone) }), { id: 'timeZoneNote', isSubtle: true, size: 'small' }));
  return adaptiveCard(body, side === 'requester' ? requesterButtons(view, texts) : helperButtons(view, texts), assistRefresh(view));
}

function consentQuestion(view: AssistCardView, side: AssistSide, texts: Texts): CardElement | null {
  const { request } = view;
  if (request.state !== 'accepted' || !request.helper) return null;
  const values = { helper: escapeMarkdown(request.helper.name), device: escapeMarkdown(request.device.name), requester: escapeMarkdown(request.requester.name) };
  const text = texts.t(side === 'requester' ? 'assist.consentRequester' : 'assist.consentHelper', values);
  return textBlock(text, { id: 'consent', weight: side === 'requester' ? 'bolder' : 'default', spacing: 'small' });
}

function meetingLine(view: AssistCardView, texts: Texts): CardElement | null {
  const { meeting } = view.request;
  if (!meeting || view.request.state !== 'connected') return null;
  if (meeting.provider === 'local') {
    return textBlock(texts.t(meeting.problem ? 'assist.meeting.localProblem' : 'assist.meeting.local'), { id: 'meetingNote', isSubtle: true, spacing: 'small' });
  }
  return textBlock(texts.t('assist.meeting.teams'), { id: 'meetingNote', isSubtle: true, spacing: 'small' });
}

function joinButton(view: AssistCardView, texts: Texts): CardElement[] {
  const { meeting, state } = view.request;
  return state === 'connected' && meeting?.joinUrl ? [openUrlAction(texts.t('assist.joinMeeting'), meeting.joinUrl, 'join', 'positive')] : [];
}

function requesterButtons(view: AssistCardView, texts: Texts): CardElement[] {
  const { request } = view;
  const pointer = assistPointer(request);
  switch (request.state) {
    case 'requested':
      return [executeAction(texts.t('assist.cancelRequest'), 'assist.cancel', pointer, 'cancel')];
    case 'accepted':
      return [
        executeAction(texts.t('assist.allow'), 'assist.allowControl', pointer, 'allowControl', 'positive'),
        showCardAction(
          texts.t('assist.refuse'),
          'refuse',
          [
            inputText('comment', {
              label: texts.t('assist.refuseWhy'),
              placeholder: texts.t('assist.refuseWhyPlaceholder'),
              maxLength: ASSIST_FIELD_MAX_LENGTHS.comment,
            }),
          ],
          [executeAction(texts.t('assist.refuseControl'), 'assist.refuseControl', pointer, 'refuseControl', 'destructive')],
        ),
      ];
    case 'allowed':
    case 'connected':
      return [...joinButton(view, texts), executeAction(texts.t('assist.closeRequest'), 'assist.close', pointer, 'close')];
    default:
      return offersAskAgain(request) ? [askAgainAction(request, texts)] : [];
  }
}

function helperButtons(view: AssistCardView, texts: Texts): CardElement[] {
  const { request } = view;
  const pointer = assistPointer(request);
  if (!['accepted', 'allowed', 'connected'].includes(request.state)) return [];
  const buttons: CardElement[] = [...joinButton(view, texts)];
  const canAct = (request.state === 'allowed' || request.state === 'connected') && view.devices.actions && request.device.id !== null;
  if (canAct) {
    const device = escapeMarkdown(request.device.name);
    buttons.push(
      confirm(texts.t('assist.restart'), 'restartDevice', texts.t('assist.restartQuestion', { device }), texts.t('assist.restartYes'), pointer),
      confirm(texts.t('assist.sync'), 'syncDevice', texts.t('assist.syncQuestion', { device }), texts.t('assist.syncYes'), pointer),
    );
  }
  buttons.push(executeAction(texts.t('assist.closeRequest'), 'assist.close', pointer, 'close'));
  return buttons;
}

/** A device action behind a confirmation: the button unfolds the question, and only its "Yes" runs the verb. */
function confirm(title: string, action: 'restartDevice' | 'syncDevice', question: string, yes: string, pointer: Record<string, unknown>): CardElement {
  return showCardAction(
    title,
    action,
    [textBlock(question, { id: `${action}Question` })],
    [executeAction(yes, `assist.${action}`, { ...pointer, confirmed: true }, `${action}Confirm`, action === 'restartDevice' ? 'destructive' : 'positive')],
  );
}
