import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotConnectorDouble } from '../../support/botConnectorDouble';
import { PEOPLE, TENANT, TestDoorman, startTestDoorman } from '../../support/testDoorman';
import { AdaptiveCard } from '../../../src/adapters/teams/cards/cardTypes';
import { findById, validateCard } from '../../support/validateCard';

const AGENTS = 1000;

/** The fixture's people plus 1,000 more agents: a large support organisation. */
function bigRolesFile(dir: string): string {
  const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'roles.json'), 'utf8')) as { users: unknown[] };
  const agents = Array.from({ length: AGENTS }, (_, i) => ({
    aadObjectId: `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    name: `Agent Number ${String(i).padStart(4, '0')}`,
    roles: ['agent'],
  }));
  const file = join(dir, 'roles.json');
  writeFileSync(file, JSON.stringify({ users: [...fixture.users, ...agents] }));
  return file;
}

describe('Assign… with 1,000 agents: a small card and a dynamic search', () => {
  let t: TestDoorman;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'doorman-agents-'));
    t = await startTestDoorman({ env: { ROLES_FILE: bigRolesFile(dir) } });
    await t.message('alex', 'hi');
  });

  afterEach(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function search(who: keyof typeof PEOPLE, queryText: string, dataset = 'agents') {
    return t.post({
      type: 'invoke',
      name: 'application/search',
      channelId: 'msteams',
      serviceUrl: t.connector.url,
      from: { id: `29:${PEOPLE[who].aadObjectId}`, aadObjectId: PEOPLE[who].aadObjectId, name: PEOPLE[who].name },
      recipient: { id: '28:doorman', name: 'Doorman' },
      conversation: { id: `a:personal-${PEOPLE[who].aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      value: { queryText, queryOptions: { skip: 0, top: 15 }, dataset },
    });
  }

  it('posts an agent card of at most 8 KB that lists no agents but searches them', async () => {
    const created = await t.invoke('alex', 'session.create', { recipientName: 'Chris', sendEmail: 'false', assignTo: 'me' });
    expect(created.body.statusCode).toBe(200);
    await t.deliver();
    const agentCards = t.connector.calls.map(BotConnectorDouble.cardOf).filter((card) => JSON.stringify(card).includes('"assignMenu"'));
    expect(agentCards.length).toBeGreaterThan(0);
    for (const card of agentCards) {
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(8192);
      expect(JSON.stringify(card)).not.toContain('Agent Number');
      expect(findById(card, 'assignTo')).toMatchObject({
        type: 'Input.ChoiceSet',
        style: 'filtered',
        choices: [
          { title: 'Me', value: 'me' },
          { title: 'Unassigned', value: 'unassigned' },
        ],
        'choices.data': { type: 'Data.Query', dataset: 'agents' },
      });
      expect(() => validateCard(card as unknown as AdaptiveCard)).not.toThrow();
    }
  });

  it('answers the search with at most 15 matching agents as user choices', async () => {
    const answer = await search('alex', 'number 09');
    expect(answer.status).toBe(200);
    expect(answer.body.type).toBe('application/vnd.microsoft.search.searchResponse');
    const results = answer.body.value.results as { title: string; value: string }[];
    expect(results).toHaveLength(15);
    expect(results[0]).toEqual({ title: 'Agent Number 0900', value: 'user:10000000-0000-0000-0000-000000000900' });
    expect(results.every((result) => result.title.startsWith('Agent Number 09'))).toBe(true);
    expect((await search('alex', 'Bea')).body.value.results).toEqual([{ title: 'Bea Agent', value: `user:${PEOPLE.bea.aadObjectId}` }]);
  });

  it('gives no names to someone who is no agent, and refuses another dataset with a code', async () => {
    const refused = await search('eve', 'Agent');
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain('AUTH.NOT_PERMITTED');
    expect(JSON.stringify(refused.body)).not.toContain('Agent Number');
    const unknown = await search('alex', 'x', 'people');
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('INPUT.INVALID');
  });
});
