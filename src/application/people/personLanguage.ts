import { DoormanError } from '../../domain/errors';
import { Language } from '../../domain/language';
import { Actor } from '../../domain/people';
import { mayAdminister } from '../../domain/policy';
import { languageOfTag } from '../i18n/languages';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** The ports the language of a person or a channel is read from. */
export type LanguageDeps = Pick<UseCaseDeps, 'languages' | 'directory'>;

/**
 * The language to speak to a person, first that applies: the one they chose (`language de`), the `locale` Teams sent
 * with the activity being answered, the one Teams last reported for them (for cards sent when they are not in a
 * turn), their directory profile's preferred language, else English.
 */
export async function languageOfPerson(deps: LanguageDeps, aadObjectId: string | null, activityLocale: string | null = null): Promise<Language> {
  const stored = aadObjectId ? await deps.languages.personLanguage(aadObjectId) : null;
  if (stored?.chosen) return stored.chosen;
  const reported = languageOfTag(activityLocale);
  if (reported) return reported;
  if (stored?.reported) return stored.reported;
  const profile = aadObjectId ? await deps.directory.profileOf(aadObjectId) : null;
  return languageOfTag(profile?.preferredLanguage) ?? 'en';
}

/** The language of cards posted to a queue channel, read by many people: the admin's setting, else English. */
export async function languageOfQueue(deps: Pick<UseCaseDeps, 'languages'>, queueId: string): Promise<Language> {
  return (await deps.languages.queueLanguage(queueId)) ?? 'en';
}

/** Remembers the language of the `locale` Teams sent, for messages sent later; written only when it changed. */
export async function rememberReportedLanguage(deps: Pick<UseCaseDeps, 'languages' | 'clock'>, aadObjectId: string, activityLocale: string | null | undefined): Promise<void> {
  const language = languageOfTag(activityLocale);
  if (!language) return;
  const stored = await deps.languages.personLanguage(aadObjectId);
  if (stored?.reported !== language) await deps.languages.saveReportedLanguage(aadObjectId, language, deps.clock.now());
}

/** What `language <code>` did: chose a language, went back to following Teams (`auto`), or did not know the code. */
export type LanguageChoice = { kind: 'chosen'; language: Language } | { kind: 'auto'; language: Language } | { kind: 'unknown' };

/** `language <code>`: a person chooses the language Doorman speaks to them; `auto` forgets the choice. */
export async function chooseLanguage(deps: LanguageDeps & Pick<UseCaseDeps, 'clock'>, actor: Actor, code: string, activityLocale: string | null): Promise<LanguageChoice> {
  if (actor.type !== 'person') throw new DoormanError('AUTH.NOT_PERMITTED');
  const id = actor.person.aadObjectId;
  if (code.trim().toLowerCase() === 'auto') {
    await deps.languages.saveChosenLanguage(id, null, deps.clock.now());
    return { kind: 'auto', language: await languageOfPerson(deps, id, activityLocale) };
  }
  const language = exactLanguage(code);
  if (!language) return { kind: 'unknown' };
  await deps.languages.saveChosenLanguage(id, language, deps.clock.now());
  return { kind: 'chosen', language };
}

/**
 * `language <code>` said in a registered channel by an admin: the language of the cards Doorman posts there from now
 * on (`language auto` or `language en` goes back to English). Null when the channel is not registered.
 */
export async function chooseQueueLanguage(deps: Pick<UseCaseDeps, 'languages' | 'queues' | 'clock'>, actor: Actor, channelId: string, code: string): Promise<LanguageChoice | null> {
  if (actor.type !== 'person' || !mayAdminister(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  const queue = (await deps.queues.listQueues()).find((candidate) => candidate.channelId === channelId);
  if (!queue) return null;
  const auto = code.trim().toLowerCase() === 'auto';
  const language = auto ? 'en' : exactLanguage(code);
  if (!language) return { kind: 'unknown' };
  await deps.languages.saveQueueLanguage(queue.id, language === 'en' ? null : language, deps.clock.now());
  return { kind: auto ? 'auto' : 'chosen', language };
}

// A command takes a code as typed ("de", "DE", "de-AT"); anything longer is no language code.
function exactLanguage(code: string): Language | null {
  const trimmed = code.trim();
  return trimmed.length <= 12 ? languageOfTag(trimmed) : null;
}
