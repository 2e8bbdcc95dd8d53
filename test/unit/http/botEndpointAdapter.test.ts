import { Activity, ConfigurationBotFrameworkAuthentication, TurnContext } from 'botbuilder';
import { BotEndpointAdapter } from '../../../src/adapters/http/botEndpoint';

/** The clients botbuilder put on a turn for an activity sent to `serviceUrl` (unauthenticated, as in local mode). */
async function clientsOfTurn(adapter: BotEndpointAdapter, serviceUrl: string): Promise<{ connector: unknown; userToken: unknown }> {
  const activity = {
    type: 'message',
    text: 'hi',
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:someone' },
    recipient: { id: '28:doorman' },
    conversation: { id: 'a:chat' },
  } as Activity;
  let clients: { connector: unknown; userToken: unknown } | null = null;
  await adapter.runTurn(await adapter.authenticate(activity, ''), activity, async (context: TurnContext) => {
    clients = { connector: context.turnState.get(adapter.ConnectorClientKey), userToken: context.turnState.get(adapter.UserTokenClientKey) };
  });
  if (!clients) throw new Error('the turn did not run');
  return clients;
}

describe('BotEndpointAdapter', () => {
  it('builds the connector and user-token clients of a turn once and keeps them for the next turns to the same service URL', async () => {
    const adapter = new BotEndpointAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const first = await clientsOfTurn(adapter, 'http://127.0.0.1:3978/');
    const second = await clientsOfTurn(adapter, 'http://127.0.0.1:3978/');
    expect(first.connector).toBeDefined();
    expect(first.userToken).toBeDefined();
    expect(second.connector).toBe(first.connector);
    expect(second.userToken).toBe(first.userToken);
  });

  it('gives a turn to another service URL its own connector client', async () => {
    const adapter = new BotEndpointAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const one = await clientsOfTurn(adapter, 'http://127.0.0.1:3978/');
    const other = await clientsOfTurn(adapter, 'http://127.0.0.1:3979/');
    expect(other.connector).not.toBe(one.connector);
    expect((other.connector as { baseUri?: string }).baseUri ?? '').toContain('3979');
  });
});
