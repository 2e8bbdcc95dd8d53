import { cleanText, defangLinks, oneLine, shownName, shownText } from '../../../src/domain/shownText';

describe('cleanText drops what a reader cannot see but a renderer obeys', () => {
  it.each([
    ['zero-width space in a name', 'Ad\u200bmin', 'Admin'],
    ['zero-width joiner and non-joiner', 'a\u200cb\u200dc', 'abc'],
    ['left-to-right and right-to-left marks', '\u200eEve\u200f', 'Eve'],
    ['word joiner and invisible operators', 'a\u2060b\u2061c\u2062d\u2063e\u2064f', 'abcdef'],
    ['byte order mark', '\ufeffAnna', 'Anna'],
    ['soft hyphen', 'Ver\u00adtrag', 'Vertrag'],
    ['right-to-left override (the issue’s example)', 'Eve\u202e1284 gat', 'Eve1284 gat'],
    ['bidi embeddings and pop', '\u202aA\u202bB\u202cC\u202dD', 'ABCD'],
    ['bidi isolates', '\u2066A\u2067B\u2068C\u2069', 'ABC'],
    ['Arabic letter mark', 'x\u061cy', 'xy'],
    ['C0 controls and DEL', 'bell\u0007 esc\u001b[31m del\u007f', 'bell esc[31m del'],
    ['C1 controls', 'a\u0080b\u009bc', 'abc'],
    ['Unicode tag characters (invisible ASCII)', `hi${String.fromCodePoint(0xe0041, 0xe0042)}`, 'hi'],
    ['Hangul filler used as a blank name', '\u3164\u3164', ''],
    ['line breaks of every kind become \\n', 'a\r\nb\rc\u2028d\u2029e\u0085f', 'a\nb\nc\nd\ne\nf'],
  ])('%s', (_case, raw, clean) => {
    expect(cleanText(raw)).toBe(clean);
  });

  it('keeps every visible character as typed', () => {
    for (const text of ['Anna-Lena Müller', "Seán O'Brien", 'Tóth Éva', '山田 太郎', 'مريم', 'שלום', '👩‍💻 is two emoji once the joiner goes', 'tab\there']) {
      expect(cleanText(text)).toBe(text.replace(/\u200d/g, ''));
    }
  });
});

describe('oneLine', () => {
  it.each([
    ['Erin\nTo: x', 'Erin To: x'],
    ['  Chris \t  Customer  ', 'Chris Customer'],
    ['db\r\nBcc: victim@example.com', 'db Bcc: victim@example.com'],
    ['Eve\u202e\u200b Admin', 'Eve Admin'],
  ])('%j → %j', (raw, line) => {
    expect(oneLine(raw)).toBe(line);
  });
});

describe('defangLinks keeps text from becoming a link, readably', () => {
  it.each([
    ['https://evil.example.com/approve', 'hxxps[://]evil.example[.]com/approve'],
    ['HTTP://TICKETS.EXAMPLE/42', 'HXXP[://]TICKETS.EXAMPLE/42'],
    ['ftp://client', 'ftp[://]client'],
    ['see www.evil.example now', 'see www[.]evil.example now'],
    ['www.contoso.com', 'www[.]contoso[.]com'],
    ['Chris (visit contoso.com)', 'Chris (visit contoso[.]com)'],
    ['payroll-update.help', 'payroll-update[.]help'],
    ['anna@contoso.de', 'anna@contoso[.]de'],
    ['mailto:boss@example.com', 'mailto[:]boss@example[.]com'],
    ['tel:+4930123', 'tel[:]+4930123'],
    ['javascript:alert(1)', 'javascript[:]alert(1)'],
    ['msteams://l/chat', 'msteams[://]l/chat'],
    ['CONTOSO.COM', 'CONTOSO[.]COM'],
  ])('%j → %j', (raw, defanged) => {
    expect(defangLinks(raw)).toBe(defanged);
  });

  it.each([
    'Zoë 3.0',
    'J.R.R. Tolkien',
    'Dr. Smith',
    'Case: 4711',
    'Note:the printer',
    'grant Mail.Send and OnlineMeetings.ReadWrite.All',
    'GRAPH.FORBIDDEN',
    'lockbox.approve',
    'Europe/Berlin',
    '10.0.0.1',
    'v1.2.3',
    'key:4f1c-22',
  ])('leaves %j alone', (text) => {
    expect(defangLinks(text)).toBe(text);
  });
});

describe('shownName and shownText', () => {
  it('a customer name with a bare URL, zero-width characters and an override is one clean line with no link', () => {
    expect(shownName('Chris\u200b https://evil.example.com\u202e\nwww.x.org')).toBe('Chris hxxps[://]evil.example[.]com www[.]x[.]org');
  });

  it('text keeps its lines', () => {
    expect(shownText('first\u200b line\r\nsecond: contoso.com')).toBe('first line\nsecond: contoso[.]com');
  });
});
