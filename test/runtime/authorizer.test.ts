import fc from 'fast-check';
import type { AuthorizerConfig, JwtVerifierConfig } from '../../lib/runtime/config';
import { createAuthorizer, type AuthorizerEvent, type HttpGet } from '../../lib/runtime/authorizer/handler';
import { CURVE_ORDER, CURVE_SIZE, flipS, hmacConfusion, JwksServer, makeKey, signJwt, unsigned, type TestKey } from './jwt-kit';
import { packRoutes } from '../../lib/runtime/route-groups';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:api123/prod';
const server = new JwksServer();
let base = '';
const keys: Record<string, TestKey> = {};
const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

beforeAll(async () => {
  base = await server.start();
  for (const alg of ALGS) keys[alg] = makeKey(alg);
});
afterAll(() => server.stop());
beforeEach(() => {
  server.behaviour = 'ok';
  server.keys = Object.values(keys).map((k) => k.jwk);
  server.hits.clear();
});

let clock = 1_800_000_000_000;
const now = () => clock;
const nowS = () => Math.floor(clock / 1000);

function jwtConfig(over: Partial<JwtVerifierConfig> = {}): JwtVerifierConfig {
  return {
    issuer: base,
    audiences: ['shop'],
    jwksUri: `${base}/jwks`,
    algorithms: ['RS256'],
    requiredClaims: {},
    scopeClaim: 'scope',
    header: 'authorization',
    clockSkewSeconds: 60,
    maxTokenBytes: 8192,
    ...over,
  };
}

function config(jwt: Partial<JwtVerifierConfig> = {}, exact = true, over: Partial<AuthorizerConfig> = {}): AuthorizerConfig {
  return {
    version: 1,
    jwt: { jwt: jwtConfig(jwt) },
    apiKeys: { partner: { in: 'header', name: 'x-partner-key' } },
    schemes: { 'anygate-jwt': { exact, resultTtlSeconds: 60 }, 'anygate-jwt-partner': { exact: true, resultTtlSeconds: 60 } },
    routeGroups: packRoutes([
      { method: 'GET', resource: '/items', scheme: 'anygate-jwt', jwt: ['jwt'], apiKeys: [], scopes: ['items:read'] },
      { method: 'POST', resource: '/items', scheme: 'anygate-jwt', jwt: ['jwt'], apiKeys: [], scopes: ['items:write'] },
      { method: 'ANY', resource: '/files/{path+}', scheme: 'anygate-jwt', jwt: ['jwt'], apiKeys: [], scopes: [] },
      { method: 'GET', resource: '/partner', scheme: 'anygate-jwt-partner', jwt: ['jwt'], apiKeys: ['partner'], scopes: [] },
    ]),
    contextClaims: ['tenant'],
    jwksCacheSeconds: 600,
    jwksRefetchCooldownSeconds: 30,
    jwksStaleIfErrorSeconds: 3600,
    tokenCacheSize: 0,
    // Far above any loopback fetch on a busy machine; the slow-server case sets its own short one.
    fetchTimeoutMs: 60_000,
    maxJwksBytes: 150 * 1024,
    ...over,
  };
}

function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: base, aud: 'shop', sub: 'user-1', exp: nowS() + 300, iat: nowS() - 10, scope: 'items:read', tenant: 'acme', ...over };
}

function event(token: string | undefined, over: Partial<AuthorizerEvent> = {}): AuthorizerEvent {
  return {
    methodArn: `${ARN}/GET/items`,
    resource: '/items',
    httpMethod: 'GET',
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    ...over,
  };
}

const rs = () => keys.RS256;

async function denied(p: Promise<unknown>): Promise<void> {
  await expect(p).rejects.toThrow(/^Unauthorized$/);
}

describe('generated authorizer: valid tokens', () => {
  it("returns the route's own ARN pattern (the decision cache is keyed by route) and flat context", async () => {
    const auth = createAuthorizer(config(), now);
    const res = await auth(event(signJwt(rs(), claims({ scope: 'items:read items:write' }))));
    expect(res).toEqual({
      principalId: 'user-1',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${ARN}/GET/items`] }] },
      context: { sub: 'user-1', scope: 'items:read items:write', claim_tenant: 'acme' },
    });
  });

  it('allows a route only when the scopes cover it, and names no other route', async () => {
    const auth = createAuthorizer(config(), now);
    const res = await auth(event(signJwt(rs(), claims({ scope: 'items:read' }))));
    expect(res.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${ARN}/GET/items`] }]);
    const post = await auth(event(signJwt(rs(), claims({ scope: 'items:read' })), { methodArn: `${ARN}/POST/items`, httpMethod: 'POST' }));
    expect(post.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${ARN}/POST/items`] }]);
  });

  it('reads scopes from scopeClaim only: scp is ignored unless scopeClaim is scp (arrays work)', async () => {
    const entra = claims({ scope: undefined, scp: ['items:read'] });
    const byDefault = await createAuthorizer(config(), now)(event(signJwt(rs(), entra)));
    expect(byDefault.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny', Resource: [`${ARN}/GET/items`] });
    expect(byDefault.context.scope).toBe('');
    const scp = await createAuthorizer(config({ scopeClaim: 'scp' }), now)(event(signJwt(rs(), entra)));
    expect(scp.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: [`${ARN}/GET/items`] });
    // An array element holding a space would smuggle two scopes in one: refused.
    await denied(createAuthorizer(config({ scopeClaim: 'scp' }), now)(event(signJwt(rs(), claims({ scp: ['items:read items:write'] })))));
  });

  it.each(ALGS)('verifies %s with a key of the right type', async (alg) => {
    const auth = createAuthorizer(config({ algorithms: [alg] }), now);
    const res = await auth(event(signJwt(keys[alg], claims())));
    expect(res.policyDocument.Statement[0].Effect).toBe('Allow');
  });

  it('covers only the current method when the route table is not exact', async () => {
    const auth = createAuthorizer(config({}, false), now);
    const res = await auth(event(signJwt(rs(), claims({ scope: 'items:read items:write' }))));
    expect(res.policyDocument.Statement[0].Resource).toEqual([`${ARN}/GET/items`]);
  });

  it('a valid token without the scope gets a Deny (403), not an Allow', async () => {
    const auth = createAuthorizer(config(), now);
    const res = await auth(event(signJwt(rs(), claims({ scope: 'other' })), { methodArn: `${ARN}/POST/items`, httpMethod: 'POST' }));
    expect(res.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${ARN}/POST/items`] }]);
    const inexact = await createAuthorizer(config({}, false), now)(event(signJwt(rs(), claims({ scope: 'other' })), { methodArn: `${ARN}/POST/items`, httpMethod: 'POST' }));
    expect(inexact.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${ARN}/POST/items`] }]);
  });

  it('returns the API key of a custom header as usageIdentifierKey', async () => {
    const auth = createAuthorizer(config(), now);
    const ok = await auth(event(signJwt(rs(), claims()), { resource: '/partner', methodArn: `${ARN}/GET/partner`, headers: { authorization: `Bearer ${signJwt(rs(), claims())}`, 'X-Partner-Key': 'k-123' } }));
    expect(ok.usageIdentifierKey).toBe('k-123');
    await denied(auth(event(signJwt(rs(), claims()), { resource: '/partner', methodArn: `${ARN}/GET/partner` })));
  });

  it('accepts a token expired less than the clock skew ago', async () => {
    const auth = createAuthorizer(config(), now);
    await expect(auth(event(signJwt(rs(), claims({ exp: nowS() - 59 }))))).resolves.toBeDefined();
  });

  it('discovers the JWKS through OIDC discovery when no URI is configured', async () => {
    const auth = createAuthorizer(config({ jwksUri: undefined }), now);
    await expect(auth(event(signJwt(rs(), claims())))).resolves.toBeDefined();
    expect(server.count('/.well-known/openid-configuration')).toBe(1);
  });
});

describe('generated authorizer: attacks and bad tokens are 401', () => {
  const cases: [string, () => string | undefined, Partial<JwtVerifierConfig>?][] = [
    ['alg none', () => unsigned(claims())],
    ['HMAC with the public key as secret', () => hmacConfusion(rs(), claims())],
    ['an algorithm outside the allow-list', () => signJwt(keys.RS384, claims())],
    ['an algorithm that does not fit the key (ES256 header, RSA kid)', () => signJwt(keys.ES256, claims(), { kid: 'rs256-1' }), { algorithms: ['RS256', 'ES256'] }],
    ['an unknown crit header', () => signJwt(rs(), claims(), { crit: ['exp'] })],
    ['a jku header', () => signJwt(rs(), claims(), { jku: `${base}/attacker-jwks` })],
    ['an x5u header', () => signJwt(rs(), claims(), { x5u: `${base}/attacker-cert` })],
    ['an embedded jwk', () => signJwt(rs(), claims(), { jwk: keys.ES256.jwk })],
    ['an embedded x5c chain', () => signJwt(rs(), claims(), { x5c: ['MIIB'] })],
    ['a token over 8 KB', () => signJwt(rs(), claims({ pad: 'x'.repeat(9000) }))],
    ['malformed base64url', () => signJwt(rs(), claims()).replace(/^./, '+')],
    ['base64 padding', () => signJwt(rs(), claims()) + '='],
    ['malformed JSON', () => `${Buffer.from('{"alg":').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.AAAA`],
    ['two segments', () => signJwt(rs(), claims()).split('.').slice(0, 2).join('.')],
    ['a truncated token', () => signJwt(rs(), claims()).slice(0, -10)],
    ['expired 1 s beyond the skew', () => signJwt(rs(), claims({ exp: nowS() - 61 }))],
    ['no exp', () => signJwt(rs(), claims({ exp: undefined }))],
    ['nbf in the future', () => signJwt(rs(), claims({ nbf: nowS() + 120 }))],
    ['iat in the future', () => signJwt(rs(), claims({ iat: nowS() + 120 }))],
    ['wrong iss', () => signJwt(rs(), claims({ iss: 'https://evil.example.com' }))],
    ['wrong aud', () => signJwt(rs(), claims({ aud: ['other'] }))],
    ['a missing required claim', () => signJwt(rs(), claims({ tenant: undefined })), { requiredClaims: { tenant: 'acme' } }],
    ['a wrong typ', () => signJwt(rs(), claims(), { typ: 'JWT' }), { typ: 'at+jwt' }],
    ['a kid not in the JWKS', () => signJwt(rs(), claims(), { kid: 'nope' })],
    ['a signature by another key under the same kid', () => signJwt(makeKey('RS256', 'rs256-1'), claims())],
    ['an ES256 all-zero signature', () => signJwt(keys.ES256, claims()).replace(/\.[^.]+$/, `.${Buffer.alloc(64).toString('base64url')}`), { algorithms: ['ES256'] }],
    ['no token', () => undefined],
  ];

  // A default keeps the arity at 2, so jest does not take the third argument for a done callback.
  it.each(cases)('%s', async (_, token, cfg = {}) => {
    const auth = createAuthorizer(config(cfg), now);
    await denied(auth(event(token())));
  });

  it('never fetches a key the token points at', async () => {
    const auth = createAuthorizer(config(), now);
    await denied(auth(event(signJwt(rs(), claims(), { jku: `${base}/attacker-jwks`, kid: 'evil' }))));
    expect(server.count('/attacker-jwks')).toBe(0);
  });

  it('reads the token only from the configured header', async () => {
    const auth = createAuthorizer(config(), now);
    await denied(auth(event(undefined, { headers: { 'X-Token': `Bearer ${signJwt(rs(), claims())}` } })));
    await denied(auth(event(undefined, { headers: { Authorization: signJwt(rs(), claims()) } })));
  });

  it.each(['error', 'slow', 'garbage', 'huge'] as const)('denies when the JWKS server is %s', async (b) => {
    server.behaviour = b;
    // The slow server never answers: only the fetch timeout ends the wait, however busy the machine.
    const auth = createAuthorizer(config({}, true, { fetchTimeoutMs: 300 }), now);
    await denied(auth(event(signJwt(rs(), claims()))));
  });

  it('denies when the JWKS server is down', async () => {
    const auth = createAuthorizer(config({ jwksUri: 'http://127.0.0.1:1/jwks' }), now);
    await denied(auth(event(signJwt(rs(), claims()))));
  });

  it('refuses a JWKS over plain http to a non-local host without fetching', async () => {
    const auth = createAuthorizer(config({ jwksUri: 'http://jwks.example.com/keys' }), now);
    await denied(auth(event(signJwt(rs(), claims()))));
  });

  it('never answers anything but a policy or Unauthorized for random events', async () => {
    const auth = createAuthorizer(config(), now);
    await fc.assert(
      fc.asyncProperty(fc.record({ methodArn: fc.string(), resource: fc.option(fc.constantFrom('/items', '/x')), httpMethod: fc.option(fc.constantFrom('GET', 'POST')), headers: fc.option(fc.dictionary(fc.constantFrom('authorization', 'Authorization', 'x'), fc.oneof(fc.string(), fc.constant('Bearer a.b.c')))) }), async (e) => {
        try {
          const r = await auth(e as AuthorizerEvent);
          expect(r.policyDocument).toBeDefined();
        } catch (err) {
          expect((err as Error).message).toBe('Unauthorized');
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('generated authorizer: a credential sent twice is refused (issue 28)', () => {
  it('refuses two Authorization headers, whatever their values and the case of their names', async () => {
    const auth = createAuthorizer(config(), now);
    const good = `Bearer ${signJwt(rs(), claims())}`;
    await auth(event(undefined, { headers: { Authorization: good }, multiValueHeaders: { Authorization: [good] } }));
    await denied(auth(event(undefined, { headers: { Authorization: good }, multiValueHeaders: { Authorization: ['Bearer other', good] } })));
    await denied(auth(event(undefined, { headers: { Authorization: good }, multiValueHeaders: { Authorization: [good, good] } })));
    await denied(auth(event(undefined, { headers: { authorization: good }, multiValueHeaders: { Authorization: [good], authorization: [good] } })));
  });

  it('refuses a repeated API key, in a header or the query', async () => {
    const token = `Bearer ${signJwt(rs(), claims())}`;
    const partner = (over: Partial<AuthorizerEvent>) => event(undefined, { methodArn: `${ARN}/GET/partner`, resource: '/partner', ...over });
    const auth = createAuthorizer(config(), now);
    expect((await auth(partner({ headers: { Authorization: token, 'x-partner-key': 'k-1' }, multiValueHeaders: { Authorization: [token], 'x-partner-key': ['k-1'] } }))).usageIdentifierKey).toBe('k-1');
    await denied(auth(partner({ headers: { Authorization: token, 'x-partner-key': 'k-2' }, multiValueHeaders: { Authorization: [token], 'X-Partner-Key': ['k-1', 'k-2'] } })));
    const query = createAuthorizer(config({}, true, { apiKeys: { partner: { in: 'query', name: 'api_key' } } }), now);
    expect((await query(partner({ headers: { Authorization: token }, queryStringParameters: { api_key: 'B' }, multiValueQueryStringParameters: { api_key: ['B'] } }))).usageIdentifierKey).toBe('B');
    await denied(query(partner({ headers: { Authorization: token }, queryStringParameters: { api_key: 'B' }, multiValueQueryStringParameters: { api_key: ['A', 'B'] } })));
  });
});

describe('generated authorizer: JWKS cache and rotation', () => {
  it('accepts a new kid after one refetch, once the cooldown has passed', async () => {
    const auth = createAuthorizer(config(), now);
    await auth(event(signJwt(rs(), claims())));
    expect(server.count('/jwks')).toBe(1);
    const rotated = makeKey('RS256', 'rs256-2');
    server.keys = [...server.keys, rotated.jwk];
    clock += 31_000;
    await expect(auth(event(signJwt(rotated, claims())))).resolves.toBeDefined();
    expect(server.count('/jwks')).toBe(2);
  });

  it('a flood of unknown kids causes at most one fetch per cooldown', async () => {
    const auth = createAuthorizer(config(), now);
    await auth(event(signJwt(rs(), claims())));
    for (let i = 0; i < 50; i++) await denied(auth(event(signJwt(rs(), claims(), { kid: `fake-${i}` }))));
    expect(server.count('/jwks')).toBe(1);
    clock += 31_000;
    for (let i = 0; i < 50; i++) await denied(auth(event(signJwt(rs(), claims(), { kid: `fake2-${i}` }))));
    expect(server.count('/jwks')).toBe(2);
  });

  it('caches keys per container', async () => {
    const auth = createAuthorizer(config(), now);
    for (let i = 0; i < 5; i++) await auth(event(signJwt(rs(), claims())));
    expect(server.count('/jwks')).toBe(1);
  });
});

describe('generated authorizer: canonical tokens and key use', () => {
  it('accepts ECDSA signatures with either s (RFC 7518 requires no low-S form)', async () => {
    for (const alg of ['ES256', 'ES384', 'ES512']) {
      const auth = createAuthorizer(config({ algorithms: [alg] }), now);
      const token = signJwt(keys[alg], claims());
      await expect(auth(event(token))).resolves.toBeDefined();
      const [h, p, sig] = token.split('.');
      const twin = `${h}.${p}.${flipS(alg, Buffer.from(sig, 'base64url')).toString('base64url')}`;
      // signJwt normalizes to low-S, so the twin is the high-S form a Java or HSM signer sends.
      const s = BigInt('0x' + Buffer.from(twin.split('.')[2], 'base64url').subarray(CURVE_SIZE[alg]).toString('hex'));
      expect(s * 2n > CURVE_ORDER[alg]).toBe(true);
      await expect(auth(event(twin))).resolves.toBeDefined();
    }
  });

  it('accepts every one of 200 ES256 tokens signed by node:crypto without normalization', async () => {
    const auth = createAuthorizer(config({ algorithms: ['ES256'] }), now);
    let high = 0;
    for (let i = 0; i < 200; i++) {
      const token = signJwt(keys.ES256, claims({ n: i }), {}, { normalize: false });
      const s = BigInt('0x' + Buffer.from(token.split('.')[2], 'base64url').subarray(32).toString('hex'));
      if (s * 2n > CURVE_ORDER.ES256) high++;
      await expect(auth(event(token))).resolves.toBeDefined();
    }
    // About half are high-S: the ones the low-S rule used to refuse.
    expect(high).toBeGreaterThan(50);
  });

  it.each([
    ['r = 0', (r: bigint, s: bigint) => [0n, s]],
    ['s = 0', (r: bigint) => [r, 0n]],
    ['r + n', (r: bigint, s: bigint, n: bigint) => [r + n, s]],
    ['s + n', (r: bigint, s: bigint, n: bigint) => [r, s + n]],
    ['r = n', (_r: bigint, s: bigint, n: bigint) => [n, s]],
    ['s = n', (r: bigint, _s: bigint, n: bigint) => [r, n]],
  ])('refuses an ECDSA signature with %s (out of [1, n - 1], or too long for the curve)', async (_name, change) => {
    const auth = createAuthorizer(config({ algorithms: ['ES256'] }), now);
    const token = signJwt(keys.ES256, claims());
    const [h, p, sig] = token.split('.');
    const raw = Buffer.from(sig, 'base64url');
    const n = CURVE_ORDER.ES256;
    const [r, s] = change(BigInt('0x' + raw.subarray(0, 32).toString('hex')), BigInt('0x' + raw.subarray(32).toString('hex')), n);
    // Values that need a 33rd byte are sent as they would be by a careless signer: too long.
    const hex = (v: bigint) => v.toString(16).padStart(64, '0');
    const bad = Buffer.from(hex(r) + hex(s), 'hex').toString('base64url');
    await denied(auth(event(`${h}.${p}.${bad}`)));
  });

  it('refuses base64url segments with non-zero trailing bits (a second spelling of the same bytes)', async () => {
    const auth = createAuthorizer(config(), now);
    // Find a payload whose encoding ends in a partial quantum, then set its unused low bits.
    let token = '';
    for (let pad = 0; pad < 3 && !token; pad++) {
      const t = signJwt(rs(), claims({ pad: 'x'.repeat(pad) }));
      if (t.split('.')[1].length % 4 !== 0) token = t;
    }
    const [h, p, sig] = token.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(p[p.length - 1]);
    const twinPayload = p.slice(0, -1) + alphabet[last | 1];
    expect(Buffer.from(twinPayload, 'base64url')).toEqual(Buffer.from(p, 'base64url'));
    await expect(auth(event(token))).resolves.toBeDefined();
    await denied(auth(event(`${h}.${twinPayload}.${sig}`)));
    const s = sig.length % 4 === 0 ? sig : sig.slice(0, -1) + alphabet[alphabet.indexOf(sig[sig.length - 1]) | 1];
    if (s !== sig) await denied(auth(event(`${h}.${p}.${s}`)));
  });

  it.each([
    ['key_ops without verify', { key_ops: ['encrypt'] }],
    ['key_ops that is not an array', { key_ops: 'verify' }],
    ['use enc', { use: 'enc' }],
  ])('ignores a JWK with %s', async (_, over) => {
    server.keys = [{ ...rs().jwk, ...over }, keys.ES256.jwk];
    await denied(createAuthorizer(config(), now)(event(signJwt(rs(), claims()))));
  });

  it('uses a JWK whose key_ops include verify', async () => {
    server.keys = [{ ...rs().jwk, key_ops: ['verify'] }];
    await expect(createAuthorizer(config(), now)(event(signJwt(rs(), claims())))).resolves.toBeDefined();
  });
});

describe('generated authorizer: routes that need two JWTs', () => {
  const two = (): AuthorizerConfig => ({
    ...config(),
    jwt: { user: jwtConfig(), device: jwtConfig({ header: 'x-device-token', audiences: ['device'] }) },
    schemes: { 'anygate-device-user': { exact: true, resultTtlSeconds: 60 } },
    routeGroups: packRoutes([
      { method: 'GET', resource: '/items', scheme: 'anygate-device-user', jwt: ['device', 'user'], apiKeys: [], scopes: ['items:read'] },
      { method: 'POST', resource: '/items', scheme: 'anygate-device-user', jwt: ['device', 'user'], apiKeys: [], scopes: ['items:write'] },
    ]),
  });
  const both = (user: string, device: string) =>
    event(undefined, { headers: { Authorization: `Bearer ${signJwt(rs(), claims({ scope: user }))}`, 'X-Device-Token': `Bearer ${signJwt(rs(), claims({ aud: 'device', scope: device }))}` } });

  it('checks each token against the route scopes on its own (no union)', async () => {
    const auth = createAuthorizer(two(), now);
    // Between them the tokens hold both scopes, but neither holds items:write alone.
    const split = await auth(both('items:read', 'items:read items:write'));
    expect(split.policyDocument.Statement[0]).toEqual({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${ARN}/GET/items`] });
    expect(split.context.scope).toBe('items:read');
    const none = await auth(both('items:write', 'items:read'));
    expect(none.policyDocument.Statement[0].Effect).toBe('Deny');
    const all = await auth(both('items:write items:read', 'items:read items:write'));
    expect(all.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: [`${ARN}/GET/items`] });
  });

  it('needs both tokens', async () => {
    const auth = createAuthorizer(two(), now);
    await denied(auth(event(signJwt(rs(), claims()))));
  });
});

describe('generated authorizer: precomputed policies', () => {
  it('gives each stage its own ARNs and the same answer on a memoized call', async () => {
    const auth = createAuthorizer(config(), now);
    const token = signJwt(rs(), claims({ scope: 'items:write' }));
    const a = await auth(event(token, { methodArn: `${ARN}/POST/items`, httpMethod: 'POST' }));
    const b = await auth(event(token, { methodArn: 'arn:aws:execute-api:us-east-1:123456789012:api123/dev/POST/items', httpMethod: 'POST' }));
    const again = await auth(event(token, { methodArn: `${ARN}/POST/items`, httpMethod: 'POST' }));
    expect(a.policyDocument.Statement[0].Resource).toEqual([`${ARN}/POST/items`]);
    expect(b.policyDocument.Statement[0].Resource).toEqual(['arn:aws:execute-api:us-east-1:123456789012:api123/dev/POST/items']);
    expect(again).toEqual(a);
  });

  it('falls back to the ANY route of a resource and refuses unknown routes and malformed ARNs', async () => {
    const auth = createAuthorizer(config(), now);
    const token = signJwt(rs(), claims({ scope: '' }));
    const any = await auth(event(token, { resource: '/files/{path+}', httpMethod: 'DELETE', methodArn: `${ARN}/DELETE/files/a/b` }));
    expect(any.policyDocument.Statement[0].Resource).toEqual([`${ARN}/*/files/*`]);
    await denied(auth(event(token, { resource: '/nope' })));
    await denied(auth(event(token, { methodArn: 'no-slashes' })));
  });

  it('covers only the current method when API Gateway does not cache the decision (TTL 0)', async () => {
    const cfg = config();
    const auth = createAuthorizer({ ...cfg, schemes: { ...cfg.schemes, 'anygate-jwt': { exact: true, resultTtlSeconds: 0 } } }, now);
    const res = await auth(event(signJwt(rs(), claims({ scope: 'items:read items:write' }))));
    expect(res.policyDocument.Statement[0].Resource).toEqual([`${ARN}/GET/items`]);
  });

  it('keeps the policy one ARN at 2,000 routes, whatever the token may call: the route asked for, or a Deny of it', async () => {
    const routes = Array.from({ length: 2000 }, (_, i) => ({ method: i % 2 ? 'POST' : 'GET', resource: `/r${i >> 1}/{id}`, scheme: 'anygate-jwt', jwt: ['jwt'], apiKeys: [], scopes: [`r${i % 7}`] }));
    const auth = createAuthorizer({ ...config(), routeGroups: packRoutes(routes) }, now);
    const broad = signJwt(rs(), claims({ scope: 'r0 r1 r2 r3 r4 r5' }));
    for (const i of [3, 5, 1001, 1999]) {
      const method = i % 2 ? 'POST' : 'GET';
      const res = await auth(event(broad, { resource: `/r${i >> 1}/{id}`, httpMethod: method, methodArn: `${ARN}/${method}/r${i >> 1}/42` }));
      expect(res.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${ARN}/${method}/r${i >> 1}/*`] }]);
    }
    // Route 6 needs r6, which the token lacks.
    const denied6 = await auth(event(broad, { resource: '/r3/{id}', httpMethod: 'GET', methodArn: `${ARN}/GET/r3/42` }));
    expect(denied6.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${ARN}/GET/r3/42`] }]);
  });
});

/** A JWKS transport under test control: no sockets, no waiting. */
function fakeIdp(jwks: () => Record<string, unknown>[]) {
  const state = { down: false, calls: 0, pending: [] as (() => void)[], hold: false };
  const get: HttpGet = (url) => {
    state.calls++;
    const answer = () => (state.down ? Promise.reject(new Error('IdP down')) : Promise.resolve(Buffer.from(JSON.stringify({ keys: jwks() }))));
    if (!state.hold) return answer();
    return new Promise((resolve, reject) => state.pending.push(() => answer().then(resolve, reject)));
  };
  return { state, get };
}

describe('generated authorizer: JWKS outages, floods and concurrency (injected clock and transport)', () => {
  it('keeps valid tokens passing through a 5-minute IdP outage with an unknown-kid request every second', async () => {
    const idp = fakeIdp(() => [rs().jwk]);
    const auth = createAuthorizer(config({ jwksUri: 'https://idp.example.com/jwks' }), now, idp.get);
    await auth(event(signJwt(rs(), claims())));
    // The outage starts shortly before the keys' 10-minute lifetime ends, so it spans the expiry.
    clock += 8 * 60_000;
    idp.state.down = true;
    const callsBefore = idp.state.calls;
    for (let s = 0; s < 300; s++) {
      clock += 1000;
      await denied(auth(event(signJwt(rs(), claims(), { kid: `attacker-${s}` }))));
      const ok = await auth(event(signJwt(rs(), claims())));
      expect(ok.policyDocument.Statement[0].Effect).toBe('Allow');
    }
    // At most one attempt per 30 s cooldown while the IdP is down.
    expect(idp.state.calls - callsBefore).toBeLessThanOrEqual(11);
    idp.state.down = false;
    clock += 31_000;
    await auth(event(signJwt(rs(), claims())));
    expect(idp.state.calls - callsBefore).toBeLessThanOrEqual(12);
  });

  it('stops trusting stale keys once stale-if-error is over', async () => {
    const idp = fakeIdp(() => [rs().jwk]);
    const auth = createAuthorizer(config({ jwksUri: 'https://idp.example.com/jwks' }, true, { jwksStaleIfErrorSeconds: 120 }), now, idp.get);
    await auth(event(signJwt(rs(), claims())));
    idp.state.down = true;
    clock += 600_000 + 119_000;
    await expect(auth(event(signJwt(rs(), claims())))).resolves.toBeDefined();
    clock += 2000;
    await denied(auth(event(signJwt(rs(), claims()))));
  });

  it('never replaces the keys in hand with an empty or unusable key set', async () => {
    let set: Record<string, unknown>[] = [rs().jwk];
    const idp = fakeIdp(() => set);
    const auth = createAuthorizer(config({ jwksUri: 'https://idp.example.com/jwks' }), now, idp.get);
    await auth(event(signJwt(rs(), claims())));
    set = [{ kty: 'RSA', kid: 'junk', n: 'AQAB', e: 'AQAB' }];
    clock += 31_000;
    await denied(auth(event(signJwt(rs(), claims(), { kid: 'unknown' }))));
    await expect(auth(event(signJwt(rs(), claims())))).resolves.toBeDefined();
  });

  it('answers 1,000 concurrent valid tokens on a cold cache with 1,000 allows and one fetch', async () => {
    const idp = fakeIdp(() => [rs().jwk]);
    idp.state.hold = true;
    const auth = createAuthorizer(config({ jwksUri: 'https://idp.example.com/jwks' }), now, idp.get);
    const tokens = Array.from({ length: 1000 }, (_, i) => signJwt(rs(), claims({ sub: `user-${i}` })));
    const all = Promise.all(tokens.map((t) => auth(event(t))));
    await new Promise((r) => setImmediate(r));
    expect(idp.state.pending).toHaveLength(1);
    idp.state.pending.forEach((f) => f());
    const results = await all;
    expect(results.filter((r) => r.policyDocument.Statement[0].Effect === 'Allow')).toHaveLength(1000);
    expect(new Set(results.map((r) => r.principalId)).size).toBe(1000);
    expect(idp.state.calls).toBe(1);
  });
});

describe('generated authorizer: verified-token cache', () => {
  const cached = (size = 1000) => config({ jwksUri: 'https://idp.example.com/jwks' }, true, { tokenCacheSize: size });

  it('re-checks exp on every hit', async () => {
    const idp = fakeIdp(() => [rs().jwk]);
    const auth = createAuthorizer(cached(), now, idp.get);
    const token = signJwt(rs(), claims({ exp: nowS() + 10 }));
    await auth(event(token));
    clock += 60_000 + 11_000;
    await denied(auth(event(token)));
  });

  it('re-checks nbf on every hit', async () => {
    const idp = fakeIdp(() => [rs().jwk]);
    const auth = createAuthorizer(cached(), now, idp.get);
    const token = signJwt(rs(), claims({ nbf: nowS() + 30 }));
    await auth(event(token)); // within the 60 s skew
    clock -= 60_000; // a clock step back: the cached token is not valid yet
    await denied(auth(event(token)));
    clock += 60_000;
  });

  it('does not outlive the key set: a refetch that drops the key ends the cached verdict', async () => {
    let set: Record<string, unknown>[] = [rs().jwk];
    const idp = fakeIdp(() => set);
    const auth = createAuthorizer(cached(), now, idp.get);
    const token = signJwt(rs(), claims({ exp: nowS() + 3600 }));
    await auth(event(token));
    const other = makeKey('RS256', 'rs256-9');
    set = [other.jwk];
    clock += 601_000;
    await denied(auth(event(token)));
  });

  it('skips signature work on a hit, and stays bounded', async () => {
    const idp = fakeIdp(() => [rs().jwk]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require('node:crypto') as typeof import('node:crypto');
    const spy = jest.spyOn(crypto, 'verify');
    try {
      const auth = createAuthorizer(cached(2), now, idp.get);
      const [a, b, c] = ['a', 'b', 'c'].map((sub) => signJwt(rs(), claims({ sub })));
      await auth(event(a));
      const n = spy.mock.calls.length;
      await auth(event(a));
      expect(spy.mock.calls.length).toBe(n);
      await auth(event(b));
      await auth(event(c)); // evicts a
      const m = spy.mock.calls.length;
      await auth(event(a));
      expect(spy.mock.calls.length).toBe(m + 1);
    } finally {
      spy.mockRestore();
    }
  });

  it('is off when tokenCacheSize is 0', async () => {
    const idp = fakeIdp(() => [rs().jwk]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require('node:crypto') as typeof import('node:crypto');
    const spy = jest.spyOn(crypto, 'verify');
    try {
      const auth = createAuthorizer(cached(0), now, idp.get);
      const a = signJwt(rs(), claims());
      await auth(event(a));
      const n = spy.mock.calls.length;
      await auth(event(a));
      expect(spy.mock.calls.length).toBe(n + 1);
    } finally {
      spy.mockRestore();
    }
  });
});
