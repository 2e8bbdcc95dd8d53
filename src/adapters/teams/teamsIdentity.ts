import { TurnContext } from 'botbuilder';
import { Directory } from '../../application/ports';
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

/** The person acting, from the (signed) activity's `from.aadObjectId`; never from card data. */
export async function actorOf(context: TurnContext, directory: Directory): Promise<Actor> {
  const from = context.activity.from;
  if (!from?.aadObjectId) throw new DoormanError('AUTH.NOT_PERMITTED', 'activity without aadObjectId');
  return {
    type: 'person',
    person: { aadObjectId: from.aadObjectId, name: from.name ?? from.aadObjectId },
    roles: await directory.rolesOf(from.aadObjectId),
  };
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
