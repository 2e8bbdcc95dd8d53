import { readFileSync } from 'node:fs';
import { Clock } from '../../src/application/ports';
import { loadConfig } from '../../src/config';
import { startDoorman } from '../../src/main';

// A real Doorman process for crash tests: configuration from the environment, its URL on stdout, killed with SIGKILL.
// With DOORMAN_TEST_CLOCK_FILE, its clock runs that many milliseconds ahead of the wall clock (the file holds the
// number): several processes read the same file, so a test moves their time together to reach deadlines.
const clockFile = process.env.DOORMAN_TEST_CLOCK_FILE;
const clock: Clock | undefined = clockFile
  ? {
      now() {
        let offset = 0;
        try {
          offset = Number(readFileSync(clockFile, 'utf8')) || 0;
        } catch {
          offset = 0;
        }
        return new Date(Date.now() + offset);
      },
    }
  : undefined;

startDoorman(loadConfig(), clock ? { clock } : {}).then(
  (doorman) => process.stdout.write(`${JSON.stringify({ url: doorman.url })}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
