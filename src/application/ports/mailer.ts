import { Language } from '../../domain/language';

/** A mail ready to send: every text already in the recipient's language. */
export interface OutgoingMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  language: Language;
}

/** Sends mail (local: .eml files; production: Graph sendMail). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}
