import { adaptiveCard, factSet, heading, textBlock } from './cardElements';
import { AdaptiveCard } from './cardTypes';
import { escapeMarkdown } from './escapeMarkdown';

/** What `help` shows: the commands and the roles the asker holds. */
export interface HelpView {
  commands: ReadonlyArray<{ title: string; description: string }>;
  roles: readonly string[];
  /** True for the greeting sent once at install, before the person has typed anything. */
  greeting: boolean;
}

/** The `help` answer: every command with what it does, and the asker's roles. */
export function helpCard(view: HelpView): AdaptiveCard {
  const roles =
    view.roles.length === 0
      ? 'You hold no Doorman role yet. Ask an admin to add you as an agent.'
      : `Your roles: ${escapeMarkdown(view.roles.join(', '))}.`;
  const intro = view.greeting
    ? [
        heading('Welcome to Doorman', 'title'),
        textBlock(
          // Worded so that it shares no phrase with the request cards that arrive in this chat later.
          'Doorman lets people in: a customer into a meeting with you through a one-time link you control, and an ' +
            'engineer into customer data once an approver agrees. Cards for you arrive in this chat. Say **help** any time to see this list again.',
          { id: 'greeting', spacing: 'small' },
        ),
      ]
    : [
        heading('Doorman', 'title'),
        textBlock('Doorman lets people in: customers into support sessions, with a one-time link you control.', {
          spacing: 'small',
        }),
      ];
  return adaptiveCard([
    ...intro,
    factSet(
      view.commands.map((command) => [escapeMarkdown(command.title), escapeMarkdown(command.description)] as const),
      'commands',
    ),
    textBlock('In a channel, @mention Doorman before the command.', { isSubtle: true, size: 'small' }),
    textBlock(roles, { id: 'roles', isSubtle: true }),
  ]);
}
