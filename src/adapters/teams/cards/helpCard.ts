import { LANGUAGE_NAMES, textsFor } from '../../../application/i18n/messages';
import { Language } from '../../../domain/language';
import { adaptiveCard, factSet, heading, textBlock } from './cardElements';
import { AdaptiveCard } from './cardTypes';
import { escapeMarkdown } from './escapeMarkdown';

/** What `help` shows: the commands and the roles the asker holds. */
export interface HelpView {
  /** Each command as typed (never translated: Doorman answers to these words) and what it does, in `language`. */
  commands: ReadonlyArray<{ title: string; description: string }>;
  roles: readonly string[];
  /** True for the greeting sent once at install, before the person has typed anything. */
  greeting: boolean;
  language?: Language;
}

/** The `help` answer: every command with what it does, and the asker's roles. */
export function helpCard(view: HelpView): AdaptiveCard {
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const roles = view.roles.length === 0 ? texts.t('help.noRoles') : texts.t('help.roles', { roles: escapeMarkdown(view.roles.join(', ')) });
  const intro = view.greeting
    ? [
        heading(texts.t('help.welcomeTitle'), 'title'),
        // Worded so that it shares no phrase with the request cards that arrive in this chat later.
        textBlock(texts.t('help.welcome'), { id: 'greeting', spacing: 'small' }),
      ]
    : [heading(texts.t('help.title'), 'title'), textBlock(texts.t('help.intro'), { spacing: 'small' })];
  return adaptiveCard([
    ...intro,
    factSet(
      view.commands.map((command) => [escapeMarkdown(command.title), escapeMarkdown(command.description)] as const),
      'commands',
    ),
    textBlock(texts.t('help.inChannel'), { isSubtle: true, size: 'small' }),
    textBlock(roles, { id: 'roles', isSubtle: true }),
    textBlock(texts.t('help.language', { language: LANGUAGE_NAMES[language] }), { id: 'language', isSubtle: true, size: 'small' }),
  ]);
}
