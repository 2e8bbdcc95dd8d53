import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_LANGUAGES } from '../../../src/application/i18n/languages';
import { TAB_MESSAGES } from '../../../src/application/i18n/tabMessages';

const placeholdersOf = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
const TAB_SCRIPT = readFileSync(join(__dirname, '..', '..', '..', 'src', 'web', 'tab', 'tab.js'), 'utf8');
const englishKeys = Object.keys(TAB_MESSAGES.en).sort();

describe('the Requests tab’s catalogues', () => {
  it.each(SUPPORTED_LANGUAGES)('%s has every English key and no other', (language) => {
    expect(Object.keys(TAB_MESSAGES[language]).sort()).toEqual(englishKeys);
  });

  it.each(SUPPORTED_LANGUAGES)('%s uses the same {placeholders} as English in every text', (language) => {
    const differing = englishKeys.filter(
      (key) => placeholdersOf(TAB_MESSAGES[language][key as keyof typeof TAB_MESSAGES.en]).join() !== placeholdersOf(TAB_MESSAGES.en[key as keyof typeof TAB_MESSAGES.en]).join(),
    );
    expect(differing).toEqual([]);
  });

  it.each(SUPPORTED_LANGUAGES.filter((language) => language !== 'en'))('%s is translated: at most a few texts read as in English', (language) => {
    // Names, codes and loanwords ("Chat", "Open", "Invitation", "JSON Lines") may stay; whole sentences may not.
    const names = new Set(['source.api', 'audit.jsonl']);
    const same = englishKeys.filter((key) => {
      if (names.has(key)) return false;
      const text = TAB_MESSAGES[language][key as keyof typeof TAB_MESSAGES.en];
      return text === TAB_MESSAGES.en[key as keyof typeof TAB_MESSAGES.en] && text.includes(' ');
    });
    expect(same).toEqual([]);
  });

  it('names in tab.js only keys the catalogue has, and has a label for every kind, state, source and action it shows', () => {
    const named = [...TAB_SCRIPT.matchAll(/\bt\('([\w.]+)'(?! \+)/g)].map((match) => match[1]);
    expect(named.length).toBeGreaterThan(80);
    expect(named.filter((key) => !(key in TAB_MESSAGES.en))).toEqual([]);
    const states = [...TAB_SCRIPT.matchAll(/var \w+_STATES = \[([^\]]*)\]/g)].flatMap((match) => [...match[1].matchAll(/'(\w+)'/g)].map((state) => state[1]));
    const labelled = [...states.map((state) => `state.${state}`), 'kind.session', 'kind.lockbox', 'kind.assist', 'kind.invitation', 'action.approve', 'action.deny', 'action.close', 'action.cancel'];
    expect(labelled.filter((key) => !(key in TAB_MESSAGES.en))).toEqual([]);
    const refusals = /var REFUSALS = \[([^\]]*)\]/.exec(TAB_SCRIPT)?.[1] ?? '';
    expect([...refusals.matchAll(/'([\w.]+)'/g)].map((match) => `refusal.${match[1]}`).filter((key) => !(key in TAB_MESSAGES.en))).toEqual([]);
  });

  it('leaves no English sentence in tab.js outside the catalogue', () => {
    // A quoted literal with two or more words starting with a capital is a text someone reads; the few allowed are not shown.
    const allowed = new Set(['Teams initialization', 'Scheduled for']);
    const literals = [...TAB_SCRIPT.matchAll(/'([A-Z][a-z]+(?: [a-z’]+)+[^']*)'/g)].map((match) => match[1]).filter((text) => !allowed.has(text));
    expect(literals).toEqual([]);
  });
});
