import { AdminEvent } from '../../domain/audit';
import { Problem } from '../../domain/errors';

/** How to reach a person's personal chat with the bot (from their last activity). */
export interface PersonalConversation {
  aadObjectId: string;
  conversationId: string;
  serviceUrl: string;
  tenantId: string;
  botId: string;
  userId: string;
  name: string;
  /** The IANA time zone Teams reported on the person's last message, for times told to them. */
  timeZone?: string | null;
}

/**
 * Where opening a personal chat for a person who has none stands: being opened (install and open steps in the
 * outbox), or not possible, with why (`GRAPH.FORBIDDEN` naming the permission, `REACH.NO_APP_ID`, `REACH.FAILED`).
 */
export interface ChatReach {
  status: 'opening' | 'unreachable';
  problem: Problem | null;
  /** When this status began: messages written before an `unreachable` fall back; later ones try again. */
  since: Date;
}

/** People's personal chats with the bot, and who was greeted. */
export interface ConversationStore {
  /**
   * Saves how to reach a person, and appends `audit` (when the address is new) in the same transaction; whatever was
   * recorded about opening a chat for them is cleared.
   */
  savePersonalConversation(conversation: PersonalConversation, audit?: AdminEvent | null): Promise<void>;
  /** Records that a person or a team was greeted; true only the first time for `scope` (Teams repeats install events). */
  recordGreeting(scope: string, at: Date): Promise<boolean>;
  getPersonalConversation(aadObjectId: string): Promise<PersonalConversation | null>;
  /** Any recorded personal chat (its service URL and tenant serve a chat opened for someone else). */
  anyPersonalConversation(): Promise<PersonalConversation | null>;
  /**
   * Starts opening a chat for a person who has none: records `opening` and queues the install step (`chat.install`) in
   * one transaction. False, and nothing written, when it is being opened already.
   */
  startOpeningChat(aadObjectId: string, at: Date): Promise<boolean>;
  /** Records that a chat cannot be opened for the person, and why. */
  recordChatUnreachable(aadObjectId: string, problem: Problem, at: Date): Promise<void>;
  /** Where opening a chat for the person stands; null when nothing is recorded (never tried, or their chat is known). */
  chatReachOf(aadObjectId: string): Promise<ChatReach | null>;
}
