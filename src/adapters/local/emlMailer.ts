import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Clock, Mailer, OutgoingMail } from '../../application/ports';
import { renderMime } from '../mail/renderMime';

/** Local mode's mailer: every mail becomes an RFC 5322 `.eml` file (text + HTML parts) in a folder. */
export class EmlMailer implements Mailer {
  constructor(
    private readonly folder: string,
    private readonly clock: Clock,
    private readonly from = 'doorman@localhost',
  ) {}

  /** Writes the mail atomically (temp file, then rename) so a reader never sees half a mail. */
  async send(mail: OutgoingMail): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const now = this.clock.now();
    const name = `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
    const temp = join(this.folder, `.${name}.tmp`);
    await writeFile(temp, renderMime(mail, this.from, now), { mode: 0o600 });
    await rename(temp, join(this.folder, name));
  }
}
