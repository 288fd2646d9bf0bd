/**
 * anygate conform on a versioned spec: every generated case (each route in each version, with its
 * selector) and the version cases (deprecation headers, no version, unknown version) pass against
 * anygate dev on the profiles whose targets synthesize the scheme.
 */
import * as path from 'node:path';
import { generateVectors } from '../../dev/conform/generate';
import { formatResults, runVectors } from '../../dev/conform/run';
import { loadFunctions } from '../../dev/functions';
import { startDev } from '../../dev/server';
import { toGatewaySpec } from '../../lib/model/normalize';
import { echoBackend, isolateDevHome, type EchoBackend } from '../dev/helpers';
import { lifecycleSpec } from './fixtures';

isolateDevHome();
let backend: EchoBackend;
beforeAll(async () => {
  backend = await echoBackend();
});
afterAll(() => backend.close());

describe.each([
  ['path', 'aws'],
  ['path', 'kubernetes'],
  ['header', 'azure'],
  ['query', 'apigee'],
] as const)('%s versioning on the %s profile', (scheme, profile) => {
  it('passes every generated case, the version cases among them', async () => {
    const spec = toGatewaySpec(lifecycleSpec(scheme, false));
    const vectors = generateVectors(spec, 'prod', profile);
    const names = vectors.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['version v1: answers its deprecation headers', 'version v2: answers without deprecation headers', 'a request that names no version matches no route', 'a request that names an unknown version matches no route']));
    const dev = await startDev({
      spec,
      profile,
      port: 0,
      clock: 'virtual',
      mockIdp: true,
      publishAdminToken: false,
      backends: { api: backend.url, 'api-next': backend.url },
      functions: loadFunctions([`fn=${path.join(__dirname, '..', 'dev', 'fixtures', 'orders-any-cloud.js')}`]),
    });
    try {
      const results = await runVectors(spec, vectors, { url: dev.url, adminToken: dev.adminToken });
      if (results.some((r) => !r.pass)) throw new Error(formatResults(results));
      expect(results).toHaveLength(vectors.length);
    } finally {
      await dev.close();
    }
  });
});
