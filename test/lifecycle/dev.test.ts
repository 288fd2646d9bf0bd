/**
 * anygate dev routes by version (path segment, header, query), answers a deprecated version's
 * Deprecation / Sunset / Link headers, refuses what a profile's target refuses, and splits canary
 * traffic by an injected random source (--seed: a seeded PRNG, the same split on every run).
 */
import { seededRandom } from '../../dev/canary';
import { canaryBucket } from '../../lib/model/versions';
import { DevRefusedError } from '../../dev/errors';
import { startDev, type DevOptions } from '../../dev/server';
import { toGatewaySpec } from '../../lib/model/normalize';
import { echoBackend, get, isolateDevHome, type EchoBackend } from '../dev/helpers';
import type { Scheme } from './fixtures';

isolateDevHome();

let stable: EchoBackend;
let next: EchoBackend;
beforeAll(async () => {
  [stable, next] = await Promise.all([echoBackend(), echoBackend()]);
});
afterAll(async () => {
  await Promise.all([stable.close(), next.close()]);
});

function spec(scheme: Scheme, percent?: number, stickiness?: Record<string, string>) {
  return toGatewaySpec({
    name: 'shop',
    backends: { api: { type: 'http', url: stable.url }, 'api-next': { type: 'http', url: next.url } },
    defaults: { backend: 'api', auth: 'none' },
    versions: { scheme, list: [{ name: 'v1', deprecated: '2026-06-01', sunset: '2027-01-31', link: 'https://example.com/v1' }, { name: 'v2' }] },
    routes: [{ method: 'GET', path: '/items/{id}' }, { method: 'DELETE', path: '/items/{id}', versions: ['v2'] }],
    ...(percent ? { release: { canary: { percent, backend: 'api-next', of: 'api', ...(stickiness ? { stickiness } : {}) } } } : {}),
  });
}

async function withDev<T>(opts: Omit<DevOptions, 'port'>, f: (url: string) => Promise<T>): Promise<T> {
  const dev = await startDev({ port: 0, publishAdminToken: false, ...opts });
  try {
    return await f(dev.url);
  } finally {
    await dev.close();
  }
}

const pick = (scheme: Scheme, version: string, path: string): [string, RequestInit] =>
  scheme === 'path' ? [`/${version}${path}`, {}] : scheme === 'header' ? [path, { headers: { 'Api-Version': version } }] : [`${path}?api-version=${version}`, {}];

describe.each([
  ['path', 'aws'],
  ['path', 'kubernetes'],
  ['header', 'azure'],
  ['query', 'apigee'],
] as const)('%s versioning on the %s profile', (scheme, profile) => {
  it('routes each version, answers v1 with the deprecation headers, and matches no route for a missing or unknown version', async () => {
    await withDev({ spec: spec(scheme), profile }, async (url) => {
      const call = (version: string, path: string, method = 'GET') => {
        const [p, init] = pick(scheme, version, path);
        return get(url + p, { ...init, method });
      };
      const v1 = await call('v1', '/items/7');
      expect(v1.status).toBe(200);
      expect((v1.json() as { url: string }).url).toMatch(/^\/items\/7(\?|$)/);
      expect([v1.headers.get('deprecation'), v1.headers.get('sunset'), v1.headers.get('link')]).toEqual(['@1780272000', 'Sun, 31 Jan 2027 00:00:00 GMT', '<https://example.com/v1>; rel="deprecation"; type="text/html"']);
      const v2 = await call('v2', '/items/7');
      expect([v2.status, v2.headers.get('deprecation'), v2.headers.get('sunset')]).toEqual([200, null, null]);
      expect((await call('v2', '/items/7', 'DELETE')).status).toBe(200);
      expect((await call('v1', '/items/7', 'DELETE')).status).not.toBe(200);
      // The error contract: a path no route serves is 404 on every profile.
      const noRoute = 404;
      expect((await call('v3', '/items/7')).status).toBe(noRoute);
      expect((await get(`${url}/items/7`)).status).toBe(noRoute);
    });
  });
});

describe('dev refuses what the profile refuses', () => {
  it('header versioning on the aws profile, naming the record', async () => {
    await expect(startDev({ spec: spec('header'), profile: 'aws', port: 0, publishAdminToken: false })).rejects.toThrow(DevRefusedError);
    await expect(startDev({ spec: spec('header'), profile: 'aws', port: 0, publishAdminToken: false })).rejects.toThrow(/versions\.header on aws/);
  });
});

describe('canary split', () => {
  async function split(opts: Partial<DevOptions>, n: number): Promise<string> {
    stable.hits = 0;
    next.hits = 0;
    return withDev({ spec: spec('path', 30), profile: 'kubernetes', ...opts } as DevOptions, async (url) => {
      let seen = '';
      for (let i = 0; i < n; i++) {
        const before = next.hits;
        expect((await get(`${url}/v2/items/${i}`)).status).toBe(200);
        seen += next.hits > before ? 'c' : '.';
      }
      return seen;
    });
  }

  it('under a seed, the same requests reach the canary on every run, about percent of them', async () => {
    const a = await split({ seed: 42 }, 40);
    const b = await split({ seed: 42 }, 40);
    expect(a).toBe(b);
    const share = a.split('').filter((c) => c === 'c').length;
    expect(share).toBeGreaterThan(4);
    expect(share).toBeLessThan(24);
    expect(await split({ seed: 43 }, 40)).not.toBe(a);
  });

  it('the injected source decides: below percent / 100 is the canary', async () => {
    expect(await split({ random: () => 0.29 }, 3)).toBe('ccc');
    expect(await split({ random: () => 0.3 }, 3)).toBe('...');
  });

  it('a sticky canary keeps each caller on the side its header or cookie value hashes to, whatever the draw', async () => {
    // FNV-1a mod 100 (canaryBucket): a value below percent is the canary on every request.
    const users = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    const expected = users.map((u) => (canaryBucket(u) < 30 ? 'c' : '.')).join('');
    expect(expected).toMatch(/c/);
    expect(expected).toMatch(/\./);
    for (const [stickiness, header] of [[{ header: 'X-User' }, (u: string) => ({ 'x-user': u })], [{ cookie: 'uid' }, (u: string) => ({ cookie: `theme=dark; uid=${u}` })]] as const) {
      for (const random of [() => 0, () => 0.99]) {
        stable.hits = 0;
        next.hits = 0;
        const seen = await withDev({ spec: spec('path', 30, stickiness), profile: 'azure', random }, async (url) => {
          let out = '';
          for (const u of users) {
            const before = next.hits;
            expect((await get(`${url}/v2/items/1`, { headers: header(u) })).status).toBe(200);
            out += next.hits > before ? 'c' : '.';
          }
          return out;
        });
        expect(seen).toBe(expected);
      }
    }
    // Without the header the draw decides.
    expect(await split({ spec: spec('path', 30, { header: 'X-User' }), profile: 'azure', random: () => 0 }, 2)).toBe('cc');
  });

  it('canaryBucket is FNV-1a (32 bit) mod 100', () => {
    // Reference values of FNV-1a 32: "" = 0x811c9dc5, "a" = 0xe40c292c, "foobar" = 0xbf9cf968.
    expect([canaryBucket(''), canaryBucket('a'), canaryBucket('foobar')]).toEqual([0x811c9dc5 % 100, 0xe40c292c % 100, 0xbf9cf968 % 100]);
  });

  it('seededRandom is mulberry32: uniform in [0, 1) and reproducible', () => {
    const r = seededRandom(1);
    const xs = Array.from({ length: 1000 }, r);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / 1000 - 0.5)).toBeLessThan(0.05);
    expect(seededRandom(1)()).toBe(xs[0]);
  });
});
