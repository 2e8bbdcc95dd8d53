import { ActivityFeed, Clock, DeviceManagement, Directory, Logger, MeetingParticipants, RequestChanges, Secrets, StorePorts } from '../ports';
import { AccessScope } from '../../domain/lockbox';

/** What every use case may use, the store by role (`requests`, `outbox`, `queues`, …); built once in main.ts. */
export interface UseCaseDeps extends StorePorts {
  clock: Clock;
  secrets: Secrets;
  directory: Directory;
  /** Assist: the user's devices and the helper's device actions (Intune, or the labelled local stand-in). */
  devices: DeviceManagement;
  /** Invitation: colleagues added to, re-roled in and removed from a running meeting (Graph, or the local room). */
  participants: MeetingParticipants;
  changes: RequestChanges;
  logger: Logger;
  /** Wakes the outbox dispatcher after a commit so cards update within a second. */
  wakeDispatcher: () => void;
  /** The local stand-in of the Teams activity feed, so cards say who was notified; absent in production. */
  activityFeed?: Pick<ActivityFeed, 'notifiedAbout'>;
  settings: {
    publicBaseUrl: string;
    sessionDefaultHours: number;
    defaultTimeZone: string;
    meetingProvider: 'local' | 'teams';
    /** Seconds the Teams lobby opens to everyone after Admit; 0 keeps it closed (DESIGN.md §4). */
    lobbyBypassSeconds: number;
    /** Receivers of signed lockbox webhooks. */
    webhookUrls: string[];
    /** Lockbox access scopes engineers choose from (absent: only the default scope). */
    lockboxScopes?: readonly (AccessScope & { groupId?: string | null })[];
    /** Access is granted through Entra groups (ACCESS=graph): a scope an admin adds needs its group. */
    lockboxScopeGroupRequired?: boolean;
  };
}
