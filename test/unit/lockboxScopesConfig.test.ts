import { ConfigError, loadConfig } from '../../src/config';

// Issue 15: access scopes are configuration (LOCKBOX_SCOPES); LOCKBOX_ACCESS_GROUP_ID stays the default scope.
const graphProduction = {
  BOT_ID: '11111111-1111-1111-1111-111111111111',
  BOT_PASSWORD: 'secret',
  BOT_TENANT_ID: 'tenant',
  HOST: '0.0.0.0',
  PUBLIC_BASE_URL: 'https://doorman.contoso.com',
  MEETINGS: 'local',
  MAIL: 'local',
  ACCESS: 'graph',
  GRAPH_TENANT_ID: 'tenant',
  GRAPH_CLIENT_ID: 'client',
  GRAPH_CLIENT_SECRET: 'secret',
  LOCKBOX_ACCESS_GROUP_ID: 'group-default',
  ROLE_AGENTS: 'a1',
  ROLE_APPROVERS: 'p1',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('LOCKBOX_SCOPES', () => {
  it('without it, the only scope is the default one, carried by LOCKBOX_ACCESS_GROUP_ID', () => {
    expect(loadConfig(graphProduction).lockbox.scopes).toEqual([expect.objectContaining({ id: 'default', groupId: 'group-default' })]);
  });

  it('adds the admin\'s scopes after the default, each with the group that carries it', () => {
    const scopes = JSON.stringify([{ id: 'mailboxes', name: 'Mailboxes', description: 'read case mailboxes', groupId: 'group-mail' }]);
    expect(loadConfig({ ...graphProduction, LOCKBOX_SCOPES: scopes }).lockbox.scopes.map((scope) => [scope.id, scope.groupId])).toEqual([
      ['default', 'group-default'],
      ['mailboxes', 'group-mail'],
    ]);
  });

  it('lists every problem: bad JSON, a scope without a group in Graph mode, a duplicate or reserved id', () => {
    expect(problemsOf({ ...graphProduction, LOCKBOX_SCOPES: '[{' }).join('\n')).toMatch(/LOCKBOX_SCOPES must be a JSON list/);
    expect(problemsOf({ ...graphProduction, LOCKBOX_SCOPES: JSON.stringify([{ id: 'mail', name: 'Mail', description: 'd' }]) }).join('\n')).toMatch(/scope "mail" needs a groupId/);
    expect(problemsOf({ ...graphProduction, LOCKBOX_SCOPES: JSON.stringify([{ id: 'default', name: 'x', description: 'd', groupId: 'g' }]) }).join('\n')).toMatch(/unique and not "default"/);
    expect(problemsOf({ ...graphProduction, LOCKBOX_SCOPES: JSON.stringify([{ id: 'Bad Id', name: 'x', description: 'd', groupId: 'g' }]) }).join('\n')).toMatch(/each scope needs an id/);
  });
});
