/**
 * `anygate import --from aws|azure|apigee|kubernetes PATH` (adopting an existing gateway, with a
 * loss report) and `anygate drift SPEC --from T PATH` (the live configuration against the spec).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { EXIT, UsageError, plural, type CommandModule, type Context } from './context';
import { specFormat, writeOut } from './spec-out';

/** Flags of `anygate import --from`. */
export interface AdoptFlags {
  from: string;
  out?: string;
  name?: string;
  api?: string;
  /** Loss report file. @default - beside --out as <name>.loss.md; none when the spec goes to stdout */
  report?: string;
  json?: boolean;
}

function platformOf(from: string): import('../../lib/adopt').AdoptPlatform {
  const { isAdoptPlatform, ADOPT_PLATFORMS } = require('../../lib/adopt') as typeof import('../../lib/adopt');
  if (!isAdoptPlatform(from)) throw new UsageError(`--from ${JSON.stringify(from)}: give one of ${ADOPT_PLATFORMS.join(', ')}`);
  return from;
}

/** `anygate import --from T PATH`: the spec (YAML) and its loss report. Exit 1 when the imported spec does not validate. */
export async function adoptCmd(source: string, flags: AdoptFlags, ctx: Context): Promise<number> {
  const platform = platformOf(flags.from);
  const [{ adoptPath, lossReport, renderLossReport }, { validateGateway }, { formatSpecPath }, { toYaml, yamlCommentSafe }] = [
    require('../../lib/adopt') as typeof import('../../lib/adopt'),
    require('../../lib/model/normalize') as typeof import('../../lib/model/normalize'),
    require('../../lib/model/errors') as typeof import('../../lib/model/errors'),
    require('../../lib/openapi/yaml') as typeof import('../../lib/openapi/yaml'),
  ];
  const result = adoptPath(platform, source, { api: flags.api, name: flags.name });
  const v = validateGateway(result.input);
  const problems = v.errors.map((i) => `${formatSpecPath(i.path)}: ${i.message}`);
  const report = lossReport(platform, source, result.findings, problems);
  const reportFile = flags.report ?? (flags.out ? flags.out.replace(/\.(ya?ml|json)$/i, '') + '.loss.md' : undefined);
  // --out names the format by its extension, as for OpenAPI imports (specFormat).
  const text = specFormat(flags.out) === 'json' ? JSON.stringify(result.input, null, 2) + '\n' : `# Imported from ${yamlCommentSafe(source)} (${platform}) by anygate import; the loss report lists what was not carried\n${toYaml(result.input)}`;
  writeOut(flags.out, text, ctx.io);
  if (reportFile) {
    mkdirSync(path.dirname(path.resolve(reportFile)), { recursive: true });
    writeFileSync(reportFile, flags.json || /\.json$/i.test(reportFile) ? JSON.stringify(report, null, 2) + '\n' : renderLossReport(report));
    ctx.io.err(`wrote ${reportFile}\n`);
  }
  const c = ctx.colors;
  ctx.io.err(`${plural((result.input.routes as unknown[]).length, 'route')}; ${report.counts.mapped} constructs mapped, ${c.yellow(`${report.counts.partial} in part`)}, ${c.red(`${report.counts.lost} not mapped`)}${reportFile ? ` (see ${reportFile})` : ' (--report FILE lists them)'}\n`);
  for (const p of problems) ctx.io.err(`${c.red('error')}: ${p}\n`);
  return v.spec ? EXIT.ok : EXIT.failed;
}

interface DriftFlags {
  from: string;
  api?: string;
  stage?: string;
  failOn?: 'changes' | 'security';
  json?: boolean;
}

async function driftCmd(specFile: string, source: string, flags: DriftFlags, ctx: Context): Promise<number> {
  const platform = platformOf(flags.from);
  const [{ loadSpec }, { adopt, adoptPath }, { driftSpecs, formatDrift }, { validateGateway }, { emittedTree }, { SpecValidationError }] = [
    require('../../lib/load') as typeof import('../../lib/load'),
    require('../../lib/adopt') as typeof import('../../lib/adopt'),
    require('../../lib/adopt/drift') as typeof import('../../lib/adopt/drift'),
    require('../../lib/model/normalize') as typeof import('../../lib/model/normalize'),
    require('../adopt/emitted') as typeof import('../adopt/emitted'),
    require('../../lib/model/errors') as typeof import('../../lib/model/errors'),
  ];
  const { spec } = await loadSpec(specFile);
  if (flags.stage && !spec.stages[flags.stage]) throw new UsageError(`--stage ${flags.stage}: the spec has stages ${Object.keys(spec.stages).join(', ')}`);
  // The spec's own output read back through the same reader: both sides lose the same things.
  const expected = validateGateway(adopt(platform, emittedTree(spec, platform, flags.stage)).input);
  const actual = validateGateway(adoptPath(platform, source, { api: flags.api }).input);
  if (!expected.spec) throw new SpecValidationError(expected.issues.map((i) => ({ ...i, file: `${specFile} (read back from its ${platform} output)` })));
  if (!actual.spec) throw new SpecValidationError(actual.issues.map((i) => ({ ...i, file: `${source} (imported)` })));
  const entries = driftSpecs(expected.spec, actual.spec);
  const security = entries.filter((e) => e.security).length;
  if (flags.json) ctx.io.out(JSON.stringify({ drift: entries.length, security, entries }, null, 2) + '\n');
  else {
    const c = ctx.colors;
    for (const l of formatDrift(entries)) ctx.io.out(`${/: \+ /.test(l) ? c.green(l) : /: - /.test(l) ? c.red(l) : c.yellow(l)}\n`);
    ctx.io.out(`${plural(entries.length, 'difference')}, ${security} touching access control\n`);
  }
  if (flags.failOn === 'changes' && entries.length > 0) return EXIT.failed;
  if (flags.failOn === 'security' && security > 0) return EXIT.failed;
  return EXIT.ok;
}

export const driftCommand: CommandModule = {
  register(program: Command, ctx, run) {
    program
      .command('drift')
      .description("what a live gateway's exported configuration has that the spec does not, and the reverse, per route and property")
      .argument('<spec>', 'the spec file')
      .argument('<path>', 'the exported configuration: a file, a folder or a zip (see docs/adopt.md for each platform\'s export command)')
      .addOption(new Option('--from <platform>', 'the platform the export comes from').choices(['aws', 'azure', 'apigee', 'kubernetes']).makeOptionMandatory())
      .option('--api <name>', 'which API of the export, when it holds several')
      .option('--stage <name>', 'the spec stage the export is of (default: the first)')
      .addOption(new Option('--fail-on <what>', 'exit 1 when there is any difference, or one touching access control (for CI)').choices(['changes', 'security']))
      .option('--json', 'machine-readable output')
      .action(run((spec: string, source: string, flags: DriftFlags) => driftCmd(spec, source, flags, ctx)));
  },
};
