import { PersonalConversation } from './conversationStore';

/**
 * Puts Doorman in a person's personal scope, so that a bot message can reach someone who never opened it
 * (production: Graph `teamwork/installedApps`; local mode: a stand-in, the Playground's people have the app).
 */
export interface AppInstaller {
  /** Installs the app for the person; already installed is success. GRAPH.FORBIDDEN names the permission to grant. */
  installFor(aadObjectId: string): Promise<void>;
  /** The id of the one-to-one chat between the person and the installed app, or null where there is none to ask. */
  chatIdFor(aadObjectId: string): Promise<string | null>;
}

/** Opens the one-to-one conversation with a person through the Bot Connector, once the app is installed for them. */
export interface ChatOpener {
  /** How to reach the person's personal chat (the name comes from the directory, the time zone from their messages). */
  openPersonalChat(aadObjectId: string, chatId: string | null): Promise<Omit<PersonalConversation, 'name' | 'timeZone'>>;
}
