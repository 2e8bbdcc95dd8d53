// `-r ts-node/register/transpile-only`, with each file's TypeScript → JavaScript output kept on disk between processes.
// The test child processes (crash tests, CLIs) each load the whole of src: ts-node transpiles ~1.6 MB of TypeScript
// every time (~6 s of CPU); with this, only the first process after a change pays. Same loader (ts-node: tsconfig,
// source maps, ignore rules), same compiler (TypeScript's transpileModule with the options ts-node passes); the output
// is keyed by the TypeScript version, those options, the file's path and its content, so a changed file is
// transpiled again. Use: spawn(process.execPath, ['-r', require.resolve('<this file>'), 'file.ts']).
const { createHash, randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const CACHE_DIR = join(tmpdir(), 'doorman-ts-node-cache');

/** A ts-node transpiler (`transpiler` option): TypeScript's transpileModule, memoised on disk. */
function create({ service }) {
  const ts = require(service.options.compiler ?? 'typescript');
  const compilerOptions = service.config.options;
  const salt = `${ts.version}\0${JSON.stringify(compilerOptions)}\0`;
  return {
    transpile(input, { fileName }) {
      const key = createHash('sha256').update(salt).update(fileName).update('\0').update(input).digest('hex');
      const file = join(CACHE_DIR, `${key}.json`);
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // Not transpiled yet (or a torn file from a killed process): transpile and keep it.
      }
      const { outputText, sourceMapText, diagnostics } = ts.transpileModule(input, { fileName, compilerOptions, reportDiagnostics: true });
      if (diagnostics && diagnostics.length > 0) return { outputText, sourceMapText, diagnostics };
      // Written aside and renamed: processes starting together never read a half-written file. The cache only saves
      // time: when it cannot be written (its folder removed meanwhile, a full disk), the output is used all the same.
      const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        mkdirSync(CACHE_DIR, { recursive: true });
        writeFileSync(partial, JSON.stringify({ outputText, sourceMapText }));
        renameSync(partial, file);
      } catch {
        rmSync(partial, { force: true });
      }
      return { outputText, sourceMapText };
    },
  };
}

module.exports = { create };

// As a preload (`-r`): register ts-node with this file as its transpiler (ts-node finds `create` above).
require('ts-node').register({ transpileOnly: true, transpiler: __filename });
