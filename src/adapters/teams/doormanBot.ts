import {
  AdaptiveCardInvokeResponse,
  AdaptiveCardInvokeValue,
  SearchInvokeResponse,
  SearchInvokeValue,
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
} from 'botbuilder';
import { assistForm } from '../../application/assist/assistViews';
import { lockboxFormLimits, lockboxSettingsView } from '../../application/lockbox/lockboxViews';
import { runDoctor } from '../../application/people/administration';
import { askToErasePerson } from '../../application/oversight/erasure';
import { erasureCard } from './erasure/erasureCard';
import { myRequests } from '../../application/people/myRequests';
import { requestsInChannel } from '../../application/oversight/personRequests';
import { channelRequestsCard } from './cards/channelRequestsCard';
import { searchAgents } from '../../application/people/agentSearch';
import { WhoAmIView, whoAmI } from '../../application/people/whoAmI';
import { firstGreeting, rememberPersonalChat } from '../../application/people/personalChats';
import { ChannelRegistration, registerChannel } from '../../application/people/queues';
import { Queue } from '../../application/ports';
import { newSessionForm } from '../../application/session/sessionViews';
import { MentionedPerson, inviteFromChat } from '../../application/invitation/inviteCommand';
import { inviteCommandCard } from './invitation/inviteCommandCard';
import { UseCaseDeps } from '../../application/shared/useCaseDeps';
import { ErrorCode, isDoormanError } from '../../domain/errors';
import { rolesOf } from '../../domain/policy';
import { CHAT_COMMANDS, CommandTitle, commandOf } from './commands';
import { AdaptiveCard } from './cards/cardTypes';
import { noticeText } from './cards/cardTexts';
import { escapeMarkdown } from './cards/escapeMarkdown';
import { helpCard } from './cards/helpCard';
import { textCard } from './cards/textCard';
import { CardRenderer } from './cardRenderer';
import { assistListCard } from './assist/assistListCard';
import { assistForm as assistFormCardOf } from './assist/assistVerbs';
import { lockboxListCard } from './lockbox/lockboxListCard';
import { lockboxSettingsCard } from './lockbox/lockboxSettingsCard';
import { lockboxForm } from './lockbox/lockboxVerbs';
import { requestListCard } from './session/requestListCard';
import { sessionForm } from './session/sessionVerbs';
import { AGENTS_DATASET } from './session/sessionCardParts';
import { actorOf, reportedTimeZone, tenantAllowed, tenantOf, timeZoneOf } from './teamsIdentity';
import { routeCardAction } from './verbRouter';

/** Checks that `doctor` runs; local checks always, Graph checks when Graph is configured. */
export type DoctorRunner = () => Promise<string>;

/** Doorman in Teams: chat commands, and Action.Execute verbs through the routing table. */
export class DoormanBot extends TeamsActivityHandler {
  constructor(
    private readonly deps: UseCaseDeps,
    private readonly renderer: CardRenderer,
    private readonly allowedTenantIds: readonly string[],
    private readonly doctor: DoctorRunner,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await this.answerMessage(context);
      await next();
    });
    // Teams sends both on install (the Playground on every page load); the greeting is recorded, so it comes once.
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcome(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const { activity } = context;
      // A personal chat has only the bot and the person: whichever Teams lists as added, the chat exists now.
      const personal = activity.conversation.conversationType === 'personal' && (activity.membersAdded?.length ?? 0) > 0;
      if (personal || activity.membersAdded?.some((member) => member.id === activity.recipient.id)) await this.welcome(context);
      await next();
    });
  }

  /** Refuses activities from tenants Doorman does not serve, before any handler sees them. */
  override async run(context: TurnContext): Promise<void> {
    if (!tenantAllowed(context, this.allowedTenantIds)) {
      this.deps.logger.warn({ tenant: tenantOf(context), type: context.activity.type }, 'activity from another tenant refused');
      if (context.activity.type === 'invoke') {
        await context.sendActivity({ type: 'invokeResponse', value: { status: 403, body: { code: 'Forbidden', message: 'AUTH.WRONG_TENANT' } } });
      }
      return;
    }
    await super.run(context);
  }

  /** Action.Execute: routed by verb; the answer replaces the clicked card. */
  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const action = invokeValue?.action as { verb?: string; data?: unknown } | undefined;
    return routeCardAction(context, action?.verb, action?.data ?? {}, { deps: this.deps, renderer: this.renderer });
  }

  /**
   * Assign…'s dynamic search (Input.ChoiceSet `choices.data`): Teams sends `application/search` as the agent types;
   * the answer is up to 15 agents as choices. Another dataset is a 400; a person who is no agent gets no names (403).
   */
  protected override async onSearchInvoke(context: TurnContext, invokeValue: SearchInvokeValue): Promise<SearchInvokeResponse> {
    if (invokeValue.dataset !== AGENTS_DATASET) return searchRefusal(400, 'INPUT.INVALID');
    const options = invokeValue.queryOptions as { top?: unknown } | undefined;
    try {
      const agents = await searchAgents(this.deps, await actorOf(context, this.deps.directory), String(invokeValue.queryText ?? ''), Number(options?.top ?? 15));
      const results = agents.map((agent) => ({ title: agent.name, value: `user:${agent.aadObjectId}` }));
      return { statusCode: 200, type: 'application/vnd.microsoft.search.searchResponse', value: { results } } as SearchInvokeResponse;
    } catch (error) {
      if (isDoormanError(error, 'AUTH.NOT_PERMITTED')) return searchRefusal(403, 'AUTH.NOT_PERMITTED');
      throw error;
    }
  }

  /** One handler per command of the command table (commands.ts); a command without one does not compile. */
  private readonly commands: Record<CommandTitle, (context: TurnContext, rest: string) => Promise<void>> = {
    help: (context) => this.help(context),
    'new session': (context) => this.newSession(context),
    requests: (context) => this.requests(context),
    lockbox: (context) => this.lockboxForm(context),
    'help me': (context) => this.assistForm(context),
    assist: (context) => this.assistForm(context),
    settings: (context) => this.settings(context),
    whoami: (context) => this.whoami(context),
    'register queue': (context, rest) => this.registerQueue(context, rest),
    'register approvals': (context) => this.registerChannel(context, { purpose: 'approvals', name: 'Approvals', makeDefault: true }),
    'register assistance': (context) => this.registerChannel(context, { purpose: 'assistance', name: 'Assistance', makeDefault: true }),
    doctor: (context) => this.runDoctor(context),
    invite: (context, rest) => this.invite(context, rest),
    erase: (context, rest) => this.erase(context, rest),
  };

  /** `invite @Name` in a request's thread or the agent's chat: the invite form for that colleague, or why not. */
  private async invite(context: TurnContext, rest: string): Promise<void> {
    const { activity } = context;
    // A personal chat with a bot cannot @mention people: there the name is typed ("invite Alex Agent").
    const typed = rest.replace(/^@/, '').trim();
    const answer = await inviteFromChat(this.deps, await actorOf(context, this.deps.directory), {
      conversationId: activity.conversation.id,
      personal: activity.conversation.conversationType === 'personal',
      replyToId: activity.replyToId ?? null,
    }, mentionedPerson(context) ?? (typed === '' ? null : { id: '', name: typed.slice(0, 100), aadObjectId: null }));
    await send(context, inviteCommandCard(answer));
  }

  private async answerMessage(context: TurnContext): Promise<void> {
    await this.rememberPersonalChat(context);
    const text = commandText(context);
    const command = commandOf(text);
    if (command) return this.commands[command.title](context, command.rest);
    await send(context, textCard({ title: 'Sorry, I did not get that', text: `I don't know "${text.slice(0, 60)}". Say **help** to see what I can do.`, id: 'unknownCommand' }));
  }

  private async rememberPersonalChat(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.conversation.conversationType !== 'personal' || !activity.from.aadObjectId) return;
    await rememberPersonalChat(this.deps, {
      aadObjectId: activity.from.aadObjectId,
      conversationId: activity.conversation.id,
      serviceUrl: activity.serviceUrl,
      tenantId: tenantOf(context) ?? '',
      botId: activity.recipient.id,
      userId: activity.from.id,
      // Install events carry no name: the one known already (or the directory's) is kept.
      name: activity.from.name ?? null,
      // Only a zone Teams reported: an install event carries none, and the default must not pass for the person's.
      timeZone: reportedTimeZone(context),
    });
  }

  /**
   * Installed for a person: their chat is recorded at once (so they are reachable before they type) and they get
   * a greeting once. Installed in a team: a short note on registering channels, once per team.
   */
  private async welcome(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.conversation.conversationType === 'personal') {
      if (!activity.from.aadObjectId) return;
      await this.rememberPersonalChat(context);
      if (!(await firstGreeting(this.deps, { personal: activity.from.aadObjectId }))) return;
      const roles = rolesOf(await actorOf(context, this.deps.directory));
      await send(context, helpCard({ commands: CHAT_COMMANDS.map(({ title, description }) => ({ title, description })), roles, greeting: true }));
      return;
    }
    const teamId = (activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
    if (!teamId || !(await firstGreeting(this.deps, { team: teamId }))) return;
    await send(context, textCard({
      title: 'Doorman is in this team',
      text:
        'An admin registers each channel for what it is for, in that channel: ' +
        '**@Doorman register queue <name>** for session requests (add **default** to make it the queue used when ' +
        'agents pick none), **@Doorman register approvals** for lockbox approvals, ' +
        '**@Doorman register assistance** for assistance requests. Say **@Doorman help** for more.',
      id: 'teamWelcome',
    }));
  }

  private async help(context: TurnContext): Promise<void> {
    const roles = rolesOf(await actorOf(context, this.deps.directory));
    await send(context, helpCard({ commands: CHAT_COMMANDS.map(({ title, description }) => ({ title, description })), roles, greeting: false }));
  }

  private async whoami(context: TurnContext): Promise<void> {
    const view = await whoAmI(this.deps, await actorOf(context, this.deps.directory));
    const roles = view.roles.length > 0 ? view.roles.map(({ role, sources }) => `${role}${roleSourceText(sources)}`).join(', ') : 'none';
    await send(context, textCard({
      title: 'Who you are to Doorman',
      text: `**${escapeMarkdown(view.name ?? '?')}**\n\nObject id: ${view.aadObjectId ?? '?'}\n\nTenant: ${tenantOf(context) ?? 'unknown'}\n\nRoles: ${roles}`,
      id: 'whoami',
    }));
  }

  private async newSession(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const form = await refusedAs(newSessionForm(this.deps, actor), 'AUTH.NOT_PERMITTED');
    if (form === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: 'Not permitted', text: 'Creating session requests needs the agent role. Say **whoami** to see your roles.', id: 'notPermitted' }));
      return;
    }
    if (context.activity.conversation.conversationType !== 'personal') {
      // The one-time link may only appear on the agent's own card, never in a channel everyone reads.
      await send(context, textCard({ title: 'Let us do this in private', text: 'Open a personal chat with Doorman and say **new session**: the one-time link must only appear on your own card.', id: 'goPersonal' }));
      return;
    }
    await send(context, sessionForm(form, timeZoneOf(context, this.deps.settings.defaultTimeZone)));
  }

  private async lockboxForm(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const limits = await refusedAs(lockboxFormLimits(this.deps, actor), 'AUTH.NOT_PERMITTED', 'QUEUE.NONE');
    if (limits === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: 'Not permitted', text: 'Asking for lockbox access needs the engineer role. Say **whoami** to see your roles.', id: 'notPermitted' }));
      return;
    }
    if (limits === 'QUEUE.NONE') {
      await send(context, textCard({ title: 'Lockbox requests are not possible yet', text: noticeText('QUEUE.NONE'), id: 'noApprovalsQueue' }));
      return;
    }
    await send(context, lockboxForm(limits));
  }

  private async assistForm(context: TurnContext): Promise<void> {
    if (context.activity.conversation.conversationType !== 'personal') {
      await send(context, textCard({ title: 'Let us do this in private', text: 'Open a personal chat with Doorman and say **help me**: your request and its answers stay between you and support.', id: 'goPersonal' }));
      return;
    }
    const actor = await actorOf(context, this.deps.directory);
    const form = await refusedAs(assistForm(this.deps, actor), 'AUTH.NOT_PERMITTED', 'QUEUE.NONE');
    if (form === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: 'Not permitted', text: 'Only people of this organization can ask for help here.', id: 'notPermitted' }));
      return;
    }
    if (form === 'QUEUE.NONE') {
      await send(context, textCard({
        title: 'Asking for help is not possible yet',
        text: 'No channel is registered for assistance, so nobody would see your request. An admin says **@Doorman register assistance** in the support channel.',
        id: 'noAssistanceQueue',
      }));
      return;
    }
    await send(context, assistFormCardOf(form));
  }

  private async settings(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const view = await refusedAs(lockboxSettingsView(this.deps, actor), 'AUTH.NOT_PERMITTED');
    if (view === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: 'Not permitted', text: '`settings` is for admins.', id: 'notPermitted' }));
      return;
    }
    await send(context, lockboxSettingsCard({
      ...view,
      timeZone: timeZoneOf(context, this.deps.settings.defaultTimeZone),
      problems: [],
      notice: null,
    }));
  }

  private async requests(context: TurnContext): Promise<void> {
    if (context.activity.conversation.conversationType === 'channel') {
      // The whole channel reads the answer: it lists the channel's queue, never the caller's private list.
      const channelId = (context.activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? '';
      const list = await requestsInChannel(this.deps, await actorOf(context, this.deps.directory), channelId);
      await send(context, channelRequestsCard({ ...list, timeZone: timeZoneOf(context, this.deps.settings.defaultTimeZone) }));
      return;
    }
    const view = await myRequests(this.deps, await actorOf(context, this.deps.directory));
    if (!view) return;
    const timeZone = timeZoneOf(context, this.deps.settings.defaultTimeZone);
    if (view.sessions) await send(context, requestListCard({ title: 'Your session requests', requests: view.sessions, now: view.now, timeZone }));
    if (view.lockboxes) await send(context, lockboxListCard({ requests: view.lockboxes, now: view.now, timeZone }));
    if (view.assists) await send(context, assistListCard({ requests: view.assists, now: view.now, timeZone }));
  }

  private async runDoctor(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const report = await refusedAs(runDoctor(actor, async () => {
      await context.sendActivity({ type: 'typing' });
      return this.doctor();
    }), 'AUTH.NOT_PERMITTED');
    if (report === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: 'Not permitted', text: '`doctor` is for admins.', id: 'notPermitted' }));
      return;
    }
    await send(context, textCard({ title: 'Doorman doctor', text: report, id: 'doctor' }));
  }

  /** `erase <object id or e-mail>`: the confirmation card; nothing is erased before Confirm. */
  private async erase(context: TurnContext, typed: string): Promise<void> {
    // The card names the person: it belongs in the admin's own chat, never in a channel.
    if (context.activity.conversation.conversationType !== 'personal') {
      await send(context, textCard({ title: 'In your chat with Doorman', text: 'Say **erase** in your personal chat with Doorman.', id: 'erasePersonalOnly' }));
      return;
    }
    const view = await refusedAs(askToErasePerson(this.deps, await actorOf(context, this.deps.directory), typed), 'AUTH.NOT_PERMITTED', 'INPUT.INVALID');
    if (view === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: 'Not permitted', text: '`erase` is for admins.', id: 'notPermitted' }));
      return;
    }
    if (view === 'INPUT.INVALID') {
      await send(context, textCard({ title: 'Whose data?', text: 'Say **erase** and the person: a Teams user’s object id, or a customer’s e-mail address.', id: 'eraseNeedsPerson' }));
      return;
    }
    await send(context, erasureCard(view));
  }

  private async registerQueue(context: TurnContext, rest: string): Promise<void> {
    // "register queue Tier 1 default" makes it the queue used when the agent picks none.
    const makeDefault = /\s+default$/i.test(rest);
    const name = makeDefault ? rest.replace(/\s+default$/i, '').trim() : rest;
    if (name === '' || name.length > 60) {
      await send(context, textCard({ title: 'Which name?', text: 'Give the queue a name of up to 60 characters: **register queue Tier 1** (add **default** to make it the default queue).', id: 'queueNeedsName' }));
      return;
    }
    await this.registerChannel(context, { purpose: 'sessions', name, makeDefault });
  }

  private async registerChannel(context: TurnContext, registration: ChannelRegistration): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const channelData = context.activity.channelData as { channel?: { id?: string }; team?: { id?: string } } | undefined;
    const channelId = channelData?.channel?.id;
    if (!channelId) {
      await send(context, textCard({ title: 'Use this in a channel', text: 'Say **@Doorman register queue <name>**, **@Doorman register approvals** or **@Doorman register assistance** in the channel it is for.', id: 'queueNeedsChannel' }));
      return;
    }
    try {
      const registered = await registerChannel(this.deps, actor, {
        channelId,
        teamId: channelData?.team?.id ?? null,
        serviceUrl: context.activity.serviceUrl,
        tenantId: tenantOf(context) ?? '',
      }, registration);
      await send(context, textCard({ title: 'Queue registered', text: registeredText(registered.queue, registered.defaultQueue), id: 'queueRegistered' }));
    } catch (error) {
      if (!isDoormanError(error, 'AUTH.NOT_PERMITTED')) throw error;
      await send(context, textCard({ title: 'Not permitted', text: 'Registering channels is for admins.', id: 'notPermitted' }));
    }
  }
}

/** What a registration answers: what the channel now receives, and which sessions queue is used by default. */
function registeredText(queue: Queue, defaultQueue: Queue | null): string {
  if (queue.purpose === 'approvals') {
    return 'This channel now receives **lockbox approval requests**: approvers decide them here. Session requests never come here.';
  }
  if (queue.purpose === 'assistance') {
    return 'This channel is now registered for **assistance requests**. Session requests and approvals never come here.';
  }
  const name = escapeMarkdown(queue.name);
  const lead = `This channel is now the sessions queue **${name}**: session requests for it appear here as threads.`;
  if (defaultQueue?.id === queue.id) return `${lead} It is the **default queue**: requests go here when the agent picks no queue.`;
  if (defaultQueue) return `${lead} The default queue stays **${escapeMarkdown(defaultQueue.name)}**; say **register queue ${name} default** to make this one the default.`;
  return `${lead} No queue is the default yet, so requests come here only when the agent picks it; say **register queue ${name} default** to change that.`;
}

/** The command the user typed, without the @mention Teams puts in channel messages. */
export function commandText(context: TurnContext): string {
  const withoutMentions = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
  return withoutMentions.replace(/<at>[^<]*<\/at>/g, '').replace(/\s+/g, ' ').trim();
}

/** The first person @mentioned in the message other than Doorman (the Teams mention entity), or null. */
function mentionedPerson(context: TurnContext): MentionedPerson | null {
  const { activity } = context;
  for (const entity of activity.entities ?? []) {
    const mentioned = (entity as { type?: string; mentioned?: { id?: unknown; name?: unknown; aadObjectId?: unknown } }).mentioned;
    if (entity.type !== 'mention' || !mentioned || typeof mentioned.id !== 'string' || mentioned.id === activity.recipient.id) continue;
    const name = typeof mentioned.name === 'string' ? mentioned.name.trim() : '';
    return { id: mentioned.id, name, aadObjectId: typeof mentioned.aadObjectId === 'string' ? mentioned.aadObjectId : null };
  }
  return null;
}

/** The use case's answer, or the code it refused with when that is one of `codes` (the caller answers those). */
async function refusedAs<T, C extends ErrorCode>(answer: Promise<T>, ...codes: C[]): Promise<T | C> {
  try {
    return await answer;
  } catch (error) {
    if (isDoormanError(error) && (codes as ErrorCode[]).includes(error.code)) return error.code as C;
    throw error;
  }
}

async function send(context: TurnContext, card: AdaptiveCard): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}

/** " (through the Entra group 0a1b…)" when a group gave the role; nothing for a role named directly. */
function roleSourceText(sources: WhoAmIView['roles'][number]['sources']): string {
  const groups = sources.flatMap((source) => (source.kind === 'group' ? [source.groupName ?? source.groupId] : []));
  if (groups.length === 0) return '';
  const named = sources.some((source) => source.kind === 'named') ? 'named directly and ' : '';
  return ` (${named}through the Entra group${groups.length > 1 ? 's' : ''} ${escapeMarkdown(groups.join(', '))})`;
}

/** A search invoke refused with a stable code (never internal text). */
function searchRefusal(statusCode: number, code: ErrorCode): SearchInvokeResponse {
  return { statusCode, type: 'application/vnd.microsoft.error', value: { code: statusCode === 403 ? 'Forbidden' : 'BadRequest', message: code } } as SearchInvokeResponse;
}
