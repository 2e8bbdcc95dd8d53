import { OutboxHealth, Store } from '../../src/application/ports';
import { Metrics, OTHER_ROUTE } from '../../src/adapters/http/metrics';
import { FakeClock } from '../support/fakeClock';

/** Only what the metrics read: the outbox health the store reports, and the instants it was asked at. */
/** The query main.ts hands to the metrics. */
function readingOf(store: Store) {
  return (now: Date) => store.outboxHealth(now);
}

function storeReporting(health: OutboxHealth) {
  const askedAt: Date[] = [];
  const store = {
    async outboxHealth(now: Date) {
      askedAt.push(now);
      return health;
    },
  } as unknown as Store;
  return { store, askedAt };
}

describe('Metrics', () => {
  it('exposes outbox backlog, oldest age and rows given up by type, read from the store at the clock\'s now', async () => {
    const clock = new FakeClock();
    const { store, askedAt } = storeReporting({ pending: 3, oldestPendingSeconds: 42, failedByType: { cardPost: 2, mail: 1 } });
    const metrics = new Metrics((now) => store.outboxHealth(now), clock);
    clock.advance(90_000);
    const { body, contentType } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toMatch(/^doorman_outbox_pending 3$/m);
    expect(body).toMatch(/^doorman_outbox_oldest_pending_seconds 42$/m);
    expect(body).toMatch(/^doorman_outbox_failed\{type="cardPost"\} 2$/m);
    expect(body).toMatch(/^doorman_outbox_failed\{type="mail"\} 1$/m);
    expect(body).toMatch(/^doorman_uptime_seconds 90$/m);
    expect(body).toContain('doorman_process_cpu_user_seconds_total');
    expect(askedAt).toEqual([clock.now()]);
  });

  it('keeps the number of series bounded: methods outside the HTTP set share one label', async () => {
    const metrics = new Metrics(readingOf(storeReporting({ pending: 0, oldestPendingSeconds: 0, failedByType: {} }).store), new FakeClock());
    for (let i = 0; i < 50; i++) metrics.observeHttp(OTHER_ROUTE, `M${i}`, 405, 0.001);
    const { body } = await metrics.render();
    expect(body).toMatch(/doorman_http_request_duration_seconds_count\{route="other",method="other",status="405"\} 50/);
    expect(body).not.toContain('M1');
  });

  it('counts guess-budget refusals and shows the window\'s unknown codes', async () => {
    const metrics = new Metrics(readingOf(storeReporting({ pending: 0, oldestPendingSeconds: 0, failedByType: {} }).store), new FakeClock());
    metrics.recordGuesses(100, false);
    metrics.recordGuesses(101, true);
    metrics.recordGuesses(102, true);
    const { body } = await metrics.render();
    expect(body).toMatch(/^doorman_portal_guess_budget_exceeded_total 2$/m);
    expect(body).toMatch(/^doorman_portal_unknown_codes_in_window 102$/m);
  });
});
