import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { generateGateway } from '../../bench/gen-spec';
import { OutContents, unpackedFiles } from '../../bin/synth/contents';
import { listFiles } from '../../bin/synth/files';
import { scratch } from '../validators';
import { cli, root, runAsync, type CliRun } from './run';

const examples = [
  { spec: 'examples/petstore/gateway.ts', name: 'petstore', stages: ['dev', 'prod'] },
  { spec: 'examples/minimal/gateway.yaml', name: 'hello', stages: ['prod'] },
  { spec: 'examples/multi-stage/gateway.ts', name: 'orders', stages: ['dev', 'prod', 'staging'] },
];

// Every full synth of this file runs once, before the tests look at the results: in this process
// (the CLI's main, ./run.ts), except the petstore's two runs, which are the real bin in two child
// processes: synth's process smoke test, and byte-identical output across processes. (In-process
// runs bundle the Lambda handlers from the TypeScript sources, the bin from dist/: their asset
// bytes differ, so the two runs compared are of the same kind. Running the second one through
// dist/bin/cli.js in this process cost more CPU than the child: dist/ loaded beside the sources.)
const specDir = scratch('diff-spec');
mkdirSync(specDir, { recursive: true });
const base = parse(readFileSync(path.join(root, 'examples/petstore/gateway.yaml'), 'utf8'));
const writeSpec = (name: string, s: unknown) => {
  const f = path.join(specDir, name);
  writeFileSync(f, stringify(s));
  return f;
};
const { consumers, ...withoutConsumers } = base;
const jobs: Record<string, { args: string[]; out: string }> = {};
for (const e of examples) jobs[`${e.name}`] = { args: ['synth', e.spec], out: scratch('synth') };
// Byte-identical output across two processes, on the petstore; every example's output is also
// compared with its golden files (test/golden), which no second run in one process would add to.
jobs['petstore-again'] = { args: ['synth', 'examples/petstore/gateway.ts'], out: scratch('synth-again') };
jobs['diff-a'] = { args: ['synth', writeSpec('a.yaml', base)], out: scratch('diff-a') };
jobs['diff-b'] = { args: ['synth', writeSpec('b.yaml', { ...base, routes: [...base.routes, { id: 'extra', method: 'GET', path: '/extra', backend: 'pets', auth: 'none' }] })], out: scratch('diff-b') };
jobs['diff-c'] = { args: ['synth', writeSpec('c.yaml', { ...withoutConsumers, consumers: { acme: consumers.acme } })], out: scratch('diff-c') };
jobs['json-aws'] = { args: ['synth', 'examples/minimal/gateway.yaml', '--target', 'aws', '--json'], out: scratch('synth-json') };
jobs['consumption'] = { args: ['synth', 'examples/petstore/gateway.ts', '--target', 'azure', '--azure-sku', 'Consumption'], out: scratch('x') };
const results: Record<string, CliRun> = {};

const IN_CHILDREN = ['petstore', 'petstore-again'];

beforeAll(async () => {
  const children = Promise.all(IN_CHILDREN.map((n) => runAsync([...jobs[n]!.args, '--out', jobs[n]!.out])));
  for (const n of Object.keys(jobs).filter((x) => !IN_CHILDREN.includes(x))) results[n] = await cli([...jobs[n]!.args, '--out', jobs[n]!.out]);
  (await children).forEach((r, i) => (results[IN_CHILDREN[i]!] = r));
});

describe.each(examples)('anygate synth $spec', ({ name, stages }) => {
  const out = jobs[name]!.out;

  it('exits 0 with a summary per target', () => {
    const first = results[name]!;
    expect(first.code).toBe(0);
    expect(first.out).toMatch(new RegExp(`^gateway ${name}: \\d+ routes`));
    expect(first.out).toMatch(/^ {2}aws +ok/m);
    expect(first.out).toMatch(/^ {2}azure +ok/m);
    expect(first.out).toMatch(/^ {2}apigee +ok/m);
    expect(first.err).toContain('synthesizing apigee...');
    expect(first.err).toMatch(/synthesized aws in \d+\.\d s/);
  });

  it('writes the documented layout, and the manifest lists files that exist', () => {
    const files = listFiles(out);
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'openapi.json', 'portability.md', `aws/${name}-gateway.template.json`, 'apigee/resources.json', 'apigee/plan.json']));
    // The bundle's files are written once, in the zip; Azure's operation policies in plan.json.
    expect(files.filter((f) => f.startsWith('apigee/apiproxy/') || f.includes('/policies/operations/'))).toEqual([]);
    const unpacked = [...unpackedFiles(out).keys()];
    expect(unpacked).toEqual(expect.arrayContaining([`apigee/apiproxy/${name}.xml`, 'apigee/apiproxy/proxies/default.xml']));
    for (const s of stages) expect(files).toEqual(expect.arrayContaining([`azure/${s}/policies/api.xml`, `azure/${s}/resources.json`, `azure/${s}/plan.json`]));
    expect(files.some((f) => /^apigee\/[a-z0-9-]+-[0-9a-f]{12}\.zip$/.test(f))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.gateway).toBe(name);
    expect(manifest.targets.map((t: { target: string; ok: boolean }) => `${t.target}:${t.ok}`)).toEqual(['aws:true', 'azure:true', 'apigee:true']);
    const reader = new OutContents(out);
    for (const a of manifest.artifacts) {
      expect(['aws', 'azure', 'apigee', 'gateway']).toContain(a.target);
      expect(existsSync(path.join(out, a.path))).toBe(true);
      if (a.entry !== undefined) expect(reader.bytes(a).length).toBeGreaterThan(0);
    }
    expect(manifest.artifacts.some((a: { path: string; pointer?: string }) => a.pointer && a.path.endsWith('/plan.json'))).toBe(true);
  });
});

it('the petstore gives byte-identical out trees from two processes', () => {
  const out = jobs['petstore']!.out;
  const again = jobs['petstore-again']!.out;
  expect(results['petstore-again']!.code).toBe(0);
  const a = listFiles(out);
  expect(listFiles(again)).toEqual(a);
  for (const f of a) expect(readFileSync(path.join(again, f)).equals(readFileSync(path.join(out, f)))).toBe(true);
});

// The README's first screen says what `npm start` writes and what to open (#34): each out/ path it
// names is in the petstore's synth (npm start's command), and synth prints the page to open.
it('the README\'s first screen: npm start is this synth, the page it says to open is printed, every out/ path it names is written', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.start).toBe('node bin/anygate.js synth examples/petstore/gateway.ts');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const first = readme.slice(0, readme.indexOf('\n## Install'));
  expect(first).toContain('`npm start` synthesizes `examples/petstore/gateway.ts` into `out/`');
  expect(first).toContain('Open `out/portability.html` in a browser first');
  const named = [...first.matchAll(/`out\/([^`]*)`/g)].map((m) => m[1]!);
  expect(named.length).toBeGreaterThan(5);
  const out = jobs['petstore']!.out;
  // A name may end in a `*` pattern (`apigee/*.zip`): some file of that folder matches it.
  const written = (n: string) => {
    const p = path.join(out, n.replace('<stage>', 'prod'));
    if (!path.basename(p).includes('*')) return existsSync(p);
    const re = new RegExp(`^${path.basename(p).split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return existsSync(path.dirname(p)) && readdirSync(path.dirname(p)).some((f) => re.test(f));
  };
  for (const n of named) expect([n, written(n)]).toEqual([n, true]);
  expect(results['petstore']!.out).toContain(`portability matrix: ${path.join(out, 'portability.html')} (open it in a browser; portability.md has the same as text)`);
  // "one Output per stage URL"
  const template = JSON.parse(readFileSync(path.join(out, 'aws/petstore-gateway.template.json'), 'utf8')) as { Outputs: Record<string, { Description: string }> };
  expect(Object.values(template.Outputs).map((o) => o.Description).sort()).toEqual(['Invoke URL of the dev stage of petstore (anygate)', 'Invoke URL of the prod stage of petstore (anygate)']);
});

// cfn-lint, xmllint, openapi-spec-validator and apigeelint on every example's artifacts: test/golden/validators.test.ts.

describe('anygate synth: options and bad input', () => {
  it('--json prints a machine summary; --target limits the targets', () => {
    const r = results['json-aws']!;
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ ok: true, gateway: 'hello', routes: 2 });
    expect(j.targets.map((t: { target: string }) => t.target)).toEqual(['aws']);
    expect(existsSync(path.join(jobs['json-aws']!.out, 'azure'))).toBe(false);
  });

  it('a missing spec, an invalid spec, an unknown target, an unwritable or foreign out dir: one clear line and the documented code', async () => {
    const missing = await cli(['synth', 'nope.yaml', '--out', scratch('x')]);
    expect([missing.code, missing.err.trim().split('\n').pop()]).toEqual([1, 'anygate: nope.yaml: no such file; give the path of a YAML, JSON, OpenAPI or TypeScript spec']);
    const invalid = await cli(['synth', 'test/fixtures/broken.yaml', '--out', scratch('x')]);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/broken\.yaml:12:19: routes\[0\]\.cache\.ttlSeconds: must be at most 86400/);
    const target = await cli(['synth', '--target', 'gcp', '--out', scratch('x')]);
    expect([target.code, target.err.trim()]).toEqual([2, 'anygate: unknown target "gcp"; targets: aws, azure, apigee, kubernetes']);
    const file = path.join(scratch('x'), 'a-file');
    writeFileSync(file, 'x');
    const unwritable = await cli(['synth', 'examples/minimal/gateway.yaml', '--out', path.join(file, 'sub')]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.err.trim().split('\n').pop()).toMatch(/^anygate: cannot write to .*a-file\/sub: (ENOTDIR|EEXIST); choose a writable --out directory$/);
    const foreign = scratch('foreign');
    writeFileSync(path.join(foreign, 'precious.txt'), 'keep me');
    const f = await cli(['synth', 'examples/minimal/gateway.yaml', '--out', foreign]);
    expect(f.code).toBe(1);
    expect(f.err).toMatch(/is not empty and holds no anygate manifest\.json; choose another --out directory/);
    expect(readFileSync(path.join(foreign, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('--kubernetes-backend-kind picks what HTTP backends become, in the manifests, the notes and the report alike', async () => {
    const dirs = Object.fromEntries(['svc', 'be', 'bad'].map((k) => [k, scratch(`k8s-backend-${k}`)]));
    const out = (kind: string) => dirs[kind]!;
    const [svc, be, bad] = await Promise.all([
      cli(['synth', 'examples/minimal/gateway.yaml', '--target', 'kubernetes', '--out', out('svc')]),
      cli(['synth', 'examples/minimal/gateway.yaml', '--target', 'kubernetes', '--kubernetes-backend-kind', 'Backend', '--out', out('be')]),
      cli(['synth', 'examples/minimal/gateway.yaml', '--target', 'kubernetes', '--kubernetes-backend-kind', 'ExternalName', '--out', out('bad')]),
    ]);
    expect([svc.code, be.code, bad.code]).toEqual([0, 0, 2]);
    expect(bad.err).toMatch(/--kubernetes-backend-kind.*Allowed choices are Service, Backend/);
    const yaml = (dir: string) => readFileSync(path.join(dir, 'kubernetes', 'prod', 'gateway.yaml'), 'utf8');
    expect(yaml(out('svc'))).toMatch(/^kind: EndpointSlice$/m);
    expect(yaml(out('svc'))).not.toMatch(/^kind: Backend$/m);
    expect(yaml(out('be'))).toMatch(/^kind: Backend$/m);
    expect(svc.out).toMatch(/RBAC to create EndpointSlices/);
    expect(be.out).toMatch(/extensionApis\.enableBackend=true/);
    expect(readFileSync(path.join(out('be'), 'portability.md'), 'utf8')).toMatch(/Backend API is disabled by default/);
    expect(readFileSync(path.join(out('svc'), 'portability.md'), 'utf8')).not.toMatch(/Backend API is disabled by default/);
  });

  it('"did you mean" for a mistyped target, stage or spec file', async () => {
    const target = await cli(['synth', 'examples/minimal/gateway.yaml', '--target', 'azur', '--out', scratch('x')]);
    expect([target.code, target.err.trim()]).toEqual([2, 'anygate: unknown target "azur" (did you mean "azure"?); targets: aws, azure, apigee, kubernetes']);
    const stage = await cli(['synth', 'examples/petstore/gateway.yaml', '--stage', 'prd', '--out', scratch('x')]);
    expect([stage.code, stage.err.trim().split('\n').pop()]).toEqual([2, 'anygate: stage "prd" is not in the spec (did you mean "prod"?); stages: dev, prod']);
    const file = await cli(['validate', 'examples/petstore/gateway.yml']);
    expect([file.code, file.err.trim()]).toEqual([1, 'anygate: examples/petstore/gateway.yml: no such file (did you mean "examples/petstore/gateway.yaml"?)']);
  });

  it('exits 1 and says which target failed when a target cannot synthesize', () => {
    const r = results['consumption']!;
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/azure +FAILED/);
    expect(r.out).toMatch(/route createPet \(POST \/pets\): route\.rateLimit on azure \(Consumption\)/);
  });
});

describe('anygate synth: the portability report replays what synthesis decided', () => {
  it('an emitted-size refusal of a target is in portability.md, from the one compile synth ran', async () => {
    const dir = scratch('synth-size');
    // 400 ANY routes with distinct rate limits on two stages: 5,600 method settings, over the
    // template budget (the refusal names the limit and a split that fits).
    const routes = Array.from({ length: 400 }, (_, i) => ({ id: `r${i}`, method: 'ANY', path: `/g${i}/x`, backend: 'api', auth: 'none', rateLimit: { requestsPerSecond: 1 + i, burst: 10 } }));
    writeFileSync(path.join(dir, 'big.yaml'), stringify({ name: 'big', backends: { api: { type: 'http', url: 'https://api.example.com' } }, stages: { dev: {}, prod: {} }, routes }));
    const r = await cli(['synth', path.join(dir, 'big.yaml'), '--target', 'aws', '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/gateway: size on aws: \d+ per-method settings across 2 stage\(s\) take \d+ bytes of template/);
    expect(readFileSync(path.join(dir, 'out', 'portability.md'), 'utf8')).toMatch(/^- gateway: size on aws: \d+ per-method settings/m);
  });

  it('--account and --region go together and are checked', async () => {
    const half = await cli(['synth', 'examples/minimal/gateway.yaml', '--target', 'aws', '--account', '123456789012', '--out', scratch('synth-env')]);
    expect([half.code, half.err.trim()]).toEqual([1, 'anygate: --account and --region go together (literal ARNs need both); leave both out for an environment-agnostic stack']);
    const bad = await cli(['synth', 'examples/minimal/gateway.yaml', '--target', 'aws', '--account', 'abc', '--region', 'eu-west-1', '--out', scratch('synth-env')]);
    expect(bad.err).toMatch(/--account "abc" is not a 12-digit AWS account id/);
  });
});

describe('anygate diff', () => {
  const before = jobs['diff-a']!.out;

  it('adding a route changes only what it must, and nothing destructive; each change names its route and property', async () => {
    expect(results['diff-a']!.code).toBe(0);
    expect(results['diff-b']!.code).toBe(0);
    const r = await cli(['diff', before, jobs['diff-b']!.out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ 0 destructive$/m);
    expect(r.out).toMatch(/^azure: \+ petstore-op-extra \(azure-native:apimanagement:ApiOperation\) in dev$/m);
    expect(r.out).toMatch(/^azure: \+ petstore-op-extra \(azure-native:apimanagement:ApiOperation\) in prod$/m);
    expect(r.out).toMatch(/^azure: \+ policy prod\/operation\/extra\n {4}\+ <policies>$/m);
    expect(r.out).not.toMatch(/^aws: - .*(ApiKey|UsagePlan|Stage)/m);
    // The AWS body change is reported under the route it belongs to, with the new value.
    expect(r.out).toMatch(/^ {4}\[GET, OPTIONS \/v1\/extra\] Properties\.Body\.paths\.\/v1\/extra: \(none\) -> \{"get":\{"operationId":"extra"/m);
    expect((await cli(['diff', before, jobs['diff-b']!.out, '--fail-on', 'destructive'])).code).toBe(0);
    expect((await cli(['diff', before, jobs['diff-b']!.out, '--fail-on', 'changes'])).code).toBe(1);
    const j = JSON.parse((await cli(['diff', before, jobs['diff-b']!.out, '--json'])).out);
    expect(j.entries).toEqual(expect.arrayContaining([expect.objectContaining({ target: 'azure', kind: 'added', id: 'petstore-op-extra' })]));
  });

  it('removing a consumer is flagged destructive on every target; --fail-on destructive exits 1', async () => {
    expect(results['diff-c']!.code).toBe(0);
    const r = await cli(['diff', before, jobs['diff-c']!.out]);
    expect(r.out).toMatch(/^aws: - GatewayKeyTrialUser\w+ \(AWS::ApiGateway::ApiKey\) {2}DESTRUCTIVE/m);
    expect(r.out).toMatch(/^azure: - petstore-sub-petstore-trial-user \(azure-native:apimanagement:Subscription\) in prod {2}DESTRUCTIVE/m);
    expect(r.out).toMatch(/^apigee: - petstore-app-trial-user-prod \(gcp:apigee\/developerApp:DeveloperApp\) {2}DESTRUCTIVE/m);
    expect((await cli(['diff', before, jobs['diff-c']!.out, '--fail-on', 'destructive'])).code).toBe(1);
  });

  it('outputs that differ only in key and array order are no change', async () => {
    const reordered = scratch('diff-reordered');
    cpSync(jobs['petstore']!.out, reordered, { recursive: true });
    const reverse = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverse).reverse() : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)])) : v;
    const graphs = listFiles(reordered).filter((f) => /template\.json$|resources\.json$/.test(f));
    expect(graphs.length).toBeGreaterThan(2);
    for (const f of graphs) writeFileSync(path.join(reordered, f), JSON.stringify(reverse(JSON.parse(readFileSync(path.join(reordered, f), 'utf8')))));
    const r = await cli(['diff', jobs['petstore']!.out, reordered, '--fail-on', 'changes']);
    expect([r.code, r.out.trim()]).toEqual([0, '0 changes, 0 destructive']);
  });
});
