import { ACTIVITY_KINDS, ActivityKind } from '../../application/ports';

/** One `activities.activityTypes` entry of the Teams app manifest. */
export interface ManifestActivityType {
  type: ActivityKind;
  description: string;
  /** Teams fills `{customer}`, `{resource}`, `{requester}`, `{helper}` and `{inviter}` from the notification's templateParameters. */
  templateText: string;
}

/**
 * The activity types Doorman posts to people's Teams activity feed; a Record, so a new ActivityKind must say how the
 * feed words it. The app package's manifest is generated from this (scripts/packageApp.ts), as its commands are.
 */
const ACTIVITY_TYPE_TEXTS: Record<ActivityKind, Omit<ManifestActivityType, 'type'>> = {
  customerWaiting: { description: 'Your customer opened the session link and is waiting', templateText: '{customer} is waiting for your support session' },
  customerReady: { description: 'Your customer granted access and is ready to be admitted', templateText: '{customer} is ready: admit them from the card' },
  requestAssigned: { description: 'A session request was assigned to you', templateText: 'You were assigned the session with {customer}' },
  approvalNeeded: { description: 'An access request needs your decision', templateText: 'Access to {resource} needs your decision' },
  approvalReminder: { description: 'One hour is left to decide an access request', templateText: '1 hour left to decide on access to {resource}' },
  assistRequested: { description: 'Someone asked the assistance queue for help', templateText: '{requester} asks for help' },
  helperWantsToConnect: { description: 'A helper accepted your request for help and asks to connect', templateText: '{helper} wants to connect — allow or refuse' },
  invitationReceived: { description: 'A colleague invites you into a running session', templateText: '{inviter} invites you into a session — accept or reject' },
};

/** The manifest's activity types, in the order ACTIVITY_KINDS lists them. */
export function manifestActivityTypes(): ManifestActivityType[] {
  return ACTIVITY_KINDS.map((type) => ({ type, ...ACTIVITY_TYPE_TEXTS[type] }));
}
