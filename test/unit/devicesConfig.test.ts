import { ConfigError, loadConfig } from '../../src/config';

const production = {
  BOT_ID: '11111111-1111-1111-1111-111111111111',
  BOT_PASSWORD: 'secret',
  BOT_TENANT_ID: 'tenant',
  HOST: '0.0.0.0',
  PUBLIC_BASE_URL: 'https://doorman.contoso.com',
  MEETINGS: 'local',
  MAIL: 'local',
  ACCESS: 'local',
  ROLE_AGENTS: 'a1',
  ROLE_APPROVERS: 'p1',
};

const graph = { GRAPH_TENANT_ID: 'tenant', GRAPH_CLIENT_ID: 'client', GRAPH_CLIENT_SECRET: 'secret' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('DEVICES (devices of assistance requests)', () => {
  it('defaults to the labelled local stand-in in local mode and to off in production (never a stand-in unasked)', () => {
    expect(loadConfig({}).devices).toBe('local');
    expect(loadConfig(production).devices).toBe('off');
  });

  it('intune needs the Graph settings, and gets them', () => {
    expect(problemsOf({ ...production, DEVICES: 'intune' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^GRAPH_TENANT_ID is required when .*DEVICES is intune/)]),
    );
    const config = loadConfig({ ...production, DEVICES: 'intune', ...graph });
    expect(config.devices).toBe('intune');
    expect(config.graph).toMatchObject({ tenantId: 'tenant', clientId: 'client' });
  });

  it('takes local and off explicitly, and refuses anything else', () => {
    expect(loadConfig({ ...production, DEVICES: 'local' }).devices).toBe('local');
    expect(loadConfig({ DEVICES: 'off' }).devices).toBe('off');
    expect(problemsOf({ ...production, DEVICES: 'graph' })).toEqual([expect.stringMatching(/^DEVICES: /)]);
  });
});
