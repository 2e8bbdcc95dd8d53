import { SessionRequest } from '../../../domain/session';
import { cardTime, cardTimeWithDistance } from './cardTime';
import { adaptiveCard, heading, inputText, textBlock } from './cardElements';
import { AdaptiveCard } from './cardTypes';
import { escapeMarkdown } from './escapeMarkdown';

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
    body.push(textBlock(`This link is no longer usable: ${goneReason(request)}.`, { id: 'linkGone', color: 'warning' }));
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
    // Adaptive Cards 1.5 has no clipboard action; a prefilled multi-line input is the copyable text box.
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
