// The Jest configuration of every workspace, from its own jest.config.js:
//   module.exports = require('../../jest.preset')(__dirname, { services: ['postgres', 'kafka'] });
// `npm test` runs each workspace's unit tests (turbo task test:unit) and then, one workspace at a
// time, its integration tests (test:integration), which get a real PostgreSQL and, when the
// workspace asks for it, a real Kafka broker, started once per run by the global setup.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = __dirname;

/** Every workspace by package name, read from the root package.json: the one package graph. */
function workspaces() {
  const globs = require('./package.json').workspaces;
  return globs.flatMap((glob) => {
    const base = path.join(ROOT, glob.replace(/\/\*$/, ''));
    return fs
      .readdirSync(base)
      .map((dir) => path.join(base, dir))
      .filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
      .map((dir) => ({ name: require(path.join(dir, 'package.json')).name, dir }));
  });
}

/** Tests import workspaces by name and get their sources, as tsconfig.test.json's paths do. */
const moduleNameMapper = Object.fromEntries(workspaces().map(({ name, dir }) => [`^${name.replace('/', '\\/')}$`, path.join(dir, 'src')]));

module.exports = function jestConfig(workspaceDir, { services = ['postgres'] } = {}) {
  const shared = {
    rootDir: workspaceDir,
    testEnvironment: 'node',
    testEnvironmentOptions: { globalsCleanup: 'off' },
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(ROOT, 'packages/tsconfig/jest.json') }] },
    moduleNameMapper,
    modulePathIgnorePatterns: ['<rootDir>/dist/'],
  };
  return {
    maxWorkers: 2,
    passWithNoTests: true,
    reporters: ['default', path.join(ROOT, 'packages/testing/src/jest/summary-reporter.js')],
    projects: [
      {
        ...shared,
        displayName: 'unit',
        testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
        testPathIgnorePatterns: ['\\.integration\\.test\\.ts$', '/node_modules/'],
      },
      {
        ...shared,
        displayName: 'integration',
        testMatch: ['<rootDir>/src/**/*.integration.test.ts', '<rootDir>/test/**/*.integration.test.ts'],
        globals: { attributionTestServices: services },
        globalSetup: path.join(ROOT, 'packages/testing/src/jest/global-setup.ts'),
        globalTeardown: path.join(ROOT, 'packages/testing/src/jest/global-teardown.ts'),
        setupFilesAfterEnv: [path.join(ROOT, 'packages/testing/src/jest/integration-timeout.ts')],
      },
    ],
  };
};
