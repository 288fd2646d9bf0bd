/**
 * The `anygate` command line. Exit codes: 0 ok; 1 spec, validation or synthesis errors; 2 usage.
 * Errors are one clear block of lines; a stack trace only with --debug.
 *
 * Startup stays cheap: this module loads commander and the command table only; each command
 * loads the model, a cloud SDK or esbuild inside its action, when it runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { createColors } from 'picocolors';
import { AnygateError, SpecValidationError } from '../lib/model/errors';
import { formatIssueWithRule } from '../lib/model/rules';
import { COMMANDS } from './commands';
import { colorWanted, EXIT, UsageError, type Context, type Io, type Runner } from './commands/context';

export { EXIT, UsageError, type Io } from './commands/context';
export { parseTargets } from './commands/targets';

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  color: colorWanted(process.stderr),
};

/** The version in this package's package.json (dist/bin or bin, both under the package root). */
export function version(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const f = path.join(dir, 'package.json');
    if (existsSync(f)) return (JSON.parse(readFileSync(f, 'utf8')) as { version: string }).version;
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}

/** Builds the command tree; each action stores its exit code in `result.code`. */
export function buildProgram(io: Io, result: { code: number }): Command {
  const program = new Command('anygate')
    .description('One API gateway definition, synthesized for AWS API Gateway, Azure API Management and Apigee X.')
    .version(version(), '-V, --version', 'print the anygate version')
    .option('--debug', 'print stack traces for errors')
    .option('--verbose', 'list every warning (they are grouped by default)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run anygate --help for usage)');
  const ctx: Context = {
    io,
    colors: createColors(io.color ?? false),
    verbose: () => program.opts<{ verbose?: boolean }>().verbose === true,
  };
  const run: Runner = (f) => async (...args) => {
    result.code = await f(...args);
  };
  for (const c of COMMANDS) c.register(program, ctx, run);
  return program;
}

/** Prints an error the way the CLI words it; returns the exit code. */
function report(e: unknown, io: Io, debug: boolean): number {
  const red = createColors(io.color ?? false).red;
  if (e instanceof CommanderError) {
    // Help and version are not errors; everything else the parser rejects is a usage error.
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  // dev/ words its own usage errors (DevUsageError) without importing the CLI.
  if (e instanceof UsageError || (e instanceof AnygateError && e.name === 'DevUsageError')) {
    io.err(`anygate: ${e.message}\n`);
    return EXIT.usage;
  }
  if (e instanceof SpecValidationError) {
    const errors = e.issues.filter((i) => i.severity === 'error');
    // Each line ends with its rule id, on every command (validate, synth, dev...).
    for (const i of e.issues) io.err(formatIssueWithRule(i) + '\n');
    io.err(red(`${errors.length} error${errors.length === 1 ? '' : 's'}`) + '\n');
    if (debug) io.err(`${e.stack}\n`);
    return EXIT.failed;
  }
  if (e instanceof AnygateError) {
    io.err(`anygate: ${e.message}\n`);
    if (debug) io.err(`${e.stack}\n`);
    return EXIT.failed;
  }
  const err = e as Error;
  io.err(`anygate: unexpected error: ${err?.message ?? String(e)}\n${debug ? `${err?.stack}\n` : 'run again with --debug for the stack trace\n'}`);
  return EXIT.failed;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const result = { code: EXIT.ok as number };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (e) {
    return report(e, io, argv.includes('--debug'));
  }
}
