import { LockboxRequest } from '../../domain/lockbox';
import { cleanText, shownName } from '../../domain/shownText';
import { ChatNotice, StoredRequest } from '../ports';
import { customerFacingTime } from './customerFacingTime';
import { escapeHtml } from './escapeHtml';
import { lockboxApproverMail } from './lockboxApproverMail';
import type { Language } from './languages';
import { Texts, textsFor } from './messages';

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
export function noticeMail(notice: ChatNotice, request: StoredRequest | null, timeZone: string, language: Language = 'en'): NoticeMail | null {
  const texts = textsFor(language);
  switch (notice.kind) {
    case 'lockboxReminder': {
      if (request?.kind !== 'lockbox') return null;
      const mail = lockboxApproverMail(request, { timeZone, language });
      const lead = texts.t('mail.reminderLead');
      return {
        subject: texts.t('mail.reminderSubject', { subject: mail.subject }),
        text: `${lead}\n\n${mail.text}`,
        html: mail.html.replace(/(<body[^>]*>)/, `$1\n<p style="margin:0 0 16px"><strong>${escapeHtml(lead)}</strong></p>`),
      };
    }
    case 'lockboxDecision':
    case 'lockboxEnded':
      return request?.kind === 'lockbox' ? requesterMail(request, notice.kind, timeZone, texts) : null;
    case 'approvalSetting': {
      const who = shownName(notice.changedBy);
      const time = customerFacingTime(new Date(notice.changedAt), language, timeZone);
      const what = texts.t(notice.approvalRequired ? 'mail.approvalOn' : 'mail.approvalOff');
      return plainMail(texts, texts.t(notice.approvalRequired ? 'mail.approvalOnSubject' : 'mail.approvalOffSubject'), [texts.t('mail.approvalChanged', { who, time }), what]);
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
function requesterMail(request: LockboxRequest, kind: 'lockboxDecision' | 'lockboxEnded', timeZone: string, texts: Texts): NoticeMail {
  const resource = shownName(request.resource);
  const time = (at: Date | null) => (at === null ? texts.t('mail.notYetKnown') : customerFacingTime(at, texts.language, timeZone));
  if (kind === 'lockboxEnded') {
    return plainMail(texts, texts.t('mail.endedSubject', { resource }), [texts.t('mail.ended', { resource, time: time(request.access.removedAt) })]);
  }
  const decision = [...request.decisions].reverse().find((candidate) => candidate.action !== 'passReview') ?? null;
  const by = decision ? shownName(decision.byName) : texts.t('lockboxNotice.anApprover');
  const comment = decision?.comment ? cleanText(decision.comment).trim() : '';
  const commentLine = comment ? [texts.t('mail.comment', { comment })] : [];
  switch (request.state) {
    case 'approved': {
      const from = request.access.grantedAt ?? decision?.at ?? request.updatedAt;
      const until = request.access.endsAt ?? new Date(from.getTime() + request.durationMinutes * 60_000);
      const automatic = decision?.action === 'autoApprove';
      const how = automatic ? texts.t('mail.approvedAuto') : texts.t('mail.approvedBy', { by });
      return plainMail(texts, texts.t('mail.approvedSubject', { resource }), [how, texts.t('mail.window', { from: time(from), until: time(until) }), ...(automatic ? [] : commentLine)]);
    }
    case 'denied':
      return plainMail(texts, texts.t('mail.deniedSubject', { resource }), [texts.t('mail.deniedBy', { by }), ...commentLine]);
    case 'expired':
      return plainMail(texts, texts.t('mail.expiredSubject', { resource }), [texts.t('mail.expired')]);
    default:
      return plainMail(texts, texts.t('mail.otherSubject', { resource }), [texts.t('mail.other', { state: request.state })]);
  }
}

function plainMail(texts: Texts, subject: string, paragraphs: string[]): NoticeMail {
  const all = [...paragraphs, texts.t('mail.notInTeams'), 'Doorman'];
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${texts.language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;font-family:\'Segoe UI\',-apple-system,BlinkMacSystemFont,Roboto,\'Helvetica Neue\',Arial,sans-serif;font-size:15px;line-height:1.5;color:#242424">',
    ...all.map((paragraph) => `<p style="margin:0 0 16px">${escapeHtml(paragraph)}</p>`),
    '</body></html>',
  ].join('\n');
  return { subject, text: all.join('\n\n'), html };
}
