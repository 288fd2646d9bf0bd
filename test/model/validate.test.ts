import { validateGateway, toGatewaySpec } from '../../lib/model/normalize';
import { SpecValidationError } from '../../lib/model/errors';
import { baseSpec, errorsOf } from '../helpers';

type Spec = Record<string, any>;

/** Each rule: a mutation that breaks it, the error it must give, and a mutation that satisfies it. */
const rules: { rule: string; bad: (s: Spec) => void; error: RegExp; good: (s: Spec) => void }[] = [
  {
    rule: 'an availability objective whose page threshold reaches 100% could never alert (refused, not clamped)',
    bad: (s) => (s.observability = { objectives: [{ name: 'slo', availability: 90 }] }),
    error: /^observability\.objectives\[0\]\.availability: availability 90% leaves an error budget of 10%; over 30 days the page alert's burn rate \(14\.4x\) would need more than 100% of requests to fail, so it could never fire: raise availability to 93\.056% or more, or shorten windowDays to 20 or fewer/,
    good: (s) => (s.observability = { objectives: [{ name: 'slo', availability: 90, windowDays: 20 }] }),
  },
  {
    rule: 'a throttling objective whose page threshold reaches 100% could never alert',
    bad: (s) => (s.observability = { objectives: [{ name: 'slo', throttledPercent: 8 }] }),
    error: /^observability\.objectives\[0\]\.throttledPercent: throttledPercent 8% is a budget of 8%; over 30 days .*: lower throttledPercent to 6\.944% or less, or shorten windowDays to 26 or fewer/,
    good: (s) => (s.observability = { objectives: [{ name: 'slo', throttledPercent: 6.9 }] }),
  },
  {
    rule: 'a burn-rate objective over fewer than 5 days is refused: its ticket (and under 3 days its page) would burn under 1x, alerting while the objective is met',
    bad: (s) => (s.observability = { objectives: [{ name: 'slo', availability: 99.9, windowDays: 1 }] }),
    error: /^observability\.objectives\[0\]\.windowDays: over 1 day the burn-rate alerts would fire while the objective is met: the page's 0\.48x \(2% of the budget in 1 h\) and the ticket's 0\.2x \(5% of the budget in 6 h\) are under 1x, .*; set windowDays to 5 or more/,
    good: (s) => (s.observability = { objectives: [{ name: 'slo', availability: 99.9, windowDays: 5 }, { name: 'fast', latency: { percentile: 99, thresholdMs: 100 }, windowDays: 1 }] }),
  },
  {
    rule: 'a throttling objective over 4 days is refused too (ticket 0.8x)',
    bad: (s) => (s.observability = { objectives: [{ name: 'slo', throttledPercent: 1, windowDays: 4 }] }),
    error: /^observability\.objectives\[0\]\.windowDays: over 4 days .*the ticket's 0\.8x \(5% of the budget in 6 h\) is under 1x/,
    good: (s) => (s.observability = { objectives: [{ name: 'slo', throttledPercent: 1, windowDays: 7 }] }),
  },
  {
    rule: 'objective names that spell the same alert ids (AWS logical ids, Kubernetes alert names drop punctuation) are refused, naming both',
    bad: (s) => (s.observability = { objectives: [{ name: 'shop-slo', availability: 99.9 }, { name: 'ShopSlo', availability: 99 }] }),
    error: /^observability\.objectives\[1\]\.name: objective "ShopSlo" repeats observability\.objectives\[0\] \("shop-slo"\): both are ShopSlo in the alerts' ids .*; rename one/,
    good: (s) => (s.observability = { objectives: [{ name: 'shop-slo', availability: 99.9 }, { name: 'shop-slo-fast', availability: 99 }] }),
  },
  {
    rule: 'objective names equal without case are refused',
    bad: (s) => (s.observability = { objectives: [{ name: 'slo', availability: 99.9 }, { name: 'SLO', availability: 99 }] }),
    error: /^observability\.objectives\[1\]\.name: objective "SLO" repeats observability\.objectives\[0\] \("slo"\): names are compared without case; rename one/,
    good: (s) => (s.observability = { objectives: [{ name: 'slo', availability: 99.9 }, { name: 'slo2', availability: 99 }] }),
  },
  {
    rule: 'optional authentication: an anonymous caller has no claims to read',
    bad: (s) => (s.routes[0] = { ...s.routes[0], auth: { anyOf: ['jwt'], optional: true }, transform: { request: { setHeaders: { 'x-user': '${claim.sub}' } } } }),
    error: /^routes\[0\]\.transform\.request\.setHeaders\["x-user"\]: \$\{claim\.sub\} needs a token on every request, but the route's auth is optional/,
    good: (s) => (s.routes[0] = { ...s.routes[0], auth: { anyOf: ['jwt'], optional: true }, transform: { request: { setHeaders: { 'x-gateway': 'anygate' } } } }),
  },
  {
    rule: 'optional authentication names known authorizers',
    bad: (s) => (s.routes[1] = { ...s.routes[1], auth: { anyOf: ['nokey'], optional: true } }),
    error: /^routes\[1\]\.auth: refers to authorizer "nokey", which is not defined/,
    good: (s) => (s.routes[1] = { ...s.routes[1], auth: { anyOf: 'key', optional: true } }),
  },
  {
    rule: 'duplicate route (same template)',
    bad: (s) => s.routes.push({ method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none' }),
    error: /^routes\[3\]: GET \/items\/\{id\} duplicates routes\[0\]/,
    good: (s) => s.routes.push({ method: 'DELETE', path: '/items/{id}', backend: 'api', auth: 'none' }),
  },
  {
    rule: 'duplicate route (equivalent template)',
    bad: (s) => s.routes.push({ method: 'GET', path: '/items/{itemId}', backend: 'api', auth: 'none' }),
    error: /differ only in parameter names/,
    good: (s) => s.routes.push({ method: 'GET', path: '/items/{itemId}/tags', backend: 'api', auth: 'none' }),
  },
  {
    rule: 'duplicate route (two ANY on one path; ANY beside a specific method is fine)',
    bad: (s) => s.routes.push({ method: 'ANY', path: '/items', backend: 'api', auth: 'none' }, { method: 'ANY', path: '/items', backend: 'fn', auth: 'none' }),
    error: /ANY \/items duplicates routes\[3\] \(ANY \/items\)/,
    good: (s) => s.routes.push({ method: 'ANY', path: '/items', backend: 'api', auth: 'none' }),
  },
  {
    rule: 'conflicting greedy paths',
    bad: (s) => s.routes.push({ method: 'GET', path: '/files/{a+}', backend: 'api', auth: 'none' }, { method: 'PUT', path: '/files/{b+}', backend: 'api', auth: 'none' }),
    error: /greedy \{b\+\} conflicts with \{a\+\}/,
    good: (s) => s.routes.push({ method: 'GET', path: '/files/{a+}', backend: 'api', auth: 'none' }, { method: 'PUT', path: '/files/{a+}', backend: 'api', auth: 'none' }),
  },
  {
    rule: 'bad path syntax',
    bad: (s) => (s.routes[0].path = '/items/{id'),
    error: /^routes\[0\]\.path: segment "\{id" is malformed/,
    good: (s) => (s.routes[0].path = '/items/{id}'),
  },
  {
    rule: 'unknown backend',
    bad: (s) => (s.routes[0].backend = 'nope'),
    error: /^routes\[0\]\.backend: refers to backend "nope", which is not defined; defined backends: api, canned, fn/,
    good: (s) => (s.routes[0].backend = 'fn'),
  },
  {
    rule: 'unknown authorizer',
    bad: (s) => (s.routes[1].auth = ['keyy']),
    error: /^routes\[1\]\.auth: refers to authorizer "keyy"/,
    good: (s) => (s.routes[1].auth = ['key']),
  },
  {
    rule: 'unknown plan',
    bad: (s) => (s.consumers.acme.plan = 'gold'),
    error: /^consumers\.acme\.plan: refers to plan "gold"/,
    good: (s) => (s.consumers.acme.plan = 'basic'),
  },
  {
    rule: 'auth is explicit',
    bad: (s) => delete s.routes[2].auth,
    error: /^routes\[2\]\.auth: auth is explicit/,
    good: (s) => {
      delete s.routes[2].auth;
      s.defaults = { auth: 'none' };
    },
  },
  {
    rule: 'model range: cache TTL',
    bad: (s) => (s.routes[0].cache = { ttlSeconds: 100000 }),
    error: /^routes\[0\]\.cache\.ttlSeconds: must be at most 86400 \(got 100000\)/,
    good: (s) => (s.routes[0].cache = { ttlSeconds: 3600 }),
  },
  {
    rule: 'model range: rate limit',
    bad: (s) => (s.routes[0].rateLimit = { requestsPerSecond: 0 }),
    error: /^routes\[0\]\.rateLimit\.requestsPerSecond: must be greater than 0/,
    good: (s) => (s.routes[0].rateLimit = { requestsPerSecond: 5 }),
  },
  {
    rule: 'https backends',
    bad: (s) => (s.backends.api.url = 'http://api.example.com'),
    error: /^backends\.api\.url: must use https .*http is allowed only for localhost/,
    good: (s) => (s.backends.api.url = 'http://127.0.0.1:8080'),
  },
  {
    rule: 'https jwks',
    bad: (s) => (s.authorizers.jwt.jwksUri = 'http://id.example.com/jwks'),
    error: /^authorizers\.jwt\.jwksUri: must use https/,
    good: (s) => (s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks'),
  },
  {
    rule: 'empty names',
    bad: (s) => (s.name = ''),
    error: /^name: must be a safe name/,
    good: (s) => (s.name = 'shop2'),
  },
  {
    rule: 'unsafe names',
    bad: (s) => (s.backends['my_api!'] = { type: 'mock' }),
    error: /^backends\["my_api!"\]: must be a safe name: 1-48 characters/,
    good: (s) => (s.backends['my-api'] = { type: 'mock' }),
  },
  {
    rule: 'duplicate consumers (names equal but for case)',
    bad: (s) => (s.consumers.ACME = { plan: 'basic' }),
    error: /^consumers\.acme: duplicates "ACME"/,
    good: (s) => (s.consumers.acme2 = { plan: 'basic' }),
  },
  {
    rule: 'inline API key values are refused',
    bad: (s) => (s.consumers.acme.apiKey = 'sk_live_123'),
    error: /^consumers\.acme\.apiKey: inline key values are refused/,
    good: (s) => (s.consumers.acme.apiKey = { secretRef: 'env:ACME_KEY' }),
  },
  {
    rule: 'scopes need a jwt authorizer',
    bad: (s) => (s.routes[1].scopes = ['x']),
    error: /^routes\[1\]\.scopes: scopes need a jwt authorizer/,
    good: (s) => (s.routes[1].auth = [['key', 'jwt']]),
  },
  {
    rule: 'alternatives must read their credentials from different places',
    bad: (s) => {
      s.authorizers.jwt2 = { type: 'jwt', issuer: 'https://other.example.com/', audiences: ['shop'], header: 'authorization' };
      s.routes[1].auth = ['jwt', 'jwt2'];
    },
    error: /^routes\[1\]\.auth: alternatives "jwt" and "jwt2" both read header authorization: a gateway checks every credential/,
    good: (s) => {
      s.authorizers.jwt2 = { type: 'jwt', issuer: 'https://other.example.com/', audiences: ['shop'], header: 'X-Other-Token' };
      s.routes[1].auth = ['jwt', 'jwt2', ['key', 'jwt']];
    },
  },
  {
    rule: 'consumers need an apiKey authorizer',
    bad: (s) => {
      delete s.authorizers.key;
      s.routes[1].auth = 'jwt';
    },
    error: /^consumers: consumers hold API keys, but no authorizer of type apiKey/,
    good: () => undefined,
  },
  {
    rule: 'CORS credentials with *',
    bad: (s) => (s.cors = { allowOrigins: ['*'], allowCredentials: true }),
    error: /^cors\.allowCredentials: browsers refuse credentials with origin "\*"/,
    good: (s) => (s.cors = { allowOrigins: ['https://app.example.com'], allowCredentials: true }),
  },
  {
    rule: 'CIDR syntax',
    bad: (s) => (s.ipRules = { allow: ['10.0.0.0/33'] }),
    error: /^ipRules\.allow\[0\]: is not an IPv4 or IPv6 CIDR/,
    good: (s) => (s.ipRules = { allow: ['10.0.0.0/8', '2001:db8::/32'] }),
  },
  {
    rule: 'placeholders name real path parameters',
    bad: (s) => (s.routes[0].transform = { request: { setHeaders: { 'x-id': '${path.nope}' } } }),
    error: /\$\{path\.nope\} is not a parameter of \/items\/\{id\}/,
    good: (s) => (s.routes[0].transform = { request: { setHeaders: { 'x-id': '${path.id}' } } }),
  },
  {
    rule: 'rewritePath uses route parameters',
    bad: (s) => (s.routes[0].transform = { request: { rewritePath: '/v2/{other}' } }),
    error: /\{other\} is not a parameter of \/items\/\{id\}/,
    good: (s) => (s.routes[0].transform = { request: { rewritePath: '/v2/{id}' } }),
  },
  {
    rule: 'unknown keys (typos)',
    bad: (s) => (s.routes[0].cahce = { ttlSeconds: 5 }),
    error: /^routes\[0\]\.cahce: unknown key "cahce"/,
    good: (s) => (s.routes[0].cache = { ttlSeconds: 5 }),
  },
  {
    rule: 'stage backend override must name an http backend',
    bad: (s) => (s.stages = { dev: { backends: { fn: { url: 'https://x.example.com' } } } }),
    error: /^stages\.dev\.backends\.fn: backend "fn" is of type function/,
    good: (s) => (s.stages = { dev: { backends: { api: { url: 'https://dev.example.com' } } } }),
  },
  {
    rule: 'http backend needs exactly one of url and targets',
    bad: (s) => (s.backends.api.targets = [{ url: 'https://a.example.com', weight: 1 }, { url: 'https://b.example.com', weight: 1 }]),
    error: /^backends\.api: set exactly one of url/,
    good: (s) => {
      delete s.backends.api.url;
      s.backends.api.targets = [{ url: 'https://a.example.com', weight: 1 }, { url: 'https://b.example.com', weight: 1 }];
    },
  },
  {
    rule: 'at least one route',
    bad: (s) => (s.routes = []),
    error: /^routes: define at least one route/,
    good: () => undefined,
  },
];

describe('validation rules', () => {
  it('the base spec is valid', () => {
    expect(errorsOf(baseSpec())).toEqual([]);
  });

  it.each(rules)('$rule: fails with a located message, passes when fixed', ({ bad, error, good }) => {
    const broken = baseSpec();
    bad(broken);
    const errors = errorsOf(broken);
    expect(errors.some((e) => error.test(e))).toBe(true);
    const fixed = baseSpec();
    good(fixed);
    expect(errorsOf(fixed)).toEqual([]);
  });

  it('reports every error at once', () => {
    const s = baseSpec();
    s.routes[0].backend = 'nope';
    s.routes[1].cache = { ttlSeconds: -1 };
    s.backends.api.url = 'http://x.example.com';
    s.consumers.acme.apiKey = 'inline';
    delete s.routes[2].auth;
    expect(errorsOf(s)).toHaveLength(5);
  });

  it('a misspelled apiKey authorizer is one error, with no follow-on "no authorizer of type apiKey" for its consumers', () => {
    const s = baseSpec();
    s.authorizers.key = { type: 'apiKey', heder: 'x-api-key' };
    expect(errorsOf(s)).toEqual([expect.stringMatching(/^authorizers\.key\.heder: unknown key "heder"/)]);
  });

  it('handles 50 errors in one spec', () => {
    const s = baseSpec();
    for (let i = 0; i < 50; i++) s.routes.push({ method: 'GET', path: `/r${i}`, backend: `missing${i}`, auth: 'none' });
    expect(errorsOf(s)).toHaveLength(50);
  });

  it('toGatewaySpec throws SpecValidationError listing each error with its path', () => {
    const s = baseSpec();
    s.routes[0].backend = 'nope';
    expect(() => toGatewaySpec(s)).toThrow(SpecValidationError);
    expect(() => toGatewaySpec(s)).toThrow(/routes\[0\]\.backend: refers to backend "nope"/);
  });

  it('warns about an objective that notifies no one on any target, without failing', () => {
    const s = baseSpec();
    s.observability = { objectives: [{ name: 'quiet', availability: 99 }, { name: 'paged', availability: 99, notify: { snsTopicArns: ['arn:aws:sns:us-east-1:123456789012:oncall'] } }] };
    const r = validateGateway(s);
    expect(r.errors).toEqual([]);
    expect(r.warnings.filter((w) => w.rule === 'objective-notifies-nobody').map((w) => `${w.path.join('.')}: ${w.message}`)).toEqual([
      expect.stringMatching(/^observability\.objectives\.0\.notify: the alerts notify no one: AWS alarms, Azure alert rules and Apigee alert policies fire with no action/),
    ]);
    expect(validateGateway({ ...s, ignoreWarnings: ['objective-notifies-nobody'] }).warnings.filter((w) => w.rule === 'objective-notifies-nobody')).toEqual([]);
  });

  it('warns about a plan nobody is on without failing', () => {
    const s = baseSpec();
    s.plans.unused = { rateLimit: { requestsPerSecond: 1 } };
    const r = validateGateway(s);
    expect(r.spec).toBeDefined();
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/no consumer is on this plan/)]);
  });

  it.each([null, 42, 'text', [], {}])('rejects a non-spec %p with a clear message', (input) => {
    const r = validateGateway(input);
    expect(r.spec).toBeUndefined();
    expect(r.errors.length).toBeGreaterThan(0);
  });
});

describe('normalization', () => {
  it('applies defaults once and derives stable route ids', () => {
    const spec = toGatewaySpec(baseSpec());
    expect(spec.version).toBe('1.0.0');
    expect(spec.basePath).toBe('/');
    expect(Object.keys(spec.stages)).toEqual(['prod']);
    expect(spec.routes.map((r) => `${r.method} ${r.path} ${r.id}`)).toEqual([
      'GET /health get-health',
      'POST /items post-items',
      'GET /items/{id} get-items-id',
    ]);
    const jwt = spec.authorizers.jwt;
    expect(jwt).toMatchObject({ algorithms: ['RS256'], scopeClaim: 'scope', header: 'Authorization', clockSkewSeconds: 60 });
    expect(spec.authorizers.key).toEqual({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    expect(spec.routes[1].auth).toEqual([['key']]);
    expect(spec.routes[0].timeoutMs).toBe(29000);
  });

  it('route settings override defaults; defaults fill the rest', () => {
    const s = baseSpec();
    s.defaults = { cache: { ttlSeconds: 30 }, rateLimit: { requestsPerSecond: 2.5 }, timeoutMs: 5000 };
    s.routes[0].cache = { ttlSeconds: 5, key: { query: ['b', 'a', 'a'] } };
    const spec = toGatewaySpec(s);
    const byId = Object.fromEntries(spec.routes.map((r) => [r.id, r]));
    expect(byId['get-items-id'].cache).toEqual({ ttlSeconds: 5, shared: false, key: { query: ['a', 'b'], headers: [] } });
    expect(byId['get-health'].cache).toEqual({ ttlSeconds: 30, shared: false, key: { query: [], headers: [] } });
    expect(byId['get-health'].rateLimit).toEqual({ requestsPerSecond: 2.5, burst: 3 });
    expect(byId['get-health'].timeoutMs).toBe(5000);
  });

  it('derived ids never collide with explicit ones', () => {
    const s = baseSpec();
    s.routes[2].id = 'post-items';
    const spec = toGatewaySpec(s);
    expect(spec.routes.map((r) => r.id).sort()).toEqual(['get-items-id', 'post-items', 'post-items-2']);
  });
});

describe('unknown keys', () => {
  const msgs = (mutate: (s: Record<string, any>) => void) => {
    const s = baseSpec();
    mutate(s);
    return errorsOf(s);
  };
  it('suggest the nearest allowed key, at every depth, and list the allowed ones', () => {
    expect(msgs((s) => (s.routes[0].cahce = { ttlSeconds: 5 }))).toEqual([expect.stringMatching(/^routes\[0\]\.cahce: unknown key "cahce" \(did you mean "cache"\?\); check its spelling or remove it \(allowed: id, method, path, /)]);
    expect(msgs((s) => (s.routes[0].cache = { ttlSeconds: 5, key: { querys: ['a'] } }))).toEqual([expect.stringMatching(/^routes\[0\]\.cache\.key\.querys: unknown key "querys" \(did you mean "query"\?\)/)]);
    expect(msgs((s) => (s.authorizers.jwt.audience = ['x']))).toEqual([expect.stringMatching(/^authorizers\.jwt\.audience: unknown key "audience" \(did you mean "audiences"\?\)/)]);
    expect(msgs((s) => (s.backends.api.timeout = 5))).toEqual([expect.stringMatching(/^backends\.api\.timeout: unknown key "timeout" \(did you mean "timeoutMs"\?\)/)]);
    expect(msgs((s) => (s.corss = {}))).toEqual([expect.stringMatching(/^corss: unknown key "corss" \(did you mean "cors"\?\); allowed: /)]);
  });

  it('type the per-target option blocks: a field no adapter reads is a located error', () => {
    expect(msgs((s) => (s.aws = { endpointType: 'PRIVATE' }))).toEqual([expect.stringMatching(/^aws\.endpointType: unknown key "endpointType".*allowed: binaryMediaTypes/)]);
    expect(msgs((s) => (s.azure = { skuu: 'Premium' }))).toEqual([expect.stringMatching(/^azure\.skuu: unknown key "skuu".*did you mean "sku"/)]);
    expect(msgs((s) => (s.routes[0].azure = {}))).toEqual([expect.stringMatching(/^routes\[0\]\.azure: unknown key "azure"/)]);
    expect(msgs((s) => (s.routes[0].apigee = { honorNoCache: 'yes' }))).toEqual([expect.stringMatching(/^routes\[0\]\.apigee\.honorNoCache: /)]);
  });
});

describe('ignoreWarnings: a spec silences its own warnings by rule id', () => {
  const input = (ignore?: string[]) => ({
    name: 'quiet',
    ...(ignore ? { ignoreWarnings: ignore } : {}),
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    plans: { unused: { quota: { limit: 10, period: 'day' } } },
    routes: [{ id: 'a', method: 'GET', path: '/a', backend: 'api', auth: 'none' }],
  });

  it('drops the warnings of the listed rules wherever the spec is validated; errors stay', () => {
    expect(validateGateway(input()).warnings.map((w) => w.rule)).toEqual(['plan-unused']);
    const quiet = validateGateway(input(['plan-unused']));
    expect([quiet.warnings, quiet.spec?.ignoreWarnings]).toEqual([[], ['plan-unused']]);
    const broken = validateGateway({ ...input(['check-routes', 'unknown-reference']), defaults: { backend: 'nope' } });
    expect(broken.errors.map((e) => e.rule)).toContain('unknown-reference');
  });

  it('says no plan is unused when a consumer that failed to parse may be on it (no follow-on warning)', () => {
    const r = validateGateway({ ...input(), authorizers: { key: { type: 'apiKey' } }, consumers: { acme: { plan: 'unused', apiKey: 'abc123' } } });
    expect(r.errors.map((e) => e.path.join('.'))).toEqual(['consumers.acme.apiKey']);
    expect(r.warnings.map((w) => w.rule)).not.toContain('plan-unused');
  });

  it('refuses what is not a rule id', () => {
    expect(validateGateway(input(['Plan Unused'])).errors.map((e) => e.path.join('.'))).toEqual(['ignoreWarnings.0']);
  });
});
