/**
 * `anygate dev --backend NAME=URL` and release.canary: the canary draw happens as on the targets
 * (an override changes where a side goes, never whether the draw happens), each side goes to its
 * own override when one is given, and an override of a version canary's stable backend reaches the
 * copy the version canary routes through (`<backend>-<version>`, lib/model/canary.ts).
 * The draw is an injected source; the backends are local echo servers counting their hits.
 */
import { startDev, type DevOptions } from '../../dev/server';
import { toGatewaySpec } from '../../lib/model/normalize';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();

let stable: EchoBackend;
let next: EchoBackend;
let overA: EchoBackend;
let overB: EchoBackend;
beforeAll(async () => {
  [stable, next, overA, overB] = await Promise.all([echoBackend(), echoBackend(), echoBackend(), echoBackend()]);
});
afterAll(async () => {
  await Promise.all([stable, next, overA, overB].map((b) => b.close()));
});

/** Which echo answered each request: s(table), n(ext), A, B. */
async function sides(opts: Omit<DevOptions, 'port'>, paths: string[], draws: number[]): Promise<string> {
  let i = 0;
  const dev = await startDev({ port: 0, publishAdminToken: false, profile: 'kubernetes', ...opts, random: () => draws[i++ % draws.length] });
  try {
    let out = '';
    for (const p of paths) {
      const before = [stable.hits, next.hits, overA.hits, overB.hits];
      const r = await get(dev.url + p);
      expect(r.status).toBe(200);
      const after = [stable.hits, next.hits, overA.hits, overB.hits];
      out += after.map((h, k) => (h > before[k] ? 'snAB'[k] : '')).join('');
    }
    return out;
  } finally {
    await dev.close();
  }
}

describe('backend canary (release.canary.backend) with --backend', () => {
  const spec = () =>
    toGatewaySpec({
      name: 'shop',
      backends: { items: { type: 'http', url: stable.url }, 'items-next': { type: 'http', url: next.url } },
      release: { canary: { percent: 30, backend: 'items-next', of: 'items' } },
      routes: [{ method: 'GET', path: '/items/{id}', backend: 'items', auth: 'none' }],
    });
  // 0.1 draws the canary (below 30 %), 0.9 the stable side.
  const paths = ['/items/1', '/items/2', '/items/3', '/items/4'];
  const draws = [0.1, 0.9, 0.9, 0.1];

  it('without overrides each side goes to its spec URL', async () => {
    expect(await sides({ spec: spec() }, paths, draws)).toBe('nssn');
  });

  it('an override of the stable backend keeps the draw: the canary side still reaches the canary', async () => {
    expect(await sides({ spec: spec(), backends: { items: overA.url } }, paths, draws)).toBe('nAAn');
  });

  it('an override of the canary backend is where the canary side goes', async () => {
    expect(await sides({ spec: spec(), backends: { 'items-next': overB.url } }, paths, draws)).toBe('BssB');
    expect(await sides({ spec: spec(), backends: { items: overA.url, 'items-next': overB.url } }, paths, draws)).toBe('BAAB');
  });
});

describe('version canary (release.canary.version) with --backend', () => {
  const spec = () =>
    toGatewaySpec({
      name: 'shop',
      backends: { items: { type: 'http', url: stable.url }, 'items-v2': { type: 'http', url: next.url } },
      versions: { scheme: 'path', list: [{ name: 'v1' }, { name: 'v2' }] },
      release: { canary: { percent: 25, version: 'v2' } },
      routes: [
        { method: 'GET', path: '/items/{id}', backend: 'items', auth: 'none', versions: ['v1'] },
        { method: 'GET', path: '/items/{itemId}', backend: 'items-v2', auth: 'none', versions: ['v2'] },
        { method: 'GET', path: '/stock', backend: 'items', auth: 'none', versions: ['v1'] },
      ],
    });
  // v1's paired route (drawn: canary, stable), v1's unpaired route, v2's route (no draw).
  const paths = ['/v1/items/1', '/v1/items/2', '/v1/stock', '/v2/items/3'];
  const draws = [0.1, 0.9];

  it('without overrides v1 splits between its backend and v2\'s', async () => {
    expect(await sides({ spec: spec() }, paths, draws)).toBe('nssn');
  });

  it('an override of the stable backend reaches v1\'s paired routes too (they route through a copy of it)', async () => {
    expect(await sides({ spec: spec(), backends: { items: overA.url } }, paths, draws)).toBe('nAAn');
  });

  it('an override of the version\'s backend is where both its own routes and the canary side go', async () => {
    expect(await sides({ spec: spec(), backends: { 'items-v2': overB.url } }, paths, draws)).toBe('BssB');
  });

  it('the copy\'s own override wins over its original\'s', async () => {
    expect(await sides({ spec: spec(), backends: { items: overA.url, 'items-v1': overB.url } }, paths, draws)).toBe('nBAn');
  });
});
