/** `anygate init`: a starter spec with its `$schema` line, so editors complete and check it. */
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { ALL_TARGETS } from '../../lib/capabilities/types';
import { AnygateError } from '../../lib/model/errors';
import { isSafeName, toSafeName } from '../../lib/model/names';
import { missingPeers, PEER_USE, PEERS } from '../peers';
import { EXIT, type CommandModule, type Context } from './context';
import { SPEC_FILES } from './spec-file';

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

/**
 * The starter spec: one public and one JWT route, which validates and synthesizes on every target
 * (the JWT authorizer names its `jwksUri`: Apigee's VerifyJWT and Envoy Gateway need one).
 * @param name a safe gateway name (see gatewayName)
 * @param schema the `$schema` reference for editors
 * @param description free text for the gateway, e.g. the name the user gave @default - none
 */
export function starterSpec(name: string, schema: string, description?: string): string {
  return `# yaml-language-server: $schema=${schema}
# An anygate gateway. anygate validate checks it; anygate synth writes every target's artifacts.
name: ${name}
${description !== undefined ? `description: ${JSON.stringify(description)}\n` : ''}backends:
  api: { type: http, url: https://httpbin.org }
authorizers:
  jwt:
    type: jwt
    # Point these at your identity provider (Entra ID, Auth0, Okta, Cognito...).
    issuer: https://login.example.com/
    jwksUri: https://login.example.com/.well-known/jwks.json
    audiences: [${name}]
routes:
  - { method: GET, path: /health, backend: api, auth: none }
  - { method: GET, path: '/items/{id}', backend: api, auth: [jwt], rateLimit: { requestsPerSecond: 10 } }
stages:
  prod: {}
`;
}

/**
 * The gateway name for `--name` (or the directory's name): kept when it is a safe name, else made
 * one (`My API` -> `my-api`), so the starter always validates.
 */
export function gatewayName(given: string | undefined, dir: string): { name: string; description?: string } {
  if (given !== undefined && isSafeName(given)) return { name: given };
  const name = toSafeName(given ?? path.basename(dir), 'api').toLowerCase();
  const safe = isSafeName(name) ? name : 'my-gateway';
  return given !== undefined ? { name: safe, description: given } : { name: safe };
}

/** Which peer packages each target needs, and the install line for the ones missing here. */
function peerLines(): string[] {
  const lines = ['peer packages by target (install the ones you use):'];
  const missing = new Set<string>();
  for (const t of ALL_TARGETS) {
    const lacking = missingPeers(t);
    lacking.forEach((p) => missing.add(p));
    const pkgs = PEERS[t].length ? PEERS[t].join(' ') : '-';
    lines.push(`  ${t.padEnd(11)} ${pkgs.padEnd(37)} ${PEER_USE[t]}${lacking.length ? ` (not installed: ${lacking.join(', ')})` : ''}`);
  }
  return lines;
}

function init(flags: { out: string; name?: string; force?: boolean }, ctx: Context): number {
  const file = path.resolve(flags.out);
  if (existsSync(file) && !flags.force) throw new AnygateError(`${flags.out} exists; pass --force to replace it or --out to write elsewhere`);
  const { name, description } = gatewayName(flags.name, path.dirname(file));
  writeFileSync(file, starterSpec(name, schemaRef(path.dirname(file)), description));
  const note = description !== undefined ? ` (${JSON.stringify(description)} is not a gateway name, which takes letters, digits and hyphens: the name is ${name}, the text is its description)` : '';
  ctx.io.err(`wrote ${flags.out}, gateway ${name}${note}\n`);
  // The first file the commands look for needs no argument.
  const spec = file === path.resolve(SPEC_FILES[0]) ? '' : ` ${flags.out}`;
  const awsMissing = missingPeers('aws');
  const install = awsMissing.length ? `npm install --save-dev ${PEERS.aws.join(' ')} && ` : '';
  ctx.io.err(`next: ${install}anygate validate${spec} && anygate synth${spec}${awsMissing.length ? ` (or synth --target azure,apigee,kubernetes without the AWS peers)` : ''}\n`);
  for (const l of peerLines()) ctx.io.err(`${l}\n`);
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
