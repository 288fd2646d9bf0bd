/** `anygate import`, `anygate export` and `anygate schema`: documents in, documents out. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { EXIT, UsageError, type CommandModule, type Context } from './context';
import { specArgument } from './spec-file';
import { specFormat, writeOut } from './spec-out';

export { specFormat, writeOut };

async function importCmd(file: string, flags: { out?: string; name?: string; lenient?: boolean; from?: string; api?: string; report?: string; json?: boolean }, ctx: Context): Promise<number> {
  if (flags.from) return (require('./adopt') as typeof import('./adopt')).adoptCmd(file, { ...flags, from: flags.from }, ctx);
  const [{ parseDataFile }, { importOpenApi }, { toYaml, yamlCommentSafe }, { formatWarnings }] = [
    require('../../lib/model/load') as typeof import('../../lib/model/load'),
    require('../../lib/openapi/import') as typeof import('../../lib/openapi/import'),
    require('../../lib/openapi/yaml') as typeof import('../../lib/openapi/yaml'),
    require('../../lib/openapi/warnings') as typeof import('../../lib/openapi/warnings'),
  ];
  const format = specFormat(flags.out);
  const { data } = parseDataFile(readFileSync(file, 'utf8'), file);
  if (!data || typeof data !== 'object' || !('openapi' in data || 'swagger' in data)) throw new UsageError(`${file} is not an OpenAPI or Swagger document (no "openapi" or "swagger" key)`);
  const { input, warnings } = await importOpenApi(data as Record<string, unknown>, file, { name: flags.name, lenient: flags.lenient });
  for (const line of formatWarnings(warnings, { verbose: ctx.verbose() })) ctx.io.err(`${line}\n`);
  // JSON as the extension says; YAML safe for 1.1 and 1.2 readers (line separators escaped, 1.1
  // booleans quoted).
  const text = format === 'json' ? `${JSON.stringify(input, null, 2)}\n` : `# Imported from ${yamlCommentSafe(path.basename(file))} by anygate import\n${toYaml(input)}`;
  writeOut(flags.out, text, ctx.io);
  return EXIT.ok;
}

async function exportCmd(given: string | undefined, flags: { out?: string; apiVersion?: string }, ctx: Context): Promise<number> {
  const file = specArgument(given, ctx.io.err);
  const [{ loadSpec }, { documentServer, exportOpenApi }] = [require('../../lib/load') as typeof import('../../lib/load'), require('../../lib/openapi/export') as typeof import('../../lib/openapi/export')];
  const { spec } = await loadSpec(file);
  writeOut(flags.out, JSON.stringify(exportOpenApi(spec, { version: flags.apiVersion }), null, 2) + '\n', ctx.io);
  // The whole document round-trips through import; its server is the base path, where no path version's routes are.
  if (spec.versions?.scheme === 'path' && flags.apiVersion === undefined) {
    ctx.io.err(`anygate export: note: path versions are served under their own segment (${spec.versions.list.map((v) => documentServer(spec, v.name)).join(', ')}), which this document's server (${documentServer(spec)}) does not say: for a client's contract write one a version with --api-version ${spec.versions.list.map((v) => v.name).join('|')} (synth writes them as openapi/<version>.json)\n`);
  }
  return EXIT.ok;
}

async function schemaCmd(flags: { out?: string }, ctx: Context): Promise<number> {
  const { gatewayJsonSchema } = require('../../lib/model/json-schema') as typeof import('../../lib/model/json-schema');
  writeOut(flags.out, gatewayJsonSchema(), ctx.io);
  return EXIT.ok;
}

export const importCommand: CommandModule = {
  register(program: Command, ctx, run) {
    program
      .command('import')
      .description('convert an OpenAPI 3.x or Swagger 2.0 document (x-anygate extensions included), or with --from an existing gateway\'s configuration, into an anygate spec (YAML)')
      .argument('<openapi-file>', 'OpenAPI or Swagger document, YAML or JSON; with --from, the exported configuration (a file, a folder or a zip)')
      .option('--from <platform>', 'adopt an existing gateway: aws, azure, apigee or kubernetes (writes a loss report too)')
      .option('--api <name>', 'with --from: which API to import when the export holds several')
      .option('--report <file>', 'with --from: where to write the loss report (.md, or .json) (default: beside --out)')
      .option('--json', 'with --from: write the loss report as JSON')
      .option('--out <file>', 'write the spec to a file: .json writes JSON, .yaml or .yml YAML (default: YAML on stdout)')
      .option('--name <name>', 'gateway name (default: from info.title)')
      .option('--lenient', 'import what can be imported from a document with errors, listing what was skipped')
      .action(run((file: string, flags: { out?: string; name?: string }) => importCmd(file, flags, ctx)));
  },
};

export const exportCommand: CommandModule = {
  register(program: Command, ctx, run) {
    program
      .command('export')
      .description('write the gateway as an OpenAPI 3.1 document, with x-anygate extensions for the rest')
      .argument('[spec]', 'spec file (default: found in the current directory)')
      .option('--out <file>', 'write to a file (default: stdout)')
      .option('--api-version <name>', 'only the routes of this API version (routes of different versions may share a method and path)')
      .action(run((file: string | undefined, flags: { out?: string; apiVersion?: string }) => exportCmd(file, flags, ctx)));
  },
};

export const schemaCommand: CommandModule = {
  register(program: Command, ctx, run) {
    program
      .command('schema')
      .description('print (or write) the JSON Schema of spec files')
      .option('--out <file>', 'write to a file')
      .action(run((flags: { out?: string }) => schemaCmd(flags, ctx)));
  },
};
