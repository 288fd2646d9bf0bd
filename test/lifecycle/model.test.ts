/** versions and release.canary in the model: validation, normalization, headers, expansion. */
import { toGatewaySpec } from '../../lib/model/normalize';
import { exportOpenApi } from '../../lib/openapi/export';
import { importOpenApi } from '../../lib/openapi/import';
import { canaryAsWeights, deprecationHeaders, expandVersions, versionSpec } from '../../lib/model/versions';
import { baseSpec, errorsOf } from '../helpers';
import { lifecycleSpec } from './fixtures';

describe('deprecation headers', () => {
  it('RFC 9745 Deprecation is @<epoch seconds>, RFC 8594 Sunset an IMF-fixdate, Link rel=deprecation', () => {
    expect(deprecationHeaders({ name: 'v1', deprecated: '2026-06-01', sunset: '2027-01-31T12:30:00Z', link: 'https://example.com/d' })).toEqual({
      Deprecation: '@1780272000',
      Sunset: 'Sun, 31 Jan 2027 12:30:00 GMT',
      Link: '<https://example.com/d>; rel="deprecation"; type="text/html"',
    });
    expect(deprecationHeaders({ name: 'v2' })).toEqual({});
  });
});

describe('validation', () => {
  it('accepts the lifecycle spec on every scheme', () => {
    for (const scheme of ['path', 'header', 'query'] as const) expect(errorsOf(lifecycleSpec(scheme))).toEqual([]);
  });

  it('names where a version, a route version or a canary is wrong, and what to do', () => {
    const s = lifecycleSpec('header');
    s.versions.list.push({ name: 'V1', sunset: '2020-01-01', deprecated: '2021-01-01' }, { name: 'v3', link: 'https://example.com/{x}' });
    s.versions.name = 'Api Version';
    s.routes[0].versions = ['v9'];
    s.release.canary.backend = 'fn';
    expect(errorsOf(s)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^versions\.name: is not a valid HTTP header name/),
        expect.stringMatching(/^versions\.list\[2\]\.name: duplicates versions\.list\[0\]/),
        expect.stringMatching(/^versions\.list\[2\]\.sunset: 2020-01-01 is before deprecated 2021-01-01/),
        expect.stringMatching(/^versions\.list\[3\]\.link: a deprecation link needs deprecated or sunset/),
        expect.stringMatching(/^versions\.list\[3\]\.link: must not contain/),
        expect.stringMatching(/^routes\[0\]\.versions\[0\]: version "v9" is not in versions\.list; versions: v1, v2, V1, v3/),
        expect.stringMatching(/^release\.canary\.backend: backend "fn" must be an http backend with one url/),
      ]),
    );
    expect(errorsOf({ ...baseSpec(), versions: { scheme: 'path', list: [{ name: 'v1', deprecated: '2026-02-30' }] } })).toEqual([expect.stringMatching(/deprecated: is not a real calendar date/)]);
  });

  it('routes of disjoint versions may share method and path; overlapping ones may not', () => {
    const s = lifecycleSpec('header');
    s.routes.push({ method: 'GET', path: '/items/{id}', backend: 'canned', auth: 'none', versions: ['v2'] });
    expect(errorsOf(s)).toEqual([expect.stringMatching(/^routes\[4\]: GET \/items\/\{id\} duplicates routes\[0\]/)]);
    s.routes[0].versions = ['v1'];
    expect(errorsOf(s)).toEqual([]);
  });

  it('export never drops one of two routes on one method and path: it refuses, and exports one version at a time', () => {
    const s = lifecycleSpec('header');
    s.routes.push({ id: 'getItemV2', method: 'GET', path: '/items/{id}', backend: 'canned', auth: 'none', versions: ['v2'] });
    s.routes[0].versions = ['v1'];
    const spec = toGatewaySpec(s);
    expect(() => exportOpenApi(spec)).toThrow(/routes \S+ and getItemV2 are both GET \/items\/\{id\} \(in different versions\).*anygate export --api-version v1\|v2/);
    const get = (version: string) => (exportOpenApi(spec, { version }) as any).paths['/items/{id}'].get.operationId;
    expect([get('v1'), get('v2')]).toEqual([spec.routes.find((r) => r.path === '/items/{id}' && r.versions?.includes('v1') && r.method === 'GET')!.id, 'getItemV2']);
    expect(() => exportOpenApi(spec, { version: 'v9' })).toThrow(/--api-version "v9": the spec's versions are v1, v2/);
  });

  it('refuses route versions without declared versions, and a version no route serves', () => {
    const s = baseSpec();
    s.routes[0].versions = ['v1'];
    expect(errorsOf(s)).toEqual([expect.stringMatching(/^routes\[0\]\.versions: names versions, but the spec declares none/)]);
    const t = lifecycleSpec();
    t.versions.list.push({ name: 'v3' });
    for (const r of t.routes) r.versions ??= ['v1', 'v2'];
    expect(errorsOf(t)).toEqual([expect.stringMatching(/^versions\.list\[2\]: no route serves version "v3"/)]);
  });
});

describe('normalization and expansion', () => {
  it('every route lists its versions in declared order; unversioned specs gain no field', () => {
    const spec = toGatewaySpec(lifecycleSpec());
    expect(spec.routes.map((r) => [r.method, r.path, r.versions])).toEqual([
      ['GET', '/health', ['v1', 'v2']],
      ['POST', '/items', ['v1', 'v2']],
      ['GET', '/items/{id}', ['v1', 'v2']],
      ['DELETE', '/items/{id}', ['v2']],
    ]);
    expect(spec.versions).toMatchObject({ scheme: 'path', name: '' });
    expect(spec.release).toEqual({ canary: { percent: 10, backend: 'api-next', of: 'api' } });
    const plain = toGatewaySpec(baseSpec());
    expect(Object.keys(plain)).not.toContain('versions');
    expect(plain.routes.some((r) => 'versions' in r)).toBe(false);
    expect(expandVersions(plain)).toBe(plain);
    expect(canaryAsWeights(plain)).toBe(plain);
  });

  it('path versioning: routes under the segment, the backend path without it, deprecation headers on v1', () => {
    const flat = expandVersions(toGatewaySpec(lifecycleSpec()));
    const get1 = flat.routes.find((r) => r.path === '/v1/items/{id}' && r.method === 'GET')!;
    expect(get1.id).toBe('get-items-id-v1');
    expect(get1.transform?.request?.rewritePath).toBe('/items/{id}');
    expect(get1.transform?.response?.setHeaders).toEqual({ Deprecation: '@1780272000', Link: '<https://example.com/deprecations/v1>; rel="deprecation"; type="text/html"', Sunset: 'Sun, 31 Jan 2027 00:00:00 GMT' });
    expect(flat.routes.find((r) => r.path === '/v2/items/{id}' && r.method === 'GET')!.transform?.response).toBeUndefined();
    expect(flat.routes.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/v2/items/{id}']);
    expect(flat.routes).toHaveLength(7);
    expect(flat.versions).toBeUndefined();
  });

  it('header and query versioning: the same path, with a selector of the default name', () => {
    const h = expandVersions(toGatewaySpec(lifecycleSpec('header')));
    expect(h.routes.filter((r) => r.path === '/items/{id}' && r.method === 'GET').map((r) => r.select)).toEqual([
      { in: 'header', name: 'Api-Version', value: 'v1' },
      { in: 'header', name: 'Api-Version', value: 'v2' },
    ]);
    const q = expandVersions(toGatewaySpec(lifecycleSpec('query')));
    expect(q.routes[0].select).toEqual({ in: 'query', name: 'api-version', value: 'v1' });
    expect(q.routes[0].transform?.request).toBeUndefined();
  });

  it("a route's own response header wins over the version's", () => {
    const s = lifecycleSpec('header');
    s.routes[2].transform = { response: { setHeaders: { Sunset: 'never' } } };
    const v1 = versionSpec(toGatewaySpec(s), 'v1').routes.find((r) => r.path === '/health')!;
    expect(v1.transform?.response?.setHeaders).toMatchObject({ Sunset: 'never', Deprecation: '@1780272000' });
  });

  it('a canary becomes weighted targets of the shared backend (100 - percent and percent)', () => {
    const w = canaryAsWeights(toGatewaySpec(lifecycleSpec()));
    expect(w.backends.api).toEqual({ type: 'http', timeoutMs: 29000, targets: [{ url: 'https://api.example.com', weight: 90 }, { url: 'https://next.example.com', weight: 10 }] });
    expect(w.release).toBeUndefined();
  });
});

describe('OpenAPI', () => {
  it('export then import keeps versions, route versions and the canary (x-anygate)', async () => {
    const spec = toGatewaySpec(lifecycleSpec('header'));
    const back = toGatewaySpec((await importOpenApi(exportOpenApi(spec) as unknown as Record<string, unknown>, 'lifecycle.json')).input);
    expect([back.versions, back.release, back.routes.map((r) => r.versions)]).toEqual([spec.versions, spec.release, spec.routes.map((r) => r.versions)]);
  });
});
