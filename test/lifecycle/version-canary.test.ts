/**
 * A version canary (release.canary.version): a share of one version's requests is served by the
 * next version's route on the same method and path. The model checks the pairs and lowers the
 * canary to a backend canary of the paired routes; every target synthesizes it (validators clean),
 * dev splits it under --seed, and conform's cases pass against dev.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { seededRandom } from '../../dev/canary';
import { generateVectors } from '../../dev/conform/generate';
import { formatResults, runVectors } from '../../dev/conform/run';
import { startDev } from '../../dev/server';
import { targetProblems } from '../../lib/capabilities/support';
import { lowerVersionCanary } from '../../lib/model/canary';
import { toGatewaySpec, validateGateway } from '../../lib/model/normalize';
import { synth } from '../../bin/synth';
import { exportOpenApi, openApiFiles } from '../../lib/openapi/export';
import { importOpenApi } from '../../lib/openapi/import';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { resourcesOfType, synthAws } from '../aws/helpers';
import { echoBackend, get, isolateDevHome, type EchoBackend } from '../dev/helpers';
import { errorsOf } from '../helpers';
import { k8sProblems } from '../kubernetes/crd';
import { apimPolicyErrors, cfnLintErrors, scratch } from '../validators';

isolateDevHome();

type Scheme = 'path' | 'header' | 'query';

/**
 * v1 (deprecated) and v2; GET /items/{id} has a route per version (v2 on api-next, its parameter
 * named `v2Param`: itemId by default, id for the very same path); /items serves both.
 */
function canarySpec(scheme: Scheme = 'path', urls = { api: 'https://api.example.com', next: 'https://next.example.com' }, v2Param = 'itemId'): Record<string, any> {
  return {
    name: 'shop',
    backends: { api: { type: 'http', url: urls.api }, 'api-next': { type: 'http', url: urls.next } },
    defaults: { backend: 'api', auth: 'none' },
    versions: { scheme, list: [{ name: 'v1', deprecated: '2026-06-01', sunset: '2027-01-31' }, { name: 'v2' }] },
    release: { canary: { percent: 10, version: 'v2' } },
    routes: [
      { id: 'getItem', method: 'GET', path: '/items/{id}', versions: ['v1'] },
      { id: 'getItemNext', method: 'GET', path: `/items/{${v2Param}}`, backend: 'api-next', versions: ['v2'] },
      { id: 'listItems', method: 'GET', path: '/items' },
    ],
  };
}

describe('the model', () => {
  it('defaults of to the version listed before, and lowers to a backend canary of the paired routes only', () => {
    const spec = toGatewaySpec(canarySpec());
    expect(spec.release).toEqual({ canary: { percent: 10, version: 'v2', of: 'v1' } });
    const low = lowerVersionCanary(spec);
    expect(low.release).toEqual({ canary: { percent: 10, backend: 'api-next', of: 'api-v1' } });
    expect(low.backends['api-v1']).toEqual(spec.backends.api);
    expect(low.routes.map((r) => [r.id, r.backend, r.versions]).sort()).toEqual([
      ['getItem', 'api-v1', ['v1']],
      ['getItemNext', 'api-next', ['v2']],
      ['listItems', 'api', ['v1', 'v2']],
    ]);
  });

  it('splits a shared route that also serves a third version, and keeps the copy name unique', () => {
    const s = canarySpec();
    s.versions.list.push({ name: 'v3' });
    s.backends['api-v1'] = { type: 'http', url: 'https://taken.example.com' };
    s.routes[0].versions = ['v1', 'v3'];
    const low = lowerVersionCanary(toGatewaySpec(s));
    expect(low.release!.canary!.of).toBe('api-v1-2');
    expect(low.routes.filter((r) => r.id === 'getItem').map((r) => [r.backend, r.versions])).toEqual([
      ['api', ['v3']],
      ['api-v1-2', ['v1']],
    ]);
  });

  it('names where a version canary is wrong, and what to do', () => {
    const both = canarySpec();
    both.release.canary.backend = 'api-next';
    expect(errorsOf(both)).toEqual([expect.stringMatching(/^release\.canary: set exactly one of backend .* and version/)]);
    const first = canarySpec();
    first.release.canary.version = 'v1';
    expect(errorsOf(first)).toEqual([expect.stringMatching(/^release\.canary\.of: is required: v1 is the first version/)]);
    const unknown = canarySpec();
    unknown.release.canary.version = 'v9';
    expect(errorsOf(unknown)).toEqual([expect.stringMatching(/^release\.canary\.version: version "v9" is not in versions\.list; versions: v1, v2$/)]);
    const unversioned = canarySpec();
    delete unversioned.versions;
    for (const r of unversioned.routes) delete r.versions;
    expect(errorsOf(unversioned)).toContainEqual(expect.stringMatching(/^release\.canary\.version: a version canary needs versions/));
    const differs = canarySpec();
    differs.routes[1].auth = 'key';
    differs.authorizers = { key: { type: 'apiKey' } };
    expect(errorsOf(differs)).toEqual([expect.stringMatching(/^routes\[1\]: serves v2 on GET \/items\/\{itemId\} like routes\[0\] does for v1, but differs from it in auth: .* may differ in backend only/)]);
    const twoPairs = canarySpec();
    twoPairs.backends.orders = { type: 'http', url: 'https://orders.example.com' };
    twoPairs.routes.push({ method: 'GET', path: '/orders', versions: ['v1'] }, { method: 'GET', path: '/orders', backend: 'orders', versions: ['v2'] });
    expect(errorsOf(twoPairs)).toEqual([expect.stringMatching(/pair more than one backend \(api -> api-next, api -> orders\); a canary splits one backend pair/)]);
    const nothing = canarySpec();
    nothing.routes[1].backend = 'api';
    expect(errorsOf(nothing)).toEqual([expect.stringMatching(/^release\.canary\.version: no route of v1 has a v2 route on the same method and path with another backend/)]);
    const fn = canarySpec();
    fn.backends['api-next'] = { type: 'function' };
    expect(errorsOf(fn)).toContainEqual(expect.stringMatching(/^release\.canary\.version: backend "api-next" must be an http backend with one url/));
  });
});

describe('OpenAPI', () => {
  // Same path, or paths equal but for their parameter names: OpenAPI 3.1 holds neither pair in one
  // document ("templated paths with the same hierarchy but different templated names MUST NOT exist").
  it.each(['id', 'itemId'])('the whole spec does not fit one document when v2\'s path parameter is {%s}: export refuses, naming both routes', (param) => {
    const spec = toGatewaySpec(canarySpec('header', undefined, param));
    expect(() => exportOpenApi(spec)).toThrow(/^routes getItem and getItemNext are .*GET \/items\/\{id\}.* \(in different versions\).*anygate export --api-version v1\|v2$/);
    for (const version of ['v1', 'v2']) expect(Object.keys(exportOpenApi(spec, { version }).paths!)).toHaveLength(2);
  });

  it('another method on a path that differs only in parameter names, in a disjoint version, fits: one path item names both, and import gives the spec back', async () => {
    const s = canarySpec('header');
    s.routes.push({ id: 'deleteItem', method: 'DELETE', path: '/items/{itemKey}', versions: ['v2'] });
    s.routes.splice(1, 1);
    delete s.release;
    const spec = toGatewaySpec(s);
    expect(openApiFiles(spec).map((f) => [f.file, Object.keys(f.document.paths!).sort()])).toEqual([['openapi.json', ['/items', '/items/{id}']]]);
    const doc = exportOpenApi(spec) as any;
    expect(Object.keys(doc.paths['/items/{id}']).sort()).toEqual(['delete', 'get']);
    expect(doc.paths['/items/{id}'].delete['x-anygate']).toMatchObject({ path: '/items/{itemKey}', versions: ['v2'] });
    expect(toGatewaySpec((await importOpenApi(structuredClone(doc), 'export.json')).input)).toEqual(spec);
    // One version's document holds its own routes, named as they are.
    expect(Object.keys(exportOpenApi(spec, { version: 'v2' }).paths!).sort()).toEqual(['/items', '/items/{itemKey}']);
  });

  it.each([
    ['path', 'id'],
    ['header', 'id'],
    ['query', 'itemId'],
  ] as const)('synth (%s versions, v2 on {%s}) writes one document per version, holding every route, and synthesizes again into its out dir', async (scheme, param) => {
    const spec = toGatewaySpec(canarySpec(scheme, undefined, param));
    expect(openApiFiles(spec).map((f) => [f.file, f.version])).toEqual([
      ['openapi/v1.json', 'v1'],
      ['openapi/v2.json', 'v2'],
    ]);
    const out = scratch(`version-canary-synth-${scheme}`);
    const once = () => synth(spec, { targets: ['kubernetes'], outDir: out, progress: () => undefined });
    const r = await once();
    expect(r.targets.map((t) => [t.target, t.ok, t.errors])).toEqual([['kubernetes', true, []]]);
    expect(existsSync(path.join(out, 'openapi.json'))).toBe(false);
    const docs = ['v1', 'v2'].map((v) => JSON.parse(readFileSync(path.join(out, 'openapi', `${v}.json`), 'utf8')));
    const ids = docs.flatMap((d) => Object.values<Record<string, { operationId: string }>>(d.paths).flatMap((item) => Object.values(item).map((o) => o.operationId)));
    expect([...new Set(ids)].sort()).toEqual(['getItem', 'getItemNext', 'listItems']);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts.filter((a: { kind: string }) => a.kind === 'openapi')).toEqual([
      { target: 'gateway', kind: 'openapi', name: 'shop v1', path: 'openapi/v1.json' },
      { target: 'gateway', kind: 'openapi', name: 'shop v2', path: 'openapi/v2.json' },
    ]);
    // Each document is what `export --api-version` writes, and imports back.
    for (const [i, version] of ['v1', 'v2'].entries()) {
      expect(docs[i]).toEqual(JSON.parse(JSON.stringify(exportOpenApi(spec, { version }))));
      expect(validateGateway((await importOpenApi(docs[i], 'c.json')).input).errors).toEqual([]);
    }
    expect((await once()).ok).toBe(true);
  });

  it('one version\'s document leaves a version canary out (its other side is not there), so it imports', async () => {
    const spec = toGatewaySpec(canarySpec());
    const back = async (version: string) => validateGateway((await importOpenApi(exportOpenApi(spec, { version }) as unknown as Record<string, unknown>, 'c.json')).input);
    for (const v of ['v1', 'v2']) {
      const one = await back(v);
      expect(one.errors.map((e) => e.message)).toEqual([]);
      expect(one.spec!.release).toBeUndefined();
    }
  });
});

describe('every target', () => {
  it('AWS: the paired v1 routes read their own host variable, which the stage canary points at v2\'s backend; cfn-lint clean', () => {
    const { json, gateway } = synthAws(canarySpec());
    const stage = resourcesOfType(json, 'AWS::ApiGateway::Stage')[0][1].Properties;
    expect(stage.CanarySetting).toMatchObject({ PercentTraffic: 10, StageVariableOverrides: { 'anygate_backend_api_v1': 'next.example.com' } });
    expect(stage.Variables).toEqual(expect.objectContaining({ anygate_backend_api_v1: 'api.example.com' }));
    // v1 is deprecated, so its routes answer through the transform Lambda, which reads the host variable.
    const targets = Object.fromEntries(gateway.plan.transform!.config.routes.map((r) => [r.resource, r.target]));
    expect(targets['/v1/items/{id}']).toMatchObject({ type: 'http', stageVariable: 'anygate_backend_api_v1' });
    expect(targets['/v1/items']).not.toHaveProperty('stageVariable');
    const body = resourcesOfType(json, 'AWS::ApiGateway::RestApi')[0][1].Properties.Body;
    expect(body.paths['/v2/items/{itemId}'].get['x-amazon-apigateway-integration'].uri).toBe('https://next.example.com/items/{itemId}');
    const file = path.join(scratch('version-canary-cfn'), 'template.json');
    writeFileSync(file, JSON.stringify(json));
    expect(cfnLintErrors(file)).toEqual([]);
  });

  it.each(['path', 'header'] as const)('Azure (%s): a pool used by the v1 Api\'s paired operation only; xmllint clean', (scheme) => {
    const plan = compileAzure(toGatewaySpec(canarySpec(scheme)));
    const pool = plan.resources.find((r) => r.name === 'backend-api-v1')!;
    expect(pool.inputs).toMatchObject({ type: 'Pool', pool: { services: [{ weight: 90 }, { weight: 10 }] } });
    const policies = plan.resources.filter((r) => r.inputs.format === 'rawxml');
    const using = policies.filter((r) => String(r.inputs.value).includes('backend-id="shop-prod-api-v1"')).map((r) => r.name);
    expect(using).toEqual(['op-getItem-policy']);
    const dir = scratch(`version-canary-apim-${scheme}`);
    const files = policies.map((r, i) => {
      const f = path.join(dir, `${i}.xml`);
      writeFileSync(f, String(r.inputs.value));
      return f;
    });
    expect(apimPolicyErrors(files)).toBe('');
  });

  // apigeelint runs on the golden case's bundle (test/golden/features/release.canary.version.yaml).
  it('Apigee and Kubernetes: weighted targets on the v1 rule only; the CRD schemas clean', () => {
    const apigee = compileApigee(toGatewaySpec(canarySpec('query')));
    expect(apigee.files['targets/api-v1.xml']).toMatch(/<Algorithm>Weighted<\/Algorithm>\s*<Server name="shop-api-v1-1">\s*<Weight>90<\/Weight>\s*<\/Server>\s*<Server name="shop-api-v1-2">\s*<Weight>10<\/Weight>/);
    const objects = compileKubernetes(toGatewaySpec(canarySpec('path'))).stages.flatMap((s) => s.objects);
    expect(objects.flatMap(k8sProblems)).toEqual([]);
    const rules = objects.filter((o) => o.kind === 'HTTPRoute').flatMap((o) => (o.spec as any).rules);
    const weighted = rules.filter((r: any) => r.backendRefs?.some((b: any) => b.weight === 10));
    expect(weighted.map((r: any) => r.matches[0].path.value)).toEqual([expect.stringMatching(/^\/v1\/items\//)]);
  });

  it('stickiness is refused where the backend canary\'s is (AWS), and the records name the version canary', () => {
    const s = canarySpec();
    s.release.canary.stickiness = { header: 'X-User' };
    expect(targetProblems(toGatewaySpec(s), 'aws').map((p) => p.message)).toEqual([expect.stringMatching(/^a stage canary draws every request/)]);
    expect(targetProblems(toGatewaySpec(canarySpec()), 'aws')).toEqual([]);
  });
});

describe('anygate dev and conform', () => {
  let stable: EchoBackend;
  let next: EchoBackend;
  beforeAll(async () => {
    [stable, next] = await Promise.all([echoBackend(), echoBackend()]);
  });
  afterAll(async () => {
    await Promise.all([stable.close(), next.close()]);
  });

  it('under a seed, about percent of v1\'s paired requests reach v2\'s backend, the same ones every run; unpaired v1 routes never', async () => {
    const spec = toGatewaySpec(canarySpec('header', { api: stable.url, next: next.url }));
    const run = async () => {
      const dev = await startDev({ spec, profile: 'azure', port: 0, publishAdminToken: false, random: seededRandom(7) });
      try {
        let seen = '';
        for (let i = 0; i < 60; i++) {
          const before = next.hits;
          const res = await get(`${dev.url}/items/${i}`, { headers: { 'Api-Version': 'v1' } });
          expect([res.status, res.headers.get('deprecation')]).toEqual([200, '@1780272000']);
          seen += next.hits > before ? 'c' : '.';
        }
        const before = next.hits;
        for (let i = 0; i < 20; i++) expect((await get(`${dev.url}/items`, { headers: { 'Api-Version': 'v1' } })).status).toBe(200);
        expect(next.hits).toBe(before);
        return seen;
      } finally {
        await dev.close();
      }
    };
    const a = await run();
    expect(await run()).toBe(a);
    const share = a.split('').filter((x) => x === 'c').length;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(20);
  });

  it.each([
    ['path', 'aws'],
    ['path', 'kubernetes'],
    ['header', 'azure'],
    ['query', 'apigee'],
  ] as const)('conform (%s, %s profile): the generated cases pass, the version canary case among them', async (scheme, profile) => {
    const spec = toGatewaySpec(canarySpec(scheme, { api: stable.url, next: next.url }));
    const vectors = generateVectors(spec, 'prod', profile);
    const canaryCase = vectors.find((v) => v.name.startsWith('version canary:'))!;
    expect(canaryCase).toMatchObject({ route: 'getItem-v1', request: { repeat: 100 }, expect: { headers: { deprecation: '@1780272000' } } });
    const dev = await startDev({ spec, profile, port: 0, clock: 'virtual', mockIdp: true, publishAdminToken: false, seed: 1 });
    try {
      const results = await runVectors(spec, vectors, { url: dev.url, adminToken: dev.adminToken });
      if (results.some((r) => !r.pass)) throw new Error(formatResults(results));
    } finally {
      await dev.close();
    }
  });

  it('the version canary case fails against a gateway whose shared version answers without its deprecation headers', async () => {
    const spec = toGatewaySpec(canarySpec('path', { api: stable.url, next: next.url }));
    const canaryCase = generateVectors(spec, 'prod', 'kubernetes').filter((v) => v.name.startsWith('version canary:'));
    const plain = canarySpec('path', { api: stable.url, next: next.url });
    plain.versions.list[0] = { name: 'v1' };
    const dev = await startDev({ spec: toGatewaySpec(plain), profile: 'kubernetes', port: 0, clock: 'virtual', publishAdminToken: false, seed: 1 });
    try {
      const results = await runVectors(spec, canaryCase, { url: dev.url, adminToken: dev.adminToken });
      expect(results.map((r) => r.pass)).toEqual([false]);
    } finally {
      await dev.close();
    }
  });
});
