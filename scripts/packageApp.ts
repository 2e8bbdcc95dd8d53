/**
 * Builds the Teams app package an admin uploads: `npm run package -- --env dev`.
 *
 * Agents Toolkit conventions: `appPackage/manifest.json` holds `${{KEY}}` placeholders, filled from the committed
 * `env/.env.<env>` and the gitignored `env/.env.<env>.user`; the output is `appPackage/build/doorman-<env>.zip`
 * (plus the filled `manifest.<env>.json` for inspection). The bot's command lists are generated from
 * CHAT_COMMANDS, so the package can never offer a command the bot does not answer.
 *
 * Flags: `--env <name>` (default dev) · `--sync-template` rewrites the template's commandLists from CHAT_COMMANDS ·
 * `--infra` also renders `infra/main.parameters.json` into `appPackage/build/main.parameters.<env>.json` for
 * `az deployment group create` (parameters fed by `SECRET_*` keys are left out, so the CLI prompts for them).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { CHAT_COMMANDS, type ChatCommand, type CommandScope } from '../src/adapters/teams/commands';
import { manifestActivityTypes } from '../src/adapters/teams/activityTypes';
import { MESSAGES, TextKey } from '../src/application/i18n/messages';
import { SUPPORTED_LANGUAGES, type Language } from '../src/domain/language';

/** Repository root (this file lives in `scripts/`). */
export const REPO_ROOT = join(__dirname, '..');

/** Limits Teams enforces on bot command menus (stricter than the JSON schema, which allows 128/4000). */
export const TEAMS_COMMAND_LIMITS = { commandsPerList: 10, titleLength: 32, descriptionLength: 128 } as const;

/**
 * Resource-specific consent permissions Doorman requests: none. It is @mentioned in channels (no
 * ChannelMessage.Read.Group needed), posts to channels and chats where it is installed through the Bot Framework
 * (no ChannelMessage.Send.Group needed), and does all Graph work with tenant-wide application permissions that an
 * admin grants once (docs/deploy.md). Add a permission here only together with the code that uses it.
 */
export const DOORMAN_RSC_PERMISSIONS: readonly string[] = [];

/** The order Teams shows command lists in; one list per scope, as the manifest reference asks. */
const SCOPE_ORDER: readonly CommandScope[] = ['personal', 'team', 'groupChat'];

/** A command menu of the manifest (`bots[].commandLists[]`). */
export interface CommandList {
  scopes: CommandScope[];
  commands: { title: string; description: string }[];
}

/** One file of the app package. */
export interface PackageFile {
  name: string;
  data: Uint8Array;
}

/** What `buildAppPackage` produced, or why it refused. */
export interface PackageResult {
  zipPath: string;
  manifestPath: string;
  manifest: Record<string, unknown>;
  warnings: string[];
}

/** Thrown with every problem found, so one run tells the whole story. */
export class PackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageError';
  }
}

/** Parses a dotenv file: `KEY=value`, `#` comments, optional single or double quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2].trim();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, '');
    values[match[1]] = value;
  }
  return values;
}

/**
 * The values placeholders are filled from: built-ins (`TEAMSFX_ENV`, `APP_VERSION` from package.json), then
 * `env/.env.<env>`, then `env/.env.<env>.user` (secrets, gitignored). Later files win.
 */
export function loadEnvironment(envName: string, root = REPO_ROOT): Record<string, string> {
  if (!/^[a-z0-9-]+$/i.test(envName)) throw new PackageError([`--env "${envName}" is not a plain environment name.`]);
  const envFile = join(root, 'env', `.env.${envName}`);
  if (!existsSync(envFile)) throw new PackageError([`${envFile} does not exist; create it from env/.env.dev.`]);
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const userFile = `${envFile}.user`;
  return {
    TEAMSFX_ENV: envName,
    APP_VERSION: packageJson.version,
    ...parseEnvFile(readFileSync(envFile, 'utf8')),
    ...(existsSync(userFile) ? parseEnvFile(readFileSync(userFile, 'utf8')) : {}),
  };
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The placeholder names a template uses, in order of first appearance. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

/**
 * Replaces `${{KEY}}` with its value, escaped for a JSON string (the templates are JSON and every placeholder sits
 * inside a string). An empty value is a value (`APP_NAME_SUFFIX=` names the production app plain "Doorman");
 * a key missing from every env file is reported.
 */
export function fillPlaceholders(text: string, values: Record<string, string>): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) {
      missing.add(key);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  return { text: filled, missing: [...missing] };
}

/** The manifest's command menus, one per scope, generated from the commands the bot answers. */
export function commandListsFrom(commands: readonly ChatCommand[] = CHAT_COMMANDS): CommandList[] {
  return SCOPE_ORDER.map((scope) => ({
    scopes: [scope],
    commands: commands
      .filter((command) => command.scopes.includes(scope))
      .map((command) => ({ title: command.title, description: command.description })),
  })).filter((list) => list.commands.length > 0);
}

/** Teams' limits on command menus, as messages; empty when the lists are fine. */
export function commandLimitProblems(lists: readonly CommandList[]): string[] {
  const problems: string[] = [];
  for (const list of lists) {
    const where = `commandLists[${list.scopes.join(',')}]`;
    if (list.commands.length > TEAMS_COMMAND_LIMITS.commandsPerList) {
      problems.push(`${where} has ${list.commands.length} commands; Teams shows at most ${TEAMS_COMMAND_LIMITS.commandsPerList}.`);
    }
    for (const command of list.commands) {
      if (command.title.length > TEAMS_COMMAND_LIMITS.titleLength) {
        problems.push(`${where}: title "${command.title}" is longer than ${TEAMS_COMMAND_LIMITS.titleLength} characters.`);
      }
      if (command.description.length > TEAMS_COMMAND_LIMITS.descriptionLength) {
        problems.push(`${where}: description of "${command.title}" is longer than ${TEAMS_COMMAND_LIMITS.descriptionLength} characters.`);
      }
    }
  }
  return problems;
}

/**
 * The official Teams manifest JSON schema for a manifest version, read offline from `@microsoft/app-manifest`
 * (the Agents Toolkit's own package, which bundles every published schema under build/json-schemas/teams/).
 */
export function manifestSchemaPath(manifestVersion: string): string {
  const packageRoot = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return join(packageRoot, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

/** Validates a filled manifest against the official schema of its `manifestVersion`; returns messages. */
export function schemaProblems(manifest: Record<string, unknown>): string[] {
  const version = manifest.manifestVersion;
  if (typeof version !== 'string') return ['manifestVersion is missing.'];
  const schemaPath = manifestSchemaPath(version);
  if (!existsSync(schemaPath)) return [`No bundled schema for manifestVersion ${version} (${schemaPath}).`];
  // The Teams schemas declare draft-04; strict mode is off because they carry keywords Ajv does not know.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((error) => `schema: ${error.instancePath || '/'} ${error.message ?? ''}`.trim());
}

/** Size and transparency rules Teams applies to the two icons; returns messages. */
export function iconProblems(color: Uint8Array, outline: Uint8Array): string[] {
  const problems: string[] = [];
  const colorPng = PNG.sync.read(Buffer.from(color));
  if (colorPng.width !== 192 || colorPng.height !== 192) {
    problems.push(`color.png is ${colorPng.width}×${colorPng.height}; Teams needs 192×192.`);
  }
  const outlinePng = PNG.sync.read(Buffer.from(outline));
  if (outlinePng.width !== 32 || outlinePng.height !== 32) {
    problems.push(`outline.png is ${outlinePng.width}×${outlinePng.height}; Teams needs 32×32.`);
  }
  const d = outlinePng.data;
  let transparent = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] === 0) transparent += 1;
    else if (d[i] !== 255 || d[i + 1] !== 255 || d[i + 2] !== 255) {
      problems.push('outline.png has a pixel that is neither white nor transparent.');
      break;
    }
  }
  if (transparent === 0) problems.push('outline.png has no transparent pixels.');
  return problems;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function botsOf(manifest: Record<string, unknown>): { commandLists?: unknown }[] {
  return Array.isArray(manifest.bots) ? (manifest.bots as { commandLists?: unknown }[]) : [];
}

/** Every check Doorman applies to a filled manifest: schema, command menus, RSC permissions. */
export function manifestProblems(manifest: Record<string, unknown>): string[] {
  const problems = schemaProblems(manifest);
  for (const bot of botsOf(manifest)) {
    problems.push(...commandLimitProblems((bot.commandLists ?? []) as CommandList[]));
  }
  const authorization = manifest.authorization as { permissions?: { resourceSpecific?: { name: string }[] } } | undefined;
  for (const permission of authorization?.permissions?.resourceSpecific ?? []) {
    if (!DOORMAN_RSC_PERMISSIONS.includes(permission.name)) {
      problems.push(`RSC permission ${permission.name} is not one Doorman uses (see DOORMAN_RSC_PERMISSIONS).`);
    }
  }
  return problems;
}

/** A zip of the given files at the archive root, where Teams looks for them. */
export function zipFiles(files: readonly PackageFile[]): Uint8Array {
  return zipSync(Object.fromEntries(files.map((file) => [file.name, file.data])), { level: 9 });
}

/**
 * Reads the manifest template and replaces its command lists with the ones generated from CHAT_COMMANDS, and its
 * `activities` with the activity-feed types Doorman sends (src/adapters/teams/activityTypes.ts).
 */
export function templateWithGeneratedCommands(templateText: string): { text: string; changed: boolean } {
  const template = JSON.parse(templateText) as Record<string, unknown>;
  const lists = commandListsFrom();
  let changed = false;
  for (const bot of botsOf(template)) {
    if (!sameJson(bot.commandLists, lists)) changed = true;
    bot.commandLists = lists;
  }
  const activities = { activityTypes: manifestActivityTypes() };
  if (!sameJson(template.activities, activities)) changed = true;
  template.activities = activities;
  const localizationInfo = manifestLocalizationInfo();
  if (!sameJson(template.localizationInfo, localizationInfo)) changed = true;
  template.localizationInfo = localizationInfo;
  return { text: `${JSON.stringify(template, null, 2)}\n`, changed };
}

/** The languages besides English whose localization file the package carries (one JSON each, `de.json`, …). */
export const MANIFEST_LANGUAGES: readonly Exclude<Language, 'en'>[] = SUPPORTED_LANGUAGES.filter((language): language is Exclude<Language, 'en'> => language !== 'en');

/** The manifest's `localizationInfo`: English in the manifest itself, every other language in its own file. */
export function manifestLocalizationInfo(): { defaultLanguageTag: string; additionalLanguages: { languageTag: string; file: string }[] } {
  return { defaultLanguageTag: 'en', additionalLanguages: MANIFEST_LANGUAGES.map((language) => ({ languageTag: language, file: `${language}.json` })) };
}

/**
 * A language's localization file for a filled manifest, from the message catalogue (so the app's words and the bot's
 * never drift apart): name, descriptions, the Requests tab, and each command's description. Command titles stay as
 * they are: they are what people type, and Doorman answers to those words in every language.
 */
export function manifestLocalization(manifest: Record<string, unknown>, language: Exclude<Language, 'en'>): Record<string, string> {
  const texts = MESSAGES[language];
  const t = (key: TextKey): string => texts[key];
  const name = manifest.name as { short: string };
  const file: Record<string, string> = {
    $schema: `https://developer.microsoft.com/json-schemas/teams/v${String(manifest.manifestVersion)}/MicrosoftTeams.Localization.schema.json`,
    'name.short': name.short,
    'name.full': t('manifest.nameFull'),
    'description.short': t('manifest.descriptionShort'),
    'description.full': t('manifest.descriptionFull'),
  };
  const tabs = Array.isArray(manifest.staticTabs) ? (manifest.staticTabs as { entityId: string; name?: string }[]) : [];
  tabs.forEach((tab, index) => {
    if (tab.entityId === 'requests') file[`staticTabs[${index}].name`] = t('manifest.requestsTab');
  });
  botsOf(manifest).slice(0, 1).forEach((bot) => {
    ((bot.commandLists ?? []) as CommandList[]).forEach((list, listIndex) => {
      list.commands.forEach((command, index) => {
        const key = `command.${command.title}`;
        if (!Object.hasOwn(texts, key)) return;
        file[`bots[0].commandLists[${listIndex}].commands[${index}].title`] = command.title;
        file[`bots[0].commandLists[${listIndex}].commands[${index}].description`] = t(key as TextKey);
      });
    });
  });
  return file;
}

/** Validates a localization file against the official schema of the manifest's version; returns messages. */
export function localizationProblems(file: Record<string, string>, manifestVersion: string, language: string): string[] {
  const schemaPath = join(dirname(manifestSchemaPath(manifestVersion)), 'MicrosoftTeams.Localization.schema.json');
  if (!existsSync(schemaPath)) return [`No bundled localization schema for manifestVersion ${manifestVersion}.`];
  // The published localization schema has patterns that are not valid Unicode-mode regular expressions (`\b]`).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  if (validate(file)) return [];
  return (validate.errors ?? []).map((error) => `${language}.json: schema: ${error.instancePath || '/'} ${error.message ?? ''}`.trim());
}

/** Builds, validates and writes `appPackage/build/doorman-<env>.zip`; throws PackageError listing every problem. */
export function buildAppPackage(envName: string, root = REPO_ROOT): PackageResult {
  const appPackageDir = join(root, 'appPackage');
  const templateText = readFileSync(join(appPackageDir, 'manifest.json'), 'utf8');
  const warnings: string[] = [];
  const generated = templateWithGeneratedCommands(templateText);
  if (generated.changed) {
    warnings.push(
      'appPackage/manifest.json lists other commands than CHAT_COMMANDS (or other activity types than Doorman sends); the package uses the generated ones. ' +
        'Run `npm run package -- --sync-template` to update the template.',
    );
  }
  const values = loadEnvironment(envName, root);
  const { text, missing } = fillPlaceholders(generated.text, values);
  const problems = missing.map((key) => `${key} is used by appPackage/manifest.json but set in no env/.env.${envName}* file.`);
  if (problems.length > 0) throw new PackageError(problems);
  if (/^0{8}-(0{4}-){3}0{12}$/.test(values.BOT_ID ?? '')) {
    warnings.push(`BOT_ID in env/.env.${envName} is the all-zero sample; set it from the deployment outputs.`);
  }

  const manifest = JSON.parse(text) as Record<string, unknown>;
  problems.push(...manifestProblems(manifest));
  const icons = manifest.icons as { color: string; outline: string };
  const color = readFileSync(join(appPackageDir, icons.color));
  const outline = readFileSync(join(appPackageDir, icons.outline));
  problems.push(...iconProblems(color, outline));
  const localizations = MANIFEST_LANGUAGES.map((language) => ({ language, file: manifestLocalization(manifest, language) }));
  for (const { language, file } of localizations) problems.push(...localizationProblems(file, String(manifest.manifestVersion), language));
  if (problems.length > 0) throw new PackageError(problems);

  const buildDir = join(appPackageDir, 'build');
  mkdirSync(buildDir, { recursive: true });
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const manifestPath = join(buildDir, `manifest.${envName}.json`);
  writeFileSync(manifestPath, manifestBytes);
  const zipPath = join(buildDir, `doorman-${envName}.zip`);
  writeFileSync(
    zipPath,
    zipFiles([
      { name: 'manifest.json', data: manifestBytes },
      { name: icons.color, data: color },
      { name: icons.outline, data: outline },
      ...localizations.map(({ language, file }) => ({ name: `${language}.json`, data: Buffer.from(`${JSON.stringify(file, null, 2)}\n`) })),
    ]),
  );
  return { zipPath, manifestPath, manifest, warnings };
}

/**
 * Renders `infra/main.parameters.json` for the Azure CLI. Parameters whose value comes from a `SECRET_*` key are
 * left out on purpose: `az deployment group create` then prompts for them, and no secret is written to disk.
 */
export function renderInfraParameters(envName: string, root = REPO_ROOT): string {
  const templateText = readFileSync(join(root, 'infra', 'main.parameters.json'), 'utf8');
  const template = JSON.parse(templateText) as { parameters: Record<string, { value: unknown }> };
  for (const [name, parameter] of Object.entries(template.parameters)) {
    if (placeholdersIn(JSON.stringify(parameter.value)).some((key) => key.startsWith('SECRET_'))) {
      delete template.parameters[name];
    }
  }
  const { text, missing } = fillPlaceholders(JSON.stringify(template, null, 2), loadEnvironment(envName, root));
  if (missing.length > 0) {
    throw new PackageError(missing.map((key) => `${key} is used by infra/main.parameters.json but set in no env/.env.${envName}* file.`));
  }
  const outputPath = join(root, 'appPackage', 'build', `main.parameters.${envName}.json`);
  mkdirSync(dirname(outputPath), { recursive: true });
  writeFileSync(outputPath, `${text}\n`);
  return outputPath;
}

function main(argv: readonly string[]): number {
  const envIndex = argv.indexOf('--env');
  const envName = envIndex >= 0 ? (argv[envIndex + 1] ?? '') : 'dev';
  try {
    if (argv.includes('--sync-template')) {
      const templatePath = join(REPO_ROOT, 'appPackage', 'manifest.json');
      const { text, changed } = templateWithGeneratedCommands(readFileSync(templatePath, 'utf8'));
      writeFileSync(templatePath, text);
      console.log(changed ? `updated commandLists in ${templatePath}` : `${templatePath} already matches CHAT_COMMANDS`);
    }
    const result = buildAppPackage(envName);
    for (const warning of result.warnings) console.warn(`warning: ${warning}`);
    console.log(`wrote ${result.manifestPath}`);
    console.log(`wrote ${result.zipPath} — upload it in Teams (Apps → Manage your apps → Upload an app) or the Teams admin center.`);
    if (argv.includes('--infra')) console.log(`wrote ${renderInfraParameters(envName)}`);
    return 0;
  } catch (error) {
    if (error instanceof PackageError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
