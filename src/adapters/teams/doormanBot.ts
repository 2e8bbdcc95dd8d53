import {
  AdaptiveCardInvokeResponse,
  AdaptiveCardInvokeValue,
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { lockboxTrails, settingsHistory } from '../../application/auditTrail';
import { UseCaseDeps } from '../../application/useCaseDeps';
import { instantToZonedWallClock } from '../../application/zonedTime';
import { hasRole } from '../../domain/people';
import { LockboxRequest } from '../../domain/lockbox';
import { SessionRequest } from '../../domain/session';
import { CHAT_COMMANDS } from './chatCommands';
import { AdaptiveCard } from './cards/cardTypes';
import { helpCard } from './cards/helpCard';
import { lockboxFormCard } from './cards/lockboxFormCard';
import { MAX_LOCKBOX_ROWS, lockboxListCard } from './cards/lockboxListCard';
import { lockboxSettingsCard } from './cards/lockboxSettingsCard';
import { requestListCard } from './cards/requestListCard';
import { sessionFormCard } from './cards/sessionFormCard';
import { textCard } from './cards/textCard';
import { escapeMarkdown } from './cards/escapeMarkdown';
import { CardRenderer } from './cardRenderer';
import { actorOf, tenantAllowed, tenantOf, timeZoneOf } from './teamsIdentity';
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

  private async answerMessage(context: TurnContext): Promise<void> {
    await this.rememberPersonalChat(context);
    const text = commandText(context);
    const command = text.toLowerCase();
    if (command === '' || command === 'help') return this.help(context);
    if (command === 'whoami') return this.whoami(context);
    if (command === 'new session') return this.newSession(context);
    if (command === 'requests') return this.requests(context);
    if (command === 'doctor') return this.runDoctor(context);
    if (command === 'lockbox') return this.lockboxForm(context);
    if (command === 'settings') return this.settings(context);
    if (command.startsWith('register queue')) return this.registerQueue(context, text.slice('register queue'.length).trim());
    await send(context, textCard({ title: 'Sorry, I did not get that', text: `I don't know "${text.slice(0, 60)}". Say **help** to see what I can do.`, id: 'unknownCommand' }));
  }

  private async rememberPersonalChat(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.conversation.conversationType !== 'personal' || !activity.from.aadObjectId) return;
    await this.deps.store.savePersonalConversation({
      aadObjectId: activity.from.aadObjectId,
      conversationId: activity.conversation.id,
      serviceUrl: activity.serviceUrl,
      tenantId: tenantOf(context) ?? '',
      botId: activity.recipient.id,
      userId: activity.from.id,
      name: activity.from.name ?? activity.from.aadObjectId,
      timeZone: timeZoneOf(context, this.deps.settings.defaultTimeZone),
    });
  }

  private async help(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const roles = actor.type === 'person' ? actor.roles : [];
    await send(context, helpCard({ commands: CHAT_COMMANDS.map(({ title, description }) => ({ title, description })), roles }));
  }

  private async whoami(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const roles = actor.type === 'person' && actor.roles.length > 0 ? actor.roles.join(', ') : 'none';
    const name = actor.type === 'person' ? actor.person.name : '?';
    const id = actor.type === 'person' ? actor.person.aadObjectId : '?';
    await send(context, textCard({
      title: 'Who you are to Doorman',
      text: `**${escapeMarkdown(name)}**\n\nObject id: ${id}\n\nTenant: ${tenantOf(context) ?? 'unknown'}\n\nRoles: ${roles}`,
      id: 'whoami',
    }));
  }

  private async newSession(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    if (!hasRole(actor, 'agent')) {
      await send(context, textCard({ title: 'Not permitted', text: 'Creating session requests needs the agent role. Say **whoami** to see your roles.', id: 'notPermitted' }));
      return;
    }
    if (context.activity.conversation.conversationType !== 'personal') {
      // The one-time link may only appear on the agent's own card, never in a channel everyone reads.
      await send(context, textCard({ title: 'Let us do this in private', text: 'Open a personal chat with Doorman and say **new session**: the one-time link must only appear on your own card.', id: 'goPersonal' }));
      return;
    }
    const timeZone = timeZoneOf(context, this.deps.settings.defaultTimeZone);
    const now = this.deps.clock.now();
    const [agents, queues] = await Promise.all([this.deps.directory.listAgents(), this.deps.store.listQueues()]);
    await send(context, sessionFormCard({
      agents,
      queues,
      values: {},
      problems: [],
      timeZone,
      defaultExpiresAt: instantToZonedWallClock(new Date(now.getTime() + this.deps.settings.sessionDefaultHours * 3600_000), timeZone),
    }));
  }

  private async lockboxForm(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    if (!hasRole(actor, 'engineer')) {
      await send(context, textCard({ title: 'Not permitted', text: 'Asking for lockbox access needs the engineer role. Say **whoami** to see your roles.', id: 'notPermitted' }));
      return;
    }
    const settings = await this.deps.store.getLockboxSettings();
    await send(context, lockboxFormCard({ values: {}, problems: [], defaultDurationMinutes: settings.defaultDurationMinutes, maxDurationMinutes: settings.maxDurationMinutes }));
  }

  private async settings(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    if (!hasRole(actor, 'admin')) {
      await send(context, textCard({ title: 'Not permitted', text: '`settings` is for admins.', id: 'notPermitted' }));
      return;
    }
    await send(context, lockboxSettingsCard({
      settings: await this.deps.store.getLockboxSettings(),
      history: await settingsHistory(this.deps),
      now: this.deps.clock.now(),
      timeZone: timeZoneOf(context, this.deps.settings.defaultTimeZone),
      problems: [],
      notice: null,
    }));
  }

  private async requests(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    if (actor.type !== 'person') return;
    const now = this.deps.clock.now();
    const timeZone = timeZoneOf(context, this.deps.settings.defaultTimeZone);
    const me = actor.person.aadObjectId;
    const sessions = (await this.deps.store.listRequests({ kind: 'session', involving: me, limit: 100 })) as SessionRequest[];
    if (sessions.length > 0 || !hasRole(actor, 'engineer')) {
      await send(context, requestListCard({ title: 'Your session requests', requests: sessions, now, timeZone }));
    }
    const lockboxes = (await this.deps.store.listRequests({ kind: 'lockbox', involving: me, limit: MAX_LOCKBOX_ROWS })) as LockboxRequest[];
    if (lockboxes.length > 0 || hasRole(actor, 'engineer')) {
      await send(context, lockboxListCard({ requests: await lockboxTrails(this.deps, lockboxes), now, timeZone }));
    }
  }

  private async runDoctor(context: TurnContext): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    if (!hasRole(actor, 'admin')) {
      await send(context, textCard({ title: 'Not permitted', text: '`doctor` is for admins.', id: 'notPermitted' }));
      return;
    }
    await context.sendActivity({ type: 'typing' });
    await send(context, textCard({ title: 'Doorman doctor', text: await this.doctor(), id: 'doctor' }));
  }

  private async registerQueue(context: TurnContext, name: string): Promise<void> {
    const actor = await actorOf(context, this.deps.directory);
    const channelData = context.activity.channelData as { channel?: { id?: string }; team?: { id?: string } } | undefined;
    const channelId = channelData?.channel?.id;
    if (!hasRole(actor, 'admin')) {
      await send(context, textCard({ title: 'Not permitted', text: 'Registering queues is for admins.', id: 'notPermitted' }));
      return;
    }
    if (!channelId) {
      await send(context, textCard({ title: 'Use this in a channel', text: 'Say **@Doorman register queue <name>** in the channel that should become a queue.', id: 'queueNeedsChannel' }));
      return;
    }
    if (name === '' || name.length > 60) {
      await send(context, textCard({ title: 'Which name?', text: 'Give the queue a name of up to 60 characters: **register queue Tier 1**.', id: 'queueNeedsName' }));
      return;
    }
    const existing = (await this.deps.store.listQueues()).find((queue) => queue.channelId === channelId);
    await this.deps.store.saveQueue({
      id: existing?.id ?? randomUUID(),
      name,
      teamId: channelData?.team?.id ?? null,
      channelId,
      serviceUrl: context.activity.serviceUrl,
      tenantId: tenantOf(context) ?? '',
      registeredBy: actor.type === 'person' ? actor.person.aadObjectId : 'unknown',
      registeredAt: this.deps.clock.now(),
    });
    await send(context, textCard({ title: 'Queue registered', text: `This channel is now the queue **${escapeMarkdown(name)}**. New session requests for it appear here as threads.`, id: 'queueRegistered' }));
  }
}

/** The command the user typed, without the @mention Teams puts in channel messages. */
export function commandText(context: TurnContext): string {
  const withoutMentions = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
  return withoutMentions.replace(/<at>[^<]*<\/at>/g, '').replace(/\s+/g, ' ').trim();
}

async function send(context: TurnContext, card: AdaptiveCard): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
}
