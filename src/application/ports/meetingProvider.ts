import { AssistRequest } from '../../domain/assist';
import { Person } from '../../domain/people';
import { SessionRequest } from '../../domain/session';

/** A meeting for one generation of a session request. */
export interface MeetingDetails {
  provider: 'local' | 'teams';
  meetingId: string | null;
  joinUrl: string | null;
}

/** Creates and deletes the meeting a session's customer joins, or the one a helper and a user meet in (assist). */
export interface MeetingProvider {
  readonly provider: 'local' | 'teams';
  /** Idempotent per `externalId` (request id + generation): a retry never makes a second meeting. */
  createMeeting(request: SessionRequest | AssistRequest, externalId: string): Promise<MeetingDetails>;
  deleteMeeting(meetingId: string, organizer: Person): Promise<void>;
  /** Opens the lobby to everyone for a moment after Admit, or closes it again (Teams meetings only). */
  setLobbyBypass?(meetingId: string, open: boolean): Promise<unknown>;
}
