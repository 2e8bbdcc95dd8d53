import { Texts, textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';
import { SessionRequest } from '../../../domain/session';
import { cardTime, cardTimeWithDistance } from '../cards/cardTime';
import { adaptiveCard, container, heading, inputText, statusBadge, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';

/** What the invitation card shows; `link` and `inviteText` exist only in the render that creates or reopens. */
export interface SessionInvitationView {
  request: SessionRequest;
  /** The one-time portal link, or null once it can no longer be shown (Doorman stores only its hash). */
  link: string | null;
  inviteText: string | null;
  now: Date;
  timeZone: string;
  /** The agent's language (default English). */
  language?: Language;
}

/**
 * The agent's own invitation card: the one-time link and the text to copy to the customer, shown once. Later
 * renders (the request left `open`, or a reopen replaced the link) say the link is no longer usable.
 */
export function sessionInvitationCard(view: SessionInvitationView): AdaptiveCard {
  const { request, now, timeZone } = view;
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const body: unknown[] = [heading(texts.t('invite.title', { name: escapeMarkdown(request.recipient.name) }), 'title')];

  if (view.link === null) {
    body.push(statusBadge(texts.t('invite.gone', { reason: goneReason(request, texts) }), 'done', 'linkGone', { weight: 'default' }));
    body.push(statusNote(texts));
    return adaptiveCard(body);
  }

  body.push(
    textBlock(texts.t('invite.linkIntro'), {
      isSubtle: true,
      spacing: 'small',
    }),
    // Doorman makes the link itself (origin + /j/ + base64url code), so it holds no markdown to escape.
    textBlock(view.link, { id: 'link', weight: 'bolder', color: 'accent' }),
  );
  if (view.inviteText !== null) {
    body.push(invitePreview(view.inviteText, view.link, texts));
    // Adaptive Cards 1.5 has no clipboard action; a prefilled multi-line input is the copyable text box. Input.Text
    // has no height in rows and Teams shows a multi-line input about two lines high (`height: "stretch"` only fills
    // a column), so the whole text is also shown above as plain text to read before copying.
    body.push(inputText('inviteText', { label: texts.t('invite.copyLabel'), isMultiline: true, value: view.inviteText }));
  }
  if (request.scheduledFor !== null) {
    body.push(
      textBlock(texts.t('invite.starts', { time: cardTimeWithDistance(request.scheduledFor, timeZone, now, language) }), { id: 'scheduled' }),
    );
  }
  body.push(textBlock(texts.t('invite.validUntil', { time: cardTimeWithDistance(request.expiresAt, timeZone, now, language) }), { id: 'deadline' }));
  if (request.sendEmail && request.recipient.email) {
    body.push(textBlock(texts.t('invite.mailSent', { email: escapeMarkdown(request.recipient.email) }), { id: 'mailSent' }));
  }
  body.push(
    textBlock(texts.t('invite.footer', { zone: escapeMarkdown(timeZone), time: cardTime(request.createdAt, timeZone, now, language) }), {
      isSubtle: true,
      size: 'small',
    }),
    statusNote(texts),
  );
  return adaptiveCard(body);
}

/**
 * The whole invitation as the customer will read it, one TextBlock per line (a single newline in markdown would
 * run lines together); an empty line becomes space before the next one. Lines hold names people typed, so they
 * are escaped, except the link line, which Doorman made (escaping it could break the link Teams recognises).
 */
function invitePreview(inviteText: string, link: string, texts: Texts): unknown {
  const items: unknown[] = [];
  let gap = false;
  for (const line of inviteText.split(/\r\n|\r|\n/)) {
    if (line.trim() === '') {
      gap = items.length > 0;
      continue;
    }
    items.push(textBlock(line === link ? line : escapeMarkdown(line), { spacing: gap ? 'medium' : 'none' }));
    gap = false;
  }
  return container(
    [textBlock(texts.t('invite.preview'), { isSubtle: true, size: 'small' }), ...items],
    { id: 'invitePreview', style: 'emphasis', spacing: 'medium' },
  );
}

function goneReason(request: SessionRequest, texts: Texts): string {
  switch (request.state) {
    case 'open':
      return texts.t('invite.gone.reopened');
    case 'waiting':
    case 'ready':
    case 'connected':
      return texts.t('invite.gone.inUse');
    case 'closed':
      return texts.t('invite.gone.closed');
    case 'expired':
      return texts.t('invite.gone.expired');
  }
}

function statusNote(texts: Texts): unknown {
  return textBlock(texts.t('invite.statusNote'), { id: 'statusNote', isSubtle: true });
}
