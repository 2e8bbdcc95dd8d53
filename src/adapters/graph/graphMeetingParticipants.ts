import { Client } from '@microsoft/microsoft-graph-client';
import {
  Clock,
  Logger,
  MeetingParticipant,
  MeetingParticipants,
  MeetingRole,
  PermanentError,
} from '../../application/ports';
import { Person } from '../../domain/people';
import { GraphConfig, GraphConnection, GraphOperation, isGraphNotFound, mapGraphError } from './graphClient';
import { parseMeetingId } from './graphMeetingProvider';

/*
 * Shapes and rules from Microsoft Learn (Graph v1.0):
 * - "Update onlineMeeting" (https://learn.microsoft.com/graph/api/onlinemeeting-update): app-only
 *   `PATCH /users/{userId}/onlineMeetings/{meetingId}` with OnlineMeetings.ReadWrite.All and a Teams application
 *   access policy covering the organizer (no further permission). "Adjusting the attendees field of the participants
 *   property, such as adding or removing an attendee, always requires the full list of attendees in the request
 *   body": the PATCH replaces the whole list, so the list is read first and written back with the one change. Only
 *   attendees can be updated (not the organizer). The table marks `participants` "Applies to in-progress meetings?
 *   No": someone already in the call gets a new role when they next join.
 * - "meetingParticipantInfo resource type" (https://learn.microsoft.com/graph/api/resources/meetingparticipantinfo):
 *   `identity`, `upn`, `role` (onlineMeetingRole: attendee, presenter, coorganizer …). `coorganizer` is an evolvable
 *   enum member: without `Prefer: include-unknown-enum-members` Graph returns it as `unknownFutureValue`, and Graph's
 *   API guidelines (microsoft/api-guidelines graph/patterns/evolvable-enums.md) have a request with such a member
 *   and no Prefer rejected with 400. Both the GET and the PATCH send the header, so co-organizers (the agent when a
 *   service account organizes) are read and written back as what they are. `presenter` only takes effect with
 *   allowedPresenters `roleIsPresenter`, which GraphMeetingProvider sets on every meeting it makes.
 * - Calendar-event mode: "Update event" (https://learn.microsoft.com/graph/api/event-update) replaces `attendees`
 *   (Calendars.ReadWrite); an update with only attendees sends a meeting update to the changed attendees. Event
 *   attendees have no Teams role, and the onlineMeeting behind an event cannot take one through Graph (a PATCH of
 *   it answers "Updating meeting type is not supported": microsoftgraph/msgraph-sdk-java#1937).
 */

const PREFER_EVOLVABLE_ENUMS = 'include-unknown-enum-members';

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const ROLES: readonly MeetingRole[] = ['attendee', 'presenter', 'coorganizer'];

interface AttendeeInfo {
  identity?: { user?: { id?: string | null; displayName?: string | null } | null } | null;
  upn?: string | null;
  role?: string | null;
}

interface OnlineMeetingParticipantsResponse {
  allowedPresenters?: string | null;
  participants?: { attendees?: AttendeeInfo[] | null } | null;
}

interface EventAttendee {
  emailAddress?: { address?: string | null; name?: string | null } | null;
  type?: string | null;
}

interface EventAttendeesResponse {
  attendees?: EventAttendee[] | null;
}

interface UserResponse {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
}

/**
 * Colleagues in a running Teams meeting through Graph (app-only): the online meeting's `participants.attendees`
 * with roles, or, in calendar-event mode, the event's attendees without roles.
 */
export class GraphMeetingParticipants implements MeetingParticipants {
  readonly supportsRoles: boolean;
  /** The change running per meeting: a read-modify-write of the whole list must not interleave with another. */
  private readonly changing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly client: Client,
    settings: { meetingMode: GraphConfig['meetingMode'] },
    private readonly clock: Clock,
    private readonly logger: Logger = SILENT,
  ) {
    this.supportsRoles = settings.meetingMode === 'onlineMeeting';
  }

  /** Adds the person with `role` or changes their role; no PATCH when they are listed with that role already. */
  async setParticipant(meetingId: string, organizer: Person, participant: MeetingParticipant): Promise<void> {
    return this.oneAtATime(meetingId, () => this.set(meetingId, organizer, participant));
  }

  /** Removes the person from the attendees; no PATCH when they are not listed or the meeting is gone. */
  async removeParticipant(meetingId: string, organizer: Person, person: Person): Promise<void> {
    return this.oneAtATime(meetingId, () => this.remove(meetingId, organizer, person));
  }

  private async set(meetingId: string, organizer: Person, participant: MeetingParticipant): Promise<void> {
    const ref = parseMeetingId(meetingId, organizer.aadObjectId);
    if (ref.kind === 'event') return this.setEventAttendee(ref.organizer, ref.id, participant);
    const path = onlineMeetingPath(ref.organizer, ref.id);
    await this.call('onlineMeetings', ref.organizer, async () => {
      const meeting = await this.readOnlineMeeting(path, 'the colleague cannot be added');
      const attendees = meeting.participants?.attendees ?? [];
      const id = participant.person.aadObjectId;
      const listed = attendees.find((attendee) => attendeeId(attendee) === id);
      if (listed?.role === participant.role) return;
      const entry: AttendeeInfo = { ...(listed ?? {}), identity: listed?.identity ?? { user: { id } }, role: participant.role };
      const next = listed ? attendees.map((attendee) => (attendee === listed ? entry : attendee)) : [...attendees, entry];
      // A presenter is only a presenter where roles decide who presents.
      const presenters = participant.role === 'presenter' && meeting.allowedPresenters !== 'roleIsPresenter' ? { allowedPresenters: 'roleIsPresenter' } : {};
      await this.client.api(path).header('Prefer', PREFER_EVOLVABLE_ENUMS).patch({ ...presenters, participants: { attendees: next } });
      this.logger.info({ role: participant.role, change: listed ? 'role' : 'added' }, 'meeting participant set');
    });
  }

  private async remove(meetingId: string, organizer: Person, person: Person): Promise<void> {
    const ref = parseMeetingId(meetingId, organizer.aadObjectId);
    if (ref.kind === 'event') return this.removeEventAttendee(ref.organizer, ref.id, person);
    const path = onlineMeetingPath(ref.organizer, ref.id);
    await this.call('onlineMeetings', ref.organizer, async () => {
      const meeting = await this.readOnlineMeeting(path, null);
      if (!meeting) return;
      const attendees = meeting.participants?.attendees ?? [];
      const next = attendees.filter((attendee) => attendeeId(attendee) !== person.aadObjectId);
      if (next.length === attendees.length) return;
      await this.client.api(path).header('Prefer', PREFER_EVOLVABLE_ENUMS).patch({ participants: { attendees: next } });
      this.logger.info({ change: 'removed' }, 'meeting participant removed');
    });
  }

  /** The attendees the meeting lists now, with their roles (an event's attendees are all `attendee`). */
  async participantsOf(meetingId: string, organizer: Person): Promise<MeetingParticipant[]> {
    const ref = parseMeetingId(meetingId, organizer.aadObjectId);
    if (ref.kind === 'event') return this.eventParticipants(ref.organizer, ref.id);
    const path = onlineMeetingPath(ref.organizer, ref.id);
    return this.call('onlineMeetings', ref.organizer, async () => {
      const meeting = await this.readOnlineMeeting(path, null);
      return (meeting?.participants?.attendees ?? []).flatMap((attendee): MeetingParticipant[] => {
        const id = attendeeId(attendee);
        const role = ROLES.find((known) => known === attendee.role);
        if (!id || !role) return [];
        return [{ person: { aadObjectId: id, name: attendee.identity?.user?.displayName ?? attendee.upn ?? id }, role }];
      });
    });
  }

  /**
   * Graph replaces the whole attendee list and offers no ETag on it, so two changes to one meeting at once (two
   * colleagues accepting together) would each write back a list without the other. Within this process they queue
   * per meeting; across instances the caller must deliver one meeting's changes in order (one outbox lane per request).
   */
  private async oneAtATime<T>(meetingId: string, work: () => Promise<T>): Promise<T> {
    const before = this.changing.get(meetingId) ?? Promise.resolve();
    const mine = before.then(work, work);
    const settled = mine.catch(() => undefined);
    this.changing.set(meetingId, settled);
    try {
      return await mine;
    } finally {
      if (this.changing.get(meetingId) === settled) this.changing.delete(meetingId);
    }
  }

  /** GETs the meeting; a 404 is null, or a PermanentError saying `gone` when the caller cannot do without it. */
  private async readOnlineMeeting(path: string, gone: string): Promise<OnlineMeetingParticipantsResponse>;
  private async readOnlineMeeting(path: string, gone: null): Promise<OnlineMeetingParticipantsResponse | null>;
  private async readOnlineMeeting(path: string, gone: string | null): Promise<OnlineMeetingParticipantsResponse | null> {
    try {
      return (await this.client.api(path).header('Prefer', PREFER_EVOLVABLE_ENUMS).get()) as OnlineMeetingParticipantsResponse;
    } catch (error) {
      if (!isGraphNotFound(error)) throw error;
      if (gone === null) return null;
      throw new PermanentError(`The Teams meeting no longer exists (Graph 404): ${gone}.`);
    }
  }

  private async setEventAttendee(organizer: string, eventId: string, participant: MeetingParticipant): Promise<void> {
    if (participant.role !== 'attendee') {
      throw new PermanentError(
        `Calendar-event meetings (GRAPH_MEETING_MODE=calendarEvent) cannot give the Teams role ${participant.role}: ` +
          "event attendees have no meeting role in Graph, and the meeting behind an event cannot be updated through the onlineMeeting API. The colleague can only be invited as an attendee (the organizer's Teams meeting policy decides who presents); use GRAPH_MEETING_MODE=onlineMeeting for permission profiles.",
      );
    }
    const address = await this.mailOf(participant.person.aadObjectId);
    const path = eventPath(organizer, eventId);
    await this.call('calendarEvents', organizer, async () => {
      const attendees = await this.readEventAttendees(path, 'the colleague cannot be invited');
      if (attendees?.some((attendee) => sameAddress(attendee, address))) return;
      const next = [...(attendees ?? []), { emailAddress: { address, name: participant.person.name }, type: 'required' }];
      await this.client.api(path).patch({ attendees: next });
      this.logger.info({ role: 'attendee', change: 'added', mode: 'calendarEvent' }, 'meeting participant set');
    });
  }

  private async removeEventAttendee(organizer: string, eventId: string, person: Person): Promise<void> {
    const path = eventPath(organizer, eventId);
    const attendees = await this.call('calendarEvents', organizer, () => this.readEventAttendees(path, null));
    if (!attendees || attendees.length === 0) return;
    const user = await this.userOrNull(person.aadObjectId);
    const address = user?.mail ?? user?.userPrincipalName ?? null;
    if (!address) return;
    const next = attendees.filter((attendee) => !sameAddress(attendee, address));
    if (next.length === attendees.length) return;
    await this.call('calendarEvents', organizer, () => this.client.api(path).patch({ attendees: next }));
    this.logger.info({ change: 'removed', mode: 'calendarEvent' }, 'meeting participant removed');
  }

  private async eventParticipants(organizer: string, eventId: string): Promise<MeetingParticipant[]> {
    const attendees = await this.call('calendarEvents', organizer, () => this.readEventAttendees(eventPath(organizer, eventId), null));
    const people: MeetingParticipant[] = [];
    for (const attendee of attendees ?? []) {
      const address = attendee.emailAddress?.address;
      if (!address) continue;
      // Event attendees are mail addresses; people outside the directory (404) are not colleagues and are left out.
      const user = await this.userOrNull(address);
      if (user) people.push({ person: { aadObjectId: user.id, name: user.displayName ?? attendee.emailAddress?.name ?? address }, role: 'attendee' });
    }
    return people;
  }

  private async readEventAttendees(path: string, gone: string | null): Promise<EventAttendee[] | null> {
    try {
      return ((await this.client.api(path).select(['attendees']).get()) as EventAttendeesResponse).attendees ?? [];
    } catch (error) {
      if (!isGraphNotFound(error)) throw error;
      if (gone === null) return null;
      throw new PermanentError(`The Teams meeting's calendar event no longer exists (Graph 404): ${gone}.`);
    }
  }

  /** The address an event invitation goes to (User.Read.All); a person without one cannot be invited by mail. */
  private async mailOf(userId: string): Promise<string> {
    const user = await this.userOrNull(userId);
    const address = user?.mail ?? user?.userPrincipalName ?? null;
    if (!address) throw new PermanentError('The colleague has no mailbox address in the directory, so the calendar event cannot invite them.');
    return address;
  }

  private async userOrNull(idOrAddress: string): Promise<UserResponse | null> {
    return this.call('users', idOrAddress, async () => {
      try {
        return (await this.client.api(`/users/${encodeURIComponent(idOrAddress)}`).select(['id', 'displayName', 'mail', 'userPrincipalName']).get()) as UserResponse;
      } catch (error) {
        if (isGraphNotFound(error)) return null;
        throw error;
      }
    });
  }

  /** Runs Graph calls for one operation; failures become GRAPH.FORBIDDEN (naming what to grant) or retryable. */
  private async call<T>(operation: GraphOperation, subject: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof PermanentError) throw error;
      throw mapGraphError(error, operation, this.clock.now(), subject);
    }
  }
}

/** The participants port when meetings are Teams meetings through Graph (MEETINGS=graph); null otherwise. */
export function meetingParticipantsFor(
  config: { meetings: string; graph: GraphConfig | null },
  graph: Pick<GraphConnection, 'client'> | null,
  clock: Clock,
  logger: Logger,
): GraphMeetingParticipants | null {
  if (config.meetings !== 'graph' || !graph || !config.graph) return null;
  return new GraphMeetingParticipants(graph.client, config.graph, clock, logger);
}

function onlineMeetingPath(organizer: string, meetingId: string): string {
  return `/users/${encodeURIComponent(organizer)}/onlineMeetings/${encodeURIComponent(meetingId)}`;
}

function eventPath(organizer: string, eventId: string): string {
  return `/users/${encodeURIComponent(organizer)}/events/${encodeURIComponent(eventId)}`;
}

function attendeeId(attendee: AttendeeInfo): string | null {
  return attendee.identity?.user?.id ?? null;
}

function sameAddress(attendee: EventAttendee, address: string): boolean {
  return (attendee.emailAddress?.address ?? '').toLowerCase() === address.toLowerCase();
}
