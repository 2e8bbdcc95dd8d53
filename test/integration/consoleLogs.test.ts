import { TestDoorman, startTestDoorman } from '../support/testDoorman';

/** At the default level the console carries what happened to requests, not every HTTP hit (issue 9). */
describe('log level of HTTP access lines', () => {
  let t: TestDoorman;
  beforeEach(async () => {
    t = await startTestDoorman({ env: { LOG_LEVEL: 'info' } });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('keeps access lines at debug, out of an info console', async () => {
    await fetch(`${t.doorman.url}/healthz`);
    await fetch(`${t.doorman.url}/j/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`);
    const lines = t.logs.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { msg: string });
    expect(lines.filter((line) => line.msg === 'http')).toEqual([]);
  });
});
