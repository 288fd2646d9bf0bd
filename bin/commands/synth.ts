/** `anygate synth [spec]`: every target's artifacts, offline. */
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { APIGEE_ENVIRONMENT_TYPES, AZURE_SKUS, type ApigeeEnvironmentType, type AzureSku } from '../../lib/capabilities/types';
import { ALL_TARGETS, TARGETS } from '../../lib/capabilities/types';
import type { SynthResult } from '../synth';
import { EXIT, plural, type CommandModule, type Context } from './context';
import { ignoredRules, ignoreOption, tierOptions } from './options';
import { specArgument, SPEC_FILES } from './spec-file';
import { parseStages, parseTargets } from './targets';
import { fromText, groupWarnings } from './warnings';
import { AnygateError, SpecValidationError } from '../../lib/model/errors';
import type { KubernetesBackendKind } from '../../lib/model/types';

interface SynthFlags {
  target?: string;
  stage?: string;
  out: string;
  json?: boolean;
  azureSku?: AzureSku;
  apigeeEnv?: ApigeeEnvironmentType;
  lenient?: boolean;
  allowPlaceholders?: boolean;
  account?: string;
  region?: string;
  kubernetesBackendKind?: KubernetesBackendKind;
  /** Warning rule ids to silence (repeatable, or comma-separated). */
  ignore?: string[];
}

/**
 * What an earlier synthesis left that this one removed (out-dir.md): a narrower --target or
 * --stage keeps the out dir equal to its manifest, and says so rather than deleting in silence.
 */
function removedLines(result: SynthResult, flags: SynthFlags): string[] {
  const at = (folders: string[]) => folders.map((f) => path.join(result.outDir, f)).join(', ');
  const lines: string[] = [];
  const ran = new Set<string>(result.targets.map((t) => t.target));
  const targets = result.removed.targets.filter((f) => !ran.has(f.split('/')[0]!));
  const failed = result.removed.targets.filter((f) => ran.has(f.split('/')[0]!));
  const { stages } = result.removed;
  if (targets.length) lines.push(`removed ${at(targets)}: not among this run's targets (${flags.target ? `--target ${flags.target}` : `the default, ${TARGETS.join(',')}`}), so that the out dir holds what manifest.json lists`);
  if (failed.length) lines.push(`removed ${at(failed)}: the earlier artifacts of a target that failed above (the out dir holds what manifest.json lists)`);
  if (stages.length) lines.push(`removed ${at(stages)}: ${flags.stage ? `not among this run's stages (--stage ${flags.stage})` : 'no longer a stage of the spec'}`);
  return lines;
}

function summary(result: SynthResult, gateway: string, stages: number, seconds: number, ctx: Context, flags: SynthFlags): string {
  const c = ctx.colors;
  const lines = [`gateway ${gateway}: ${plural(result.routes, 'route')}, ${plural(stages, 'stage')}`];
  // One column width for every target name (kubernetes is longer than the default three).
  const width = Math.max(...result.targets.map((t) => t.target.length));
  const indent = ' '.repeat(2 + width + 1 + 'FAILED'.length + 2);
  for (const t of result.targets) {
    const name = t.target.padEnd(width);
    if (t.ok) lines.push(`  ${name} ${c.green('ok')}${' '.repeat('FAILED'.length - 2)}  ${plural(t.resources, 'resource')}, ${plural(t.policies, 'policy', 'policies')}, ${plural(t.warnings.length, 'warning')}`);
    else lines.push(`  ${name} ${c.red('FAILED')}  ${plural(t.errors.length, 'problem')}`);
    for (const w of groupWarnings(t.warnings.map(fromText), ctx.verbose())) lines.push(`${indent}${c.yellow('warning')}: ${w}`);
    for (const e of t.errors) lines.push(`${indent}${e}`);
  }
  const html = result.artifacts.find((a) => a.kind === 'portability-html');
  if (html) lines.push(`portability matrix: ${path.join(result.outDir, html.path)} (open it in a browser; portability.md has the same as text)`);
  lines.push(...removedLines(result, flags));
  lines.push(`wrote ${plural(result.artifacts.length, 'artifact')} to ${result.outDir}/ (manifest.json lists them) in ${seconds.toFixed(1)} s`);
  return lines.join('\n') + '\n';
}

async function synthCmd(given: string | undefined, flags: SynthFlags, ctx: Context): Promise<number> {
  const targets = parseTargets(flags.target);
  if (Boolean(flags.account) !== Boolean(flags.region)) throw new AnygateError('--account and --region go together (literal ARNs need both); leave both out for an environment-agnostic stack');
  if (flags.account && !/^\d{12}$/.test(flags.account)) throw new AnygateError(`--account ${JSON.stringify(flags.account)} is not a 12-digit AWS account id`);
  if (flags.region && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(flags.region)) throw new AnygateError(`--region ${JSON.stringify(flags.region)} is not an AWS region name (for example eu-west-1)`);
  const file = specArgument(given, flags.json ? () => undefined : ctx.io.err);
  const progress = (m: string) => (flags.json ? undefined : ctx.io.err(`${ctx.colors.dim(m)}\n`));
  const started = Date.now();
  progress(`loading ${file}`);
  const [{ loadSpec }, { synth }] = [require('../../lib/load') as typeof import('../../lib/load'), require('../synth') as typeof import('../synth')];
  const loaded = await loadSpec(file, { lenient: flags.lenient });
  const { formatWarnings } = require('../../lib/openapi/warnings') as typeof import('../../lib/openapi/warnings');
  const { withoutIgnored } = require('../../lib/model/rules') as typeof import('../../lib/model/rules');
  const ignored = ignoredRules(flags);
  for (const line of formatWarnings(withoutIgnored(loaded.warnings, ignored), { verbose: ctx.verbose(), rules: true })) ctx.io.err(`${line}\n`);
  // Placeholders an import left (backend.invalid, issuer.invalid) would deploy a broken gateway.
  const { placeholderIssues } = require('../../lib/model/placeholders') as typeof import('../../lib/model/placeholders');
  const placeholders = placeholderIssues(loaded.spec, flags.allowPlaceholders ? 'warning' : 'error', file, loaded.format);
  const stages = parseStages(flags.stage, Object.keys(loaded.spec.stages));
  // The flag rewrites the spec's own field, so the portability report and synth see one choice.
  const spec = flags.kubernetesBackendKind ? { ...loaded.spec, kubernetes: { ...loaded.spec.kubernetes, backendKind: flags.kubernetesBackendKind } } : loaded.spec;
  if (placeholders.length && !flags.allowPlaceholders) {
    // Every problem in one round: what each target refuses, beside the placeholders (#34).
    const { portability } = require('../../lib/capabilities/portability') as typeof import('../../lib/capabilities/portability');
    const { compilers } = require('../synth/compilers') as typeof import('../synth/compilers');
    const report = portability(spec, targets, { azureSku: flags.azureSku, apigeeEnvironmentType: flags.apigeeEnv, compilers: compilers(stages) });
    const { locatedRefusals } = require('./refusals') as typeof import('./refusals');
    throw new SpecValidationError([...placeholders, ...locatedRefusals(report.problems, file, loaded)]);
  }
  for (const line of formatWarnings(withoutIgnored(placeholders, ignored), { verbose: ctx.verbose(), rules: true })) ctx.io.err(`${line}\n`);
  const result = await synth(spec, {
    targets,
    outDir: flags.out,
    stages,
    azureSku: flags.azureSku,
    apigeeEnvironmentType: flags.apigeeEnv,
    ignoreWarnings: [...ignored],
    ...(flags.account && flags.region ? { awsEnv: { account: flags.account, region: flags.region } } : {}),
    progress,
  });
  if (flags.json) {
    ctx.io.out(JSON.stringify({ ok: result.ok, gateway: loaded.spec.name, routes: result.routes, out: result.outDir, targets: result.targets, artifacts: result.artifacts.length, removed: [...result.removed.targets, ...result.removed.stages] }, null, 2) + '\n');
  } else {
    ctx.io.out(summary(result, loaded.spec.name, Object.keys(loaded.spec.stages).length, (Date.now() - started) / 1000, ctx, flags));
  }
  return result.ok ? EXIT.ok : EXIT.failed;
}

export const synthCommand: CommandModule = {
  register(program: Command, ctx, run) {
    const cmd = program
      .command('synth')
      .description("write every target's artifacts offline: CDK assembly, APIM policies and resources, Apigee bundle, OpenAPI, portability report")
      .argument('[spec]', `spec file (default: the first of ${SPEC_FILES.join(', ')} in the current directory)`)
      .option('--target <list>', `comma-separated targets (${ALL_TARGETS.join(',')}; default ${TARGETS.join(',')})`)
      .option('--stage <names>', 'comma-separated stages (default: all)')
      .option('--out <dir>', 'output directory', 'out')
      .option('--lenient', 'OpenAPI input: import what can be imported from a document with errors, listing what was skipped')
      .option('--account <id>', 'AWS: account id for literal ARNs (with --region; default: an environment-agnostic stack)')
      .option('--region <name>', 'AWS: region for literal ARNs (with --account)')
      .addOption(new Option('--kubernetes-backend-kind <kind>', 'Kubernetes: HTTP backends as Service (+ EndpointSlice; works on a default Envoy Gateway install) or Backend (needs the Backend API); overrides the spec\'s kubernetes.backendKind (default: Service)').choices(['Service', 'Backend']))
      .option('--allow-placeholders', 'synthesize even though the spec holds placeholders an import left (backend.invalid, issuer.invalid)');
    ignoreOption(tierOptions(cmd, AZURE_SKUS, APIGEE_ENVIRONMENT_TYPES))
      .option('--json', 'machine-readable summary on stdout')
      .action(run((file: string | undefined, flags: SynthFlags) => synthCmd(file, flags, ctx)));
  },
};
