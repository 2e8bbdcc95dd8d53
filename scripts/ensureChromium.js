#!/usr/bin/env node
'use strict';
/**
 * Makes sure Debian's Chromium is at /usr/bin/chromium for the end-to-end tests (Playwright drives it; it never
 * downloads a browser of its own here). Installs it with apt-get when running as root; otherwise exits non-zero
 * saying what to install. Never skips silently.
 */
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const CHROMIUM = '/usr/bin/chromium';
const PACKAGE = 'chromium';

function run(command, args) {
  process.stdout.write(`ensureChromium: $ ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function chromiumVersion() {
  const result = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : 'version unknown';
}

function main() {
  if (fs.existsSync(CHROMIUM)) {
    process.stdout.write(`ensureChromium: ${CHROMIUM} present (${chromiumVersion()})\n`);
    return 0;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    process.stderr.write(
      `ensureChromium: ${CHROMIUM} is missing and this is not root, so it cannot be installed here.\n` +
        `Install Debian's Chromium first:  sudo apt-get update && sudo apt-get install -y ${PACKAGE}\n`,
    );
    return 1;
  }
  process.stdout.write(`ensureChromium: ${CHROMIUM} missing; installing Debian package "${PACKAGE}" (about 30 s)\n`);
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', PACKAGE]);
  if (!fs.existsSync(CHROMIUM)) {
    process.stderr.write(`ensureChromium: apt-get finished but ${CHROMIUM} still does not exist\n`);
    return 1;
  }
  process.stdout.write(`ensureChromium: installed ${CHROMIUM} (${chromiumVersion()})\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`ensureChromium: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
