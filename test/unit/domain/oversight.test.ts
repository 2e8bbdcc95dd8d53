import { LOCKBOX_STATES } from '../../../src/domain/lockbox';
import { TabAction, maySee, systemVisibility, tabActionsFor, visibilityOf } from '../../../src/domain/oversight';
import { Actor, Role } from '../../../src/domain/people';
import { SESSION_STATES } from '../../../src/domain/session';
import { ASSIST_STATES } from '../../../src/domain/assist';
import { aLockboxRequest } from '../../support/lockboxBuilder';
import { aSessionRequest } from '../../support/sessionBuilder';
import { assistIn } from '../../support/assistCardFixtures';

const person = (id: string, roles: Role[]): Actor => ({ type: 'person', person: { aadObjectId: id, name: id }, roles });
const erin = { aadObjectId: 'engineer-erin', name: 'Erin' };

describe('who sees what (domain)', () => {
  // Written out a second time, independently of the code: role → [own, work queues, every lockbox request].
  const expected: Record<string, [boolean, boolean, boolean]> = {
    none: [true, false, false],
    agent: [true, true, false],
    engineer: [true, false, false],
    approver: [true, false, true],
    admin: [true, false, true],
  };
  it.each(Object.entries(expected))('%s', (role, [own, queues, lockbox]) => {
    const visibility = visibilityOf(person('me', role === 'none' ? [] : [role as Role]), ['q-1']);
    expect([visibility.people.includes('me'), visibility.queueIds.includes('q-1'), visibility.kinds.includes('lockbox')]).toEqual([own, queues, lockbox]);
  });

  it('applies the same rule to one request as the store applies to lists', () => {
    const agent = visibilityOf(person('agent-anna', ['agent']), ['q-1']);
    const ben = { aadObjectId: 'agent-ben', name: 'Ben' };
    expect(maySee(agent, aSessionRequest({ createdBy: ben, queueId: 'q-1' }))).toBe(true);
    expect(maySee(agent, aSessionRequest({ createdBy: ben, queueId: 'q-2' }))).toBe(false);
    expect(maySee(agent, aSessionRequest({ createdBy: ben, queueId: 'q-2', assignee: { aadObjectId: 'agent-anna', name: 'Anna' } }))).toBe(true);
    expect(maySee(agent, aLockboxRequest({ queueId: 'q-1' }))).toBe(true);
    expect(maySee(agent, aLockboxRequest({ queueId: null }))).toBe(false);
    expect(maySee(systemVisibility(['*']), aLockboxRequest())).toBe(true);
    expect(maySee(systemVisibility([erin.aadObjectId]), aLockboxRequest({ requester: erin }))).toBe(true);
    expect(maySee(systemVisibility(['someone']), aLockboxRequest({ requester: erin }))).toBe(false);
  });
});

describe('the actions the Requests tab offers (domain)', () => {
  const approver = person('approver-amy', ['approver']);
  const agent = person('agent-anna', ['agent']);
  const requester = person(erin.aadObjectId, ['engineer']);
  const offered = (actions: TabAction[]) => actions.join(',');

  it.each(LOCKBOX_STATES.map((state) => [state]))('lockbox %s', (state) => {
    const request = aLockboxRequest({ state, requester: erin });
    expect(offered(tabActionsFor(request, approver))).toBe(state === 'pending' ? 'approve,deny' : '');
    expect(offered(tabActionsFor(request, requester))).toBe(state === 'pending' || state === 'review' ? 'cancel' : '');
    expect(offered(tabActionsFor(request, agent))).toBe('');
  });

  it('never offers Approve to an approver on their own request', () => {
    expect(tabActionsFor(aLockboxRequest({ requester: erin }), person(erin.aadObjectId, ['approver', 'engineer']))).toEqual(['cancel']);
  });

  it.each(SESSION_STATES.map((state) => [state]))('session %s', (state) => {
    const request = aSessionRequest({ state });
    const open = ['open', 'waiting', 'ready', 'connected'].includes(state);
    expect(offered(tabActionsFor(request, agent))).toBe(open ? 'close' : '');
    expect(offered(tabActionsFor(request, approver))).toBe('');
  });

  it.each(ASSIST_STATES.map((state) => [state]))('assist %s', (state) => {
    const request = { ...assistIn('requested'), state };
    const own = person(request.requester.aadObjectId, []);
    expect(offered(tabActionsFor(request, own))).toBe(state === 'requested' ? 'cancel' : '');
    expect(offered(tabActionsFor(request, agent))).toBe('');
  });
});
