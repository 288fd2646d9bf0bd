#!/usr/bin/env node
/**
 * `npm test`: the type check (as npm run typecheck) and the Jest suite, at the same time. The
 * sources are type-checked by the build (tsc -b tsconfig.build.json, run first: current after
 * `npm ci`, whose `prepare` builds); the tests, benches and examples are checked against the
 * build's declarations (tsconfig.test.json), so no source is checked twice. That check is
 * single-threaded (about 25 s of CPU); run before Jest it would leave one of the two cores idle for
 * that long. tsc's report is printed when both have ended, so it does not cut through Jest's; the exit
 * code is non-zero when either fails. Arguments go to Jest (npm test -- test/cli).
 * `--slow` (npm run test:slow) runs the slow tier instead (*.slow.test.ts and the properties at
 * 1,000 specs, jest.config.js), without the type check.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

/**
 * Jest prints a line as each test file ends, and no test or hook may run 10 minutes
 * (test/setup/timeouts.cjs), so 15 silent minutes is a hang, not a slow machine. The one hang
 * seen: a jest-light-runner (tinypool) worker process that never takes its first test file, at
 * start-up, leaving Jest waiting on it forever (twice in about 40 runs, on busy machines; the file
 * it held passes alone). The run is then stopped and started once more, and says so.
 */
const STALL_MS = Number(process.env.ANYGATE_STALL_MS) || 15 * 60 * 1000; // ANYGATE_STALL_MS: to try the guard

/** Jest in its own process group, output passed through; resolves to the exit code, or 'stalled'. */
function jest(args, env) {
  const child = spawn(process.execPath, [require.resolve('jest/bin/jest'), ...args], { cwd: root, stdio: ['inherit', 'pipe', 'pipe'], env, detached: true });
  let last = Date.now();
  child.stdout.on('data', (d) => ((last = Date.now()), process.stdout.write(d)));
  child.stderr.on('data', (d) => ((last = Date.now()), process.stderr.write(d)));
  let stalled = false;
  const watch = setInterval(() => {
    if (Date.now() - last < STALL_MS) return;
    stalled = true;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, 10_000);
  return new Promise((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`jest: ${e.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      clearInterval(watch);
      resolve(stalled ? 'stalled' : signal ? 1 : code);
    });
  });
}

/** Jest, started once more if it stalled (see STALL_MS). */
async function jestOnce(args, env = process.env) {
  const first = await jest(args, env);
  if (first !== 'stalled') return first;
  process.stderr.write(`\nnpm test: Jest printed nothing for ${STALL_MS / 60000} minutes, which only a hang explains (test/npm-test.js, STALL_MS); running it once more\n\n`);
  const again = await jest(args, env);
  return again === 'stalled' ? 1 : again;
}

/** Runs node with `args`; resolves to the exit code (1 when it could not start or was killed). */
function node(args, stdio, onOutput) {
  const child = spawn(process.execPath, args, { cwd: root, stdio });
  if (onOutput) {
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
  }
  return new Promise((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`${path.basename(args[0])}: ${e.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(signal ? 1 : code));
  });
}

async function main() {
  const jestArgs = process.argv.slice(2);
  if (jestArgs[0] === '--slow') {
    process.exitCode = await jestOnce(jestArgs.slice(1), { ...process.env, ANYGATE_SLOW: '1', FUZZ_RUNS: process.env.FUZZ_RUNS ?? '1000' });
    return;
  }
  // The build first (incremental: about a second when dist/ is current, as after `npm ci`): it
  // type-checks the sources, and the tests' type check reads its declarations (tsconfig.test.json).
  let report = '';
  const tsc = require.resolve('typescript/bin/tsc');
  const built = await node([tsc, '-b', 'tsconfig.build.json'], ['ignore', 'pipe', 'pipe'], (d) => (report += d));
  if (built !== 0) {
    process.stdout.write(report);
    process.stdout.write(`typecheck: FAILED (the build, tsc -b tsconfig.build.json, exit code ${built})\n`);
    process.exitCode = 1;
    return;
  }
  const typecheck = node([tsc, '-p', 'tsconfig.test.json', '--noEmit'], ['ignore', 'pipe', 'pipe'], (d) => (report += d));
  const jestCode = await jestOnce(jestArgs);
  const typeCode = await typecheck;
  process.stdout.write(report);
  process.stdout.write(typeCode === 0 ? 'typecheck: no errors\n' : `typecheck: FAILED (tsc exit code ${typeCode})\n`);
  process.exitCode = typeCode === 0 && jestCode === 0 ? 0 : 1;
}

main();
