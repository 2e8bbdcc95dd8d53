import { Language } from '../../domain/language';

/** What Doorman knows of a person's language: what Teams last reported, and what they chose (`language <code>`). */
export interface PersonLanguage {
  reported: Language | null;
  chosen: Language | null;
}

/** The languages of people and of queue channels, for cards and messages sent when nobody is in a turn. */
export interface LanguageStore {
  /** Null when nothing is recorded for the person. */
  personLanguage(aadObjectId: string): Promise<PersonLanguage | null>;
  /** Records the language of the `locale` Teams reported on the person's activity (their choice is kept). */
  saveReportedLanguage(aadObjectId: string, language: Language, at: Date): Promise<void>;
  /** Records the language the person chose; null forgets the choice, so Teams' locale counts again. */
  saveChosenLanguage(aadObjectId: string, language: Language | null, at: Date): Promise<void>;
  /** The language an admin set for a queue channel; null when none is set. */
  queueLanguage(queueId: string): Promise<Language | null>;
  /** Sets (or with null clears) a queue channel's language. */
  saveQueueLanguage(queueId: string, language: Language | null, at: Date): Promise<void>;
}
