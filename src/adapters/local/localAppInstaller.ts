import { AppInstaller, PersonUnreachableError } from '../../application/ports';

/**
 * Local mode's stand-in for installing Doorman: the Agents Playground's people all have the app, so installing
 * succeeds at once and there is no Graph chat to ask for; the chat is then opened through the Bot Connector.
 */
export class LocalAppInstaller implements AppInstaller {
  async installFor(): Promise<void> {}

  async chatIdFor(): Promise<string | null> {
    return null;
  }
}

/**
 * A deployment that cannot install Doorman for people (no TEAMS_APP_ID, or no Graph): says so as why they cannot be
 * reached, so their notices fall back to mail and the cards name the fix, instead of retrying what cannot work.
 */
export class UnconfiguredAppInstaller implements AppInstaller {
  constructor(private readonly why: string) {}

  async installFor(): Promise<void> {
    throw new PersonUnreachableError({ code: 'REACH.NO_APP_ID', detail: this.why });
  }

  async chatIdFor(): Promise<string | null> {
    return null;
  }
}
