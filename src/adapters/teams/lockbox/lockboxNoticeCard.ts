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
  notice: 'decision' | 'reminder' | 'ended' | 'grantFailed' | 'revoked' | 'escalated';
  now: Date;
  /** The reader's time zone: every time on the card is in it. */
  timeZone: string;
}

/**
 * A short message in a person's chat: the decision on their request (with the access window in their time zone),
 * the approvers' "1 hour left" reminder, or that access ended. No buttons: decisions are taken on the request card.
 */
export function lockboxNoticeCard(view: LockboxNoticeView): AdaptiveCard {
  const { title, text } = NOTICES[view.notice](view);
  return adaptiveCard([heading(title, 'noticeTitle'), textBlock(text, { id: 'noticeText', spacing: 'small' })]);
}

interface Notice {
  title: string;
  text: string;
}

const NOTICES: Record<LockboxNoticeView['notice'], (view: LockboxNoticeView) => Notice> = {
  decision,
  reminder,
  ended,
  grantFailed,
  revoked,
  escalated,
};

function escalated(view: LockboxNoticeView): Notice {
  const { request, now, timeZone } = view;
  return {
    title: 'You are a backup approver now',
    text:
      `Nobody has decided on ${escapeMarkdown(request.resource)} requested by ${escapeMarkdown(request.requester.name)}, so you were added ` +
      `as a backup approver. Decide on its card in the approvers' channel by ${cardTime(request.decideBy, timeZone, now)}, or the request expires.`,
  };
}

function grantFailed(view: LockboxNoticeView): Notice {
  const { request } = view;
  const problem = request.access.problem;
  const why = problem ? GRANT_PROBLEMS[problem.code] ?? `the directory answered ${escapeMarkdown(problem.code)}` : 'the grant did not go through';
  return {
    title: `Access to ${escapeMarkdown(request.resource)} was not granted`,
    text: `The request was approved, but access could not be granted: ${why}. Nothing was granted; ask again once an admin has fixed it.`,
  };
}

const GRANT_PROBLEMS: Readonly<Record<string, string>> = {
  'GRAPH.FORBIDDEN': 'Doorman lacks the Microsoft Graph permission to change the access group (an admin grants GroupMember.ReadWrite.All)',
  'ACCESS.GIVEN_UP': 'the directory did not answer after repeated attempts',
};

function revoked(view: LockboxNoticeView): Notice {
  const { request } = view;
  return {
    title: `Access to ${escapeMarkdown(request.resource)} revoked`,
    text: `An approver revoked ${escapeMarkdown(request.requester.name)}'s access to ${escapeMarkdown(request.resource)}; access is being removed.`,
  };
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
        return { title: `Access to ${resource} approved`, text: `Approved automatically (${setting}): ${window}${membershipNote(request)}` };
      }
      const by = escapeMarkdown(approval?.byName ?? 'an approver');
      return { title: `Access to ${resource} approved`, text: `Approved by ${by}${quoted(approval?.comment)}: ${window}${membershipNote(request)}` };
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
  if (request.access.status === 'failed') return grantFailed(view);
  const at = request.access.removedAt ? cardTime(request.access.removedAt, timeZone, now) : null;
  const kept = request.access.kept;
  if (kept === 'otherRequest') {
    return { title: `Access to ${resource} ended for this request`, text: `This request ended: ${reason}. Your access continues under another approved request of yours that still runs.` };
  }
  if (kept === 'notAdded') {
    return { title: `Access to ${resource} ended for this request`, text: `This request ended: ${reason}. You had this access before the request, so Doorman left it in place.` };
  }
  const removed = at ? ` Removed ${at} (${zoneLabel(timeZone)}).` : '';
  return { title: `Access to ${resource} ended`, text: `Access to ${resource} ended: ${reason}.${removed}` };
}

/** "access from <start> to <end> (your time zone <tz>)"; before the grant is confirmed, counted from `fallbackStart`. */
function accessWindow(view: LockboxNoticeView, fallbackStart: Date): string {
  const { request, now, timeZone } = view;
  const start = request.access.grantedAt ?? fallbackStart;
  const end = request.access.endsAt ?? new Date(start.getTime() + request.durationMinutes * 60_000);
  return `access from ${cardTime(start, timeZone, now)} to ${cardTime(end, timeZone, now)} (your time zone ${zoneLabel(timeZone)}).`;
}

function membershipNote(request: LockboxNoticeView['request']): string {
  if (request.access.membership === 'alreadyMember') return ' You already had this access; Doorman did not add it and will not remove it.';
  if (request.access.membership === 'shared') return ' Another approved request of yours already carries this access; it stays until the last of them ends.';
  return '';
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
