/**
 * `anygate dev` on every profile: optional authentication (absent allowed, a presented credential
 * must be valid), an API key after a scheme prefix, and alternatives that share one header and
 * differ by scheme (Authorization: Bot <key> or Bearer <jwt>). The generated conformance cases
 * pass, and the answers below are the model's on every profile that can run the spec (the others
 * refuse to start, naming the capability record).
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { startDev, type DevServer } from '../../dev/server';
import { DevRefusedError } from '../../dev/errors';
import { generateVectors } from '../../dev/conform/generate';
import { formatResults, runVectors } from '../../dev/conform/run';
import { mockToken } from '../../dev/mock-idp';
import { ALL_PROFILES, type Profile } from '../../dev/profiles';
import { targetProblems } from '../../lib/capabilities/support';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();
let backend: EchoBackend;
beforeAll(async () => {
  backend = await echoBackend();
});
afterAll(() => backend.close());

const jwt = { type: 'jwt', issuer: 'https://login.example.com/', audiences: ['items'], jwksUri: 'https://login.example.com/jwks' };
const base = { name: 'g', backends: { api: { type: 'http', url: 'https://api.example.com' } }, plans: { basic: {} }, consumers: { acme: { plan: 'basic' } }, defaults: { backend: 'api' } };

/** Optional auth on a token route (every profile) and on a token-or-key route (not Kubernetes). */
const OPTIONAL = toGatewaySpec({
  ...base,
  authorizers: { jwt, key: { type: 'apiKey' } },
  routes: [
    { id: 'open', method: 'GET', path: '/open', auth: { anyOf: ['jwt'], optional: true } },
    { id: 'either', method: 'GET', path: '/either', auth: { anyOf: ['jwt', 'key'], optional: true } },
  ],
} as never);
const OPTIONAL_JWT = toGatewaySpec({ ...base, plans: undefined, consumers: undefined, authorizers: { jwt }, routes: [{ id: 'open', method: 'GET', path: '/open', auth: { anyOf: ['jwt'], optional: true } }] } as never);

/** Bot <key> or Bearer <jwt> on one header, and a key alone after its scheme. */
const SHARED = toGatewaySpec({
  ...base,
  authorizers: { jwt, bot: { type: 'apiKey', name: 'Authorization', scheme: 'Bot' } },
  routes: [
    { id: 'either', method: 'GET', path: '/either', auth: ['jwt', 'bot'] },
    { id: 'bot', method: 'GET', path: '/bot', auth: ['bot'] },
    { id: 'maybe', method: 'GET', path: '/maybe', auth: { anyOf: ['jwt', 'bot'], optional: true } },
  ],
} as never);

const devFor = (spec: GatewaySpec, profile: Profile): Promise<DevServer> => startDev({ spec, stage: 'prod', profile, port: 0, clock: 'virtual', mockIdp: true, backends: { api: backend.url } });

async function conform(spec: GatewaySpec, profile: Profile, expected: string[]): Promise<DevServer> {
  const dev = await devFor(spec, profile);
  const vectors = generateVectors(spec, 'prod', profile);
  expect(vectors.map((v) => v.name)).toEqual(expect.arrayContaining(expected));
  const results = await runVectors(spec, vectors, { url: dev.url });
  if (results.some((r) => !r.pass)) {
    await dev.close();
    throw new Error(formatResults(results));
  }
  return dev;
}

describe.each(ALL_PROFILES.filter((p) => p !== 'kubernetes'))('optional authentication on the %s profile', (profile) => {
  it('no credential is let in, a presented one must be valid (conformance cases)', async () => {
    const dev = await conform(OPTIONAL, profile, ['open: no credentials (optional authentication)', 'open: expired token', 'open: valid credentials', 'open: another scheme on an optional route', 'open: lowercase bearer with a bad token on an optional route']);
    try {
      const bad = await get(`${dev.url}/open`, { headers: { authorization: 'Bearer not.a.token' } });
      expect(bad.status).toBe(401);
      expect((await get(`${dev.url}/open`, { headers: { authorization: 'Basic eHl6' } })).status).toBe(401);
      const anonymous = await get(`${dev.url}/open`);
      expect(anonymous.status).toBe(200);
      const log = ((await get(`${dev.url}/__anygate/requests`)).json() as { requests: { consumer: string | null }[] }).requests;
      expect(log.at(-1)!.consumer ?? null).toBeNull();
    } finally {
      await dev.close();
    }
  });
});

it('Kubernetes refuses optional authentication by its record (jwt.optional lets another scheme in), and dev on its profile refuses to start', async () => {
  const optional = targetProblems(OPTIONAL_JWT, 'kubernetes').filter((p) => p.feature === 'auth.optional');
  expect(optional.map((p) => p.where)).toEqual(['open']);
  expect(optional[0].message).toMatch(/treats a credential without the exact "Bearer " prefix .* as missing .*make the route's auth required/);
  const started = devFor(OPTIONAL_JWT, 'kubernetes');
  await expect(started).rejects.toThrow(DevRefusedError);
  await expect(started).rejects.toThrow(/route open: auth\.optional on kubernetes/);
});

describe.each(['aws', 'apigee'] as const)('alternatives on one header, told apart by scheme, on the %s profile', (profile) => {
  it('passes the generated cases; Bot <key> and Bearer <jwt> each let in, another scheme is refused', async () => {
    const dev = await conform(SHARED, profile, ['either: only jwt', 'either: only bot', 'either: Authorization with an unknown scheme', 'maybe: no credentials (optional authentication)', 'bot: valid credentials']);
    try {
      const key = dev.keys.find((k) => k.consumer === 'acme')!.key;
      const token = mockToken(SHARED, { authorizer: 'jwt', nowMs: dev.clock.now() });
      expect((await get(`${dev.url}/either`, { headers: { authorization: `Bot ${key}` } })).status).toBe(200);
      expect((await get(`${dev.url}/either`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await get(`${dev.url}/either`, { headers: { authorization: `Basic ${key}` } })).status).toBe(401);
      // The key is what follows the scheme: the whole value is no key.
      expect((await get(`${dev.url}/bot`, { headers: { authorization: `bot ${key}` } })).status).toBe(200);
      expect((await get(`${dev.url}/bot`, { headers: { authorization: key } })).status).toBe(401);
      expect((await get(`${dev.url}/maybe`)).status).toBe(200);
      expect((await get(`${dev.url}/maybe`, { headers: { authorization: `Basic ${key}` } })).status).toBe(401);
    } finally {
      await dev.close();
    }
  });
});

it('API Management and Kubernetes refuse a key after a scheme prefix, by their records (with the remedy)', () => {
  for (const t of ['azure', 'kubernetes'] as const) {
    const problems = targetProblems(SHARED, t).filter((p) => p.feature === 'auth.apiKey.scheme');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].message).toMatch(/send the key in its own header/);
  }
});
