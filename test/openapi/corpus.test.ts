import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadSpec } from '../../lib/load';
import { parseDataFile } from '../../lib/model/load';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { exportOpenApi } from '../../lib/openapi/export';
import { ANY_METHOD_KEYS, importOpenApi } from '../../lib/openapi/import';
import { openApiErrors, scratch, sharedDir } from '../validators';
import { writeFileSync } from 'node:fs';

const dir = path.join(sharedDir(), 'corpus', 'openapi');
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operationCount(file: string): number {
  const doc = parseDataFile(readFileSync(path.join(dir, file), 'utf8'), file).data as any;
  let n = 0;
  for (const item of Object.values<any>(doc.paths ?? {})) for (const k of [...METHODS, ...ANY_METHOD_KEYS]) if (item[k]) n++;
  return n;
}

async function roundTrip(spec: GatewaySpec, name: string): Promise<{ doc: unknown; again: GatewaySpec }> {
  const doc = exportOpenApi(spec);
  const file = path.join(scratch('export'), `${name}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const { input } = await importOpenApi(JSON.parse(JSON.stringify(doc)), file);
  return { doc, again: toGatewaySpec(input) };
}

describe('OpenAPI corpus: every real document imports, exports and round-trips', () => {
  it('holds the eight documents', () => expect(files).toHaveLength(8));

  describe.each(files)('%s', (file) => {
    let spec: GatewaySpec;
    beforeAll(async () => {
      spec = (await loadSpec(path.join(dir, file))).spec;
    });

    it('has one route per operation', () => {
      expect(spec.routes.length).toBe(operationCount(file));
    });

    it('import -> export -> import gives the same GatewaySpec, and the export passes openapi-spec-validator', async () => {
      const { doc, again } = await roundTrip(spec, file);
      expect(JSON.stringify(again)).toBe(JSON.stringify(spec));
      expect(openApiErrors(doc)).toBe('');
    });
  });
});

describe('OpenAPI corpus: auth mapping', () => {
  const load = async (f: string) => (await loadSpec(path.join(dir, f))).spec;
  const kinds = (s: GatewaySpec) => Object.fromEntries(Object.entries(s.authorizers).map(([n, a]) => [n, a.type === 'apiKey' ? `apiKey:${a.in}:${a.name}` : a.type]));

  it('nytimes: an API key in the query, set per operation', async () => {
    const s = await load('nytimes-mostpopular-2.0.0.json');
    expect(Object.values(kinds(s))).toEqual(['apiKey:query:api-key']);
    expect(s.routes.every((r) => Array.isArray(r.auth) && r.auth.length === 1)).toBe(true);
  });

  it('tictactoe: bearer OR oauth2 alternatives; the API key route keeps only what can check scopes', async () => {
    const s = await load('oai-tictactoe-1.0.0.yaml');
    expect(kinds(s)).toMatchObject({ bearerHttpAuthentication: 'jwt', user2AppOauth: 'jwt', app2AppOauth: 'jwt', defaultApiKey: 'apiKey:header:api-key', basicHttpAuthentication: 'custom' });
    const put = s.routes.find((r) => r.method === 'PUT')!;
    expect(put.auth).toEqual([['bearerHttpAuthentication'], ['user2AppOauth']]);
    expect(put.scopes).toEqual(['board:write']);
  });

  it('openfinance: OpenID Connect AND OAuth2 in one requirement', async () => {
    const s = await load('openfinance-brasil-accounts-2.4.2.yaml');
    expect(s.routes[0].auth).toEqual([['OAuth2Security', 'OpenId']]);
    expect(s.routes[0].scopes).toEqual(expect.arrayContaining(['openid', 'accounts']));
    expect(s.authorizers.OpenId).toMatchObject({ type: 'jwt' });
  });

  it('okta: per-operation security, and the seven public operations are auth none', async () => {
    const s = await load('okta-management-2024.07.0.yaml');
    expect(s.routes.filter((r) => r.auth === 'none')).toHaveLength(7);
  });

  it('discourse: no security schemes, so every route is explicitly public', async () => {
    const s = await load('discourse-latest.yaml');
    expect(s.routes.every((r) => r.auth === 'none')).toBe(true);
    expect(Object.keys(s.authorizers)).toEqual([]);
  });

  it('pagerduty and kubeflow: one global API key header', async () => {
    expect(kinds(await load('pagerduty-2.0.0.json'))).toMatchObject({ 'api-key': 'apiKey:header:Authorization' });
    const k = await load('kubeflow-pipelines-2.17.0.json');
    expect(Object.values(kinds(k))).toEqual(['apiKey:header:authorization']);
    expect(k.routes.some((r) => r.path === '/apis/v2beta1/runs/{run_id}:archive')).toBe(true);
  });

  it('awslabs: Swagger 2.0 with a numeric version, ANY methods and a greedy path', async () => {
    const loaded = await loadSpec(path.join(dir, 'awslabs-serverless-express-proxy-unversioned.yaml'));
    expect(loaded.spec.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['ANY /', 'OPTIONS /', 'ANY /{proxy+}', 'OPTIONS /{proxy+}']);
    expect(loaded.warnings.some((w) => /swagger is written as a number/.test(w.message))).toBe(true);
  });
});
