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
import { notReachedBlock } from '../cards/notReachedBlock';
import { notifiedLine } from '../cards/notifiedLine';
import {
  AssistCardView,
  askAgainAction,
  assistFacts,
  assistNoticeText,
  assistPointer,
  assistRefresh,
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
  const body: unknown[] = [];
  if (view.notice) body.push(problemNotice(assistNoticeText(view.notice.code, request), 'notice', { weight: 'bolder' }));
  body.push(
    heading(side === 'requester' ? 'Your request for help' : `Helping ${escapeMarkdown(request.requester.name)}`, 'title'),
    statusBadge(assistStateText(request), assistStateTone(request), 'state'),
  );
  const ask = consentQuestion(view, side);
  if (ask) body.push(ask);
  body.push(factSet(assistFacts(view, { phone: side === 'helper' }), 'facts'));
  if (request.deviceActions.length > 0) {
    body.push(
      textBlock(side === 'requester' ? 'Done to your device' : 'Device actions', { id: 'deviceActionsTitle', weight: 'bolder', spacing: 'medium' }),
      factSet(request.deviceActions.map((action) => deviceActionFact(action, view.timeZone, view.now)), 'deviceActions'),
    );
  }
  const notReached = notReachedBlock('assist', view.notReached);
  if (notReached) body.push(notReached);
  const notified = notifiedLine(view.notified);
  if (notified) body.push(notified);
  const meetingNote = meetingLine(view);
  if (meetingNote) body.push(meetingNote);
  const note = standInNote(view);
  if (note) body.push(note);
  body.push(textBlock(`Times in ${escapeMarkdown(view.timeZone)}.`, { id: 'timeZoneNote', isSubtle: true, size: 'small' }));
  return adaptiveCard(body, side === 'requester' ? requesterButtons(view) : helperButtons(view), assistRefresh(view));
}

function consentQuestion(view: AssistCardView, side: AssistSide): CardElement | null {
  const { request } = view;
  if (request.state !== 'accepted' || !request.helper) return null;
  const helper = escapeMarkdown(request.helper.name);
  const device = escapeMarkdown(request.device.name);
  const text =
    side === 'requester'
      ? `${helper} wants to connect to ${device} and may take control. Allow or refuse.`
      : `Waiting for ${escapeMarkdown(request.requester.name)} to allow you to connect to ${device}.`;
  return textBlock(text, { id: 'consent', weight: side === 'requester' ? 'bolder' : 'default', spacing: 'small' });
}

function meetingLine(view: AssistCardView): CardElement | null {
  const { meeting } = view.request;
  if (!meeting || view.request.state !== 'connected') return null;
  if (meeting.provider === 'local') {
    const why = meeting.problem ? ' The Teams meeting could not be made; an admin should run doctor.' : '';
    return textBlock(`Local meeting room — this is not a Teams meeting.${why}`, { id: 'meetingNote', isSubtle: true, spacing: 'small' });
  }
  return textBlock('Join the Teams meeting; the helper asks for control there, as you agreed.', { id: 'meetingNote', isSubtle: true, spacing: 'small' });
}

function joinButton(view: AssistCardView): CardElement[] {
  const { meeting, state } = view.request;
  return state === 'connected' && meeting?.joinUrl ? [openUrlAction('Join the meeting', meeting.joinUrl, 'join', 'positive')] : [];
}

function requesterButtons(view: AssistCardView): CardElement[] {
  const { request } = view;
  const pointer = assistPointer(request);
  switch (request.state) {
    case 'requested':
      return [executeAction('Cancel request', 'assist.cancel', pointer, 'cancel')];
    case 'accepted':
      return [
        executeAction('Allow', 'assist.allowControl', pointer, 'allowControl', 'positive'),
        showCardAction(
          'Refuse',
          'refuse',
          [
            inputText('comment', {
              label: 'Why (optional)',
              placeholder: 'Shown to the helper',
              maxLength: ASSIST_FIELD_MAX_LENGTHS.comment,
            }),
          ],
          [executeAction('Refuse control', 'assist.refuseControl', pointer, 'refuseControl', 'destructive')],
        ),
      ];
    case 'allowed':
    case 'connected':
      return [...joinButton(view), executeAction('Close request', 'assist.close', pointer, 'close')];
    default:
      return offersAskAgain(request) ? [askAgainAction(request)] : [];
  }
}

function helperButtons(view: AssistCardView): CardElement[] {
  const { request } = view;
  const pointer = assistPointer(request);
  if (!['accepted', 'allowed', 'connected'].includes(request.state)) return [];
  const buttons: CardElement[] = [...joinButton(view)];
  const canAct = (request.state === 'allowed' || request.state === 'connected') && view.devices.actions && request.device.id !== null;
  if (canAct) {
    const device = escapeMarkdown(request.device.name);
    buttons.push(
      confirm('Restart PC', 'restartDevice', `Restart ${device} now? Unsaved work on it may be lost; the user sees on their card that you did.`, 'Yes, restart now', pointer),
      confirm('Sync', 'syncDevice', `Ask ${device} to check in with Intune now (policies, apps, compliance)?`, 'Yes, sync now', pointer),
    );
  }
  buttons.push(executeAction('Close request', 'assist.close', pointer, 'close'));
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
