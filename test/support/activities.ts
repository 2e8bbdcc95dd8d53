/** Bot Framework activities as Teams sends them, for tests that post to /api/messages. */

/** Where an activity is said: the person's personal chat with the bot, or a team channel. */
export type ActivityPlace = { personal: true } | { channel: string; team: string };

/** Who says it. */
export interface ActivitySender {
  aadObjectId: string;
  name?: string;
}

/** The common part of an activity from `from` in `place` (ids, conversation, tenant, time zone). */
export function teamsActivity(options: {
  from: ActivitySender;
  place: ActivityPlace;
  tenantId: string;
  serviceUrl: string;
  id?: string;
  timestamp?: string;
  timeZone?: string;
}): Record<string, unknown> {
  const { from, place, tenantId } = options;
  const personal = 'personal' in place;
  return {
    ...(options.id ? { id: options.id } : {}),
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    from: { id: `29:${from.aadObjectId}`, aadObjectId: from.aadObjectId, ...(from.name ? { name: from.name } : {}) },
    recipient: { id: '28:doorman', name: 'Doorman' },
    conversation: personal
      ? { id: `a:personal-${from.aadObjectId}`, conversationType: 'personal', tenantId }
      : { id: place.channel, conversationType: 'channel', isGroup: true, tenantId },
    localTimezone: options.timeZone ?? 'Europe/Berlin',
    channelData: personal ? { tenant: { id: tenantId } } : { tenant: { id: tenantId }, team: { id: place.team }, channel: { id: place.channel } },
  };
}
