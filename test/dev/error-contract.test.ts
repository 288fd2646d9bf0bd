/**
 * The error contract (lib/model/error-contract.ts) in `anygate dev`: the gateway's own refusals
 * answer the same status and JSON body on every profile, with the request's id; the headers each
 * target keeps (APIM's Retry-After, Envoy's WWW-Authenticate) stay; `errors: native` gives each
 * cloud's own answers back. Backend responses are never rewritten.
 */
import { mockToken } from '../../dev/mock-idp';
import { ALL_PROFILES, type Profile } from '../../dev/profiles';
import { startDev, type DevServer } from '../../dev/server';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();

function input(errors?: 'anygate' | 'native'): Record<string, any> {
  return {
    name: 'contract',
    ...(errors ? { errors } : {}),
    backends: { api: { type: 'http', url: 'https://api.example.com' }, teapot: { type: 'mock', statusCode: 418, body: { brewed: false } } },
    authorizers: {
      jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['contract'], jwksUri: 'https://id.example.com/jwks.json' },
      key: { type: 'apiKey' },
    },
    plans: { basic: { quota: { limit: 1, period: 'day' } } },
    consumers: { acme: { plan: 'basic' } },
    ipRules: { deny: ['203.0.113.0/24'] },
    routes: [
      { id: 'items', method: 'GET', path: '/items', backend: 'api', auth: 'jwt', scopes: ['items:read'] },
      { id: 'mine', method: 'GET', path: '/mine', backend: 'api', auth: 'key' },
      { id: 'teapot', method: 'GET', path: '/teapot', backend: 'teapot', auth: 'none' },
    ],
  };
}

interface Answer {
  status: number;
  code?: string;
  requestId?: string;
  contentType: string | null;
}

async function answers(spec: GatewaySpec, profile: Profile, backend: EchoBackend): Promise<Record<string, Answer>> {
  const dev: DevServer = await startDev({ spec, profile, port: 0, clock: 'virtual', mockIdp: true, trustForwarded: true, publishAdminToken: false, backends: { api: backend.url } });
  const read = async (r: Promise<{ status: number; headers: Headers; text: string }>): Promise<Answer> => {
    const x = await r;
    let body: { error?: { code?: string; requestId?: string } } = {};
    try {
      body = JSON.parse(x.text);
    } catch {
      // a native plain-text answer
    }
    return { status: x.status, code: body.error?.code, requestId: body.error?.requestId, contentType: x.headers.get('content-type') };
  };
  try {
    const token = (scopes: string[]) => ({ headers: { authorization: `Bearer ${mockToken(spec, { authorizer: 'jwt', scopes, nowMs: dev.clock.now() })}` } });
    const key = { headers: { 'x-api-key': dev.keys.find((k) => k.consumer === 'acme')!.key } };
    const out: Record<string, Answer> = {};
    out.noToken = await read(get(`${dev.url}/items`));
    out.wrongScope = await read(get(`${dev.url}/items`, token(['other:read'])));
    out.unknownKey = await read(get(`${dev.url}/mine`, { headers: { 'x-api-key': 'not-a-key' } }));
    out.deniedIp = await read(get(`${dev.url}/teapot`, { headers: { 'x-forwarded-for': '203.0.113.9' } }));
    out.firstCall = await read(get(`${dev.url}/mine`, key));
    out.quota = await read(get(`${dev.url}/mine`, key));
    out.backend418 = await read(get(`${dev.url}/teapot`));
    return out;
  } finally {
    await dev.close();
  }
}

describe('the error contract in anygate dev', () => {
  let backend: EchoBackend;
  beforeAll(async () => (backend = await echoBackend()));
  afterAll(async () => backend.close());

  it('every profile answers the same status and code for the same refusal, with a request id; backend answers pass through', async () => {
    const spec = toGatewaySpec(input());
    expect(spec.errors).toBe('anygate');
    const byProfile = Object.fromEntries(await Promise.all(ALL_PROFILES.map(async (p) => [p, await answers(spec, p, backend)] as const)));
    const expected = {
      noToken: [401, 'unauthorized'],
      wrongScope: [403, 'forbidden'],
      unknownKey: [401, 'unauthorized'],
      deniedIp: [403, 'forbidden'],
      firstCall: [200, undefined],
      quota: [429, 'quota_exceeded'],
      backend418: [418, undefined],
    };
    for (const p of ALL_PROFILES) {
      const got = Object.fromEntries(Object.entries(byProfile[p]!).map(([k, a]) => [k, [a.status, a.code]]));
      // Envoy's local reply says only 429: a quota's refusal is rate_limited there (a named difference).
      expect([p, got]).toEqual([p, p === 'kubernetes' ? { ...expected, quota: [429, 'rate_limited'] } : expected]);
      for (const [k, a] of Object.entries(byProfile[p]!)) {
        if (!a.code) continue;
        expect([p, k, a.contentType]).toEqual([p, k, 'application/json']);
        expect([p, k, a.requestId]).toEqual([p, k, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
      }
    }
  });

  it('errors: native gives each cloud its own answers back', async () => {
    const spec = toGatewaySpec(input('native'));
    const aws = await answers(spec, 'aws', backend);
    const azure = await answers(spec, 'azure', backend);
    const kubernetes = await answers(spec, 'kubernetes', backend);
    expect([aws.unknownKey.status, aws.unknownKey.code]).toEqual([403, undefined]);
    expect([azure.quota.status, azure.quota.code]).toEqual([403, undefined]);
    expect([kubernetes.noToken.status, kubernetes.noToken.contentType]).toEqual([401, 'text/plain']);
  });
});
