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
import { LANGUAGE_NAMES, Texts, textsFor } from '../../application/i18n/messages';
import { chooseLanguage, chooseQueueLanguage } from '../../application/people/personLanguage';
import { assistListCard } from './assist/assistListCard';
import { assistForm as assistFormCardOf } from './assist/assistVerbs';
import { lockboxListCard } from './lockbox/lockboxListCard';
import { lockboxSettingsCard } from './lockbox/lockboxSettingsCard';
import { lockboxForm } from './lockbox/lockboxVerbs';
import { requestListCard } from './session/requestListCard';
import { sessionForm } from './session/sessionVerbs';
import { AGENTS_DATASET } from './session/sessionCardParts';
import { actorOf, languageOfTurn, reportedTimeZone, tenantAllowed, tenantOf, timeZoneOf } from './teamsIdentity';
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
  private readonly commands: Record<CommandTitle, (context: TurnContext, rest: string, texts: Texts) => Promise<void>> = {
    help: (context, _rest, texts) => this.help(context, texts),
    'new session': (context, _rest, texts) => this.newSession(context, texts),
    requests: (context, _rest, texts) => this.requests(context, texts),
    lockbox: (context, _rest, texts) => this.lockboxForm(context, texts),
    'help me': (context, _rest, texts) => this.assistForm(context, texts),
    assist: (context, _rest, texts) => this.assistForm(context, texts),
    settings: (context, _rest, texts) => this.settings(context, texts),
    whoami: (context, _rest, texts) => this.whoami(context, texts),
    'register queue': (context, rest, texts) => this.registerQueue(context, rest, texts),
    'register approvals': (context, _rest, texts) => this.registerChannel(context, { purpose: 'approvals', name: 'Approvals', makeDefault: true }, texts),
    'register assistance': (context, _rest, texts) => this.registerChannel(context, { purpose: 'assistance', name: 'Assistance', makeDefault: true }, texts),
    doctor: (context, _rest, texts) => this.runDoctor(context, texts),
    language: (context, rest, texts) => this.chooseLanguage(context, rest, texts),
    invite: (context, rest, texts) => this.invite(context, rest, texts),
    erase: (context, rest, texts) => this.erase(context, rest, texts),
  };

  /** `invite @Name` in a request's thread or the agent's chat: the invite form for that colleague, or why not. */
  private async invite(context: TurnContext, rest: string, texts: Texts): Promise<void> {
    const { activity } = context;
    // A personal chat with a bot cannot @mention people: there the name is typed ("invite Alex Agent").
    const typed = rest.replace(/^@/, '').trim();
    const answer = await inviteFromChat(this.deps, await actorOf(context, this.deps.directory), {
      conversationId: activity.conversation.id,
      personal: activity.conversation.conversationType === 'personal',
      replyToId: activity.replyToId ?? null,
    }, mentionedPerson(context) ?? (typed === '' ? null : { id: '', name: typed.slice(0, 100), aadObjectId: null }));
    await send(context, inviteCommandCard(answer, texts.language));
  }

  private async answerMessage(context: TurnContext): Promise<void> {
    await this.rememberPersonalChat(context);
    const texts = textsFor(await languageOfTurn(context, this.deps));
    const text = commandText(context);
    const command = commandOf(text);
    if (command) return this.commands[command.title](context, command.rest, texts);
    await send(context, textCard({ title: texts.t('reply.unknownTitle'), text: texts.t('reply.unknown', { text: text.slice(0, 60) }), id: 'unknownCommand' }));
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
    const language = await languageOfTurn(context, this.deps);
    if (activity.conversation.conversationType === 'personal') {
      if (!activity.from.aadObjectId) return;
      await this.rememberPersonalChat(context);
      if (!(await firstGreeting(this.deps, { personal: activity.from.aadObjectId }))) return;
      const roles = rolesOf(await actorOf(context, this.deps.directory));
      await send(context, helpCard({ commands: commandList(textsFor(language)), roles, greeting: true, language }));
      return;
    }
    const teamId = (activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
    if (!teamId || !(await firstGreeting(this.deps, { team: teamId }))) return;
    const texts = textsFor(language);
    await send(context, textCard({ title: texts.t('reply.teamWelcomeTitle'), text: texts.t('reply.teamWelcome'), id: 'teamWelcome' }));
  }

  private async help(context: TurnContext, texts: Texts): Promise<void> {
    const roles = rolesOf(await actorOf(context, this.deps.directory));
    await send(context, helpCard({ commands: commandList(texts), roles, greeting: false, language: texts.language }));
  }

  private async whoami(context: TurnContext, texts: Texts): Promise<void> {
    const view = await whoAmI(this.deps, await actorOf(context, this.deps.directory));
    const roles = view.roles.length > 0 ? view.roles.map(({ role, sources }) => `${role}${roleSourceText(sources)}`).join(', ') : texts.t('reply.whoamiNoRoles');
    await send(context, textCard({
      title: texts.t('reply.whoamiTitle'),
      text: texts.t('reply.whoami', {
        name: escapeMarkdown(view.name ?? '?'),
        id: view.aadObjectId ?? '?',
        tenant: tenantOf(context) ?? texts.t('reply.whoamiUnknownTenant'),
        roles,
        language: LANGUAGE_NAMES[texts.language],
      }),
      id: 'whoami',
    }));
  }

  private async newSession(context: TurnContext, texts: Texts): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const form = await refusedAs(newSessionForm(this.deps, actor), 'AUTH.NOT_PERMITTED');
    if (form === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: texts.t('reply.notPermitted'), text: texts.t('reply.sessionNeedsAgent'), id: 'notPermitted' }));
      return;
    }
    if (context.activity.conversation.conversationType !== 'personal') {
      // The one-time link may only appear on the agent's own card, never in a channel everyone reads.
      await send(context, textCard({ title: texts.t('reply.goPersonalTitle'), text: texts.t('reply.goPersonalSession'), id: 'goPersonal' }));
      return;
    }
    await send(context, sessionForm(form, timeZoneOf(context, this.deps.settings.defaultTimeZone), {}, [], texts.language));
  }

  private async lockboxForm(context: TurnContext, texts: Texts): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const limits = await refusedAs(lockboxFormLimits(this.deps, actor), 'AUTH.NOT_PERMITTED', 'QUEUE.NONE');
    if (limits === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: texts.t('reply.notPermitted'), text: texts.t('reply.lockboxNeedsEngineer'), id: 'notPermitted' }));
      return;
    }
    if (limits === 'QUEUE.NONE') {
      await send(context, textCard({ title: texts.t('reply.noLockboxTitle'), text: noticeText('QUEUE.NONE', texts.language), id: 'noApprovalsQueue' }));
      return;
    }
    await send(context, lockboxForm(limits, {}, [], texts.language));
  }

  private async assistForm(context: TurnContext, texts: Texts): Promise<void> {
    if (context.activity.conversation.conversationType !== 'personal') {
      await send(context, textCard({ title: texts.t('reply.goPersonalTitle'), text: texts.t('reply.goPersonalAssist'), id: 'goPersonal' }));
      return;
    }
    const actor = await actorOf(context, this.deps.directory);
    const form = await refusedAs(assistForm(this.deps, actor), 'AUTH.NOT_PERMITTED', 'QUEUE.NONE');
    if (form === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: texts.t('reply.notPermitted'), text: texts.t('reply.assistNeedsMember'), id: 'notPermitted' }));
      return;
    }
    if (form === 'QUEUE.NONE') {
      await send(context, textCard({ title: texts.t('reply.noAssistTitle'), text: texts.t('reply.noAssist'), id: 'noAssistanceQueue' }));
      return;
    }
    await send(context, assistFormCardOf(form, {}, [], texts.language));
  }

  private async settings(context: TurnContext, texts: Texts): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const view = await refusedAs(lockboxSettingsView(this.deps, actor), 'AUTH.NOT_PERMITTED');
    if (view === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: texts.t('reply.notPermitted'), text: texts.t('reply.adminsOnly', { command: 'settings' }), id: 'notPermitted' }));
      return;
    }
    await send(context, lockboxSettingsCard({
      ...view,
      timeZone: timeZoneOf(context, this.deps.settings.defaultTimeZone),
      language: texts.language,
      problems: [],
      notice: null,
    }));
  }

  private async requests(context: TurnContext, texts: Texts): Promise<void> {
    if (context.activity.conversation.conversationType === 'channel') {
      // The whole channel reads the answer: it lists the channel's queue, never the caller's private list.
      const channelId = (context.activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? '';
      const list = await requestsInChannel(this.deps, await actorOf(context, this.deps.directory), channelId);
      await send(context, channelRequestsCard({ ...list, timeZone: timeZoneOf(context, this.deps.settings.defaultTimeZone), language: texts.language }));
      return;
    }
    const view = await myRequests(this.deps, await actorOf(context, this.deps.directory));
    if (!view) return;
    const timeZone = timeZoneOf(context, this.deps.settings.defaultTimeZone);
    const { language } = texts;
    if (view.sessions) await send(context, requestListCard({ title: texts.t('list.sessionsTitle'), requests: view.sessions, now: view.now, timeZone, language }));
    if (view.lockboxes) await send(context, lockboxListCard({ requests: view.lockboxes, now: view.now, timeZone, language }));
    if (view.assists) await send(context, assistListCard({ requests: view.assists, now: view.now, timeZone, language }));
  }

  private async runDoctor(context: TurnContext, texts: Texts): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const report = await refusedAs(runDoctor(actor, async () => {
      await context.sendActivity({ type: 'typing' });
      return this.doctor();
    }), 'AUTH.NOT_PERMITTED');
    if (report === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: texts.t('reply.notPermitted'), text: texts.t('reply.adminsOnly', { command: 'doctor' }), id: 'notPermitted' }));
      return;
    }
    await send(context, textCard({ title: 'Doorman doctor', text: report, id: 'doctor' }));
  }

  /** `erase <object id or e-mail>`: the confirmation card; nothing is erased before Confirm. */
  private async erase(context: TurnContext, typed: string, texts: Texts): Promise<void> {
    // The card names the person: it belongs in the admin's own chat, never in a channel.
    if (context.activity.conversation.conversationType !== 'personal') {
      await send(context, textCard({ title: texts.t('erase.personalOnlyTitle'), text: texts.t('erase.personalOnly'), id: 'erasePersonalOnly' }));
      return;
    }
    const view = await refusedAs(askToErasePerson(this.deps, await actorOf(context, this.deps.directory), typed), 'AUTH.NOT_PERMITTED', 'INPUT.INVALID');
    if (view === 'AUTH.NOT_PERMITTED') {
      await send(context, textCard({ title: texts.t('reply.notPermitted'), text: texts.t('erase.adminsOnly'), id: 'notPermitted' }));
      return;
    }
    if (view === 'INPUT.INVALID') {
      await send(context, textCard({ title: texts.t('erase.whoTitle'), text: texts.t('erase.who'), id: 'eraseNeedsPerson' }));
      return;
    }
    await send(context, erasureCard(view, texts.language));
  }

  private async registerQueue(context: TurnContext, rest: string, texts: Texts): Promise<void> {
    // "register queue Tier 1 default" makes it the queue used when the agent picks none.
    const makeDefault = /\s+default$/i.test(rest);
    const name = makeDefault ? rest.replace(/\s+default$/i, '').trim() : rest;
    if (name === '' || name.length > 60) {
      await send(context, textCard({ title: texts.t('reply.queueNeedsNameTitle'), text: texts.t('reply.queueNeedsName'), id: 'queueNeedsName' }));
      return;
    }
    await this.registerChannel(context, { purpose: 'sessions', name, makeDefault }, texts);
  }

  private async registerChannel(context: TurnContext, registration: ChannelRegistration, texts: Texts): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const channelData = context.activity.channelData as { channel?: { id?: string }; team?: { id?: string } } | undefined;
    const channelId = channelData?.channel?.id;
    if (!channelId) {
      await send(context, textCard({ title: texts.t('reply.needsChannelTitle'), text: texts.t('reply.needsChannel'), id: 'queueNeedsChannel' }));
      return;
    }
    try {
      const registered = await registerChannel(this.deps, actor, {
        channelId,
        teamId: channelData?.team?.id ?? null,
        serviceUrl: context.activity.serviceUrl,
        tenantId: tenantOf(context) ?? '',
      }, registration);
      await send(context, textCard({ title: texts.t('reply.registeredTitle'), text: registeredText(registered.queue, registered.defaultQueue, texts), id: 'queueRegistered' }));
    } catch (error) {
      if (!isDoormanError(error, 'AUTH.NOT_PERMITTED')) throw error;
      await send(context, textCard({ title: texts.t('reply.notPermitted'), text: texts.t('reply.registerAdminsOnly'), id: 'notPermitted' }));
    }
  }

  /**
   * `language de`: in a personal chat (or from anyone in a channel or group chat) the speaker's own language; in a
   * registered channel, said by an admin, the language of the cards Doorman posts there from now on.
   */
  private async chooseLanguage(context: TurnContext, rest: string, texts: Texts): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const channelId = (context.activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
    const locale = typeof context.activity.locale === 'string' ? context.activity.locale : null;
    if (channelId && context.activity.conversation.conversationType === 'channel') {
      const choice = await refusedAs(chooseQueueLanguage(this.deps, actor, channelId, rest), 'AUTH.NOT_PERMITTED');
      if (choice === 'AUTH.NOT_PERMITTED') {
        await send(context, textCard({ title: texts.t('reply.notPermitted'), text: texts.t('reply.queueLanguageAdminsOnly'), id: 'notPermitted' }));
        return;
      }
      if (choice !== null) {
        const answer = choice.kind === 'unknown' ? texts : textsFor(choice.language);
        const text =
          choice.kind === 'unknown'
            ? texts.t('reply.languageUnknown')
            : choice.language === 'en'
              ? answer.t('reply.queueLanguageCleared')
              : answer.t('reply.queueLanguageSet', { language: LANGUAGE_NAMES[choice.language] });
        await send(context, textCard({ title: answer.t('reply.languageTitle'), text, id: 'language' }));
        return;
      }
    }
    const choice = await chooseLanguage(this.deps, actor, rest, locale);
    if (choice.kind === 'unknown') {
      await send(context, textCard({ title: texts.t('reply.languageTitle'), text: texts.t('reply.languageUnknown'), id: 'language' }));
      return;
    }
    // Answered in the language just chosen: the first thing the person reads in it.
    const answer = textsFor(choice.language);
    const key = choice.kind === 'chosen' ? 'reply.languageChosen' : 'reply.languageAuto';
    await send(context, textCard({ title: answer.t('reply.languageTitle'), text: answer.t(key, { language: LANGUAGE_NAMES[choice.language] }), id: 'language' }));
  }
}

/** The command table as `help` lists it: what is typed stays as it is (Doorman answers to it), what it does is translated. */
function commandList(texts: Texts): Array<{ title: string; description: string }> {
  return CHAT_COMMANDS.map(({ title }) => ({ title, description: texts.t(`command.${title}`) }));
}

/** What a registration answers: what the channel now receives, and which sessions queue is used by default. */
function registeredText(queue: Queue, defaultQueue: Queue | null, texts: Texts): string {
  if (queue.purpose === 'approvals') return texts.t('reply.registeredApprovals');
  if (queue.purpose === 'assistance') return texts.t('reply.registeredAssistance');
  const name = escapeMarkdown(queue.name);
  const lead = texts.t('reply.registeredSessions', { name });
  if (defaultQueue?.id === queue.id) return `${lead} ${texts.t('reply.registeredDefault')}`;
  if (defaultQueue) return `${lead} ${texts.t('reply.registeredOtherDefault', { other: escapeMarkdown(defaultQueue.name), name })}`;
  return `${lead} ${texts.t('reply.registeredNoDefault', { name })}`;
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
