import { Person } from '../../domain/people';

/** The Teams meeting roles a permission profile maps to (onlineMeeting `participants.attendees[].role`). */
export type MeetingRole = 'attendee' | 'presenter' | 'coorganizer';

/** A colleague invited into a running meeting (`invitation`), as the meeting lists them. */
export interface MeetingParticipant {
  person: Person;
  role: MeetingRole;
}

/**
 * Adds, re-roles and removes colleagues in a running meeting (`invitation`). Production: Graph onlineMeeting
 * participants (PATCH of `participants.attendees` with roles, app-only on the organizer's meetings); local mode:
 * the local room lists them with their profile. Every call is idempotent per (meeting, person) and has a timeout;
 * a 403 names the missing permission or policy (GRAPH.FORBIDDEN). Calendar-event meetings cannot set roles: the
 * provider says so with `supportsRoles`.
 */
export interface MeetingParticipants {
  /** False where roles cannot be set (calendar-event mode): the invitation form then offers no profile choice. */
  readonly supportsRoles: boolean;
  /** Adds the person with `role`, or changes their role when they are in the meeting already. */
  setParticipant(meetingId: string, organizer: Person, participant: MeetingParticipant): Promise<void>;
  /** Removes the person from the meeting's participants (no-op when absent). */
  removeParticipant(meetingId: string, organizer: Person, person: Person): Promise<void>;
  /** The invited colleagues the meeting lists now. */
  participantsOf(meetingId: string, organizer: Person): Promise<MeetingParticipant[]>;
}
