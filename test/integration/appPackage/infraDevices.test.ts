/** infra/main.bicep carries DEVICES (assist's Intune devices) from env/.env.dev to the app settings config.ts reads. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { REPO_ROOT, fillPlaceholders, loadEnvironment } from '../../../scripts/packageApp';
import { appSettingsVars, readBicep } from './bicepText';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const bicep = readBicep(read('infra/main.bicep'));

describe('DEVICES in the deployment', () => {
  it('is a parameter (intune, local or off; off unless asked) set as the DEVICES app setting', () => {
    expect(bicep.params.get('devices')).toMatchObject({ defaultSource: "'off'", allowed: ['intune', 'local', 'off'] });
    const settings = new Map(appSettingsVars(bicep).flatMap((name) => [...(bicep.objectVars.get(name) ?? [])]));
    expect(settings.get('DEVICES')).toBe('devices');
  });

  it('is filled from env/.env.dev, and the value it gets there is one config.ts accepts with the Graph settings', () => {
    const parameters = JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: string }> };
    const { text, missing } = fillPlaceholders(parameters.parameters.devices.value, loadEnvironment('dev'));
    expect(missing).toEqual([]);
    expect(text).toBe('intune');
    const graph = { GRAPH_TENANT_ID: 't', GRAPH_CLIENT_ID: 'c', GRAPH_CREDENTIAL: 'managedIdentity' };
    expect(loadConfig({ DEVICES: text, ...graph }).devices).toBe('intune');
  });
});
