/** The moments Doorman puts in a person's Teams activity feed; each is an `activityType` declared in the app manifest. */
export type ActivityKind =
  | 'customerWaiting'
  | 'customerReady'
  | 'requestAssigned'
  | 'approvalNeeded'
  | 'approvalReminder'
  | 'assistRequested'
  | 'helperWantsToConnect'
  | 'invitationReceived';

/** Every activity kind, in the order the manifest declares them. */
export const ACTIVITY_KINDS: readonly ActivityKind[] = [
  'customerWaiting',
  'customerReady',
  'requestAssigned',
  'approvalNeeded',
  'approvalReminder',
  'assistRequested',
  'helperWantsToConnect',
  'invitationReceived',
];

/** One activity-feed notification, as the application words it; the adapter adds where a click leads. */
export interface ActivityNotification {
  activity: ActivityKind;
  /** The request a click opens (the tab's deep link names it as `subEntityId`). */
  requestId: string;
  /** What the notification is about, plain text (the topic line). */
  topic: string;
  /** The preview line (Teams shows the first 150 characters). */
  previewText: string;
  /** Values for the manifest template of `activity` (`{customer}`, `{resource}`, `{requester}`, `{helper}`, `{inviter}`). */
  templateParameters: Record<string, string>;
}

/** Who a notification is for: the person (Entra object id) and the name Doorman knows them by. */
export interface ActivityRecipient {
  aadObjectId: string;
  name: string;
}

/** The Teams activity feed (Graph `sendActivityNotification` in production; the console and the cards locally). */
export interface ActivityFeed {
  /** Sends one notification to one person. */
  notify(recipient: ActivityRecipient, notification: ActivityNotification): Promise<void>;
  /**
   * Local mode only: the names of the people notified about a request, so its cards say so (`🔔 Notified …`);
   * absent in production, where the notification itself is what people see.
   */
  notifiedAbout?(requestId: string): readonly string[];
}
