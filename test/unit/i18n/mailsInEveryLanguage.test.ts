import { lockboxApproverMail } from '../../../src/application/i18n/lockboxApproverMail';
import { noticeMail } from '../../../src/application/i18n/noticeMail';
import { SUPPORTED_LANGUAGES } from '../../../src/domain/language';
import { lockboxIn } from '../../support/lockboxCardFixtures';

const ZONE = 'Europe/Berlin';

describe('the approvers’ mail and the requester’s notices in the recipient’s language', () => {
  const request = lockboxIn('pending', { durationMinutes: 90 });

  it.each(SUPPORTED_LANGUAGES)('%s: every text filled in, marked with its language, and no link', (language) => {
    const mails = [
      lockboxApproverMail(request, { timeZone: ZONE, language }),
      lockboxApproverMail(request, { timeZone: ZONE, language, occasion: 'escalated', via: 'Ticketing' }),
      noticeMail({ kind: 'lockboxReminder' }, request, ZONE, language),
      noticeMail({ kind: 'lockboxDecision' }, lockboxIn('approved'), ZONE, language),
      noticeMail({ kind: 'lockboxDecision' }, lockboxIn('denied'), ZONE, language),
      noticeMail({ kind: 'lockboxDecision' }, lockboxIn('expired'), ZONE, language),
      noticeMail({ kind: 'lockboxEnded' }, lockboxIn('ended'), ZONE, language),
      noticeMail({ kind: 'approvalSetting', approvalRequired: false, changedBy: 'Ada', changedAt: new Date(0).toISOString() } as never, null, ZONE, language),
    ];
    for (const mail of mails) {
      expect(mail).not.toBeNull();
      const { subject, text, html } = mail as NonNullable<typeof mail>;
      expect(`${subject} ${text}`).not.toMatch(/\{[A-Za-z]+\}/);
      expect(html).toContain(`<html lang="${language}">`);
      expect(html).not.toMatch(/<a\s|https?:\/\//);
    }
  });

  it('speaks each language, not English with a translated subject', () => {
    const english = lockboxApproverMail(request, { timeZone: ZONE, language: 'en' });
    expect(english.text).toContain('Duration: 1 hour 30 minutes');
    const german = lockboxApproverMail(request, { timeZone: ZONE, language: 'de' });
    expect(german.subject).toBe('Zugriffsanfrage: Contoso tenant — mailbox export (angefragt von Erin Engineer)');
    expect(german.text).toContain('Dauer: 1 Stunde 30 Minuten');
    expect(german.text).toMatch(/Entscheidung bis: .*2030.*\(Mitteleuropäische Normalzeit\)/);
    const hungarian = lockboxApproverMail(request, { timeZone: ZONE, language: 'hu' });
    expect(hungarian.text).toContain('Időtartam: 1 óra 30 perc');
    expect(hungarian.text).not.toContain('Never approve access');
  });
});
