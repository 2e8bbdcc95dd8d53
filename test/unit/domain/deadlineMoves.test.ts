import { ASSIST_DEADLINE_MOVES, ASSIST_TRANSITIONS, decideAssist } from '../../../src/domain/assist';
import { DecisionContext } from '../../../src/domain/audit';
import { INVITATION_DEADLINE_MOVES, InvitationParent, decideInvitation } from '../../../src/domain/invitation';
import { LOCKBOX_DEADLINE_MOVES } from '../../../src/domain/lockbox';
import { SESSION_DEADLINE_MOVES, SESSION_TRANSITIONS, SessionState, decideSession } from '../../../src/domain/session';
import { StateMove, stateMoveOf } from '../../../src/domain/stateMoves';
import { assistIn } from '../../support/assistCardFixtures';
import { invitationIn } from '../../support/invitationCardFixtures';
import { aSessionRequest } from '../../support/sessionBuilder';

const LATE = new Date('2100-01-01T00:00:00.000Z');
const SWEEPER: DecisionContext = { actor: { type: 'system', name: 'sweeper' }, now: LATE, source: 'timer' };
const PARENT: InvitationParent = { id: 'session-1', kind: 'session', connected: true, hostIds: ['alex'], summary: 'printer' };

/** What a decision changed besides the three fields a state move writes. */
function otherChanges(before: object, after: object): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const moved = ['state', 'version', 'updatedAt'];
  return [...keys].filter((key) => !moved.includes(key) && JSON.stringify((before as Record<string, unknown>)[key]) !== JSON.stringify((after as Record<string, unknown>)[key]));
}

/** The decision's outcome is the move: the move's state, one version on, the decision's time, nothing else. */
function expectOnlyTheMove(move: StateMove, before: { state: string; version: number }, after: { state: string; version: number; updatedAt: Date }): void {
  expect(move.fromStates).toContain(before.state);
  expect(after).toMatchObject({ state: move.toState, version: before.version + 1, updatedAt: LATE });
  expect(otherChanges(before, after)).toEqual([]);
}

describe('deadline state moves (what a sweeper may write set-wise)', () => {
  it('reads the legal states and the one target from the transition table', () => {
    expect(SESSION_DEADLINE_MOVES.expire).toEqual({ kind: 'session', action: 'expire', fromStates: ['open', 'waiting', 'ready'], toState: 'expired' });
    expect(ASSIST_DEADLINE_MOVES.expire).toEqual(stateMoveOf('assist', ASSIST_TRANSITIONS, 'expire'));
    expect(ASSIST_DEADLINE_MOVES.expire?.fromStates).toEqual(Object.keys(ASSIST_TRANSITIONS.expire.from));
    expect(INVITATION_DEADLINE_MOVES.expire).toEqual({ kind: 'invitation', action: 'expire', fromStates: ['pending'], toState: 'expired' });
    // A lockbox expiry also ends the reminder and escalation: not a move.
    expect(LOCKBOX_DEADLINE_MOVES).toEqual({});
  });

  it('refuses to call an action a move when its legal states lead to different states', () => {
    expect(() => stateMoveOf('session', SESSION_TRANSITIONS, 'arrive')).not.toThrow();
    expect(() => stateMoveOf('session', SESSION_TRANSITIONS, 'assign')).toThrow(/4 states/);
  });

  it.each(SESSION_DEADLINE_MOVES.expire!.fromStates)('a session expiring from %s changes nothing but the move', (state) => {
    const before = aSessionRequest({ state: state as SessionState, customerName: 'Chris', expiresAt: new Date('2030-01-01T00:00:00Z') });
    expectOnlyTheMove(SESSION_DEADLINE_MOVES.expire!, before, decideSession(before, { action: 'expire' }, SWEEPER).request);
  });

  it.each(ASSIST_DEADLINE_MOVES.expire!.fromStates)('an assistance request expiring from %s changes nothing but the move', (state) => {
    const before = assistIn(state as 'requested' | 'accepted');
    expectOnlyTheMove(ASSIST_DEADLINE_MOVES.expire!, before, decideAssist(before, { action: 'expire' }, SWEEPER).request);
  });

  it('an invitation expiring changes nothing but the move', () => {
    const before = invitationIn('pending');
    expectOnlyTheMove(INVITATION_DEADLINE_MOVES.expire!, before, decideInvitation(before, PARENT, { action: 'expire' }, SWEEPER).request);
  });
});
