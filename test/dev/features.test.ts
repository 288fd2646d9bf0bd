/**
 * The dev gateway feature by feature, on small specs: matcher precedence, the portability
 * report's claims (an `unsupported` feature makes dev refuse at start on that profile; a native or
 * emulated one works), weighted backends, timeouts (504) and unreachable backends (502), body
 * limits (413), media types (415), validation, stage throttles, quotas, custom authorizers.
 */
import { toGatewaySpec, type GatewayInput } from '../../lib/model';
import { startDev, type DevOptions } from '../../dev/server';
import { DevRefusedError } from '../../dev/errors';
import { claim } from '../../dev/capabilities';
import { PROFILES, type Profile } from '../../dev/profiles';
import { createMatcher } from '../../dev/match';
import { clientAddress, ipAllowed } from '../../dev/ip-rules';
import { quotaWindow } from '../../dev/limits';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();
let backend: EchoBackend;
let other: EchoBackend;
beforeAll(async () => {
  backend = await echoBackend();
  other = await echoBackend();
});
afterAll(async () => {
  await backend.close();
  await other.close();
});

/** Fixed here so tests that only see the URL can move the clock. */
const ADMIN_TOKEN = 'features-admin-token';

// These cases hold dev to each cloud's own answers (errors: native); error-contract.test.ts holds the contract.
const spec = (input: Partial<GatewayInput>) => toGatewaySpec({ name: 't', errors: 'native', backends: { api: { type: 'http', url: 'https://api.example.com' } }, defaults: { backend: 'api', auth: 'none' }, ...input });

async function withDev<T>(opts: Omit<DevOptions, 'port' | 'clock'> & { clock?: DevOptions['clock'] }, f: (url: string, advance: (s: number) => Promise<void>) => Promise<T>): Promise<T> {
  const dev = await startDev({ port: 0, clock: 'virtual', backends: { api: backend.url }, adminToken: ADMIN_TOKEN, ...opts });
  try {
    return await f(dev.url, async (s) => void (await get(`${dev.url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': ADMIN_TOKEN }, body: JSON.stringify({ advanceSeconds: s }) })));
  } finally {
    await dev.close();
  }
}

describe('matcher', () => {
  const s = spec({
    basePath: '/v1',
    routes: [
      { method: 'GET', path: '/files/{path+}', id: 'greedy' },
      { method: 'GET', path: '/files/{id}', id: 'param' },
      { method: 'GET', path: '/files/{id}.json', id: 'mixed' },
      { method: 'GET', path: '/files/latest', id: 'literal' },
      { method: 'ANY', path: '/files/latest', id: 'any' },
      { method: 'GET', path: '/', id: 'root' },
    ],
  });
  const m = createMatcher(s);
  const id = (method: string, path: string) => {
    const r = m.match(method, path);
    return r && 'route' in r ? [r.route.id, r.params] : r;
  };

  it('prefers literal, then mixed, then parameter, then greedy; exact method over ANY', () => {
    expect(id('GET', '/v1/files/latest')).toEqual(['literal', {}]);
    expect(id('DELETE', '/v1/files/latest')).toEqual(['any', {}]);
    expect(id('GET', '/v1/files/a.json')).toEqual(['mixed', { id: 'a' }]);
    expect(id('GET', '/v1/files/a%20b')).toEqual(['param', { id: 'a b' }]);
    expect(id('GET', '/v1/files/a/b/c')).toEqual(['greedy', { path: 'a/b/c' }]);
    expect(id('GET', '/v1')).toEqual(['root', {}]);
  });

  it('matches nothing outside basePath, and reports a method no route takes', () => {
    expect(id('GET', '/files/latest')).toBeUndefined();
    expect(id('GET', '/v1x/files/latest')).toBeUndefined();
    expect(id('POST', '/v1/files/a.json')).toEqual({ methodNotAllowed: true });
  });
});

describe('IP rules', () => {
  it('deny wins, allow lists restrict, X-Forwarded-For only when trusted', () => {
    const rules = { allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.1.0.0/16'] };
    expect(ipAllowed(rules, '10.2.3.4')).toBe(true);
    expect(ipAllowed(rules, '10.1.3.4')).toBe(false);
    expect(ipAllowed(rules, '192.0.2.1')).toBe(false);
    expect(ipAllowed(rules, '2001:db8::1')).toBe(true);
    expect(clientAddress('::ffff:127.0.0.1', '10.1.1.1', false)).toBe('127.0.0.1');
    // One trusted hop: the proxy in front appended the rightmost entry; the ones left of it are the client's to write.
    expect(clientAddress('::ffff:127.0.0.1', '10.1.1.1, 198.51.100.7', true)).toBe('198.51.100.7');
    expect(clientAddress('::ffff:127.0.0.1', '10.1.1.1,198.51.100.7', true)).toBe('198.51.100.7');
    expect(clientAddress('::ffff:127.0.0.1', '198.51.100.7', true)).toBe('198.51.100.7');
  });
});

describe('portability claims hold on the dev profiles', () => {
  const cases: { feature: Parameters<typeof claim>[1]; input: Partial<GatewayInput>; probe: (url: string) => Promise<void> }[] = [
    {
      feature: 'backend.weighted',
      input: { backends: { api: { type: 'http', targets: [{ url: 'https://a.example.com', weight: 3 }, { url: 'https://b.example.com', weight: 1 }] } }, routes: [{ method: 'GET', path: '/w', id: 'weighted' }] },
      probe: async () => undefined,
    },
    {
      feature: 'path.mixedSegment',
      input: { routes: [{ method: 'GET', path: '/t/{id}.json', id: 'mixed' }] },
      probe: async (url) => {
        const r = await get(`${url}/t/abc.json`);
        expect(r.status).toBe(200);
        expect((r.json() as { url: string }).url).toBe('/t/abc.json');
      },
    },
    {
      feature: 'auth.alternatives',
      input: { authorizers: { k1: { type: 'apiKey' }, k2: { type: 'apiKey', in: 'query', name: 'api_key' } }, routes: [{ method: 'GET', path: '/alt', id: 'alt', auth: ['k1', 'k2'] }] },
      probe: async () => undefined,
    },
    {
      feature: 'backend.circuitBreaker',
      input: { backends: { api: { type: 'http', url: 'https://api.example.com', circuitBreaker: { failures: 5, intervalSeconds: 10, tripSeconds: 30 } } }, routes: [{ method: 'GET', path: '/cb', id: 'cb' }] },
      probe: async (url) => expect((await get(`${url}/cb`)).status).toBe(200),
    },
  ];
  for (const c of cases) {
    it.each(PROFILES)(`${c.feature} on %s`, async (profile: Profile) => {
      const s = spec(c.input);
      const support = claim(profile, c.feature).support;
      if (support === 'unsupported') {
        const started = startDev({ spec: s, profile, port: 0 });
        await expect(started).rejects.toThrow(DevRefusedError);
        await expect(started).rejects.toThrow(new RegExp(`route ${s.routes[0].id}: ${c.feature.replace('.', '\\.')} on ${profile}`));
      } else {
        await withDev({ spec: s, profile, backends: c.feature === 'backend.weighted' ? {} : { api: backend.url } }, c.probe);
      }
    });
  }
});

describe('backends', () => {
  it('splits weighted traffic by weight (3:1)', async () => {
    const s = spec({ backends: { api: { type: 'http', targets: [{ url: backend.url, weight: 3 }, { url: other.url, weight: 1 }] } }, routes: [{ method: 'GET', path: '/w' }] });
    const before = [backend.hits, other.hits];
    await withDev({ spec: s, profile: 'azure', backends: {} }, async (url) => {
      for (let i = 0; i < 8; i++) expect((await get(`${url}/w`)).status).toBe(200);
    });
    expect([backend.hits - before[0], other.hits - before[1]]).toEqual([6, 2]);
  });

  it.each(PROFILES)('answers the %s 504 on a backend timeout and 502 when it is unreachable', async (profile) => {
    const s = spec({ routes: [{ method: 'GET', path: '/slow', timeoutMs: 100 }, { method: 'GET', path: '/down', backend: 'down' }], backends: { api: { type: 'http', url: 'https://api.example.com' }, down: { type: 'http', url: 'https://down.example.com' } } });
    // Port 1: nothing listens there, so the connection is refused. (A port freed by closing a
    // listener could be handed to the dev server itself, which would then proxy to itself.)
    const deadUrl = 'http://127.0.0.1:1';
    backend.hang = true; // only the 100 ms route timeout can end the request
    try {
      await withDev({ spec: s, profile, backends: { api: backend.url, down: deadUrl } }, async (url) => {
        const slow = await get(`${url}/slow`);
        expect(slow.status).toBe(504);
        expect(slow.text).toEqual(profile === 'aws' ? '{"message":"Endpoint request timed out"}' : profile === 'azure' ? '{"statusCode":504,"message":"Gateway timeout"}' : expect.stringContaining('GatewayTimeout'));
        expect((await get(`${url}/down`)).status).toBe(502);
      });
    } finally {
      backend.hang = false;
    }
  });
});

describe('request validation', () => {
  const s = spec({
    routes: [{ method: 'POST', path: '/v', validation: { requiredQuery: ['q'], bodySchema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } }],
  });
  it.each(PROFILES)('answers 400, 413 (400 past validate-content max-size on azure) and 415 as %s does', async (profile) => {
    await withDev({ spec: s, profile }, async (url) => {
      const post = (path: string, body: string, type = 'application/json') => get(`${url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
      expect((await post('/v', '{"name":"x"}')).status).toBe(400); // no q
      expect((await post('/v?q=1', '{"nom":"x"}')).status).toBe(400);
      expect((await post('/v?q=1', 'name=x', 'application/x-www-form-urlencoded')).status).toBe(415);
      expect((await post('/v?q=1', '{"name":"x"}')).status).toBe(200);
      const big = JSON.stringify({ name: 'x'.repeat(profile === 'azure' ? 200_000 : 11 * 1024 * 1024) });
      expect((await post('/v?q=1', big)).status).toBe(profile === 'azure' ? 400 : 413);
    });
  });
});

describe('limits', () => {
  it('applies the stage throttle; on aws a route limit replaces it, elsewhere both apply', async () => {
    const s = spec({ stages: { prod: { throttle: { requestsPerSecond: 2, burst: 2 } } }, routes: [{ method: 'GET', path: '/a' }, { method: 'GET', path: '/b', rateLimit: { requestsPerSecond: 5, burst: 5 } }] });
    for (const profile of PROFILES) {
      await withDev({ spec: s, profile }, async (url, advance) => {
        const run = async (path: string, n: number) => {
          const out: number[] = [];
          for (let i = 0; i < n; i++) out.push((await get(`${url}${path}`)).status);
          return out.filter((x) => x === 200).length;
        };
        expect(await run('/a', 4)).toBe(2);
        await advance(10);
        expect(await run('/b', 8)).toBe(profile === 'aws' ? 5 : 2);
      });
    }
  });

  it('counts plan quotas per consumer and renews them with the window; 429 on aws, 403 on azure', async () => {
    const s = spec({ authorizers: { key: { type: 'apiKey' } }, plans: { tiny: { quota: { limit: 2, period: 'day' } } }, consumers: { c1: { plan: 'tiny' }, c2: { plan: 'tiny' } }, routes: [{ method: 'GET', path: '/q', auth: ['key'] }] });
    for (const profile of PROFILES) {
      const dev = await startDev({ spec: s, profile, port: 0, clock: 'virtual', backends: { api: backend.url } });
      try {
        const call = (c: string) => get(`${dev.url}/q`, { headers: { 'x-api-key': dev.keys.find((k) => k.consumer === c)!.key } }).then((r) => r.status);
        const over = profile === 'azure' ? 403 : 429;
        expect([await call('c1'), await call('c1'), await call('c1'), await call('c2')]).toEqual([200, 200, over, 200]);
        dev.clock.advance((quotaWindow(profile, 'day', dev.clock.now()).end - dev.clock.now()) / 1000);
        expect(await call('c1')).toBe(200);
      } finally {
        await dev.close();
      }
    }
  });
});

describe('custom authorizers through --function', () => {
  const s = spec({ authorizers: { gate: { type: 'custom', binding: 'gate-fn' } }, routes: [{ method: 'GET', path: '/c', auth: ['gate'] }] });
  const fn = async (e: unknown) => {
    const event = e as { headers?: Record<string, string>; methodArn?: string };
    const ok = event.headers?.authorization === 'let-me-in';
    // AWS: an IAM policy; the other profiles: an HTTP status.
    if (event.methodArn) return { principalId: 'u', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: ok ? 'Allow' : 'Deny', Resource: [event.methodArn] }] } };
    return { statusCode: ok ? 200 : 401 };
  };
  it.each(PROFILES)('lets the function decide on %s', async (profile) => {
    await withDev({ spec: s, profile, functions: new Map([['gate-fn', fn]]) }, async (url) => {
      expect((await get(`${url}/c`, { headers: { authorization: 'let-me-in' } })).status).toBe(200);
      expect((await get(`${url}/c`, { headers: { authorization: 'nope' } })).status).toBe(profile === 'aws' ? 403 : 401);
    });
  });
});

describe('stages and start checks', () => {
  it('uses the stage variables in transforms and the stage backend URL', async () => {
    const s = spec({
      stages: { dev: { variables: { region: 'eu-dev' }, backends: { api: { url: 'https://dev.example.com' } } }, prod: { variables: { region: 'eu-prod' } } },
      routes: [{ method: 'GET', path: '/orders/{id}', transform: { request: { setHeaders: { 'x-region': '${stage.region}' }, rewritePath: '/internal/{id}' } } }],
    });
    await withDev({ spec: s, stage: 'prod' }, async (url) => {
      const echoed = (await get(`${url}/orders/a%20b`)).json() as { url: string; headers: Record<string, string> };
      expect(echoed.headers['x-region']).toBe('eu-prod');
      expect(echoed.url).toBe('/internal/a%20b');
    });
  });

  it('refuses an unknown stage, backend or function binding by name', async () => {
    const s = spec({ routes: [{ method: 'GET', path: '/x' }] });
    await expect(startDev({ spec: s, stage: 'qa', port: 0 })).rejects.toThrow('stage "qa" is not in the spec; stages: prod');
    await expect(startDev({ spec: s, backends: { nope: 'http://127.0.0.1:1' }, port: 0 })).rejects.toThrow('--backend nope: no HTTP backend of that name; HTTP backends: api');
    await expect(startDev({ spec: s, functions: new Map([['ghost', () => ({})]]), port: 0 })).rejects.toThrow('--function ghost: the spec binds no function of that name');
  });
});

describe('dev endpoints', () => {
  it('moves only a virtual clock, and rejects bad requests', async () => {
    const s = spec({ routes: [{ method: 'GET', path: '/x' }] });
    await withDev({ spec: s, clock: 'wall' }, async (url) => {
      const r = await get(`${url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': ADMIN_TOKEN }, body: '{"advanceSeconds": 5}' });
      expect(r.status).toBe(409);
    });
    await withDev({ spec: s }, async (url) => {
      const before = Date.parse(((await get(`${url}/__anygate/clock`)).json() as { now: string }).now);
      expect((await get(`${url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': ADMIN_TOKEN }, body: '{"advanceSeconds": -1}' })).status).toBe(400);
      const after = (await get(`${url}/__anygate/clock`, { method: 'POST', headers: { 'x-anygate-admin-token': ADMIN_TOKEN }, body: '{"advanceSeconds": 90}' })).json() as { now: string };
      expect(Date.parse(after.now) - before).toBe(90_000);
      expect((await get(`${url}/__anygate/nothing`)).status).toBe(404);
    });
  });
});
