import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { toGatewaySpec } from '../../lib/model/normalize';
import { rateWindow } from '../../providers/azure/emit/limits';
import { compileAzure, type AzureCompileOptions } from '../../providers/azure/compile';
import type { ApimPlan } from '../../providers/azure/plan';
import { nastyGateway, NASTY } from '../fixtures/nasty';
import { baseSpec, refusals, shuffleKeys, shuffled } from '../helpers';
import { apimPolicyErrors, scratch } from '../validators';

type Spec = Record<string, any>;
const petstore = parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8'));
const compile = (s: Spec, o: AzureCompileOptions = {}) => compileAzure(toGatewaySpec(s), o);
const problemsOf = (s: Spec, o: AzureCompileOptions = {}): string[] => refusals(() => compile(s, o));

/** Writes every policy document of a plan to files. */
function policyFiles(plan: ApimPlan): string[] {
  const dir = scratch('apim');
  const files: string[] = [];
  const write = (n: string, xml?: string) => {
    if (!xml) return;
    const f = path.join(dir, `${n}.xml`);
    writeFileSync(f, xml);
    files.push(f);
  };
  write('api', plan.apiPolicy);
  for (const o of plan.operations) write(`op-${o.id}`, o.policy);
  for (const p of plan.products) write(`product-${p.id}`, p.policy);
  mkdirSync(dir, { recursive: true });
  return files;
}

describe('compileAzure: policies validate against the APIM schemas (xmllint)', () => {
  it.each(['dev', 'prod'])('petstore, stage %s', (stage) => {
    const files = policyFiles(compile(petstore, { stage }));
    expect(files.length).toBeGreaterThan(5);
    expect(apimPolicyErrors(files)).toBe('');
  });

  it('the nasty-strings fixture: escaped, valid, and nothing APIM would read as an expression or named value', () => {
    const plan = compile(nastyGateway());
    const files = policyFiles(plan);
    expect(apimPolicyErrors(files)).toBe('');
    const all = [plan.apiPolicy, ...plan.operations.map((o) => o.policy ?? '')].join('\n');
    expect(all).not.toContain('{{nv}}');
    expect(all).not.toMatch(/>@\(evil\)/);
    expect(all).toContain('&lt;&amp;&gt;');
  });
});

describe('compileAzure: retries', () => {
  const retrying = (retry: Spec) => ({
    name: 'r',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    routes: [{ id: 'get', method: 'GET', path: '/r', backend: 'api', auth: 'none', retry }],
  });
  const allPolicies = (plan: ApimPlan) => [plan.apiPolicy, ...plan.operations.map((o) => o.policy), ...plan.products.map((p) => p.policy), ...((plan as any).fragments ?? []).map((f: any) => f.policy ?? f.xml ?? '')].join('\n');
  const retryOf = (xml: string) => /<retry [^>]*>/.exec(xml)![0].replace(/&amp;/g, '&').replace(/&gt;/g, '>').replace(/&lt;/g, '<');

  it('retries answered statuses only (no answer goes to on-error), waits rounded up to 1 s when maxMs allows; xmllint passes', () => {
    const plan = compile(retrying({ attempts: 2, on: ['connect-failure', '5xx', 429], backoff: { baseMs: 100, maxMs: 4000 } }));
    const xml = allPolicies(plan);
    const tag = retryOf(xml);
    expect(tag).toContain('condition="@(context.Response != null && (context.Response.StatusCode >= 500 || context.Response.StatusCode == 429))"');
    expect(tag).not.toContain('== null');
    // baseMs 100 would round to 0 s (immediate retries): with maxMs 4 s it becomes 1 s, doubling.
    expect(tag).toMatch(/count="2" interval="1" delta="1" max-interval="4" first-fast-retry="false"/);
    expect(retryOf(allPolicies(compile(retrying({ attempts: 1, on: [503], backoff: { baseMs: 100, maxMs: 400 } }))))).toMatch(/interval="0" first-fast-retry="true"/);
    expect(apimPolicyErrors(policyFiles(plan))).toBe('');
  });

  it('refuses a retry on no answer alone, and records that no answer is not retried', () => {
    expect(problemsOf(retrying({ attempts: 1, on: ['connect-failure'] })).join('\n')).toMatch(/get backend\.retry azure.*retry\.on lists only connect-failure: API Management does not retry a try with no answer/);
    expect(problemsOf(retrying({ attempts: 1, on: ['connect-failure', 503] }))).toEqual([]);
  });
});

describe('compileAzure: mappings', () => {
  const plan = compile(petstore);
  const op = (id: string) => plan.operations.find((o) => o.id === id)!;

  it('validate-jwt with discovery, audiences, issuer, required claims and scopes', () => {
    const p = op('getPet').policy!;
    expect(p).toContain('<openid-config url="https://login.example.com/.well-known/openid-configuration"/>');
    expect(p).toContain('<audience>petstore-api</audience>');
    expect(p).toContain('<claim name="tenant" match="all">');
    // Scopes are not required claims (a failed validate-jwt is 401): a choose after it answers 403.
    expect(p).not.toContain('<claim name="scope"');
    expect(p).toMatch(/<\/validate-jwt>\s*<choose>\s*<when condition="@\(!\(\(Jwt\)context\.Variables\[&quot;anygate-jwt&quot;\]\)\.Claims\.ContainsKey\(&quot;scope&quot;\) \|\| \([^"]*\) \|\| new string\[\] \{ &quot;pets:read&quot; \}\.Except\(/);
    expect(p).toMatch(/<set-status code="403" reason="Forbidden"\/>/);
  });

  it('API keys: subscriptions with the custom header, checked per route when not every route needs one', () => {
    expect(plan.subscriptionRequired).toBe(false);
    expect(plan.subscriptionKeyParameterNames).toEqual({ header: 'x-api-key', query: 'subscription-key' });
    expect(op('createOrder').policy).toMatch(/<when condition="@\([^"]* \|\| \(context\.Subscription == null\)\)">/);
    expect(op('status').policy).not.toContain('context.Subscription');
    const allKeys = baseSpec();
    allKeys.routes = [allKeys.routes[1]];
    const p = compile(allKeys);
    expect(p.subscriptionRequired).toBe(true);
    expect(p.operations[0].policy ?? '').not.toContain('context.Subscription');
  });

  it('cache-lookup and cache-store with the cache key', () => {
    const p = op('listPets').policy!;
    expect(p).toContain('<cache-lookup vary-by-developer="false" vary-by-developer-groups="false" downstream-caching-type="none" caching-type="internal" allow-private-response-caching="true">');
    expect(p).toContain('<vary-by-header>Accept-Language</vary-by-header>');
    expect(p).toContain('<vary-by-query-parameter>limit</vary-by-query-parameter>');
    expect(p).toContain('<cache-store duration="60"/>');
  });

  it('transforms: set-header with claims, set-query-parameter, rewrite-uri, set-body, response headers and redaction', () => {
    expect(op('listPets').policy).toContain('((Jwt)context.Variables["anygate-jwt"]).Claims.GetValueOrDefault("tenant", "")');
    expect(op('listPets').policy).toContain('<set-query-parameter name="debug" exists-action="delete"/>');
    expect(op('getPet').policy).toContain('<rewrite-uri template="/api/pets/{petId}" copy-unmatched-params="true"/>');
    expect(op('createOrder').policy).toContain('new JProperty("channel", new JValue("partner-api"))');
    expect(op('createOrder').policy).toContain('body?.SelectToken("petId")');
    expect(op('getOrder').policy).toContain(`"$['customer']['email']", "$['payment']['card']"`);
    expect(op('getPet').policy).toContain('<set-header name="server" exists-action="delete"/>');
  });

  it('rate limits: per route by a fixed key, per plan in products, quota renewal >= 300 s, rate renewal <= 300 s', () => {
    expect(op('createPet').policy).toContain('<rate-limit-by-key calls="20" renewal-period="2" counter-key="petstore-prod-route-createPet"/>');
    const gold = plan.products.find((p) => p.id === 'petstore-prod-gold')!.policy!;
    expect(gold).toContain('<rate-limit calls="200" renewal-period="2"/>');
    expect(gold).toContain('<quota calls="1000000" renewal-period="2592000"/>');
    expect(rateWindow({ requestsPerSecond: 0.001, burst: 1 })).toEqual({ calls: 1, period: 300 });
  });

  it('a fractional rate keeps its steady rate: the period is lengthened (up to 4x) to a whole number of calls', () => {
    // 0.75/s was 2 calls per 2 s (1/s, a third over); 0.3/s was 1 per 4 s (0.25/s).
    expect(rateWindow({ requestsPerSecond: 0.75, burst: 1 })).toEqual({ calls: 3, period: 4 });
    expect(rateWindow({ requestsPerSecond: 0.7, burst: 1 })).toEqual({ calls: 5, period: 7 });
    expect(rateWindow({ requestsPerSecond: 0.3, burst: 1 })).toEqual({ calls: 3, period: 10 });
    // Whole rates keep the burst's window.
    expect(rateWindow({ requestsPerSecond: 2.5, burst: 3 })).toEqual({ calls: 5, period: 2 });
    expect(rateWindow({ requestsPerSecond: 10, burst: 20 })).toEqual({ calls: 20, period: 2 });
    for (const rps of [0.2, 0.25, 0.4, 0.6, 0.75, 1.25, 1.5, 2.5, 3.3]) {
      const w = rateWindow({ requestsPerSecond: rps, burst: Math.ceil(rps) });
      expect(Math.abs(w.calls / w.period - rps) / rps).toBeLessThan(0.05);
    }
  });

  it('gateway policy: ip-filter ranges, cors and the stage throttle', () => {
    expect(plan.apiPolicy).toContain('<ip-filter action="forbid">');
    expect(plan.apiPolicy).toContain('<address-range from="198.51.100.0" to="198.51.100.255"/>');
    expect(plan.apiPolicy).toContain('<cors allow-credentials="true">');
    expect(plan.apiPolicy).toContain('<rate-limit-by-key calls="1000" renewal-period="2" counter-key="petstore-prod-stage"/>');
  });

  it('mock routes return-response with the body; backends are selected per route', () => {
    expect(op('status').policy).toContain('<set-body>{"status":"ok"}</set-body>');
    expect(op('files').policy).toContain('<set-backend-service backend-id="petstore-prod-pets"/>');
  });

  it('hoists fragments shared by every route to the API policy, leaving operations without a policy', () => {
    const s = baseSpec();
    s.routes = [
      { method: 'GET', path: '/a', backend: 'api', auth: ['jwt'] },
      { method: 'GET', path: '/b', backend: 'api', auth: ['jwt'] },
    ];
    delete s.consumers;
    delete s.plans;
    const p = compile(s);
    expect(p.apiPolicy).toContain('<validate-jwt');
    expect(p.apiPolicy).toContain('<set-backend-service backend-id="shop-prod-api"/>');
    expect(p.operations.every((o) => o.policy === undefined)).toBe(true);
  });

  it('weighted backends become a pool with a circuit breaker', () => {
    const s = baseSpec();
    s.backends.api = { type: 'http', targets: [{ url: 'https://a.example.com', weight: 9 }, { url: 'https://b.example.com', weight: 1 }], circuitBreaker: { failures: 5, intervalSeconds: 60, tripSeconds: 30 } };
    const p = compile(s);
    expect(p.backends.filter((b) => b.key.startsWith('api'))).toEqual([
      { id: 'shop-prod-api-1', key: 'api-1', type: 'Single', url: 'https://a.example.com', circuitBreaker: { failures: 5, intervalSeconds: 60, tripSeconds: 30 } },
      { id: 'shop-prod-api-2', key: 'api-2', type: 'Single', url: 'https://b.example.com', circuitBreaker: { failures: 5, intervalSeconds: 60, tripSeconds: 30 } },
      { id: 'shop-prod-api', key: 'api', type: 'Pool', pool: [{ key: 'api-1', weight: 9 }, { key: 'api-2', weight: 1 }] },
    ]);
    const pool = p.resources.find((r) => r.name === 'backend-api')!;
    expect(pool.inputs.pool).toEqual({ services: [{ id: { $ref: 'resource', name: 'backend-api-1', property: 'id' }, weight: 9 }, { id: { $ref: 'resource', name: 'backend-api-2', property: 'id' }, weight: 1 }] });
    expect(pool.dependsOn).toEqual(['backend-api-1', 'backend-api-2']);
  });

  it('is deterministic across runs and input order', () => {
    const ref = JSON.stringify(compile(petstore));
    for (let seed = 1; seed < 5; seed++) expect(JSON.stringify(compile(shuffleKeys({ ...petstore, routes: shuffled(petstore.routes, seed) }, seed)))).toBe(ref);
  });
});

describe('compileAzure: SKU awareness', () => {
  it('Consumption refuses rate-limit-by-key (route and stage) naming route, feature and SKU', () => {
    const problems = problemsOf(petstore, { sku: 'Consumption' });
    expect(problems).toContain("createPet route.rateLimit azure (Consumption): Consumption has no rate-limit-by-key; use a plan rate limit or another SKU");
    expect(problems.some((p) => p.startsWith('gateway stage.throttle azure (Consumption)'))).toBe(true);
  });

  it('Consumption caching needs an external cache', () => {
    const s = baseSpec();
    s.routes[0].cache = { ttlSeconds: 30 };
    expect(problemsOf(s, { sku: 'Consumption' })).toEqual(['get-items-id route.cache azure (Consumption): Consumption has no internal cache: configure an external Redis cache on the service and pass externalCache: true, or drop the cache']);
    const ok = compile(s, { sku: 'Consumption', externalCache: true });
    expect(ok.operations.find((o) => o.id === 'get-items-id')!.policy).toContain('caching-type="external"');
  });

  it('enforces the 16 KiB policy limit on Consumption (256 KiB elsewhere)', () => {
    const s = baseSpec();
    s.routes[0].transform = { request: { setHeaders: Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`x-h${i}`, 'v'.repeat(120)])) } };
    expect(problemsOf(s, { sku: 'Consumption' }).join('\n')).toMatch(/get-items-id policy\.size azure \(Consumption\): the policy document is \d+ bytes, over the 16384-byte limit of Consumption/);
    expect(problemsOf(s, { sku: 'Developer' })).toEqual([]);
  });

  it('refuses what validate-jwt cannot check, and key values it cannot read', () => {
    const s = baseSpec();
    s.authorizers.jwt.typ = 'at+jwt';
    s.consumers.acme.apiKey = { secretRef: 'azure-keyvault:https://v.vault.azure.net/secrets/k' };
    const problems = problemsOf(s);
    expect(problems.some((p) => /authorizer jwt: validate-jwt cannot check the typ header/.test(p))).toBe(true);
    expect(problems.some((p) => /consumer acme: a subscription key can be set only from env:NAME/.test(p))).toBe(true);
  });

  it('refuses literal-only text that APIM would read as a named value or expression', () => {
    const s = baseSpec();
    s.authorizers.jwt.audiences = ['{{secret-nv}}'];
    const problems = problemsOf(s);
    expect(problems).toEqual(['gateway auth.jwt azure (Developer): authorizer jwt: audience "{{secret-nv}}" would be read by API Management as a named value or policy expression; remove "{{", "}}", the leading "@" and control characters']);
  });

  it('scopes are C# string literals in the scope check, so any scope text is inert', () => {
    const s = baseSpec();
    s.routes[0].scopes = ['@(true)', '{{nv}}'];
    const p = compile(s).operations.find((o) => o.id === 'get-items-id')!.policy!;
    expect(p).toContain('new string[] { &quot;\\u0040(true)&quot;, &quot;\\u007b\\u007bnv\\u007d\\u007d&quot; }');
  });

  it('keeps the nasty text intact inside expressions', () => {
    const plan = compile(nastyGateway());
    const p = plan.operations.find((o) => o.id === 'weird')!.policy!;
    expect(p).toContain('\\u007b\\u007bnv\\u007d\\u007d');
    expect(NASTY).toContain('{{nv}}');
  });
});
