import { lockboxNoticeCard } from '../../../src/adapters/teams/lockbox/lockboxNoticeCard';
import { LockboxRequest } from '../../../src/domain/lockbox';
import { ADA, decisionBy, HOSTILE, lockboxIn, NOW, STATES, TIME_ZONE } from '../../support/lockboxCardFixtures';
import { executeActions, getById, validateCard, visibleTexts } from '../../support/validateCard';

const render = (request: LockboxRequest, notice: 'decision' | 'reminder' | 'ended', timeZone = TIME_ZONE) =>
  lockboxNoticeCard({ request, notice, now: NOW, timeZone });
const textOf = (request: LockboxRequest, notice: 'decision' | 'reminder' | 'ended', timeZone = TIME_ZONE) =>
  String(getById(render(request, notice, timeZone), 'noticeText').text);

describe('lockboxNoticeCard', () => {
  it.each(STATES.flatMap((state) => (['decision', 'reminder', 'ended'] as const).map((notice) => [state, notice] as const)))(
    'is a valid 1.5 card without buttons in %s (%s)',
    (state, notice) => {
      const card = render(lockboxIn(state), notice);
      validateCard(card);
      expect(executeActions(card)).toEqual([]);
      expect(getById(card, 'noticeTitle').text).not.toBe('');
    },
  );

  it('tells the requester who approved and the access window in their time zone', () => {
    expect(textOf(lockboxIn('approved'), 'decision')).toBe(
      'Approved by Ada Approver (“ok for 4 h”): access from Mon 4 Mar, 10:35 to Mon 4 Mar, 14:35 (your time zone Europe/Berlin).',
    );
    expect(textOf(lockboxIn('approved'), 'decision', 'America/New_York')).toContain(
      'access from Mon 4 Mar, 04:35 to Mon 4 Mar, 08:35 (your time zone America/New\\_York).',
    );
    expect(getById(render(lockboxIn('approved'), 'decision'), 'noticeTitle').text).toBe('Access to Contoso tenant — mailbox export approved');
  });

  it('counts the window from the approval while the grant is not confirmed yet', () => {
    expect(textOf(lockboxIn('granting'), 'decision')).toBe(
      'Approved by Ada Approver (“ok for 4 h”): access from Mon 4 Mar, 10:30 to Mon 4 Mar, 14:30 (your time zone Europe/Berlin).',
    );
  });

  it('labels times with UTC when the time zone is unknown', () => {
    expect(textOf(lockboxIn('approved'), 'decision', 'Mars/Olympus')).toContain('(your time zone UTC)');
  });

  it('says when the setting approved it, not a person', () => {
    const auto = { action: 'autoApprove' as const, byId: 'system:settings', byName: 'system:settings', at: NOW, comment: 'approval is turned off by Sam Admin at Mon 4 Mar, 09:00' };
    const request = lockboxIn('granting', { decisions: [auto] });
    expect(textOf(request, 'decision')).toBe(
      'Approved automatically (approval is turned off by Sam Admin at Mon 4 Mar, 09:00): access from Mon 4 Mar, 11:00 to Mon 4 Mar, 15:00 (your time zone Europe/Berlin).',
    );
  });

  it('tells a denial with its comment, or without', () => {
    expect(textOf(lockboxIn('denied'), 'decision')).toBe('Denied by Ada Approver: no ticket approval');
    expect(textOf(lockboxIn('denied', { decisions: [decisionBy(ADA, 'deny', null)] }), 'decision')).toBe('Denied by Ada Approver.');
  });

  it('tells an expiry and a cancellation', () => {
    expect(textOf(lockboxIn('expired'), 'decision')).toBe('Expired: nobody decided in time.');
    expect(textOf(lockboxIn('cancelled'), 'decision')).toMatch(/cancelled/);
  });

  it('reminds approvers how long is left, on what and for whom', () => {
    const request = lockboxIn('pending', { decideBy: new Date(NOW.getTime() + 3600_000) });
    expect(getById(render(request, 'reminder'), 'noticeTitle').text).toBe('Decision due soon');
    expect(textOf(request, 'reminder')).toMatch(
      /^1 hour left to decide on Contoso tenant — mailbox export requested by Erin Engineer\. Without a decision by Mon 4 Mar, 12:00 the request expires\./,
    );
  });

  it.each([
    ['window elapsed', 'Access to Contoso tenant — mailbox export ended: access window elapsed. Removed Mon 4 Mar, 10:58 (Europe/Berlin).'],
    ['resolved', 'Access to Contoso tenant — mailbox export ended: ended early by the requester. Removed Mon 4 Mar, 10:58 (Europe/Berlin).'],
    ['revoked', 'Access to Contoso tenant — mailbox export ended: revoked by an approver. Removed Mon 4 Mar, 10:58 (Europe/Berlin).'],
  ] as const)('tells the requester that access ended: %s', (reason, text) => {
    const request = lockboxIn('ended', { ending: { reason, byId: 'x', at: NOW } });
    expect(textOf(request, 'ended')).toBe(text);
    expect(textOf(request, 'decision')).toBe(text);
  });

  it('escapes resource, names and comments', () => {
    const hostile = { resource: HOSTILE, requester: { aadObjectId: 'aad-erin', name: HOSTILE } };
    const cards = [
      render(lockboxIn('denied', { ...hostile, decisions: [{ ...decisionBy(ADA, 'deny', HOSTILE), byName: HOSTILE }] }), 'decision'),
      render(lockboxIn('approved', { ...hostile, decisions: [{ ...decisionBy(ADA, 'approve', HOSTILE), byName: HOSTILE }] }), 'decision'),
      render(lockboxIn('pending', hostile), 'reminder'),
      render(lockboxIn('ended', hostile), 'ended'),
    ];
    for (const text of cards.flatMap(visibleTexts)) {
      expect(text).not.toContain('**x**');
      expect(text).not.toContain('[y](http');
      expect(text).not.toContain('{{DATE');
    }
  });
});
