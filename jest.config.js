const path = require('node:path');

// Into every worker process (tinypool forks them with this environment): keeps an early
// worker-data answer that jest-light-runner would otherwise lose (test/setup/worker-data.cjs).
const workerData = `--require ${JSON.stringify(path.join(__dirname, 'test', 'setup', 'worker-data.cjs'))}`;
if (!(process.env.NODE_OPTIONS ?? '').includes(workerData)) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${workerData}`.trim();

/**
 * Properties the slow tier runs again, at 1,000 other specs (FUZZ_RUNS): the adopt round trip
 * (1,000 in npm test too, in four files: test/adopt/roundtrip-property.ts; ~16 ms of CPU a spec,
 * docs/performance.md) and the Kubernetes YAML writers (300 in npm test). (The agreement property,
 * test/capabilities/agreement.test.ts, runs 1,000 specs in npm test itself.)
 */
const PROPERTIES = ['**/adopt/roundtrip-specs-*.test.ts', '**/kubernetes/yaml-writers.test.ts'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Two tiers. `npm test`: every *.test.ts but the slow tier's own files. `npm run test:slow` (ANYGATE_SLOW=1):
  // the *.slow.test.ts files, proofs whose cost is in outside tools rather than in anygate (the
  // packed tarball compiled by tsc in fresh projects; cfn-lint on a 5,000-route template, whose
  // duplicate check is quadratic in the method settings). CI (.ci/run) runs both.
  // The slow tier also runs the properties below at 1,000 specs (FUZZ_RUNS, set by test/npm-test.js).
  testMatch: process.env.ANYGATE_SLOW === '1' ? ['**/*.slow.test.ts', ...PROPERTIES] : ['**/*.test.ts'],
  testPathIgnorePatterns: process.env.ANYGATE_SLOW === '1' ? ['/node_modules/'] : ['/node_modules/', '\\.slow\\.test\\.ts$'],
  // jest-light-runner runs test files in plain Node processes that stay up for many files, so
  // aws-cdk-lib, Pulumi and the compilers load once per worker instead of once per file (Jest's
  // default runner gives every file a new module registry: about 40% of the suite's CPU).
  // Child processes rather than worker threads, for process.chdir. What it leaves out and this
  // suite does not use: module mocks and per-file globals.
  runner: 'jest-light-runner/child-process',
  // tsx compiles the TypeScript test files; limits per test: test/setup/timeouts.cjs.
  setupFiles: ['<rootDir>/test/setup/typescript.mjs'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/timeouts.cjs'],
  // The global setup goes through Jest's own transform.
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // The CLI tests run the compiled CLI (dist/); this rebuilds it when a source is newer.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Each worker holds aws-cdk-lib and Pulumi in memory; two workers match the 2-core machines.
  maxWorkers: 2,
  // The slowest files first, also on a fresh clone with no timing cache (test/sequencer.js).
  testSequencer: '<rootDir>/test/sequencer.js',
};
