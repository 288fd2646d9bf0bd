/**
 * Issue 15 (Apigee): every name grammar is decided by the capability records, so the portability
 * report and synth agree on hostile names too, and no emitter refuses (or throws) on its own. The
 * model's validation keeps most such names out, so the specs are edited after normalization at
 * each place a spec string reaches an Apigee condition, message template or name attribute.
 */
import fc from 'fast-check';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { disagreements } from '../capabilities/harness';
import { compileApigee } from '../../providers/apigee/compile';
import { refusals } from '../helpers';

const input = () => ({
  name: 'names',
  backends: {
    api: { type: 'http', url: 'https://api.example.com/v1' },
    canned: { type: 'mock', body: { ok: true }, headers: { 'x-m': 'v' } },
  },
  authorizers: {
    jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'], jwksUri: 'https://id.example.com/jwks', header: 'X-Auth', requiredClaims: { tid: 't1' } },
    key: { type: 'apiKey', in: 'header', name: 'X-Key' },
    qkey: { type: 'apiKey', in: 'query', name: 'api_key' },
    legacy: { type: 'custom', binding: 'authz', header: 'X-Legacy' },
  },
  plans: { basic: { quota: { limit: 100, period: 'day' } } },
  consumers: { acme: { plan: 'basic' } },
  routes: [
    {
      id: 'get',
      method: 'GET',
      path: '/items/{id}',
      backend: 'api',
      auth: ['jwt'],
      scopes: ['items:read'],
      cache: { ttlSeconds: 60, key: { query: ['q'], headers: ['x-h'] } },
      validation: { requiredQuery: ['q'], requiredHeaders: ['x-req'] },
      transform: {
        request: { setHeaders: { 'x-a': '${header.x-in} ${claim.sub} ${path.id}' }, removeHeaders: ['x-drop'], setQuery: { r: '${query.q}' }, removeQuery: ['z'] },
        response: { setHeaders: { 'x-r': 'v' }, removeHeaders: ['server'] },
      },
    },
    { id: 'alt', method: 'POST', path: '/items', backend: 'api', auth: ['jwt', 'key', 'qkey', 'legacy'] },
    { id: 'mock', method: 'GET', path: '/health', backend: 'canned', auth: 'none' },
  ],
  stages: { prod: {} },
  cors: { allowOrigins: ['https://app.example.com'], allowHeaders: ['X-Key'] },
});

type Edit = (s: any, v: string) => void;
const route = (s: any, id: string) => s.routes.find((r: any) => r.id === id);
/** Each place a spec string reaches Apigee, as an edit of the normalized spec. */
const SITES: Record<string, Edit> = {
  'apiKey header name': (s, v) => (s.authorizers.key.name = v),
  'apiKey query name': (s, v) => (s.authorizers.qkey.name = v),
  'jwt header': (s, v) => (s.authorizers.jwt.header = v),
  'jwt required claim': (s, v) => (s.authorizers.jwt.requiredClaims = { [v]: 'x' }),
  'jwt scopeClaim': (s, v) => (s.authorizers.jwt.scopeClaim = v),
  'custom header': (s, v) => (s.authorizers.legacy.header = v),
  scope: (s, v) => (route(s, 'get').scopes = [v]),
  'set header name': (s, v) => (route(s, 'get').transform.request.setHeaders = { [v]: 'x' }),
  'header placeholder': (s, v) => (route(s, 'get').transform.request.setHeaders = { 'x-a': `\${header.${v}}` }),
  'claim placeholder': (s, v) => (route(s, 'get').transform.request.setHeaders = { 'x-a': `\${claim.${v}}` }),
  'query placeholder': (s, v) => (route(s, 'get').transform.request.setQuery = { r: `\${query.${v}}` }),
  'removed query': (s, v) => (route(s, 'get').transform.request.removeQuery = [v]),
  'response header': (s, v) => (route(s, 'get').transform.response.setHeaders = { [v]: 'x' }),
  'required query': (s, v) => (route(s, 'get').validation.requiredQuery = [v]),
  'required header': (s, v) => (route(s, 'get').validation.requiredHeaders = [v]),
  'cache key header': (s, v) => (route(s, 'get').cache.key.headers = [v]),
  'mock header': (s, v) => (s.backends.canned.headers = { [v]: 'x' }),
  origin: (s, v) => (s.cors.allowOrigins = [v]),
  'cors header': (s, v) => (s.cors.allowHeaders = [v]),
  'stage name': (s, v) => (s.stages = { [v]: s.stages.prod }),
  'backend url': (s, v) => (s.backends.api.url = v),
};
const HOSTILE = ['x-ok', 'a b', 'x{private.k}', 'q"', 'h.dot', 'Ünï', '', 'a\\b', 'Prod_1', 'https://x.example.com/"q', '*', 'x" or "a" = "a'];

const edited = (site: string, value: string): GatewaySpec => {
  const s = JSON.parse(JSON.stringify(toGatewaySpec(input())));
  SITES[site](s, value);
  return s;
};

describe('Apigee names: the records decide, the compiler only emits', () => {
  it('the unedited spec synthesizes (every site is emitted)', () => {
    expect(refusals(() => compileApigee(toGatewaySpec(input())))).toEqual([]);
  });

  it('at every site and hostile value, portability reports exactly what synth refuses, and synth throws nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(SITES)), fc.constantFrom(...HOSTILE), fc.constantFrom('INTERMEDIATE' as const, 'COMPREHENSIVE' as const), (site, value, env) => {
        expect(disagreements(edited(site, value), 'apigee', { externalCache: false, azureSku: 'Developer', apigeeEnvironmentType: env })).toEqual([]);
      }),
      { numRuns: 600, seed: 15 },
    );
  });

  it('a brace or quote is refused at each site that reads it, naming route and spec path', () => {
    const refused = (site: string, v: string) => refusals(() => compileApigee(edited(site, v)));
    expect(refused('header placeholder', 'h.dot')).toContainEqual(expect.stringContaining('get transform.headers apigee (INTERMEDIATE): routes[id=get].transform.request.setHeaders.x-a: header name "h.dot" cannot be read safely'));
    expect(refused('query placeholder', 'h.dot')).toContainEqual(expect.stringContaining('get transform.query apigee (INTERMEDIATE): routes[id=get].transform.request.setQuery.r: query parameter name "h.dot"'));
    expect(refused('apiKey query name', 'h.dot')).toContainEqual(expect.stringContaining('alt auth.alternatives apigee (INTERMEDIATE): authorizers.qkey.name: query parameter name "h.dot"'));
    expect(refused('jwt required claim', 'a b')).toContainEqual(expect.stringContaining('get auth.jwt apigee (INTERMEDIATE): authorizers.jwt.requiredClaims: claim name "a b" holds a brace, quote, backslash or space'));
    expect(refused('stage name', 'Prod_1')).toContainEqual(expect.stringContaining('gateway stage apigee (INTERMEDIATE): environments.Prod_1: environment "Prod_1" is not an Apigee environment name'));
    expect(refused('backend url', 'https://x.example.com/"q')).toContainEqual(expect.stringContaining('gateway backend.http apigee (INTERMEDIATE): backends.api.url:'));
    expect(refusals(() => compileApigee(toGatewaySpec(input()), { environments: { prod: 'prod', qa: 'qa' } }))).toEqual(['gateway stage apigee (INTERMEDIATE): environments.qa: stage "qa" is not in the spec; stages: prod']);
  });
});
