#!/usr/bin/env node
/**
 * `npm test`: the type check (as npm run typecheck) and the Jest suite, at the same time. tsc is
 * single-threaded (about 35 s of CPU); run before Jest it left one of the two cores idle for that
 * long. tsc's report is printed when both have ended, so it does not cut through Jest's; the exit
 * code is non-zero when either fails. Arguments go to Jest (npm test -- test/cli).
 * `--slow` (npm run test:slow) runs the slow tier instead (*.slow.test.ts, jest.config.js), without
 * the type check.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

/** Runs node with `args`; resolves to the exit code (1 when it could not start or was killed). */
function node(args, stdio, onOutput, env = process.env) {
  const child = spawn(process.execPath, args, { cwd: root, stdio, env });
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
    process.exitCode = await node([require.resolve('jest/bin/jest'), ...jestArgs.slice(1)], 'inherit', undefined, { ...process.env, ANYGATE_SLOW: '1' });
    return;
  }
  let report = '';
  const typecheck = node([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], ['ignore', 'pipe', 'pipe'], (d) => (report += d));
  const jestCode = await node([require.resolve('jest/bin/jest'), ...jestArgs], 'inherit');
  const typeCode = await typecheck;
  process.stdout.write(report);
  process.stdout.write(typeCode === 0 ? 'typecheck: no errors\n' : `typecheck: FAILED (tsc exit code ${typeCode})\n`);
  process.exitCode = typeCode === 0 && jestCode === 0 ? 0 : 1;
}

main();
