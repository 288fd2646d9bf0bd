/**
 * The conform vectors of the records' named differences (dev/conform/differences.ts): on every
 * profile `anygate dev` passes its own, and a dev of another profile fails exactly the vectors
 * where the two targets' records say different things.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { startDev } from '../../dev/server';
import { generateVectors } from '../../dev/conform/generate';
import { formatResults, runVectors } from '../../dev/conform/run';
import { ALL_PROFILES, type Profile } from '../../dev/profiles';
import type { ConformVector } from '../../dev/conform/vectors';
import { echoBackend, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();

/** Every situation in one small gateway Envoy Gateway can carry too; the limit's count is 1 on every profile. */
const input = {
  name: 'diffs',
  basePath: '/v1',
  backends: { m: { type: 'mock', statusCode: 200, body: { ok: true } } },
  authorizers: {
    jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['diffs'], jwksUri: 'https://id.example.com/jwks.json' },
    key: { type: 'apiKey' },
  },
  plans: { trial: { quota: { limit: 3, period: 'day' } } },
  consumers: { acme: { plan: 'trial' } },
  cors: { allowOrigins: ['https://app.example.com'] },
  routes: [
    { id: 'read', method: 'GET', path: '/things', backend: 'm', auth: ['jwt'], scopes: ['things:read'] },
    { id: 'keyed', method: 'GET', path: '/keyed', backend: 'm', auth: 'key' },
    { id: 'limited', method: 'GET', path: '/limited', backend: 'm', auth: 'none', rateLimit: { requestsPerSecond: 1, burst: 1 } },
    // A mixed path: a public GET beside an authenticated ANY (OPTIONS is the ANY route's).
    { id: 'browse', method: 'GET', path: '/mixed', backend: 'm', auth: 'none' },
    { id: 'guarded', method: 'ANY', path: '/mixed', backend: 'm', auth: ['jwt'] },
  ],
};
const spec = toGatewaySpec(input);

const differences = (p: Profile) => generateVectors(spec, 'prod', p).filter((v) => v.name.startsWith('difference: '));

async function run(devProfile: Profile, vectors: ConformVector[]) {
  const dev = await startDev({ spec, stage: 'prod', profile: devProfile, port: 0, clock: 'virtual', mockIdp: true, trustForwarded: true });
  try {
    return await runVectors(spec, vectors, { url: dev.url });
  } finally {
    await dev.close();
  }
}

describe('difference vectors', () => {
  it('one per situation, named alike on every profile', () => {
    const names = ALL_PROFILES.map((p) => differences(p).map((v) => v.name));
    expect(names[0]).toEqual([
      'difference: token without exp (guarded)',
      'difference: scopes only in scp (read)',
      'difference: unmatched path',
      'difference: preflight from a refused origin (keyed)',
      'difference: OPTIONS on a mixed path (guarded)',
      'difference: over the rate limit (limited)',
      'difference: quota exhausted (keyed)',
    ]);
    for (const n of names) expect(n).toEqual(names[0]);
  });

  it('OPTIONS on a mixed path: API Gateway\'s CORS mock answers it (204), the other targets send it to the authenticated route (401)', () => {
    const of = (p: Profile) => differences(p).find((v) => v.name === 'difference: OPTIONS on a mixed path (guarded)')!;
    expect(of('aws').request).toEqual({ method: 'OPTIONS', path: '/v1/mixed', headers: { Origin: 'https://app.example.com' } });
    expect(of('aws').expect).toEqual({ status: 204, body: { 'error.code': null } });
    for (const p of ['azure', 'apigee', 'kubernetes'] as const) expect(of(p).expect).toEqual({ status: 401, body: { 'error.code': 'unauthorized' } });
    // With an OPTIONS route of its own on the path, API Gateway adds no mock: no difference, and the probe takes that route.
    const own = toGatewaySpec({ ...input, routes: [...input.routes.filter((r) => r.id !== 'guarded'), { id: 'opts', method: 'OPTIONS', path: '/mixed', backend: 'm', auth: ['jwt'] }] });
    const v = generateVectors(own, 'prod', 'aws').find((x) => x.name.startsWith('difference: OPTIONS'))!;
    expect(v.name).toBe('difference: OPTIONS on a mixed path (opts)');
    expect(v.expect).toEqual({ status: 401, body: { 'error.code': 'unauthorized' } });
  });

  it('expect what each target\'s records say, and the spec where they say nothing', () => {
    const expectOf = (p: Profile, situation: string) => differences(p).find((v) => v.name.startsWith(`difference: ${situation}`))!.expect;
    expect(expectOf('kubernetes', 'token without exp')).toEqual({ statusNot: [401, 403, 429] });
    expect(expectOf('aws', 'token without exp')).toEqual({ status: 401, body: { 'error.code': 'unauthorized' } });
    expect(expectOf('kubernetes', 'scopes only in scp')).toEqual({ statusNot: [401, 403, 429] });
    expect(expectOf('apigee', 'scopes only in scp')).toEqual({ status: 403, body: { 'error.code': 'forbidden' } });
    expect(['aws', 'apigee'].map((p) => expectOf(p as Profile, 'unmatched path'))).toEqual([0, 1].map(() => ({ status: 404, body: { 'error.code': 'not_found' } })));
    expect(['azure', 'kubernetes'].map((p) => expectOf(p as Profile, 'unmatched path'))).toEqual([0, 1].map(() => ({ status: 404, body: { 'error.code': null } })));
    expect(expectOf('kubernetes', 'quota exhausted')).toEqual({ status: 429, body: { 'error.code': 'rate_limited' } });
    expect(expectOf('azure', 'quota exhausted')).toEqual({ status: 429, body: { 'error.code': 'quota_exceeded' } });
    expect(expectOf('kubernetes', 'preflight from a refused origin')).toEqual({ status: 403, headers: { 'access-control-allow-origin': null }, body: { 'error.code': 'forbidden' } });
    for (const p of ALL_PROFILES) expect(expectOf(p, 'over the rate limit')).toEqual({ status: 429, body: { 'error.code': 'rate_limited' }, headers: { 'retry-after': null } });
  });

  it('a native-errors spec expects API Gateway\'s 403 for an unmatched path and APIM\'s 403 for a quota (errors.native probes)', () => {
    const native = toGatewaySpec({ ...JSON.parse(JSON.stringify({ name: 'diffs' })), errors: 'native', basePath: '/v1', backends: { m: { type: 'mock' } }, authorizers: { key: { type: 'apiKey' } }, plans: { trial: { quota: { limit: 3, period: 'day' } } }, consumers: { acme: { plan: 'trial' } }, routes: [{ id: 'keyed', method: 'GET', path: '/keyed', backend: 'm', auth: 'key' }] });
    const of = (p: Profile, n: string) => generateVectors(native, 'prod', p).find((v) => v.name.startsWith(`difference: ${n}`))!.expect;
    expect(of('aws', 'unmatched path')).toEqual({ status: 403 });
    expect(of('apigee', 'unmatched path')).toEqual({ status: 404 });
    expect(of('azure', 'quota exhausted')).toEqual({ status: 403 });
    expect(of('aws', 'quota exhausted')).toEqual({ status: 429 });
  });

  it.each(ALL_PROFILES)('pass on dev --profile %s, with every other generated case', async (profile) => {
    const vectors = generateVectors(spec, 'prod', profile);
    const results = await run(profile, vectors);
    if (results.some((r) => !r.pass)) throw new Error(formatResults(results));
    expect(results.filter((r) => r.name.startsWith('difference: '))).toHaveLength(7);
  });

  it.each(ALL_PROFILES)('a dev that behaves like another target than %s fails exactly the vectors whose records differ', async (profile) => {
    const mine = differences(profile);
    for (const other of ALL_PROFILES.filter((p) => p !== profile)) {
      const theirs = new Map(differences(other).map((v) => [v.name, JSON.stringify(v)]));
      const differing = mine.filter((v) => theirs.get(v.name) !== JSON.stringify(v)).map((v) => v.name);
      const failed = (await run(other, mine)).filter((r) => !r.pass).map((r) => r.name);
      expect({ other, failed }).toEqual({ other, failed: differing });
      if ([profile, other].includes('kubernetes') && [profile, other].some((p) => p === 'aws' || p === 'apigee')) {
        // Kubernetes against AWS or Apigee: every named Kubernetes difference, and nothing else.
        expect(failed).toEqual(['difference: token without exp (guarded)', 'difference: scopes only in scp (read)', 'difference: unmatched path', 'difference: preflight from a refused origin (keyed)', ...(profile === 'aws' || other === 'aws' ? ['difference: OPTIONS on a mixed path (guarded)'] : []), 'difference: quota exhausted (keyed)']);
      }
    }
  });
});

describe('cache with no-cache', () => {
  // Envoy Gateway has no response cache (route.cache unsupported on kubernetes): the three clouds.
  const CLOUDS: Profile[] = ['aws', 'azure', 'apigee'];
  const cacheInput = (honorNoCache: boolean) =>
    toGatewaySpec({
      name: 'nocache',
      basePath: '/v1',
      backends: { api: { type: 'http', url: 'https://api.example.com' } },
      routes: [{ id: 'cached', method: 'GET', path: '/things', backend: 'api', auth: 'none', cache: { ttlSeconds: 300 }, ...(honorNoCache ? { apigee: { honorNoCache: true } } : {}) }],
    });
  const honoring = cacheInput(true);
  const vectorsOf = (s: typeof honoring, p: Profile) => generateVectors(s, 'prod', p).filter((v) => v.name.startsWith('difference: cache with no-cache'));
  let backend: EchoBackend;
  beforeAll(async () => {
    backend = await echoBackend();
  });
  afterAll(() => backend.close());

  async function runOn(s: typeof honoring, devProfile: Profile, vectors: ConformVector[]) {
    const dev = await startDev({ spec: s, stage: 'prod', profile: devProfile, port: 0, clock: 'virtual', backends: { api: backend.url } });
    try {
      return await runVectors(s, vectors, { url: dev.url });
    } finally {
      await dev.close();
    }
  }

  it('a set-up case fills the cache, the probe asks again with Cache-Control: no-cache; only Apigee with honorNoCache expects a fresh answer', () => {
    for (const p of CLOUDS) {
      const [setup, probe] = vectorsOf(honoring, p);
      expect(setup).toMatchObject({ name: 'difference: cache with no-cache (cached): set-up', request: { method: 'GET', path: '/v1/things' }, expect: { status: 200 } });
      expect(probe).toMatchObject({ name: 'difference: cache with no-cache (cached)', request: { method: 'GET', path: '/v1/things', headers: { 'Cache-Control': 'no-cache' } } });
      expect(probe.advanceSeconds).toBeUndefined();
      expect(probe.expect).toEqual({ status: 200, sameBodyAsPrevious: p !== 'apigee' });
    }
    for (const p of CLOUDS) expect(vectorsOf(cacheInput(false), p)[1].expect).toEqual({ status: 200, sameBodyAsPrevious: true });
  });

  it.each(CLOUDS)('pass on dev --profile %s, and a dev of another cloud fails exactly the no-cache probe where the records differ', async (profile) => {
    const own = await runOn(honoring, profile, generateVectors(honoring, 'prod', profile));
    if (own.some((r) => !r.pass)) throw new Error(formatResults(own));
    for (const other of CLOUDS.filter((p) => p !== profile)) {
      const failed = (await runOn(honoring, other, vectorsOf(honoring, profile))).filter((r) => !r.pass).map((r) => r.name);
      expect({ other, failed }).toEqual({ other, failed: [profile, other].includes('apigee') ? ['difference: cache with no-cache (cached)'] : [] });
    }
  });
});
