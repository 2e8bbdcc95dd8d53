import { Client } from '@microsoft/microsoft-graph-client';
import { ActivityFeed, ActivityNotification, ActivityRecipient, Clock, Logger, PermanentError } from '../../application/ports';
import { isGraphNotFound, mapGraphError } from './graphClient';
import { systemClock } from '../system/systemClock';

/*
 * "userTeamwork: sendActivityNotification" (https://learn.microsoft.com/graph/api/userteamwork-sendactivitynotification):
 * `POST /users/{userId | userPrincipalName}/teamwork/sendActivityNotification`, application permission
 * TeamsActivity.Send, body `{ topic, activityType, previewText: itemBody, templateParameters: keyValuePair[],
 * teamsAppId? }`, answers 204 No Content. `activityType` must be declared in the manifest's
 * `activities.activityTypes` (its `templateText` fills `{…}` from `templateParameters`). A text topic
 * (teamworkActivityTopic, https://learn.microsoft.com/graph/api/resources/teamworkactivitytopic) is
 * `{ source: 'text', value, webUrl }`: `webUrl` is required with `text` and is where a click leads. The recipient is the
 * user in the path; the `recipient` object (aadUserNotificationRecipient, chat or team members) belongs to the bulk and
 * chat/team variants, which Doorman does not use. Teams only delivers to people who have the app installed, and only
 * when the manifest's `webApplicationInfo.id` is the sending app's client id ("Send activity feed notifications to
 * users in Microsoft Teams", https://learn.microsoft.com/graph/teams-send-activityfeednotifications).
 */

/** Where a click on a notification leads: the Requests tab of Doorman, opened on the request (`subEntityId`). */
export function requestDeepLink(teamsAppId: string, requestId: string): string {
  const context = encodeURIComponent(JSON.stringify({ subEntityId: requestId }));
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(teamsAppId)}/requests?context=${context}`;
}

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The Teams activity feed through Graph (app-only, TeamsActivity.Send); off without the Teams app id (TEAMS_APP_ID). */
export class GraphActivityFeed implements ActivityFeed {
  constructor(
    private readonly client: Client,
    /** The manifest's `id` (TEAMS_APP_ID): the deep link names it, and Graph uses it to pick the app to notify from. */
    private readonly teamsAppId: string,
    private readonly clock: Clock = systemClock,
    private readonly logger: Logger = SILENT,
  ) {}

  /** Sends one notification; 403 → GRAPH.FORBIDDEN naming TeamsActivity.Send, 429/5xx retryable, 404 given up. */
  async notify(recipient: ActivityRecipient, notification: ActivityNotification): Promise<void> {
    const body = {
      topic: { source: 'text', value: notification.topic.slice(0, 200), webUrl: requestDeepLink(this.teamsAppId, notification.requestId) },
      activityType: notification.activity,
      previewText: { content: notification.previewText.slice(0, 150) },
      templateParameters: Object.entries(notification.templateParameters).map(([name, value]) => ({ name, value })),
      teamsAppId: this.teamsAppId,
    };
    try {
      await this.client.api(`/users/${encodeURIComponent(recipient.aadObjectId)}/teamwork/sendActivityNotification`).post(body);
    } catch (error) {
      // A person Graph does not know will not appear by retrying.
      if (isGraphNotFound(error)) throw new PermanentError('Graph sendActivityNotification: the person is not in the directory (HTTP 404)');
      throw mapGraphError(error, 'activityFeed', this.clock.now(), recipient.aadObjectId);
    }
    this.logger.info({ requestId: notification.requestId, activity: notification.activity }, 'activity notification sent');
  }
}
