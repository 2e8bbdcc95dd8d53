import { AdminEventStore } from './adminEventStore';
import { ApiKeyStore } from './apiKeyStore';
import { ConversationStore } from './conversationStore';
import { DeadlineStore } from './deadlineStore';
import { GrantStore } from './grantStore';
import { LanguageStore } from './languageStore';
import { OutboxStore } from './outboxStore';
import { QueueStore } from './queueStore';
import { RateCounterStore } from './rateCounterStore';
import { RequestStore } from './requestStore';
import { SettingsStore } from './settingsStore';

export * from './activityFeed';
export * from './adminEventStore';
export * from './apiKeyStore';
export * from './appInstaller';
export * from './conversationStore';
export * from './deadlineStore';
export * from './deliveryErrors';
export * from './deviceManagement';
export * from './grantStore';
export * from './languageStore';
export * from './mailer';
export * from './meetingProvider';
export * from './meetingParticipants';
export * from './notifier';
export * from './outboxStore';
export * from './queueStore';
export * from './rateCounterStore';
export * from './requestStore';
export * from './services';
export * from './settingsStore';

/** The store ports by role, as use cases name them (`deps.requests`, `deps.outbox`, …). */
export interface StorePorts {
  requests: RequestStore;
  outbox: OutboxStore;
  deadlines: DeadlineStore;
  queues: QueueStore;
  conversations: ConversationStore;
  lockboxSettings: SettingsStore;
  apiKeys: ApiKeyStore;
  grants: GrantStore;
  adminEvents: AdminEventStore;
  languages: LanguageStore;
}

/** One database behind every role port: what the SQLite and PostgreSQL stores implement. */
export interface Store
  extends RequestStore, OutboxStore, DeadlineStore, QueueStore, ConversationStore, SettingsStore, ApiKeyStore, GrantStore,
    AdminEventStore,
    RateCounterStore,
    LanguageStore {
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The role ports of one store, for wiring (main.ts, test harnesses). */
export function storePorts(store: Store): StorePorts {
  return {
    requests: store,
    outbox: store,
    deadlines: store,
    queues: store,
    conversations: store,
    lockboxSettings: store,
    apiKeys: store,
    grants: store,
    adminEvents: store,
    languages: store,
  };
}
