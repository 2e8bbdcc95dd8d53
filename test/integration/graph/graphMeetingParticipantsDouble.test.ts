import { GraphForbiddenError, createGraphClient } from '../../../src/adapters/graph/graphClient';
import { GraphMeetingParticipants } from '../../../src/adapters/graph/graphMeetingParticipants';
import { GraphMeetingProvider } from '../../../src/adapters/graph/graphMeetingProvider';
import { PermanentError } from '../../../src/application/ports';
import { FakeClock } from '../../support/fakeClock';
import { GraphDouble, startGraphDouble } from '../../support/graphDouble';
import { aSessionRequest } from '../../support/sessionBuilder';
import { PEOPLE, startTestDoorman } from '../../support/testDoorman';

// The real credential and Graph client against the stateful double: a meeting made by GraphMeetingProvider, then
// colleagues added, re-roled and removed through GraphMeetingParticipants. The network is sealed.

const ANNA = { aadObjectId: 'agent-anna', name: 'Anna Agent' };
const CLEO = { aadObjectId: 'colleague-cleo', name: 'Cleo Colleague' };
const SERVICE = { aadObjectId: 'svc-doorman', name: 'Doorman' };
const clock = new FakeClock('2030-03-04T09:00:00.000Z');
let double: GraphDouble;

beforeEach(async () => {
  double = await startGraphDouble();
  double.addUser({ id: 'agent-anna', userPrincipalName: 'anna@contoso.example', displayName: 'Anna Agent' });
  double.addUser({ id: 'colleague-cleo', userPrincipalName: 'cleo@contoso.example', displayName: 'Cleo Colleague' });
  double.addUser({ id: 'svc-doorman', userPrincipalName: 'doorman@contoso.example', displayName: 'Doorman' });
});

afterEach(async () => {
  await double.close();
});

async function aMeeting(meetingMode: 'onlineMeeting' | 'calendarEvent' = 'onlineMeeting') {
  // A service account organizes, so the agent is already an attendee (a co-organizer) the changes must keep.
  const graphConfig = double.graphConfig({ meetingMode, organizer: 'svc-doorman' });
  const graph = createGraphClient(graphConfig, { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions });
  const details = await new GraphMeetingProvider(graph.client, graphConfig, clock).createMeeting(aSessionRequest({ createdBy: ANNA }), 'session-p-1');
  if (!details.meetingId) throw new Error('the provider returned no meeting id');
  return { graph, meetingId: details.meetingId, participants: new GraphMeetingParticipants(graph.client, graphConfig, clock) };
}

function storedAttendees(): { identity: { user: { id: string } }; role: string }[] {
  const [meeting] = [...double.meetings.values()];
  return (meeting.resource.participants as { attendees: { identity: { user: { id: string } }; role: string }[] }).attendees;
}

describe('online meetings', () => {
  test('add as presenter, change to co-organizer, remove: the double stores the roles and the agent keeps hers', async () => {
    const { meetingId, participants } = await aMeeting();

    await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'presenter' });
    expect(storedAttendees().map((a) => [a.identity.user.id, a.role])).toEqual([['agent-anna', 'coorganizer'], ['colleague-cleo', 'presenter']]);

    await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'coorganizer' });
    expect(await participants.participantsOf(meetingId, SERVICE)).toEqual([
      { person: { aadObjectId: 'agent-anna', name: 'agent-anna' }, role: 'coorganizer' },
      { person: { aadObjectId: 'colleague-cleo', name: 'colleague-cleo' }, role: 'coorganizer' },
    ]);

    await participants.removeParticipant(meetingId, SERVICE, CLEO);
    expect(storedAttendees().map((a) => [a.identity.user.id, a.role])).toEqual([['agent-anna', 'coorganizer']]);
  });

  test('the same setParticipant twice PATCHes once', async () => {
    const { meetingId, participants } = await aMeeting();
    const patchesBefore = double.requests.filter((r) => r.method === 'PATCH').length;

    await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'attendee' });
    await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'attendee' });

    expect(double.requests.filter((r) => r.method === 'PATCH').length - patchesBefore).toBe(1);
  });

  test('the double handles coorganizer as Graph does: unknownFutureValue without Prefer, 400 on a write without it', async () => {
    const { graph, meetingId, participants } = await aMeeting();
    await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'coorganizer' });
    const path = `/users/svc-doorman/onlineMeetings/${encodeURIComponent(meetingId.split(':').slice(2).join(':'))}`;

    const plain = (await graph.client.api(path).get()) as { participants: { attendees: { role: string }[] } };
    const refused = await graph.client
      .api(path)
      .patch({ participants: { attendees: [{ identity: { user: { id: 'colleague-cleo' } }, role: 'coorganizer' }] } })
      .catch((e: unknown) => e as { statusCode: number });

    expect(plain.participants.attendees.map((a) => a.role)).toEqual(['unknownFutureValue', 'unknownFutureValue']);
    expect((refused as { statusCode: number }).statusCode).toBe(400);
    expect(storedAttendees().map((a) => a.role)).toEqual(['coorganizer', 'coorganizer']);
  });

  test('outside the application access policy → GRAPH.FORBIDDEN naming the policy; nothing stored', async () => {
    const { meetingId, participants } = await aMeeting();
    double.setMeetingPolicy(['someone-else']);

    const error = (await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'attendee' }).catch((e: unknown) => e)) as GraphForbiddenError;

    expect(error).toBeInstanceOf(GraphForbiddenError);
    expect(error.requirement.policy).toBe('teamsApplicationAccessPolicy');
    expect(error.graphCode).toBe('Unauthorized');
    expect(storedAttendees()).toHaveLength(1);
  });

  test('OnlineMeetings.Read.All only: the list reads, a change is GRAPH.FORBIDDEN naming OnlineMeetings.ReadWrite.All', async () => {
    const { meetingId, participants } = await aMeeting();
    double.setRoles(['OnlineMeetings.Read.All', 'User.Read.All']);
    const readOnly = new GraphMeetingParticipants(
      createGraphClient(double.graphConfig(), { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions }).client,
      { meetingMode: 'onlineMeeting' },
      clock,
    );

    const listed = await readOnly.participantsOf(meetingId, SERVICE);
    const error = (await readOnly.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'presenter' }).catch((e: unknown) => e)) as GraphForbiddenError;

    expect(listed.map((p) => p.role)).toEqual(['coorganizer']);
    expect(error).toBeInstanceOf(GraphForbiddenError);
    expect(error.requirement.permission).toBe('OnlineMeetings.ReadWrite.All');
    expect(participants.supportsRoles).toBe(true);
  });

  test('the meeting was deleted (session closed) → PermanentError; remove is a no-op', async () => {
    const { meetingId, participants } = await aMeeting();
    double.meetings.clear();

    const error = await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'attendee' }).catch((e: unknown) => e);
    await participants.removeParticipant(meetingId, SERVICE, CLEO);

    expect(error).toBeInstanceOf(PermanentError);
  });

  test('429 with Retry-After → throttled, retried later, nothing half-done', async () => {
    const { meetingId, participants } = await aMeeting();
    double.failNext(1, { status: 429, retryAfter: '12' }, { method: 'PATCH' });

    const error = (await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'presenter' }).catch((e: unknown) => e)) as { retryAfterMs: number; throttled: boolean };
    await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'presenter' });

    expect(error.retryAfterMs).toBe(12_000);
    expect(error.throttled).toBe(true);
    expect(storedAttendees().map((a) => a.role)).toEqual(['coorganizer', 'presenter']);
  });
});

describe('calendar-event meetings', () => {
  test('a colleague is invited as an event attendee and removed again; roles are refused', async () => {
    const { meetingId, participants } = await aMeeting('calendarEvent');

    await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'attendee' });
    const [event] = [...double.events.values()];
    const invited = (event.resource.attendees as { emailAddress: { address: string } }[]).map((a) => a.emailAddress.address);
    const listed = await participants.participantsOf(meetingId, SERVICE);
    const refused = await participants.setParticipant(meetingId, SERVICE, { person: CLEO, role: 'presenter' }).catch((e: unknown) => e);
    await participants.removeParticipant(meetingId, SERVICE, CLEO);

    expect(participants.supportsRoles).toBe(false);
    expect(invited).toEqual(['anna@contoso.example', 'cleo@contoso.example']);
    expect(listed.map((p) => [p.person.aadObjectId, p.role])).toEqual([['agent-anna', 'attendee'], ['colleague-cleo', 'attendee']]);
    expect(refused).toBeInstanceOf(PermanentError);
    expect((event.resource.attendees as unknown[]).length).toBe(1);
  });
});

describe('the running Doorman (composition root)', () => {
  async function startWith(env: Record<string, string>) {
    return startTestDoorman({
      graphConnection: { credentialOptions: double.credentialOptions, fetchOptions: double.fetchOptions },
      env: {
        ...double.graphEnv(),
        ...env,
      },
    });
  }

  test('MEETINGS=graph: Graph participants, wired to the same Graph as the meetings', async () => {
    const { meetingId } = await aMeeting();
    const t = await startWith({ MEETINGS: 'graph' });
    try {
      const participants = t.doorman.graphParticipants;
      await participants?.setParticipant(meetingId, SERVICE, { person: PEOPLE.bea, role: 'presenter' });

      expect(participants?.supportsRoles).toBe(true);
      expect(storedAttendees().map((a) => [a.identity.user.id, a.role])).toEqual([['agent-anna', 'coorganizer'], [PEOPLE.bea.aadObjectId, 'presenter']]);
    } finally {
      await t.stop();
    }
  });

  test('GRAPH_MEETING_MODE=calendarEvent: supportsRoles false; MEETINGS=local: none from Graph', async () => {
    const events = await startWith({ MEETINGS: 'graph', GRAPH_MEETING_MODE: 'calendarEvent' });
    await events.stop();
    const local = await startWith({ MEETINGS: 'local' });
    await local.stop();

    expect(events.doorman.graphParticipants?.supportsRoles).toBe(false);
    expect(local.doorman.graphParticipants).toBeNull();
  });
});
