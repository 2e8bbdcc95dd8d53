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
}

/**
 * The agent's own invitation card: the one-time link and the text to copy to the customer, shown once. Later
 * renders (the request left `open`, or a reopen replaced the link) say the link is no longer usable.
 */
export function sessionInvitationCard(view: SessionInvitationView): AdaptiveCard {
  const { request, now, timeZone } = view;
  const body: unknown[] = [heading(`Invitation for ${escapeMarkdown(request.recipient.name)}`, 'title')];

  if (view.link === null) {
    body.push(statusBadge(`This link is no longer usable: ${goneReason(request)}.`, 'done', 'linkGone', { weight: 'default' }));
    body.push(statusNote());
    return adaptiveCard(body);
  }

  body.push(
    textBlock('One-time link for the customer. It is shown only here and now: Doorman keeps no copy of it.', {
      isSubtle: true,
      spacing: 'small',
    }),
    // Doorman makes the link itself (origin + /j/ + base64url code), so it holds no markdown to escape.
    textBlock(view.link, { id: 'link', weight: 'bolder', color: 'accent' }),
  );
  if (view.inviteText !== null) {
    body.push(invitePreview(view.inviteText, view.link));
    // Adaptive Cards 1.5 has no clipboard action; a prefilled multi-line input is the copyable text box. Input.Text
    // has no height in rows and Teams shows a multi-line input about two lines high (`height: "stretch"` only fills
    // a column), so the whole text is also shown above as plain text to read before copying.
    body.push(inputText('inviteText', { label: 'Copy this text to the customer', isMultiline: true, value: view.inviteText }));
  }
  if (request.scheduledFor !== null) {
    body.push(
      textBlock(`Session starts: ${cardTimeWithDistance(request.scheduledFor, timeZone, now)}`, { id: 'scheduled' }),
    );
  }
  body.push(textBlock(`Link valid until: ${cardTimeWithDistance(request.expiresAt, timeZone, now)}`, { id: 'deadline' }));
  if (request.sendEmail && request.recipient.email) {
    body.push(textBlock(`Invitation mail on its way to ${escapeMarkdown(request.recipient.email)}`, { id: 'mailSent' }));
  }
  body.push(
    textBlock(`Times in ${escapeMarkdown(timeZone)}. Created ${cardTime(request.createdAt, timeZone, now)}.`, {
      isSubtle: true,
      size: 'small',
    }),
    statusNote(),
  );
  return adaptiveCard(body);
}

/**
 * The whole invitation as the customer will read it, one TextBlock per line (a single newline in markdown would
 * run lines together); an empty line becomes space before the next one. Lines hold names people typed, so they
 * are escaped, except the link line, which Doorman made (escaping it could break the link Teams recognises).
 */
function invitePreview(inviteText: string, link: string): unknown {
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
    [textBlock('The invitation the customer gets:', { isSubtle: true, size: 'small' }), ...items],
    { id: 'invitePreview', style: 'emphasis', spacing: 'medium' },
  );
}

function goneReason(request: SessionRequest): string {
  switch (request.state) {
    case 'open':
      return 'a reopen replaced it with a new link';
    case 'waiting':
    case 'ready':
    case 'connected':
      return 'the customer is using it';
    case 'closed':
      return 'the request is closed';
    case 'expired':
      return 'it expired';
  }
}

function statusNote(): unknown {
  return textBlock('Status updates follow in the request card below.', { id: 'statusNote', isSubtle: true });
}
