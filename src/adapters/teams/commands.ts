/** Where a chat command can be used. */
export type CommandScope = 'personal' | 'team' | 'groupChat';

/** A chat command the bot answers; the Teams manifest lists exactly these. */
export interface ChatCommand {
  /** What the user types (after an @mention in channels). */
  title: string;
  description: string;
  scopes: readonly CommandScope[];
}

/** Every command the bot answers today, in the order `help` lists them. */
export const CHAT_COMMANDS: readonly ChatCommand[] = [
  { title: 'help', description: 'What Doorman can do for you', scopes: ['personal', 'team', 'groupChat'] },
  { title: 'new session', description: 'Create a one-time session link for a customer', scopes: ['personal', 'team'] },
  { title: 'requests', description: 'Your past and upcoming requests', scopes: ['personal', 'team'] },
  { title: 'lockbox', description: 'Ask for time-limited access to customer content', scopes: ['personal'] },
  { title: 'settings', description: 'Lockbox approval settings (admins)', scopes: ['personal'] },
  { title: 'whoami', description: 'Who Doorman thinks you are, and your roles', scopes: ['personal', 'team', 'groupChat'] },
  { title: 'register queue', description: 'Make this channel a sessions queue: register queue <name> [default]', scopes: ['team'] },
  { title: 'register approvals', description: 'Make this channel the one where approvers decide lockbox requests', scopes: ['team'] },
  { title: 'register assistance', description: 'Make this channel the one for assistance requests', scopes: ['team'] },
  { title: 'doctor', description: 'Check the configuration (admins)', scopes: ['personal'] },
];
