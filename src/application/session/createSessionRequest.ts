import { Language } from '../../domain/language';
import { Actor } from '../../domain/people';
import { SessionMeeting, SessionRequest, createSession } from '../../domain/session';
import { invitationText } from '../i18n/invitationText';
import { canReachInChat } from '../people/personalChats';
import { CardActivity, OutboxMessage } from '../ports';
import { commitRequest } from '../shared/requestCommit';
import { SessionFormValues } from './sessionForm';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** What the agent gets back once: the only time the one-time link exists outside the customer's hands. */
export interface IssuedInvitation {
  request: SessionRequest;
  link: string;
  inviteText: string;
}

/** Where the agent's invitation card lives in Teams (the form it replaces), recorded so it can be retired. */
export interface InvitationCardPlace {
  conversationId: string;
  activityId: string;
  serviceUrl: string;
}

/** An agent creates a session request: stored `open`, cards posted to the queue and the agent, mail queued. */
export async function createSessionRequest(
  deps: UseCaseDeps,
  actor: Actor,
  form: SessionFormValues,
  place: InvitationCardPlace | null,
  timeZone: string,
): Promise<IssuedInvitation> {
  const now = deps.clock.now();
  const link = deps.secrets.newLinkCode();
  // Known at commit time, so the creator's card can say at once that the assignee has not been told.
  const assigneeReachable = form.assignee === null || (await canReachInChat(deps, form.assignee.aadObjectId));
  const { request, event } = createSession(
    {
      id: deps.secrets.newRequestId(),
      recipient: form.recipient,
      assignee: form.assignee,
      queueId: form.queueId,
      comments: form.comments,
      scheduledFor: form.scheduledFor,
      expiresAt: form.expiresAt,
      language: form.language,
      sendEmail: form.sendEmail,
      tag: deps.secrets.newTag(),
      linkHash: link.hash,
      assigneeReachable,
    },
    { actor, now, source: 'card' },
  );
  const withMeeting: SessionRequest = { ...request, meeting: initialMeeting(deps) };
  const issued = invitationFor(deps, withMeeting, link.code, timeZone);
  await commitRequest(deps, null, withMeeting, [event], {
    outbox: [...invitationMail(withMeeting, issued.mail), ...meetingWork(deps, withMeeting)],
    cardActivities: place ? [invitationCard(withMeeting.id, place)] : [],
  });
  return { request: withMeeting, link: issued.link, inviteText: issued.inviteText };
}

/** The meeting a new generation starts with: the local room is ready at once; a Teams meeting is prepared later. */
export function initialMeeting(deps: UseCaseDeps): SessionMeeting {
  if (deps.settings.meetingProvider === 'local') {
    return { provider: 'local', status: 'ready', joinUrl: null, meetingId: null, problem: null };
  }
  return { provider: 'teams', status: 'preparing', joinUrl: null, meetingId: null, problem: null };
}

/** Graph allows 2,000 meetings per organizer a month, so a Teams meeting is made only when scheduled or ready. */
export function meetingWork(deps: UseCaseDeps, request: SessionRequest): OutboxMessage[] {
  if (deps.settings.meetingProvider !== 'teams' || request.meeting?.meetingId) return [];
  const due = request.scheduledFor !== null || request.state === 'ready';
  return due ? [{ type: 'meeting.create', requestId: request.id, generation: request.generation }] : [];
}

/**
 * The language of the mail and of the text the agent copies. A mail must be in some language: with the customer's
 * browser language chosen (null) it is English, while the portal follows the customer's Accept-Language.
 */
export function invitationLanguage(request: Pick<SessionRequest, 'language'>): Language {
  return request.language ?? 'en';
}

/** The link, the text the agent copies, and the mail, all in the request's language. */
export function invitationFor(
  deps: UseCaseDeps,
  request: SessionRequest,
  code: string,
  timeZone: string,
): { link: string; inviteText: string; mail: ReturnType<typeof invitationText> } {
  const link = `${deps.settings.publicBaseUrl}/j/${code}`;
  const mail = invitationText(invitationLanguage(request), {
    recipientName: request.recipient.name,
    agentName: (request.assignee ?? request.createdBy).name,
    link,
    expiresAt: request.expiresAt,
    scheduledFor: request.scheduledFor,
    timeZone,
  });
  return { link, inviteText: mail.text, mail };
}

/** The invitation mail, when the agent asked for one. It holds the link only until the mail is handed over. */
export function invitationMail(request: SessionRequest, mail: ReturnType<typeof invitationText>): OutboxMessage[] {
  if (!request.sendEmail || !request.recipient.email) return [];
  return [
    {
      type: 'mail.send',
      requestId: request.id,
      mail: {
        to: { name: request.recipient.name, address: request.recipient.email },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        language: invitationLanguage(request),
      },
    },
  ];
}

/** Records the card that shows the link once, so it can be retired when the link stops working. */
export function invitationCard(requestId: string, place: InvitationCardPlace): CardActivity {
  return { requestId, role: 'invitation', ...place, threadId: null };
}
