import { usableTimeZone } from '../../../application/shared/zonedTime';
import { cardTime } from '../cards/cardTime';
import { adaptiveCard, heading, statusBadge, textBlock } from '../cards/cardElements';
import { AdaptiveCard } from '../cards/cardTypes';
import { escapeMarkdown } from '../cards/escapeMarkdown';

/** Who switched lockbox approval off or on, and when; told to every approver. */
export interface ApprovalSettingNoticeView {
  approvalRequired: boolean;
  /** The admin's display name. */
  changedBy: string;
  changedAt: Date;
  /** The reader's time zone. */
  timeZone: string;
  now: Date;
}

/** The message every approver gets at once when an admin turns lockbox approval off (or back on). */
export function approvalSettingNoticeCard(view: ApprovalSettingNoticeView): AdaptiveCard {
  const who = escapeMarkdown(view.changedBy);
  const when = `${cardTime(view.changedAt, view.timeZone, view.now)} (${escapeMarkdown(usableTimeZone(view.timeZone))})`;
  const [title, text] = view.approvalRequired
    ? [
        'Lockbox approval is on again',
        `${who} turned approval on at ${when}. Access requests wait for an approver's decision again.`,
      ]
    : [
        'Lockbox approval is turned off',
        `${who} turned approval off at ${when}. From now on every access request is approved automatically and access ` +
          'is granted at once; the audit trail names this setting as the approver. If this is unexpected, tell your security team.',
      ];
  return adaptiveCard([
    heading(title, 'noticeTitle'),
    view.approvalRequired ? textBlock(text, { id: 'noticeText', spacing: 'small' }) : statusBadge(text, 'stopped', 'noticeText', { weight: 'default' }),
  ]);
}
