import { LockboxRequest, scopeOf } from '../../domain/lockbox';
import { cleanText, defangLinks, shownName } from '../../domain/shownText';
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
export function lockboxApproverMail(
  request: LockboxRequest,
  /** `via`: how approvers know the system that asked (an API key's label); else its id from `requestedVia`. */
  options: { timeZone: string; via?: string | null; occasion?: 'new' | 'reminder' | 'escalated' },
): LockboxApproverMail {
  // Every value goes through the shared sanitiser: one line where a line break could forge a header or a line,
  // nothing invisible (a right-to-left override in the subject reorders what approvers read), nothing clickable.
  const requester = shownName(request.requester.name);
  const via = request.requestedVia === null ? null : shownName(options.via ?? request.requestedVia);
  const resource = shownName(request.resource);
  const ticket = shownName(request.ticket) === '' ? 'none' : shownName(request.ticket);
  const reason = defangLinks(cleanText(request.reason).replace(/\t/g, ' ').trim());
  const decideBy = customerFacingTime(request.decideBy, 'en', options.timeZone);

  const occasion = options.occasion ?? 'new';
  const subject = `${SUBJECT_PREFIX[occasion]}Access request: ${resource} (requested by ${requester})`;
  const intro = `${INTRO_PREFIX[occasion]}${requester} asks for access to customer content${via ? ` through ${via}` : ''}.`;
  const scope = scopeOf(request);
  const details: Array<[string, string]> = [
    ['Access', `${shownName(scope.name)}: ${shownName(scope.description)}`],
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

const SUBJECT_PREFIX: Readonly<Record<'new' | 'reminder' | 'escalated', string>> = {
  new: '',
  reminder: 'Reminder, 1 hour left: ',
  escalated: 'Backup approver needed: ',
};

const INTRO_PREFIX: Readonly<Record<'new' | 'reminder' | 'escalated', string>> = {
  new: '',
  reminder: 'Nobody has decided yet and 1 hour is left. ',
  escalated: 'Nobody has decided in time, so you were added as a backup approver. ',
};
