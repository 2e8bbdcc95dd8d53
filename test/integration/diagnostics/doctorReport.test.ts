import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { channelsAndPeopleReport } from '../../../src/adapters/diagnostics/channelsAndPeopleReport';
import { ConfiguredDirectory } from '../../../src/adapters/directory/configuredDirectory';
import { doctorReport } from '../../../src/adapters/diagnostics/doctorReport';
import { openSqliteRequestStore } from '../../../src/adapters/storage/sqliteRequestStore';
import { loadConfig } from '../../../src/config';
import { aSessionRequest } from '../../support/sessionBuilder';

const NOW = new Date('2030-03-04T10:00:00.000Z');

describe('doctor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-doctor-'));
  const configValues = {
    HOST: '127.0.0.1',
    SQLITE_PATH: join(dir, 'doorman.db'),
    MAIL_DIR: join(dir, 'mail'),
    ROLES_FILE: join(__dirname, '..', '..', 'fixtures', 'roles.json'),
  };
  const config = loadConfig(configValues);
  const store = openSqliteRequestStore(join(dir, 'doorman.db'));
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What `doctor` prints, as main.ts and scripts/doctor.ts put the two sections together, without blank lines. */
  async function doctorLines(shownConfig = config): Promise<string[]> {
    const sections = [(await doctorReport(shownConfig, store, null, NOW)).text, (await channelsAndPeopleReport(store, new ConfiguredDirectory([], {}))).text];
    return sections.join('\n\n').split('\n').filter((line) => line !== '');
  }

  it("prints the README's sample before any registration (section \"Other commands\")", async () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const sample = /before any registration, it prints:\s*```text\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const sampleLines = sample.split('\n').map((line) => line.trim()).filter((line) => line !== '');
    expect(sampleLines.length).toBeGreaterThan(0);
    // The sample shows the default mail folder; this test's own folder is a temporary one.
    const { MAIL_DIR: _own, ...defaults } = configValues;
    expect(await doctorLines(loadConfig(defaults))).toEqual(sampleLines);
  });

  it('names each registered channel once, under its purpose', async () => {
    const registered = { teamId: 'team-1', serviceUrl: 'https://smba.example/', tenantId: 'tenant-1', registeredBy: 'admin-1', registeredAt: NOW };
    await store.saveQueue({ ...registered, id: 'q-tier1', name: 'Tier 1', purpose: 'sessions', isDefault: true, channelId: '19:tier1' });
    await store.saveQueue({ ...registered, id: 'q-approvers', name: 'Approvers', purpose: 'approvals', isDefault: true, channelId: '19:approvers' });
    await store.saveQueue({ ...registered, id: 'q-assist', name: 'Help desk', purpose: 'assistance', isDefault: true, channelId: '19:assist' });
    const text = (await doctorLines()).join('\n');
    expect(text).toContain('Assistance: Help desk — requests for help ("help me") are answered there');
    expect(text.match(/Tier 1/g)).toEqual(['Tier 1']);
    expect(text.match(/Approvers/g)).toEqual(['Approvers']);
    expect(text).toContain('Sessions: Tier 1 (default)');
  });

  it('says when no delivery was given up, and names those that were: by type, newest with request and reason', async () => {
    const clean = await doctorReport(config, store, null, NOW);
    expect(clean.text).toContain('Deliveries given up: none');
    expect(clean.problems).toBe(0);

    const request = aSessionRequest();
    await store.commit({
      request,
      expectedVersion: null,
      events: [],
      deadlines: [],
      outbox: [
        { type: 'card.post', requestId: request.id, target: { role: 'queue', queueId: 'queue-1' } },
        { type: 'card.post', requestId: request.id, target: { role: 'agent', userId: 'agent-1' } },
        { type: 'webhook', requestId: request.id, url: 'https://hooks.example/doorman', body: '{}' },
      ],
    });
    const [queueCard, agentCard, webhook] = await store.claimOutbox(NOW, 10, 60_000);
    await store.failOutbox(queueCard.id, 'Error: queue queue-1 is not registered');
    await store.failOutbox(agentCard.id, 'Error: the person has no personal chat with Doorman yet');
    await store.completeOutbox(webhook.id);

    const report = await doctorReport(config, store, null, NOW);
    expect(report.problems).toBe(2);
    expect(report.text).toContain('Deliveries given up: 2 — card.post 2');
    expect(report.text).toContain(`card.post for request ${request.id} after 1 attempt(s): Error: queue queue-1 is not registered`);
    expect(report.text).toContain('Error: the person has no personal chat with Doorman yet');
  });
});
