import { noticeText } from '../../../src/adapters/teams/cards/cardTexts';
import { sessionAgentCard } from '../../../src/adapters/teams/session/sessionAgentCard';
import { problemOf } from '../../../src/domain/errors';
import { SESSION_STATES, SessionMeeting, SessionState } from '../../../src/domain/session';
import {
  BEA,
  NOW,
  TEAMS_JOIN_URL,
  localMeeting,
  requestIn,
  sessionCardView,
  teamsMeeting,
} from '../../support/cardFixtures';
import { actionIds, elementAfter, executeActions, findById, getById, problemNoticeOf, validateCard } from '../../support/validateCard';

const render = (state: SessionState, overrides = {}) => sessionAgentCard(sessionCardView(requestIn(state, overrides)));

describe('sessionAgentCard', () => {
  it.each(SESSION_STATES)('is a valid 1.5 card in %s', (state) => {
    validateCard(render(state));
  });

  it.each([
    ['open', ['close', 'assignMenu']],
    ['waiting', ['deny', 'close', 'rebind', 'assignMenu']],
    ['ready', ['admit', 'deny', 'rebind', 'assignMenu']],
    ['connected', ['close', 'assignMenu']],
    ['closed', ['reopen']],
    ['expired', ['reopen']],
  ] as const)('offers in %s: %j', (state, ids) => {
    expect(actionIds(render(state))).toEqual(ids);
  });

  it('sends each decision with its verb and only the request pointer', () => {
    const verbs: Record<string, string> = {};
    for (const state of SESSION_STATES) {
      const request = requestIn(state, { version: 7 });
      for (const action of executeActions(sessionAgentCard(sessionCardView(request)))) {
        verbs[String(action.id)] = String(action.verb);
        expect(action.data).toEqual({ requestId: request.id, version: 7 });
      }
    }
    expect(verbs).toEqual({
      refresh: 'card.refresh',
      close: 'session.close',
      assign: 'session.assign',
      deny: 'session.deny',
      rebind: 'session.rebind',
      admit: 'session.admit',
      reopen: 'session.reopen',
    });
  });

  it('makes Admit positive and Deny destructive', () => {
    const card = render('ready');
    expect(getById(card, 'admit').style).toBe('positive');
    expect(getById(card, 'deny').style).toBe('destructive');
  });

  it('says "End session" when closing a connected session, "Cancel request" before', () => {
    expect(getById(render('connected'), 'close').title).toBe('End session');
    expect(getById(render('open'), 'close').title).toBe('Cancel request');
  });

  it('assigns through a menu of me, unassigned, and the agents searched as the agent types (no list on the card)', () => {
    const card = render('waiting');
    const menu = getById(card, 'assignMenu');
    expect(menu).toMatchObject({ type: 'Action.ShowCard', title: 'Assign…' });
    expect(getById(menu, 'assignTo')).toMatchObject({
      type: 'Input.ChoiceSet',
      value: 'me',
      style: 'filtered',
      choices: [
        { title: 'Me', value: 'me' },
        { title: 'Unassigned', value: 'unassigned' },
      ],
      'choices.data': { type: 'Data.Query', dataset: 'agents' },
    });
    expect(getById(menu, 'assign')).toMatchObject({ type: 'Action.Execute', verb: 'session.assign' });
  });

  it('refreshes itself with the read-only verb', () => {
    const request = requestIn('ready');
    expect(sessionAgentCard(sessionCardView(request)).refresh).toEqual({
      action: {
        type: 'Action.Execute',
        id: 'refresh',
        title: 'Refresh',
        verb: 'card.refresh',
        data: { requestId: request.id, version: request.version },
      },
    });
  });

  describe('Teams join link', () => {
    it.each(['ready', 'connected'] as const)('is a button below the meeting status in %s when the meeting is ready', (state) => {
      const card = render(state);
      expect(getById(card, 'joinMeeting')).toMatchObject({
        type: 'Action.OpenUrl',
        title: 'Join Teams meeting',
        url: TEAMS_JOIN_URL,
      });
      expect(getById(card, 'meetingActions').type).toBe('ActionSet');
      expect(elementAfter(card, 'facts')?.id).toBe('meetingActions');
    });

    it('is the primary button once the customer is connected', () => {
      expect(getById(render('connected'), 'joinMeeting').style).toBe('positive');
      expect(getById(render('ready'), 'joinMeeting').style).toBeUndefined();
    });

    it.each([
      ['preparing', teamsMeeting('preparing')],
      ['local', localMeeting()],
    ])('is absent while the meeting is %s', (_, meeting) => {
      const card = render('connected', { meeting });
      expect(findById(card, 'joinMeeting')).toBeUndefined();
      expect(JSON.stringify(card)).not.toContain('meetup-join');
    });

    it.each(['open', 'waiting', 'closed', 'expired'] as const)('is absent in %s even with a ready meeting', (state) => {
      const card = render(state, { meeting: teamsMeeting('ready') });
      expect(findById(card, 'joinMeeting')).toBeUndefined();
      expect(JSON.stringify(card)).not.toContain(TEAMS_JOIN_URL);
    });
  });

  describe('meeting status', () => {
    const meetingFact = (card: ReturnType<typeof render>) =>
      (getById(card, 'facts').facts as Array<{ title: string; value: string }>).find((fact) => fact.title === 'Meeting')?.value;

    // One fact per status the dispatcher sets: the Record fails to compile if a status is added or left unused.
    const TEAMS_MEETING_FACTS: Record<SessionMeeting['status'], string> = {
      preparing: 'Preparing meeting…',
      ready: 'Teams meeting ready',
    };

    it.each(Object.entries(TEAMS_MEETING_FACTS))('says when the Teams meeting is %s', (status, fact) => {
      expect(meetingFact(render('ready', { meeting: teamsMeeting(status as SessionMeeting['status']) }))).toBe(fact);
      expect(meetingFact(render('open'))).toBeUndefined();
    });

    it('says why, when Graph could not make the meeting and the local room is used instead', () => {
      // What the dispatcher records on GRAPH.FORBIDDEN: the local room, ready, with the problem.
      const fallback = render('ready', { meeting: { ...localMeeting(), problem: problemOf('GRAPH.FORBIDDEN') } });
      expect(meetingFact(fallback)).toBe('Teams meeting unavailable — using the local room');
      expect(problemNoticeOf(fallback, 'meetingProblem')).toEqual({ style: 'attention', symbol: '⚠', color: 'default', text: noticeText('GRAPH.FORBIDDEN') });
    });

    it('labels the local room as not a Teams meeting', () => {
      const card = render('connected', { meeting: localMeeting() });
      expect(getById(card, 'meetingNote').text).toBe(
        'Local meeting room (not a Teams meeting): the customer sees it on the portal after Admit.',
      );
      expect(meetingFact(card)).toBe('Local meeting room ready');
    });

    it('is gone once the session is over (close deletes the meeting)', () => {
      for (const state of ['closed', 'expired'] as const) {
        const card = render(state, { meeting: localMeeting() });
        expect(meetingFact(card)).toBeUndefined();
        expect(findById(card, 'meetingNote')).toBeUndefined();
      }
    });

    it('tells the agent whom to admit from the Teams lobby', () => {
      expect(getById(render('connected'), 'hint').text).toBe('In the Teams lobby, admit only “Chris (4821)”.');
    });
  });

  it('keeps reassignment possible for a connected session', () => {
    expect(actionIds(render('connected', { assignee: BEA }))).toContain('assignMenu');
  });

  it('leaves out the deadline once the customer is connected', () => {
    const facts = getById(render('connected'), 'facts').facts as Array<{ title: string }>;
    expect(facts.map((fact) => fact.title)).not.toContain('Deadline');
  });

  it('is rendered from the given clock', () => {
    const card = sessionAgentCard(sessionCardView(requestIn('open'), { now: new Date(NOW.getTime() + 60 * 60_000) }));
    const facts = getById(card, 'facts').facts as Array<{ title: string; value: string }>;
    expect(facts.find((fact) => fact.title === 'Deadline')?.value).toBe('Mon 4 Mar, 14:00 (in 2 h)');
  });
});
