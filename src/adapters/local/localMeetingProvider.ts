import { MeetingDetails, MeetingProvider } from '../../application/ports';

/** Local mode: the customer meets the agent in the portal's own room page, which says it is not a Teams meeting. */
export class LocalMeetingProvider implements MeetingProvider {
  readonly provider = 'local' as const;

  /** The local room needs nothing made in advance. */
  async createMeeting(): Promise<MeetingDetails> {
    return { provider: 'local', meetingId: null, joinUrl: null };
  }

  /** Nothing to delete: the room page closes with the session. */
  async deleteMeeting(): Promise<void> {}
}
