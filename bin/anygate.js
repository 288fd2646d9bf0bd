#!/usr/bin/env node
// The anygate CLI. The published package (and a checkout after `npm ci`, whose `prepare` script
// builds dist/) runs the compiled JavaScript; a checkout without dist/ compiles the TypeScript
// sources on load through tsx. ANYGATE_FROM_SOURCE=1 forces the sources (for work on the CLI itself).
const { existsSync } = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'dist', 'bin', 'cli.js');
let cli;
if (process.env.ANYGATE_FROM_SOURCE !== '1' && existsSync(compiled)) {
  cli = require(compiled);
} else {
  require('tsx/cjs/api').register();
  cli = require('./cli.ts');
}
// A reader that stops early (`anygate diff | head`) closes the pipe: stop at once and quietly with
// the status a shell gives a command SIGPIPE ended (128 + 13), as Unix tools do; other write
// errors stay errors.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(141);
});
cli.main(process.argv).then((code) => {
  process.exitCode = code;
});
