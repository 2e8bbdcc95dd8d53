import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('Application Insights pipeline (the real SDK in a child process, network sealed to loopback)', () => {
  it('exports a portal request with the link code and query replaced or dropped, and no browser or client address', () => {
    const run = spawnSync(process.execPath, [join(__dirname, '..', 'support', 'telemetrySmoke.js'), '/j/Zq3kP9vXw2LmN8rT5yB1/state?email=chris@contoso.com'], {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 120_000,
    });
    const line = run.stdout.split('\n').find((text) => text.startsWith('SPANS '));
    expect(line).toBeDefined();
    const [server] = JSON.parse(line!.slice('SPANS '.length)) as { name: string; attributes: Record<string, unknown> }[];
    // The SDK pinned for Node 20 (1.18) names attributes by the older HTTP conventions; later ones by the stable ones.
    expect(server.attributes['url.path'] ?? server.attributes['http.target']).toBe('/j/:code/state');
    expect(server.attributes['http.response.status_code'] ?? server.attributes['http.status_code']).toBe(200);
    const exported = JSON.stringify(server);
    for (const secret of ['Zq3kP9vXw2LmN8rT5yB1', 'chris', 'contoso', 'laptop']) expect(exported).not.toContain(secret);
    expect(Object.keys(server.attributes).filter((key) => /user_agent|client\.address|client_ip|peer\.address|peer\.ip|url\.query/.test(key))).toEqual([]);
  }, 130_000);
});
