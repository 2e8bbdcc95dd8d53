import nock from 'nock';
import { GraphForbiddenError, GraphUnavailableError } from '../../../src/adapters/graph/graphClient';
import {
  GraphMeetingProvider,
  parseMeetingId,
  transactionIdFor,
} from '../../../src/adapters/graph/graphMeetingProvider';
import { RetryableError } from '../../../src/application/ports';
import { isDoormanError } from '../../../src/domain/errors';
import { FakeClock } from '../../support/fakeClock';
import { aSessionRequest } from '../../support/sessionBuilder';
import { GRAPH, nockedGraphClient, recordingLogger } from './graphTestKit';

// Response bodies are trimmed copies of the examples on Microsoft Learn ("onlineMeeting: createOrGet",
// "Update onlineMeeting", "Create event"); ids are made up, the shapes are Graph's.
const MEETING_ID = 'MSpkYzE3Njc0Yy04MWQ5LTRhZGItYmZi_19:meeting_M2IzYzczNTItYmY3OC00MDlm@thread.v2';
const JOIN_URL = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_M2IzYzczNTItYmY3OC00MDlm%40thread.v2/0?context=x';

function onlineMeetingResponse(overrides: Record<string, unknown> = {}) {
  return {
    id: MEETING_ID,
    creationDateTime: '2030-03-04T09:00:01.1909168Z',
    startDateTime: '2030-03-04T09:00:00Z',
    endDateTime: '2030-03-04T09:30:00Z',
    joinWebUrl: JOIN_URL,
    subject: 'Support session: Chris Customer',
    externalId: 'session-x-1',
    participants: { organizer: { upn: 'anna@contoso.example', role: 'presenter', identity: { user: { id: 'agent-anna' } } }, attendees: [] },
    lobbyBypassSettings: { scope: 'organization', isDialInBypassEnabled: false },
    allowedPresenters: 'everyone',
    isEntryExitAnnounced: true,
    ...overrides,
  };
}

const clock = new FakeClock('2030-03-04T09:00:00.000Z');

function provider(settings: Partial<ConstructorParameters<typeof GraphMeetingProvider>[1]> = {}) {
  const logger = recordingLogger();
  return {
    logger,
    meetings: new GraphMeetingProvider(nockedGraphClient(), { meetingMode: 'onlineMeeting', organizer: 'agent', ...settings }, clock, logger),
  };
}

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe('onlineMeeting mode, the agent organizes', () => {
  test('createOrGet 201 then PATCH: externalId, subject, times from now (+30 min), lobby for the organizer only', async () => {
    const { meetings, logger } = provider();
    const request = aSessionRequest({ id: 'session-x', recipient: { name: 'Chris Customer', email: 'chris@example.com' } });
    let created: Record<string, unknown> = {};
    let patched: Record<string, unknown> = {};
    let preferOnPatch: string | undefined;
    nock(GRAPH)
      .post('/v1.0/users/agent-anna/onlineMeetings/createOrGet', (body) => ((created = body), true))
      .matchHeader('authorization', 'Bearer test-access-token')
      .reply(201, onlineMeetingResponse())
      .patch(`/v1.0/users/agent-anna/onlineMeetings/${encodeURIComponent(MEETING_ID)}`, (body) => ((patched = body), true))
      .reply(function () {
        preferOnPatch = this.req.headers.prefer as string | undefined;
        return [200, onlineMeetingResponse({ lobbyBypassSettings: { scope: 'organizer', isDialInBypassEnabled: false } })];
      });

    const details = await meetings.createMeeting(request, 'session-x-1');

    expect(created).toEqual({
      externalId: 'session-x-1',
      subject: 'Support session: Chris Customer',
      startDateTime: '2030-03-04T09:00:00.000Z',
      endDateTime: '2030-03-04T09:30:00.000Z',
      participants: { attendees: [] },
    });
    expect(patched).toEqual({
      lobbyBypassSettings: { scope: 'organizer', isDialInBypassEnabled: false },
      allowedPresenters: 'roleIsPresenter',
      allowMeetingChat: 'limited',
      isEntryExitAnnounced: true,
      participants: { attendees: [] },
    });
    expect(preferOnPatch).toBe('include-unknown-enum-members');
    expect(details).toEqual({ provider: 'teams', meetingId: `onlineMeeting:agent-anna:${MEETING_ID}`, joinUrl: JOIN_URL });
    expect(JSON.stringify(logger.lines)).not.toContain('meetup-join');
  });

  test('createOrGet 200 (the meeting already exists: a retry) still PATCHes and returns the same meeting', async () => {
    const { meetings } = provider();
    nock(GRAPH)
      .post('/v1.0/users/agent-anna/onlineMeetings/createOrGet')
      .reply(200, onlineMeetingResponse())
      .patch(`/v1.0/users/agent-anna/onlineMeetings/${encodeURIComponent(MEETING_ID)}`)
      .reply(200, onlineMeetingResponse());

    const details = await meetings.createMeeting(aSessionRequest({ id: 'session-x' }), 'session-x-1');

    expect(details.meetingId).toBe(`onlineMeeting:agent-anna:${MEETING_ID}`);
  });

  test('a scheduled session books its scheduled start; the assignee, not the creator, organizes', async () => {
    const { meetings } = provider();
    const request = aSessionRequest({
      assignee: { aadObjectId: 'agent-bert', name: 'Bert Agent' },
      scheduledFor: new Date('2030-03-05T14:00:00.000Z'),
      expiresAt: new Date('2030-03-05T18:00:00.000Z'),
    });
    let created: Record<string, unknown> = {};
    nock(GRAPH)
      .post('/v1.0/users/agent-bert/onlineMeetings/createOrGet', (body) => ((created = body), true))
      .reply(201, onlineMeetingResponse())
      .patch(/\/v1\.0\/users\/agent-bert\/onlineMeetings\/.+/)
      .reply(200, onlineMeetingResponse());

    await meetings.createMeeting(request, `${request.id}-1`);

    expect(created.startDateTime).toBe('2030-03-05T14:00:00.000Z');
    expect(created.endDateTime).toBe('2030-03-05T14:30:00.000Z');
  });
});

describe('onlineMeeting mode, a service account organizes', () => {
  test('the agent joins as co-organizer, the lobby admits invited people only, the customer is never a participant', async () => {
    const { meetings } = provider({ organizer: 'svc-doorman' });
    const request = aSessionRequest({ createdBy: { aadObjectId: 'agent-anna', name: 'Anna Agent' } });
    let created: Record<string, unknown> = {};
    let patched: Record<string, unknown> = {};
    nock(GRAPH)
      .post('/v1.0/users/svc-doorman/onlineMeetings/createOrGet', (body) => ((created = body), true))
      .reply(201, onlineMeetingResponse())
      .patch(`/v1.0/users/svc-doorman/onlineMeetings/${encodeURIComponent(MEETING_ID)}`, (body) => ((patched = body), true))
      .reply(200, onlineMeetingResponse());

    const details = await meetings.createMeeting(request, `${request.id}-1`);

    const agentAsCoorganizer = [{ identity: { user: { id: 'agent-anna' } }, role: 'coorganizer' }];
    expect(created.participants).toEqual({ attendees: agentAsCoorganizer });
    expect(patched.lobbyBypassSettings).toEqual({ scope: 'invited', isDialInBypassEnabled: false });
    expect(patched.participants).toEqual({ attendees: agentAsCoorganizer });
    expect(JSON.stringify(created)).not.toContain('chris@example.com');
    expect(details.meetingId).toBe(`onlineMeeting:svc-doorman:${MEETING_ID}`);
  });

  test('a UPN organizer is resolved to its object id once (onlineMeetings wants the object id)', async () => {
    const { meetings } = provider({ organizer: 'doorman@contoso.example' });
    nock(GRAPH)
      .get('/v1.0/users/doorman%40contoso.example')
      .query({ $select: 'id' })
      .once()
      .reply(200, { id: 'svc-id' })
      .post('/v1.0/users/svc-id/onlineMeetings/createOrGet')
      .twice()
      .reply(201, onlineMeetingResponse())
      .patch(/\/v1\.0\/users\/svc-id\/onlineMeetings\/.+/)
      .twice()
      .reply(200, onlineMeetingResponse());

    await meetings.createMeeting(aSessionRequest(), 'a-1');
    const second = await meetings.createMeeting(aSessionRequest(), 'b-1');

    expect(second.meetingId).toBe(`onlineMeeting:svc-id:${MEETING_ID}`);
  });
});

describe('deleting and the lobby bypass', () => {
  test('DELETE the online meeting (204); 404 means it is already gone', async () => {
    const { meetings } = provider();
    nock(GRAPH)
      .delete(`/v1.0/users/agent-anna/onlineMeetings/${encodeURIComponent(MEETING_ID)}`)
      .reply(204)
      .delete(`/v1.0/users/agent-anna/onlineMeetings/${encodeURIComponent(MEETING_ID)}`)
      .reply(404, { error: { code: 'NotFound', message: 'meeting not found' } });
    const anna = { aadObjectId: 'agent-anna', name: 'Anna' };

    await meetings.deleteMeeting(`onlineMeeting:agent-anna:${MEETING_ID}`, anna);
    await expect(meetings.deleteMeeting(`onlineMeeting:agent-anna:${MEETING_ID}`, anna)).resolves.toBeUndefined();
  });

  test('setLobbyBypass opens to everyone and closes back to the organizer', async () => {
    const { meetings } = provider();
    const scopes: unknown[] = [];
    nock(GRAPH)
      .patch(`/v1.0/users/agent-anna/onlineMeetings/${encodeURIComponent(MEETING_ID)}`, (body) => (scopes.push(body), true))
      .twice()
      .reply(200, onlineMeetingResponse());

    await expect(meetings.setLobbyBypass(`onlineMeeting:agent-anna:${MEETING_ID}`, true)).resolves.toBe('applied');
    await meetings.setLobbyBypass(`onlineMeeting:agent-anna:${MEETING_ID}`, false);

    expect(scopes).toEqual([
      { lobbyBypassSettings: { scope: 'everyone', isDialInBypassEnabled: false } },
      { lobbyBypassSettings: { scope: 'organizer', isDialInBypassEnabled: false } },
    ]);
  });

  test('meeting ids keep the colons of the online meeting id', () => {
    expect(parseMeetingId(`onlineMeeting:org-1:${MEETING_ID}`, 'x')).toEqual({ kind: 'onlineMeeting', organizer: 'org-1', id: MEETING_ID });
    expect(parseMeetingId('event:org-1:AAMkAGI1AAAt9AHjAAA=', 'x')).toEqual({ kind: 'event', organizer: 'org-1', id: 'AAMkAGI1AAAt9AHjAAA=' });
  });
});

describe('calendarEvent mode', () => {
  const EVENT_ID = 'AAMkAGI1AAAt9AHjAAA=';

  test('POST events: Teams link, transactionId from the externalId, UTC times, no customer attendee', async () => {
    const { meetings } = provider({ meetingMode: 'calendarEvent' });
    let created: Record<string, unknown> = {};
    nock(GRAPH)
      .post('/v1.0/users/agent-anna/events', (body) => ((created = body), true))
      .reply(201, {
        id: EVENT_ID,
        subject: 'Support session: Chris Customer',
        isOnlineMeeting: true,
        onlineMeetingProvider: 'teamsForBusiness',
        onlineMeeting: { joinUrl: JOIN_URL },
      });

    const details = await meetings.createMeeting(aSessionRequest({ id: 'session-e' }), 'session-e-1');

    expect(created).toEqual({
      subject: 'Support session: Chris Customer',
      start: { dateTime: '2030-03-04T09:00:00.000', timeZone: 'UTC' },
      end: { dateTime: '2030-03-04T09:30:00.000', timeZone: 'UTC' },
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      transactionId: transactionIdFor('session-e-1'),
      allowNewTimeProposals: false,
      attendees: [],
    });
    expect(transactionIdFor('session-e-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(transactionIdFor('session-e-1')).toBe(transactionIdFor('session-e-1'));
    expect(transactionIdFor('session-e-2')).not.toBe(transactionIdFor('session-e-1'));
    expect(details).toEqual({ provider: 'teams', meetingId: `event:agent-anna:${EVENT_ID}`, joinUrl: JOIN_URL });
  });

  test('a service account organizes: the agent is the only attendee (by mail address)', async () => {
    const { meetings } = provider({ meetingMode: 'calendarEvent', organizer: 'svc-doorman' });
    let created: Record<string, unknown> = {};
    nock(GRAPH)
      .get('/v1.0/users/agent-anna')
      .query({ $select: 'id,mail,userPrincipalName' })
      .reply(200, { id: 'agent-anna', mail: 'anna@contoso.example', userPrincipalName: 'anna@contoso.example' })
      .post('/v1.0/users/svc-doorman/events', (body) => ((created = body), true))
      .reply(201, { id: EVENT_ID, onlineMeeting: { joinUrl: JOIN_URL } });

    await meetings.createMeeting(aSessionRequest(), 'x-1');

    expect(created.attendees).toEqual([{ emailAddress: { address: 'anna@contoso.example', name: 'Anna Agent' }, type: 'required' }]);
  });

  test('when Exchange has not attached the Teams link yet, the event is read once more', async () => {
    const { meetings } = provider({ meetingMode: 'calendarEvent' });
    nock(GRAPH)
      .post('/v1.0/users/agent-anna/events')
      .reply(201, { id: EVENT_ID, onlineMeeting: null })
      .get(`/v1.0/users/agent-anna/events/${encodeURIComponent(EVENT_ID)}`)
      .query({ $select: 'id,onlineMeeting' })
      .reply(200, { id: EVENT_ID, onlineMeeting: { joinUrl: JOIN_URL } });

    const details = await meetings.createMeeting(aSessionRequest(), 'x-1');

    expect(details.joinUrl).toBe(JOIN_URL);
  });

  test('DELETE the event; 404 is fine; the lobby bypass is not available for event meetings', async () => {
    const { meetings } = provider({ meetingMode: 'calendarEvent' });
    nock(GRAPH)
      .delete(`/v1.0/users/agent-anna/events/${encodeURIComponent(EVENT_ID)}`)
      .reply(204)
      .delete(`/v1.0/users/agent-anna/events/${encodeURIComponent(EVENT_ID)}`)
      .reply(404, { error: { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' } });
    const anna = { aadObjectId: 'agent-anna', name: 'Anna' };

    await meetings.deleteMeeting(`event:agent-anna:${EVENT_ID}`, anna);
    await meetings.deleteMeeting(`event:agent-anna:${EVENT_ID}`, anna);
    await expect(meetings.setLobbyBypass(`event:agent-anna:${EVENT_ID}`, true)).resolves.toBe('unsupported');
  });
});

describe('failures', () => {
  test('403 on createOrGet → GRAPH.FORBIDDEN naming OnlineMeetings.ReadWrite.All and the application access policy', async () => {
    const { meetings } = provider();
    nock(GRAPH)
      .post('/v1.0/users/agent-anna/onlineMeetings/createOrGet')
      .reply(403, {
        error: {
          code: 'Forbidden',
          message: 'App 9999 is not authorized to Create meeting on behalf of user agent-anna',
          innerError: { date: '2030-03-04T09:00:00', 'request-id': 'r-1' },
        },
      });

    const error = await meetings.createMeeting(aSessionRequest(), 'x-1').catch((e: unknown) => e);

    expect(isDoormanError(error, 'GRAPH.FORBIDDEN')).toBe(true);
    expect(error).toBeInstanceOf(GraphForbiddenError);
    const forbidden = error as GraphForbiddenError;
    expect(forbidden.requirement.permission).toBe('OnlineMeetings.ReadWrite.All');
    expect(forbidden.requirement.policy).toBe('teamsApplicationAccessPolicy');
    expect(forbidden.graphCode).toBe('Forbidden');
    expect(forbidden.message).toContain('Grant-CsApplicationAccessPolicy');
    expect(forbidden.message).toContain('agent-anna');
  });

  test('403 on events → GRAPH.FORBIDDEN naming Calendars.ReadWrite', async () => {
    const { meetings } = provider({ meetingMode: 'calendarEvent' });
    nock(GRAPH)
      .post('/v1.0/users/agent-anna/events')
      .reply(403, { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } });

    const error = (await meetings.createMeeting(aSessionRequest(), 'x-1').catch((e: unknown) => e)) as GraphForbiddenError;

    expect(error.code).toBe('GRAPH.FORBIDDEN');
    expect(error.requirement.permission).toBe('Calendars.ReadWrite');
    expect(error.graphCode).toBe('ErrorAccessDenied');
  });

  test('429 with Retry-After seconds → RetryableError with retryAfterMs', async () => {
    const { meetings } = provider();
    nock(GRAPH)
      .post('/v1.0/users/agent-anna/onlineMeetings/createOrGet')
      .reply(429, { error: { code: 'TooManyRequests', message: 'Too many requests' } }, { 'Retry-After': '7' });

    const error = await meetings.createMeeting(aSessionRequest(), 'x-1').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect((error as RetryableError).retryAfterMs).toBe(7000);
    expect((error as GraphUnavailableError).code).toBe('GRAPH.THROTTLED');
  });

  test('429 with an HTTP-date Retry-After is measured from the injected clock', async () => {
    const { meetings } = provider();
    nock(GRAPH)
      .post('/v1.0/users/agent-anna/onlineMeetings/createOrGet')
      .reply(429, { error: { code: 'TooManyRequests', message: '' } }, { 'Retry-After': 'Mon, 04 Mar 2030 09:01:30 GMT' });

    const error = (await meetings.createMeeting(aSessionRequest(), 'x-1').catch((e: unknown) => e)) as RetryableError;

    expect(error.retryAfterMs).toBe(90_000);
  });

  test('503 on the PATCH → RetryableError (the retry finds the meeting through createOrGet)', async () => {
    const { meetings } = provider();
    nock(GRAPH)
      .post('/v1.0/users/agent-anna/onlineMeetings/createOrGet')
      .reply(201, onlineMeetingResponse())
      .patch(/onlineMeetings\/.+/)
      .reply(503, { error: { code: 'ServiceUnavailable', message: 'try later' } });

    const error = (await meetings.createMeeting(aSessionRequest(), 'x-1').catch((e: unknown) => e)) as RetryableError;

    expect(error).toBeInstanceOf(RetryableError);
    expect(error.retryAfterMs).toBeNull();
  });

  test('400 is not retried: DoormanError INTERNAL with the status and Graph code only', async () => {
    const { meetings } = provider();
    nock(GRAPH)
      .post('/v1.0/users/agent-anna/onlineMeetings/createOrGet')
      .reply(400, { error: { code: 'BadRequest', message: 'externalId is required' } });

    const error = await meetings.createMeeting(aSessionRequest(), 'x-1').catch((e: unknown) => e);

    expect(isDoormanError(error, 'INTERNAL')).toBe(true);
    expect(error).not.toBeInstanceOf(RetryableError);
    expect((error as Error).message).toContain('HTTP 400 BadRequest');
  });
});
