import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Clock, Mailer, OutgoingMail } from '../../application/ports';

/** Local mode's mailer: every mail becomes an RFC 5322 `.eml` file (text + HTML parts) in a folder. */
export class EmlMailer implements Mailer {
  constructor(
    private readonly folder: string,
    private readonly clock: Clock,
    private readonly from = 'Doorman <doorman@localhost>',
  ) {}

  /** Writes the mail atomically (temp file, then rename) so a reader never sees half a mail. */
  async send(mail: OutgoingMail): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const now = this.clock.now();
    const name = `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
    const temp = join(this.folder, `.${name}.tmp`);
    await writeFile(temp, renderEml(mail, this.from, now), { mode: 0o600 });
    await rename(temp, join(this.folder, name));
  }
}

/** Renders a multipart/alternative message with UTF-8 parts (quoted-printable-free: base64 keeps it simple). */
export function renderEml(mail: OutgoingMail, from: string, date: Date): string {
  const boundary = `doorman-${randomBytes(8).toString('hex')}`;
  const encodeHeader = (value: string) => `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
  const base64Lines = (value: string) => Buffer.from(value, 'utf8').toString('base64').replace(/(.{76})/g, '$1\r\n');
  const address = mail.to.address.replace(/[\r\n<>]/g, '');
  return [
    `From: ${from}`,
    `To: ${encodeHeader(mail.to.name)} <${address}>`,
    `Subject: ${encodeHeader(mail.subject)}`,
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
  ].join('\r\n');
}
