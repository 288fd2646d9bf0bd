import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { listFiles } from '../../bin/synth/files';
import { apigeelint, apimPolicyErrors, cfnLintErrors, openApiErrors, scratch } from '../validators';

const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'anygate.js');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const examples = [
  { spec: 'examples/petstore/gateway.ts', name: 'petstore', stages: ['dev', 'prod'] },
  { spec: 'examples/minimal/gateway.yaml', name: 'hello', stages: ['prod'] },
  { spec: 'examples/multi-stage/gateway.ts', name: 'orders', stages: ['dev', 'prod', 'staging'] },
];

describe.each(examples)('anygate synth $spec', ({ spec, name, stages }) => {
  const out = scratch('synth');
  const again = scratch('synth-again');
  let first: ReturnType<typeof run>;
  beforeAll(() => {
    first = run('synth', spec, '--out', out);
  });

  it('exits 0 with a summary per target', () => {
    expect(first.code).toBe(0);
    expect(first.out).toMatch(new RegExp(`^gateway ${name}: \\d+ routes`));
    expect(first.out).toMatch(/^ {2}aws {5}ok/m);
    expect(first.out).toMatch(/^ {2}azure {3}ok/m);
    expect(first.out).toMatch(/^ {2}apigee {2}ok/m);
    expect(first.err).toContain('synthesizing apigee...');
  });

  it('writes the documented layout, and the manifest lists files that exist', () => {
    const files = listFiles(out);
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'openapi.json', 'portability.md', `aws/${name}-gateway.template.json`, 'apigee/resources.json', `apigee/apiproxy/${name}.xml`, 'apigee/apiproxy/proxies/default.xml']));
    for (const s of stages) expect(files).toEqual(expect.arrayContaining([`azure/${s}/policies/api.xml`, `azure/${s}/resources.json`, `azure/${s}/plan.json`]));
    expect(files.some((f) => /^apigee\/[a-z0-9-]+-[0-9a-f]{12}\.zip$/.test(f))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.gateway).toBe(name);
    expect(manifest.targets.map((t: { target: string; ok: boolean }) => `${t.target}:${t.ok}`)).toEqual(['aws:true', 'azure:true', 'apigee:true']);
    for (const a of manifest.artifacts) {
      expect(['aws', 'azure', 'apigee', 'gateway']).toContain(a.target);
      expect(existsSync(path.join(out, a.path))).toBe(true);
    }
  });

  it('gives byte-identical out trees on a second run', () => {
    expect(run('synth', spec, '--out', again).code).toBe(0);
    const a = listFiles(out);
    expect(listFiles(again)).toEqual(a);
    for (const f of a) expect(readFileSync(path.join(again, f)).equals(readFileSync(path.join(out, f)))).toBe(true);
  });

  it('passes cfn-lint, xmllint (APIM schemas), apigeelint and openapi-spec-validator', () => {
    expect(cfnLintErrors(path.join(out, 'aws', `${name}-gateway.template.json`))).toEqual([]);
    const policies = listFiles(out).filter((f) => f.startsWith('azure/') && f.endsWith('.xml')).map((f) => path.join(out, f));
    expect(policies.length).toBeGreaterThan(0);
    expect(apimPolicyErrors(policies)).toBe('');
    expect(apigeelint(path.join(out, 'apigee')).filter((f) => f.severity === 'error')).toEqual([]);
    expect(openApiErrors(JSON.parse(readFileSync(path.join(out, 'openapi.json'), 'utf8')))).toBe('');
  });
});

describe('anygate synth: options and bad input', () => {
  it('--json prints a machine summary; --target limits the targets', () => {
    const out = scratch('synth-json');
    const r = run('synth', 'examples/minimal/gateway.yaml', '--out', out, '--target', 'aws', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ ok: true, gateway: 'hello', routes: 2 });
    expect(j.targets.map((t: { target: string }) => t.target)).toEqual(['aws']);
    expect(existsSync(path.join(out, 'azure'))).toBe(false);
  });

  it('a missing spec, an invalid spec, an unknown target, an unwritable or foreign out dir: one clear line and the documented code', () => {
    const missing = run('synth', 'nope.yaml', '--out', scratch('x'));
    expect([missing.code, missing.err.trim().split('\n').pop()]).toEqual([1, 'anygate: nope.yaml: no such file; give the path of a YAML, JSON, OpenAPI or TypeScript spec']);
    const invalid = run('synth', 'test/fixtures/broken.yaml', '--out', scratch('x'));
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/broken\.yaml:12:19: routes\[0\]\.cache\.ttlSeconds: must be at most 86400/);
    const target = run('synth', '--target', 'gcp', '--out', scratch('x'));
    expect([target.code, target.err.trim()]).toEqual([2, 'anygate: unknown target "gcp"; targets: aws, azure, apigee, kubernetes']);
    const file = path.join(scratch('x'), 'a-file');
    writeFileSync(file, 'x');
    const unwritable = run('synth', 'examples/minimal/gateway.yaml', '--out', path.join(file, 'sub'));
    expect(unwritable.code).toBe(1);
    expect(unwritable.err.trim().split('\n').pop()).toMatch(/^anygate: cannot write to .*a-file\/sub: (ENOTDIR|EEXIST); choose a writable --out directory$/);
    const foreign = scratch('foreign');
    writeFileSync(path.join(foreign, 'precious.txt'), 'keep me');
    const f = run('synth', 'examples/minimal/gateway.yaml', '--out', foreign);
    expect(f.code).toBe(1);
    expect(f.err).toMatch(/is not empty and holds no anygate manifest\.json; choose another --out directory/);
    expect(readFileSync(path.join(foreign, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('exits 1 and says which target failed when a target cannot synthesize', () => {
    const r = run('synth', 'examples/petstore/gateway.ts', '--out', scratch('x'), '--target', 'azure', '--azure-sku', 'Consumption');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/azure {3}FAILED/);
    expect(r.out).toMatch(/route createPet: route\.rateLimit on azure \(Consumption\)/);
  });
});

describe('anygate diff', () => {
  const specDir = scratch('diff-spec');
  mkdirSync(specDir, { recursive: true });
  const base = parse(readFileSync(path.join(root, 'examples/petstore/gateway.yaml'), 'utf8'));
  const write = (name: string, s: unknown) => {
    const f = path.join(specDir, name);
    writeFileSync(f, stringify(s));
    return f;
  };
  const before = scratch('diff-a');
  beforeAll(() => {
    expect(run('synth', write('a.yaml', base), '--out', before).code).toBe(0);
  });

  it('adding a route changes only what it must, and nothing destructive', () => {
    const after = scratch('diff-b');
    expect(run('synth', write('b.yaml', { ...base, routes: [...base.routes, { id: 'extra', method: 'GET', path: '/extra', backend: 'pets', auth: 'none' }] }), '--out', after).code).toBe(0);
    const r = run('diff', before, after);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ 0 destructive$/m);
    expect(r.out).toMatch(/^azure: \+ petstore-op-extra \(azure-native:apimanagement:ApiOperation\)$/m);
    expect(r.out).not.toMatch(/^aws: - .*(ApiKey|UsagePlan|Stage)/m);
  });

  it('removing a consumer is flagged destructive on every target', () => {
    const after = scratch('diff-c');
    const { consumers, ...rest } = base;
    expect(run('synth', write('c.yaml', { ...rest, consumers: { acme: consumers.acme } }), '--out', after).code).toBe(0);
    const r = run('diff', before, after);
    expect(r.out).toMatch(/^aws: - GatewayKeyTrialUser\w+ \(AWS::ApiGateway::ApiKey\) {2}DESTRUCTIVE/m);
    expect(r.out).toMatch(/^azure: - petstore-sub-petstore-trial-user \(azure-native:apimanagement:Subscription\) {2}DESTRUCTIVE/m);
    expect(r.out).toMatch(/^apigee: - petstore-app-trial-user-prod \(gcp:apigee\/developerApp:DeveloperApp\) {2}DESTRUCTIVE/m);
  });
});
