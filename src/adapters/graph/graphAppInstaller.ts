import { Client, GraphError } from '@microsoft/microsoft-graph-client';
import { AppInstaller, Clock, RetryableError } from '../../application/ports';
import { mapGraphError } from './graphClient';

/*
 * Sources (Microsoft Learn / microsoft-graph-docs-contrib, v1.0):
 * - "Install app for user": `POST /users/{id}/teamwork/installedApps` with
 *   `{"teamsApp@odata.bind": "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{teamsAppId}"}` answers
 *   `201 Created` with no body; application permission TeamsAppInstallation.ReadWriteSelfForUser.All. An app already
 *   installed for the user answers 409 Conflict: for Doorman that is success.
 * - "List apps installed for user": `GET /users/{id}/teamwork/installedApps?$expand=teamsApp&$filter=teamsApp/id eq
 *   '{teamsAppId}'` answers `{ value: [{ id, teamsApp: { id, externalId, displayName, distributionMethod } }] }`; the
 *   installation id is not the app id ("Send a personal welcome message" uses this very filter).
 * - "Get chat between user and app": `GET /users/{id}/teamwork/installedApps/{installationId}/chat` answers a chat,
 *   `{ id: "19:…@unq.gbl.spaces" }`.
 * The app must also be allowed for the user by the Teams app permission policies; the manifest's webApplicationInfo
 * names the Entra app, as the "proactive installation" guide requires.
 */

/** Installs Doorman in people's personal scope through Graph (app-only), and finds the chat of that installation. */
export class GraphAppInstaller implements AppInstaller {
  constructor(
    private readonly client: Client,
    /** TEAMS_APP_ID: the app's id in the organization's app catalog (not the manifest id). */
    private readonly teamsAppId: string,
    private readonly clock: Clock,
  ) {}

  async installFor(aadObjectId: string): Promise<void> {
    try {
      await this.client
        .api(`/users/${encodeURIComponent(aadObjectId)}/teamwork/installedApps`)
        .post({ 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${this.teamsAppId}` });
    } catch (error) {
      if (error instanceof GraphError && error.statusCode === 409) return;
      throw mapGraphError(error, 'teamsAppInstallation', this.clock.now());
    }
  }

  async chatIdFor(aadObjectId: string): Promise<string | null> {
    const user = encodeURIComponent(aadObjectId);
    try {
      const installed = (await this.client
        .api(`/users/${user}/teamwork/installedApps`)
        .expand('teamsApp')
        .filter(`teamsApp/id eq '${this.teamsAppId.replace(/'/g, "''")}'`)
        .get()) as { value?: { id?: string }[] };
      const installationId = installed.value?.[0]?.id;
      // Just installed and not listed yet: Graph is eventually consistent, so this is worth another try shortly.
      if (!installationId) throw new RetryableError('the app installation is not listed for the person yet');
      const chat = (await this.client.api(`/users/${user}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`).get()) as { id?: string };
      return chat.id ?? null;
    } catch (error) {
      throw mapGraphError(error, 'teamsAppInstallation', this.clock.now());
    }
  }
}
