import { DeadlineSweeper } from '../../src/application/delivery/deadlineSweeper';
import { myRequests } from '../../src/application/people/myRequests';
import { admitCustomer } from '../../src/application/session/actOnSession';
import { customerArrives, customerConsents } from '../../src/application/session/customerPortal';
import { newSessionForm, submitSessionForm } from '../../src/application/session/sessionViews';
import { Actor } from '../../src/domain/people';
import { SessionRequest } from '../../src/domain/session';
import { useCaseDepsPerTest } from '../support/testDeps';

const bea: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000a002', name: 'Bea Agent' }, roles: ['agent'] };
const eve: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000e005', name: 'Eve User' }, roles: [] };
const form = { recipientName: 'Chris Customer', recipientEmail: '', sendEmail: 'false', comments: '', assignTo: 'me' };

describe('session use cases (SQLite in memory, fake clock)', () => {
  const t = useCaseDepsPerTest();

  it('offers the form to agents only', async () => {
    await expect(newSessionForm(t.deps, eve)).rejects.toMatchObject({ code: 'AUTH.NOT_PERMITTED' });
    await expect(newSessionForm(t.deps, bea)).resolves.toMatchObject({ queues: [], defaultQueue: null, defaultHours: 24 });
    expect(await submitSessionForm(t.deps, eve, form, null, 'UTC')).toMatchObject({ kind: 'form', problems: [{ field: 'form', problem: 'notPermitted' }] });
  });

  it('issues a link, lets the customer in through the portal, and the agent admit; the lobby side transition closes nothing when it never opened', async () => {
    const answer = await submitSessionForm(t.deps, bea, form, null, 'UTC');
    if (answer.kind !== 'invitation') throw new Error(`expected an invitation: ${JSON.stringify(answer.problems)}`);
    const code = answer.issued.link.split('/').pop() ?? '';
    const arrived = await customerArrives(t.deps, code, null, 'Chris');
    await customerConsents(t.deps, code, arrived.bindingSecret ?? null, true);
    const ready = (await t.deps.requests.getRequest(answer.issued.request.id)) as SessionRequest;
    expect(ready.state).toBe('ready');
    const admitted = await admitCustomer(t.deps, bea, { requestId: ready.id, version: ready.version });
    expect(admitted).toMatchObject({ refused: null, request: { state: 'connected', lobbyOpenUntil: null } });
    expect((await myRequests(t.deps, bea))?.sessions?.map((request) => request.id)).toEqual([ready.id]);
    t.clock.advance(25 * 3600_000);
    expect(await new DeadlineSweeper(t.deps).sweep()).toBe(0);
  });
});
