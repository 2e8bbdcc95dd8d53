#!/usr/bin/env node
// `npm test`: every tier, in order — typecheck; unit; use cases; integration (SQLite and PostgreSQL); end to end (the real
// HTTP server + Agents Playground + headless Chromium). Tiers that need PostgreSQL or Chromium provision them first
// (Debian packages, as root) or stop with a message saying what to install. Nothing is skipped silently.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync } = require('node:fs');
const { availableParallelism, tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const reports = mkdtempSync(join(tmpdir(), 'doorman-test-'));
const results = [];
const counts = { passed: 0, failed: 0 };

/** Adds a jest JSON report's counts to the closing "N passed, N failed" line. */
function count(report) {
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    counts.passed += summary.numPassedTests;
    counts.failed += summary.numFailedTests;
  } catch {
    // no report: jest stopped before running tests, and the step's exit code says so
  }
}

/** Runs one step; on failure prints the summary and exits with the step's code. */
function step(name, command, args, report = null) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const run = spawnSync(command, report ? [...args, '--json', `--outputFile=${report}`] : args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push(`${run.status === 0 ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`);
  if (report) count(report);
  if (run.status !== 0) {
    process.stdout.write(`\n${results.join('\n')}\n\n${name} failed.\n${counts.passed} passed, ${Math.max(counts.failed, 1)} failed\n`);
    process.exit(run.status ?? 1);
  }
}

const jest = (name, args) => step(name, bin('jest'), args, join(reports, `${results.length}.json`));

const only = process.argv[2];
const tiers = {
  typecheck: () => step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']),
  unit: () => jest('unit tests', ['--selectProjects', 'unit']),
  usecases: () => jest('use-case tests (SQLite in memory, fake clock)', ['--selectProjects', 'usecases']),
  integration: () => {
    step('PostgreSQL for the integration tier', process.execPath, [join(__dirname, 'ensurePostgres.js')]);
    // Two workers even on two cores: the tier waits on child processes, PostgreSQL and sockets about as much as it
    // computes, so a second worker halves its time there (375 s → 201 s on this 2-core machine); Jest's default is one.
    const workers = Math.max(2, availableParallelism() - 1);
    jest('integration tests (SQLite and PostgreSQL)', ['--selectProjects', 'integration', `--maxWorkers=${workers}`]);
  },
  e2e: () => {
    step('Chromium for the end-to-end tier', process.execPath, [join(__dirname, 'ensureChromium.js')]);
    jest('end-to-end tests (HTTP server + Agents Playground + Chromium)', ['-c', 'jest.e2e.config.js']);
  },
};

if (only && !tiers[only]) {
  process.stderr.write(`unknown tier "${only}"; tiers: ${Object.keys(tiers).join(', ')}\n`);
  process.exit(2);
}
for (const [name, run] of Object.entries(tiers)) if (!only || only === name) run();
process.stdout.write(`\n${results.join('\n')}\n\nAll tiers passed.\n${counts.passed} passed, ${counts.failed} failed\n`);
