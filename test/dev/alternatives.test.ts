/**
 * Alternative credentials in `anygate dev` (docs/model.md): the payments example, whose routes take
 * a token, a header key or a query key, on every profile: the generated conformance cases (each
 * credential alone, all at once, an invalid one beside a valid one, two different keys, none)
 * pass, and the answers are the profile's.
 */
import * as path from 'node:path';
import { loadSpec } from '../../lib/load';
import { startDev, type DevServer } from '../../dev/server';
import { generateVectors } from '../../dev/conform/generate';
import { formatResults, runVectors } from '../../dev/conform/run';
import { mockToken } from '../../dev/mock-idp';
import { PROFILES, type Profile } from '../../dev/profiles';
import type { GatewaySpec } from '../../lib/model/types';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();
const SPEC = path.join(__dirname, '..', '..', 'examples/payments/gateway.yaml');
let backend: EchoBackend;
let spec: GatewaySpec;
beforeAll(async () => {
  backend = await echoBackend();
  spec = (await loadSpec(SPEC)).spec;
});
afterAll(() => backend.close());

const devFor = (profile: Profile): Promise<DevServer> =>
  startDev({ spec, stage: 'prod', profile, port: 0, clock: 'virtual', mockIdp: true, backends: { api: backend.url } });

describe.each(PROFILES)('payments on the %s profile', (profile) => {
  let dev: DevServer;
  beforeAll(async () => {
    dev = await devFor(profile);
  });
  afterAll(() => dev.close());

  it('passes every generated case, alternatives included', async () => {
    const vectors = generateVectors(spec, 'prod', profile);
    const names = vectors.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['listPayments: only oauth', 'listPayments: only headerKey', 'listPayments: only queryKey', 'listPayments: every alternative at once', 'listPayments: a valid API key does not rescue an expired token', 'listPayments: a valid token does not rescue an invalid API key', 'listPayments: two different API keys', 'listPayments: no credentials']));
    const results = await runVectors(spec, vectors, { url: dev.url });
    if (results.some((r) => !r.pass)) throw new Error(formatResults(results));
  });

  it('counts a key caller against its plan, and a token caller against none', async () => {
    const key = dev.keys.find((k) => k.consumer === 'widget')!.key;
    await get(`${dev.url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': dev.adminToken }, body: JSON.stringify({ advanceSeconds: 3600 }) });
    const token = mockToken(spec, { authorizer: 'oauth', nowMs: dev.clock.now() });
    // The plan lets at most 20 requests through at once on any profile; a token caller is not on it.
    const byToken = [];
    for (let i = 0; i < 30; i++) byToken.push((await get(`${dev.url}/payments`, { headers: { authorization: `Bearer ${token}` } })).status);
    expect(new Set(byToken)).toEqual(new Set([200]));
    const byKey = [];
    for (let i = 0; i < 30; i++) byKey.push((await get(`${dev.url}/payments?api_key=${encodeURIComponent(key)}`)).status);
    expect(byKey[0]).toBe(200);
    expect(byKey.at(-1)).toBe(429);
    const log = ((await get(`${dev.url}/__anygate/requests`)).json() as { requests: { consumer: string | null }[] }).requests;
    expect(log.at(-1)!.consumer).toBe('widget');
  });
});
