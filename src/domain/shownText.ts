/**
 * The one sanitiser for text people typed (names, comments, reasons, resources) wherever Doorman shows it: cards,
 * chat replies, mails, the portal. Format-specific escaping (markdown, HTML) comes after it, in the adapters.
 */

// What a reader cannot see but a renderer obeys: C0/C1 controls (line breaks and tabs are handled apart),
// zero-width and invisible format characters, bidirectional marks, embeddings, overrides and isolates (U+202E
// turns "exe.pdf" into "fdp.exe"), interlinear annotations, and Unicode tag characters (invisible ASCII).
const INVISIBLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb]/g;
const TAGS = /[\u{e0000}-\u{e007f}\u{1d173}-\u{1d17a}]/gu;

// Top-level domains that link-detecting renderers (Teams, Outlook, linkify) recognise in bare text: every two-letter
// country code and the common generic ones. Deliberately not words that end Graph permission names (Send, Read,
// All, ReadWrite), so admin notices such as "Mail.Send" stay readable.
const GENERIC_TLDS =
  'com|net|org|edu|gov|mil|int|info|biz|name|pro|mobi|aero|asia|coop|museum|jobs|travel|app|dev|page|web|site|online|' +
  'shop|store|tech|cloud|live|link|click|email|support|help|zip|mov|top|club|blog|news|xyz|icu|vip|work|today|world|' +
  'life|digital|network|systems|solutions|services|company|global|group|center|host|space|website|download|login|' +
  'microsoft|office|azure|windows|bing|google|amazon|aws|apple';
const HOST_DOT = new RegExp(`(?<=[\\p{L}\\p{N}-])\\.(?=(?:${GENERIC_TLDS}|\\p{L}{2})(?![\\p{L}\\p{N}_]))`, 'giu');
const SCHEME = /\b([a-z][a-z0-9+.-]{1,30}):(\/\/|(?=[^\s]))/gi;
const LINKING_SCHEMES = /^(https?|ftps?|file|mailto|tel|sip|sips|callto|im|skype|msteams|ms-[a-z-]+|javascript|data|vbscript|ssh|smb|git|ws|wss|teams|onenote|outlook)$/i;

/** Drops invisible and direction-changing characters; line breaks become `\n`. Visible text is kept as typed. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(INVISIBLE, '')
    .replace(TAGS, '');
}

/** One clean line: every run of whitespace (line breaks too) becomes one space. For names and mail subjects. */
export function oneLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/**
 * Keeps text from becoming a link where it is shown, the way security notices quote indicators:
 * `https://evil.example.com` reads `hxxps[://]evil.example[.]com`, `www.x.org` reads `www[.]x[.]org`,
 * `anna@contoso.com` reads `anna@contoso[.]com`. Still readable, nothing to click, and no look-alike characters.
 */
export function defangLinks(text: string): string {
  return text
    .replace(SCHEME, (whole, scheme: string, slashes: string) => {
      if (!LINKING_SCHEMES.test(scheme) && slashes !== '//') return whole;
      const shown = /^https?$/i.test(scheme) ? scheme.replace(/tt/i, (tt) => (tt === 'TT' ? 'XX' : 'xx')) : scheme;
      return slashes === '//' ? `${shown}[://]` : `${shown}[:]`;
    })
    .replace(/\bwww\./gi, (www) => `${www.slice(0, 3)}[.]`)
    .replace(HOST_DOT, '[.]');
}

/** A person's text as shown anywhere: clean, and unable to become a link. */
export function shownText(text: string): string {
  return defangLinks(cleanText(text));
}

/** A person's name (or any one-line value) as shown anywhere: one clean line, unable to become a link. */
export function shownName(text: string): string {
  return defangLinks(oneLine(text));
}
