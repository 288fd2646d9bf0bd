/**
 * Issue 14 (Apigee): no spec string is evaluated by Apigee, scopes match whole tokens, caches are
 * keyed by caller, and IP ranges are computed right. The emitter defences are tested on normalized
 * specs edited after validation, so they hold even when a value slips past the model's checks.
 */
import { XMLParser } from 'fast-xml-parser';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { compileApigee, type ApigeeCompileOptions } from '../../providers/apigee/compile';
import { SCRIPT_SOURCE } from '../../providers/apigee/script';
import { nastyGateway } from '../fixtures/nasty';
import { baseSpec, refusals } from '../helpers';
import { portability } from '../../lib/capabilities/portability';
import { writeBundleDir } from '../../providers/apigee/bundle';
import { apigeelint, scratch } from '../validators';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['Flow', 'Step', 'KeyFragment', 'SourceAddress', 'MatchRule'].includes(name) });
const base = (): Record<string, any> => {
  const s = baseSpec();
  s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
  return s;
};
/** A normalized spec, edited after validation by `edit` (plain data, so a test can put anything anywhere). */
const normalized = (edit: (s: any) => void, input = base()): GatewaySpec => {
  const s = JSON.parse(JSON.stringify(toGatewaySpec(input)));
  edit(s);
  return s;
};
const problems = (s: GatewaySpec, o: ApigeeCompileOptions = {}) => refusals(() => compileApigee(s, o));
const flow = (files: Record<string, string>, name: string) => xml.parse(files['proxies/default.xml']).ProxyEndpoint.Flows.Flow.find((f: any) => f['@name'] === name);

describe('Apigee: message templates and conditions never carry spec text', () => {
  it('AllowOrigins: an origin with a template or a path is refused, naming the spec path', () => {
    const s = normalized((x) => (x.cors = { allowOrigins: ['https://ok.example.com', 'https://a{private.key}.example.com', 'https://b.example.com/x'], allowMethods: ['GET'], allowHeaders: ['Authorization'], exposeHeaders: [], allowCredentials: false, maxAgeSeconds: 600 }));
    const p = problems(s);
    expect(p).toContainEqual(expect.stringContaining('cors.allowOrigins[1]: origin "https://a{private.key}.example.com" is not scheme://host[:port]'));
    expect(p).toContainEqual(expect.stringContaining('cors.allowOrigins[2]'));
    expect(p.some((m) => m.includes('allowOrigins[0]'))).toBe(false);
  });

  it('a ServiceCallout header cannot send a private variable out: X-C}{private.secret_var is refused, and headers are copied, never templated', () => {
    const input = base();
    input.authorizers.legacy = { type: 'custom', binding: 'legacy-auth', header: 'X-Token' };
    input.routes[2].auth = 'legacy';
    const bad = normalized((x) => (x.authorizers.legacy.header = 'X-C}{private.secret_var'), input);
    expect(problems(bad)).toContainEqual(expect.stringContaining('authorizers.legacy.header: header name "X-C}{private.secret_var" holds a brace'));
    const sc = xml.parse(compileApigee(toGatewaySpec(input)).files['policies/SC-legacy.xml']).ServiceCallout;
    expect(JSON.stringify(sc)).not.toContain('{request.header');
  });

  it('scopeClaim cannot turn scope enforcement off: a quote-laden claim name is refused', () => {
    const s = normalized((x) => (x.authorizers.jwt.scopeClaim = 'scope JavaRegex ".*" or "a" = "a'));
    expect(problems(s)).toContainEqual(expect.stringContaining('authorizers.jwt.scopeClaim: claim name "scope JavaRegex'));
  });

  it('header and query names in conditions follow one grammar (located errors otherwise)', () => {
    const s = normalized((x) => (x.routes.find((r: any) => r.id === 'get-items-id').validation = { requiredHeaders: ['X" or "a" = "a'], requiredQuery: ['q}'] }));
    const p = problems(s);
    expect(p).toContainEqual(expect.stringContaining('routes[id=get-items-id].validation.requiredQuery[0]'));
    expect(p).toContainEqual(expect.stringContaining('routes[id=get-items-id].validation.requiredHeaders[0]'));
    expect(problems(toGatewaySpec(base()), { environments: { prod: 'prod" or "a" = "a' } })).toContainEqual(expect.stringContaining('environments.prod: environment'));
  });

  it('JWT issuer, audiences and claim values reach VerifyJWT through literal variables only', () => {
    const plan = compileApigee(toGatewaySpec(nastyGateway()));
    const vj = xml.parse(plan.files['policies/JWT-jwt.xml']).VerifyJWT;
    expect(vj.Audience).toEqual({ '@ref': 'anygate.jwt.jwt.aud' });
    expect(vj.Issuer).toEqual({ '@ref': 'anygate.jwt.jwt.iss' });
    expect(plan.files['policies/JWT-jwt.xml']).not.toContain('@(evil)');
    expect(plan.files['policies/AM-jwt-jwt.xml']).toContain('@(evil)');
  });

  it('JavaScript sources never embed spec text: one fixed script, spec data only in policy properties', () => {
    const nasty = compileApigee(toGatewaySpec(nastyGateway()));
    expect(nasty.files['resources/jsc/anygate.js']).toBe(SCRIPT_SOURCE);
    for (const [f, c] of Object.entries(nasty.files)) {
      if (!f.startsWith('policies/JS-')) continue;
      const js = xml.parse(c).Javascript;
      expect(js.ResourceURL).toBe('jsc://anygate.js');
      expect(js.Source).toBeUndefined();
    }
  });
});

/** Evaluates an emitted `VAR JavaRegex "RE"` the way Apigee does (whole-value match). */
function holds(condition: string, value: string): boolean {
  // Java's inline `(?s)` is JavaScript's s flag; the rest is syntax both engines share.
  // Java's \z (the very end) is JavaScript's $ without the m flag.
  const res = [...condition.matchAll(/JavaRegex "((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\z/g, '$')).map((re) => (re.startsWith('(?s)') ? new RegExp(`^(?:${re.slice(4)})$`, 's') : new RegExp(`^(?:${re})$`)));
  return res.some((re) => re.test(value));
}

describe('Apigee: scope checks match whole tokens', () => {
  const s = base();
  s.routes[0].scopes = ['read'];
  const condition: string = flow(compileApigee(toGatewaySpec(s)).files, 'get-items-id').Request.Step.find((x: any) => x.Name === 'RF-forbidden').Condition;
  const present = condition.replace(/^NOT /, '');
  it.each([
    ['read', true],
    ['write read admin', true],
    ['["write","read"]', true],
    ['read+write', false],
    ['xread', false],
    ['reading', false],
    ['["reader"]', false],
    ['write', false],
  ])('scope claim %j satisfies "read": %s', (value, ok) => {
    expect(holds(present, value)).toBe(ok);
  });
});

describe('Apigee: cached responses are keyed by caller unless shared', () => {
  const spec = () => {
    const s = base();
    s.routes[0].cache = { ttlSeconds: 60 };
    s.routes[1] = { method: 'GET', path: '/orders', backend: 'api', auth: 'key', cache: { ttlSeconds: 60 } };
    s.routes[2].cache = { ttlSeconds: 60 };
    return s;
  };
  const keys = (files: Record<string, string>, policy: string) => xml.parse(files[`policies/${policy}.xml`]).ResponseCache.CacheKey.KeyFragment.map((k: any) => k['@ref']);

  it('JWT routes by token, API-key routes by app, public routes by request only', () => {
    const files = compileApigee(toGatewaySpec(spec())).files;
    expect(keys(files, 'RC-get-items-id')).toEqual(['request.verb', 'proxy.pathsuffix', 'request.header.Authorization']);
    expect(keys(files, 'RC-get-orders')).toEqual(['request.verb', 'proxy.pathsuffix', 'client_id']);
    expect(keys(files, 'RC-get-health')).toEqual(['request.verb', 'proxy.pathsuffix']);
  });

  it('cache.shared: true keeps one entry for every caller', () => {
    const s = spec();
    s.routes[0].cache.shared = true;
    expect(keys(compileApigee(toGatewaySpec(s)).files, 'RC-get-items-id')).toEqual(['request.verb', 'proxy.pathsuffix']);
  });
});

describe('Apigee: IP rules', () => {
  // Needs providers/shared/cidr.ts on ipaddr.js (the "azure" helper's change): the old hand parser
  // reads ::ffff:192.0.2.0 wrongly, so this fails until that lands.
  it('an IPv4-mapped IPv6 deny range also denies the IPv4 clients it maps', () => {
    const s = base();
    s.ipRules = { deny: ['::ffff:192.0.2.0/120', '2001:db8::/32', '198.51.100.7'] };
    const rules = xml.parse(compileApigee(toGatewaySpec(s)).files['policies/AC-ip-rules.xml']).AccessControl.IPRules.MatchRule;
    const deny = rules.find((r: any) => r['@action'] === 'DENY').SourceAddress.map((a: any) => `${a['#text']}/${a['@mask']}`);
    expect(deny).toContain('192.0.2.0/24');
    expect(deny).toContain('198.51.100.7/32');
    expect(deny.some((d: string) => d.endsWith('/32') && d.startsWith('2001:db8:'))).toBe(true);
  });
});

describe('Apigee: environments', () => {
  it('an environment for a stage the spec does not have is refused, naming it', () => {
    expect(problems(toGatewaySpec(base()), { environments: { prod: 'prod', qa: 'qa' } })).toEqual(['gateway stage apigee (INTERMEDIATE): environments.qa: stage "qa" is not in the spec; stages: prod']);
  });
});

describe('Apigee: which address IP rules check', () => {
  // Apigee X is behind Google load balancers: X-Forwarded-For reads `<client's own text>, <client>,
  // <load balancer>, <ingress>`, and AccessControl without ClientIPVariable evaluates that header
  // (the first entry is the client's to write). The documented practice: the environment's resolved
  // client address (client.resolved.ip), True-Client-IP ignored.
  const s = base();
  s.ipRules = { allow: ['10.0.0.0/8'], deny: ['10.9.0.0/16'] };
  const plan = compileApigee(toGatewaySpec(s));
  const ac = xml.parse(plan.files['policies/AC-ip-rules.xml']).AccessControl;

  it('checks client.resolved.ip, ignores True-Client-IP, and never evaluates X-Forwarded-For itself', () => {
    expect(ac.ClientIPVariable).toBe('client.resolved.ip');
    expect(String(ac.IgnoreTrueClientIPHeader)).toBe('true');
    expect(ac.ValidateBasedOn).toBeUndefined();
    expect(ac.IPRules['@noRuleMatchAction']).toBe('DENY');
  });

  it('the bundle passes apigeelint', () => {
    const dir = scratch('apigee-ip-rules');
    writeBundleDir(plan, dir);
    expect(apigeelint(dir).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('the portability report says the environment must resolve the client address, and how', () => {
    const row = portability(toGatewaySpec(s), ['apigee']).rows.find((r) => r.feature === 'ipRules.allow');
    const differences = row?.targets.apigee?.differences ?? [];
    expect(differences).toEqual([expect.objectContaining({ aspect: 'client address', observed: expect.stringMatching(/client\.resolved\.ip.*first non-local X-Forwarded-For entry/), remedy: expect.stringMatching(/clientIpResolutionConfig.*ipHeaderIndex/) })]);
  });
});

describe('Apigee: IP rules and the client address', () => {
  it('warn at synthesis that client.resolved.ip needs each environment\'s clientIpResolutionConfig', () => {
    const s = base();
    s.ipRules = { deny: ['203.0.113.0/24'] };
    const warnings = compileApigee(toGatewaySpec(s)).warnings;
    expect(warnings).toContainEqual(expect.stringMatching(/^ipRules check client\.resolved\.ip; unless each environment \(.+\) has a clientIpResolutionConfig .* \[apigee-client-ip-resolution\]$/));
    expect(compileApigee(toGatewaySpec(base())).warnings.filter((w) => w.includes('apigee-client-ip-resolution'))).toEqual([]);
  });
});
