/**
 * Issue 14 (Azure): no spec string is ever evaluated by API Management. Names are refused unless
 * they follow their grammar; values are escaped; mock JSON stays parseable; CIDRs are exact.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { targetProblems } from '../../lib/capabilities/support';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAzure } from '../../providers/azure/compile';
import { csString, policyJson } from '../../providers/azure/expressions';
import type { ApimPlan } from '../../providers/azure/plan';
import { cidrRange } from '../../providers/shared/cidr';
import { baseSpec, refusals } from '../helpers';
import { apimPolicyErrors, scratch } from '../validators';

type Spec = Record<string, any>;
const compile = (s: Spec) => compileAzure(toGatewaySpec(s));
/** Each payload carries the marker zzEVIL, so its position in the output can be told apart. */
const PAYLOADS = ['@(context.Variables["zzEVIL"])', '@{return "zzEVIL";}', '{{zzEVIL}}', 'a}}zzEVIL{{c'];
const MARKER = 'zzEVIL';

/** Every policy text and attribute value, from the XML the plan holds. */
function policies(plan: ApimPlan): string[] {
  return [plan.apiPolicy, ...plan.operations.map((o) => o.policy ?? ''), ...plan.products.map((p) => p.policy ?? '')];
}

/** Values of attributes and text nodes (XML-unescaped enough for the checks: &quot; and &amp;). */
function values(xml: string): string[] {
  const un = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return [...[...xml.matchAll(/="([^"]*)"/g)].map((m) => un(m[1])), ...[...xml.matchAll(/>([^<]+)</g)].map((m) => un(m[1]).trim()).filter(Boolean)];
}

/**
 * The payload never reaches an evaluated position: no `{{`/`}}` anywhere, and in a value that is
 * an expression the payload appears only inside C# string literals.
 */
function assertNotEvaluated(plan: ApimPlan, marker: string): void {
  for (const xml of policies(plan)) {
    for (const v of values(xml)) {
      expect(v).not.toMatch(/\{\{|\}\}/);
      if (v.startsWith('@')) expect(v.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toContain(marker);
      else expect(v.startsWith('@')).toBe(false);
    }
  }
}

/** Compiles, expecting a refusal that names a place, or output where the payload is inert. */
function refusedOrInert(s: Spec, marker: string): 'refused' | 'inert' {
  const problems = refusals(() => compile(s));
  if (problems.length) {
    for (const p of problems) expect(p).toMatch(/^(gateway|[\w-]+) [\w.]+ azure \(Developer\): /);
    // The portability report decides the same: the refusal comes from the capability records.
    expect(targetProblems(toGatewaySpec(s), 'azure').map((p) => `${p.where} ${p.feature} ${p.target}: ${p.message}`)).toEqual(problems);
    return 'refused';
  }
  assertNotEvaluated(compile(s), marker);
  return 'inert';
}

describe('names and values from the spec never reach APIM evaluation', () => {
  const cases: [string, (s: Spec, p: string) => void, 'refused' | 'inert'][] = [
    ['required-claim name', (s, p) => (s.authorizers.jwt.requiredClaims = { [p]: 'x' }), 'refused'],
    ['scopeClaim', (s, p) => (s.authorizers.jwt.scopeClaim = p), 'refused'],
    ['JWT header name', (s, p) => (s.authorizers.jwt.header = p), 'refused'],
    ['CORS origin', (s, p) => (s.cors = { allowOrigins: [`https://a.example.com${p}`] }), 'refused'],
    ['CORS allowed header', (s, p) => (s.cors = { allowOrigins: ['https://a.example.com'], allowHeaders: [p] }), 'refused'],
    ['custom authorizer header', (s, p) => {
      s.authorizers.c = { type: 'custom', binding: 'authz', header: p };
      s.routes[0].auth = ['c'];
      s.routes[0].scopes = [];
    }, 'refused'],
    ['mock header name', (s, p) => (s.backends.canned.headers = { [p]: 'v' }), 'refused'],
    ['mock header value', (s, p) => (s.backends.canned.headers = { 'x-v': p }), 'inert'],
    ['mock body', (s, p) => (s.backends.canned.body = { [p]: { nested: { deeper: p } } }), 'inert'],
    ['transform header name', (s, p) => (s.routes[0].transform = { request: { setHeaders: { [p]: 'v' } } }), 'refused'],
    ['transform header value', (s, p) => (s.routes[0].transform = { request: { setHeaders: { 'x-v': p } } }), 'inert'],
    ['transform query name', (s, p) => (s.routes[0].transform = { request: { setQuery: { [p]: 'v' } } }), 'refused'],
    ['response header value', (s, p) => (s.routes[0].transform = { response: { setHeaders: { 'x-v': p } } }), 'inert'],
    ['cache key header', (s, p) => (s.routes[0].cache = { ttlSeconds: 30, key: { headers: [p] } }), 'refused'],
    ['cache key query', (s, p) => (s.routes[0].cache = { ttlSeconds: 30, key: { query: [p] } }), 'refused'],
    ['audience', (s, p) => (s.authorizers.jwt.audiences = [p]), 'refused'],
    ['required-claim value', (s, p) => (s.authorizers.jwt.requiredClaims = { tenant: p }), 'refused'],
    ['scope', (s, p) => (s.routes[0].scopes = [p]), 'inert'],
  ];
  for (const [field, set, expected] of cases) {
    it.each(PAYLOADS)(`${field}: %s`, (payload) => {
      const s = baseSpec();
      try {
        set(s, payload);
        toGatewaySpec(s);
      } catch {
        return; // the model refuses it already (a located validation error)
      }
      const outcome = refusedOrInert(s, MARKER);
      if (!payload.startsWith('@') || expected === 'refused') expect(outcome).toBe(expected);
    });
  }
});

describe('mock bodies', () => {
  it('nested objects stay parseable JSON and carry no {{, }} or @', () => {
    const body = { a: { b: { c: [1, { d: '{{nv}} @(x) }}' }] } }, e: '}' };
    const text = policyJson(body);
    expect(text).not.toMatch(/\{\{|\}\}|@/);
    expect(JSON.parse(text)).toEqual(body);
    const s = baseSpec();
    s.backends.canned.body = body;
    const plan = compile(s);
    const xml = plan.operations.find((o) => o.id === 'get-health')!.policy!;
    const emitted = xml.match(/<set-body>([^<]*)<\/set-body>/)![1].replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    expect(JSON.parse(emitted)).toEqual(body);
    const f = path.join(scratch('apim-mock'), 'mock.xml');
    writeFileSync(f, xml);
    expect(apimPolicyErrors([f])).toBe('');
  });

  it('C# string literals escape braces and @', () => {
    expect(csString('{{x}} @(y)')).toBe('"\\u007b\\u007bx\\u007d\\u007d \\u0040(y)"');
  });
});

describe('CIDRs (ipaddr.js)', () => {
  it.each([
    ['10.1.2.3/16', '10.1.0.0', '10.1.255.255'],
    ['0.0.0.0/0', '0.0.0.0', '255.255.255.255'],
    ['192.0.2.7/32', '192.0.2.7', '192.0.2.7'],
    ['2001:db8::/126', '2001:db8:0:0:0:0:0:0', '2001:db8:0:0:0:0:0:3'],
    ['::/0', '0:0:0:0:0:0:0:0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['2001:db8::1/128', '2001:db8:0:0:0:0:0:1', '2001:db8:0:0:0:0:0:1'],
    ['::ffff:192.0.2.0/120', '0:0:0:0:0:ffff:c000:200', '0:0:0:0:0:ffff:c000:2ff'],
  ])('%s', (cidr, from, to) => {
    expect(cidrRange(cidr)).toMatchObject({ from, to });
  });

  it('an IPv4-mapped range also names its IPv4 clients, and ip-filter denies both forms', () => {
    expect(cidrRange('::ffff:192.0.2.0/120').ipv4).toEqual({ from: '192.0.2.0', to: '192.0.2.255', prefix: 24 });
    expect(cidrRange('::ffff:c000:0200/121').ipv4).toEqual({ from: '192.0.2.0', to: '192.0.2.127', prefix: 25 });
    expect(cidrRange('::ffff:0:0/95').ipv4).toBeUndefined();
    const s = baseSpec();
    s.ipRules = { deny: ['::ffff:192.0.2.0/120'] };
    const api = compile(s).apiPolicy;
    expect(api).toContain('<address-range from="192.0.2.0" to="192.0.2.255"/>');
    expect(api).toContain('<address-range from="0:0:0:0:0:ffff:c000:200" to="0:0:0:0:0:ffff:c000:2ff"/>');
  });
});
