import { MeetingParticipant, MeetingParticipants } from '../../application/ports';
import { Person } from '../../domain/people';

/**
 * Local mode: the local room lists the invited colleagues with their profile's role; nothing leaves the process.
 * Keyed by meeting id (the parent request's id for local rooms), idempotent per (meeting, person) like Graph's.
 */
export class LocalMeetingParticipants implements MeetingParticipants {
  readonly supportsRoles = true;
  private readonly rooms = new Map<string, Map<string, MeetingParticipant>>();

  async setParticipant(meetingId: string, _organizer: Person, participant: MeetingParticipant): Promise<void> {
    const room = this.rooms.get(meetingId) ?? new Map<string, MeetingParticipant>();
    room.set(participant.person.aadObjectId, { person: { ...participant.person }, role: participant.role });
    this.rooms.set(meetingId, room);
  }

  async removeParticipant(meetingId: string, _organizer: Person, person: Person): Promise<void> {
    this.rooms.get(meetingId)?.delete(person.aadObjectId);
  }

  async participantsOf(meetingId: string): Promise<MeetingParticipant[]> {
    return [...(this.rooms.get(meetingId)?.values() ?? [])].map((participant) => ({ person: { ...participant.person }, role: participant.role }));
  }
}
