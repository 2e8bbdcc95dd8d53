import { createHash } from 'node:crypto';
import { OutgoingMail } from '../../application/ports';

/**
 * Renders an RFC 5322 message (what Graph sendMail receives, and the local .eml files): multipart/alternative with UTF-8 text and HTML parts (base64),
 * the language in Content-Language, and the HTML exactly as given (no pixels, no rewritten links).
 */
export function renderMime(mail: OutgoingMail, sender: string, date: Date): string {
  // Deterministic boundary: a retry of the same mail renders the same bytes.
  const boundary = `doorman-${createHash('sha256').update(mail.subject).update(mail.text).update(mail.html).digest('hex').slice(0, 24)}`;
  const from = sender.includes('@') ? `<${stripHeaderBreaks(sender)}>` : null;
  const lines = [
    ...(from ? [`From: ${from}`] : []),
    `To: ${encodeWord(mail.to.name)} <${stripHeaderBreaks(mail.to.address).replace(/[<>]/g, '')}>`,
    `Subject: ${encodeWord(mail.subject)}`,
    `Date: ${date.toUTCString()}`,
    `Content-Language: ${mail.language}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(mail.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(mail.html),
    `--${boundary}--`,
    '',
  ];
  return lines.join('\r\n');
}

function encodeWord(value: string): string {
  // RFC 2047 encoded-word: safe for any language and for names with quotes or commas.
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function base64Lines(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64').replace(/(.{76})/g, '$1\r\n');
}

function stripHeaderBreaks(value: string): string {
  return value.replace(/[\r\n]/g, '');
}
