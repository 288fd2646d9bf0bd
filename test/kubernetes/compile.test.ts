/** What compileKubernetes emits, feature by feature, and what it refuses. */
import { toGatewaySpec } from '../../lib/model/normalize';
import { SynthesisError } from '../../lib/model/errors';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import type { K8sObject } from '../../providers/kubernetes/plan';
import { dnsLabel } from '../../providers/kubernetes/names';
import { toYaml } from '../../providers/kubernetes/yaml';
import { k8sProblems } from './crd';

const N = (id: string) => dnsLabel('shop', id);
import { full, fullInput, traffic } from './fixtures';

const stage = (name: string, objects = compileKubernetes(full()).stages) => objects.find((s) => s.stage === name)!;
const find = (objects: K8sObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o.spec as any;
};
const ruleOf = (objects: K8sObject[], name: string) =>
  objects.filter((o) => o.kind === 'HTTPRoute').flatMap((o) => (o.spec as any).rules).find((r: any) => r.name === name);

describe('compileKubernetes', () => {
  const prod = stage('prod').objects;

  it('puts each stage in its own namespace, with its own backend URLs (backendKind: Backend)', () => {
    const staged = compileKubernetes(full(), { backendKind: 'Backend' }).stages;
    const dev = stage('dev', staged).objects;
    const prodB = stage('prod', staged).objects;
    expect(stage('prod').namespace).toBe('shop-prod');
    expect(dev.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'shop-dev')).toBe(true);
    expect(find(dev, 'Backend', 'shop-api').endpoints).toEqual([{ fqdn: { hostname: 'dev-api.example.com', port: 443 } }]);
    expect(find(prodB, 'Backend', 'shop-api').endpoints).toEqual([{ fqdn: { hostname: 'api.example.com', port: 443 } }]);
    expect(find(prodB, 'BackendTLSPolicy', 'shop-api')).toEqual({ targetRefs: [{ group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'shop-api' }], validation: { hostname: 'api.example.com', wellKnownCACertificates: 'System' } });
    expect(find(prodB, 'Backend', 'shop-local').endpoints).toEqual([{ fqdn: { hostname: 'local.internal.example.com', port: 8443 } }]);
    expect(ruleOf(prodB, 'files').backendRefs[0]).toEqual({ group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'shop-canary-1', weight: 90 });
  });

  it('makes each HTTP backend a selector-less Service and an FQDN or IP EndpointSlice by default, TLS through a BackendTLSPolicy on the Service', () => {
    const dev = stage('dev').objects;
    expect(prod.some((o) => o.kind === 'Backend')).toBe(false);
    expect(find(prod, 'Service', 'shop-api')).toEqual({ ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }] });
    const slice = (objects: K8sObject[], name: string) => objects.find((o) => o.kind === 'EndpointSlice' && o.metadata.name === name) as any;
    expect(slice(prod, 'shop-api')).toEqual({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'shop-api', namespace: 'shop-prod', labels: { 'kubernetes.io/service-name': 'shop-api' } },
      addressType: 'FQDN',
      ports: [{ name: 'https', port: 443, protocol: 'TCP' }],
      endpoints: [{ addresses: ['api.example.com'] }],
    });
    expect(slice(dev, 'shop-api').endpoints).toEqual([{ addresses: ['dev-api.example.com'] }]);
    expect(slice(prod, 'shop-local')).toMatchObject({ addressType: 'FQDN', ports: [{ name: 'https', port: 8443 }], endpoints: [{ addresses: ['local.internal.example.com'] }] });
    expect(find(prod, 'BackendTLSPolicy', 'shop-api')).toEqual({ targetRefs: [{ group: '', kind: 'Service', name: 'shop-api' }], validation: { hostname: 'api.example.com', wellKnownCACertificates: 'System' } });
    expect(ruleOf(prod, 'files').backendRefs[0]).toEqual({ kind: 'Service', name: 'shop-canary-1', port: 443, weight: 90 });
  });

  it('refuses a function binding whose Service would take a generated backend Service\'s name', () => {
    expect(() => compileKubernetes(full(), { stages: ['prod'], functions: { prod: { orders: { name: 'shop-api' } } } })).toThrow(/the Service shop-api of function binding orders has the name of the Service anygate generates/);
    expect(() => compileKubernetes(full(), { stages: ['prod'], backendKind: 'Backend', functions: { prod: { orders: { name: 'shop-api' } } } })).not.toThrow();
  });

  it('attaches HTTPRoutes to the existing Gateway named in the options', () => {
    const plan = compileKubernetes(full(), { gateway: { name: 'edge', namespace: 'infra', sectionName: 'https' }, hostnames: ['api.example.com'], stages: ['prod'] });
    const routes = plan.stages[0].objects.filter((o) => o.kind === 'HTTPRoute');
    expect(routes.every((r) => JSON.stringify((r.spec as any).parentRefs) === JSON.stringify([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'infra', sectionName: 'https' }]))).toBe(true);
    expect((routes[0].spec as any).hostnames).toEqual(['api.example.com']);
  });

  it('weights targets, rewrites paths by regex and sets the backend Host', () => {
    const files = ruleOf(prod, 'files');
    expect(files.backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['shop-canary-1', 90], ['shop-canary-2', 10]]);
    expect(find(prod, 'HTTPRouteFilter', 'shop-files').urlRewrite).toEqual({
      path: { type: 'ReplaceRegexMatch', replaceRegexMatch: { pattern: '^/v1/files/(.+)$', substitution: '/store/\\1' } },
      hostname: { type: 'Backend' },
    });
    expect(find(prod, 'HTTPRouteFilter', N('getItem')).urlRewrite.path.replaceRegexMatch.substitution).toBe('/base/items/\\1');
    expect(ruleOf(prod, dnsLabel('createOrder')).timeouts).toEqual({ request: '2m3s456ms' });
  });

  it('retries: the rule bounds every try and wait (request only, no backendRequest), perRetry.timeout each try', () => {
    // Envoy Gateway v1.9.0 (processRouteTimeout) turns a rule's backendRequest into the route
    // timeout when the retry is not on the rule itself: it would cap every try and wait at one try.
    const spec = toGatewaySpec({
      name: 'shop',
      backends: { api: { type: 'http', url: 'https://api.example.com' } },
      routes: [{ id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none', timeoutMs: 2000, retry: { attempts: 2, on: ['connect-failure', 503], backoff: { baseMs: 1000, maxMs: 4000 } } }],
    } as any);
    const objects = compileKubernetes(spec).stages[0].objects;
    // 3 tries of 2 s, and the back-off bounds 1 s then 3 s (Envoy's (2^n - 1) x base).
    expect(ruleOf(objects, dnsLabel('getItem')).timeouts).toEqual({ request: '10s' });
    const btp = objects.find((o) => o.kind === 'BackendTrafficPolicy' && (o.spec as any).retry)!;
    expect((btp.spec as any).retry.perRetry).toEqual({ timeout: '2s', backOff: { baseInterval: '1s', maxInterval: '4s' } });
    expect(objects.flatMap(k8sProblems)).toEqual([]);
  });

  it('binds functions and custom authorizers to Services', () => {
    expect(ruleOf(prod, dnsLabel('createOrder')).backendRefs).toEqual([{ kind: 'Service', name: 'orders', port: 80 }]);
    const plan = compileKubernetes(full(), { stages: ['prod'], functions: { prod: { authz: { name: 'authz-svc', namespace: 'auth', port: 8080 } } } });
    expect(find(plan.stages[0].objects, 'SecurityPolicy', 'shop-admin').extAuth).toEqual({ http: { backendRefs: [{ kind: 'Service', name: 'authz-svc', port: 8080, namespace: 'auth' }] }, headersToExtAuth: ['x-token'] });
    // The Service lives in another namespace: a ReferenceGrant there lets the policy use it.
    const grant = plan.stages[0].objects.find((o) => o.kind === 'ReferenceGrant')!;
    expect(grant.metadata.namespace).toBe('auth');
    expect(grant.spec).toEqual({ from: [{ group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: 'shop-prod' }], to: [{ group: '', kind: 'Service', name: 'authz-svc' }] });
    expect(compileKubernetes(full(), { stages: ['prod'] }).stages[0].objects.some((o) => o.kind === 'ReferenceGrant')).toBe(false);
  });

  it('mocks are direct responses; spec text never reaches Envoy format strings raw', () => {
    const dr = find(prod, 'HTTPRouteFilter', 'shop-health').directResponse;
    expect(dr).toEqual({
      statusCode: 202,
      contentType: 'application/json',
      body: { type: 'Inline', inline: '{"ok":"100%%REQ(authorization)%%"}' },
      header: { set: [{ name: 'x-mock', value: '50%%DOWNSTREAM_REMOTE_ADDRESS%%' }] },
    });
    expect(ruleOf(prod, 'health').backendRefs).toBeUndefined();
    const headers = ruleOf(prod, dnsLabel('getItem')).filters[0].requestHeaderModifier;
    // getItem is a JWT route: no API-key check sets the consumer header there, so a client's is removed.
    expect(headers).toEqual({ set: [{ name: 'x-lit', value: 'a%%b' }, { name: 'x-region', value: 'eu' }, { name: 'x-trace', value: '%REQ(x-request-id)%' }], remove: ['cookie', 'x-anygate-consumer'] });
  });

  it('JWT, scopes, claims and IP rules in one SecurityPolicy per rule', () => {
    const sp = find(prod, 'SecurityPolicy', N('getItem'));
    expect(sp.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'shop-items-1', sectionName: dnsLabel('getItem') }]);
    expect(sp.jwt.providers).toEqual([
      { name: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'], remoteJWKS: { uri: 'https://id.example.com/jwks.json' }, extractFrom: { headers: [{ name: 'Authorization', valuePrefix: 'Bearer ' }] } },
    ]);
    expect(sp.authorization).toEqual({
      defaultAction: 'Deny',
      rules: [
        { name: 'ip-deny', action: 'Deny', principal: { clientCIDRs: ['10.1.0.0/16'] } },
        { name: 'allow', action: 'Allow', principal: { clientCIDRs: ['10.0.0.0/8'], jwt: { provider: 'jwt', scopes: ['items:read'], claims: [{ name: 'tenant', values: ['acme'] }] } } },
      ],
    });
    expect(sp.cors).toEqual({ allowOrigins: ['https://app.example.com'], allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], allowHeaders: ['Authorization', 'Content-Type'], maxAge: '600s', allowCredentials: true });
    // Public routes still carry the gateway's IP rules and CORS.
    expect(find(prod, 'SecurityPolicy', N('itemJson')).authorization.rules[1]).toEqual({ name: 'allow', action: 'Allow', principal: { clientCIDRs: ['10.0.0.0/8'] } });
  });

  it('API keys come from the consumers\' Secrets, never inline; plans are global limits per consumer', () => {
    const sp = find(prod, 'SecurityPolicy', N('createOrder'));
    expect(sp.apiKeyAuth).toEqual({
      credentialRefs: [{ group: '', kind: 'Secret', name: 'acme-key' }, { group: '', kind: 'Secret', name: 'shop-key-beta' }],
      extractFrom: [{ params: ['api_key'] }],
      forwardClientIDHeader: 'x-anygate-consumer',
      sanitize: true,
    });
    const plans = find(prod, 'BackendTrafficPolicy', 'shop-plans');
    // Only API-key rules: elsewhere a caller could send x-anygate-consumer and spend another consumer's quota.
    expect(plans.targetRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'shop-items-1', sectionName: 'mine' },
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'shop-orders-1', sectionName: dnsLabel('createOrder') },
    ]);
    expect(plans.rateLimit.global.rules[0]).toEqual({ clientSelectors: [{ headers: [{ name: 'x-anygate-consumer', type: 'Exact', value: 'acme' }] }], limit: { requests: 5, unit: 'Second' }, shared: true });
    expect(plans.rateLimit.global.rules[1].limit).toEqual({ requests: 1000, unit: 'Month' });
    expect(compileKubernetes(full()).notes.join('\n')).toMatch(/rate-limit service/);
  });

  it('CORS preflights match preflight rules of their own, never a route rule with a backend', () => {
    const m = ruleOf(prod, dnsLabel('getItem')).matches;
    expect(m).toHaveLength(1);
    const preflight = prod.filter((o) => o.kind === 'HTTPRoute' && o.metadata.name.includes('preflight')).flatMap((o) => o.spec.rules as any[]);
    const rule = preflight.find((r) => r.matches.some((x: any) => x.path.value === m[0].path.value))!;
    expect(rule.matches).toEqual([{ path: m[0].path, method: 'OPTIONS', headers: [{ type: 'RegularExpression', name: 'Origin', value: '.+' }, { type: 'RegularExpression', name: 'Access-Control-Request-Method', value: '.+' }] }]);
    expect(rule.backendRefs).toBeUndefined();
  });

  it('route rate limits are local, circuit breakers are passive health checks', () => {
    const objects = compileKubernetes(traffic()).stages[0].objects;
    expect(find(objects, 'BackendTrafficPolicy', 'traffic-slow').rateLimit).toEqual({ type: 'Local', local: { rules: [{ limit: { requests: 30, unit: 'Minute' } }] } });
    expect(find(objects, 'BackendTrafficPolicy', 'traffic-fast').healthCheck).toEqual({ passive: { consecutive5XxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 100 } });
  });

  it('escapes literal path text into RE2 and refuses what Envoy Gateway cannot do, by route and feature', () => {
    const spec = toGatewaySpec({ name: 'x', backends: { m: { type: 'mock' } }, routes: [{ method: 'GET', path: '/a.b(c)*/{id}', backend: 'm', auth: 'none' }] });
    const value = ruleOf(compileKubernetes(spec).stages[0].objects, 'get-a-b-c-id').matches[0].path.value;
    expect(value).toBe('/a\\.b\\(c\\)\\*/([^/]+)');
    expect(new RegExp(`^${value}$`).test('/aXb(c)*/1')).toBe(false);
    const input = fullInput();
    input.routes[0].cache = { ttlSeconds: 60 };
    input.routes[1].transform = { request: { setQuery: { a: 'b' } } };
    input.stages.prod.throttle = { requestsPerSecond: 10 };
    let err: unknown;
    try {
      compileKubernetes(toGatewaySpec(input));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SynthesisError);
    expect((err as SynthesisError).problems.map((p) => `${p.where} ${p.feature}`)).toEqual(['getItem route.cache', 'mine transform.query', 'gateway stage.throttle']);
  });

  it('is deterministic: the same spec gives byte-identical YAML', () => {
    expect(toYaml(stage('prod').objects)).toBe(toYaml(stage('prod', compileKubernetes(full()).stages).objects));
  });
});
