/** `anygate validate [spec]`: load and validate; `--json` prints a report on stdout, valid or not. */
import type { Command } from 'commander';
import { AnygateError, SpecValidationError, type SpecIssue } from '../../lib/model/errors';
import { EXIT, plural, type CommandModule, type Context } from './context';
import { specArgument, SPEC_FILES } from './spec-file';
import { fromIssue, groupWarnings } from './warnings';

interface ValidateFlags {
  json?: boolean;
}

/** The machine-readable report: the same shape whether the spec is valid or not. */
export interface ValidateReport {
  readonly file: string;
  readonly valid: boolean;
  readonly gateway?: string;
  readonly routes?: number;
  readonly errors: Omit<SpecIssue, 'severity'>[];
  readonly warnings: Omit<SpecIssue, 'severity'>[];
}

const strip = ({ severity: _s, ...rest }: SpecIssue) => rest;

async function report(file: string): Promise<ValidateReport> {
  const { loadSpec } = require('../../lib/load') as typeof import('../../lib/load');
  try {
    const loaded = await loadSpec(file);
    return { file, valid: true, gateway: loaded.spec.name, routes: loaded.spec.routes.length, errors: [], warnings: loaded.warnings.map(strip) };
  } catch (e) {
    if (e instanceof SpecValidationError) {
      return { file, valid: false, errors: e.issues.filter((i) => i.severity === 'error').map(strip), warnings: e.issues.filter((i) => i.severity === 'warning').map(strip) };
    }
    if (e instanceof AnygateError) return { file, valid: false, errors: [{ path: [], file, message: e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message }], warnings: [] };
    throw e;
  }
}

async function validate(given: string | undefined, flags: ValidateFlags, ctx: Context): Promise<number> {
  const file = specArgument(given, flags.json ? () => undefined : ctx.io.err);
  if (flags.json) {
    const r = await report(file);
    ctx.io.out(JSON.stringify(r, null, 2) + '\n');
    return r.valid ? EXIT.ok : EXIT.failed;
  }
  // Not --json: errors propagate to main, which prints them located and exits 1.
  const { loadSpec } = require('../../lib/load') as typeof import('../../lib/load');
  const loaded = await loadSpec(file);
  const c = ctx.colors;
  for (const line of groupWarnings(loaded.warnings.map(fromIssue), ctx.verbose())) ctx.io.err(`${c.yellow('warning')}: ${line}\n`);
  ctx.io.out(`${file}: ${c.green('valid')} (gateway ${loaded.spec.name}, ${plural(loaded.spec.routes.length, 'route')})\n`);
  return EXIT.ok;
}

export const validateCommand: CommandModule = {
  register(program: Command, ctx, run) {
    program
      .command('validate')
      .description('validate a spec (YAML, JSON, OpenAPI or TypeScript); prints every error with its location')
      .argument('[spec]', `spec file (default: the first of ${SPEC_FILES.join(', ')} in the current directory)`)
      .option('--json', 'machine-readable report on stdout (also when the spec is invalid)')
      .action(run((file: string | undefined, flags: ValidateFlags) => validate(file, flags, ctx)));
  },
};
