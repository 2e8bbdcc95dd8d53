import { textsFor } from '../../../application/i18n/messages';
import { usableTimeZone } from '../../../application/shared/zonedTime';
import { Language } from '../../../domain/language';
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
  /** The reader's language (default English). */
  language?: Language;
}

/** The message every approver gets at once when an admin turns lockbox approval off (or back on). */
export function approvalSettingNoticeCard(view: ApprovalSettingNoticeView): AdaptiveCard {
  const language = view.language ?? 'en';
  const texts = textsFor(language);
  const who = escapeMarkdown(view.changedBy);
  const when = `${cardTime(view.changedAt, view.timeZone, view.now, language)} (${escapeMarkdown(usableTimeZone(view.timeZone))})`;
  const [title, text] = view.approvalRequired
    ? [texts.t('approvalSetting.onTitle'), texts.t('approvalSetting.on', { who, when })]
    : [texts.t('approvalSetting.offTitle'), texts.t('approvalSetting.off', { who, when })];
  return adaptiveCard([
    heading(title, 'noticeTitle'),
    view.approvalRequired ? textBlock(text, { id: 'noticeText', spacing: 'small' }) : statusBadge(text, 'stopped', 'noticeText', { weight: 'default' }),
  ]);
}
