import { customerFacingTime } from '../../../src/application/i18n/customerFacingTime';
import { lockboxApproverMail } from '../../../src/application/i18n/lockboxApproverMail';
import { lockboxIn } from '../../support/lockboxCardFixtures';

const request = lockboxIn('pending');
const mail = lockboxApproverMail(request, { timeZone: 'Europe/Berlin' });

describe('lockboxApproverMail', () => {
  it('names resource and requester in the subject', () => {
    expect(mail.subject).toBe('Access request: Contoso tenant — mailbox export (requested by Erin Engineer)');
  });

  it('holds resource, requester, reason, ticket, duration and the decision deadline in both parts', () => {
    const decideBy = customerFacingTime(request.decideBy, 'en', 'Europe/Berlin');
    expect(decideBy).toBe('Monday, March 4, 2030 at 10:00 PM (Central European Standard Time)');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('Contoso tenant — mailbox export');
      expect(part).toContain('Erin Engineer');
      expect(part).toContain('Customer reported missing mail; need to check the export logs.');
      expect(part).toContain('INC-4711');
      expect(part).toContain('4 hours');
      expect(part).toContain(decideBy);
    }
    expect(mail.text).toContain('Duration: 4 hours');
    expect(lockboxApproverMail({ ...request, durationMinutes: 90 }, { timeZone: 'UTC' }).text).toContain('Duration: 1 hour 30 minutes');
  });

  it('names the API client that asked on the requester’s behalf', () => {
    const viaApi = lockboxApproverMail({ ...request, requestedVia: 'ops-portal' }, { timeZone: 'UTC' });
    expect(viaApi.text).toContain('Requested by: Erin Engineer (through ops-portal)');
    const byKey = lockboxApproverMail({ ...request, requestedVia: 'key:4f1c' }, { timeZone: 'UTC', via: 'Ticketing' });
    expect(byKey.text).toContain('Requested by: Erin Engineer (through Ticketing)');
  });

  it('contains no links at all, not even from typed values', () => {
    const hostile = lockboxApproverMail(
      {
        ...request,
        resource: 'https://evil.example.com/approve?id=1 and www.evil.example',
        reason: 'see http://intranet/ticket or mailto:boss@example.com, <a href="https://x">click</a>',
        ticket: 'HTTPS://TICKETS.EXAMPLE/42',
        requester: { aadObjectId: 'aad-erin', name: 'Erin <a href=x>' },
        requestedVia: 'ftp://client',
      },
      { timeZone: 'Europe/Berlin' },
    );
    for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(/<a[\s>]/i);
    // The text part is plain text: a typed "<a href>" shows literally there and links nothing.
    expect(hostile.html).not.toMatch(/<a[\s>]/i);
    for (const part of [mail.subject, mail.text, mail.html, hostile.subject, hostile.text, hostile.html]) {
      expect(part.toLowerCase()).not.toContain('http');
      expect(part).not.toMatch(/[a-z0-9]:\/\//i);
      expect(part.toLowerCase()).not.toContain('mailto:');
      expect(part.toLowerCase()).not.toContain('www.');
    }
    expect(hostile.text).toContain('hxxps[://]evil.example[.]com/approve?id=1');
  });

  it('HTML-escapes every inserted value', () => {
    const tricky = '<script>alert(1)</script> "quoted" & \'single\' `tick`';
    const escaped = '&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;single&#39; &#96;tick&#96;';
    const html = lockboxApproverMail(
      { ...request, resource: tricky, reason: tricky, ticket: tricky, requester: { aadObjectId: 'x', name: tricky }, requestedVia: tricky },
      { timeZone: 'UTC' },
    ).html;
    expect(html).not.toContain('<script>');
    expect(html.split(escaped).length - 1).toBeGreaterThanOrEqual(6);
    expect(html).not.toMatch(/<img|<iframe|<script|<a[\s>]/i);
  });

  it('keeps names and the subject on one line, so nothing can forge lines or headers', () => {
    const forged = lockboxApproverMail(
      { ...request, resource: 'db\r\nBcc: victim@example.com', requester: { aadObjectId: 'x', name: 'Erin\nTo: x' } },
      { timeZone: 'UTC' },
    );
    expect(forged.subject).not.toMatch(/[\r\n]/);
    expect(forged.text).not.toMatch(/^Bcc:/m);
    expect(forged.text).not.toMatch(/^To:/m);
  });

  it('drops invisible and direction-changing characters everywhere, the subject included', () => {
    const hidden = lockboxApproverMail(
      { ...request, resource: 'Contoso\u202e tpircs.exe\u200b', requester: { aadObjectId: 'x', name: 'Er\u200bin\u2066 Engineer\ufeff' }, reason: 'r\u202ae\u2069ason\u00ad' },
      { timeZone: 'UTC' },
    );
    expect(hidden.subject).toBe('Access request: Contoso tpircs.exe (requested by Erin Engineer)');
    for (const part of [hidden.subject, hidden.text, hidden.html]) expect(part).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]/);
    expect(hidden.text).toContain('Reason: reason');
  });

  it('says "none" for a missing ticket and tells approvers where to decide', () => {
    const noTicket = lockboxApproverMail({ ...request, ticket: '' }, { timeZone: 'UTC' });
    expect(noTicket.text).toContain('Ticket: none');
    expect(noTicket.text).toMatch(/approvers' channel in Microsoft Teams/);
    expect(noTicket.text).toMatch(/no links on purpose/);
  });
});
