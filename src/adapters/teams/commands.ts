/** Where a chat command can be used. */
export type CommandScope = 'personal' | 'team' | 'groupChat';

/** A chat command the bot answers; the Teams manifest lists exactly these. */
export interface ChatCommand {
  /** What the user types (after an @mention in channels). */
  title: string;
  description: string;
  scopes: readonly CommandScope[];
  /** Words after the title belong to the command (`register queue Tier 1 default`). */
  takesArgument?: true;
}

/**
 * The one command table: `help` lists it, the bot dispatches on it (DoormanBot's handlers are keyed by its titles, so
 * a command without a handler does not compile), and scripts/packageApp.ts writes the manifest's command lists from it.
 */
export const CHAT_COMMANDS = [
  { title: 'help', description: 'What Doorman can do for you', scopes: ['personal', 'team', 'groupChat'] },
  { title: 'new session', description: 'Create a one-time session link for a customer', scopes: ['personal', 'team'] },
  { title: 'requests', description: 'Your past and upcoming requests', scopes: ['personal', 'team'] },
  { title: 'lockbox', description: 'Ask for time-limited access to customer content', scopes: ['personal'] },
  { title: 'help me', description: 'Ask support for help with your PC (remote assistance)', scopes: ['personal'] },
  // Answered wherever `help me` is, but not listed: Teams shows at most 10 commands per scope, and it is the same.
  { title: 'assist', description: 'Ask support for help with your PC (same as help me)', scopes: [] },
  { title: 'settings', description: 'Lockbox and assistance settings (admins)', scopes: ['personal'] },
  { title: 'whoami', description: 'Who Doorman thinks you are, and your roles', scopes: ['personal', 'team', 'groupChat'] },
  { title: 'register queue', description: 'Make this channel a sessions queue: register queue <name> [default]', scopes: ['team'], takesArgument: true },
  { title: 'register approvals', description: 'Make this channel the one where approvers decide lockbox requests', scopes: ['team'] },
  { title: 'register assistance', description: 'Make this channel the one for assistance requests', scopes: ['team'] },
  { title: 'doctor', description: 'Check the configuration (admins)', scopes: ['personal'] },
  // Answered in personal chats too (the one connected request); listed in the channel menu, where threads are.
  { title: 'invite', description: 'Invite a colleague into this running session: invite @Name', scopes: ['team'], takesArgument: true },
  { title: 'erase', description: "Erase a person's personal data: erase <object id or e-mail> (admins)", scopes: ['personal'], takesArgument: true },
  { title: 'language', description: 'Choose the language Doorman speaks to you: language de (or en, fr, nl, hu, auto)', scopes: ['personal', 'team', 'groupChat'], takesArgument: true },
] as const satisfies readonly ChatCommand[];

/** The title of a command the bot answers. */
export type CommandTitle = (typeof CHAT_COMMANDS)[number]['title'];

/** The command `text` (lower case, mention removed) asks for, with the rest of what was typed; null when none. */
export function commandOf(text: string): { title: CommandTitle; rest: string } | null {
  const lower = text.toLowerCase();
  if (lower === '') return { title: 'help', rest: '' };
  for (const command of CHAT_COMMANDS as readonly ChatCommand[]) {
    if (lower === command.title) return { title: command.title as CommandTitle, rest: '' };
    if (command.takesArgument && lower.startsWith(command.title)) return { title: command.title as CommandTitle, rest: text.slice(command.title.length).trim() };
  }
  return null;
}
