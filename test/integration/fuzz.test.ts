import { RSS_GROWTH_BOUND_MB, runFuzz } from '../../scripts/fuzz';

// The short, seeded version of `npm run fuzz`: the same generators and rules, a few hundred requests.
describe('malformed requests against a local-mode and a production-mode Doorman', () => {
  it('answer no 5xx, carry an error code on every JSON 4xx, and leave both running with memory bounded', async () => {
    const summary = await runFuzz({ seed: 8, requests: 500, concurrency: 4 });
    expect(summary.total).toBe(500);
    expect(summary.failures).toEqual([]);
    expect(Object.keys(summary.byStatus).filter((status) => status.startsWith('5'))).toEqual([]);
    expect(Object.keys(summary.byTarget).sort()).toEqual(['bot-local', 'bot-production', 'portal', 'raw', 'rest', 'tab']);
    expect(summary.alive).toBe(true);
    expect(summary.rssPeakMb - summary.rssBaselineMb).toBeLessThanOrEqual(RSS_GROWTH_BOUND_MB);
  }, 60_000);
});
