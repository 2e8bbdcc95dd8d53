import { DeadlineSweeper } from '../../src/application/delivery/deadlineSweeper';
import { myRequests } from '../../src/application/people/myRequests';
import { admitCustomer } from '../../src/application/session/actOnSession';
import { customerArrives, customerConsents } from '../../src/application/session/customerPortal';
import { newSessionForm, submitSessionForm } from '../../src/application/session/sessionViews';
import { UseCaseDeps } from '../../src/application/shared/useCaseDeps';
import { Actor } from '../../src/domain/people';
import { SessionRequest } from '../../src/domain/session';
import { FakeClock } from '../support/fakeClock';
import { testDeps } from '../support/testDeps';

const bea: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000a002', name: 'Bea Agent' }, roles: ['agent'] };
const eve: Actor = { type: 'person', person: { aadObjectId: '00000000-0000-0000-0000-00000000e005', name: 'Eve User' }, roles: [] };
const form = { recipientName: 'Chris Customer', recipientEmail: '', sendEmail: 'false', comments: '', assignTo: 'me' };

describe('session use cases (SQLite in memory, fake clock)', () => {
  let deps: UseCaseDeps;
  let clock: FakeClock;
  let cleanup: () => Promise<void>;

  beforeEach(() => {
    ({ deps, clock, cleanup } = testDeps({ inMemory: true }));
  });
  afterEach(() => cleanup());

  it('offers the form to agents only', async () => {
    await expect(newSessionForm(deps, eve)).rejects.toMatchObject({ code: 'AUTH.NOT_PERMITTED' });
    await expect(newSessionForm(deps, bea)).resolves.toMatchObject({ queues: [], defaultQueue: null, defaultHours: 24 });
    expect(await submitSessionForm(deps, eve, form, null, 'UTC')).toMatchObject({ kind: 'form', problems: [{ field: 'form', problem: 'notPermitted' }] });
  });

  it('issues a link, lets the customer in through the portal, and the agent admit; the lobby side transition closes nothing when it never opened', async () => {
    const answer = await submitSessionForm(deps, bea, form, null, 'UTC');
    if (answer.kind !== 'invitation') throw new Error(`expected an invitation: ${JSON.stringify(answer.problems)}`);
    const code = answer.issued.link.split('/').pop() ?? '';
    const arrived = await customerArrives(deps, code, null, 'Chris');
    await customerConsents(deps, code, arrived.bindingSecret ?? null, true);
    const ready = (await deps.requests.getRequest(answer.issued.request.id)) as SessionRequest;
    expect(ready.state).toBe('ready');
    const admitted = await admitCustomer(deps, bea, { requestId: ready.id, version: ready.version });
    expect(admitted).toMatchObject({ refused: null, request: { state: 'connected', lobbyOpenUntil: null } });
    expect((await myRequests(deps, bea))?.sessions?.map((request) => request.id)).toEqual([ready.id]);
    clock.advance(25 * 3600_000);
    expect(await new DeadlineSweeper(deps).sweep()).toBe(0);
  });
});
