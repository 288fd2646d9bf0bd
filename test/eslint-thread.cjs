/**
 * ESLint's own CLI (eslint/lib/cli.js, what eslint/bin/eslint.js runs) in a worker thread, so that
 * apigeelint's PO025 rule, which runs `node eslint.js --format json [-c CONFIG] FILE` once or twice
 * per JavaScript resource, costs a lint instead of a Node start and an ESLint load (about 1 s of
 * CPU a bundle). test/apigeelint.ts sends the arguments and waits for the answer synchronously
 * (PO025 calls spawnSync); here they go to cli.execute as the process's argv would, and what the
 * CLI prints and the exit code it sets come back as spawnSync's stdout, stderr and status. A crash
 * is answered as bin/eslint.js reports it: exit code 2 and "Oops! Something went wrong!".
 */
'use strict';
const path = require('node:path');
const util = require('node:util');
const { workerData } = require('node:worker_threads');

const { signal, port, eslintBin } = workerData;
const eslintDir = path.join(path.dirname(eslintBin), '..');
const cli = require(path.join(eslintDir, 'lib', 'cli.js'));
const { version } = require(path.join(eslintDir, 'package.json'));

/** bin/eslint.js's getErrorMessage: the message template when the error has one, else the stack. */
function errorMessage(error) {
  if (typeof error !== 'object' || error === null) return String(error);
  if (typeof error.messageTemplate === 'string') {
    try {
      return require(path.join(eslintDir, 'messages', `${error.messageTemplate}.js`))(error.messageData || {});
    } catch {
      // as bin/eslint.js: fall through to the stack
    }
  }
  return typeof error.stack === 'string' ? error.stack : util.format('%o', error);
}

// The CLI prints through console (lib/shared/logging.js); here each run's output is collected.
let stdout = '';
let stderr = '';
console.log = console.info = (...a) => void (stdout += `${util.format(...a)}\n`);
console.error = console.warn = (...a) => void (stderr += `${util.format(...a)}\n`);

function answer(result) {
  port.postMessage(result);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

let pending = false;

/** bin/eslint.js's onFatalError: exit code 2, the message on stderr. */
function fatal(error) {
  console.error(`\nOops! Something went wrong! :(\n\nESLint: ${version}\n\n${errorMessage(error)}`);
  if (pending) {
    pending = false;
    answer({ status: 2, stdout, stderr });
  }
}
// As bin/eslint.js does; here they also keep the waiting caller from waiting forever.
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

port.on('message', async ({ args }) => {
  stdout = '';
  stderr = '';
  pending = true;
  let status;
  try {
    status = await cli.execute([process.execPath, eslintBin, ...args]);
  } catch (error) {
    return fatal(error);
  }
  if (!pending) return;
  pending = false;
  answer({ status, stdout, stderr });
});
