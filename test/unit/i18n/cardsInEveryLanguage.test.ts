import { SUPPORTED_LANGUAGES } from '../../../src/domain/language';
import { cardGallery } from '../../support/cardGallery';
import { allNodes, cardProblems, visibleTexts } from '../../support/validateCard';

// What Teams allows (Teams cards: about 28 KB of JSON) and what stays readable: button titles are cut after about
// 40 characters on a phone, fact titles share a narrow column with their values.
const MAX_CARD_BYTES = 28_000;
const MAX_ACTION_TITLE = 40;
const MAX_FACT_TITLE = 32;
// Words that are the same in a language and in English, correctly: product names and loan words (French "Session",
// "Invitation"; German "Person", "Pseudonym"; Dutch "open").
const SAME_IN_ENGLISH = new Set(['Doorman', 'Ticket', 'Open', 'Resource', 'Session', 'Invitation', 'Person', 'Pseudonym', 'open']);

const galleries = new Map(SUPPORTED_LANGUAGES.map((language) => [language, cardGallery(language)]));
const english = new Map(galleries.get('en'));

describe.each(SUPPORTED_LANGUAGES)('every converted card in %s', (language) => {
  const gallery = galleries.get(language) ?? [];

  it('renders the same cards as in English', () => {
    expect(gallery.map(([name]) => name)).toEqual([...english.keys()]);
    expect(gallery.length).toBeGreaterThan(140);
  });

  it.each(gallery)('%s: valid for the adaptivecards SDK, within the size limits, no placeholder left', (_name, card) => {
    expect(cardProblems(card)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(MAX_CARD_BYTES);
    const nodes = allNodes(card);
    const tooLong = [
      ...nodes.filter((node) => String(node.type).startsWith('Action.') && String(node.title).length > MAX_ACTION_TITLE).map((node) => `action "${String(node.title)}"`),
      ...nodes
        .filter((node) => node.type === 'FactSet')
        .flatMap((node) => (node.facts as Array<{ title: string }>).filter((fact) => fact.title.length > MAX_FACT_TITLE).map((fact) => `fact "${fact.title}"`)),
    ];
    expect(tooLong).toEqual([]);
    expect(visibleTexts(card).filter((text) => /\{[A-Za-z]+\}/.test(text))).toEqual([]);
  });

  // A text equal to the English render's but different in another language is one this language forgot to translate;
  // names, tags and the customer's words are the same in every language and so never count.
  if (language !== 'en') {
    it('shows no English text another language translates', () => {
      const untranslated: string[] = [];
      for (const [name, card] of gallery) {
        const inEnglish = new Set(visibleTexts(english.get(name)));
        const elsewhere = SUPPORTED_LANGUAGES.filter((other) => other !== 'en' && other !== language).map(
          (other) => new Set(visibleTexts(new Map(galleries.get(other)).get(name))),
        );
        for (const text of visibleTexts(card)) {
          if (!inEnglish.has(text) || SAME_IN_ENGLISH.has(text)) continue;
          if (elsewhere.some((texts) => !texts.has(text))) untranslated.push(`${name}: ${text}`);
        }
      }
      expect(untranslated).toEqual([]);
    });
  }
});
