/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec|int-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@app/contracts$': '<rootDir>/libs/contracts/src',
    '^@app/contracts/(.*)$': '<rootDir>/libs/contracts/src/$1',
  },
  collectCoverageFrom: ['src/**/*.ts', 'libs/**/*.ts', '!**/*.spec.ts', '!**/testing/**', '!src/main.ts', '!src/cli.ts', '!src/config/apply-env-file.ts'],
  coverageDirectory: 'coverage',
  coverageThreshold: {
    './src/orchestration/': { lines: 85 },
  },
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  // A blocked event loop or a process that does not exit fails the run at once, naming the cause
  // (test/support/hang-guard.js). Not in Stryker's test runners (STRYKER_MUTATOR_WORKER): they
  // outlive each run, and its timeoutMS ends a mutant that blocks.
  ...(process.env.STRYKER_MUTATOR_WORKER === undefined && {
    globalSetup: '<rootDir>/test/support/jest-global-setup.js',
    globalTeardown: '<rootDir>/test/support/jest-global-teardown.js',
  }),
  testTimeout: 20000,
};
