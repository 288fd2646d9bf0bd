/**
 * The test runner, in one run: the same test files under Jest's default runner (a new module
 * registry per file: aws-cdk-lib, Pulumi and the compilers load again for every file) and under
 * jest-light-runner (jest.config.js: modules load once per worker process). Rounds alternate the
 * two; CPU seconds (user + system of the whole process tree, from GNU time) are the steady figure
 * on a shared machine, wall seconds are printed beside them.
 *
 *   npx tsx bench/test-runner.ts                      (BENCH_TESTS="test/model test/apigee" to choose)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const tests = (process.env.BENCH_TESTS ?? 'test/model test/apigee test/azure test/kubernetes test/capabilities').split(/\s+/).filter(Boolean);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const light = require(path.join(root, 'jest.config.js')) as Record<string, unknown>;
/** The default runner: Jest's own transform compiles the tests (@swc/jest), no tsx, Jest's timeouts. */
const classic = { ...light, rootDir: root, runner: undefined, setupFiles: [], setupFilesAfterEnv: [], testTimeout: 600_000 };

const dir = mkdtempSync(path.join(tmpdir(), 'anygate-bench-runner-'));

interface Figures {
  cpu: number;
  wall: number;
  tests: number;
}

function run(config: string | undefined): Figures {
  // The report goes to a file: tests may print to stdout.
  const reportFile = path.join(dir, 'report.json');
  const args = ['-f', '%U %S %e', process.execPath, path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--maxWorkers=2', '--json', `--outputFile=${reportFile}`, ...(config ? ['-c', config] : []), ...tests];
  const r = spawnSync('/usr/bin/time', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`GNU time (/usr/bin/time) is needed: ${r.error.message}`);
  const [user, sys, wall] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  if (report.numFailedTests > 0) throw new Error(`${report.numFailedTests} tests failed (${config ? 'default runner' : 'light runner'})`);
  return { cpu: user! + sys!, wall: wall!, tests: report.numPassedTests };
}

try {
  const classicConfig = path.join(dir, 'jest.classic.config.json');
  writeFileSync(classicConfig, JSON.stringify(classic));
  const rows: { runner: string; f: Figures }[] = [];
  for (let i = 0; i < rounds; i++) {
    rows.push({ runner: 'jest default runner', f: run(classicConfig) });
    rows.push({ runner: 'jest-light-runner', f: run(undefined) });
  }
  console.log(`files: ${tests.join(' ')}; ${rows[0]!.f.tests} tests; ${rounds} rounds, alternating\n`);
  console.log('| runner | CPU s | wall s |');
  console.log('|---|---|---|');
  for (const { runner, f } of rows) console.log(`| ${runner} | ${f.cpu.toFixed(1)} | ${f.wall.toFixed(1)} |`);
  // The best round of each: the first default round also fills Jest's transform cache.
  const of = (name: string, k: keyof Figures) => Math.min(...rows.filter((r) => r.runner === name).map((r) => r.f[k]));
  console.log(`\nbest rounds, light / default: CPU ${(of('jest-light-runner', 'cpu') / of('jest default runner', 'cpu')).toFixed(2)}, wall ${(of('jest-light-runner', 'wall') / of('jest default runner', 'wall')).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
