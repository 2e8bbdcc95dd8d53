import { chooseLanguage, chooseQueueLanguage, languageOfPerson, languageOfQueue, rememberReportedLanguage } from '../../src/application/people/personLanguage';
import { Directory, PersonProfile } from '../../src/application/ports';
import { UseCaseDeps } from '../../src/application/shared/useCaseDeps';
import { Actor } from '../../src/domain/people';
import { useCaseDepsPerTest } from '../support/testDeps';

const context = useCaseDepsPerTest();
const ANNA = 'aad-anna';

/** The deps with a directory that knows Anna's preferred language (as Entra's `preferredLanguage`). */
function withDirectoryLanguage(preferredLanguage: string | null): UseCaseDeps {
  const { deps } = context;
  const directory: Directory = {
    ...deps.directory,
    profileOf: async (id: string): Promise<PersonProfile | null> =>
      id === ANNA ? { displayName: 'Anna', email: null, preferredLanguage, timeZone: null, state: 'active' } : null,
  };
  return { ...deps, directory };
}

const anna: Actor = { type: 'person', person: { aadObjectId: ANNA, name: 'Anna' }, roles: ['agent'] };
const admin: Actor = { type: 'person', person: { aadObjectId: 'aad-admin', name: 'Ada Admin' }, roles: ['admin'] };

describe('the language Doorman speaks to a person', () => {
  it('is English when nothing is known', async () => {
    expect(await languageOfPerson(withDirectoryLanguage(null), ANNA)).toBe('en');
    expect(await languageOfPerson(withDirectoryLanguage(null), null)).toBe('en');
  });

  it("falls back to the directory's preferred language, then to the one Teams last reported, then the activity's", async () => {
    const deps = withDirectoryLanguage('nl-BE');
    expect(await languageOfPerson(deps, ANNA)).toBe('nl');
    await rememberReportedLanguage(deps, ANNA, 'fr-FR');
    expect(await languageOfPerson(deps, ANNA)).toBe('fr');
    expect(await languageOfPerson(deps, ANNA, 'de-DE')).toBe('de');
    // A locale Doorman does not speak is no answer: the next source counts.
    expect(await languageOfPerson(deps, ANNA, 'ja-JP')).toBe('fr');
  });

  it("puts the person's own choice first, and `language auto` gives Teams' locale back", async () => {
    const deps = withDirectoryLanguage('nl-BE');
    expect(await chooseLanguage(deps, anna, 'HU', 'de-DE')).toEqual({ kind: 'chosen', language: 'hu' });
    expect(await languageOfPerson(deps, ANNA, 'de-DE')).toBe('hu');
    expect(await chooseLanguage(deps, anna, 'klingon', 'de-DE')).toEqual({ kind: 'unknown' });
    expect(await languageOfPerson(deps, ANNA, 'de-DE')).toBe('hu');
    expect(await chooseLanguage(deps, anna, 'auto', 'de-DE')).toEqual({ kind: 'auto', language: 'de' });
    expect(await languageOfPerson(deps, ANNA)).toBe('nl');
  });

  it('remembers a reported locale only when it changed', async () => {
    const { deps } = context;
    const saves: string[] = [];
    const languages = { ...deps.languages, personLanguage: deps.languages.personLanguage.bind(deps.languages), saveReportedLanguage: async (id: string, language: 'de', at: Date) => {
      saves.push(language);
      await deps.languages.saveReportedLanguage(id, language, at);
    } };
    const counted = { ...deps, languages } as UseCaseDeps;
    await rememberReportedLanguage(counted, ANNA, 'de-DE');
    await rememberReportedLanguage(counted, ANNA, 'de-AT');
    await rememberReportedLanguage(counted, ANNA, undefined);
    expect(saves).toEqual(['de']);
  });
});

describe("a queue channel's language", () => {
  async function registeredQueue(deps: UseCaseDeps): Promise<string> {
    const queue = { id: 'queue-1', name: 'Tier 1', purpose: 'sessions' as const, isDefault: true, teamId: null, channelId: '19:tier1', serviceUrl: 'https://smba.example/', tenantId: 't', registeredBy: 'aad-admin', registeredAt: new Date() };
    await deps.queues.saveQueue(queue);
    return queue.id;
  }

  it('is set by an admin in the channel, English until then and after `language auto`', async () => {
    const { deps } = context;
    const queueId = await registeredQueue(deps);
    expect(await languageOfQueue(deps, queueId)).toBe('en');
    expect(await chooseQueueLanguage(deps, admin, '19:tier1', 'de')).toEqual({ kind: 'chosen', language: 'de' });
    expect(await languageOfQueue(deps, queueId)).toBe('de');
    expect(await chooseQueueLanguage(deps, admin, '19:tier1', 'auto')).toEqual({ kind: 'auto', language: 'en' });
    expect(await languageOfQueue(deps, queueId)).toBe('en');
    expect(await chooseQueueLanguage(deps, admin, '19:unregistered', 'de')).toBeNull();
  });

  it('cannot be set by someone who is no admin', async () => {
    const { deps } = context;
    await registeredQueue(deps);
    await expect(chooseQueueLanguage(deps, anna, '19:tier1', 'de')).rejects.toMatchObject({ code: 'AUTH.NOT_PERMITTED' });
  });
});
