/** `anygate validate [spec]`: load and validate; `--json` prints a report on stdout, valid or not. */
import type { Command } from 'commander';
import { ALL_TARGETS } from '../../lib/capabilities/types';
import { AnygateError, SpecValidationError, type SpecIssue } from '../../lib/model/errors';
import type { LoadedSpec } from '../../lib/model/load';
import { ruleOf, withoutIgnored } from '../../lib/model/rules';
import { EXIT, plural, type CommandModule, type Context } from './context';
import { ignoredRules, ignoreOption } from './options';
import { specArgument, SPEC_FILES } from './spec-file';
import { parseTargets } from './targets';

interface ValidateFlags {
  json?: boolean;
  lenient?: boolean;
  /** Warning rule ids to silence (repeatable, or comma-separated). */
  ignore?: string[];
  /** Also check what these targets refuse (comma-separated), as synth would. @default - the model only */
  target?: string;
}

/** The machine-readable report: the same shape whether the spec is valid or not. */
export interface ValidateReport {
  readonly file: string;
  readonly valid: boolean;
  readonly gateway?: string;
  readonly routes?: number;
  /** Each with its stable `rule` id. */
  readonly errors: Omit<SpecIssue, 'severity'>[];
  /** Each with its stable `rule` id; those of `--ignore` left out. */
  readonly warnings: Omit<SpecIssue, 'severity'>[];
}

const strip = ({ severity: _s, ...rest }: SpecIssue) => ({ ...rest, rule: ruleOf({ severity: _s, ...rest }) });


/** The spec and its warnings, placeholders included (validate warns; synth refuses them). */
async function load(file: string, flags: ValidateFlags) {
  const { loadSpec } = require('../../lib/load') as typeof import('../../lib/load');
  const { placeholderIssues } = require('../../lib/model/placeholders') as typeof import('../../lib/model/placeholders');
  const loaded = await loadSpec(file, { lenient: flags.lenient });
  const ignored = new Set([...ignoredRules(flags), ...(loaded.spec.ignoreWarnings ?? [])]);
  const targets = targetIssues(loaded, file, flags);
  return { spec: loaded.spec, warnings: withoutIgnored([...loaded.warnings, ...placeholderIssues(loaded.spec, 'warning', file, loaded.format), ...targets.warnings], ignored), refusals: targets.refusals };
}

/**
 * With --target: every refusal of those targets (records and emitted sizes, as synth decides), in
 * the same round, and the warnings synth would print for the targets that compile.
 */
function targetIssues(loaded: LoadedSpec, file: string, flags: ValidateFlags): { refusals: SpecIssue[]; warnings: SpecIssue[] } {
  const { spec } = loaded;
  if (!flags.target) return { refusals: [], warnings: [] };
  const { portability } = require('../../lib/capabilities/portability') as typeof import('../../lib/capabilities/portability');
  const { targetWarningIssues } = require('../../lib/capabilities/warnings') as typeof import('../../lib/capabilities/warnings');
  const { compilers } = require('../synth/compilers') as typeof import('../synth/compilers');
  const report = portability(spec, parseTargets(flags.target), { compilers: compilers() });
  const { locatedRefusals } = require('./refusals') as typeof import('./refusals');
  return { refusals: locatedRefusals(report.problems, file, loaded), warnings: report.targets.flatMap((t) => targetWarningIssues(t, report.warnings[t] ?? [], file)) };
}

async function report(file: string, flags: ValidateFlags): Promise<ValidateReport> {
  try {
    const loaded = await load(file, flags);
    return { file, valid: !loaded.refusals.length, gateway: loaded.spec.name, routes: loaded.spec.routes.length, errors: loaded.refusals.map(strip), warnings: loaded.warnings.map(strip) };
  } catch (e) {
    if (e instanceof SpecValidationError) {
      const issues = withoutIgnored(e.issues, ignoredRules(flags));
      return { file, valid: false, errors: issues.filter((i) => i.severity === 'error').map(strip), warnings: issues.filter((i) => i.severity === 'warning').map(strip) };
    }
    if (e instanceof AnygateError) return { file, valid: false, errors: [{ path: [], file, message: e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message, rule: 'file' }], warnings: [] };
    throw e;
  }
}

async function validate(given: string | undefined, flags: ValidateFlags, ctx: Context): Promise<number> {
  const file = specArgument(given, flags.json ? () => undefined : ctx.io.err);
  if (flags.json) {
    const r = await report(file, flags);
    ctx.io.out(JSON.stringify(r, null, 2) + '\n');
    return r.valid ? EXIT.ok : EXIT.failed;
  }
  // Not --json: errors propagate to main, which prints them located, each with its rule id, and exits 1.
  let loaded: Awaited<ReturnType<typeof load>>;
  try {
    loaded = await load(file, flags);
  } catch (e) {
    if (e instanceof SpecValidationError) throw new SpecValidationError(withoutIgnored(e.issues, ignoredRules(flags)));
    throw e;
  }
  const c = ctx.colors;
  const { formatWarnings } = require('../../lib/openapi/warnings') as typeof import('../../lib/openapi/warnings');
  for (const line of formatWarnings(loaded.warnings, { verbose: ctx.verbose(), rules: true })) ctx.io.err(`${line}\n`);
  if (loaded.refusals.length) throw new SpecValidationError(loaded.refusals);
  ctx.io.out(`${file}: ${c.green('valid')} (gateway ${loaded.spec.name}, ${plural(loaded.spec.routes.length, 'route')})\n`);
  return EXIT.ok;
}

export const validateCommand: CommandModule = {
  register(program: Command, ctx, run) {
    const cmd = program
      .command('validate')
      .description('validate a spec (YAML, JSON, OpenAPI or TypeScript); prints every error with its location')
      .argument('[spec]', `spec file (default: the first of ${SPEC_FILES.join(', ')} in the current directory)`)
      .option('--json', 'machine-readable report on stdout (also when the spec is invalid)')
      .option('--lenient', 'OpenAPI input: import what can be imported from a document with errors, listing what was skipped')
      .option('--target <list>', `also report what these targets refuse and warn about, as synth would (${ALL_TARGETS.join(',')}; default: the model only)`);
    ignoreOption(cmd)
      .action(run((file: string | undefined, flags: ValidateFlags) => validate(file, flags, ctx)));
  },
};
