import { ActivityTypes, CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext } from 'botbuilder';
import * as restify from 'restify';

/**
 * The bench's floor for a card action: a bare botbuilder CloudAdapter behind restify that answers an
 * Action.Execute invoke with a small card, reading and writing nothing. Listens on HOST:PORT; `GET /ready` answers.
 */
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, async (context: TurnContext) => {
    const activity = context.activity;
    if (activity.type !== ActivityTypes.Invoke || activity.name !== 'adaptiveCard/action') return;
    const verb = (activity.value as { action?: { verb?: string } }).action?.verb ?? '';
    const card = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'TextBlock', text: `${verb} by ${activity.from.name ?? ''}`, wrap: true }],
    };
    await context.sendActivity({
      type: ActivityTypes.InvokeResponse,
      value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
    });
  });
});
server.get('/ready', (_req, res, next) => {
  res.send(200, 'ok');
  next();
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
