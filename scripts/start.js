#!/usr/bin/env node
// `npm start`: Doorman on the embedded default (SQLite, local room, .eml mail) plus the Microsoft 365 Agents
// Playground pointed at it, one per persona (`npm start -- --as carl,dana`). Ctrl+C stops everything.
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');

const root = join(__dirname, '..');
require('ts-node').register({ transpileOnly: true, project: join(root, 'tsconfig.json') });
const { ConfigError, loadConfig, loadEnvironment } = require('../src/config');
const { findPersona, localPersonas, readPlaygroundTenant, tenantActingAs, whatToTry } = require('./localPersonas');

const PLAYGROUND_CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');
const USAGE = `Usage: npm start [-- --as <persona>[,<persona>…]]

Starts Doorman in local mode and one Microsoft 365 Agents Playground per persona, on PLAYGROUND_PORT and the
ports after it. Without --as you are Alex Agent (admin + agent). Personas: alex, bea, carl, dana, eve, finn.`;

const children = [];
const tempDirs = [];
let stopping = false;

function say(message) {
  process.stdout.write(`[doorman] ${message}\n`);
}

/** Stops the children, waits for them, and exits with `code`; a second call while stopping does nothing. */
function stopAll(code, farewell) {
  if (stopping) return;
  stopping = true;
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  const exited = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGTERM');
  const killer = setTimeout(() => running.forEach((child) => child.kill('SIGKILL')), 5_000);
  Promise.all(exited).then(() => {
    clearTimeout(killer);
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    if (farewell) say(farewell);
    process.exit(code);
  });
}

/** Fails when something listens on the port already (on loopback or on every interface). */
async function ensureFree(port, host, variable) {
  for (const address of [host, undefined]) {
    const problem = await new Promise((resolve) => {
      const probe = createServer();
      probe.once('error', (error) => resolve(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? error.code : null));
      probe.listen(port, address, () => probe.close(() => resolve(null)));
    });
    if (problem) {
      throw new Error(
        `port ${port} is ${problem === 'EACCES' ? 'not allowed' : 'already in use (another Doorman or Playground?)'}. ` +
          `Stop what uses it, or set ${variable} to a free port (in .env or the environment).`,
      );
    }
  }
}

async function waitFor(url, what, timeoutMs) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (stopping) return;
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

function readArguments() {
  const { values } = parseArgs({ options: { as: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  return (values.as ?? ['alex']).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
}

/** Starts one Playground acting as `persona` on `port`; its tenant file is the committed one with that user acting. */
function startPlayground(tenant, persona, port, botUrl, env) {
  const dir = mkdtempSync(join(tmpdir(), `doorman-playground-${persona.alias}-`));
  tempDirs.push(dir);
  const tenantPath = join(dir, '.m365agentsplayground.yml');
  // JSON is YAML, so no YAML writer is needed.
  writeFileSync(tenantPath, JSON.stringify(tenantActingAs(tenant, persona.alias), null, 2));
  const log = join(root, 'devTools', `m365agentsplayground-${persona.alias}.log`);
  const child = spawn(process.execPath, [PLAYGROUND_CLI, '-e', botUrl, '-c', 'msteams', '-p', String(port), '--disable-telemetry'], {
    cwd: root,
    env: {
      ...env,
      // Without a terminal the Playground tries to open a browser (xdg-open) and exits; "none" keeps it running.
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: tenantPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: log,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk.toString()));
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    if (errors.trim()) process.stderr.write(errors);
    say(`the Playground of ${persona.name} stopped (${signal ?? `exit code ${code}`}); see ${log}`);
    stopAll(code || 1);
  });
}

async function main() {
  const env = loadEnvironment();
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const tenant = readPlaygroundTenant();
  const personas = localPersonas(tenant);
  const chosen = readArguments().map((who) => findPersona(personas, who));
  const ports = chosen.map((_, index) => config.playgroundPort + index);

  await ensureFree(config.port, config.host, 'PORT');
  for (const port of ports) await ensureFree(port, '127.0.0.1', 'PLAYGROUND_PORT');

  const store = config.store.kind === 'sqlite' ? `SQLite at ${config.store.path}` : 'PostgreSQL';
  const mail = config.mail.kind === 'local' ? `mail as .eml in ${config.mail.dir}` : 'mail through Graph';
  say(`starting the bot (${store}, ${mail}, ${config.meetings === 'local' ? 'local meeting room' : 'Teams meetings'})…`);
  const bot = spawn(process.execPath, ['--no-deprecation', '-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')], {
    cwd: root,
    env: { ...env, TS_NODE_PROJECT: join(root, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(bot);
  bot.on('exit', (code, signal) => {
    if (stopping) return;
    say(`the bot stopped (${signal ?? `exit code ${code}`}).`);
    stopAll(code || 1);
  });
  const botHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const botUrl = `http://${botHost}:${config.port}`;
  await waitFor(`${botUrl}/healthz`, 'The bot', 60_000);
  if (stopping) return;

  say(`starting the Microsoft 365 Agents Playground for ${chosen.map((p) => p.name).join(', ')}…`);
  chosen.forEach((persona, index) => startPlayground(tenant, persona, ports[index], `${botUrl}/api/messages`, env));
  for (const port of ports) await waitFor(`http://127.0.0.1:${port}/`, 'The Agents Playground', 60_000);
  if (stopping) return;

  say('');
  chosen.forEach((persona, index) => {
    const roles = persona.roles.length > 0 ? persona.roles.join(' + ') : 'no Doorman role';
    say(`Ready. Open http://localhost:${ports[index]} — you are "${persona.name}" (${roles}). Try:`);
    for (const tip of whatToTry(persona, index === 0)) say(`    ${tip}`);
  });
  const others = personas.filter((p) => !chosen.includes(p)).map((p) => p.alias);
  say(`Other personas: npm start -- --as ${others.join('|')}   (several at once: --as carl,dana)`);
  say(`Customers open their link on ${config.publicBaseUrl}/j/…  ·  health: ${botUrl}/healthz`);
  say('Ctrl+C stops everything.');
}

// Ctrl+C reaches every process of the terminal's group; the children stop on their own signal, and we say it once.
process.on('SIGINT', () => stopAll(0, 'stopped.'));
process.on('SIGTERM', () => stopAll(0, 'stopped.'));
main().catch((error) => {
  process.stderr.write(`[doorman] cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  stopAll(1);
});
