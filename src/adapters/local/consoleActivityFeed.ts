import { ActivityFeed, ActivityNotification, ActivityRecipient, Logger } from '../../application/ports';

/**
 * The local stand-in for the Teams activity feed (the Agents Playground has none): each notification is one log line
 * (short and readable in a terminal), and the request's cards say "🔔 Notified <name>" until Doorman restarts.
 * Kept in memory on purpose: it shows what production would send, it is not a record of it.
 */
export class ConsoleActivityFeed implements ActivityFeed {
  private readonly notified = new Map<string, string[]>();

  constructor(private readonly logger: Logger) {}

  async notify(recipient: ActivityRecipient, notification: ActivityNotification): Promise<void> {
    this.logger.info(
      { to: recipient.name, activity: notification.activity, requestId: notification.requestId, preview: notification.previewText },
      `🔔 activity feed (local stand-in): ${recipient.name}`,
    );
    const names = this.notified.get(notification.requestId) ?? [];
    if (!names.includes(recipient.name)) this.notified.set(notification.requestId, [...names, recipient.name]);
  }

  notifiedAbout(requestId: string): readonly string[] {
    return this.notified.get(requestId) ?? [];
  }
}
