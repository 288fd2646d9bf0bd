#!/usr/bin/env node
// The anygate CLI. The published package (and a checkout after `npm ci`, whose `prepare` script
// builds dist/) runs the compiled JavaScript; a checkout without dist/ compiles the TypeScript
// sources on load through tsx. ANYGATE_FROM_SOURCE=1 forces the sources (for work on the CLI itself).
const { existsSync } = require('node:fs');
const path = require('node:path');

// V8 moves a function to TurboFan once it has run a budget of bytecode (67,584 bytes by default).
// A one-shot command over a large spec (synth, validate, diff...) then has hundreds of functions
// compiled on the other core that it leaves soon after: CPU spent, no time saved. Three times
// the budget keeps TurboFan for what stays hot: `synth` of 2,000 routes takes about a fifth less
// CPU and no longer (docs/performance.md). Set before any module loads, so every function has it;
// `anygate dev` (a server, where steady state is what counts) keeps V8's default.
// The command is the first word that is not an option (global options such as --debug come first).
if (process.argv.slice(2).find((a) => !a.startsWith('-')) !== 'dev') require('node:v8').setFlagsFromString('--interrupt-budget=200000');

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
