import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { CHAT_COMMANDS } from '../../../src/adapters/teams/commands';
import {
  PackageError,
  REPO_ROOT,
  buildAppPackage,
  commandListsFrom,
  manifestProblems,
  parseEnvFile,
  renderInfraParameters,
} from '../../../scripts/packageApp';

const TEST_ENV = [
  '# a test environment',
  'APP_NAME_SUFFIX=-test',
  'TEAMS_APP_ID=6f1c2b1e-3a52-4c3e-9a0e-8f5d2c7b9a10',
  'BOT_ID=0b7d4c2a-95e1-4f3b-8c6d-1e2f3a4b5c6d',
  'BOT_DOMAIN=app-doorman-test-abc123.azurewebsites.net',
  'TAB_SSO_CLIENT_ID=7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
  'DEVELOPER_NAME="Contoso IT Support"',
  'DEVELOPER_WEBSITE_URL=https://www.contoso.example/doorman',
  'DEVELOPER_PRIVACY_URL=https://www.contoso.example/privacy',
  'DEVELOPER_TERMS_URL=https://www.contoso.example/terms',
].join('\n');

const roots: string[] = [];

/** A scratch copy of the files the packager reads, so tests never write into the repository. */
function scratchRepo(files: Record<string, string> = { 'env/.env.test': TEST_ENV }): string {
  const root = mkdtempSync(join(tmpdir(), 'doorman-package-'));
  roots.push(root);
  for (const folder of ['appPackage', 'env', 'infra']) mkdirSync(join(root, folder));
  for (const file of ['appPackage/manifest.json', 'appPackage/color.png', 'appPackage/outline.png', 'package.json', 'infra/main.parameters.json']) {
    copyFileSync(join(REPO_ROOT, file), join(root, file));
  }
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return root;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PackageError) return error.problems;
    throw error;
  }
  throw new Error('expected a PackageError');
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('npm run package', () => {
  it('writes appPackage/build/doorman-<env>.zip holding manifest.json, both icons and the localization files at the root', () => {
    const root = scratchRepo();
    const result = buildAppPackage('test', root);
    expect(result.zipPath).toBe(join(root, 'appPackage', 'build', 'doorman-test.zip'));
    const entries = unzipSync(readFileSync(result.zipPath));
    expect(Object.keys(entries).sort()).toEqual(['color.png', 'de.json', 'fr.json', 'hu.json', 'manifest.json', 'nl.json', 'outline.png']);
    expect(Buffer.from(entries['color.png']).equals(readFileSync(join(REPO_ROOT, 'appPackage', 'color.png')))).toBe(true);
    expect(Buffer.from(entries['outline.png']).equals(readFileSync(join(REPO_ROOT, 'appPackage', 'outline.png')))).toBe(true);
  });

  it('zips a manifest that is valid against the official schema, with the environment filled in', () => {
    const root = scratchRepo();
    const manifest = JSON.parse(strFromU8(unzipSync(readFileSync(buildAppPackage('test', root).zipPath))['manifest.json']));
    expect(manifestProblems(manifest)).toEqual([]);
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(manifest).toMatchObject({
      id: '6f1c2b1e-3a52-4c3e-9a0e-8f5d2c7b9a10',
      version: JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version,
      name: { short: 'Doorman-test' },
      developer: { name: 'Contoso IT Support' },
      bots: [{ botId: '0b7d4c2a-95e1-4f3b-8c6d-1e2f3a4b5c6d' }],
      validDomains: ['app-doorman-test-abc123.azurewebsites.net'],
    });
  });

  it('builds the committed env/.env.dev into a valid package', () => {
    const root = scratchRepo({ 'env/.env.dev': readFileSync(join(REPO_ROOT, 'env', '.env.dev'), 'utf8') });
    const result = buildAppPackage('dev', root);
    expect(manifestProblems(result.manifest)).toEqual([]);
  });

  it('zips the command lists of CHAT_COMMANDS even when the template has drifted, and says so', () => {
    const root = scratchRepo();
    const templatePath = join(root, 'appPackage', 'manifest.json');
    const template = JSON.parse(readFileSync(templatePath, 'utf8'));
    template.bots[0].commandLists[0].commands.pop();
    template.bots[0].commandLists[0].commands.push({ title: 'reboot', description: 'Not a Doorman command' });
    writeFileSync(templatePath, JSON.stringify(template));

    const result = buildAppPackage('test', root);
    const zipped = JSON.parse(strFromU8(unzipSync(readFileSync(result.zipPath))['manifest.json']));
    expect(zipped.bots[0].commandLists).toEqual(commandListsFrom(CHAT_COMMANDS));
    expect(result.warnings.join('\n')).toContain('--sync-template');
  });

  it('refuses, by name, a placeholder that no env file sets', () => {
    const root = scratchRepo({ 'env/.env.test': TEST_ENV.replace(/^BOT_DOMAIN=.*$/m, '') });
    expect(problemsOf(() => buildAppPackage('test', root))).toEqual([
      'BOT_DOMAIN is used by appPackage/manifest.json but set in no env/.env.test* file.',
    ]);
  });

  it('refuses a value the official schema rejects', () => {
    const root = scratchRepo({ 'env/.env.test': TEST_ENV.replace(/^BOT_ID=.*$/m, 'BOT_ID=my-bot') });
    const problems = problemsOf(() => buildAppPackage('test', root));
    expect(problems.some((problem) => problem.startsWith('schema: /bots/0/botId'))).toBe(true);
  });

  it('lets the gitignored env/.env.<env>.user override env/.env.<env>', () => {
    const root = scratchRepo({ 'env/.env.test': TEST_ENV, 'env/.env.test.user': 'DEVELOPER_NAME=Fabrikam Helpdesk\n' });
    expect(buildAppPackage('test', root).manifest).toMatchObject({ developer: { name: 'Fabrikam Helpdesk' } });
  });

  it('renders the infra parameters for the Azure CLI without any SECRET_ value', () => {
    const root = scratchRepo({
      'env/.env.dev': readFileSync(join(REPO_ROOT, 'env', '.env.dev'), 'utf8'),
      'env/.env.dev.user': 'SECRET_POSTGRES_ADMIN_PASSWORD=correct-horse-battery\nSECRET_BOT_PASSWORD=\n',
    });
    const text = readFileSync(renderInfraParameters('dev', root), 'utf8');
    const parameters = JSON.parse(text).parameters as Record<string, { value: string }>;
    expect(text).not.toContain('correct-horse-battery');
    expect(text).not.toContain('${{');
    expect(parameters.postgresAdminPassword).toBeUndefined();
    expect(parameters.botPassword).toBeUndefined();
    expect(parameters.environmentName.value).toBe('dev');
  });
});

describe('parseEnvFile', () => {
  it('reads comments, quotes, empty values and trailing comments the way dotenv files are written', () => {
    expect(
      parseEnvFile('# comment\nA=1\nB="two words"\nC=\nexport D=4 # note\n\nE=\'#not a comment\'\nnot a line\n'),
    ).toEqual({ A: '1', B: 'two words', C: '', D: '4', E: '#not a comment' });
  });
});
