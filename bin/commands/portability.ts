/** `anygate portability <spec>`: what each target does with each feature the spec uses. */
import type { Command } from 'commander';
import { APIGEE_ENVIRONMENT_TYPES, AZURE_SKUS, type ApigeeEnvironmentType, type AzureSku } from '../../lib/capabilities/types';
import { ALL_TARGETS, TARGETS } from '../../lib/capabilities/types';
import { EXIT, type CommandModule, type Context } from './context';
import { specArgument } from './spec-file';
import { parseStages, parseTargets } from './targets';
import { ignoredRules, ignoreOption, tierOptions } from './options';

interface PortabilityFlags {
  target?: string;
  json?: boolean;
  azureSku?: AzureSku;
  apigeeEnv?: ApigeeEnvironmentType;
  lenient?: boolean;
  allowPlaceholders?: boolean;
  stage?: string;
  /** Warning rule ids to silence (repeatable, or comma-separated). */
  ignore?: string[];
}

async function portabilityCmd(given: string | undefined, flags: PortabilityFlags, ctx: Context): Promise<number> {
  const targets = parseTargets(flags.target);
  const file = specArgument(given, ctx.io.err);
  const [{ loadSpec }, { portability, formatPortabilityTable }] = [require('../../lib/load') as typeof import('../../lib/load'), require('../../lib/capabilities') as typeof import('../../lib/capabilities')];
  // The same input options as synth, so the report answers for the spec synth would see.
  const loaded = await loadSpec(file, { lenient: flags.lenient });
  const { spec } = loaded;
  const { formatWarnings } = require('../../lib/openapi/warnings') as typeof import('../../lib/openapi/warnings');
  const { placeholderIssues } = require('../../lib/model/placeholders') as typeof import('../../lib/model/placeholders');
  // Synth refuses placeholders an import left on every target; the report says so too.
  const placeholders = placeholderIssues(spec, flags.allowPlaceholders ? 'warning' : 'error', file, loaded.format);
  // Size limits only the emitted output reveals, and the targets' warnings, come from the (pure) compilers.
  const { compilers } = require('../synth/compilers') as typeof import('../synth/compilers');
  // The stages synth --stage would compile, so stage-dependent refusals and sizes agree.
  const stages = parseStages(flags.stage, Object.keys(spec.stages));
  const full = portability(spec, targets, { azureSku: flags.azureSku, apigeeEnvironmentType: flags.apigeeEnv, ...(stages ? { aws: { stages }, kubernetes: { stages } } : {}), compilers: compilers(stages) });
  // The spec's ignoreWarnings and --ignore silence the targets' warnings as they do the model's.
  const { withoutIgnored } = require('../../lib/model/rules') as typeof import('../../lib/model/rules');
  const { targetWarningIssues, withoutIgnoredWarnings } = require('../../lib/capabilities/warnings') as typeof import('../../lib/capabilities/warnings');
  const ignored = new Set([...ignoredRules(flags), ...(spec.ignoreWarnings ?? [])]);
  const report = { ...full, warnings: Object.fromEntries(Object.entries(full.warnings).map(([t, ws]) => [t, withoutIgnoredWarnings(ws, ignored)]).filter(([, ws]) => ws.length)) as typeof full.warnings };
  const targetWarnings = report.targets.flatMap((t) => targetWarningIssues(t, report.warnings[t] ?? [], file));
  // The targets' warnings are filtered already (report.warnings above).
  if (!flags.json) for (const line of formatWarnings([...withoutIgnored([...loaded.warnings, ...placeholders], ignored), ...targetWarnings], { verbose: ctx.verbose(), rules: true })) ctx.io.err(`${line}\n`);
  const refusedPlaceholders = flags.allowPlaceholders ? [] : placeholders;
  if (flags.json) ctx.io.out(JSON.stringify({ ...report, placeholders: refusedPlaceholders.map((p) => ({ path: p.path, message: p.message })) }, null, 2) + '\n');
  else {
    ctx.io.out(formatPortabilityTable(report));
    if (refusedPlaceholders.length) ctx.io.out(`synth refuses this spec on every target: ${refusedPlaceholders.length} placeholder${refusedPlaceholders.length === 1 ? '' : 's'} (listed above); set the real values, or pass --allow-placeholders to synth and portability\n`);
  }
  return report.problems.length || refusedPlaceholders.length ? EXIT.failed : EXIT.ok;
}

export const portabilityCommand: CommandModule = {
  register(program: Command, ctx, run) {
    const cmd = program
      .command('portability')
      .description('what each target does with each feature the spec uses')
      .argument('[spec]', 'spec file (default: found in the current directory)')
      .option('--target <list>', `comma-separated targets (${ALL_TARGETS.join(',')}; default ${TARGETS.join(',')})`)
      .option('--stage <names>', 'comma-separated stages, as synth --stage (default: all)');
    tierOptions(cmd, AZURE_SKUS, APIGEE_ENVIRONMENT_TYPES)
      .option('--json', 'machine-readable output')
      .option('--lenient', 'OpenAPI input: import what can be imported from a document with errors, listing what was skipped')
      .option('--allow-placeholders', 'report as synth --allow-placeholders would (placeholders an import left do not fail the report)');
    ignoreOption(cmd)
      .action(run((file: string | undefined, flags: PortabilityFlags) => portabilityCmd(file, flags, ctx)));
  },
};
