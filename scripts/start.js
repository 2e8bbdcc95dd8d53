#!/usr/bin/env node
// `npm start`: Doorman on the embedded default (SQLite, local room, .eml mail) plus the Microsoft 365 Agents
// Playground pointed at it. Ctrl+C stops both.
const { spawn } = require('node:child_process');
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const port = Number(process.env.PORT ?? 3978);
const playgroundPort = Number(process.env.PLAYGROUND_PORT ?? 56150);
const children = [];

function say(message) {
  process.stdout.write(`[doorman] ${message}\n`);
}

function stopAll(code) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}

async function waitFor(url, what, timeoutMs) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
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

async function portTaken(port) {
  try {
    await fetch(`http://127.0.0.1:${port}/`);
    return true;
  } catch {
    return false;
  }
}

async function main() {
  for (const [taken, name] of [[port, 'PORT'], [playgroundPort, 'PLAYGROUND_PORT']]) {
    if (await portTaken(taken)) throw new Error(`port ${taken} is already in use (another Doorman or Playground?). Stop it, or set ${name}.`);
  }
  mkdirSync(join(root, 'data', 'mail'), { recursive: true });
  say('starting the bot (SQLite at ./data/doorman.db, mail as .eml in ./data/mail, local meeting room)…');
  const bot = spawn(process.execPath, ['--no-deprecation', '-r', 'ts-node/register/transpile-only', join(root, 'src', 'main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), TS_NODE_PROJECT: join(root, 'tsconfig.json') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(bot);
  bot.on('exit', (code) => {
    say(`the bot stopped (exit code ${code}).`);
    stopAll(code ?? 1);
  });
  await waitFor(`http://127.0.0.1:${port}/healthz`, 'The bot', 60_000);

  say('starting the Microsoft 365 Agents Playground…');
  const playground = spawn(
    join(root, 'node_modules', '.bin', 'agentsplayground'),
    ['-e', `http://127.0.0.1:${port}/api/messages`, '-c', 'msteams', '-p', String(playgroundPort), '--disable-telemetry'],
    // Without a terminal the Playground tries to open a browser (xdg-open) and exits; "none" keeps it running.
    { cwd: root, env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push(playground);
  playground.on('exit', (code) => {
    say(`the Playground stopped (exit code ${code}); see ./devTools/m365agentsplayground.log`);
    stopAll(code ?? 1);
  });
  await waitFor(`http://127.0.0.1:${playgroundPort}/`, 'The Agents Playground', 60_000);

  say('');
  say(`Ready. Open http://localhost:${playgroundPort} — you are "Alex Agent" (admin + agent).`);
  say('  1. In the team channel "Tier 1": @Doorman register queue Tier 1');
  say('  2. In the personal chat: new session');
  say(`Customers open their link on http://localhost:${port}/j/…  ·  health: http://localhost:${port}/healthz`);
  say('Ctrl+C stops everything.');
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
main().catch((error) => {
  say(error.message);
  stopAll(1);
});
