import { LockboxRequest } from '../../../domain/lockbox';
import { usableTimeZone } from '../../../application/shared/zonedTime';
import { cardTime } from '../cards/cardTime';
import { adaptiveCard, heading, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';
import { endReasonText, lastDecision } from './lockboxCardParts';

/** What a lockbox chat message tells: the requester a decision or the end of access, approvers a reminder. */
export interface LockboxNoticeView {
  request: LockboxRequest;
  notice: 'decision' | 'reminder' | 'ended';
  now: Date;
  /** The reader's time zone: every time on the card is in it. */
  timeZone: string;
}

/**
 * A short message in a person's chat: the decision on their request (with the access window in their time zone),
 * the approvers' "1 hour left" reminder, or that access ended. No buttons: decisions are taken on the request card.
 */
export function lockboxNoticeCard(view: LockboxNoticeView): AdaptiveCard {
  const { title, text } = view.notice === 'reminder' ? reminder(view) : view.notice === 'ended' ? ended(view) : decision(view);
  return adaptiveCard([heading(title, 'noticeTitle'), textBlock(text, { id: 'noticeText', spacing: 'small' })]);
}

interface Notice {
  title: string;
  text: string;
}

function decision(view: LockboxNoticeView): Notice {
  const { request } = view;
  const resource = escapeMarkdown(request.resource);
  switch (request.state) {
    case 'approved': {
      const approval = lastDecision(request, 'approve', 'autoApprove');
      const window = accessWindow(view, approval?.at ?? request.updatedAt);
      if (approval?.action === 'autoApprove') {
        const setting = escapeMarkdown(approval.comment ?? 'approval is turned off');
        return { title: `Access to ${resource} approved`, text: `Approved automatically (${setting}): ${window}` };
      }
      const by = escapeMarkdown(approval?.byName ?? 'an approver');
      return { title: `Access to ${resource} approved`, text: `Approved by ${by}${quoted(approval?.comment)}: ${window}` };
    }
    case 'denied': {
      const denial = lastDecision(request, 'deny');
      const by = escapeMarkdown(denial?.byName ?? 'an approver');
      const comment = denial?.comment?.trim();
      return { title: `Access to ${resource} denied`, text: comment ? `Denied by ${by}: ${escapeMarkdown(comment)}` : `Denied by ${by}.` };
    }
    case 'expired':
      return { title: `Access to ${resource} not granted`, text: 'Expired: nobody decided in time.' };
    case 'cancelled':
      return { title: `Access request for ${resource} cancelled`, text: 'The request was cancelled; nobody can approve it any more.' };
    case 'pending': {
      const review = lastDecision(request, 'passReview');
      const by = escapeMarkdown(review?.byName ?? 'A support lead');
      return { title: `Access request for ${resource} reviewed`, text: `${by} passed the request to the approvers${quoted(review?.comment)}.` };
    }
    case 'review':
      return { title: `Access request for ${resource}`, text: 'A support lead reviews the request before approvers decide.' };
    case 'ended':
      return ended(view);
  }
}

function reminder(view: LockboxNoticeView): Notice {
  const { request, now, timeZone } = view;
  const left = timeLeft(request.decideBy.getTime() - now.getTime());
  return {
    title: 'Decision due soon',
    text:
      `${left} left to decide on ${escapeMarkdown(request.resource)} requested by ${escapeMarkdown(request.requester.name)}. ` +
      `Without a decision by ${cardTime(request.decideBy, timeZone, now)} the request expires. Decide on its card in the approvers' channel.`,
  };
}

function ended(view: LockboxNoticeView): Notice {
  const { request, now, timeZone } = view;
  const resource = escapeMarkdown(request.resource);
  const reason = request.ending ? endReasonText(request.ending.reason) : 'access was removed';
  const removed = request.access.removedAt ? ` Removed ${cardTime(request.access.removedAt, timeZone, now)} (${zoneLabel(timeZone)}).` : '';
  return { title: `Access to ${resource} ended`, text: `Access to ${resource} ended: ${reason}.${removed}` };
}

/** "access from <start> to <end> (your time zone <tz>)"; before the grant is confirmed, counted from `fallbackStart`. */
function accessWindow(view: LockboxNoticeView, fallbackStart: Date): string {
  const { request, now, timeZone } = view;
  const start = request.access.grantedAt ?? fallbackStart;
  const end = request.access.endsAt ?? new Date(start.getTime() + request.durationMinutes * 60_000);
  return `access from ${cardTime(start, timeZone, now)} to ${cardTime(end, timeZone, now)} (your time zone ${zoneLabel(timeZone)}).`;
}

function zoneLabel(timeZone: string): string {
  // The label names the zone the times are really in: an unknown zone falls back to UTC.
  return escapeMarkdown(usableTimeZone(timeZone));
}

function quoted(comment: string | null | undefined): string {
  const text = comment?.trim();
  return text ? ` (“${escapeMarkdown(text)}”)` : '';
}

function timeLeft(milliseconds: number): string {
  const minutes = Math.max(0, Math.round(milliseconds / 60_000));
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? '1 hour' : `${hours} hours`;
}
