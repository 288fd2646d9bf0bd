/** `anygate init`: a starter spec with its `$schema` line, so editors complete and check it. */
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { AnygateError } from '../../lib/model/errors';
import { EXIT, type CommandModule, type Context } from './context';

/** The schema shipped in the package; editors resolve the path relative to the spec file. */
function schemaRef(dir: string): string {
  const installed = path.join(dir, 'node_modules', 'anygate', 'schema', 'anygate.schema.json');
  if (existsSync(installed)) return './' + path.relative(dir, installed).split(path.sep).join('/');
  // Not installed beside the spec (a global install, say): the schema this CLI ships, by absolute path.
  return path.join(packageRoot(), 'schema', 'anygate.schema.json');
}

function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export function starterSpec(name: string, schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# An anygate gateway. anygate validate checks it; anygate synth writes every target's artifacts.
name: ${name}
backends:
  api: { type: http, url: https://httpbin.org }
authorizers:
  jwt:
    type: jwt
    issuer: https://login.example.com/
    audiences: [${name}]
routes:
  - { method: GET, path: /health, backend: api, auth: none }
  - { method: GET, path: '/items/{id}', backend: api, auth: [jwt], rateLimit: { requestsPerSecond: 10 } }
stages:
  prod: {}
`;
}

function init(flags: { out: string; name?: string; force?: boolean }, ctx: Context): number {
  const file = path.resolve(flags.out);
  if (existsSync(file) && !flags.force) throw new AnygateError(`${flags.out} exists; pass --force to replace it or --out to write elsewhere`);
  const name = flags.name ?? (path.basename(path.dirname(file)).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'my-gateway');
  writeFileSync(file, starterSpec(name, schemaRef(path.dirname(file))));
  ctx.io.err(`wrote ${flags.out}; next: anygate validate ${flags.out} && anygate synth ${flags.out}\n`);
  return EXIT.ok;
}

export const initCommand: CommandModule = {
  register(program: Command, ctx, run) {
    program
      .command('init')
      .description('write a starter spec (anygate.yaml) with its $schema line')
      .option('--out <file>', 'where to write it', 'anygate.yaml')
      .option('--name <name>', 'gateway name (default: the directory name)')
      .option('--force', 'replace an existing file')
      .action(run((flags: { out: string; name?: string; force?: boolean }) => init(flags, ctx)));
  },
};
