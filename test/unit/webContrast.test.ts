import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AA_NORMAL_TEXT, contrastRatio } from '../support/contrast';

const WEB = join(__dirname, '..', '..', 'src', 'web');

interface Rule {
  /** Enclosing at-rules and the selector, outermost first. */
  path: string[];
  declarations: Record<string, string>;
}

/** A small CSS reader: rules with their at-rule context and declarations (enough for Doorman's two stylesheets). */
function parseCss(css: string): Rule[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: Rule[] = [];
  const read = (from: number, path: string[]): number => {
    let index = from;
    let start = from;
    while (index < text.length) {
      const char = text[index];
      if (char === '{') {
        const head = text.slice(start, index).trim();
        if (head.startsWith('@')) {
          index = read(index + 1, [...path, head]);
        } else {
          const close = text.indexOf('}', index);
          const declarations: Record<string, string> = {};
          for (const part of text.slice(index + 1, close).split(';')) {
            const colon = part.indexOf(':');
            if (colon > 0) declarations[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
          }
          rules.push({ path: [...path, head], declarations });
          index = close;
        }
        start = index + 1;
      } else if (char === '}') {
        return index;
      }
      index += 1;
    }
    return index;
  };
  read(0, []);
  return rules;
}

/** The custom properties of a theme: the base block, overridden by the theme's own block. */
function themeColors(rules: Rule[], isBase: (rule: Rule) => boolean, isTheme: (rule: Rule) => boolean): Record<string, string> {
  const colors: Record<string, string> = {};
  for (const rule of rules.filter(isBase)) Object.assign(colors, customProperties(rule));
  for (const rule of rules.filter(isTheme)) Object.assign(colors, customProperties(rule));
  return colors;
}

function customProperties(rule: Rule): Record<string, string> {
  return Object.fromEntries(Object.entries(rule.declarations).filter(([name, value]) => name.startsWith('--') && /^#[0-9a-f]{3,8}$/i.test(value)));
}

const variable = (value: string | undefined): string | null => /^var\((--[\w-]+)\)$/.exec(value ?? '')?.[1] ?? null;

/**
 * Every text colour a rule sets from the palette, with the background it is drawn on: the rule's own background,
 * else each surface text can sit on (`surfaces`). Forced-colours rules use system colours and are left out.
 */
function textPairs(rules: Rule[], surfaces: string[]): { selector: string; text: string; background: string }[] {
  return rules.flatMap((rule) => {
    const text = variable(rule.declarations.color);
    if (!text || rule.path.some((part) => part.includes('forced-colors'))) return [];
    const own = variable(rule.declarations.background ?? rule.declarations['background-color']);
    return (own ? [own] : surfaces).map((background) => ({ selector: rule.path.join(' '), text, background }));
  });
}

function failures(colors: Record<string, string>, pairs: { selector: string; text: string; background: string }[]): string[] {
  return pairs
    .filter((pair) => colors[pair.text] && colors[pair.background])
    .map((pair) => ({ ...pair, ratio: contrastRatio(colors[pair.text], colors[pair.background]) }))
    .filter((pair) => pair.ratio < AA_NORMAL_TEXT)
    .map((pair) => `${pair.selector}: ${pair.text} ${colors[pair.text]} on ${pair.background} ${colors[pair.background]} = ${pair.ratio.toFixed(2)}`);
}

describe('the customer portal meets WCAG AA (4.5:1) in light and dark', () => {
  const rules = parseCss(readFileSync(join(WEB, 'portal', 'portal.css'), 'utf8'));
  const isRoot = (rule: Rule) => rule.path.length === 1 && rule.path[0] === ':root';
  const isDark = (rule: Rule) => rule.path.length === 2 && rule.path[0].includes('prefers-color-scheme: dark') && rule.path[1] === ':root';
  const pairs = textPairs(rules, ['--page', '--surface', '--surface-2']);

  it('reads its palette and the rules that use it', () => {
    expect(Object.keys(themeColors(rules, isRoot, () => false))).toEqual(expect.arrayContaining(['--text', '--warning-text', '--danger-text']));
    expect(pairs.length).toBeGreaterThan(10);
  });

  it.each([
    ['light', () => false],
    ['dark', isDark],
  ] as const)('every text colour on its background, %s theme', (_theme, isTheme) => {
    expect(failures(themeColors(rules, isRoot, isTheme), pairs)).toEqual([]);
  });
});

describe('the Requests tab meets WCAG AA (4.5:1) in the Teams default, dark and contrast themes', () => {
  const rules = parseCss(readFileSync(join(WEB, 'tab', 'tab.css'), 'utf8'));
  const isBase = (rule: Rule) => rule.path.length === 1 && rule.path[0].includes(':root');
  const theme = (name: string) => (rule: Rule) => rule.path.length === 1 && rule.path[0] === `[data-theme='${name}']`;
  const pairs = textPairs(rules, ['--page', '--surface']);

  it('reads its palette and the status chips', () => {
    expect(pairs.map((pair) => pair.selector)).toEqual(expect.arrayContaining(['.state-attention', '.state-good', '.state-bad']));
  });

  it.each(['default', 'dark', 'contrast'])('every text colour on its background, %s theme', (name) => {
    expect(failures(themeColors(rules, isBase, theme(name)), pairs)).toEqual([]);
  });
});
