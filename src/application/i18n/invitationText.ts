import { oneLine, shownName } from '../../domain/shownText';
import { customerFacingTime } from './customerFacingTime';
import { escapeHtml } from './escapeHtml';
import type { Language } from './languages';

/** What an invitation needs; deliberately nothing internal (no comments, no assignee, no Teams join link). */
export interface InvitationDetails {
  recipientName: string;
  agentName: string;
  /** The one-time portal link `/j/:code`, absolute. */
  link: string;
  expiresAt: Date;
  scheduledFor: Date | null;
  /** IANA time zone the times are written in (the recipient's, else the agent's). */
  timeZone: string;
}

/** An invitation ready to copy (`text`) or to mail (`text` + `html`). */
export interface Invitation {
  subject: string;
  text: string;
  html: string;
}

interface InvitationCopy {
  subject(agentName: string): string;
  greeting(recipientName: string): string;
  intro(agentName: string): string;
  openLink: string;
  startsAt(time: string): string;
  validUntil(time: string): string;
  howItWorks: string;
  doNotForward: string;
  notExpected: string;
  closing: string;
}

const COPY: Readonly<Record<Language, InvitationCopy>> = {
  en: {
    subject: (agent) => `Support session with ${agent}`,
    greeting: (name) => `Hello ${name},`,
    intro: (agent) => `${agent} has invited you to a support session.`,
    openLink: 'To join, open this link:',
    startsAt: (time) => `The session starts on ${time}.`,
    validUntil: (time) => `The link is valid until ${time} and works on one device only.`,
    howItWorks:
      'After opening the link, enter your name and allow access. You will see a four-digit verification code; your support agent sees the same code. Then wait until your agent lets you in.',
    doNotForward: 'Please do not forward this link to anyone.',
    notExpected: 'If you were not expecting this invitation, you can ignore this message.',
    closing: 'Kind regards,',
  },
  de: {
    subject: (agent) => `Support-Sitzung mit ${agent}`,
    greeting: (name) => `Guten Tag ${name},`,
    intro: (agent) => `${agent} hat Sie zu einer Support-Sitzung eingeladen.`,
    openLink: 'Um teilzunehmen, öffnen Sie bitte diesen Link:',
    startsAt: (time) => `Die Sitzung beginnt am ${time}.`,
    validUntil: (time) => `Der Link ist gültig bis ${time} und funktioniert nur auf einem Gerät.`,
    howItWorks:
      'Geben Sie nach dem Öffnen des Links Ihren Namen ein und erlauben Sie den Zugriff. Sie sehen dann einen vierstelligen Bestätigungscode; Ihre Ansprechperson sieht denselben Code. Warten Sie anschließend, bis Ihre Ansprechperson Sie einlässt.',
    doNotForward: 'Bitte leiten Sie diesen Link nicht weiter.',
    notExpected: 'Falls Sie diese Einladung nicht erwartet haben, können Sie diese Nachricht ignorieren.',
    closing: 'Mit freundlichen Grüßen',
  },
  fr: {
    subject: (agent) => `Session d’assistance avec ${agent}`,
    greeting: (name) => `Bonjour ${name},`,
    intro: (agent) => `${agent} vous invite à une session d’assistance.`,
    openLink: 'Pour y participer, ouvrez ce lien\u00a0:',
    startsAt: (time) => `La session commence le ${time}.`,
    validUntil: (time) => `Le lien est valable jusqu’au ${time} et ne fonctionne que sur un seul appareil.`,
    howItWorks:
      'Après avoir ouvert le lien, saisissez votre nom et autorisez l’accès. Un code de vérification à quatre chiffres s’affichera\u00a0; votre conseiller voit le même code. Attendez ensuite que votre conseiller vous fasse entrer.',
    doNotForward: 'Merci de ne transférer ce lien à personne.',
    notExpected: 'Si vous n’attendiez pas cette invitation, vous pouvez ignorer ce message.',
    closing: 'Cordialement,',
  },
  nl: {
    subject: (agent) => `Supportsessie met ${agent}`,
    greeting: (name) => `Beste ${name},`,
    intro: (agent) => `${agent} nodigt u uit voor een supportsessie.`,
    openLink: 'Open deze link om deel te nemen:',
    startsAt: (time) => `De sessie begint op ${time}.`,
    validUntil: (time) => `De link is geldig tot ${time} en werkt maar op één apparaat.`,
    howItWorks:
      'Vul na het openen van de link uw naam in en geef toegang. U ziet dan een verificatiecode van vier cijfers; uw supportmedewerker ziet dezelfde code. Wacht daarna tot uw supportmedewerker u toelaat.',
    doNotForward: 'Stuur deze link niet door.',
    notExpected: 'Verwachtte u deze uitnodiging niet? Dan kunt u dit bericht negeren.',
    closing: 'Met vriendelijke groet,',
  },
  hu: {
    // Hungarian suffixes would have to agree with the agent's name, so the subject does not name them.
    subject: () => 'Meghívó támogatási munkamenetre',
    greeting: (name) => `Kedves ${name}!`,
    intro: (agent) => `${agent} meghívta Önt egy támogatási munkamenetre.`,
    openLink: 'A csatlakozáshoz nyissa meg ezt a hivatkozást:',
    startsAt: (time) => `A munkamenet kezdete: ${time}.`,
    validUntil: (time) => `A hivatkozás eddig érvényes: ${time}. Csak egy eszközön működik.`,
    howItWorks:
      'A hivatkozás megnyitása után adja meg a nevét, és engedélyezze a hozzáférést. Ekkor egy négyjegyű ellenőrző kódot lát; ügyintézője ugyanezt a kódot látja. Ezután várjon, amíg ügyintézője beengedi.',
    doNotForward: 'Kérjük, ne továbbítsa ezt a hivatkozást senkinek.',
    notExpected: 'Ha nem várt erre a meghívóra, nyugodtan figyelmen kívül hagyhatja ezt az üzenetet.',
    closing: 'Üdvözlettel:',
  },
};

/**
 * The customer's invitation in their language: the one-time link, the deadline (and the start when scheduled) in
 * their time zone. Built only from `details`' named fields, so nothing internal can leak into it.
 */
export function invitationText(language: Language, details: InvitationDetails): Invitation {
  const copy = COPY[language];
  // Names are typed by people: clean, one line, and never a link (the only link is Doorman's own).
  const recipientName = shownName(details.recipientName);
  const agentName = shownName(details.agentName);
  const link = details.link.trim();
  const deadline = customerFacingTime(details.expiresAt, language, details.timeZone);
  const start = details.scheduledFor ? customerFacingTime(details.scheduledFor, language, details.timeZone) : null;
  const schedule = [...(start ? [copy.startsAt(start)] : []), copy.validUntil(deadline)];

  const text = [
    copy.greeting(recipientName),
    copy.intro(agentName),
    `${copy.openLink}\n${link}`,
    schedule.join('\n'),
    copy.howItWorks,
    `${copy.doNotForward} ${copy.notExpected}`,
    `${copy.closing}\n${agentName}`,
  ].join('\n\n');

  const paragraph = (content: string): string => `<p style="margin:0 0 16px">${content}</p>`;
  // Only http(s) links become clickable; anything else is shown as text so a bad value cannot run script.
  const linkHtml = /^https?:\/\//i.test(link)
    ? `<a href="${escapeHtml(link)}" style="color:#5b5fc7;word-break:break-all">${escapeHtml(link)}</a>`
    : escapeHtml(link);
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(copy.subject(agentName))}</title></head>`,
    '<body style="margin:0;padding:24px;font-family:\'Segoe UI\',-apple-system,BlinkMacSystemFont,Roboto,\'Helvetica Neue\',Arial,sans-serif;font-size:15px;line-height:1.5;color:#242424">',
    paragraph(escapeHtml(copy.greeting(recipientName))),
    paragraph(escapeHtml(copy.intro(agentName))),
    paragraph(`${escapeHtml(copy.openLink)}<br>${linkHtml}`),
    paragraph(schedule.map((line) => `<strong>${escapeHtml(line)}</strong>`).join('<br>')),
    paragraph(escapeHtml(copy.howItWorks)),
    paragraph(`${escapeHtml(copy.doNotForward)} ${escapeHtml(copy.notExpected)}`),
    paragraph(`${escapeHtml(copy.closing)}<br>${escapeHtml(agentName)}`),
    '</body></html>',
  ].join('\n');

  return { subject: oneLine(copy.subject(agentName)), text, html };
}
