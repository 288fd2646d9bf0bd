/**
 * The `anygate` command line. Exit codes: 0 ok; 1 spec, validation or synthesis errors; 2 usage.
 * Errors are one clear block of lines; a stack trace only with --debug.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { compilers } from './synth/compilers';
import { formatPortabilityTable, portability, ALL_TARGETS, TARGETS, type Target, AZURE_SKUS, APIGEE_ENVIRONMENT_TYPES, type AzureSku, type ApigeeEnvironmentType } from '../lib/capabilities';
import { AnygateError, formatIssue, SpecValidationError } from '../lib/model/errors';
import { gatewayJsonSchema } from '../lib/model/json-schema';
import { loadSpec } from '../lib/load';
import { parseDataFile } from '../lib/model/load';
import { exportOpenApi } from '../lib/openapi/export';
import { importOpenApi } from '../lib/openapi/import';
import { formatWarnings } from '../lib/openapi/warnings';
import { toYaml, yamlCommentSafe } from '../lib/openapi/yaml';
import { placeholderIssues } from '../lib/model/placeholders';
import { readFileSync } from 'node:fs';
import { synth } from './synth';
import { diffOut } from './synth/diff';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage problem the parser cannot see (an unknown target name, say). */
export class UsageError extends AnygateError {}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export function parseTargets(value: string | undefined): Target[] {
  if (!value) return [...TARGETS];
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const t of list) {
    if (!(ALL_TARGETS as readonly string[]).includes(t)) throw new UsageError(`unknown target ${JSON.stringify(t)}; targets: ${ALL_TARGETS.join(', ')}`);
  }
  return [...new Set(list)] as Target[];
}

/** Import flags (OpenAPI documents) that validate, synth and import share. */
interface ImportFlags {
  lenient?: boolean;
  verbose?: boolean;
}

async function cmdValidate(file: string, opts: { json?: boolean } & ImportFlags, io: Io): Promise<number> {
  const loaded = await loadSpec(file, { lenient: opts.lenient });
  const warnings = [...loaded.warnings, ...placeholderIssues(loaded.spec, 'warning', file, loaded.format)];
  if (opts.json) {
    io.out(JSON.stringify({ valid: true, routes: loaded.spec.routes.length, warnings }, null, 2) + '\n');
  } else {
    for (const l of formatWarnings(warnings, opts)) io.err(l + '\n');
    io.out(`${file}: valid (gateway ${loaded.spec.name}, ${loaded.spec.routes.length} route${loaded.spec.routes.length === 1 ? '' : 's'})\n`);
  }
  return EXIT.ok;
}

async function cmdPortability(file: string, opts: { target?: string; json?: boolean; azureSku?: AzureSku; apigeeEnv?: ApigeeEnvironmentType }, io: Io): Promise<number> {
  const targets = parseTargets(opts.target);
  const { spec } = await loadSpec(file);
  const report = portability(spec, targets, { azureSku: opts.azureSku, apigeeEnvironmentType: opts.apigeeEnv, compilers: compilers() });
  io.out(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatPortabilityTable(report));
  return report.problems.length ? EXIT.failed : EXIT.ok;
}

function writeOut(out: string | undefined, text: string, io: Io): void {
  if (!out) {
    io.out(text);
    return;
  }
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  writeFileSync(out, text);
  io.err(`wrote ${out}\n`);
}

async function cmdImport(file: string, opts: { out?: string; name?: string } & ImportFlags, io: Io): Promise<number> {
  const { data } = parseDataFile(readFileSync(file, 'utf8'), file);
  if (!data || typeof data !== 'object' || !('openapi' in data || 'swagger' in data)) throw new UsageError(`${file} is not an OpenAPI or Swagger document (no "openapi" or "swagger" key)`);
  const { input, warnings } = await importOpenApi(data as Record<string, unknown>, file, { name: opts.name, lenient: opts.lenient });
  for (const l of formatWarnings(warnings, opts)) io.err(l + '\n');
  const text = `# Imported from ${yamlCommentSafe(path.basename(file))} by anygate import\n${toYaml(input)}`;
  writeOut(opts.out, text, io);
  return EXIT.ok;
}

async function cmdExport(file: string, opts: { out?: string }, io: Io): Promise<number> {
  const { spec } = await loadSpec(file);
  writeOut(opts.out, JSON.stringify(exportOpenApi(spec), null, 2) + '\n', io);
  return EXIT.ok;
}

export const DEFAULT_SPEC = 'examples/petstore/gateway.ts';

interface SynthFlags extends ImportFlags {
  allowPlaceholders?: boolean;
  target?: string;
  stage?: string;
  out: string;
  json?: boolean;
  azureSku?: AzureSku;
  apigeeEnv?: ApigeeEnvironmentType;
}

async function cmdSynth(file: string | undefined, opts: SynthFlags, io: Io): Promise<number> {
  const targets = parseTargets(opts.target);
  const specFile = file ?? DEFAULT_SPEC;
  const started = Date.now();
  if (!opts.json) io.err(`loading ${specFile}\n`);
  const loaded = await loadSpec(specFile, { lenient: opts.lenient });
  for (const l of formatWarnings(loaded.warnings, opts)) io.err(l + '\n');
  const placeholders = placeholderIssues(loaded.spec, opts.allowPlaceholders ? 'warning' : 'error', specFile, loaded.format);
  if (placeholders.length && !opts.allowPlaceholders) throw new SpecValidationError(placeholders);
  for (const p of placeholders) io.err(formatIssue(p) + '\n');
  const result = await synth(loaded.spec, {
    targets,
    outDir: opts.out,
    stages: opts.stage ? opts.stage.split(',').map((s) => s.trim()) : undefined,
    azureSku: opts.azureSku,
    apigeeEnvironmentType: opts.apigeeEnv,
    progress: (m) => (opts.json ? undefined : io.err(`${m}\n`)),
  });
  if (opts.json) {
    io.out(JSON.stringify({ ok: result.ok, gateway: loaded.spec.name, routes: result.routes, out: result.outDir, targets: result.targets, artifacts: result.artifacts.length }, null, 2) + '\n');
  } else {
    const lines = [`gateway ${loaded.spec.name}: ${result.routes} routes, ${Object.keys(loaded.spec.stages).length} stages`];
    for (const t of result.targets) {
      if (t.ok) lines.push(`  ${t.target.padEnd(7)} ok      ${t.resources} resources, ${t.policies} policies, ${t.warnings.length} warnings`);
      else lines.push(`  ${t.target.padEnd(7)} FAILED  ${t.errors.length} problem${t.errors.length === 1 ? '' : 's'}`);
      for (const w of t.warnings) lines.push(`          warning: ${w}`);
      for (const e of t.errors) lines.push(`          ${e}`);
    }
    lines.push(`wrote ${result.artifacts.length} artifacts to ${result.outDir}/ (manifest.json lists them) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    io.out(lines.join('\n') + '\n');
  }
  return result.ok ? EXIT.ok : EXIT.failed;
}

function cmdDiff(oldDir: string, newDir: string, io: Io): number {
  const d = diffOut(oldDir, newDir);
  for (const l of d.lines) io.out(l + '\n');
  io.out(`${d.changes} change${d.changes === 1 ? '' : 's'}, ${d.destructive} destructive\n`);
  return EXIT.ok;
}

function cmdSchema(opts: { out?: string }, io: Io): number {
  writeOut(opts.out, gatewayJsonSchema(), io);
  return EXIT.ok;
}

/** Builds the command tree; each action stores its exit code in `result.code`. */
export function buildProgram(io: Io, result: { code: number }): Command {
  const program = new Command('anygate')
    .description('One API gateway definition, synthesized for AWS API Gateway, Azure API Management and Apigee X.')
    .option('--debug', 'print stack traces for errors')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run anygate --help for usage)');
  const run = <A extends unknown[]>(f: (...args: A) => number | Promise<number>) => async (...args: A) => {
    result.code = await f(...args);
  };

  program
    .command('validate')
    .description('validate a spec (YAML, JSON, OpenAPI or TypeScript); prints every error with its location')
    .argument('<spec>', 'spec file')
    .option('--json', 'machine-readable output')
    .option('--lenient', 'OpenAPI: import a document that is not valid for its version, skipping (and listing) what cannot be read')
    .option('--verbose', 'list every warning (default: grouped by kind)')
    .action(run((file: string, opts: Parameters<typeof cmdValidate>[1]) => cmdValidate(file, opts, io)));

  program
    .command('portability')
    .description('what each target does with each feature the spec uses')
    .argument('<spec>', 'spec file')
    .option('--target <list>', `comma-separated targets (${ALL_TARGETS.join(',')}; default ${TARGETS.join(',')})`)
    .addOption(new Option('--azure-sku <sku>', 'Azure API Management SKU').choices(AZURE_SKUS as string[]))
    .addOption(new Option('--apigee-env <type>', 'Apigee environment type').choices(APIGEE_ENVIRONMENT_TYPES as string[]))
    .option('--json', 'machine-readable output')
    .action(run((file: string, opts: Parameters<typeof cmdPortability>[1]) => cmdPortability(file, opts, io)));

  program
    .command('synth')
    .description('write every target\'s artifacts offline: CDK assembly, APIM policies and resources, Apigee bundle, OpenAPI, portability report')
    .argument('[spec]', `spec file (default: ${DEFAULT_SPEC})`)
    .option('--target <list>', `comma-separated targets (${ALL_TARGETS.join(',')}; default ${TARGETS.join(',')})`)
    .option('--stage <names>', 'comma-separated stages (default: all)')
    .option('--out <dir>', 'output directory', 'out')
    .addOption(new Option('--azure-sku <sku>', 'Azure API Management SKU').choices(AZURE_SKUS as string[]))
    .addOption(new Option('--apigee-env <type>', 'Apigee environment type').choices(APIGEE_ENVIRONMENT_TYPES as string[]))
    .option('--json', 'machine-readable summary on stdout')
    .option('--lenient', 'OpenAPI: import a document that is not valid for its version, skipping (and listing) what cannot be read')
    .option('--verbose', 'list every warning (default: grouped by kind)')
    .option('--allow-placeholders', 'synthesize although the spec holds placeholders (.invalid URLs an import invented)')
    .action(run((file: string | undefined, opts: SynthFlags) => cmdSynth(file, opts, io)));

  program
    .command('diff')
    .description('what changes between two synth outputs; removals of stateful resources are flagged DESTRUCTIVE')
    .argument('<old-out>', 'an earlier out dir')
    .argument('<new-out>', 'a newer out dir')
    .action(run((a: string, b: string) => cmdDiff(a, b, io)));

  program
    .command('import')
    .description('convert an OpenAPI 3.x or Swagger 2.0 document (x-anygate extensions included) into an anygate spec (YAML)')
    .argument('<openapi-file>', 'OpenAPI or Swagger document, YAML or JSON')
    .option('--out <file>', 'write the spec to a file (default: stdout)')
    .option('--name <name>', 'gateway name (default: from info.title)')
    .option('--lenient', 'import a document that is not valid for its version, skipping (and listing) what cannot be read')
    .option('--verbose', 'list every warning (default: grouped by kind)')
    .action(run((file: string, opts: Parameters<typeof cmdImport>[1]) => cmdImport(file, opts, io)));

  program
    .command('export')
    .description('write the gateway as an OpenAPI 3.1 document, with x-anygate extensions for the rest')
    .argument('<spec>', 'spec file')
    .option('--out <file>', 'write to a file (default: stdout)')
    .action(run((file: string, opts: { out?: string }) => cmdExport(file, opts, io)));

  program
    .command('schema')
    .description('print (or write) the JSON Schema of spec files')
    .option('--out <file>', 'write to a file')
    .action(run((opts: { out?: string }) => cmdSchema(opts, io)));

  // anygate dev / token / conform: modules load only when the command runs.
  const many = (v: string, prev: string[] = []) => [...prev, v];
  program
    .command('dev')
    .description('run the gateway locally on 127.0.0.1, with auth, limits, cache, transforms and each cloud\'s answers (--profile)')
    .argument('[spec]', `spec file (default: ${DEFAULT_SPEC})`)
    .option('--stage <name>', 'stage (default: dev, else the first)')
    .option('--profile <target>', 'aws, azure or apigee semantics (default: aws)')
    .option('--port <n>', 'port; 0 picks a free one (default: 8787)')
    .option('--backend <name=url>', 'send an HTTP backend to another URL (repeatable)', many)
    .option('--function <binding=file>', 'run a function binding in-process from a .ts or .js handler (repeatable)', many)
    .option('--mock-idp', 'serve a JWKS and accept tokens from anygate token')
    .option('--clock <kind>', 'virtual: time moves only by POST /__anygate/clock')
    .option('--trust-forwarded', 'take the client address from X-Forwarded-For')
    .option('--quiet', 'no banner and no access log')
    .action(run((file: string | undefined, opts: Record<string, never>) => require('./commands/dev').cmdDev(file ?? DEFAULT_SPEC, opts, io)));
  program
    .command('token')
    .description('print a token signed by the mock IdP of anygate dev --mock-idp')
    .argument('[spec]', `spec file (default: ${DEFAULT_SPEC})`)
    .requiredOption('--authorizer <name>', 'JWT authorizer of the spec')
    .option('--scope <scope>', 'scope (repeatable)', many)
    .option('--claim <name=value>', 'extra claim (repeatable)', many)
    .option('--expires-in <duration>', 'lifetime such as 10m, 2h; negative for an expired token (default: 10m)')
    .option('--sub <id>', 'subject (default: dev-user)')
    .action(run((file: string | undefined, opts: Record<string, never>) => require('./commands/token').cmdToken(file ?? DEFAULT_SPEC, opts, io)));
  program
    .command('conform')
    .description('replay conformance vectors (default: generated from the spec) against a running gateway; pass/fail table')
    .argument('[spec]', `spec file (default: ${DEFAULT_SPEC})`)
    .argument('[vectors]', 'vectors file (YAML or JSON)')
    .requiredOption('--url <url>', 'base URL of the gateway (anygate dev or a deployed stage)')
    .option('--profile <target>', 'whose answers to expect: aws, azure or apigee (default: aws)')
    .option('--stage <name>', 'stage the gateway runs (default: dev, else the first)')
    .option('--json', 'machine-readable results')
    .action(run((file: string | undefined, vectors: string | undefined, opts: Record<string, never>) => require('./commands/conform').cmdConform(file ?? DEFAULT_SPEC, vectors, opts, io)));

  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const result = { code: EXIT.ok as number };
  const program = buildProgram(io, result);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; everything else the parser rejects is a usage error.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError || (e instanceof AnygateError && e.name === 'DevUsageError')) {
      io.err(`anygate: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof SpecValidationError) {
      const errors = e.issues.filter((i) => i.severity === 'error');
      for (const i of e.issues) io.err(formatIssue(i) + '\n');
      io.err(`${errors.length} error${errors.length === 1 ? '' : 's'}\n`);
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
}
