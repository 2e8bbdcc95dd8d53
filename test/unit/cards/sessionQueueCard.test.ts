import { sessionQueueCard } from '../../../src/adapters/teams/session/sessionQueueCard';
import { SESSION_STATES, SessionState } from '../../../src/domain/session';
import { requestIn, sessionCardView } from '../../support/cardFixtures';
import { actionIds, executeActions, getById, validateCard } from '../../support/validateCard';

const render = (state: SessionState, overrides = {}) => sessionQueueCard(sessionCardView(requestIn(state, overrides)));

describe('sessionQueueCard', () => {
  it.each(SESSION_STATES)('is a valid 1.5 card in %s', (state) => {
    validateCard(render(state));
  });

  it.each([
    // Issue 9, defect 6: "Take it" was offered to the person who already had the request.
    ['open', ['close', 'assignMenu']],
    ['waiting', ['deny', 'close', 'rebind', 'assignMenu']],
    ['ready', ['admit', 'deny', 'rebind', 'assignMenu']],
    ['connected', ['close', 'assignMenu']],
    ['closed', []],
    ['expired', []],
  ] as const)('offers in %s (assigned): %j', (state, ids) => {
    expect(actionIds(render(state))).toEqual(ids);
  });

  it('puts "Take it" first while nobody has the request', () => {
    expect(actionIds(render('open', { assignee: null }))).toEqual(['takeIt', 'close']);
    expect(actionIds(render('ready', { assignee: null }))).toEqual(['takeIt', 'admit', 'deny', 'rebind']);
  });

  it('never offers "Take it" once someone has the request, whoever looks at the shared card; Assign… hands it on', () => {
    for (const state of SESSION_STATES) {
      const card = render(state);
      expect(JSON.stringify(card)).not.toContain('"takeIt"');
    }
    const card = render('waiting');
    const menu = getById(card, 'assignMenu') as { card: unknown };
    expect(getById(menu.card, 'assignTo')).toMatchObject({ type: 'Input.ChoiceSet' });
    expect(getById(menu.card, 'assign')).toMatchObject({ verb: 'session.assign' });
  });

  it('never offers Reopen: the new link may only appear on the agent card', () => {
    for (const state of SESSION_STATES) expect(actionIds(render(state))).not.toContain('reopen');
  });

  it('takes a request with one click: session.assign to me', () => {
    const request = requestIn('waiting', { version: 9, assignee: null });
    expect(getById(sessionQueueCard(sessionCardView(request)), 'takeIt')).toEqual({
      type: 'Action.Execute',
      id: 'takeIt',
      title: 'Take it',
      verb: 'session.assign',
      data: { requestId: request.id, version: 9, assignTo: 'me' },
    });
  });

  it('sends every other action with the request pointer only', () => {
    for (const state of SESSION_STATES) {
      const request = requestIn(state);
      for (const action of executeActions(sessionQueueCard(sessionCardView(request)))) {
        if (action.id === 'takeIt') continue;
        expect(action.data).toEqual({ requestId: request.id, version: request.version });
      }
    }
  });

  it('shows the queue and the assignee', () => {
    const facts = getById(render('open', { assignee: null }), 'facts').facts as Array<{ title: string; value: string }>;
    expect(facts).toEqual(
      expect.arrayContaining([
        { title: 'Assignee', value: 'Unassigned' },
        { title: 'Queue', value: 'Tier 1' },
      ]),
    );
  });
});
