import nock from 'nock';
import { GraphForbiddenError, GraphUnavailableError } from '../../../src/adapters/graph/graphClient';
import { GraphMeetingParticipants, meetingParticipantsFor } from '../../../src/adapters/graph/graphMeetingParticipants';
import { PermanentError, RetryableError } from '../../../src/application/ports';
import { isDoormanError } from '../../../src/domain/errors';
import { FakeClock } from '../../support/fakeClock';
import { GRAPH, nockedGraphClient, recordingLogger } from './graphTestKit';

// Response bodies are trimmed copies of the examples on Microsoft Learn ("Get onlineMeeting", "Update
// onlineMeeting", "meetingParticipantInfo", "Get event", "Update event"); ids are made up, the shapes are Graph's.
const MEETING = 'MSpkYzE3Njc0Yy04MWQ5LTRhZGItYmZi_19:meeting_M2IzYzczNTItYmY3OC00MDlm@thread.v2';
const MEETING_ID = `onlineMeeting:svc-doorman:${MEETING}`;
const MEETING_PATH = `/v1.0/users/svc-doorman/onlineMeetings/${encodeURIComponent(MEETING)}`;
const EVENT = 'AAMkAGI1AAAt9AHjAAA=';
const EVENT_ID = `event:svc-doorman:${EVENT}`;
const EVENT_PATH = `/v1.0/users/svc-doorman/events/${encodeURIComponent(EVENT)}`;

const ORGANIZER = { aadObjectId: 'svc-doorman', name: 'Doorman' };
const CLEO = { aadObjectId: 'colleague-cleo', name: 'Cleo Colleague' };
const AGENT_ATTENDEE = { upn: 'anna@contoso.example', role: 'coorganizer', identity: { user: { id: 'agent-anna', displayName: null, tenantId: 't-1', identityProvider: 'AAD' } } };

function meetingResponse(attendees: unknown[], overrides: Record<string, unknown> = {}) {
  return {
    id: MEETING,
    joinWebUrl: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_M2Iz%40thread.v2/0?context=x',
    allowedPresenters: 'roleIsPresenter',
    participants: {
      organizer: { upn: 'doorman@contoso.example', role: 'presenter', identity: { user: { id: 'svc-doorman' } } },
      attendees,
    },
    ...overrides,
  };
}

const clock = new FakeClock('2030-03-04T09:00:00.000Z');

function participants(meetingMode: 'onlineMeeting' | 'calendarEvent' = 'onlineMeeting') {
  const logger = recordingLogger();
  return { logger, port: new GraphMeetingParticipants(nockedGraphClient(), { meetingMode }, clock, logger) };
}

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe('online meeting participants', () => {
  test('setParticipant: GET the meeting, PATCH the full attendee list with the colleague added, Prefer on both', async () => {
    const { port } = participants();
    const prefer: (string | undefined)[] = [];
    let patched: Record<string, unknown> = {};
    nock(GRAPH)
      .get(MEETING_PATH)
      .matchHeader('authorization', 'Bearer test-access-token')
      .reply(function () {
        prefer.push(this.req.headers.prefer as string | undefined);
        return [200, meetingResponse([AGENT_ATTENDEE])];
      })
      .patch(MEETING_PATH, (body) => ((patched = body), true))
      .reply(function () {
        prefer.push(this.req.headers.prefer as string | undefined);
        return [200, meetingResponse([AGENT_ATTENDEE, { identity: { user: { id: 'colleague-cleo' } }, role: 'presenter' }])];
      });

    await port.setParticipant(MEETING_ID, ORGANIZER, { person: CLEO, role: 'presenter' });

    // The agent (a co-organizer) is written back exactly as read: the PATCH replaces the whole list.
    expect(patched).toEqual({
      participants: { attendees: [AGENT_ATTENDEE, { identity: { user: { id: 'colleague-cleo' } }, role: 'presenter' }] },
    });
    expect(prefer).toEqual(['include-unknown-enum-members', 'include-unknown-enum-members']);
    expect(port.supportsRoles).toBe(true);
  });

  test('setParticipant on someone listed with another role changes only their role and keeps their upn', async () => {
    const { port } = participants();
    const cleo = { upn: 'cleo@contoso.example', role: 'attendee', identity: { user: { id: 'colleague-cleo' } } };
    let patched: Record<string, unknown> = {};
    nock(GRAPH)
      .get(MEETING_PATH)
      .reply(200, meetingResponse([AGENT_ATTENDEE, cleo]))
      .patch(MEETING_PATH, (body) => ((patched = body), true))
      .reply(200, meetingResponse([]));

    await port.setParticipant(MEETING_ID, ORGANIZER, { person: CLEO, role: 'coorganizer' });

    expect(patched).toEqual({ participants: { attendees: [AGENT_ATTENDEE, { ...cleo, role: 'coorganizer' }] } });
  });

  test('setParticipant on someone already listed with that role sends no PATCH (idempotent)', async () => {
    const { port, logger } = participants();
    nock(GRAPH)
      .get(MEETING_PATH)
      .reply(200, meetingResponse([AGENT_ATTENDEE, { identity: { user: { id: 'colleague-cleo' } }, role: 'presenter' }]));
    // Any PATCH would be an unmatched request: nock fails it and the call rejects.

    await port.setParticipant(MEETING_ID, ORGANIZER, { person: CLEO, role: 'presenter' });

    expect(logger.lines.filter((line) => line.message === 'meeting participant set')).toEqual([]);
  });

  test('a presenter in a meeting where everyone presents also switches allowedPresenters to roleIsPresenter', async () => {
    const { port } = participants();
    let patched: Record<string, unknown> = {};
    nock(GRAPH)
      .get(MEETING_PATH)
      .reply(200, meetingResponse([], { allowedPresenters: 'everyone' }))
      .patch(MEETING_PATH, (body) => ((patched = body), true))
      .reply(200, meetingResponse([]));

    await port.setParticipant(MEETING_ID, ORGANIZER, { person: CLEO, role: 'presenter' });

    expect(patched).toEqual({
      allowedPresenters: 'roleIsPresenter',
      participants: { attendees: [{ identity: { user: { id: 'colleague-cleo' } }, role: 'presenter' }] },
    });
  });

  test('two changes to one meeting at once run one after the other: the second GET sees the first PATCH', async () => {
    const { port } = participants();
    const DAN = { aadObjectId: 'colleague-dan', name: 'Dan Colleague' };
    const cleo = { identity: { user: { id: 'colleague-cleo' } }, role: 'presenter' };
    const seen: string[] = [];
    let lastPatch: Record<string, unknown> = {};
    nock(GRAPH)
      .get(MEETING_PATH)
      .delay(50)
      .reply(() => (seen.push('GET'), [200, meetingResponse([AGENT_ATTENDEE])]))
      .patch(MEETING_PATH)
      .reply(() => (seen.push('PATCH'), [200, meetingResponse([AGENT_ATTENDEE, cleo])]))
      .get(MEETING_PATH)
      .reply(() => (seen.push('GET'), [200, meetingResponse([AGENT_ATTENDEE, cleo])]))
      .patch(MEETING_PATH, (body) => ((lastPatch = body), true))
      .reply(() => (seen.push('PATCH'), [200, meetingResponse([])]));

    await Promise.all([
      port.setParticipant(MEETING_ID, ORGANIZER, { person: CLEO, role: 'presenter' }),
      port.setParticipant(MEETING_ID, ORGANIZER, { person: DAN, role: 'attendee' }),
    ]);

    expect(seen).toEqual(['GET', 'PATCH', 'GET', 'PATCH']);
    expect(lastPatch).toEqual({ participants: { attendees: [AGENT_ATTENDEE, cleo, { identity: { user: { id: 'colleague-dan' } }, role: 'attendee' }] } });
  });

  test('removeParticipant PATCHes the list without them; absent → no PATCH', async () => {
    const { port } = participants();
    let patched: Record<string, unknown> = {};
    nock(GRAPH)
      .get(MEETING_PATH)
      .reply(200, meetingResponse([AGENT_ATTENDEE, { identity: { user: { id: 'colleague-cleo' } }, role: 'presenter' }]))
      .patch(MEETING_PATH, (body) => ((patched = body), true))
      .reply(200, meetingResponse([AGENT_ATTENDEE]))
      .get(MEETING_PATH)
      .reply(200, meetingResponse([AGENT_ATTENDEE]));

    await port.removeParticipant(MEETING_ID, ORGANIZER, CLEO);
    await port.removeParticipant(MEETING_ID, ORGANIZER, CLEO);

    expect(patched).toEqual({ participants: { attendees: [AGENT_ATTENDEE] } });
  });

  test('participantsOf reads the attendees with their roles', async () => {
    const { port } = participants();
    nock(GRAPH)
      .get(MEETING_PATH)
      .reply(200, meetingResponse([AGENT_ATTENDEE, { upn: 'cleo@contoso.example', identity: { user: { id: 'colleague-cleo' } }, role: 'attendee' }]));

    const listed = await port.participantsOf(MEETING_ID, ORGANIZER);

    expect(listed).toEqual([
      { person: { aadObjectId: 'agent-anna', name: 'anna@contoso.example' }, role: 'coorganizer' },
      { person: { aadObjectId: 'colleague-cleo', name: 'cleo@contoso.example' }, role: 'attendee' },
    ]);
  });

  test('403 (outside the application access policy) → GRAPH.FORBIDDEN naming OnlineMeetings.ReadWrite.All and the policy', async () => {
    const { port } = participants();
    nock(GRAPH)
      .get(MEETING_PATH)
      .reply(403, { error: { code: 'Forbidden', message: 'App 9999 is not authorized to Update meeting on behalf of user svc-doorman', innerError: { 'request-id': 'r-1', date: '2030-03-04T09:00:00' } } });

    const error = await port.setParticipant(MEETING_ID, ORGANIZER, { person: CLEO, role: 'attendee' }).catch((e: unknown) => e);

    expect(isDoormanError(error, 'GRAPH.FORBIDDEN')).toBe(true);
    const forbidden = error as GraphForbiddenError;
    expect(forbidden.requirement.permission).toBe('OnlineMeetings.ReadWrite.All');
    expect(forbidden.requirement.policy).toBe('teamsApplicationAccessPolicy');
    expect(forbidden.message).toContain('svc-doorman');
  });

  test('404 (the meeting is gone) → PermanentError on set; remove and participantsOf find nobody', async () => {
    const { port } = participants();
    const gone = { error: { code: 'NotFound', message: 'meeting not found' } };
    nock(GRAPH).get(MEETING_PATH).times(3).reply(404, gone);

    const error = await port.setParticipant(MEETING_ID, ORGANIZER, { person: CLEO, role: 'attendee' }).catch((e: unknown) => e);
    await port.removeParticipant(MEETING_ID, ORGANIZER, CLEO);
    const listed = await port.participantsOf(MEETING_ID, ORGANIZER);

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('no longer exists');
    expect(listed).toEqual([]);
  });

  test('429 with Retry-After on the PATCH → GraphUnavailableError, throttled, retryAfterMs from the header', async () => {
    const { port } = participants();
    nock(GRAPH)
      .get(MEETING_PATH)
      .reply(200, meetingResponse([]))
      .patch(MEETING_PATH)
      .reply(429, { error: { code: 'TooManyRequests', message: 'Too many requests' } }, { 'Retry-After': '7' });

    const error = await port.setParticipant(MEETING_ID, ORGANIZER, { person: CLEO, role: 'attendee' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect((error as RetryableError).retryAfterMs).toBe(7000);
    expect((error as RetryableError).throttled).toBe(true);
    expect((error as GraphUnavailableError).code).toBe('GRAPH.THROTTLED');
  });
});

describe('calendar-event mode', () => {
  const user = { id: 'colleague-cleo', displayName: 'Cleo Colleague', mail: 'cleo@contoso.example', userPrincipalName: 'cleo@contoso.example' };
  const agent = { emailAddress: { address: 'anna@contoso.example', name: 'Anna Agent' }, type: 'required', status: { response: 'none', time: '0001-01-01T00:00:00Z' } };

  test('supportsRoles is false; an attendee is added to the event attendees (full list, User.Read.All for the address)', async () => {
    const { port } = participants('calendarEvent');
    let patched: Record<string, unknown> = {};
    nock(GRAPH)
      .get('/v1.0/users/colleague-cleo')
      .query({ $select: 'id,displayName,mail,userPrincipalName' })
      .reply(200, user)
      .get(EVENT_PATH)
      .query({ $select: 'attendees' })
      .reply(200, { id: EVENT, attendees: [agent] })
      .patch(EVENT_PATH, (body) => ((patched = body), true))
      .reply(200, { id: EVENT });

    await port.setParticipant(EVENT_ID, ORGANIZER, { person: CLEO, role: 'attendee' });

    expect(port.supportsRoles).toBe(false);
    expect(patched).toEqual({ attendees: [agent, { emailAddress: { address: 'cleo@contoso.example', name: 'Cleo Colleague' }, type: 'required' }] });
  });

  test('an attendee already invited → no PATCH', async () => {
    const { port } = participants('calendarEvent');
    nock(GRAPH)
      .get('/v1.0/users/colleague-cleo')
      .query(true)
      .reply(200, user)
      .get(EVENT_PATH)
      .query(true)
      .reply(200, { id: EVENT, attendees: [agent, { emailAddress: { address: 'Cleo@Contoso.example', name: 'Cleo' }, type: 'required' }] });

    await port.setParticipant(EVENT_ID, ORGANIZER, { person: CLEO, role: 'attendee' });
  });

  test('presenter or co-organizer → PermanentError saying what cannot be done, with no Graph call', async () => {
    const { port } = participants('calendarEvent');

    const error = await port.setParticipant(EVENT_ID, ORGANIZER, { person: CLEO, role: 'coorganizer' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('cannot give the Teams role coorganizer');
    expect((error as Error).message).toContain('GRAPH_MEETING_MODE=onlineMeeting');
  });

  test('removeParticipant PATCHes the attendees without them; participantsOf resolves addresses to people', async () => {
    const { port } = participants('calendarEvent');
    const cleo = { emailAddress: { address: 'cleo@contoso.example', name: 'Cleo' }, type: 'required' };
    let patched: Record<string, unknown> = {};
    nock(GRAPH)
      .get(EVENT_PATH)
      .query(true)
      .reply(200, { id: EVENT, attendees: [agent, cleo] })
      .get(`/v1.0/users/${encodeURIComponent('anna@contoso.example')}`)
      .query(true)
      .reply(200, { id: 'agent-anna', displayName: 'Anna Agent' })
      .get(`/v1.0/users/${encodeURIComponent('cleo@contoso.example')}`)
      .query(true)
      .reply(200, user)
      .get(EVENT_PATH)
      .query(true)
      .reply(200, { id: EVENT, attendees: [agent, cleo] })
      .get('/v1.0/users/colleague-cleo')
      .query(true)
      .reply(200, user)
      .patch(EVENT_PATH, (body) => ((patched = body), true))
      .reply(200, { id: EVENT });

    const listed = await port.participantsOf(EVENT_ID, ORGANIZER);
    await port.removeParticipant(EVENT_ID, ORGANIZER, CLEO);

    expect(listed).toEqual([
      { person: { aadObjectId: 'agent-anna', name: 'Anna Agent' }, role: 'attendee' },
      { person: { aadObjectId: 'colleague-cleo', name: 'Cleo Colleague' }, role: 'attendee' },
    ]);
    expect(patched).toEqual({ attendees: [agent] });
  });

  test('403 on the event → GRAPH.FORBIDDEN naming Calendars.ReadWrite', async () => {
    const { port } = participants('calendarEvent');
    nock(GRAPH)
      .get('/v1.0/users/colleague-cleo')
      .query(true)
      .reply(200, user)
      .get(EVENT_PATH)
      .query(true)
      .reply(403, { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } });

    const error = (await port.setParticipant(EVENT_ID, ORGANIZER, { person: CLEO, role: 'attendee' }).catch((e: unknown) => e)) as GraphForbiddenError;

    expect(error).toBeInstanceOf(GraphForbiddenError);
    expect(error.requirement.permission).toBe('Calendars.ReadWrite');
  });
});

describe('meetingParticipantsFor', () => {
  const graphSettings = {
    tenantId: 't',
    clientId: 'c',
    credential: { kind: 'secret' as const, secret: 's' },
    meetingMode: 'calendarEvent' as const,
    organizer: 'agent',
    baseUrl: `${GRAPH}/v1.0`,
    authorityHost: null,
  };

  test('Graph participants when MEETINGS=graph (supportsRoles from GRAPH_MEETING_MODE), none otherwise', () => {
    const graph = { client: nockedGraphClient() };

    const chosen = meetingParticipantsFor({ meetings: 'graph', graph: graphSettings }, graph, clock, recordingLogger());

    expect(chosen).toBeInstanceOf(GraphMeetingParticipants);
    expect(chosen?.supportsRoles).toBe(false);
    expect(meetingParticipantsFor({ meetings: 'local', graph: graphSettings }, graph, clock, recordingLogger())).toBeNull();
    expect(meetingParticipantsFor({ meetings: 'graph', graph: null }, null, clock, recordingLogger())).toBeNull();
  });
});
