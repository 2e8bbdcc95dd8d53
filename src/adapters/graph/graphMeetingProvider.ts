import { createHash } from 'node:crypto';
import { Client } from '@microsoft/microsoft-graph-client';
import { Clock, Logger, MeetingDetails, MeetingProvider } from '../../application/ports';
import { Person } from '../../domain/people';
import { SessionRequest } from '../../domain/session';
import { AssistRequest } from '../../domain/assist';
import { GraphConfig, GraphOperation, isGraphNotFound, mapGraphError } from './graphClient';

/*
 * Request and response shapes follow Microsoft Learn (Graph v1.0):
 * - "onlineMeeting: createOrGet" (https://learn.microsoft.com/graph/api/onlinemeeting-createorget): app-only
 *   `POST /users/{userId}/onlineMeetings/createOrGet`, externalId required, 201 when created, 200 when an existing
 *   meeting with that externalId (per tenant + organizer) is returned; only subject, times, externalId and
 *   participants are accepted, so the options go in a PATCH afterwards.
 * - "Update onlineMeeting" (https://learn.microsoft.com/graph/api/onlinemeeting-update): lobbyBypassSettings,
 *   allowedPresenters, allowMeetingChat, isEntryExitAnnounced apply to in-progress meetings; with allowedPresenters
 *   `roleIsPresenter` the full attendee list (with roles) must be sent.
 * - "lobbyBypassSettings resource type" and "meetingParticipantInfo resource type": `invited` and `coorganizer` are
 *   evolvable enum members, sent and read with `Prefer: include-unknown-enum-members`.
 * - "Delete onlineMeeting" (https://learn.microsoft.com/graph/api/onlinemeeting-delete): 204 No Content.
 * - "Create event" (https://learn.microsoft.com/graph/api/user-post-events) and the event resource: isOnlineMeeting,
 *   onlineMeetingProvider `teamsForBusiness`, onlineMeeting.joinUrl; transactionId lets the server drop a repeated
 *   POST (a repeat answers 201 with no second event: https://blog.rykoma.net/2020/10/05/1559/).
 * - "Microsoft Graph service-specific throttling limits" (https://learn.microsoft.com/graph/throttling-limits):
 *   2,000 meetings per user each month for the cloud communications meeting APIs.
 */

/** Graph allows this many meetings per organizer and month (cloud communications limits). */
export const MEETINGS_PER_ORGANIZER_PER_MONTH = 2000;

/** How long a meeting is booked for when the request has no schedule of its own. */
export const DEFAULT_MEETING_MINUTES = 30;

const PREFER_EVOLVABLE_ENUMS = 'include-unknown-enum-members';

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Settings the provider reads from the Graph configuration. */
export interface GraphMeetingSettings {
  meetingMode: GraphConfig['meetingMode'];
  /** 'agent' (the assignee, else the creator, organizes) or the object id / UPN of a service account. */
  organizer: string;
  /** The agent's role when a service account organizes; `presenter` where co-organizers are not wanted. */
  agentRole?: 'coorganizer' | 'presenter';
  meetingMinutes?: number;
}

/** Whether a lobby change was made; meetings behind calendar events have no lobby settings through Graph. */
export type LobbyBypassResult = 'applied' | 'unsupported';

/** The part of the provider beyond the MeetingProvider port: the optional lobby bypass after Admit. */
export interface LobbyControl {
  /** Opens the lobby to everyone (`open`) or closes it again to the organizer / invited people. */
  setLobbyBypass(meetingId: string, open: boolean): Promise<LobbyBypassResult>;
}

interface MeetingRef {
  kind: 'onlineMeeting' | 'event';
  organizer: string;
  id: string;
}

interface OnlineMeetingResponse {
  id: string;
  joinWebUrl?: string | null;
}

interface EventResponse {
  id: string;
  onlineMeeting?: { joinUrl?: string | null } | null;
}

interface UserResponse {
  id: string;
  mail?: string | null;
  userPrincipalName?: string | null;
}

/**
 * Teams meetings through Microsoft Graph (app-only): standalone onlineMeetings (createOrGet + PATCH) or calendar
 * events with a Teams link, so that the agent bypasses the lobby and everyone else waits in it (DESIGN.md §4).
 */
export class GraphMeetingProvider implements MeetingProvider, LobbyControl {
  readonly provider = 'teams' as const;
  private readonly userIds = new Map<string, string>();
  private readonly deps: { client: Client; clock: Clock; logger: Logger };

  /** `settings` is usually config.graph itself (meetingMode, organizer). */
  constructor(client: Client, private readonly settings: GraphMeetingSettings, clock: Clock, logger: Logger = SILENT) {
    this.deps = { client, clock, logger };
  }

  /** Creates (or, on a retry with the same externalId, finds) the meeting; never adds the customer to it. */
  async createMeeting(request: SessionRequest | AssistRequest, externalId: string): Promise<MeetingDetails> {
    // Assist: the helper organizes (or is invited), the user is a colleague in the tenant and waits in the lobby.
    const agent = request.kind === 'assist' ? request.helper ?? request.requester : request.assignee ?? request.createdBy;
    const serviceAccount = this.settings.organizer !== 'agent';
    const operation: GraphOperation = this.settings.meetingMode === 'onlineMeeting' ? 'onlineMeetings' : 'calendarEvents';
    const organizerRef = serviceAccount ? this.settings.organizer : agent.aadObjectId;
    try {
      const organizer = await this.organizerId(organizerRef);
      const { start, end } = meetingWindow(request.kind === 'assist' ? { scheduledFor: null } : request, this.deps.clock.now(), this.settings.meetingMinutes);
      const subject = request.kind === 'assist' ? `Remote assistance: ${request.requester.name}` : `Support session: ${request.recipient.name}`;
      const details =
        this.settings.meetingMode === 'onlineMeeting'
          ? await this.createOnlineMeeting(organizer, serviceAccount ? agent : null, externalId, subject, start, end)
          : await this.createCalendarEvent(organizer, serviceAccount ? agent : null, externalId, subject, start, end);
      this.deps.logger.info(
        { requestId: request.id, generation: request.kind === 'assist' ? 1 : request.generation, mode: this.settings.meetingMode },
        'teams meeting ready',
      );
      return details;
    } catch (error) {
      throw mapGraphError(error, operation, this.deps.clock.now(), organizerRef);
    }
  }

  /** Deletes the meeting so its join link dies with the session; an already deleted meeting is fine. */
  async deleteMeeting(meetingId: string, organizer: Person): Promise<void> {
    const ref = parseMeetingId(meetingId, organizer.aadObjectId);
    const operation: GraphOperation = ref.kind === 'onlineMeeting' ? 'onlineMeetings' : 'calendarEvents';
    const path =
      ref.kind === 'onlineMeeting'
        ? `/users/${encodeURIComponent(ref.organizer)}/onlineMeetings/${encodeURIComponent(ref.id)}`
        : `/users/${encodeURIComponent(ref.organizer)}/events/${encodeURIComponent(ref.id)}`;
    try {
      await this.deps.client.api(path).delete();
      this.deps.logger.info({ kind: ref.kind }, 'teams meeting deleted');
    } catch (error) {
      if (isGraphNotFound(error)) return;
      throw mapGraphError(error, operation, this.deps.clock.now(), ref.organizer);
    }
  }

  /** Opens the lobby to everyone for the moments after Admit, or closes it again (scope organizer / invited). */
  async setLobbyBypass(meetingId: string, open: boolean): Promise<LobbyBypassResult> {
    const ref = parseMeetingId(meetingId, '');
    // Event-backed meetings keep the lobby of the organizer's Teams meeting policy; Graph's event API has no
    // lobby settings, and reaching the onlineMeeting behind an event needs the onlineMeetings permission too.
    if (ref.kind !== 'onlineMeeting') return 'unsupported';
    const path = `/users/${encodeURIComponent(ref.organizer)}/onlineMeetings/${encodeURIComponent(ref.id)}`;
    try {
      await this.deps.client
        .api(path)
        .header('Prefer', PREFER_EVOLVABLE_ENUMS)
        .patch({ lobbyBypassSettings: { scope: open ? 'everyone' : this.closedLobbyScope(), isDialInBypassEnabled: false } });
      this.deps.logger.info({ open }, 'lobby bypass changed');
      return 'applied';
    } catch (error) {
      throw mapGraphError(error, 'onlineMeetings', this.deps.clock.now(), ref.organizer);
    }
  }

  private closedLobbyScope(): 'organizer' | 'invited' {
    // A service account organizes: the agent is an invited co-organizer and must bypass; the customer is never
    // invited. The agent organizes: only the organizer bypasses.
    return this.settings.organizer === 'agent' ? 'organizer' : 'invited';
  }

  private async createOnlineMeeting(
    organizer: string,
    invitedAgent: Person | null,
    externalId: string,
    subject: string,
    start: Date,
    end: Date,
  ): Promise<MeetingDetails> {
    const attendees = invitedAgent
      ? [{ identity: { user: { id: invitedAgent.aadObjectId } }, role: this.settings.agentRole ?? 'coorganizer' }]
      : [];
    const base = `/users/${encodeURIComponent(organizer)}/onlineMeetings`;
    const meeting = (await this.deps.client
      .api(`${base}/createOrGet`)
      .header('Prefer', PREFER_EVOLVABLE_ENUMS)
      .post({
        externalId,
        subject,
        startDateTime: start.toISOString(),
        endDateTime: end.toISOString(),
        participants: { attendees },
      })) as OnlineMeetingResponse;
    // Always PATCHed, also when createOrGet returned an existing meeting: a crash may have come between the two.
    await this.deps.client
      .api(`${base}/${encodeURIComponent(meeting.id)}`)
      .header('Prefer', PREFER_EVOLVABLE_ENUMS)
      .patch({
        lobbyBypassSettings: { scope: this.closedLobbyScope(), isDialInBypassEnabled: false },
        allowedPresenters: 'roleIsPresenter',
        allowMeetingChat: 'limited',
        isEntryExitAnnounced: true,
        participants: { attendees },
      });
    return {
      provider: 'teams',
      meetingId: formatMeetingId({ kind: 'onlineMeeting', organizer, id: meeting.id }),
      joinUrl: meeting.joinWebUrl ?? null,
    };
  }

  private async createCalendarEvent(
    organizer: string,
    invitedAgent: Person | null,
    externalId: string,
    subject: string,
    start: Date,
    end: Date,
  ): Promise<MeetingDetails> {
    // The customer is never an attendee: Exchange would mail them the Teams link itself.
    const attendees = invitedAgent ? [await this.attendeeFor(invitedAgent)] : [];
    const base = `/users/${encodeURIComponent(organizer)}/events`;
    const event = (await this.deps.client.api(base).post({
      subject,
      start: { dateTime: graphDateTime(start), timeZone: 'UTC' },
      end: { dateTime: graphDateTime(end), timeZone: 'UTC' },
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      transactionId: transactionIdFor(externalId),
      allowNewTimeProposals: false,
      attendees,
    })) as EventResponse;
    let joinUrl = event.onlineMeeting?.joinUrl ?? null;
    if (!joinUrl) {
      // Exchange may attach the Teams link a moment after creating the event.
      const fresh = (await this.deps.client
        .api(`${base}/${encodeURIComponent(event.id)}`)
        .select(['id', 'onlineMeeting'])
        .get()) as EventResponse;
      joinUrl = fresh.onlineMeeting?.joinUrl ?? null;
    }
    return { provider: 'teams', meetingId: formatMeetingId({ kind: 'event', organizer, id: event.id }), joinUrl };
  }

  private async attendeeFor(agent: Person): Promise<{ emailAddress: { address: string; name: string }; type: 'required' }> {
    const user = await this.user(agent.aadObjectId, ['id', 'mail', 'userPrincipalName']);
    return { emailAddress: { address: user.mail ?? user.userPrincipalName ?? '', name: agent.name }, type: 'required' };
  }

  /** The onlineMeetings API wants the organizer's object id; a configured UPN is resolved once and cached. */
  private async organizerId(idOrUpn: string): Promise<string> {
    if (!idOrUpn.includes('@')) return idOrUpn;
    const known = this.userIds.get(idOrUpn.toLowerCase());
    if (known) return known;
    const user = await this.user(idOrUpn, ['id']);
    this.userIds.set(idOrUpn.toLowerCase(), user.id);
    return user.id;
  }

  /** Reads a user (User.Read.All); a failure names that permission, not the meeting one. */
  private async user(idOrUpn: string, fields: string[]): Promise<UserResponse> {
    try {
      return (await this.deps.client.api(`/users/${encodeURIComponent(idOrUpn)}`).select(fields).get()) as UserResponse;
    } catch (error) {
      throw mapGraphError(error, 'users', this.deps.clock.now(), idOrUpn);
    }
  }
}

/** Start and end of the meeting: the schedule if there is one, else now; booked for `minutes` (30). */
export function meetingWindow(
  request: Pick<SessionRequest, 'scheduledFor'>,
  now: Date,
  minutes = DEFAULT_MEETING_MINUTES,
): { start: Date; end: Date } {
  const start = request.scheduledFor ?? now;
  return { start, end: new Date(start.getTime() + minutes * 60_000) };
}

/** A stable GUID-shaped transactionId for an externalId (a name-based UUID, version 5). */
export function transactionIdFor(externalId: string): string {
  const bytes = createHash('sha1').update(DOORMAN_UUID_NAMESPACE).update(externalId, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Fixed bytes of Doorman's own UUID namespace, so that the same externalId always maps to the same GUID.
const DOORMAN_UUID_NAMESPACE = Buffer.from('4f1f2d1e8b6a4c7e9d3a5b2c1e0f7a6d', 'hex');

/** `onlineMeeting:<organizer>:<id>` / `event:<organizer>:<id>`: what deleting and the lobby bypass need later. */
export function formatMeetingId(ref: MeetingRef): string {
  return `${ref.kind}:${ref.organizer}:${ref.id}`;
}

/** Reads a meetingId written by formatMeetingId; the online meeting id itself contains colons. */
export function parseMeetingId(meetingId: string, fallbackOrganizer: string): MeetingRef {
  const first = meetingId.indexOf(':');
  const second = first < 0 ? -1 : meetingId.indexOf(':', first + 1);
  const kind = first < 0 ? '' : meetingId.slice(0, first);
  if ((kind === 'onlineMeeting' || kind === 'event') && second > first) {
    return { kind, organizer: meetingId.slice(first + 1, second), id: meetingId.slice(second + 1) };
  }
  // A bare id (never written by this adapter): assume an online meeting of the given organizer.
  return { kind: 'onlineMeeting', organizer: fallbackOrganizer, id: meetingId };
}

function graphDateTime(date: Date): string {
  // dateTimeTimeZone wants a local date-time without offset; with timeZone UTC that is the ISO string minus "Z".
  return date.toISOString().replace(/Z$/, '');
}
