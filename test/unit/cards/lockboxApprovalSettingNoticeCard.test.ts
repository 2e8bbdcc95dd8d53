import { approvalSettingNoticeCard } from '../../../src/adapters/teams/lockbox/approvalSettingNoticeCard';
import { HOSTILE, NOW, TIME_ZONE } from '../../support/lockboxCardFixtures';
import { executeActions, getById, validateCard, visibleTexts } from '../../support/validateCard';

const render = (approvalRequired: boolean, changedBy = 'Sam Admin') =>
  approvalSettingNoticeCard({ approvalRequired, changedBy, changedAt: new Date(NOW.getTime() - 5 * 60_000), timeZone: TIME_ZONE, now: NOW });

describe('approvalSettingNoticeCard', () => {
  it.each([true, false])('is a valid 1.5 card without buttons (approval required: %s)', (approvalRequired) => {
    const card = render(approvalRequired);
    validateCard(card);
    expect(executeActions(card)).toEqual([]);
  });

  it('tells approvers who turned approval off, when, and what it means', () => {
    const card = render(false);
    expect(getById(card, 'noticeTitle').text).toBe('Lockbox approval is turned off');
    const text = String(getById(card, 'noticeText').text);
    expect(text).toMatch(/^Sam Admin turned approval off at Mon 4 Mar, 10:55 \(Europe\/Berlin\)\./);
    expect(text).toMatch(/approved automatically/);
    expect(getById(card, 'noticeText').color).toBe('default');
    expect(getById(card, 'noticeTextBadge').style).toBe('attention');
  });

  it('tells approvers when approval is back on', () => {
    const card = render(true);
    expect(getById(card, 'noticeTitle').text).toBe('Lockbox approval is on again');
    expect(getById(card, 'noticeText').text).toMatch(/^Sam Admin turned approval on at Mon 4 Mar, 10:55/);
  });

  it('escapes the admin’s name', () => {
    for (const text of visibleTexts(render(false, HOSTILE))) {
      expect(text).not.toContain('**x**');
      expect(text).not.toContain('{{DATE');
    }
  });
});
