import { ActivityFeed, ActivityNotification, ActivityRecipient, Logger } from '../../application/ports';

/** Activity-feed notifications switched off (no TEAMS_APP_ID, or no Graph): cards, mentions and chats still reach people. */
export class NoActivityFeed implements ActivityFeed {
  constructor(private readonly logger: Logger) {}

  async notify(_recipient: ActivityRecipient, notification: ActivityNotification): Promise<void> {
    this.logger.debug({ requestId: notification.requestId, activity: notification.activity }, 'activity feed off: no TEAMS_APP_ID or no Graph');
  }
}
