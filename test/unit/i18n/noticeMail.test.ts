import { noticeMail } from '../../../src/application/i18n/noticeMail';
import { lockboxIn } from '../../support/lockboxCardFixtures';

/** Issue 11 §4: the mail forms of chat notices, for people Doorman cannot reach in Teams. */
describe('noticeMail', () => {
  it('tells the requester the decision: approved with the access window, denied with the comment, expired', () => {
    const approved = noticeMail({ kind: 'lockboxDecision' }, lockboxIn('approved'), 'Europe/Berlin');
    expect(approved?.subject).toBe('Access to Contoso tenant — mailbox export approved');
    expect(approved?.text).toMatch(/^Approved by Ada Approver\.\n\nAccess from .+ until .+\.\n\nComment: ok for 4 h/);
    const denied = noticeMail({ kind: 'lockboxDecision' }, lockboxIn('denied'), 'UTC');
    expect(denied?.subject).toBe('Access to Contoso tenant — mailbox export denied');
    expect(denied?.text).toContain('Comment: no ticket approval');
    expect(noticeMail({ kind: 'lockboxDecision' }, lockboxIn('expired'), 'UTC')?.text).toContain('nobody decided in time');
    expect(noticeMail({ kind: 'lockboxEnded' }, lockboxIn('ended'), 'UTC')?.subject).toBe('Your access to Contoso tenant — mailbox export has ended');
  });

  it("reminds approvers with the request's details and says less than an hour is left", () => {
    const mail = noticeMail({ kind: 'lockboxReminder' }, lockboxIn('pending'), 'Europe/Berlin');
    expect(mail?.subject).toBe('Reminder: Access request: Contoso tenant — mailbox export (requested by Erin Engineer)');
    for (const part of [mail?.text ?? '', mail?.html ?? '']) {
      expect(part).toContain('less than an hour is left');
      expect(part).toContain('INC-4711');
    }
  });

  it('tells approvers that approval was turned off, by whom', () => {
    const mail = noticeMail({ kind: 'approvalSetting', approvalRequired: false, changedBy: 'Alex Admin', changedAt: '2030-03-04T09:00:00.000Z' }, null, 'UTC');
    expect(mail?.subject).toBe('Lockbox approval turned off');
    expect(mail?.text).toMatch(/^Alex Admin changed the lockbox setting at .*2030.*\n\nLockbox requests are now approved automatically/);
  });

  it('holds no links, and typed values cannot become markup', () => {
    const hostile = lockboxIn('denied', {
      resource: '<b>https://evil.example/approve</b>',
      decisions: [{ action: 'deny', byId: 'x', byName: 'Mallory <script>', at: new Date('2030-03-04T08:00:00Z'), comment: 'see https://evil.example' }],
    });
    const mail = noticeMail({ kind: 'lockboxDecision' }, hostile, 'UTC');
    expect(mail?.html).not.toContain('<b>');
    expect(mail?.html).not.toContain('<script>');
    expect(mail?.html).not.toMatch(/href=/);
  });

  it('has no form for notices about no lockbox request', () => {
    expect(noticeMail({ kind: 'lockboxDecision' }, null, 'UTC')).toBeNull();
    expect(noticeMail({ kind: 'lockboxReminder' }, null, 'UTC')).toBeNull();
  });
});
