import { LockboxRequest } from '../../domain/lockbox';
import { customerFacingTime } from './customerFacingTime';
import { escapeHtml } from './escapeHtml';

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
export function lockboxApproverMail(request: LockboxRequest, options: { timeZone: string }): LockboxApproverMail {
  const requester = noLinks(oneLine(request.requester.name));
  const via = request.requestedVia === null ? null : noLinks(oneLine(request.requestedVia));
  const resource = noLinks(oneLine(request.resource));
  const ticket = request.ticket.trim() === '' ? 'none' : noLinks(oneLine(request.ticket));
  const reason = noLinks(request.reason.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f\u2028\u2029]/g, ' ').trim());
  const decideBy = customerFacingTime(request.decideBy, 'en', options.timeZone);

  const subject = `Access request: ${resource} (requested by ${requester})`;
  const intro = `${requester} asks for access to customer content${via ? ` through ${via}` : ''}.`;
  const details: Array<[string, string]> = [
    ['Resource', resource],
    ['Requested by', via ? `${requester} (through ${via})` : requester],
    ['Reason', reason],
    ['Ticket', ticket],
    ['Duration', durationWords(request.durationMinutes)],
    ['Decide by', decideBy],
  ];
  const howToDecide =
    "To approve or deny, open the request's card in the approvers' channel in Microsoft Teams. " +
    'If nobody decides in time, the request expires and no access is granted.';
  const noLinkNote = 'This message contains no links on purpose. Never approve access through a link in an e-mail.';

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
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
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

/** "4 hours", "1 hour 30 minutes", "45 minutes". */
function durationWords(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const part = (amount: number, unit: string): string => `${amount} ${unit}${amount === 1 ? '' : 's'}`;
  if (hours === 0) return part(rest, 'minute');
  return rest === 0 ? part(hours, 'hour') : `${part(hours, 'hour')} ${part(rest, 'minute')}`;
}

// A name with line breaks or control characters could forge extra lines in the text or headers in the subject.
function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

/**
 * Defangs what mail clients would turn into links (web addresses, host names, e-mail addresses, mailto:), the way
 * security notices quote indicators: "hxxps[://]contoso[.]com". The text stays readable; nothing can be clicked.
 */
function noLinks(value: string): string {
  return value
    .replace(/:\/\//g, '[://]')
    .replace(/\bhttp(s?)(?=\[:\/\/\])/gi, 'hxxp$1')
    .replace(/\b(mailto|tel|sip|callto|ms-[a-z-]+):/gi, '$1[:]')
    .replace(/([a-z0-9])\.(?=[a-z]{2,})/gi, '$1[.]');
}
