import {
  ActivityTypes,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import * as restify from 'restify';

/** What the echo bot posted, so a test can update it proactively. */
export interface PostedCard {
  reference: Partial<ConversationReference>;
  activityId: string;
  title: string;
}

/** A throwaway bot that proves the Playground harness; not part of Doorman. */
export interface EchoBot {
  /** Messaging endpoint to give the Playground, e.g. http://127.0.0.1:40123/api/messages. */
  readonly url: string;
  /** Every activity received, in order. */
  readonly activities: Activity[];
  /** Every card posted as a reply to a message, in order. */
  readonly cards: PostedCard[];
  /** Replaces a posted activity in place (proactive PUT through `continueConversationAsync` + `updateActivity`). */
  updateCard(card: PostedCard, title: string): Promise<void>;
  /**
   * Starts a new thread in a channel. `reference`: send to a reference whose conversation is the channel itself;
   * `createConversation`: what `TeamsInfo.sendMessageToTeamsChannel` does. Returns the thread and its root id.
   */
  postToChannel(
    serviceUrl: string,
    channelId: string,
    title: string,
    how: 'reference' | 'createConversation',
  ): Promise<PostedCard>;
  /** Closes the HTTP server. */
  stop(): Promise<void>;
}

/** The card the echo bot sends: a title, an Input.Text "comments", an Action.Execute and an Action.Submit. */
export function echoCard(title: string): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', id: 'title', text: title, wrap: true },
      { type: 'Input.Text', id: 'comments', label: 'Comments', placeholder: 'Internal comments' },
    ],
    actions: [
      { type: 'Action.Execute', title: 'Admit', verb: 'session.admit', data: { requestId: 'echo-1', version: 1 } },
      { type: 'Action.Submit', title: 'Send', data: { requestId: 'echo-1', version: 1 } },
    ],
  };
}

/** A form like Doorman's session form: every input kind the Playground renders, and an Execute that echoes them. */
export function echoFormCard(): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: 'Echo form', wrap: true },
      { type: 'Input.Text', id: 'recipientName', label: 'Customer name', isRequired: true, errorMessage: 'Required' },
      { type: 'Input.Text', id: 'inviteText', label: 'Invitation', isMultiline: true, value: 'line 1\nline 2' },
      {
        type: 'Input.ChoiceSet',
        id: 'assignTo',
        label: 'Assign to',
        value: 'me',
        choices: [
          { title: 'Me', value: 'me' },
          { title: 'Unassigned', value: 'unassigned' },
          { title: 'Queue Tier 1', value: 'queue:tier1' },
        ],
      },
      {
        type: 'Input.ChoiceSet',
        id: 'emailLanguage',
        label: 'Language',
        style: 'expanded',
        value: 'en',
        choices: [
          { title: 'English', value: 'en' },
          { title: 'Deutsch', value: 'de' },
        ],
      },
      { type: 'Input.Toggle', id: 'sendEmail', title: 'Send the invitation by e-mail', value: 'false' },
      { type: 'Input.Date', id: 'scheduledDate', label: 'Date' },
      { type: 'Input.Time', id: 'scheduledTime', label: 'Time' },
      { type: 'Input.Number', id: 'durationMinutes', label: 'Minutes', value: 240 },
    ],
    actions: [
      { type: 'Action.Execute', title: 'Create', verb: 'session.create', data: { kind: 'session' } },
      { type: 'Action.Execute', title: 'Break', verb: 'no.such.verb', data: {} },
    ],
  };
}

/** Starts the echo bot on a random loopback port with no app id (local, unauthenticated, like Doorman's local mode). */
export async function startEchoBot(): Promise<EchoBot> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const activities: Activity[] = [];
  const cards: PostedCard[] = [];
  adapter.onTurnError = async (context, error) => {
    activities.push({ type: 'error', text: String(error) } as Activity);
    await context.sendActivity('echo bot failed');
  };

  const onTurn = async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    // A copy: removeRecipientMention below rewrites `text` in place.
    activities.push(JSON.parse(JSON.stringify(activity)) as Activity);
    if (activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action') {
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: answerAction(activity) });
      return;
    }
    if (activity.type !== ActivityTypes.Message) return;
    if (activity.value) {
      const value = activity.value as { comments?: string };
      await context.sendActivity(`Submitted by ${activity.from.name}: ${value.comments ?? ''}`);
      return;
    }
    const text = TurnContext.removeRecipientMention(activity).trim();
    if (text === 'form') {
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(echoFormCard())));
      return;
    }
    const title = `Echo: ${text}`;
    const sent = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(echoCard(title))));
    cards.push({ reference: TurnContext.getConversationReference(activity), activityId: sent?.id ?? '', title });
  };

  const server = restify.createServer();
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, onTurn);
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  const address = server.address();

  return {
    url: `http://127.0.0.1:${address.port}/api/messages`,
    activities,
    cards,
    async updateCard(card, title) {
      await adapter.continueConversationAsync('', card.reference, async (context) => {
        const update = MessageFactory.attachment(CardFactory.adaptiveCard(echoCard(title)));
        update.id = card.activityId;
        await context.updateActivity(update);
      });
    },
    async postToChannel(serviceUrl, channelId, title, how) {
      const message = MessageFactory.attachment(CardFactory.adaptiveCard(echoCard(title)));
      let posted: PostedCard | undefined;
      if (how === 'reference') {
        const channel = { id: channelId, isGroup: true, conversationType: 'channel', name: '' };
        const reference = { channelId: 'msteams', serviceUrl, conversation: channel };
        await adapter.continueConversationAsync('', reference, async (context) => {
          const sent = await context.sendActivity(message);
          const activityId = sent?.id ?? '';
          // A post to the bare channel id becomes a new thread named "<channel>;messageid=<root id>", as in Teams.
          const thread = { ...channel, id: `${channelId};messageid=${activityId}` };
          posted = { reference: { channelId: 'msteams', serviceUrl, conversation: thread }, activityId, title };
        });
      } else {
        const parameters = {
          isGroup: true,
          bot: { id: '', name: 'Echo' },
          channelData: { channel: { id: channelId } },
          activity: message as Activity,
        };
        await adapter.createConversationAsync('', 'msteams', serviceUrl, '', parameters, async (context) => {
          // botbuilder 4.23 drops the `activityId` of the answer and puts the thread id where the activity id
          // belongs; the thread id "<channel>;messageid=<root id>" still carries the root id.
          const threadId = context.activity.conversation.id;
          posted = {
            reference: TurnContext.getConversationReference(context.activity),
            activityId: threadId.split(';messageid=')[1] ?? '',
            title,
          };
        });
      }
      if (!posted) throw new Error('The channel post was not delivered');
      return posted;
    },
    async stop() {
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.server.closeAllConnections();
      });
    },
  };
}

function answerAction(activity: Activity): { status: number; body: unknown } {
  const action = (activity.value as { action?: { verb?: string; data?: { comments?: string } } }).action;
  if (action?.verb === 'session.create') return cardAnswer(`Created with ${JSON.stringify(action.data)}`);
  if (action?.verb === 'session.admit') {
    const { name, aadObjectId } = activity.from;
    return cardAnswer(`Admitted by ${name} (${aadObjectId}) comments: ${action.data?.comments ?? ''}`);
  }
  const error = { code: 'BadRequest', message: 'unknown verb' };
  return { status: 400, body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: error } };
}

function cardAnswer(title: string): { status: number; body: unknown } {
  const body = { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: echoCard(title) };
  return { status: 200, body };
}
