/**
 * `anygate dev --mock-idp` on the petstore, per profile: the "done when" list, checked
 * against the answers the dev gateway gives in-process (port 0, virtual clock, local backend).
 */
import * as path from 'node:path';
import { loadSpec } from '../../lib/load';
import { startDev, type DevServer } from '../../dev/server';
import { loadFunctions } from '../../dev/functions';
import { mockToken } from '../../dev/mock-idp';
import { PROFILES, type Profile } from '../../dev/profiles';
import type { GatewaySpec } from '../../lib/model/types';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();
const ROOT = path.join(__dirname, '..', '..');
let spec: GatewaySpec;
let backend: EchoBackend;

beforeAll(async () => {
  spec = (await loadSpec(path.join(ROOT, 'examples/petstore/gateway.yaml'))).spec;
  backend = await echoBackend();
});
afterAll(() => backend.close());

describe.each(PROFILES)('petstore on the %s profile', (profile: Profile) => {
  let dev: DevServer;
  const token = (scopes: string[], extra: { expiresInSeconds?: number } = {}) => mockToken(spec, { authorizer: 'jwt', scopes, nowMs: dev.clock.now(), ...extra });
  const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

  beforeAll(async () => {
    dev = await startDev({
      spec,
      profile,
      port: 0,
      clock: 'virtual',
      mockIdp: true,
      trustForwarded: true,
      backends: { pets: backend.url },
      functions: loadFunctions([`orders-fn=${path.join(__dirname, 'fixtures/orders-any-cloud.js')}`]),
    });
  });
  afterAll(() => dev.close());

  it('answers 401 without a token', async () => {
    const r = await get(`${dev.url}/v1/pets`);
    expect(r.status).toBe(401);
  });

  it('answers 200 with a pets:read token, through the transforms', async () => {
    const r = await get(`${dev.url}/v1/pets?debug=1&limit=2`, bearer(token(['pets:read'])));
    expect(r.status).toBe(200);
    const echoed = r.json() as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe('/pets?limit=2'); // removeQuery: [debug]
    expect(echoed.headers['x-tenant']).toBe('petstore'); // setHeaders from ${claim.tenant}
  });

  it('refuses the wrong scope with 403 on every profile (azure: the scope check after validate-jwt)', async () => {
    const r = await get(`${dev.url}/v1/pets`, bearer(token(['orders:read'])));
    expect(r.status).toBe(403);
  });

  it('refuses an expired token once the virtual clock passes exp plus the skew', async () => {
    const t = token(['pets:read'], { expiresInSeconds: 30 });
    expect((await get(`${dev.url}/v1/pets/p1`, bearer(t))).status).toBe(200);
    await get(`${dev.url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': dev.adminToken }, body: JSON.stringify({ advanceSeconds: 3600 }) });
    expect((await get(`${dev.url}/v1/pets/p2`, bearer(t))).status).toBe(401);
  });

  it('answers 429 past the route rate limit, and lets calls in again after the window', async () => {
    await get(`${dev.url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': dev.adminToken }, body: JSON.stringify({ advanceSeconds: 60 }) });
    const t = token(['pets:write']);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await get(`${dev.url}/v1/pets`, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Rex' }) })).status);
    // createPet: 10 rps, burst 20. AWS: a bucket of 20; Azure: 20 calls per 2 s; Apigee: SpikeArrest 10ps.
    const allowed = profile === 'apigee' ? 10 : 20;
    expect(statuses.slice(0, allowed).every((s) => s === 200)).toBe(true);
    expect(statuses[allowed]).toBe(429);
    await get(`${dev.url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': dev.adminToken }, body: JSON.stringify({ advanceSeconds: 5 }) });
    expect((await get(`${dev.url}/v1/pets`, { method: 'POST', headers: { authorization: `Bearer ${token(['pets:write'])}`, 'content-type': 'application/json' }, body: '{"name":"Rex"}' })).status).toBe(200);
  });

  it('serves the mock route body', async () => {
    const r = await get(`${dev.url}/v1/status`);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('answers the CORS preflight for an allowed origin, and not for another', async () => {
    const pre = (origin: string) => get(`${dev.url}/v1/pets`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    const ok = await pre('https://shop.example.com');
    expect(ok.status).toBe(profile === 'aws' ? 204 : 200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    const refused = await pre('https://evil.example.net');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a denied client address from X-Forwarded-For', async () => {
    const r = await get(`${dev.url}/v1/status`, { headers: { 'x-forwarded-for': '198.51.100.9' } });
    expect(r.status).toBe(403);
    expect((await get(`${dev.url}/v1/status`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
  });

  it('caches per caller for the TTL', async () => {
    await get(`${dev.url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': dev.adminToken }, body: JSON.stringify({ advanceSeconds: 600 }) });
    const a = token(['pets:read']);
    const first = (await get(`${dev.url}/v1/pets/c1`, bearer(a))).text;
    expect((await get(`${dev.url}/v1/pets/c1`, bearer(a))).text).toBe(first);
    // Another caller (another token) gets its own entry: cache.shared is false.
    const b = mockToken(spec, { authorizer: 'jwt', scopes: ['pets:read'], sub: 'someone-else', nowMs: dev.clock.now() });
    expect((await get(`${dev.url}/v1/pets/c1`, bearer(b))).text).not.toBe(first);
    await get(`${dev.url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': dev.adminToken }, body: JSON.stringify({ advanceSeconds: 301 }) });
    expect((await get(`${dev.url}/v1/pets/c1`, bearer(token(['pets:read'])))).text).not.toBe(first);
  });

  it('checks API keys per consumer and runs the function binding, with redaction', async () => {
    const acme = dev.keys.find((k) => k.consumer === 'acme')!.key;
    const none = await get(`${dev.url}/v1/orders/1`);
    // The error contract (the petstore's default): a missing or unknown key is 401 on every profile.
    expect([none.status, (none.json() as { error: { code: string } }).error.code]).toEqual([401, 'unauthorized']);
    expect((await get(`${dev.url}/v1/orders/1`, { headers: { 'x-api-key': 'wrong' } })).status).toBe(401);
    const created = await get(`${dev.url}/v1/orders`, { method: 'POST', headers: { 'x-api-key': acme, 'content-type': 'application/json' }, body: JSON.stringify({ petId: 'p1', quantity: 2, extra: 'dropped' }) });
    expect(created.status).toBe(201);
    const order = created.json() as { id: string; channel: string; extra?: string; shape: string };
    expect(order.channel).toBe('partner-api'); // body template
    expect(order.extra).toBeUndefined();
    expect(order.shape).toBe(profile === 'aws' ? 'aws-proxy' : 'http');
    const got = await get(`${dev.url}/v1/orders/${order.id}`, { headers: { 'x-api-key': acme } });
    expect(got.status).toBe(200);
    const doc = got.json() as { customer: Record<string, unknown>; payment: Record<string, unknown> };
    expect(doc.customer.email).toBeUndefined(); // redact: customer.email
    expect(doc.payment.card).toBeUndefined();
  });

  it('answers the profile 404 for an unknown path and logs requests', async () => {
    const r = await get(`${dev.url}/v1/nothing-here`);
    expect(r.status).toBe(404);
    const log = (await get(`${dev.url}/__anygate/requests`)).json() as { requests: { path: string; routeId: string | null; status: number }[] };
    expect(log.requests.at(-1)).toMatchObject({ path: '/v1/nothing-here', routeId: null, status: r.status });
  });
});
