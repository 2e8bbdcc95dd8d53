import { SessionCardView } from '../../src/adapters/teams/session/sessionCardParts';
import { problemOf } from '../../src/domain/errors';
import { Person } from '../../src/domain/people';
import { SessionMeeting, SessionRequest, SessionState } from '../../src/domain/session';
import { aSessionRequest } from './sessionBuilder';

/** The moment every card fixture is rendered at. */
export const NOW = new Date('2030-03-04T10:00:00.000Z');
/** The agents' time zone in card fixtures (UTC+1 in March). */
export const TIME_ZONE = 'Europe/Berlin';
/** A Teams join URL as Graph returns it; only the agent's own card may carry it. */
export const TEAMS_JOIN_URL = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ3%40thread.v2/0?context=%7b%22Tid%22%3a%22t%22%7d';
/** A one-time portal link as the invitation card receives it once. */
export const PORTAL_LINK = 'https://doorman.example.com/j/q7Lk2x_Vb9-RmT4pZc8nWa';

/** The agent who creates and holds the fixture requests. */
export const ALEX: Person = { aadObjectId: 'aad-alex', name: 'Alex Agent' };
/** A second agent, for the Assign menu and reassignment. */
export const BEA: Person = { aadObjectId: 'aad-bea', name: 'Bea Backup' };

/** An open session request created an hour before NOW, expiring 3 h after NOW; `overrides` replace fields. */
export function cardRequest(overrides: Partial<SessionRequest> = {}): SessionRequest {
  const createdAt = new Date(NOW.getTime() - 60 * 60_000);
  return aSessionRequest({
    version: 3,
    createdBy: ALEX,
    assignee: ALEX,
    queueId: 'queue-1',
    comments: 'Printer drivers again; call back after 3 pm.',
    expiresAt: new Date(NOW.getTime() + 3 * 60 * 60_000),
    tag: '4821',
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  });
}

/** A request in `state` with the fields that state implies (customer arrived, closed reason, meeting). */
export function requestIn(state: SessionState, overrides: Partial<SessionRequest> = {}): SessionRequest {
  const arrived = { customerName: 'Chris', bindingHash: 'binding-hash' };
  const byState: Record<SessionState, Partial<SessionRequest>> = {
    open: {},
    waiting: arrived,
    ready: { ...arrived, meeting: teamsMeeting('ready') },
    connected: { ...arrived, meeting: teamsMeeting('ready') },
    closed: { closedReason: 'ended', customerName: 'Chris', meeting: null },
    expired: { expiresAt: new Date(NOW.getTime() - 10 * 60_000) },
  };
  return cardRequest({ state, ...byState[state], ...overrides });
}

/** A Teams meeting in the given status. */
export function teamsMeeting(status: SessionMeeting['status'], problem: string | null = null): SessionMeeting {
  return {
    provider: 'teams',
    status,
    joinUrl: status === 'ready' ? TEAMS_JOIN_URL : null,
    meetingId: status === 'ready' ? 'meeting-1' : null,
    problem: problem === null ? null : problemOf(problem),
  };
}

/** The local meeting room (no Teams meeting, no join URL). */
export function localMeeting(): SessionMeeting {
  return { provider: 'local', status: 'ready', joinUrl: null, meetingId: null, problem: null };
}

/** The view of the agent and queue cards for a request. */
export function sessionCardView(request: SessionRequest, overrides: Partial<SessionCardView> = {}): SessionCardView {
  return { request, queueName: 'Tier 1', now: NOW, timeZone: TIME_ZONE, notice: null, ...overrides };
}

/** A customer name that would turn into markdown, a link, HTML and a Teams date function if not escaped. */
export const HOSTILE_NAME = '**x** [y](http://e) <b> {{DATE(2030-01-01T00:00:00Z)}}';
