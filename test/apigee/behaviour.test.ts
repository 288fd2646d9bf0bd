/**
 * Issue 13 (Apigee X and "Both"): the bundle does what the spec says, as AWS and Azure do. Each
 * test inspects the emitted bundle or plan.
 */
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { XMLParser } from 'fast-xml-parser';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { writeBundleDir } from '../../providers/apigee/bundle';
import { compileApigee, type ApigeeCompileOptions } from '../../providers/apigee/compile';
import { baseSpec, errorsOf, refusals } from '../helpers';
import { apigeelint, scratch } from '../validators';

type Spec = Record<string, any>;
const petstoreInput = parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8'));
const compile = (s: Spec | GatewaySpec, o: ApigeeCompileOptions = {}) => compileApigee('segments' in (s.routes?.[0] ?? {}) ? (s as GatewaySpec) : toGatewaySpec(s), o);
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['Flow', 'Step', 'RouteRule', 'Server', 'Property', 'KeyFragment', 'SourceAddress', 'ResponseCode', 'Claim'].includes(name) });
const doc = (plan: { files: Record<string, string> }, file: string) => xml.parse(plan.files[file]);
const flowOf = (plan: { files: Record<string, string> }, name: string) => doc(plan, 'proxies/default.xml').ProxyEndpoint.Flows.Flow.find((f: any) => f['@name'] === name);
// The access log's route step (AM-log-route) is left out: test/apigee/access-log-route.test.ts checks it.
const stepsOf = (f: any, dir: 'Request' | 'Response' = 'Request') => (f[dir]?.Step ?? []).map((s: any) => s.Name).filter((n: string) => !n.startsWith('AM-log-'));
const jwtSpec = () => {
  const s = baseSpec();
  s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
  return s;
};
const petstore = compile(petstoreInput);

describe('Apigee: tokens and credentials', () => {
  it('rejects a token without exp: RaiseFault 401 right after VerifyJWT when the claim is absent', () => {
    const f = flowOf(petstore, 'listPets');
    const i = stepsOf(f).indexOf('JWT-jwt'); // in the filtered list: the flow's own list starts with AM-log-route
    expect(f.Request.Step[i + 2]).toEqual({ Name: 'RF-unauthorized', Condition: 'jwt.JWT-jwt.decoded.claim.exp = null' });
    expect(doc(petstore, 'policies/RF-unauthorized.xml').RaiseFault.FaultResponse.Set.StatusCode).toBe(401);
  });

  it('Authorization: Bearer <token> works: no <Source>, so VerifyJWT strips the prefix itself', () => {
    const vj = doc(petstore, 'policies/JWT-jwt.xml').VerifyJWT;
    expect(vj.Source).toBeUndefined();
    expect(stepsOf(flowOf(petstore, 'listPets'))).not.toContain('EV-bearer-jwt');
  });

  it('a JWT in another header: ExtractVariables takes "Bearer <token>" apart and <Source> names the bare token', () => {
    const s = jwtSpec();
    s.authorizers.jwt.header = 'X-Auth';
    const plan = compile(s);
    expect(stepsOf(flowOf(plan, 'get-items-id')).slice(0, 4)).toEqual(['RF-unauthorized', 'EV-bearer-jwt', 'AM-jwt-jwt', 'JWT-jwt']);
    const ev = doc(plan, 'policies/EV-bearer-jwt.xml').ExtractVariables;
    expect(ev.Header).toEqual({ '@name': 'X-Auth', Pattern: { '@ignoreCase': 'true', '#text': 'Bearer {token}' } });
    expect(ev.VariablePrefix).toBe('anygate.bearer.jwt');
    expect(doc(plan, 'policies/JWT-jwt.xml').VerifyJWT.Source).toBe('anygate.bearer.jwt.token');
  });

  it('scopes come from scopeClaim only (default scope, no scp fallback)', () => {
    const scopeStep = (plan: ReturnType<typeof compile>) => flowOf(plan, 'get-items-id').Request.Step.find((x: any) => x.Name === 'RF-forbidden').Condition as string;
    const byDefault = scopeStep(compile(jwtSpec()));
    expect(byDefault).toContain('jwt.JWT-jwt.decoded.claim.scope JavaRegex');
    expect(byDefault).not.toContain('scp');
    const s = jwtSpec();
    s.authorizers.jwt.scopeClaim = 'scp';
    const custom = scopeStep(compile(s));
    expect(custom).toContain('jwt.JWT-jwt.decoded.claim.scp JavaRegex');
    expect(custom).not.toContain('claim.scope');
  });

  it('an authorizer no route uses does not block synthesis (no JWKS URI, typ set)', () => {
    const s = jwtSpec();
    s.authorizers.unused = { type: 'jwt', issuer: 'https://other.example.com/', audiences: ['x'], typ: 'at+jwt' };
    expect(refusals(() => compile(s))).toEqual([]);
    expect(Object.keys(compile(s).files).some((f) => f.includes('unused'))).toBe(false);
  });
});

describe('Apigee: CORS, errors and caching', () => {
  it('a CORS preflight matches a flow with no policy before any route (the ANY route never sees it)', () => {
    const flows = doc(petstore, 'proxies/default.xml').ProxyEndpoint.Flows.Flow;
    expect(flows[0]['@name']).toBe('cors-preflight');
    expect(flows[0].Condition).toBe('request.verb = "OPTIONS" and request.header.origin != null and request.header.access-control-request-method != null');
    expect(flows[0].Request).toBe('');
    expect(flows.findIndex((f: any) => f['@name'] === 'files')).toBeGreaterThan(0);
  });

  it('backend 4xx/5xx pass through: every target treats every status as success, so response transforms run', () => {
    const targets = Object.keys(petstore.files).filter((f) => f.startsWith('targets/'));
    expect(targets.length).toBeGreaterThan(2);
    for (const t of targets) {
      const props = doc(petstore, t).TargetEndpoint.HTTPTargetConnection.Properties.Property;
      expect(props).toContainEqual({ '@name': 'success.codes', '#text': '1xx,2xx,3xx,4xx,5xx' });
    }
    // The response flow of getPet (transforms) is in the proxy flow, which now runs for backend errors too.
    expect(stepsOf(flowOf(petstore, 'getPet'), 'Response')).toEqual(['AM-resvars-getPet', 'AM-res-getPet', 'RC-getPet']);
  });

  it('a circuit breaker still counts 5xx as failures (ServerUnhealthyResponse)', () => {
    const s = jwtSpec();
    s.backends.api.circuitBreaker = { failures: 5, intervalSeconds: 30, tripSeconds: 60 };
    const lb = doc(compile(s), 'targets/api.xml').TargetEndpoint.HTTPTargetConnection.LoadBalancer;
    expect(lb.MaxFailures).toBe(5);
    expect(lb.ServerUnhealthyResponse.ResponseCode).toEqual([500, 502, 503, 504]);
  });

  it('clients cannot bypass the cache: no SkipCacheLookup', () => {
    const caches = Object.keys(petstore.files).filter((f) => f.startsWith('policies/RC-'));
    expect(caches.length).toBe(2);
    for (const f of caches) expect(doc(petstore, f).ResponseCache.SkipCacheLookup).toBeUndefined();
  });
});

describe('Apigee: stages and function backends', () => {
  it('keys and quotas per stage: each product covers one environment, each app holds one stage product', () => {
    for (const p of petstore.products) expect(petstore.resources.find((r) => r.name === `product-${p.name}`)!.inputs.environments).toEqual([p.environment]);
    const apps = petstore.resources.filter((r) => r.type === 'gcp:apigee/developerApp:DeveloperApp');
    expect(apps.map((a) => a.name)).toEqual(['app-acme-dev', 'app-acme-prod', 'app-trial-user-dev', 'app-trial-user-prod']);
    expect(apps.find((a) => a.name === 'app-acme-prod')!.inputs.apiProducts).toEqual([{ $ref: 'resource', name: 'product-petstore-gold-prod', property: 'name' }]);
  });

  it('function backends get a Google ID token whose audience is read per environment from a key-value map', () => {
    const t = doc(petstore, 'targets/orders.xml').TargetEndpoint;
    expect(t.HTTPTargetConnection.Authentication).toEqual({ GoogleIDToken: { Audience: { '@ref': 'private.anygate.audience.orders-fn' } } });
    expect(stepsOf(t.PreFlow)).toEqual(['KVM-audience-orders-fn']);
    const kvm = doc(petstore, 'policies/KVM-audience-orders-fn.xml').KeyValueMapOperations;
    expect(kvm['@mapIdentifier']).toBe('anygate-petstore');
    expect(kvm.Get).toEqual({ '@assignTo': 'private.anygate.audience.orders-fn', Key: { Parameter: 'orders-fn' } });
    const entry = petstore.resources.find((r) => r.name === 'kvm-prod-orders-fn')!;
    expect(entry.inputs).toEqual({ envKeyvaluemapId: { $ref: 'resource', name: 'kvm-prod', property: 'id' }, name: 'orders-fn', value: { $ref: 'binding', binding: 'orders-fn', property: 'audience' } });
    expect(petstore.resources.find((r) => r.name === 'deploy-prod')!.inputs.serviceAccount).toEqual({ $ref: 'arg', name: 'serviceAccount' });
  });

  it('the petstore bundle with every change still passes apigeelint --profile apigeex with 0 errors', () => {
    const dir = scratch('apigee-behaviour');
    writeBundleDir(petstore, dir);
    expect(apigeelint(dir).filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('Apigee: route options', () => {
  it('apigee.honorNoCache: true lets Cache-Control: no-cache skip the cache; unknown fields are located validation errors', () => {
    const s = jwtSpec();
    s.routes[0].cache = { ttlSeconds: 30 };
    s.routes[0].apigee = { honorNoCache: true };
    expect(doc(compile(s), 'policies/RC-get-items-id.xml').ResponseCache.SkipCacheLookup).toBe('request.header.Cache-Control = "no-cache"');
    s.routes[1].apigee = { honourNoCache: true };
    expect(errorsOf(s)).toEqual([expect.stringMatching(/^routes\[1\]\.apigee\.honourNoCache: unknown key "honourNoCache" \(did you mean "honorNoCache"\?\)/)]);
  });
});

describe('Apigee: response cache keys (issue 27)', () => {
  it('prefixes every cache key with the proxy name and version: two proxies with the same route ids never share entries', () => {
    const v1: Spec = { ...jwtSpec(), name: 'petstore', version: '1.0.0' };
    v1.routes[0].cache = { ttlSeconds: 30 };
    const v2 = { ...v1, version: '2.0.0' };
    const other = { ...v1, name: 'bookstore' };
    const prefix = (s: Spec) => doc(compile(s), 'policies/RC-get-items-id.xml').ResponseCache.CacheKey.Prefix;
    expect(prefix(v1)).toBe('petstore__1.0.0__get-items-id');
    expect(new Set([prefix(v1), prefix(v2), prefix(other)]).size).toBe(3);
    expect(doc(compile(v1), 'policies/RC-get-items-id.xml').ResponseCache.Scope).toBe('Exclusive');
  });

  it('keeps the prefix literal text: version characters outside [A-Za-z0-9._-] become _', () => {
    const s: Spec = { ...jwtSpec(), name: 'petstore', version: '2026-12 {beta}' };
    s.routes[0].cache = { ttlSeconds: 30 };
    expect(doc(compile(s), 'policies/RC-get-items-id.xml').ResponseCache.CacheKey.Prefix).toBe('petstore__2026-12__beta___get-items-id');
  });
});
