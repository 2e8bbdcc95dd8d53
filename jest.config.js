/** Jest projects: unit (domain, cards, i18n), integration (adapters, HTTP, stores), e2e (Playground + Chromium). */
const tsJest = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const common = { testEnvironment: 'node', transform: tsJest };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/sealNetwork.ts'],
    },
  ],
};
