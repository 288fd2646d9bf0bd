/**
 * Issue 21 (Azure): alternative credentials as policy, and issue 18's scope answer (403). The
 * emitted policies are read three ways: their text (the choose branches, the 401 and 403 bodies),
 * xmllint against the APIM schemas (each `when` body too, which choose.xsd does not check), and a
 * model of APIM running them (./policy-sim) compared, request by request, with the shared decision
 * (lib/runtime/alternatives.ts) that the AWS authorizer and `anygate dev` run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { builder, create } from 'xmlbuilder2';
import { parse } from 'yaml';
import { alternativeAuthorizers, credentialLocation } from '../../lib/model/credentials';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { planAlternatives } from '../../lib/runtime/alternatives';
import { compileAzure } from '../../providers/azure/compile';
import type { ApimPlan } from '../../providers/azure/plan';
import { baseSpec } from '../helpers';
import { apimPolicyErrors, scratch } from '../validators';
import { simulate, type SimRequest, type SimWorld } from './policy-sim';

type Spec = Record<string, any>;
type XmlNode = { nodeType: number; childNodes: ArrayLike<XmlNode> };
type XmlElement = XmlNode & { getElementsByTagName(name: string): ArrayLike<XmlNode> };
const payments = (): Spec => parse(readFileSync(path.join(__dirname, '../../examples/payments/gateway.yaml'), 'utf8'));
const policyOf = (plan: ApimPlan, id: string) => plan.operations.find((o) => o.id === id)!.policy ?? '';

/** Every policy document of the plan, and every `when` body as a document of its own. */
function xmllint(plan: ApimPlan): string {
  const dir = scratch('apim-alternatives');
  const docs = [plan.apiPolicy, ...plan.operations.map((o) => o.policy), ...plan.products.map((p) => p.policy)].filter((x): x is string => Boolean(x));
  const bodies = docs.flatMap((xml) =>
    Array.from((create(xml).root().node as unknown as XmlElement).getElementsByTagName('when')).map((w) => {
      const kids = Array.from(w.childNodes).filter((c) => c.nodeType === 1).map((c) => builder(c as never).toString());
      return `<policies><inbound>${kids.join('')}</inbound></policies>`;
    }),
  );
  expect(bodies.length).toBeGreaterThan(0);
  const files = [...docs, ...bodies].map((xml, i) => {
    const f = path.join(dir, `${i}.xml`);
    writeFileSync(f, xml);
    return f;
  });
  return apimPolicyErrors(files);
}

const world: SimWorld = {
  validKeys: new Set(['key-a', 'key-b']),
  tokens: new Map<string, Record<string, string | string[]>>([
    ['tok-refund', { scope: 'payments:read payments:refund' }],
    ['tok-refund-array', { scope: ['payments:refund'] }],
    ['tok-plain', { scope: 'payments:read' }],
    ['tok-noscope', {}],
  ]),
};

/**
 * The shared rules (docs/model.md "Alternative credentials") for one request: planAlternatives,
 * then every presented credential verified (401), then the scopes of every presented token (403).
 */
function expected(spec: GatewaySpec, routeId: string, req: SimRequest): number {
  const route = spec.routes.find((r) => r.id === routeId)!;
  if (route.auth === 'none') return 200;
  // This model takes one value per name (SimRequest may carry several: repeated-credentials.test.ts).
  const headers = new Map(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const value = (n: string): string => {
    const l = credentialLocation(spec.authorizers[n]);
    const v = l.in === 'header' ? headers.get(l.name) : req.query?.[l.name];
    return v === undefined ? '' : String(v);
  };
  const presented = (n: string) => value(n) !== '';
  const keys = alternativeAuthorizers(route.auth).filter((n) => spec.authorizers[n].type === 'apiKey' && presented(n));
  // Optional authentication: anonymous only when none of the route's places holds a value.
  const bare = alternativeAuthorizers(route.auth).every((n) => !presented(n));
  const plan = planAlternatives(route.auth, presented, keys.map(value), route.authOptional === true && bare);
  if (!plan.ok) return 401;
  let scopeMissing = false;
  for (const n of plan.check) {
    const a = spec.authorizers[n];
    if (a.type === 'apiKey' && !world.validKeys.has(value(n))) return 401;
    if (a.type !== 'jwt') continue;
    const claims = value(n).startsWith('Bearer ') ? world.tokens.get(value(n).slice(7)) : undefined;
    if (!claims) return 401;
    const granted = [claims[a.scopeClaim] ?? []].flat().flatMap((s) => s.split(' '));
    if (route.scopes.some((s) => !granted.includes(s))) scopeMissing = true;
  }
  return scopeMissing ? 403 : 200;
}

/** Every combination of the credentials a route reads: absent, valid, invalid, other values. */
function requests(spec: GatewaySpec, routeId: string): SimRequest[] {
  const route = spec.routes.find((r) => r.id === routeId)!;
  const names = route.auth === 'none' ? [] : alternativeAuthorizers(route.auth);
  const choices = names.map((n) => {
    const a = spec.authorizers[n];
    const l = credentialLocation(a);
    const vals = a.type === 'jwt' ? ['', 'Bearer tok-refund', 'Bearer tok-refund-array', 'Bearer tok-plain', 'Bearer tok-noscope', 'Bearer forged', 'Basic dXNlcg=='] : ['', 'key-a', 'key-b', 'nope'];
    return vals.map((v) => ({ l, v }));
  });
  const out: SimRequest[] = [];
  const walk = (i: number, req: { headers: Record<string, string>; query: Record<string, string> }) => {
    if (i === choices.length) return void out.push(req);
    for (const { l, v } of choices[i]) {
      const next = { headers: { ...req.headers }, query: { ...req.query } };
      if (v) (l.in === 'header' ? next.headers : next.query)[l.name] = v;
      walk(i + 1, next);
    }
  };
  walk(0, { headers: {}, query: {} });
  return out;
}

describe('payments on Azure: JWT, or a key in a header, or the same key in the query', () => {
  const spec = toGatewaySpec(payments());
  const plan = compileAzure(spec);

  it('the API takes the key in X-Api-Key or api_key and requires no subscription itself', () => {
    expect(plan.subscriptionKeyParameterNames).toEqual({ header: 'X-Api-Key', query: 'api_key' });
    expect(plan.subscriptionRequired).toBe(false);
    const api = plan.resources.find((r) => r.name === 'api')!;
    expect(api.inputs).toMatchObject({ subscriptionRequired: false, subscriptionKeyParameterNames: { header: 'X-Api-Key', query: 'api_key' } });
  });

  it('listPayments: one choose answering 401 (no complete alternative, two different keys, a key without a subscription), then validate-jwt when a token is presented', () => {
    const p = policyOf(plan, 'listPayments');
    const presented = {
      jwt: 'context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;) != &quot;&quot;',
      header: 'context.Request.Headers.GetValueOrDefault(&quot;X-Api-Key&quot;, &quot;&quot;) != &quot;&quot;',
      query: 'context.Request.Url.Query.GetValueOrDefault(&quot;api_key&quot;, &quot;&quot;) != &quot;&quot;',
    };
    expect(p).toContain(`<when condition="@(!((${presented.jwt}) || (${presented.header}) || (${presented.query})))">`);
    expect(p).toContain(`<when condition="@(${presented.query} &amp;&amp; ${presented.header} &amp;&amp; context.Request.Headers.GetValueOrDefault(&quot;X-Api-Key&quot;, &quot;&quot;) != context.Request.Url.Query.GetValueOrDefault(&quot;api_key&quot;, &quot;&quot;))">`);
    expect(p).toContain(`<when condition="@((${presented.header} || ${presented.query}) &amp;&amp; context.Subscription == null)">`);
    // Three for the rules, one first for a credential sent twice (repeated-credentials.test.ts).
    expect(p.match(/<set-status code="401" reason="Unauthorized"\/>/g)).toHaveLength(4);
    expect(p).toMatch(new RegExp(`<choose>\\s*<when condition="@\\(${presented.jwt.replace(/[()[\]|.*+?^$]/g, '\\$&')}\\)">\\s*<validate-jwt header-name="Authorization"`));
    expect(p).not.toContain('code="403"');
  });

  it('createPayment reads no query key: no comparison with api_key', () => {
    const p = policyOf(plan, 'createPayment');
    expect(p).not.toContain('api_key');
    expect(p).toContain('context.Subscription == null');
  });

  it('refundPayment (a scoped JWT alone) keeps the sequence: validate-jwt (401), then the scope check (403)', () => {
    const p = policyOf(plan, 'refundPayment');
    expect(p).not.toContain('context.Subscription');
    expect(p).toMatch(/<\/validate-jwt>\s*<choose>\s*<when condition="@\(!\(\(Jwt\)context\.Variables\[&quot;anygate-jwt&quot;\]\)\.Claims\.ContainsKey\(&quot;scope&quot;\)/);
    expect(p).toMatch(/<set-status code="403" reason="Forbidden"\/>\s*<set-header name="Content-Type" exists-action="override">\s*<value>application\/json<\/value>\s*<\/set-header>\s*<set-body>@\("[^<]*\\"code\\":\\"forbidden\\"[^<]*<\/set-body>/);
    expect(policyOf(plan, 'health')).not.toContain('validate-jwt');
  });

  it('every policy and every when body validates against the APIM schemas (xmllint)', () => {
    expect(xmllint(plan)).toBe('');
  });

  it.each(['listPayments', 'getPayment', 'createPayment', 'refundPayment', 'health'])('%s answers as the shared rules say, for every combination of its credentials', (id) => {
    const reqs = requests(spec, id);
    const got = reqs.map((r) => [JSON.stringify(r), simulate(plan, id, r, world)]);
    const want = reqs.map((r) => [JSON.stringify(r), expected(spec, id, r)]);
    expect(got).toEqual(want);
    const statuses = new Set(want.map(([, s]) => s));
    expect(statuses.has(200)).toBe(true);
    if (id !== 'health') expect(statuses.has(401)).toBe(true);
  });

  it('the cases the issue names', () => {
    const at = (id: string, r: SimRequest) => simulate(plan, id, r, world);
    expect(at('listPayments', {})).toBe(401);
    expect(at('listPayments', { headers: { authorization: 'Bearer tok-plain' } })).toBe(200);
    expect(at('listPayments', { headers: { 'x-api-key': 'key-a' } })).toBe(200);
    expect(at('listPayments', { query: { api_key: 'key-a' } })).toBe(200);
    expect(at('listPayments', { headers: { 'x-api-key': 'key-a' }, query: { api_key: 'key-a' } })).toBe(200);
    expect(at('listPayments', { headers: { 'x-api-key': 'key-a' }, query: { api_key: 'key-b' } })).toBe(401);
    // A failed credential is never rescued by a valid one beside it.
    expect(at('listPayments', { headers: { authorization: 'Bearer forged', 'x-api-key': 'key-a' } })).toBe(401);
    expect(at('listPayments', { headers: { authorization: 'Bearer tok-plain', 'x-api-key': 'nope' } })).toBe(401);
    expect(at('createPayment', { query: { api_key: 'key-a' } })).toBe(401);
    expect(at('refundPayment', { headers: { authorization: 'Bearer tok-plain' } })).toBe(403);
    expect(at('refundPayment', { headers: { authorization: 'Bearer tok-refund-array' } })).toBe(200);
    expect(at('refundPayment', { headers: { authorization: 'Bearer forged' } })).toBe(401);
    expect(at('refundPayment', {})).toBe(401);
  });

  it('stricter than the rules in one place, as APIM validates whatever key it is sent: an invalid key under X-Api-Key refuses a route that does not read it', () => {
    expect(simulate(plan, 'refundPayment', { headers: { authorization: 'Bearer tok-refund', 'x-api-key': 'nope' } }, world)).toBe(401);
    expect(expected(spec, 'refundPayment', { headers: { authorization: 'Bearer tok-refund', 'x-api-key': 'nope' } })).toBe(200);
  });

  it('a query key beside a different key under X-Api-Key is refused even where only the query key counts: APIM validated the header, not the query', () => {
    const s = payments();
    s.routes = [{ id: 'byQuery', method: 'GET', path: '/q', backend: 'api', auth: ['oauth', 'queryKey'] }, { id: 'byHeader', method: 'GET', path: '/h', backend: 'api', auth: ['headerKey'] }];
    const mixed = toGatewaySpec(s);
    const req = { headers: { 'x-api-key': 'key-b' }, query: { api_key: 'key-a' } };
    expect(expected(mixed, 'byQuery', req)).toBe(200);
    expect(simulate(compileAzure(mixed), 'byQuery', req, world)).toBe(401);
    expect(simulate(compileAzure(mixed), 'byQuery', { headers: { 'x-api-key': 'key-a' }, query: { api_key: 'key-a' } }, world)).toBe(200);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(compileAzure(toGatewaySpec(payments())))).toBe(JSON.stringify(plan));
  });
});

describe('a header key and a query key on different routes, without alternatives', () => {
  const s = payments();
  s.routes = [
    { id: 'byHeader', method: 'GET', path: '/h', backend: 'api', auth: ['headerKey'] },
    { id: 'byQuery', method: 'GET', path: '/q', backend: 'api', auth: ['queryKey'] },
    { id: 'pair', method: 'GET', path: '/p', backend: 'api', auth: [['oauth', 'headerKey']] },
  ];
  const spec = toGatewaySpec(s);
  const plan = compileAzure(spec);

  it('every route needs a key in every alternative, so the API requires a subscription (no CORS)', () => {
    expect(plan.subscriptionRequired).toBe(true);
    expect(plan.subscriptionKeyParameterNames).toEqual({ header: 'X-Api-Key', query: 'api_key' });
  });

  it.each(['byHeader', 'byQuery', 'pair'])('%s takes its key only where its authorizer reads it', (id) => {
    const reqs = requests(spec, id);
    expect(reqs.map((r) => simulate(plan, id, r, world))).toEqual(reqs.map((r) => expected(spec, id, r)));
    expect(simulate(plan, 'byHeader', { query: { api_key: 'key-a' } }, world)).toBe(401);
    expect(simulate(plan, 'byQuery', { headers: { 'x-api-key': 'key-a' } }, world)).toBe(401);
    expect(xmllint(plan)).toBe('');
  });
});

describe('routes without alternatives keep their policy', () => {
  it('a key-only route beside alternatives checks the subscription in policy, as before', () => {
    const s = baseSpec();
    s.routes.push({ method: 'GET', path: '/either', backend: 'api', auth: ['jwt', 'key'] });
    const plan = compileAzure(toGatewaySpec(s));
    expect(plan.subscriptionRequired).toBe(false);
    // No key, and a valid key in APIM's query parameter (which the spec does not use): 401, from one
    // `when` holding the three refusals (a repeated key is the third); a valid key in the spec's header passes.
    const refusal = policyOf(plan, 'post-items').match(/<when condition="([^"]*)">/)![1]!;
    expect(refusal.split(' || ')).toHaveLength(3);
    expect(refusal).toContain('context.Subscription == null');
    expect(simulate(plan, 'post-items', {}, world)).toBe(401);
    expect(simulate(plan, 'post-items', { query: { 'subscription-key': 'key-a' } }, world)).toBe(401);
    expect(simulate(plan, 'post-items', { headers: { 'x-api-key': 'key-a' } }, world)).toBe(200);
    // The one request value read besides the key's own header: APIM's query parameter.
    expect(policyOf(plan, 'post-items').match(/GetValueOrDefault/g)).toHaveLength(1);
    expect(policyOf(plan, 'get-either')).toContain('context.Subscription == null');
  });

  it('an API whose every route takes a key in every alternative still requires subscriptions', () => {
    const s = baseSpec();
    s.authorizers.qkey = { type: 'apiKey', in: 'query', name: 'k' };
    s.routes = [{ method: 'GET', path: '/a', backend: 'api', auth: ['key', 'qkey'] }];
    expect(compileAzure(toGatewaySpec(s)).subscriptionRequired).toBe(true);
    s.routes.push({ method: 'GET', path: '/b', backend: 'api', auth: ['jwt', 'key'] });
    expect(compileAzure(toGatewaySpec(s)).subscriptionRequired).toBe(false);
  });
});

describe('custom authorizers inside alternatives', () => {
  it('are called only when their header is presented', () => {
    const s = baseSpec();
    s.authorizers.partner = { type: 'custom', binding: 'authz', header: 'X-Partner' };
    s.routes = [{ method: 'GET', path: '/x', backend: 'api', auth: ['jwt', ['partner', 'key']] }];
    const plan = compileAzure(toGatewaySpec(s));
    const p = plan.apiPolicy + (plan.operations[0].policy ?? '');
    expect(p).toMatch(/<when condition="@\(context\.Request\.Headers\.GetValueOrDefault\(&quot;X-Partner&quot;, &quot;&quot;\) != &quot;&quot;\)">\s*<send-request/);
    expect(p).toContain('(context.Request.Headers.GetValueOrDefault(&quot;X-Partner&quot;, &quot;&quot;) != &quot;&quot; &amp;&amp; context.Request.Headers.GetValueOrDefault(&quot;x-api-key&quot;, &quot;&quot;) != &quot;&quot;)');
    expect(xmllint(plan)).toBe('');
  });
});

describe('what stays refused', () => {
  it('two header keys (or two query keys) with different names: one of each per API', () => {
    const s = payments();
    s.authorizers.otherKey = { type: 'apiKey', in: 'header', name: 'X-Other-Key' };
    s.routes.push({ id: 'other', method: 'GET', path: '/o', backend: 'api', auth: ['otherKey'] });
    expect(() => compileAzure(toGatewaySpec(s))).toThrow(/gateway: auth on azure \(Developer\): API Management reads the subscription key from one header and one query parameter per API, but the routes use the header names X-Api-Key, X-Other-Key/);
    const same = payments();
    same.authorizers.otherKey = { type: 'apiKey', in: 'header', name: 'x-api-key' };
    same.routes.push({ id: 'other', method: 'GET', path: '/o', backend: 'api', auth: ['otherKey'] });
    expect(() => compileAzure(toGatewaySpec(same))).not.toThrow();
  });
});

describe('optional authentication (auth: { anyOf, optional: true }) on Azure', () => {
  const input = payments() as { routes: { auth?: unknown }[] };
  // Every authenticated payments route, made optional: alternatives, and the scoped JWT route.
  const optional = { ...input, routes: input.routes.map((r) => (r.auth === undefined || r.auth === 'none' ? r : { ...r, auth: { anyOf: r.auth, optional: true } })) };
  const spec = toGatewaySpec(optional);
  const plan = compileAzure(spec);

  it('the API requires no subscription (an anonymous caller sends no key), and every policy validates (xmllint)', () => {
    expect(plan.subscriptionRequired).toBe(false);
    expect(xmllint(plan)).toBe('');
  });

  it.each(['listPayments', 'getPayment', 'createPayment', 'refundPayment'])('%s: nothing presented is let in; every combination with a credential answers as the required route does', (id) => {
    const reqs = requests(spec, id);
    const got = reqs.map((r) => [JSON.stringify(r), simulate(plan, id, r, world)]);
    const want = reqs.map((r) => [JSON.stringify(r), expected(spec, id, r)]);
    expect(got).toEqual(want);
    expect(simulate(plan, id, {}, world)).toBe(200);
    expect(simulate(plan, id, { headers: { authorization: 'Bearer forged' } }, world)).toBe(401);
  });
});
