#!/usr/bin/env node
'use strict';
/**
 * Makes sure PostgreSQL's server binaries (initdb, pg_ctl) exist for the tests that run Doorman on PostgreSQL.
 * Installs Debian's `postgresql` package with apt-get when running as root; otherwise exits non-zero saying what to
 * install. Only installs: it never starts a server (tests make their own cluster in a temp dir on a spare port).
 * Prints the binary directory on success, e.g. /usr/lib/postgresql/15/bin.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const PACKAGE = 'postgresql';
const DEBIAN_ROOT = '/usr/lib/postgresql';
const BINARIES = ['initdb', 'pg_ctl'];

/** Debian installs server binaries under /usr/lib/postgresql/<major>/bin, not on PATH; newest major first. */
function findBinDir() {
  if (!fs.existsSync(DEBIAN_ROOT)) return undefined;
  const majors = fs
    .readdirSync(DEBIAN_ROOT)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const binDir = path.join(DEBIAN_ROOT, major, 'bin');
    if (BINARIES.every((binary) => fs.existsSync(path.join(binDir, binary)))) return binDir;
  }
  return undefined;
}

function run(command, args) {
  process.stdout.write(`ensurePostgres: $ ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function main() {
  const present = findBinDir();
  if (present) {
    process.stdout.write(`ensurePostgres: ${BINARIES.join(', ')} present in ${present}\n`);
    return 0;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    process.stderr.write(
      `ensurePostgres: ${BINARIES.join('/')} not found under ${DEBIAN_ROOT}/<version>/bin and this is not root.\n` +
        `Install PostgreSQL's server binaries first:  sudo apt-get update && sudo apt-get install -y ${PACKAGE}\n`,
    );
    return 1;
  }
  process.stdout.write(`ensurePostgres: ${BINARIES.join('/')} missing; installing Debian package "${PACKAGE}"\n`);
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', PACKAGE]);
  const installed = findBinDir();
  if (!installed) {
    process.stderr.write(`ensurePostgres: apt-get finished but ${BINARIES.join('/')} are still missing\n`);
    return 1;
  }
  process.stdout.write(`ensurePostgres: installed; ${BINARIES.join(', ')} in ${installed}\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`ensurePostgres: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
