import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { doctorReport } from '../../../src/adapters/diagnostics/doctorReport';
import { openSqliteRequestStore } from '../../../src/adapters/storage/sqliteRequestStore';
import { loadConfig } from '../../../src/config';
import { aSessionRequest } from '../../support/sessionBuilder';

const NOW = new Date('2030-03-04T10:00:00.000Z');

describe('doctor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-doctor-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    SQLITE_PATH: join(dir, 'doorman.db'),
    MAIL_DIR: join(dir, 'mail'),
    ROLES_FILE: join(__dirname, '..', '..', 'fixtures', 'roles.json'),
  });
  const store = openSqliteRequestStore(join(dir, 'doorman.db'));
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
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
