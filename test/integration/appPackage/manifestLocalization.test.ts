import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { MESSAGES } from '../../../src/application/i18n/messages';
import { CHAT_COMMANDS } from '../../../src/adapters/teams/commands';
import { MANIFEST_LANGUAGES, REPO_ROOT, buildAppPackage, localizationProblems, manifestLocalization } from '../../../scripts/packageApp';

const TEST_ENV = [
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

describe('the app package in the user’s Teams language (issue 17)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'doorman-package-l10n-'));
    for (const folder of ['appPackage', 'env', 'infra']) mkdirSync(join(root, folder));
    for (const file of ['appPackage/manifest.json', 'appPackage/color.png', 'appPackage/outline.png', 'package.json', 'infra/main.parameters.json']) {
      copyFileSync(join(REPO_ROOT, file), join(root, file));
    }
    writeFileSync(join(root, 'env/.env.test'), TEST_ENV);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names one localization file per language in localizationInfo and ships each, valid against the official schema', () => {
    const { manifest, zipPath, warnings } = buildAppPackage('test', root);
    expect(warnings).toEqual([]);
    expect(manifest.localizationInfo).toEqual({
      defaultLanguageTag: 'en',
      additionalLanguages: MANIFEST_LANGUAGES.map((language) => ({ languageTag: language, file: `${language}.json` })),
    });
    const files = unzipSync(readFileSync(zipPath));
    for (const language of MANIFEST_LANGUAGES) {
      const file = JSON.parse(strFromU8(files[`${language}.json`])) as Record<string, string>;
      expect(localizationProblems(file, '1.22', language)).toEqual([]);
      expect(file['name.full']).toBe(MESSAGES[language]['manifest.nameFull']);
      expect(file['name.short']).toBe('Doorman-test');
      // Every command of every menu is described in the language; the words to type stay the same.
      const lists = (manifest.bots as Array<{ commandLists: Array<{ commands: Array<{ title: string }> }> }>)[0].commandLists;
      lists.forEach((list, listIndex) =>
        list.commands.forEach((command, index) => {
          expect(file[`bots[0].commandLists[${listIndex}].commands[${index}].title`]).toBe(command.title);
          expect(file[`bots[0].commandLists[${listIndex}].commands[${index}].description`]).toBe(MESSAGES[language][`command.${command.title as (typeof CHAT_COMMANDS)[number]['title']}`]);
        }),
      );
    }
  });

  it('refuses a localization the schema does not allow (a short description over 80 characters)', () => {
    const { manifest } = buildAppPackage('test', root);
    const file = { ...manifestLocalization(manifest, 'de'), 'description.short': 'x'.repeat(81) };
    expect(localizationProblems(file, '1.22', 'de')).toEqual(['de.json: schema: /description.short must NOT have more than 80 characters']);
  });
});
