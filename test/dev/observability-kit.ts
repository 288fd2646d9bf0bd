/**
 * One small gateway and one mix of requests for dev's observability tests (access-log schema,
 * /metrics, the live view in chromium): a 200 through a JWT, a 401 and a 403 with their reasons,
 * an API-key 200 then a 429, a cache fill and hit, a backend that is down (502), a mock, no route.
 */
import { createServer } from 'node:net';
import { startDev, type DevServer } from '../../dev/server';
import { mockToken } from '../../dev/mock-idp';
import { toGatewaySpec } from '../../lib/model';
import type { GatewaySpec } from '../../lib/model/types';
import { echoBackend, get, type EchoBackend } from './helpers';

/** A TCP port on 127.0.0.1 with nothing listening (connections are refused: the backend is down). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export function observabilitySpec(downPort: number): GatewaySpec {
  return toGatewaySpec({
    name: 'obs',
    basePath: '/v1',
    backends: {
      pets: { type: 'http', url: 'http://127.0.0.1:1' },
      down: { type: 'http', url: `http://127.0.0.1:${downPort}` },
      canned: { type: 'mock', statusCode: 200, body: { status: 'ok' } },
    },
    authorizers: {
      jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['obs'] },
      key: { type: 'apiKey' },
    },
    plans: { gold: { rateLimit: { requestsPerSecond: 1, burst: 1 } } },
    consumers: { acme: { plan: 'gold' } },
    routes: [
      { id: 'listPets', method: 'GET', path: '/pets', backend: 'pets', auth: ['jwt'], scopes: ['pets:read'], cache: { ttlSeconds: 60 } },
      { id: 'createOrder', method: 'POST', path: '/orders', backend: 'pets', auth: 'key' },
      { id: 'broken', method: 'GET', path: '/broken', backend: 'down', auth: 'none' },
      { id: 'status', method: 'GET', path: '/status', backend: 'canned', auth: 'none' },
    ],
  });
}

export interface ObservedDev {
  readonly spec: GatewaySpec;
  readonly dev: DevServer;
  readonly backend: EchoBackend;
  /** Lines the dev gateway logged. */
  readonly lines: string[];
  /** A bearer token of the mock IdP. */
  token(scopes: string[], sub?: string): string;
  close(): Promise<void>;
}

/** Starts dev (virtual clock, mock IdP) on the observability spec. */
export async function observedDev(opts: { logFormat?: 'text' | 'json' } = {}): Promise<ObservedDev> {
  const spec = observabilitySpec(await closedPort());
  const backend = await echoBackend();
  const lines: string[] = [];
  const dev = await startDev({ spec, profile: 'aws', port: 0, clock: 'virtual', mockIdp: true, backends: { pets: backend.url }, env: { ANYGATE_DEV_KEY_ACME: 'acme-key-0123456789' }, log: (l) => void lines.push(l), logFormat: opts.logFormat, publishAdminToken: false });
  return {
    spec,
    dev,
    backend,
    lines,
    token: (scopes, sub) => `Bearer ${mockToken(spec, { authorizer: 'jwt', scopes, sub, nowMs: dev.clock.now() })}`,
    close: async () => {
      await dev.close();
      await backend.close();
    },
  };
}

/** What the mix sends, in order, and the status each gets. */
export const MIX: readonly { readonly name: string; readonly status: number }[] = [
  { name: 'no token', status: 401 },
  { name: 'wrong scope', status: 403 },
  { name: 'token, cache fill', status: 200 },
  { name: 'token, cache hit', status: 200 },
  { name: 'api key', status: 200 },
  { name: 'api key over the plan rate', status: 429 },
  { name: 'backend down', status: 502 },
  { name: 'mock', status: 200 },
  { name: 'no route', status: 404 },
];

/** Sends the mix; returns the statuses (in MIX order). */
export async function sendMix(o: ObservedDev): Promise<number[]> {
  const u = o.dev.url;
  const read = o.token(['pets:read']);
  const statuses: number[] = [];
  const call = async (path: string, init: RequestInit = {}) => statuses.push((await get(u + path, init)).status);
  await call('/v1/pets', { headers: { 'user-agent': 'obs-test/1.0' } });
  await call('/v1/pets', { headers: { authorization: o.token(['orders:read']) } });
  await call('/v1/pets', { headers: { authorization: read, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
  await call('/v1/pets', { headers: { authorization: read } });
  const order = { method: 'POST', headers: { 'x-api-key': 'acme-key-0123456789', 'content-type': 'application/json' }, body: '{"petId":"p1"}' };
  await call('/v1/orders', order);
  await call('/v1/orders', order);
  await call('/v1/broken');
  await call('/v1/status');
  await call('/v1/nowhere');
  return statuses;
}
