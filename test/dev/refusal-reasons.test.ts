/** `anygate dev` logs why it refused each request: every 401, 403 and 429 line ends with the reason. */
import * as path from 'node:path';
import { loadSpec } from '../../lib/load';
import { startDev, type DevServer } from '../../dev/server';
import { mockToken } from '../../dev/mock-idp';
import { refusalReason } from '../../dev/refusal-reasons';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();

describe('refusal reasons in the access log (petstore, aws profile)', () => {
  let dev: DevServer;
  let backend: EchoBackend;
  const lines: string[] = [];

  beforeAll(async () => {
    const { spec } = await loadSpec(path.join(__dirname, '..', '..', 'examples/petstore/gateway.yaml'));
    backend = await echoBackend();
    dev = await startDev({ spec, profile: 'aws', port: 0, clock: 'virtual', mockIdp: true, trustForwarded: true, backends: { pets: backend.url }, log: (l: string) => void lines.push(l) });
    const token = (scopes: string[]) => `Bearer ${mockToken(spec, { authorizer: 'jwt', scopes, nowMs: dev.clock.now() })}`;
    await get(`${dev.url}/v1/pets`);
    await get(`${dev.url}/v1/pets`, { headers: { authorization: `${token(['pets:read']).slice(0, -4)}AAAA` } }); // a broken signature
    await get(`${dev.url}/v1/pets`, { headers: { authorization: token(['orders:read']) } });
    await get(`${dev.url}/v1/status`, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    const write = token(['pets:write']);
    for (let i = 0; i < 21; i++) await get(`${dev.url}/v1/pets`, { method: 'POST', headers: { authorization: write, 'content-type': 'application/json' }, body: '{"name":"Rex"}' });
  });
  afterAll(async () => {
    await dev.close();
    await backend.close();
  });

  it('says what was missing or wrong, and which limit refused', () => {
    const refused = lines.filter((l) => / (401|403|429) /.test(l));
    expect(refused).toEqual([
      expect.stringMatching(/^GET \/v1\/pets listPets 401 [\d.]+ms - \(no bearer token \(Authorization: Bearer \.\.\.\) was presented\)$/),
      expect.stringMatching(/^GET \/v1\/pets listPets 401 .*\(the bearer token does not verify: expired or not yet valid, bad signature/),
      expect.stringMatching(/^GET \/v1\/pets listPets 403 .*\(the token lacks a scope the route requires\)$/),
      expect.stringMatching(/^GET \/v1\/status - 403 .*\(the client address is refused by ipRules\)$/),
      // The virtual clock moves only when told: the reason says so.
      expect.stringMatching(/^POST \/v1\/pets createPet 429 .*\(over the route rate limit; lets in again in \d+ s of the virtual clock \(POST \/__anygate\/clock to move it\)\)$/),
    ]);
    // Answers the gateway did not refuse carry no reason.
    expect(lines.filter((l) => / 200 /.test(l)).every((l) => !l.endsWith(')'))).toBe(true);
  });

  it('has a reason for every refusal kind', () => {
    for (const r of ['unauthorized', 'forbiddenScope', 'missingApiKey', 'invalidApiKey', 'ipDenied', 'rateLimited', 'quotaExceeded'] as const) expect(refusalReason(r)).toMatch(/\w/);
    expect(refusalReason('quotaExceeded', { limitScope: 'plan', retryAfterSeconds: 30 })).toBe("over the consumer's plan quota; lets in again in 30 s");
  });
});

it('a 429 reason says when the limit lets in again, on the virtual clock that only moves when told', () => {
  expect(refusalReason('rateLimited', { retryAfterSeconds: 3, limitScope: 'route' })).toBe('over the route rate limit; lets in again in 3 s');
  expect(refusalReason('rateLimited', { retryAfterSeconds: 3, limitScope: 'route', virtualClock: true })).toBe('over the route rate limit; lets in again in 3 s of the virtual clock (POST /__anygate/clock to move it)');
});
