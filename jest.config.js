/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // The CLI tests run the compiled CLI (dist/); this rebuilds it when a source is newer.
  globalSetup: '<rootDir>/test/global-setup.ts',
  // Generous: the suite must pass on a machine loaded eight times over; no test measures speed.
  testTimeout: 600000,
  // Each worker holds aws-cdk-lib and Pulumi in memory; two workers match the 2-core machines.
  maxWorkers: 2,
  // The slowest files first, also on a fresh clone with no timing cache (test/sequencer.js).
  testSequencer: '<rootDir>/test/sequencer.js',
};
