import { DeliveryPorts, OutboxDispatcher } from '../../src/application/delivery/outboxDispatcher';
import { useCaseDepsPerTest } from '../support/testDeps';

// Nothing is delivered in these tests: the ports are never reached.
const NO_PORTS = {} as DeliveryPorts;

// A timer queued after the dispatcher's own 0 ms timer runs after it: a claim made "now" has been made by then.
const afterTimersDueNow = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('outbox dispatcher wakes', () => {
  const t = useCaseDepsPerTest();

  it('waits before claiming, and the commits of that moment join one wake instead of claiming once each', async () => {
    const claims = jest.spyOn(t.deps.outbox, 'claimOutbox');
    const dispatcher = new OutboxDispatcher(t.deps, NO_PORTS, { wakeDelayMs: 60_000, pollMs: 60_000 });
    dispatcher.start();
    try {
      await afterTimersDueNow();
      expect(claims).toHaveBeenCalled();
      claims.mockClear();
      for (let click = 0; click < 5; click++) {
        dispatcher.wake();
        await afterTimersDueNow();
      }
      expect(claims).not.toHaveBeenCalled();
    } finally {
      await dispatcher.stop();
    }
  });
});
