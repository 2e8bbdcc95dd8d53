import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_ROWS } from '../../../scripts/bench/bench';

const BENCH = join(__dirname, '..', '..', '..', 'scripts', 'bench', 'bench.ts');

/**
 * `npm run bench` itself is not part of `npm test` (it takes minutes and its figures are timings). This runs one tiny
 * round of every row (`--smoke`, sources under ts-node) and checks that the table has every row with a ratio; it
 * asserts no timing.
 */
describe('npm run bench (smoke)', () => {
  it('prints one table with every row, each with a min / median / max ratio', async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['-r', join(__dirname, '..', '..', 'support', 'tsNodeCached.js'), BENCH, '--smoke'],
        { cwd: join(__dirname, '..', '..', '..'), timeout: 240_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      ),
    );
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
    const tableRows = run.stdout.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| what'));
    for (const row of BENCH_ROWS) {
      const line = tableRows.find((candidate) => candidate.startsWith(`| ${row}`));
      expect({ row, line: line ?? null }).toEqual({ row, line: expect.stringMatching(/\d+(\.\d+)? \/ \*\*\d+(\.\d+)?\*\* \/ \d+(\.\d+)?×/) });
    }
    expect(tableRows).toHaveLength(BENCH_ROWS.length + 1);
  }, 300_000);
});
