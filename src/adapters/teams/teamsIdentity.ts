import { TurnContext } from 'botbuilder';
import { languageOfPerson, LanguageDeps, rememberReportedLanguage } from '../../application/people/personLanguage';
import { Clock, Directory } from '../../application/ports';
import { Language } from '../../domain/language';
import { isTimeZone } from '../../application/shared/zonedTime';
import { DoormanError } from '../../domain/errors';
import { Actor } from '../../domain/people';

/** The tenant an activity comes from (Teams puts it in two places; both are checked). */
export function tenantOf(context: TurnContext): string | null {
  const channelData = context.activity.channelData as { tenant?: { id?: string } } | undefined;
  return context.activity.conversation?.tenantId ?? channelData?.tenant?.id ?? null;
}

/** True when the activity's tenant is allowed (local mode with no list allows the Playground's tenant). */
export function tenantAllowed(context: TurnContext, allowedTenantIds: readonly string[]): boolean {
  if (allowedTenantIds.length === 0) return true;
  const tenant = tenantOf(context);
  return tenant !== null && allowedTenantIds.includes(tenant);
}

/**
 * The person acting, from the (signed) activity's `from.aadObjectId`; never from card data. The name is the one
 * Teams sends; an activity without one (the schema makes it optional) takes the directory's, never the object id.
 */
export async function actorOf(context: TurnContext, directory: Directory): Promise<Actor> {
  const from = context.activity.from;
  if (!from?.aadObjectId) throw new DoormanError('AUTH.NOT_PERMITTED', 'activity without aadObjectId');
  const [roles, name] = await Promise.all([directory.rolesOf(from.aadObjectId), from.name?.trim() || nameFromDirectory(directory, from.aadObjectId)]);
  return { type: 'person', person: { aadObjectId: from.aadObjectId, name }, roles };
}

async function nameFromDirectory(directory: Directory, aadObjectId: string): Promise<string> {
  return (await directory.profileOf(aadObjectId))?.displayName ?? UNNAMED_PERSON;
}

/** A person neither Teams nor the directory names. */
export const UNNAMED_PERSON = 'someone without a name in the directory';

/** The IANA time zone Teams reports on this activity, or null when it reports none (install events). */
export function reportedTimeZone(context: TurnContext): string | null {
  const zone = context.activity.localTimezone;
  return zone && isTimeZone(zone) ? zone : null;
}

/** The user's IANA time zone as Teams reports it, else the configured default. */
export function timeZoneOf(context: TurnContext, fallback: string): string {
  const zone = context.activity.localTimezone;
  return zone && isTimeZone(zone) ? zone : fallback;
}

/** Where the card that was clicked lives, so its role and place can be found. */
export function clickedCard(context: TurnContext): { conversationId: string; activityId: string; serviceUrl: string } | null {
  const activityId = context.activity.replyToId;
  if (!activityId) return null;
  return { conversationId: context.activity.conversation.id, activityId, serviceUrl: context.activity.serviceUrl };
}

/**
 * The language to answer this activity in (personLanguage.ts says the order: the person's choice, the activity's
 * `locale`, the one remembered, the directory's); the `locale` is remembered for cards sent later.
 */
export async function languageOfTurn(context: TurnContext, deps: LanguageDeps & { clock: Clock }): Promise<Language> {
  const id = context.activity.from?.aadObjectId ?? null;
  const locale = typeof context.activity.locale === 'string' ? context.activity.locale : null;
  if (id) await rememberReportedLanguage(deps, id, locale);
  return languageOfPerson(deps, id, locale);
}
