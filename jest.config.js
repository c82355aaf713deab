// One Jest run for the whole monorepo: unit tests need nothing, integration tests share one
// real PostgreSQL and one real Kafka broker started by the global setup (once per run).
const shared = {
  testEnvironment: 'node',
  testEnvironmentOptions: { globalsCleanup: 'off' },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'packages/tsconfig/jest.json' }] },
  moduleNameMapper: {
    '^@attribution/(core|db|testing|cli|pixel)$': '<rootDir>/packages/$1/src',
    '^@attribution/(ingest-api|dispatcher|pruner|standalone)$': '<rootDir>/apps/$1/src',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

module.exports = {
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/packages/testing/src/jest/summary-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,packages}/*/src/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.integration\\.test\\.ts$', '/node_modules/'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,packages}/*/src/**/*.integration.test.ts'],
      globalSetup: '<rootDir>/packages/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/packages/testing/src/jest/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/packages/testing/src/jest/integration-timeout.ts'],
    },
  ],
};
