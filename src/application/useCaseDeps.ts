import { Clock, Directory, Logger, RequestChanges, RequestStore, Secrets } from './ports';

/** What every use case may use; built once in main.ts. */
export interface UseCaseDeps {
  store: RequestStore;
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
  };
}
