import { loadConfig } from '../../src/config';
import { startDoorman } from '../../src/main';

// A real Doorman process for crash tests: configuration from the environment, its URL on stdout, killed with SIGKILL.
startDoorman(loadConfig()).then(
  (doorman) => process.stdout.write(`${JSON.stringify({ url: doorman.url })}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
