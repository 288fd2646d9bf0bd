/**
 * `anygate dev --profile kubernetes`: Envoy Gateway's answers (jwt_authn, api_key_auth, RBAC,
 * local and global rate limits, router), the limits the kubernetes compiler emits, and a start
 * refusal for whatever the kubernetes target refuses.
 */
import { cmdDev } from '../../bin/commands/dev';
import { DevRefusedError } from '../../dev/errors';
import { mockToken } from '../../dev/mock-idp';
import { refusal } from '../../dev/profiles';
import { startDev, type DevServer } from '../../dev/server';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();

const DAY = 86_400_000;

function input(): Record<string, any> {
  return {
    name: 'kdev',
    // Envoy's own replies, which the contract replaces by default (test/dev/error-contract.test.ts).
    errors: 'native',
    backends: { api: { type: 'http', url: 'https://api.example.com' }, canned: { type: 'mock', statusCode: 200, body: { ok: true } } },
    authorizers: {
      jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['kdev'], jwksUri: 'https://id.example.com/jwks.json' },
      key: { type: 'apiKey' },
      ext: { type: 'custom', binding: 'authz', header: 'X-Token' },
    },
    plans: { basic: { quota: { limit: 3, period: 'day' } }, fast: { rateLimit: { requestsPerSecond: 2 } } },
    consumers: { acme: { plan: 'basic' }, zoom: { plan: 'fast' } },
    ipRules: { deny: ['203.0.113.0/24'] },
    routes: [
      { id: 'listItems', method: 'GET', path: '/items', backend: 'api', auth: 'jwt', scopes: ['items:read'], rateLimit: { requestsPerSecond: 0.05 } },
      { id: 'mine', method: 'GET', path: '/mine', backend: 'api', auth: 'key' },
      { id: 'health', method: 'GET', path: '/health', backend: 'canned', auth: 'none' },
      { id: 'admin', method: 'DELETE', path: '/admin', backend: 'api', auth: 'ext' },
    ],
  };
}

describe('anygate dev --profile kubernetes', () => {
  let spec: GatewaySpec;
  let backend: EchoBackend;
  let dev: DevServer;
  const advance = (seconds: number) => get(`${dev.url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': dev.adminToken }, body: JSON.stringify({ advanceSeconds: seconds }) });
  const bearer = (scopes: string[]) => ({ headers: { authorization: `Bearer ${mockToken(spec, { authorizer: 'jwt', scopes, nowMs: dev.clock.now() })}` } });
  const keyOf = (consumer: string) => ({ headers: { 'x-api-key': dev.keys.find((k) => k.consumer === consumer)!.key } });

  beforeAll(async () => {
    spec = toGatewaySpec(input());
    // The spec is one the kubernetes target synthesizes: dev runs what would be deployed.
    expect(compileKubernetes(spec).stages.length).toBe(1);
    backend = await echoBackend();
    dev = await startDev({ spec, profile: 'kubernetes', port: 0, clock: 'virtual', mockIdp: true, trustForwarded: true, backends: { api: backend.url }, functions: new Map([['authz', (e: any) => ({ statusCode: e.headers['x-token'] === 'ok' ? 200 : 401 })]]) });
  });
  afterAll(async () => {
    await dev.close();
    await backend.close();
  });

  it('answers jwt_authn\'s 401s: a missing token, and a token that does not verify', async () => {
    const missing = await get(`${dev.url}/items?x=1`);
    expect([missing.status, missing.text, missing.headers.get('content-type')]).toEqual([401, 'Jwt is missing', 'text/plain']);
    expect(missing.headers.get('www-authenticate')).toBe(`Bearer realm="${dev.url}/items?x=1"`);
    const bad = await get(`${dev.url}/items`, { headers: { authorization: 'Bearer not.a.jwt' } });
    expect([bad.status, bad.text]).toEqual([401, 'Jwt verification fails']);
    expect(bad.headers.get('www-authenticate')).toBe(`Bearer realm="${dev.url}/items", error="invalid_token"`);
  });

  it('answers RBAC\'s 403 for a missing scope and a denied client address', async () => {
    const scope = await get(`${dev.url}/items`, bearer(['other:read']));
    expect([scope.status, scope.text]).toEqual([403, 'RBAC: access denied']);
    const ip = await get(`${dev.url}/health`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect([ip.status, ip.text]).toEqual([403, 'RBAC: access denied']);
  });

  it('passes a custom authorizer\'s 401 through (ext-auth), without jwt_authn\'s text', async () => {
    const r = await get(`${dev.url}/admin`, { method: 'DELETE', headers: { 'x-token': 'no' } });
    expect([r.status, r.text, r.headers.get('www-authenticate')]).toEqual([401, '', null]);
    expect((await get(`${dev.url}/admin`, { method: 'DELETE', headers: { 'x-token': 'ok' } })).status).toBe(200);
  });

  it('answers api_key_auth\'s 401 for a missing or unknown key', async () => {
    for (const init of [{}, { headers: { 'x-api-key': 'nope' } }]) {
      const r = await get(`${dev.url}/mine`, init);
      expect([r.status, r.text]).toEqual([401, 'Client authentication failed.']);
    }
  });

  it('answers 404 without a body when no route matches (path or method)', async () => {
    for (const [method, path] of [['GET', '/nowhere'], ['PUT', '/health']]) {
      const r = await get(`${dev.url}${path}`, { method });
      expect([r.status, r.text, r.headers.get('content-type')]).toEqual([404, '', null]);
    }
  });

  it('serves the mock route', async () => {
    const r = await get(`${dev.url}/health`);
    expect([r.status, r.json()]).toEqual([200, { ok: true }]);
  });

  it('route rate limit: Envoy\'s local token bucket of the per-unit count (0.05 rps = 3/Minute), 429 local_rate_limited', async () => {
    await advance(3600);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(`${dev.url}/items`, bearer(['items:read']))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const r = await get(`${dev.url}/items`, bearer(['items:read']));
    expect([r.status, r.text, r.headers.get('x-envoy-ratelimited'), r.headers.get('x-ratelimit-remaining')]).toEqual([429, 'local_rate_limited', 'true', '0']);
    expect(Number(r.headers.get('x-ratelimit-reset'))).toBe(20);
    await advance(20); // one token back at 0.05 per second
    expect((await get(`${dev.url}/items`, bearer(['items:read']))).status).toBe(200);
    expect((await get(`${dev.url}/items`, bearer(['items:read']))).status).toBe(429);
  });

  it('plan quota: a global limit in epoch-aligned windows, 429 without a body', async () => {
    // Move to just after a UTC midnight: the window is [midnight, next midnight).
    await advance(Math.ceil((DAY - (dev.clock.now() % DAY)) / 1000) + 10);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(`${dev.url}/mine`, keyOf('acme'))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const r = await get(`${dev.url}/mine`, keyOf('acme'));
    expect([r.status, r.text, r.headers.get('x-envoy-ratelimited')]).toEqual([429, '', 'true']);
    expect(Number(r.headers.get('x-ratelimit-reset'))).toBe(86_400 - 10);
    await advance(86_400 - 10);
    expect((await get(`${dev.url}/mine`, keyOf('acme'))).status).toBe(200);
  });

  it('plan rate limit: a global fixed window per second, not a bucket', async () => {
    await advance(1);
    const now = dev.clock.now();
    await advance((1000 - (now % 1000)) / 1000); // a second boundary
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(`${dev.url}/mine`, keyOf('zoom'))).status);
    expect(statuses).toEqual([200, 200, 429]);
    await advance(1);
    expect((await get(`${dev.url}/mine`, keyOf('zoom'))).status).toBe(200);
  });

  it('answers the router\'s 504 and 503 bodies', () => {
    expect(refusal('kubernetes', 'timeout')).toEqual({ status: 504, headers: { 'content-type': 'text/plain' }, body: 'upstream request timeout' });
    expect(refusal('kubernetes', 'badGateway').status).toBe(503);
    expect(refusal('kubernetes', 'badGateway').body).toMatch(/^upstream connect error or disconnect\/reset before headers/);
    expect(refusal('kubernetes', 'tooLarge')).toMatchObject({ status: 413, body: 'Payload Too Large' });
  });
});

describe('what the kubernetes target refuses, dev --profile kubernetes refuses at start', () => {
  it('names route, feature and target', async () => {
    const i = input();
    i.routes[0].cache = { ttlSeconds: 60 };
    i.routes[2].transform = { request: { setQuery: { a: 'b' } } };
    const started = startDev({ spec: toGatewaySpec(i), profile: 'kubernetes', port: 0 });
    await expect(started).rejects.toThrow(DevRefusedError);
    await expect(started).rejects.toThrow(/route listItems: route\.cache on kubernetes: Envoy Gateway has no response cache/);
    await expect(started).rejects.toThrow(/route health: transform\.query on kubernetes/);
  });

  it('with --mock-idp, a JWT authorizer without jwksUri is served (the mock IdP has the keys) and the refusal is a warning', async () => {
    const i = input();
    delete i.authorizers.jwt.jwksUri;
    for (const profile of ['kubernetes', 'apigee'] as const) {
      const spec = toGatewaySpec(i);
      await expect(startDev({ spec, profile, port: 0 })).rejects.toThrow(/jwksUri/);
      const dev = await startDev({ spec, profile, port: 0, mockIdp: true, publishAdminToken: false });
      try {
        expect(dev.warnings.filter((w) => /jwksUri/.test(w))).toEqual([expect.stringMatching(new RegExp(`on ${profile}\\b.*: .*\\(dev serves it with the mock IdP's keys; synth --target ${profile} refuses it until the spec sets jwksUri\\)$`))]);
        const token = mockToken(spec, { authorizer: 'jwt', scopes: ['items:read'], nowMs: dev.clock.now() });
        expect((await get(`${dev.url}/items`, { headers: { authorization: `Bearer ${token}` } })).status).not.toBe(401);
        expect((await get(`${dev.url}/items`)).status).toBe(401);
      } finally {
        await dev.close();
      }
    }
  });

  it('refuses a rate Envoy Gateway cannot express, and a bad kubernetes: block', async () => {
    const i = input();
    i.routes[0].rateLimit = { requestsPerSecond: 0.0123 };
    i.kubernetes = { namespaces: { qa: 'kdev-qa' } };
    const started = startDev({ spec: toGatewaySpec(i), profile: 'kubernetes', port: 0 });
    await expect(started).rejects.toThrow(/route listItems: route\.rateLimit on kubernetes: rateLimit: 0\.0123 requests per second/);
    await expect(started).rejects.toThrow(/gateway: options\.target on kubernetes: kubernetes\.namespaces\.qa: stage "qa" is not in the spec/);
  });

  it('the CLI takes --profile kubernetes and exits 1 on a refusal', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'anygate-kdev-'));
    const i = input();
    i.routes[0].cache = { ttlSeconds: 60 };
    const file = path.join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify(i));
    const err: string[] = [];
    const io = { out: () => undefined, err: (s: string) => err.push(s) } as any;
    await expect(cmdDev(file, { profile: 'kubernetes', port: '0' } as any, io)).rejects.toThrow(/route listItems: route\.cache on kubernetes/);
    await expect(cmdDev(file, { profile: 'envoy', port: '0' } as any, io)).rejects.toThrow(/unknown profile "envoy"; profiles: aws, azure, apigee, kubernetes/);
  });
});

describe('anygate conform --profile kubernetes', () => {
  it('the generated cases pass against dev --profile kubernetes', async () => {
    const { generateVectors } = await import('../../dev/conform/generate');
    const { formatResults, runVectors } = await import('../../dev/conform/run');
    const backend = await echoBackend();
    const spec = toGatewaySpec(input());
    const dev = await startDev({ spec, profile: 'kubernetes', port: 0, clock: 'virtual', mockIdp: true, trustForwarded: true, backends: { api: backend.url } });
    try {
      const vectors = generateVectors(spec, 'prod', 'kubernetes');
      expect(vectors.map((v) => v.name)).toEqual(expect.arrayContaining(['listItems: no credentials', 'listItems: wrong scope', 'mine: no credentials']));
      expect(vectors.some((v) => v.name.includes('over the rate limit'))).toBe(true);
      const results = await runVectors(spec, vectors, { url: dev.url });
      expect(results.length).toBeGreaterThanOrEqual(8);
      if (results.some((r) => !r.pass)) throw new Error(formatResults(results));
    } finally {
      await dev.close();
      await backend.close();
    }
  });
});

describe('anygate dev --profile kubernetes: CORS preflights (issue 27)', () => {
  it('answers a preflight from a refused origin 403 with the contract\'s forbidden body the preflight rules emit (a request id included), and an allowed one with the CORS headers', async () => {
    const i = input();
    i.cors = { allowOrigins: ['https://app.example.com'] };
    const spec = toGatewaySpec(i);
    const filter = compileKubernetes(spec).stages[0].objects.find((o) => o.kind === 'HTTPRouteFilter' && o.metadata.name === 'kdev-preflight')!;
    const emitted = (filter.spec as any).directResponse;
    const lines: string[] = [];
    const dev = await startDev({ spec, profile: 'kubernetes', port: 0, clock: 'virtual', mockIdp: true, log: (l: string) => void lines.push(l) });
    try {
      const refused = await get(`${dev.url}/items`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' } });
      // The error contract's forbidden with a request id: Envoy's (%REQ(X-REQUEST-ID)%, a format string) in the manifest, dev's own here.
      const body = JSON.parse(refused.text) as { error: { code: string; message: string; requestId: string } };
      expect(body.error).toEqual({ code: 'forbidden', message: 'Forbidden', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect([refused.status, refused.text.replace(body.error.requestId, '%REQ(X-REQUEST-ID)%')]).toEqual([emitted.statusCode, emitted.body.inline]);
      // Its access-log line says why, as every 401, 403 and 429 line does.
      expect(lines).toEqual([expect.stringMatching(/^OPTIONS \/items - 403 .*\(the preflight's Origin "https:\/\/evil\.example\.com" is not in cors\.allowOrigins\)$/)]);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const allowed = await get(`${dev.url}/items`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } });
      expect([allowed.status, allowed.headers.get('access-control-allow-origin')]).toEqual([200, 'https://app.example.com']);
    } finally {
      await dev.close();
    }
  });
});
