import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { scratch, sharedDir } from '../validators';

const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'anygate.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('anygate CLI', () => {
  it('validate: exit 0 on a valid spec', () => {
    const r = run('validate', 'examples/petstore/gateway.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/valid \(gateway petstore, 7 routes\)/);
  });

  it('validate: exit 1 with every error located, no stack trace', () => {
    const r = run('validate', 'test/fixtures/broken.yaml');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.yaml:12:19: routes\[0\]\.cache\.ttlSeconds: must be at most 86400/);
    expect(r.err).toMatch(/broken\.yaml:15:14: routes\[1\]\.backend/);
    expect(r.err).toMatch(/^3 errors$/m);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('validate: exit 1 for a missing file and a throwing module, one clear line each', () => {
    const missing = run('validate', 'nope.yaml');
    expect(missing.code).toBe(1);
    expect(missing.err.trim()).toBe('anygate: nope.yaml: no such file; give the path of a YAML, JSON, OpenAPI or TypeScript spec');
    const throws = run('validate', 'test/fixtures/throws.ts');
    expect(throws.code).toBe(1);
    expect(throws.err).toMatch(/the module threw while loading: spec module exploded on purpose/);
    expect(throws.err).not.toMatch(/\n\s+at /);
  });

  it('--debug adds the stack trace', () => {
    const r = run('validate', 'test/fixtures/throws.ts', '--debug');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\n\s+at /);
  });

  it('usage errors exit 2', () => {
    expect(run('frobnicate').code).toBe(2);
    expect(run('validate').code).toBe(2);
    const r = run('portability', 'examples/petstore/gateway.yaml', '--target', 'aws,gcp');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown target "gcp"; targets: aws, azure, apigee, kubernetes/);
  });

  it('portability prints a table, and JSON with --json', () => {
    const r = run('portability', 'examples/petstore/gateway.ts', '--target', 'aws,azure');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^feature\s+used by\s+aws\s+azure \(Developer\)$/m);
    expect(r.out).toMatch(/^JWT authorizer\s+4 routes\s+emulated\s+native$/m);
    const j = run('portability', 'examples/petstore/gateway.yaml', '--json');
    expect(JSON.parse(j.out).targets).toEqual(['aws', 'azure', 'apigee']);
  });

  it('portability exits 1 when a target cannot synthesize the spec', () => {
    const r = run('portability', 'examples/petstore/gateway.yaml', '--target', 'azure', '--azure-sku', 'Consumption');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/route createPet: route\.rateLimit on azure \(Consumption\): Consumption has no rate-limit-by-key/);
  });
});

describe('anygate import / export and the CDK app', () => {

  it('import writes a spec that validates; export writes OpenAPI 3.1', () => {
    const dir = scratch('cli-io');
    const spec = path.join(dir, 'imported.yaml');
    // nytimes is not valid Swagger 2.0 (info.logo, path parameters without required): --lenient imports it.
    const imp = run('import', path.join(sharedDir(), 'corpus', 'openapi', 'nytimes-mostpopular-2.0.0.json'), '--lenient', '--out', spec);
    expect(imp.code).toBe(0);
    expect(readFileSync(spec, 'utf8')).toMatch(/^# Imported from nytimes-mostpopular-2\.0\.0\.json by anygate import\nname: most-popular-api/);
    expect(run('validate', spec).code).toBe(0);
    const out = path.join(dir, 'openapi.json');
    expect(run('export', 'examples/minimal/gateway.yaml', '--out', out).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).openapi).toBe('3.1.0');
    const notOas = run('import', 'examples/minimal/gateway.yaml');
    expect([notOas.code, notOas.err.trim()]).toEqual([2, 'anygate: examples/minimal/gateway.yaml is not an OpenAPI or Swagger document (no "openapi" or "swagger" key)']);
  });

  it('cdk.json\'s app synthesizes the petstore with no credentials', () => {
    const outdir = scratch('cdk-app');
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'cdk-app.js')], { cwd: root, encoding: 'utf8', env: { ...process.env, CDK_OUTDIR: outdir } });
    expect(r.status).toBe(0);
    expect(existsSync(path.join(outdir, 'petstore-gateway.template.json'))).toBe(true);
  });
});
