import { PORTAL_STRINGS, portalStrings } from '../../src/application/i18n/portalStrings';
import {
  messageKindForErrorCode,
  type PortalState,
  portalBasePath,
  renderMessagePage,
  renderPortalPage,
  renderRoomPage,
} from '../../src/adapters/http/portal/portalPage';

const bootJsonOf = (html: string): unknown => {
  const match = /<script type="application\/json" id="doorman-boot">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no boot JSON');
  return JSON.parse(match[1] ?? '');
};

const scriptElements = (html: string): string[] => html.match(/<script\b[^>]*>/g) ?? [];

const hostileState: PortalState = {
  state: 'waiting',
  boundToYou: true,
  inUse: false,
  released: false,
  name: '</script><script>alert(1)</script><!--',
  suggestedName: null,
  tag: '4815',
  scheduledFor: null,
  startsLater: false,
  expiresAt: '2025-12-05T13:00:00.000Z',
  closedReason: null,
  language: 'en',
  join: null,
  preparing: false,
};

/** No inline script, style or handler may appear: the CSP would block them (and they would be a hole if it did not). */
const expectCspClean = (html: string): void => {
  for (const tag of scriptElements(html)) {
    expect(tag === '<script type="application/json" id="doorman-boot">' || /^<script src="\/portal-assets\/portal\.js" defer>$/.test(tag)).toBe(true);
  }
  expect(html).not.toMatch(/\sstyle=/i);
  expect(html).not.toMatch(/<style/i);
  expect(html).not.toMatch(/\son[a-z]+=/i);
  expect(html).not.toMatch(/javascript:/i);
};

describe('renderPortalPage', () => {
  it('embeds strings, error keys and the base path as boot JSON, in the page language', () => {
    const html = renderPortalPage({ code: 'abc_DEF-123', language: 'nl', strings: portalStrings('nl') });
    expect(html).toContain('<html lang="nl"');
    expect(html).toContain('<link rel="stylesheet" href="/portal-assets/portal.css">');
    expect(bootJsonOf(html)).toMatchObject({
      page: 'portal',
      base: '/j/abc_DEF-123',
      language: 'nl',
      strings: PORTAL_STRINGS.nl,
      state: null,
    });
    expect(html).toContain('role="status"');
    expect(html).toContain('role="alert"');
    expectCspClean(html);
  });

  it('cannot be broken out of by "</script>" in a string or in the embedded state', () => {
    const strings = { ...portalStrings('en'), pageTitle: '</script><script>alert("t")</script>', loading: '<!--' };
    const html = renderPortalPage({
      code: 'abc',
      language: 'en',
      strings,
      nonceFreeStateJson: JSON.stringify(hostileState),
    });
    expect(scriptElements(html)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain('<!--');
    expect(html).not.toContain('<script>alert');
    const boot = bootJsonOf(html) as { strings: { pageTitle: string }; state: PortalState };
    expect(boot.strings.pageTitle).toBe(strings.pageTitle);
    expect(boot.state).toEqual(hostileState);
    expect(html).toContain('<title>&lt;/script&gt;&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;</title>');
    expectCspClean(html);
  });

  it('keeps a hostile code inside its path segment', () => {
    const html = renderPortalPage({ code: '../x"><img src=x>', language: 'en' });
    expect((bootJsonOf(html) as { base: string }).base).toBe(portalBasePath('../x"><img src=x>'));
    expect(portalBasePath('../x"><img src=x>')).toBe('/j/..%2Fx%22%3E%3Cimg%20src%3Dx%3E');
    expect(html).not.toContain('<img');
  });

  it('refuses embedded state that is not JSON rather than embedding it raw', () => {
    expect(() => renderPortalPage({ code: 'abc', language: 'en', nonceFreeStateJson: '</script>' })).toThrow();
  });
});

describe('renderRoomPage', () => {
  it('says it is not a Teams meeting, shows name and tag escaped, and loads the script for Leave', () => {
    const html = renderRoomPage({ code: 'abc', language: 'de', name: '<b>Anna</b> & "Co"', tag: '4815' });
    expect(html).toContain(PORTAL_STRINGS.de.localRoomLabel);
    expect(html).toContain('&lt;b&gt;Anna&lt;/b&gt; &amp; &quot;Co&quot; (4815)');
    expect(html).not.toContain('<b>Anna');
    expect(bootJsonOf(html)).toMatchObject({ page: 'room', base: '/j/abc', language: 'de' });
    expect(html).toContain('id="leave-area"');
    expectCspClean(html);
  });
});

describe('renderMessagePage', () => {
  it.each(['notFound', 'expired', 'inUse', 'closed', 'rateLimited', 'error'] as const)(
    '%s is a translated page without any script',
    (kind) => {
      const html = renderMessagePage({ language: 'hu', kind });
      expect(html).toContain('<html lang="hu"');
      expect(scriptElements(html)).toEqual([]);
      expect(html).toMatch(/<h1 class="title">[^<]+<\/h1>/);
      expectCspClean(html);
    },
  );

  it('shows the expired text for an expired link', () => {
    expect(renderMessagePage({ language: 'fr', kind: messageKindForErrorCode('LINK.EXPIRED') })).toContain(
      PORTAL_STRINGS.fr.expiredTitle,
    );
    expect(messageKindForErrorCode('LINK.IN_USE')).toBe('inUse');
    expect(messageKindForErrorCode('REQUEST.NOT_FOUND')).toBe('notFound');
    expect(messageKindForErrorCode('WHATEVER')).toBe('error');
  });
});
