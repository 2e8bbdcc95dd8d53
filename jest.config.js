/**
 * Jest projects: unit (domain, cards, i18n), usecases (use cases on SQLite in memory and a fake clock, no Teams or
 * HTTP), integration (adapters, HTTP, stores), e2e (Playground + Chromium, jest.e2e.config.js).
 */
const tsJest = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const common = { testEnvironment: 'node', transform: tsJest };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'usecases', testMatch: ['<rootDir>/test/usecases/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/sealNetwork.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/sealNetwork.ts'],
    },
  ],
};
