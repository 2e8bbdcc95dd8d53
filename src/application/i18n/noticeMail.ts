import { LockboxRequest } from '../../domain/lockbox';
import { cleanText, shownName } from '../../domain/shownText';
import { ChatNotice, StoredRequest } from '../ports';
import { customerFacingTime } from './customerFacingTime';
import { escapeHtml } from './escapeHtml';
import { lockboxApproverMail } from './lockboxApproverMail';

/** A chat notice as a mail, for a person Doorman cannot reach in Teams. */
export interface NoticeMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The mail form of a chat notice, or null when it has none: approvers' reminders and approval-setting notices, and
 * the requester's decision and end-of-access notices. Like the approvers' mail, none holds a link: decisions are
 * taken on the cards in Teams, and a phished copy must not lead anywhere.
 */
export function noticeMail(notice: ChatNotice, request: StoredRequest | null, timeZone: string): NoticeMail | null {
  switch (notice.kind) {
    case 'lockboxReminder': {
      if (request?.kind !== 'lockbox') return null;
      const mail = lockboxApproverMail(request, { timeZone });
      const lead = 'Reminder: less than an hour is left to decide this access request.';
      return {
        subject: `Reminder: ${mail.subject}`,
        text: `${lead}\n\n${mail.text}`,
        html: mail.html.replace(/(<body[^>]*>)/, `$1\n<p style="margin:0 0 16px"><strong>${escapeHtml(lead)}</strong></p>`),
      };
    }
    case 'lockboxDecision':
    case 'lockboxEnded':
      return request?.kind === 'lockbox' ? requesterMail(request, notice.kind, timeZone) : null;
    case 'approvalSetting': {
      const changedBy = shownName(notice.changedBy);
      const at = customerFacingTime(new Date(notice.changedAt), 'en', timeZone);
      const what = notice.approvalRequired
        ? 'Lockbox requests need an approver again: you decide them on their cards in the approvers\' channel in Microsoft Teams.'
        : 'Lockbox requests are now approved automatically, without an approver. Every automatic approval stays in the audit trail.';
      return plainMail(
        notice.approvalRequired ? 'Lockbox approval turned back on' : 'Lockbox approval turned off',
        [`${changedBy} changed the lockbox setting at ${at}.`, what],
      );
    }
    case 'assistUpdate':
    case 'invitationUpdate':
      // The person asked for help (or invited, or was invited) from Teams, so they have a chat: no mail form.
      return null;
    case 'lockboxEscalated':
      // Backup approvers get the approvers' mail with the chat notice already (tellDeciders): no second mail.
      return null;
    case 'lockboxGrantFailed':
    case 'lockboxRevoked':
      // Not given a mail form yet: when the person cannot be reached in Teams, the request's cards say so.
      return null;
  }
}

/** The requester's mail: the decision on their request (and the access window), or that their access ended. */
function requesterMail(request: LockboxRequest, kind: 'lockboxDecision' | 'lockboxEnded', timeZone: string): NoticeMail {
  const resource = shownName(request.resource);
  const time = (at: Date | null) => (at === null ? 'not yet known' : customerFacingTime(at, 'en', timeZone));
  if (kind === 'lockboxEnded') {
    return plainMail(`Your access to ${resource} has ended`, [`Your access to ${resource} was removed at ${time(request.access.removedAt)}.`]);
  }
  const decision = [...request.decisions].reverse().find((candidate) => candidate.action !== 'passReview') ?? null;
  const by = decision ? shownName(decision.byName) : 'an approver';
  const comment = decision?.comment ? cleanText(decision.comment).trim() : '';
  switch (request.state) {
    case 'approved': {
      const from = request.access.grantedAt ?? decision?.at ?? request.updatedAt;
      const until = request.access.endsAt ?? new Date(from.getTime() + request.durationMinutes * 60_000);
      const how = decision?.action === 'autoApprove' ? 'Approved automatically (approval is turned off).' : `Approved by ${by}.`;
      return plainMail(`Access to ${resource} approved`, [how, `Access from ${time(from)} until ${time(until)}.`, ...(comment && decision?.action !== 'autoApprove' ? [`Comment: ${comment}`] : [])]);
    }
    case 'denied':
      return plainMail(`Access to ${resource} denied`, [`Denied by ${by}.`, ...(comment ? [`Comment: ${comment}`] : [])]);
    case 'expired':
      return plainMail(`Access to ${resource} not granted`, ['The request expired: nobody decided in time.']);
    default:
      return plainMail(`Your access request for ${resource}`, [`The request is now ${request.state}.`]);
  }
}

function plainMail(subject: string, paragraphs: string[]): NoticeMail {
  const note = 'Doorman could not reach you in Microsoft Teams, so this came by mail. It contains no links on purpose.';
  const all = [...paragraphs, note, 'Doorman'];
  const html = [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;font-family:\'Segoe UI\',-apple-system,BlinkMacSystemFont,Roboto,\'Helvetica Neue\',Arial,sans-serif;font-size:15px;line-height:1.5;color:#242424">',
    ...all.map((paragraph) => `<p style="margin:0 0 16px">${escapeHtml(paragraph)}</p>`),
    '</body></html>',
  ].join('\n');
  return { subject, text: all.join('\n\n'), html };
}
