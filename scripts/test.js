#!/usr/bin/env node
// `npm test`: every tier, in order — typecheck; unit; integration (SQLite and PostgreSQL); end to end (the real
// HTTP server + Agents Playground + headless Chromium). Tiers that need PostgreSQL or Chromium provision them first
// (Debian packages, as root) or stop with a message saying what to install. Nothing is skipped silently.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const results = [];

function step(name, command, args, env = {}) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push(`${run.status === 0 ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`);
  if (run.status !== 0) {
    process.stdout.write(`\n${results.join('\n')}\n\n${name} failed.\n`);
    process.exit(run.status ?? 1);
  }
}

const only = process.argv[2];
const tiers = {
  typecheck: () => step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']),
  unit: () => step('unit tests', bin('jest'), ['--selectProjects', 'unit']),
  integration: () => {
    step('PostgreSQL for the integration tier', process.execPath, [join(__dirname, 'ensurePostgres.js')]);
    step('integration tests (SQLite and PostgreSQL)', bin('jest'), ['--selectProjects', 'integration']);
  },
  e2e: () => {
    step('Chromium for the end-to-end tier', process.execPath, [join(__dirname, 'ensureChromium.js')]);
    step('end-to-end tests (HTTP server + Agents Playground + Chromium)', bin('jest'), ['-c', 'jest.e2e.config.js']);
  },
};

if (only && !tiers[only]) {
  process.stderr.write(`unknown tier "${only}"; tiers: ${Object.keys(tiers).join(', ')}\n`);
  process.exit(2);
}
for (const [name, run] of Object.entries(tiers)) if (!only || only === name) run();
process.stdout.write(`\n${results.join('\n')}\n\nAll tiers passed.\n`);
