import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_COMMANDS } from '../../../src/adapters/teams/commands';
import { ACCENT_COLOR } from '../../../scripts/makeIcons';
import {
  DOORMAN_RSC_PERMISSIONS,
  REPO_ROOT,
  TEAMS_COMMAND_LIMITS,
  commandLimitProblems,
  commandListsFrom,
  fillPlaceholders,
  loadEnvironment,
  manifestProblems,
  placeholdersIn,
  schemaProblems,
  type CommandList,
} from '../../../scripts/packageApp';

/** Values a real environment would give the placeholders. */
const TEST_VALUES: Record<string, string> = {
  TEAMSFX_ENV: 'test',
  APP_VERSION: '1.4.2',
  APP_NAME_SUFFIX: '-test',
  TEAMS_APP_ID: '6f1c2b1e-3a52-4c3e-9a0e-8f5d2c7b9a10',
  BOT_ID: '0b7d4c2a-95e1-4f3b-8c6d-1e2f3a4b5c6d',
  BOT_DOMAIN: 'app-doorman-test-abc123.azurewebsites.net',
  TAB_SSO_CLIENT_ID: '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
  DEVELOPER_NAME: 'Contoso IT Support',
  DEVELOPER_WEBSITE_URL: 'https://www.contoso.example/doorman',
  DEVELOPER_PRIVACY_URL: 'https://www.contoso.example/privacy',
  DEVELOPER_TERMS_URL: 'https://www.contoso.example/terms',
};

interface Manifest {
  $schema: string;
  manifestVersion: string;
  id: string;
  accentColor: string;
  bots: { botId: string; scopes: string[]; commandLists: CommandList[] }[];
  staticTabs: { entityId: string; name?: string; contentUrl?: string; websiteUrl?: string; scopes: string[] }[];
  configurableTabs: { configurationUrl: string; scopes: string[]; context?: string[] }[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource?: string };
  authorization?: { permissions?: { resourceSpecific?: { name: string; type: string }[] } };
}

const templateText = readFileSync(join(REPO_ROOT, 'appPackage', 'manifest.json'), 'utf8');
const template = JSON.parse(templateText) as Manifest;

function filled(values: Record<string, string> = TEST_VALUES): Manifest {
  const { text, missing } = fillPlaceholders(templateText, values);
  expect(missing).toEqual([]);
  return JSON.parse(text) as Manifest;
}

describe('appPackage/manifest.json', () => {
  it('is on manifest schema 1.19 or later, and its $schema names that version', () => {
    const [major, minor] = template.manifestVersion.split('.').map(Number);
    expect(major === 1 && minor >= 19).toBe(true);
    expect(template.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${template.manifestVersion}/MicrosoftTeams.schema.json`,
    );
  });

  it('takes the app id, bot id and bot domain from Agents Toolkit placeholders', () => {
    expect(template.id).toBe('${{TEAMS_APP_ID}}');
    expect(template.bots[0].botId).toBe('${{BOT_ID}}');
    expect(placeholdersIn(templateText)).toEqual(expect.arrayContaining(['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN']));
  });

  it('validates against the official Teams schema once the placeholders are filled', () => {
    expect(schemaProblems(filled() as unknown as Record<string, unknown>)).toEqual([]);
    expect(manifestProblems(filled() as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('is refused by the schema when a placeholder gets a value of the wrong shape', () => {
    const problems = schemaProblems(filled({ ...TEST_VALUES, BOT_ID: 'not-a-guid' }) as unknown as Record<string, unknown>);
    expect(problems.some((problem) => problem.includes('/bots/0/botId'))).toBe(true);
  });

  it('gets every placeholder from the committed env/.env.dev', () => {
    const values = loadEnvironment('dev');
    expect(placeholdersIn(templateText).filter((key) => values[key] === undefined)).toEqual([]);
  });

  it('offers the bot in personal, team and group chats', () => {
    expect([...template.bots[0].scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
  });

  it('has the personal Requests tab and a configurable channel tab for queues, served from BOT_DOMAIN', () => {
    const manifest = filled();
    const requests = manifest.staticTabs.find((tab) => tab.entityId === 'requests');
    expect(requests).toMatchObject({
      name: 'Requests',
      contentUrl: `https://${TEST_VALUES.BOT_DOMAIN}/tab`,
      scopes: ['personal'],
    });
    expect(manifest.configurableTabs).toEqual([
      expect.objectContaining({ configurationUrl: `https://${TEST_VALUES.BOT_DOMAIN}/tab/config`, scopes: ['team'] }),
    ]);
  });

  it('lists the domain of every tab URL in validDomains', () => {
    const manifest = filled();
    const urls = [
      ...manifest.staticTabs.flatMap((tab) => [tab.contentUrl, tab.websiteUrl]),
      ...manifest.configurableTabs.map((tab) => tab.configurationUrl),
    ].filter((url): url is string => url !== undefined);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(manifest.validDomains).toContain(new URL(url).host);
  });

  it('names the tab SSO app registration and its App ID URI in webApplicationInfo (Teams tab SSO)', () => {
    expect(filled().webApplicationInfo).toEqual({
      id: TEST_VALUES.TAB_SSO_CLIENT_ID,
      resource: `api://${TEST_VALUES.BOT_DOMAIN}/${TEST_VALUES.TAB_SSO_CLIENT_ID}`,
    });
  });

  it('asks for exactly the RSC permissions Doorman uses', () => {
    const requested = (template.authorization?.permissions?.resourceSpecific ?? []).map((p) => p.name).sort();
    expect(requested).toEqual([...DOORMAN_RSC_PERMISSIONS].sort());
  });

  it('uses the accent colour of the icons', () => {
    expect(template.accentColor.toLowerCase()).toBe(ACCENT_COLOR.toLowerCase());
  });
});

describe('the bot command lists', () => {
  const lists = template.bots[0].commandLists;

  it('contain only commands the bot answers, each in a scope where it answers it', () => {
    for (const list of lists) {
      for (const scope of list.scopes) {
        for (const command of list.commands) {
          const answered = CHAT_COMMANDS.find((c) => c.title === command.title);
          expect({ scope, command: command.title, answered: answered?.scopes.includes(scope as never) ?? false }).toEqual({
            scope,
            command: command.title,
            answered: true,
          });
          expect(command.description).toBe(answered?.description);
        }
      }
    }
  });

  it('contain every command the bot answers, in every scope it answers it', () => {
    for (const command of CHAT_COMMANDS) {
      for (const scope of command.scopes) {
        const listed = lists.some(
          (list) => list.scopes.includes(scope) && list.commands.some((c) => c.title === command.title),
        );
        expect({ scope, command: command.title, listed }).toEqual({ scope, command: command.title, listed: true });
      }
    }
  });

  it('are exactly what the packager generates from CHAT_COMMANDS', () => {
    expect(lists).toEqual(commandListsFrom(CHAT_COMMANDS));
  });

  it('stay within the Teams limits: one list per scope, ≤10 commands, titles ≤32, descriptions ≤128', () => {
    expect(lists.length).toBeLessThanOrEqual(3);
    const scopes = lists.flatMap((list) => list.scopes);
    expect(new Set(scopes).size).toBe(scopes.length);
    for (const list of lists) {
      expect(list.commands.length).toBeLessThanOrEqual(TEAMS_COMMAND_LIMITS.commandsPerList);
      expect(new Set(list.commands.map((c) => c.title)).size).toBe(list.commands.length);
      for (const command of list.commands) {
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description.length).toBeLessThanOrEqual(128);
      }
    }
    expect(commandLimitProblems(lists)).toEqual([]);
  });

  it('limit check flags an eleventh command, a long title and a long description', () => {
    const commands = Array.from({ length: 11 }, (_, i) => ({ title: `command ${i}`, description: 'does a thing' }));
    commands[0] = { title: 'x'.repeat(33), description: 'y'.repeat(129) };
    const problems = commandLimitProblems([{ scopes: ['personal'], commands }]);
    expect(problems).toHaveLength(3);
  });
});
