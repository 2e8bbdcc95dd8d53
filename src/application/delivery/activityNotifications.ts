import { AssistRequest } from '../../domain/assist';
import { InvitationRequest } from '../../domain/invitation';
import { ActivityKind, ActivityNotification, StoredRequest } from '../ports';

/**
 * The words of an activity-feed notification, drawn at delivery from the request as it is then (the outbox row holds
 * no personal data), or null when the moment has passed (the customer left, the request was decided): a notification
 * retried after that would send someone to act on nothing.
 */
export function activityNotificationOf(request: StoredRequest, activity: ActivityKind, userId: string): ActivityNotification | null {
  if (request.kind === 'session') {
    const customer = request.customerName ?? request.recipient.name;
    const base = { requestId: request.id, templateParameters: { customer } };
    switch (activity) {
      case 'customerWaiting':
        if (request.state !== 'waiting') return null;
        return { ...base, activity, topic: `Session with ${customer}`, previewText: `${customer} opened the link and is waiting for access to be granted.` };
      case 'customerReady':
        if (request.state !== 'ready') return null;
        return { ...base, activity, topic: `Session with ${customer}`, previewText: `${customer} granted access and is ready: admit them from the card (tag ${request.tag}).` };
      case 'requestAssigned':
        if (request.assignee?.aadObjectId !== userId || ['closed', 'expired'].includes(request.state)) return null;
        return { ...base, activity, topic: `Session with ${customer}`, previewText: `You were assigned the session with ${customer}.` };
      default:
        return null;
    }
  }
  if (request.kind === 'assist') return assistNotificationOf(request, activity, userId);
  if (request.kind === 'invitation') return invitationNotificationOf(request, activity, userId);
  if (request.state !== 'pending' && request.state !== 'review') return null;
  const base = { requestId: request.id, templateParameters: { resource: request.resource }, topic: `Access request · ${request.resource}` };
  switch (activity) {
    case 'approvalNeeded':
      return { ...base, activity, previewText: `${request.requester.name} asks for access to ${request.resource}: your decision is needed.` };
    case 'approvalReminder':
      return { ...base, activity, previewText: `1 hour left to decide on ${request.requester.name}'s access to ${request.resource}.` };
    default:
      return null;
  }
}

/** An on-call agent while nobody has answered; the user while the helper who accepted waits for their answer. */
function assistNotificationOf(request: AssistRequest, activity: ActivityKind, userId: string): ActivityNotification | null {
  const requester = request.requester.name;
  const topic = `Help for ${requester} · ${request.device.name}`;
  switch (activity) {
    case 'assistRequested':
      if (request.state !== 'requested' || userId === request.requester.aadObjectId) return null;
      return { requestId: request.id, activity, topic, templateParameters: { requester }, previewText: `${requester} asks for help with ${request.device.name}: accept it from the card.` };
    case 'helperWantsToConnect': {
      if (request.state !== 'accepted' || !request.helper || userId !== request.requester.aadObjectId) return null;
      const helper = request.helper.name;
      return { requestId: request.id, activity, topic, templateParameters: { helper }, previewText: `${helper} wants to connect to ${request.device.name} and may take control — allow or refuse.` };
    }
    default:
      return null;
  }
}

/** The invitee while the invitation waits for their answer (the two minutes): never the customer's link, only the summary. */
function invitationNotificationOf(request: InvitationRequest, activity: ActivityKind, userId: string): ActivityNotification | null {
  if (activity !== 'invitationReceived' || request.state !== 'pending' || userId !== request.invitee.aadObjectId) return null;
  const inviter = request.inviter.name;
  return {
    requestId: request.id,
    activity,
    topic: `Session · ${request.summary}`,
    templateParameters: { inviter },
    previewText: `${inviter} invites you into the session “${request.summary}” as ${request.profile.name}: accept or reject within two minutes.`,
  };
}
