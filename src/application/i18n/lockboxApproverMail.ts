import { LockboxRequest, scopeOf } from '../../domain/lockbox';
import { cleanText, defangLinks, shownName } from '../../domain/shownText';
import { customerFacingTime } from './customerFacingTime';
import { escapeHtml } from './escapeHtml';
import type { Language } from './languages';
import { Texts, textsFor } from './messages';

/** The approvers' notification mail of a lockbox request, as text and HTML. */
export interface LockboxApproverMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The mail approvers get for a new lockbox request: resource, requester, reason, ticket, duration and the decision
 * deadline in `timeZone`. Like Customer Lockbox notifications it holds no links at all, so a phished copy cannot lead
 * anyone to approve anything: approvers decide on the card in Teams. Typed values cannot become links either.
 */
export function lockboxApproverMail(
  request: LockboxRequest,
  /** `via`: how approvers know the system that asked (an API key's label); else its id from `requestedVia`. */
  options: { timeZone: string; via?: string | null; occasion?: 'new' | 'reminder' | 'escalated'; language?: Language },
): LockboxApproverMail {
  const language = options.language ?? 'en';
  const texts = textsFor(language);
  // Every value goes through the shared sanitiser: one line where a line break could forge a header or a line,
  // nothing invisible (a right-to-left override in the subject reorders what approvers read), nothing clickable.
  const requester = shownName(request.requester.name);
  const via = request.requestedVia === null ? null : shownName(options.via ?? request.requestedVia);
  const resource = shownName(request.resource);
  const ticket = shownName(request.ticket) === '' ? texts.t('mail.noTicket') : shownName(request.ticket);
  const reason = defangLinks(cleanText(request.reason).replace(/\t/g, ' ').trim());
  const decideBy = customerFacingTime(request.decideBy, language, options.timeZone);

  const occasion = options.occasion ?? 'new';
  const subject = texts.t(SUBJECT_KEY[occasion], { resource, requester });
  const lead = occasion === 'new' ? '' : texts.t(occasion === 'reminder' ? 'mail.intro.reminder' : 'mail.intro.escalated');
  const intro = lead + (via ? texts.t('mail.introVia', { requester, via }) : texts.t('mail.intro', { requester }));
  const scope = scopeOf(request);
  const details: Array<[string, string]> = [
    [texts.t('mail.access'), `${shownName(scope.name)}: ${shownName(scope.description)}`],
    [texts.t('mail.resource'), resource],
    [texts.t('mail.requestedBy'), via ? texts.t('mail.requestedByVia', { requester, via }) : requester],
    [texts.t('mail.reason'), reason],
    [texts.t('mail.ticket'), ticket],
    [texts.t('mail.duration'), durationWords(request.durationMinutes, texts)],
    [texts.t('mail.decideBy'), decideBy],
  ];
  const howToDecide = texts.t('mail.howToDecide');
  const noLinkNote = texts.t('mail.noLinks');

  const text = [
    intro,
    details.map(([label, value]) => `${label}: ${value.replace(/\n/g, '\n  ')}`).join('\n'),
    howToDecide,
    noLinkNote,
    'Doorman',
  ].join('\n\n');

  const cell = 'padding:4px 12px 4px 0;vertical-align:top';
  const rows = details
    .map(
      ([label, value]) =>
        `<tr><th style="${cell};text-align:left;font-weight:600">${escapeHtml(label)}</th>` +
        `<td style="${cell};white-space:pre-wrap">${escapeHtml(value)}</td></tr>`,
    )
    .join('\n');
  const paragraph = (content: string): string => `<p style="margin:0 0 16px">${content}</p>`;
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;font-family:\'Segoe UI\',-apple-system,BlinkMacSystemFont,Roboto,\'Helvetica Neue\',Arial,sans-serif;font-size:15px;line-height:1.5;color:#242424">',
    paragraph(escapeHtml(intro)),
    `<table style="border-collapse:collapse;margin:0 0 16px">\n${rows}\n</table>`,
    paragraph(escapeHtml(howToDecide)),
    paragraph(`<strong>${escapeHtml(noLinkNote)}</strong>`),
    paragraph('Doorman'),
    '</body></html>',
  ].join('\n');

  return { subject, text, html };
}

/** "4 hours", "1 hour 30 minutes", "45 minutes", with each language's plural forms. */
function durationWords(minutes: number, texts: Texts): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return texts.plural('duration.minutes', rest);
  if (rest === 0) return texts.plural('duration.hours', hours);
  return texts.t('duration.hoursMinutes', { hours: texts.plural('duration.hours', hours), minutes: texts.plural('duration.minutes', rest) });
}

const SUBJECT_KEY = { new: 'mail.subject', reminder: 'mail.subject.reminder', escalated: 'mail.subject.escalated' } as const;
