import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { XMLParser } from 'fast-xml-parser';
import { toGatewaySpec } from '../../lib/model/normalize';
import { bundleZip, sha256, writeBundleDir } from '../../providers/apigee/bundle';
import { compileApigee, type ApigeeCompileOptions } from '../../providers/apigee/compile';
import { nastyGateway } from '../fixtures/nasty';
import { baseSpec, refusals, shuffleKeys, shuffled } from '../helpers';
import { apigeelint, scratch } from '../validators';

type Spec = Record<string, any>;
const petstore = parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8'));
const compile = (s: Spec, o: ApigeeCompileOptions = {}) => compileApigee(toGatewaySpec(s), o);
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['Flow', 'Step', 'RouteRule', 'Server', 'Policy', 'Property', 'KeyFragment', 'Header', 'QueryParam', 'AssignVariable'].includes(name) });
const problemsOf = (s: Spec, o: ApigeeCompileOptions = {}): string[] => refusals(() => compile(s, o));

describe('compileApigee: the petstore bundle', () => {
  const plan = compile(petstore);
  const proxy = xml.parse(plan.files['proxies/default.xml']).ProxyEndpoint;
  const flows: any[] = proxy.Flows.Flow;
  const flow = (n: string) => flows.find((f) => f['@name'] === n);
  // The access log's route step (AM-log-route) is left out: test/apigee/access-log-route.test.ts checks it.
  const steps = (f: any, dir: 'Request' | 'Response') => (f[dir]?.Step ?? []).map((s: any) => s.Name).filter((n: string) => !n.startsWith('AM-log-'));

  it('has the Apigee layout: descriptor, proxy endpoint, targets, policies named after their files', () => {
    expect(Object.keys(plan.files)).toEqual(expect.arrayContaining(['petstore.xml', 'proxies/default.xml', 'targets/pets.xml', 'targets/orders.xml', 'resources/jsc/anygate.js', 'resources/oas/anygate.json']));
    for (const [file, content] of Object.entries(plan.files)) {
      if (!file.startsWith('policies/')) continue;
      const doc = xml.parse(content);
      const root = Object.keys(doc).find((k) => k !== '?xml')!;
      expect(`policies/${doc[root]['@name']}.xml`).toBe(file);
    }
    const descriptor = xml.parse(plan.files['petstore.xml']).APIProxy;
    expect(descriptor.Basepaths).toBe('/v1');
    expect(descriptor.Policies.Policy.length).toBe(Object.keys(plan.files).filter((f) => f.startsWith('policies/')).length);
  });

  it('one conditional flow per route on proxy.pathsuffix and request.verb, most specific first, then a 404', () => {
    expect(flows.map((f) => f['@name'])).toEqual(['cors-preflight', 'getOrder', 'getPet', 'files', 'createOrder', 'listPets', 'createPet', 'status', 'not-found']);
    expect(flow('getPet').Condition).toBe('(proxy.pathsuffix MatchesPath "/pets/*") and (request.verb = "GET")');
    expect(flow('files').Condition).toBe('(proxy.pathsuffix MatchesPath "/files/**")');
    expect(flow('status').Condition).toBe('(proxy.pathsuffix MatchesPath "/status") and (request.verb = "GET")');
    expect(steps(flow('not-found'), 'Request')).toEqual(['RF-not-found']);
  });

  it('auth, scopes, plans and limits in the flows', () => {
    expect(steps(flow('listPets'), 'Request')).toEqual(['RF-unauthorized', 'AM-jwt-jwt', 'JWT-jwt', 'RF-unauthorized', 'RF-forbidden', 'RC-listPets', 'AM-req-listPets', 'AM-target-pets']);
    expect(flow('listPets').Request.Step[5].Condition).toContain('jwt.JWT-jwt.decoded.claim.scope JavaRegex');
    expect(steps(flow('createOrder'), 'Request')).toEqual(['RF-unauthorized', 'VA-partner-key', 'Q-partner-key', 'SA-plan-partner-key', 'SA-createOrder', 'JS-body-createOrder', 'AM-target-orders']);
    const vj = xml.parse(plan.files['policies/JWT-jwt.xml']).VerifyJWT;
    expect(vj.PublicKey.JWKS['@uriRef']).toBe('anygate.jwt.jwt.jwks');
    expect(plan.files['policies/AM-jwt-jwt.xml']).toContain('https://login.example.com/.well-known/jwks.json');
    expect(vj.Algorithm).toBe('PS256,RS256');
    const quota = xml.parse(plan.files['policies/Q-partner-key.xml']).Quota;
    expect(quota.Allow['@countRef']).toBe('verifyapikey.VA-partner-key.apiproduct.developer.quota.limit');
  });

  it('caching stores what the client gets, after transforms', () => {
    expect(steps(flow('getPet'), 'Response')).toEqual(['AM-resvars-getPet', 'AM-res-getPet', 'RC-getPet']);
    const rc = xml.parse(plan.files['policies/RC-listPets.xml']).ResponseCache;
    expect(rc.CacheKey.KeyFragment.map((k: any) => k['@ref'])).toEqual(['request.verb', 'proxy.pathsuffix', 'request.queryparam.limit', 'request.queryparam.species', 'request.header.Accept-Language', 'request.header.Authorization']);
    expect(rc.ExpirySettings.TimeoutInSeconds).toBe(60);
  });

  it('targets: URL with SSL, or a LoadBalancer of target servers per environment', () => {
    const orders = xml.parse(plan.files['targets/orders.xml']).TargetEndpoint.HTTPTargetConnection;
    expect(orders.LoadBalancer.Server.map((s: any) => s['@name'])).toEqual(['petstore-orders']);
    const pets = xml.parse(plan.files['targets/pets-rewrite.xml']).TargetEndpoint.HTTPTargetConnection;
    expect(pets.Path).toBe('{anygate.backend.path}');
    expect(plan.targetServers.find((t) => t.name === 'petstore-pets')!.byStage).toEqual({ dev: { host: 'pets.dev.example.com', port: 443, ssl: true }, prod: { host: 'pets.internal.example.com', port: 443, ssl: true } });
    expect(plan.bindings).toEqual(['orders-fn']);
  });

  it('route rules send each flow to its target; mocks and preflights have none', () => {
    const rules = proxy.RouteRule.map((r: any) => [r['@name'], r.TargetEndpoint ?? null]);
    expect(rules).toContainEqual(['mock', null]);
    expect(rules).toContainEqual(['cors-preflight', null]);
    expect(rules).toContainEqual(['pets', 'pets']);
    expect(rules).toContainEqual(['pets-20000ms', 'pets-20000ms']);
    expect(rules[rules.length - 1]).toEqual(['no-target', null]);
  });

  it('products and apps: one per plan (consumer) and stage', () => {
    expect(plan.products.map((p) => [p.name, p.environment, p.quota?.limit, p.rate])).toEqual([
      ['petstore-free-dev', 'dev', 1000, '2ps'],
      ['petstore-free-prod', 'prod', 1000, '2ps'],
      ['petstore-gold-dev', 'dev', 1000000, '100ps'],
      ['petstore-gold-prod', 'prod', 1000000, '100ps'],
    ]);
    expect(plan.apps).toEqual([
      { consumer: 'acme', stage: 'dev', name: 'petstore-acme-dev', product: 'petstore-gold-dev', description: 'ACME Corp integration' },
      { consumer: 'acme', stage: 'prod', name: 'petstore-acme-prod', product: 'petstore-gold-prod', description: 'ACME Corp integration' },
      { consumer: 'trial-user', stage: 'dev', name: 'petstore-trial-user-dev', product: 'petstore-free-dev' },
      { consumer: 'trial-user', stage: 'prod', name: 'petstore-trial-user-prod', product: 'petstore-free-prod' },
    ]);
  });

  // apigeelint --profile apigeex on this bundle: no errors, no warnings (the petstore is a golden
  // case: test/golden/validators.test.ts).
});

describe('compileApigee: hostile input and the zip', () => {
  // apigeelint on this bundle: the nasty spec is a golden case (test/golden/validators.test.ts).
  it('the nasty-strings bundle parses, and literals never become templates', () => {
    const plan = compile(nastyGateway());
    for (const [f, c] of Object.entries(plan.files)) if (f.endsWith('.xml')) expect(() => xml.parse(c)).not.toThrow();
    const vars = xml.parse(plan.files['policies/AM-vars-weird.xml']).AssignMessage.AssignVariable;
    expect(vars.some((v: any) => String(v.Value).includes('{{nv}}'))).toBe(true);
    const req = xml.parse(plan.files['policies/AM-req-weird.xml']).AssignMessage.Set.Headers.Header;
    for (const h of req) expect(String(h['#text'])).toMatch(/^(\{[A-Za-z0-9_.-]+\})+$/);
  });

  it('the zip is deterministic and rooted at apiproxy/', async () => {
    const a = await bundleZip(compile(petstore));
    const b = await bundleZip(compile(shuffleKeys({ ...petstore, routes: shuffled(petstore.routes, 3) }, 3)));
    expect(sha256(a)).toBe(sha256(b));
    expect(a.subarray(30, 30 + 'apiproxy/'.length).toString()).toBe('apiproxy/');
  });
});

describe('compileApigee: environment types and refusals', () => {
  it('BASE refuses Quota, ResponseCache and JavaScript, naming route and feature', () => {
    const problems = problemsOf(petstore, { environmentType: 'BASE' });
    expect(problems).toEqual(expect.arrayContaining([
      'gateway plan.quota apigee (BASE): Quota is an extensible policy; BASE environments cannot run it',
      'listPets route.cache apigee (BASE): ResponseCache is an extensible policy; BASE environments cannot run it',
      'getPet transform.path apigee (BASE): JavaScript is an extensible policy; BASE environments cannot run it',
    ]));
  });

  it('refuses algorithms of different key types in one VerifyJWT', () => {
    const s = baseSpec();
    s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
    s.authorizers.jwt.algorithms = ['RS256', 'ES256'];
    expect(problemsOf(s)).toContain('gateway auth.jwt apigee (INTERMEDIATE): authorizer jwt: VerifyJWT takes algorithms of one key type, but ES256, RS256 mixes RSA, EC or EdDSA; use one key type per authorizer');
  });

  it('needs a JWKS URI (no OIDC discovery on Apigee)', () => {
    expect(problemsOf(baseSpec())).toContain('gateway auth.jwt apigee (INTERMEDIATE): authorizer jwt: VerifyJWT needs a JWKS URI (Apigee does not follow OpenID discovery); set jwksUri');
  });

  it('custom authorizers call the bound function (ServiceCallout) and refuse anything but 200; not on BASE', () => {
    const s = baseSpec();
    s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
    s.authorizers.legacy = { type: 'custom', binding: 'legacy-auth', header: 'X-Token' };
    s.routes[2].auth = 'legacy';
    const plan = compile(s);
    const sc = xml.parse(plan.files['policies/SC-legacy.xml']).ServiceCallout;
    expect(sc['@continueOnError']).toBe('true');
    expect(sc.Request.Copy.Headers.Header).toEqual([{ '@name': 'X-Token' }]);
    expect(sc.HTTPTargetConnection.Authentication.GoogleIDToken.Audience['@ref']).toBe('private.anygate.audience.legacy-auth');
    expect(sc.HTTPTargetConnection.LoadBalancer.Server[0]['@name']).toBe('shop-authz-legacy-auth');
    const health = xml.parse(plan.files['proxies/default.xml']).ProxyEndpoint.Flows.Flow.find((f: any) => f['@name'] === 'get-health');
    expect(health.Request.Step.map((x: any) => x.Name).filter((n: string) => !n.startsWith('AM-log-'))).toEqual(['RF-unauthorized', 'KVM-audience-legacy-auth', 'SC-legacy', 'RF-unauthorized', 'AM-target-mock']);
    expect(health.Request.Step[4].Condition).toBe('anygate.authz.SC-legacy.response.status.code != 200 or anygate.authz.SC-legacy.response.status.code = null');
    expect(plan.bindings).toEqual(['fn', 'legacy-auth']);
    const dir = scratch('apigee-custom');
    writeBundleDir(plan, dir);
    expect(apigeelint(dir).filter((f) => f.severity === 'error')).toEqual([]);
    expect(problemsOf(s, { environmentType: 'BASE' })).toContain('get-health auth.custom apigee (BASE): ServiceCallout is an extensible policy; BASE environments cannot run it');
  });

  it('mixed segments use a JavaRegex condition', () => {
    const s = baseSpec();
    s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
    s.routes.push({ method: 'GET', path: '/t/{id}.json', backend: 'api', auth: 'none' });
    const proxy = xml.parse(compile(s).files['proxies/default.xml']).ProxyEndpoint;
    expect(proxy.Flows.Flow.find((f: any) => f['@name'] === 'get-t-id-json').Condition).toBe('(proxy.pathsuffix JavaRegex "^/t/[^/]+[.]json$") and (request.verb = "GET")');
  });
});
