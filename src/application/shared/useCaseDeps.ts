import { AccessScope } from '../../domain/lockbox';
import { Clock, Directory, Logger, RequestChanges, Secrets, StorePorts } from '../ports';

/** What every use case may use, the store by role (`requests`, `outbox`, `queues`, …); built once in main.ts. */
export interface UseCaseDeps extends StorePorts {
  clock: Clock;
  secrets: Secrets;
  directory: Directory;
  changes: RequestChanges;
  logger: Logger;
  /** Wakes the outbox dispatcher after a commit so cards update within a second. */
  wakeDispatcher: () => void;
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
    lockboxScopes?: readonly AccessScope[];
  };
}
