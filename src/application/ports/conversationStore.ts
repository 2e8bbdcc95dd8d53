import { AdminEvent } from '../../domain/audit';

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

/** People's personal chats with the bot, and who was greeted. */
export interface ConversationStore {
  /** Saves how to reach a person, and appends `audit` (when the address is new) in the same transaction. */
  savePersonalConversation(conversation: PersonalConversation, audit?: AdminEvent | null): Promise<void>;
  /** Records that a person or a team was greeted; true only the first time for `scope` (Teams repeats install events). */
  recordGreeting(scope: string, at: Date): Promise<boolean>;
  getPersonalConversation(aadObjectId: string): Promise<PersonalConversation | null>;
}
