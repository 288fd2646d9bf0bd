/**
 * Issue 13 (Azure): what APIM does for the spec, read from the emitted policy XML and resources.
 * Every policy written here also validates against the APIM schemas (xmllint).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAzure, type AzureCompileOptions } from '../../providers/azure/compile';
import type { ApimPlan } from '../../providers/azure/plan';
import { baseSpec } from '../helpers';
import { apimPolicyErrors, scratch } from '../validators';
import { simulate } from './policy-sim';

type Spec = Record<string, any>;
const petstore = () => parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8'));
const compile = (s: Spec, o: AzureCompileOptions = {}) => compileAzure(toGatewaySpec(s), o);
const opPolicy = (plan: ApimPlan, id: string) => plan.operations.find((o) => o.id === id)!.policy ?? '';

/** xmllint over every policy of the plans; '' when all validate. */
function xmllint(...plans: ApimPlan[]): string {
  const dir = scratch('apim-behaviour');
  const files: string[] = [];
  plans.forEach((plan, i) => {
    for (const [n, xml] of [['api', plan.apiPolicy], ...plan.operations.map((o) => [`op-${o.id}`, o.policy]), ...plan.products.map((p) => [`product-${p.id}`, p.policy])] as [string, string | undefined][]) {
      if (!xml) continue;
      const f = path.join(dir, `${i}-${n}.xml`);
      writeFileSync(f, xml);
      files.push(f);
    }
  });
  return apimPolicyErrors(files);
}

describe('caching on authenticated routes', () => {
  it('allows private-response caching and keys a JWT route by the caller (Authorization)', () => {
    const plan = compile(petstore());
    const p = opPolicy(plan, 'getPet');
    expect(p).toMatch(/<cache-lookup [^>]*allow-private-response-caching="true"/);
    expect(p).toContain('<vary-by-header>Authorization</vary-by-header>');
    expect(xmllint(plan)).toBe('');
  });

  it('keys an API-key route by the key header, a query key by the parameter, and a shared cache by the spec key only', () => {
    const s = baseSpec();
    s.routes[1] = { method: 'GET', path: '/items', backend: 'api', auth: ['key'], cache: { ttlSeconds: 30, key: { query: ['page'] } } };
    s.routes[0].cache = { ttlSeconds: 30, shared: true };
    const plan = compile(s);
    const keyed = opPolicy(plan, 'get-items');
    expect(keyed).toContain('<vary-by-header>x-api-key</vary-by-header>');
    expect(keyed).toContain('<vary-by-query-parameter>page</vary-by-query-parameter>');
    const shared = opPolicy(plan, 'get-items-id');
    expect(shared).toMatch(/<cache-lookup [^>]*allow-private-response-caching="true"/);
    expect(shared).not.toContain('vary-by-header');
    const q = baseSpec();
    q.authorizers.key = { type: 'apiKey', in: 'query', name: 'api_key' };
    q.routes[1] = { method: 'GET', path: '/items', backend: 'api', auth: ['key'], cache: { ttlSeconds: 30 } };
    expect(opPolicy(compile(q), 'get-items')).toContain('<vary-by-query-parameter>api_key</vary-by-query-parameter>');
  });

  it('an anonymous route needs no private caching', () => {
    const s = baseSpec();
    s.routes[2] = { method: 'GET', path: '/health', backend: 'api', auth: 'none', cache: { ttlSeconds: 30 } };
    expect(opPolicy(compile(s), 'get-health')).not.toContain('allow-private-response-caching');
  });
});

describe('forward-request timeout', () => {
  it('emits the route timeout (route, then defaults, then backend) in milliseconds', () => {
    const plan = compile(petstore());
    expect(opPolicy(plan, 'files')).toContain('<forward-request timeout-ms="20000"/>');
    expect(opPolicy(plan, 'getPet')).toContain('<forward-request timeout-ms="10000"/>');
    expect(opPolicy(plan, 'files')).not.toMatch(/<backend>\s*<base\/>/);
    const s = baseSpec();
    delete s.defaults;
    s.backends.api.timeoutMs = 7500;
    s.routes = [s.routes[0], { method: 'GET', path: '/b', backend: 'api', auth: ['jwt'], scopes: ['items:read'] }];
    const shared = compile(s);
    expect(shared.apiPolicy).toContain('<forward-request timeout-ms="7500"/>');
    expect(xmllint(plan, shared)).toBe('');
  });
});

describe('CORS headers on responses the gateway builds', () => {
  const plan = compile(petstore());
  const corsHeaders = (xml: string) => ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Expose-Headers'].every((h) => xml.includes(`<set-header name="${h}"`));
  const origin = '@((context.Request.Headers.GetValueOrDefault("Origin", "") == "https://admin.example.com" || context.Request.Headers.GetValueOrDefault("Origin", "") == "https://shop.example.com") ? context.Request.Headers.GetValueOrDefault("Origin", "") : "")';

  it('mock responses', () => {
    const mock = opPolicy(plan, 'status');
    const response = mock.slice(mock.indexOf('<return-response>'), mock.indexOf('</return-response>'));
    expect(corsHeaders(response)).toBe(true);
    expect(response).toContain(origin);
  });

  it('the subscription-key 401 (and the API does not require keys itself when CORS is on)', () => {
    const order = opPolicy(plan, 'createOrder');
    const response = order.slice(order.indexOf('<return-response>'), order.indexOf('</return-response>'));
    expect(response).toContain('<set-status code="401" reason="Unauthorized"/>');
    expect(corsHeaders(response)).toBe(true);
    const s = baseSpec();
    s.routes = [s.routes[1]];
    s.cors = { allowOrigins: ['https://app.example.com'] };
    const keyOnly = compile(s);
    expect(keyOnly.subscriptionRequired).toBe(false);
    expect(opPolicy(keyOnly, 'post-items') + keyOnly.apiPolicy).toContain('context.Subscription == null');
  });

  it('validate-jwt 401/403, rate-limit 429, quota and ip-filter 403: the API on-error section', () => {
    const onError = plan.apiPolicy.slice(plan.apiPolicy.indexOf('<on-error>'));
    expect(onError).toMatch(/^<on-error>\s*<base\/>/);
    expect(corsHeaders(onError)).toBe(true);
    expect(onError).toContain('<set-header name="Vary" exists-action="append">');
    expect(xmllint(plan)).toBe('');
  });

  it('a custom authorizer 401', () => {
    const s = baseSpec();
    s.authorizers.fnauth = { type: 'custom', binding: 'authz' };
    s.routes[0] = { method: 'GET', path: '/items/{id}', backend: 'api', auth: ['fnauth'] };
    s.cors = { allowOrigins: ['*'] };
    const p = opPolicy(compile(s), 'get-items-id');
    const response = p.slice(p.indexOf('<return-response>'), p.indexOf('</return-response>'));
    expect(response).toMatch(/<set-header name="Access-Control-Allow-Origin" exists-action="override">\s*<value>\*<\/value>/);
  });
});

describe('two stages in one service', () => {
  const dev = compile(petstore(), { stage: 'dev' });
  const prod = compile(petstore(), { stage: 'prod' });
  const ids = (p: ApimPlan) => [p.apiId, p.path, ...p.products.map((x) => x.id), ...p.subscriptions.map((x) => x.id), ...p.backends.map((x) => x.id), ...p.namedValues.map((x) => x.id)];

  it('every service-scoped id and the API path carry the stage', () => {
    expect(dev.apiId).toBe('petstore-dev');
    expect(prod.path).toBe('prod/v1');
    expect(dev.path).toBe('dev/v1');
    const shared = ids(dev).filter((id) => ids(prod).includes(id));
    expect(shared).toEqual([]);
    expect(prod.apiPolicy).toContain('counter-key="petstore-prod-stage"');
  });

  it('the example points both stacks at one service with stage-named resources', () => {
    const example = readFileSync(path.join(__dirname, '../../examples/petstore/azure/index.ts'), 'utf8');
    expect(example).toContain("stage: config.get('stage')");
    expect(example).toContain("serviceName: config.require('serviceName')");
  });
});

describe('function backends cannot be called around the gateway', () => {
  const plan = compile(petstore());

  it('the backend sends the function key from a secret named value', () => {
    const backend = plan.resources.find((r) => r.name === 'backend-orders')!;
    expect(backend.inputs.credentials).toEqual({ header: { 'x-functions-key': ['{{petstore-prod-fn-orders-fn-key}}'] } });
    expect(backend.inputs.url).toEqual({ $ref: 'binding', binding: 'orders-fn', property: 'url' });
    const nv = plan.resources.find((r) => r.name === 'nv-petstore-prod-fn-orders-fn-key')!;
    expect(nv.inputs).toMatchObject({ secret: true, value: { $ref: 'binding', binding: 'orders-fn', property: 'key' } });
    expect(backend.dependsOn).toContain('nv-petstore-prod-fn-orders-fn-key');
  });

  it('a custom authorizer call carries the key too', () => {
    const s = baseSpec();
    s.authorizers.fnauth = { type: 'custom', binding: 'authz' };
    s.routes[0] = { method: 'GET', path: '/items/{id}', backend: 'api', auth: ['fnauth'] };
    const p = compile(s);
    const xml = opPolicy(p, 'get-items-id');
    expect(xml).toContain('<set-url>{{shop-prod-fn-authz-url}}</set-url>');
    expect(xml).toMatch(/<set-header name="x-functions-key" exists-action="override">\s*<value>\{\{shop-prod-fn-authz-key\}\}<\/value>/);
    expect(p.namedValues.find((n) => n.id === 'shop-prod-fn-authz-key')).toMatchObject({ secret: true });
    expect(xmllint(p)).toBe('');
  });
});

describe('scopeClaim is the only scope claim', () => {
  it('default "scope", no scp anywhere; scopeClaim scp checks scp only', () => {
    const plan = compile(petstore());
    const all = [plan.apiPolicy, ...plan.operations.map((o) => o.policy ?? '')].join('\n');
    expect(all).toContain('Claims.ContainsKey(&quot;scope&quot;)');
    expect(all).toContain('Claims[&quot;scope&quot;]');
    expect(all).not.toContain('scp');
    const s = petstore();
    s.authorizers.jwt.scopeClaim = 'scp';
    const entra = compile(s);
    const xml = opPolicy(entra, 'getPet');
    expect(xml).toContain('Claims.ContainsKey(&quot;scp&quot;)');
    expect(xml).toContain('Claims[&quot;scp&quot;]');
    expect(xml).not.toContain('&quot;scope&quot;');
  });
});

describe('rate windows (portability: what APIM enforces for the same spec)', () => {
  it('a rate with a burst is calls per fixed window: 10/s burst 20 -> 20 calls per 2 s', () => {
    expect(opPolicy(compile(petstore()), 'createPet')).toContain('<rate-limit-by-key calls="20" renewal-period="2"');
  });
});

describe('Azure: API keys only where the spec reads them (issue 27)', () => {
  const world = { validKeys: new Set(['good']), tokens: new Map() };
  const keyOnly = (cors: boolean) => {
    const s = baseSpec();
    s.routes = [s.routes[1]];
    if (cors) s.cors = { allowOrigins: ['https://app.example.com'] };
    else delete s.cors;
    return compile(s);
  };

  it.each([false, true])('a header-only key route refuses a valid key in APIM\'s subscription-key query parameter (CORS %s)', (cors) => {
    const plan = keyOnly(cors);
    expect(plan.subscriptionKeyParameterNames).toEqual({ header: 'x-api-key', query: 'subscription-key' });
    expect(opPolicy(plan, 'post-items') + plan.apiPolicy).toContain('context.Request.Url.Query.GetValueOrDefault(&quot;subscription-key&quot;, &quot;&quot;) != &quot;&quot;');
    expect(simulate(plan, 'post-items', { query: { 'subscription-key': 'good' } }, world)).toBe(401);
    expect(simulate(plan, 'post-items', { headers: { 'x-api-key': 'good' }, query: { 'subscription-key': 'good' } }, world)).toBe(401);
    expect(simulate(plan, 'post-items', { headers: { 'x-api-key': 'good' } }, world)).toBe(200);
    expect(simulate(plan, 'post-items', {}, world)).toBe(401);
  });

  it('a query-only key route refuses a key in the Ocp-Apim-Subscription-Key header', () => {
    const s = baseSpec();
    s.authorizers.key = { type: 'apiKey', in: 'query', name: 'api_key' };
    s.routes = [s.routes[1]];
    const plan = compile(s);
    expect(plan.subscriptionKeyParameterNames).toEqual({ header: 'Ocp-Apim-Subscription-Key', query: 'api_key' });
    expect(simulate(plan, 'post-items', { headers: { 'ocp-apim-subscription-key': 'good' } }, world)).toBe(401);
    expect(simulate(plan, 'post-items', { query: { api_key: 'good' } }, world)).toBe(200);
  });

  it('the policies stay valid APIM XML', () => {
    expect(xmllint(keyOnly(true), keyOnly(false))).toBe('');
  });
});
