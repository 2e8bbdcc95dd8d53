import { Texts, textsFor } from '../../../application/i18n/messages';
import { LockboxRequest } from '../../../domain/lockbox';
import { Language } from '../../../domain/language';
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
  /** The reader's language (default English). */
  language?: Language;
}

/**
 * A short message in a person's chat: the decision on their request (with the access window in their time zone),
 * the approvers' "1 hour left" reminder, or that access ended. No buttons: decisions are taken on the request card.
 */
export function lockboxNoticeCard(view: LockboxNoticeView): AdaptiveCard {
  const texts = textsFor(view.language ?? 'en');
  const { title, text } = NOTICES[view.notice](view, texts);
  return adaptiveCard([heading(title, 'noticeTitle'), textBlock(text, { id: 'noticeText', spacing: 'small' })]);
}

interface Notice {
  title: string;
  text: string;
}

const NOTICES: Record<LockboxNoticeView['notice'], (view: LockboxNoticeView, texts: Texts) => Notice> = {
  decision,
  reminder,
  ended,
  grantFailed,
  revoked,
  escalated,
};

function time(view: LockboxNoticeView, texts: Texts, moment: Date): string {
  return cardTime(moment, view.timeZone, view.now, texts.language);
}

function escalated(view: LockboxNoticeView, texts: Texts): Notice {
  const { request } = view;
  return {
    title: texts.t('lockboxNotice.escalatedTitle'),
    text: texts.t('lockboxNotice.escalated', {
      resource: escapeMarkdown(request.resource),
      requester: escapeMarkdown(request.requester.name),
      time: time(view, texts, request.decideBy),
    }),
  };
}

function grantFailed(view: LockboxNoticeView, texts: Texts): Notice {
  const { request } = view;
  const problem = request.access.problem;
  const why =
    !problem
      ? texts.t('lockboxNotice.grantUnknown')
      : problem.code === 'GRAPH.FORBIDDEN'
        ? texts.t('lockboxNotice.grantForbidden')
        : problem.code === 'ACCESS.GIVEN_UP'
          ? texts.t('lockboxNotice.grantGivenUp')
          : texts.t('lockboxNotice.grantAnswered', { code: escapeMarkdown(problem.code) });
  return {
    title: texts.t('lockboxNotice.grantFailedTitle', { resource: escapeMarkdown(request.resource) }),
    text: texts.t('lockboxNotice.grantFailed', { why }),
  };
}

function revoked(view: LockboxNoticeView, texts: Texts): Notice {
  const { request } = view;
  const resource = escapeMarkdown(request.resource);
  return {
    title: texts.t('lockboxNotice.revokedTitle', { resource }),
    text: texts.t('lockboxNotice.revoked', { requester: escapeMarkdown(request.requester.name), resource }),
  };
}

function decision(view: LockboxNoticeView, texts: Texts): Notice {
  const { request } = view;
  const resource = escapeMarkdown(request.resource);
  switch (request.state) {
    case 'approved': {
      const approval = lastDecision(request, 'approve', 'autoApprove');
      const window = accessWindow(view, texts, approval?.at ?? request.updatedAt) + membershipNote(request, texts);
      const title = texts.t('lockboxNotice.approvedTitle', { resource });
      if (approval?.action === 'autoApprove') {
        const setting = escapeMarkdown(approval.comment ?? texts.t('lockbox.approvalOff'));
        return { title, text: texts.t('lockboxNotice.approvedAuto', { setting, window }) };
      }
      const by = escapeMarkdown(approval?.byName ?? texts.t('lockboxNotice.anApprover'));
      return { title, text: texts.t('lockboxNotice.approvedBy', { by, comment: quoted(approval?.comment), window }) };
    }
    case 'denied': {
      const denial = lastDecision(request, 'deny');
      const by = escapeMarkdown(denial?.byName ?? texts.t('lockboxNotice.anApprover'));
      const comment = denial?.comment?.trim();
      return {
        title: texts.t('lockboxNotice.deniedTitle', { resource }),
        text: comment ? texts.t('lockboxNotice.deniedBecause', { by, comment: escapeMarkdown(comment) }) : texts.t('lockboxNotice.denied', { by }),
      };
    }
    case 'expired':
      return { title: texts.t('lockboxNotice.expiredTitle', { resource }), text: texts.t('lockboxNotice.expired') };
    case 'cancelled':
      return { title: texts.t('lockboxNotice.cancelledTitle', { resource }), text: texts.t('lockboxNotice.cancelled') };
    case 'pending': {
      const review = lastDecision(request, 'passReview');
      const by = escapeMarkdown(review?.byName ?? texts.t('lockboxNotice.aSupportLead'));
      return { title: texts.t('lockboxNotice.reviewedTitle', { resource }), text: texts.t('lockboxNotice.reviewed', { by, comment: quoted(review?.comment) }) };
    }
    case 'review':
      return { title: texts.t('lockboxNotice.reviewTitle', { resource }), text: texts.t('lockboxNotice.review') };
    case 'ended':
      return ended(view, texts);
  }
}

function reminder(view: LockboxNoticeView, texts: Texts): Notice {
  const { request, now } = view;
  return {
    title: texts.t('lockboxNotice.reminderTitle'),
    text: texts.t('lockboxNotice.reminder', {
      left: timeLeft(request.decideBy.getTime() - now.getTime(), texts),
      resource: escapeMarkdown(request.resource),
      requester: escapeMarkdown(request.requester.name),
      time: time(view, texts, request.decideBy),
    }),
  };
}

function ended(view: LockboxNoticeView, texts: Texts): Notice {
  const { request, timeZone } = view;
  const resource = escapeMarkdown(request.resource);
  const reason = request.ending ? endReasonText(request.ending.reason, texts.language) : texts.t('lockboxNotice.accessRemoved');
  if (request.access.status === 'failed') return grantFailed(view, texts);
  const kept = request.access.kept;
  if (kept === 'otherRequest') {
    return { title: texts.t('lockboxNotice.endedForRequestTitle', { resource }), text: texts.t('lockboxNotice.endedOtherRequest', { reason }) };
  }
  if (kept === 'notAdded') {
    return { title: texts.t('lockboxNotice.endedForRequestTitle', { resource }), text: texts.t('lockboxNotice.endedNotAdded', { reason }) };
  }
  const removed = request.access.removedAt
    ? texts.t('lockboxNotice.removedAt', { time: time(view, texts, request.access.removedAt), zone: zoneLabel(timeZone) })
    : '';
  return { title: texts.t('lockboxNotice.endedTitle', { resource }), text: texts.t('lockboxNotice.ended', { resource, reason }) + removed };
}

/** "access from <start> to <end> (your time zone <tz>)"; before the grant is confirmed, counted from `fallbackStart`. */
function accessWindow(view: LockboxNoticeView, texts: Texts, fallbackStart: Date): string {
  const { request, timeZone } = view;
  const start = request.access.grantedAt ?? fallbackStart;
  const end = request.access.endsAt ?? new Date(start.getTime() + request.durationMinutes * 60_000);
  return texts.t('lockboxNotice.window', { start: time(view, texts, start), end: time(view, texts, end), zone: zoneLabel(timeZone) });
}

function membershipNote(request: LockboxNoticeView['request'], texts: Texts): string {
  if (request.access.membership === 'alreadyMember') return texts.t('lockboxNotice.alreadyMember');
  if (request.access.membership === 'shared') return texts.t('lockboxNotice.shared');
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

function timeLeft(milliseconds: number, texts: Texts): string {
  const minutes = Math.max(0, Math.round(milliseconds / 60_000));
  if (minutes < 60) return texts.plural('duration.minutes', minutes);
  return texts.plural('duration.hours', Math.round(minutes / 60));
}
