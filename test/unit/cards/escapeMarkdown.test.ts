import { escapeMarkdown } from '../../../src/adapters/teams/cards/escapeMarkdown';

/** What a CommonMark renderer shows for backslash escapes: the character without the backslash. */
function shown(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

describe('escapeMarkdown', () => {
  it('escapes emphasis, links and HTML', () => {
    expect(escapeMarkdown('**x** [y](http://e) <b>')).toBe('\\*\\*x\\*\\* \\[y\\]\\(hxxp\\[://\\]e\\) \\<b\\>');
  });

  it.each([
    ['_italic_', '\\_italic\\_'],
    ['~~gone~~', '\\~\\~gone\\~\\~'],
    ['`code`', '\\`code\\`'],
    ['a | b', 'a \\| b'],
    ['# heading', '\\# heading'],
    ['> quote', '\\> quote'],
    ['back\\slash', 'back\\\\slash'],
    ['&lt;b&gt;', '\\&lt;b\\&gt;'],
  ])('escapes %s', (raw, escaped) => {
    expect(escapeMarkdown(raw)).toBe(escaped);
  });

  it.each([
    ['- item', '\\- item'],
    ['+ item', '\\+ item'],
    ['* item', '\\* item'],
    ['1. item', '1\\. item'],
    ['42) item', '42\\) item'],
    ['===', '\\==='],
  ])('takes the list or heading meaning from a line start: %s', (raw, escaped) => {
    expect(escapeMarkdown(raw)).toBe(escaped);
  });

  it('leaves ordinary names alone', () => {
    for (const name of ['Anna-Lena Müller', "Seán O'Brien", 'Zoë 3.0', 'Jean-Luc Pi', 'Tóth Éva']) {
      expect(escapeMarkdown(name)).toBe(name);
    }
  });

  it('breaks {{ so Teams text functions cannot be injected, at any length', () => {
    for (const raw of ['{{DATE(2030-01-01T00:00:00Z)}}', '{{{TIME(x)}}}', 'a{{b']) {
      const escaped = escapeMarkdown(raw);
      expect(escaped).not.toContain('{{');
      expect(shown(escaped)).toBe(raw.replace(/[()]/g, (c) => c));
    }
  });

  it('escapes every line of multi-line text and keeps indentation without making a code block', () => {
    expect(escapeMarkdown('first\n- second\r\n    1. third')).toBe('first\n\\- second\n\u00a0\u00a0\u00a0\u00a01\\. third');
  });

  it('drops control and bidirectional override characters', () => {
    expect(escapeMarkdown('Eve\u202e1284 gat\u0007')).toBe('Eve1284 gat');
  });

  it('shows exactly what was typed once rendered, links defanged', () => {
    for (const raw of ['#1 fan_of {{x}} & <i>', '1. - > ~ |', 'C:\\Users\\*', 'Anna **x** <b>']) {
      expect(shown(escapeMarkdown(raw))).toBe(raw);
    }
    expect(shown(escapeMarkdown('**x** [y](http://e) <b>'))).toBe('**x** [y](hxxp[://]e) <b>');
  });

  // Finding 11 of issue 8: the same sanitiser as mails and the portal, so no text typed by a person can hide
  // characters or become a link in Teams, which autolinks bare URLs, www. names, host names and addresses.
  it.each([
    ['zero-width characters in a name', 'Ad\u200bmin\u2060 Anna\ufeff', 'Admin Anna'],
    ['a right-to-left override', 'Eve\u202e1284 gat', 'Eve1284 gat'],
    ['bidi isolates', '\u2067Anna\u2069', 'Anna'],
    ['a bare URL in a customer name', 'Chris https://evil.example.com/login', 'Chris hxxps[://]evil.example[.]com/login'],
    ['a www. name', 'www.contoso-support.com', 'www[.]contoso-support[.]com'],
    ['an e-mail address', 'chris@contoso.com', 'chris@contoso[.]com'],
  ])('cleans %s', (_case, raw, seen) => {
    expect(shown(escapeMarkdown(raw))).toBe(seen);
  });
});
