// One Jest run for the whole workspace: native ES modules (NODE_OPTIONS=--experimental-vm-modules),
// TypeScript through swc with decorator metadata, workspace aliases mapped to library sources.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    target: 'es2023',
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@bp/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^@bp/([a-z-]+)/([a-z-]+)$': '<rootDir>/libs/$1/src/$2/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

// Three tiers (docs/testing.md), each its own command; `npm test` runs all three. Files run side by
// side (TEST_WORKERS jest workers); those that touch the engines use their worker's own instance.
// Their tests wait on real processes, so they get 60 s unless a test says otherwise (the setup file).
const onWorkerInfra = {
  testEnvironment: '<rootDir>/jest/worker-environment.js',
  setupFilesAfterEnv: ['<rootDir>/jest/engine-test-timeout.js'],
};

export default {
  testSequencer: '<rootDir>/jest/slow-first-sequencer.js',
  projects: [
    {
      // No I/O, seconds: any network connection fails the spec (jest/unit-no-network.js).
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,deploy,scripts}/**/*.spec.ts'],
      testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '\\.integration\\.spec\\.ts$'],
      setupFilesAfterEnv: ['<rootDir>/jest/unit-no-network.js'],
    },
    {
      // One component on the real engines (scripts/infra): a repository, a migration, the outbox relay.
      ...shared,
      ...onWorkerInfra,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.integration.spec.ts'],
    },
    {
      // The platform: services as real processes from dist/, browsers for the portal.
      ...shared,
      ...onWorkerInfra,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.spec.ts'],
    },
  ],
};
