/**
 * A request that repeats a credential its route is identified by is refused with 401 on every
 * dev profile (issue 28: dev used the first value, the AWS authorizer the last).
 */
import { request } from 'undici';
import { startDev, type DevServer } from '../../dev/server';
import { mockToken } from '../../dev/mock-idp';
import type { Profile } from '../../dev/profiles';
import { toGatewaySpec } from '../../lib/model/normalize';
import { isolateDevHome } from './helpers';

isolateDevHome();

const spec = toGatewaySpec({
  name: 'rep',
  backends: { m: { type: 'mock', statusCode: 200, body: { ok: true } } },
  authorizers: {
    jwt: { type: 'jwt', issuer: 'https://idp.example.com/', audiences: ['rep'], jwksUri: 'https://idp.example.com/jwks' },
    hkey: { type: 'apiKey' },
    qkey: { type: 'apiKey', in: 'query', name: 'api_key' },
  },
  plans: { basic: {} },
  consumers: { acme: { plan: 'basic' } },
  defaults: { backend: 'm' },
  routes: [
    { method: 'GET', path: '/jwt', auth: 'jwt' },
    { method: 'GET', path: '/hkey', auth: 'hkey' },
    { method: 'GET', path: '/qkey', auth: 'qkey' },
  ],
});

async function call(dev: DevServer, path: string, headers: string[] = []) {
  const r = await request(`${dev.url}${path}`, { method: 'GET', headers });
  await r.body.text();
  return r.statusCode;
}

describe.each(['aws', 'azure', 'apigee', 'kubernetes'] as Profile[])('repeated credentials on %s', (profile) => {
  let dev: DevServer;
  beforeAll(async () => {
    dev = await startDev({ spec, profile, port: 0, mockIdp: true, clock: 'virtual', publishAdminToken: false, env: { ANYGATE_DEV_KEY_ACME: 'key-acme' } });
  });
  afterAll(() => dev.close());
  const token = () => `Bearer ${mockToken(spec, { authorizer: 'jwt', nowMs: dev.clock.now() })}`;

  it('refuses two Authorization headers, even equal ones', async () => {
    const t = token();
    expect(await call(dev, '/jwt', ['authorization', t])).toBe(200);
    expect(await call(dev, '/jwt', ['authorization', t, 'authorization', 'Bearer x'])).toBe(401);
    expect(await call(dev, '/jwt', ['authorization', 'Bearer x', 'authorization', t])).toBe(401);
    expect(await call(dev, '/jwt', ['authorization', t, 'Authorization', t])).toBe(401);
  });

  it('refuses two key headers', async () => {
    expect(await call(dev, '/hkey', ['x-api-key', 'key-acme'])).toBe(200);
    expect(await call(dev, '/hkey', ['x-api-key', 'key-acme', 'x-api-key', 'other'])).toBe(401);
    expect(await call(dev, '/hkey', ['x-api-key', 'key-acme', 'X-Api-Key', 'key-acme'])).toBe(401);
  });

  it('refuses ?api_key=A&api_key=B', async () => {
    expect(await call(dev, '/qkey?api_key=key-acme')).toBe(200);
    expect(await call(dev, '/qkey?api_key=key-acme&api_key=other')).toBe(401);
    expect(await call(dev, '/qkey?api_key=other&api_key=key-acme')).toBe(401);
    expect(await call(dev, '/qkey?api_key=key-acme&api_key=key-acme')).toBe(401);
  });
});
