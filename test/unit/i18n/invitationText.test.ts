import { customerFacingTime } from '../../../src/application/i18n/customerFacingTime';
import { invitationText, type InvitationDetails } from '../../../src/application/i18n/invitationText';
import { SUPPORTED_LANGUAGES } from '../../../src/application/i18n/languages';

const details: InvitationDetails = {
  recipientName: 'Anna Kovács',
  agentName: 'Bob Agent',
  link: 'https://doorman.example.com/j/Xy3_secret-code',
  expiresAt: new Date('2025-12-05T13:00:00Z'),
  scheduledFor: null,
  timeZone: 'Europe/Budapest',
};

describe('invitationText', () => {
  it.each(SUPPORTED_LANGUAGES)('%s contains the link and the localized deadline in text and html', (language) => {
    const invitation = invitationText(language, details);
    const deadline = customerFacingTime(details.expiresAt, language, details.timeZone);
    expect(invitation.subject).not.toBe('');
    expect(invitation.text).toContain(details.link);
    expect(invitation.text).toContain(deadline);
    expect(invitation.text).toContain(details.recipientName);
    expect(invitation.html).toContain(`href="${details.link}"`);
    expect(invitation.html).toContain(`lang="${language}"`);
  });

  it('writes the deadline in the language and time zone given, with the zone named', () => {
    const text = invitationText('de', details).text;
    expect(text).toContain('Freitag, 5. Dezember 2025 um 14:00 (Mitteleuropäische Normalzeit)');
    const hu = invitationText('hu', details).text;
    expect(hu).toContain('2025. december 5., péntek 14:00 (közép-európai téli idő)');
  });

  it('names the start when the session is scheduled, and only then', () => {
    const scheduledFor = new Date('2025-12-05T09:30:00Z');
    const scheduled = invitationText('en', { ...details, scheduledFor, timeZone: 'UTC' });
    expect(scheduled.text).toContain('The session starts on Friday, December 5, 2025 at 9:30 AM (Coordinated Universal Time).');
    expect(invitationText('en', details).text).not.toContain('starts');
  });

  it('escapes every inserted value in the html', () => {
    const invitation = invitationText('en', {
      ...details,
      recipientName: '<script>alert(1)</script>',
      agentName: 'Eve "<b>" & co',
      link: 'https://doorman.example.com/j/a"b<c',
    });
    expect(invitation.html).not.toContain('<script>');
    expect(invitation.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(invitation.html).toContain('Eve &quot;&lt;b&gt;&quot; &amp; co');
    expect(invitation.html).toContain('href="https://doorman.example.com/j/a&quot;b&lt;c"');
    expect(invitation.html).not.toMatch(/<img|<iframe|<script/i);
  });

  it('never links a non-web URL', () => {
    const invitation = invitationText('en', { ...details, link: 'javascript:alert(1)' });
    expect(invitation.html).not.toContain('href=');
  });

  it('keeps names on one line, so nothing can forge lines or headers', () => {
    const invitation = invitationText('en', { ...details, agentName: 'Bob\r\nBcc: victim@example.com' });
    expect(invitation.subject).toBe('Support session with Bob Bcc: victim@example[.]com');
    expect(invitation.subject).not.toMatch(/[\r\n]/);
  });

  it('contains nothing that was not asked for, such as internal comments', () => {
    const withComments = { ...details, comments: 'INTERNAL: customer is difficult' } as InvitationDetails;
    for (const language of SUPPORTED_LANGUAGES) {
      const invitation = invitationText(language, withComments);
      expect(JSON.stringify(invitation)).not.toContain('INTERNAL');
    }
  });

  it('falls back to UTC, and says so, for an unknown time zone', () => {
    const text = invitationText('en', { ...details, timeZone: 'Mars/Olympus' }).text;
    expect(text).toContain('1:00 PM (Coordinated Universal Time)');
  });
});
