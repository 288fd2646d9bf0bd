import fc from 'fast-check';
import type { AuthorizerConfig, JwtVerifierConfig } from '../../lib/runtime/config';
import { createAuthorizer, type AuthorizerEvent } from '../../lib/runtime/authorizer/handler';
import { flipS, hmacConfusion, JwksServer, makeKey, signJwt, unsigned, type TestKey } from './jwt-kit';

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
    routes: [
      { method: 'GET', resource: '/items', arn: 'GET/items', scheme: 'anygate-jwt', jwt: ['jwt'], apiKeys: [], scopes: ['items:read'] },
      { method: 'POST', resource: '/items', arn: 'POST/items', scheme: 'anygate-jwt', jwt: ['jwt'], apiKeys: [], scopes: ['items:write'] },
      { method: 'ANY', resource: '/files/{path+}', arn: '*/files/*', scheme: 'anygate-jwt', jwt: ['jwt'], apiKeys: [], scopes: [] },
      { method: 'GET', resource: '/partner', arn: 'GET/partner', scheme: 'anygate-jwt-partner', jwt: ['jwt'], apiKeys: ['partner'], scopes: [] },
    ],
    contextClaims: ['tenant'],
    jwksCacheSeconds: 600,
    jwksRefetchCooldownSeconds: 30,
    jwksStaleIfErrorSeconds: 3600,
    tokenCacheSize: 0,
    fetchTimeoutMs: 300,
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
  it('returns the exact allowed method ARNs and flat context', async () => {
    const auth = createAuthorizer(config(), now);
    const res = await auth(event(signJwt(rs(), claims({ scope: 'items:read items:write' }))));
    expect(res).toEqual({
      principalId: 'user-1',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${ARN}/*/files/*`, `${ARN}/GET/items`, `${ARN}/POST/items`] }] },
      context: { sub: 'user-1', scope: 'items:read items:write', claim_tenant: 'acme' },
    });
  });

  it('lists only the routes the scopes allow', async () => {
    const auth = createAuthorizer(config(), now);
    const res = await auth(event(signJwt(rs(), claims({ scope: 'items:read' }))));
    expect(res.policyDocument.Statement[0].Resource).toEqual([`${ARN}/*/files/*`, `${ARN}/GET/items`]);
  });

  it('reads scopes from scopeClaim only: scp is ignored unless scopeClaim is scp (arrays work)', async () => {
    const entra = claims({ scope: undefined, scp: ['items:read'] });
    const byDefault = await createAuthorizer(config(), now)(event(signJwt(rs(), entra)));
    expect(byDefault.policyDocument.Statement[0].Resource).toEqual([`${ARN}/*/files/*`]);
    expect(byDefault.context.scope).toBe('');
    const scp = await createAuthorizer(config({ scopeClaim: 'scp' }), now)(event(signJwt(rs(), entra)));
    expect(scp.policyDocument.Statement[0].Resource).toEqual([`${ARN}/*/files/*`, `${ARN}/GET/items`]);
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
    expect(res.policyDocument.Statement[0].Resource).not.toContain(`${ARN}/POST/items`);
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
    const auth = createAuthorizer(config(), now);
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
