import { Client } from '@microsoft/microsoft-graph-client';
import { Clock, Logger, Mailer, OutgoingMail } from '../../application/ports';
import { renderMime } from '../mail/renderMime';
import { mapGraphError } from './graphClient';
import { systemClock } from '../system/systemClock';

/*
 * "user: sendMail" (https://learn.microsoft.com/graph/api/user-sendmail): `POST /users/{id | userPrincipalName}/sendMail`
 * accepts JSON (a message with ONE body, text or HTML) or MIME: the whole RFC 5322 message base64-encoded as the
 * request body with `Content-Type: text/plain` (example 4 there is a multipart/alternative text + HTML mail). It
 * answers 202 Accepted with no body (accepted, not yet delivered) and saves the mail in Sent Items; malformed MIME
 * answers 400 ErrorMimeContentInvalidBase64String. Doorman sends MIME, because only MIME carries both a plain-text
 * and an HTML part.
 */

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Production mailer: Graph sendMail from the team's mailbox, as MIME with text and HTML parts, nothing added. */
export class GraphMailer implements Mailer {
  private readonly deps: { client: Client; sender: string; clock: Clock; logger: Logger };

  /** `sender` is MAIL_SENDER: the mailbox (UPN, address or object id) invitations come from. */
  constructor(client: Client, sender: string, clock: Clock = systemClock, logger: Logger = SILENT) {
    this.deps = { client, sender, clock, logger };
  }

  /** Sends one mail; 202 means Exchange accepted it. Failures map to GRAPH.FORBIDDEN (Mail.Send) or retryable. */
  async send(mail: OutgoingMail): Promise<void> {
    const now = this.deps.clock.now();
    const mime = renderMime(mail, this.deps.sender, now);
    try {
      await this.deps.client
        .api(`/users/${encodeURIComponent(this.deps.sender)}/sendMail`)
        .header('Content-Type', 'text/plain')
        .post(Buffer.from(mime, 'utf8').toString('base64'));
    } catch (error) {
      throw mapGraphError(error, 'sendMail', this.deps.clock.now(), this.deps.sender);
    }
    // Never the address, subject or body: only what helps operations.
    this.deps.logger.info({ language: mail.language }, 'mail accepted by graph');
  }
}
