/**
 * Jest configuration for the end-to-end tests: the bot's HTTP server, the Microsoft 365 Agents Playground and
 * headless Chromium. Run with `npx jest -c jest.e2e.config.js` (needs /usr/bin/chromium: scripts/ensureChromium.js).
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
  testTimeout: 180000,
  maxWorkers: 1,
};
