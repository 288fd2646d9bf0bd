/**
 * `anygate dev --profile aws` adds CORS headers to every actual response, where deployed API
 * Gateway passes proxied routes' answers through unchanged: its start banner says so, naming the
 * routes, exactly when synth --target aws warns that the backends must send the headers.
 */
import * as path from 'node:path';
import { loadSpec } from '../../lib/load';
import { compileAws } from '../../providers/aws/compile';
import { awsCorsDifference, awsProxiedRoutes } from '../../dev/cors';
import { isLlmBackend } from '../../dev/ai-model';
import { startDev } from '../../dev/server';
import { expandVersions } from '../../lib/model/versions';
import { toGatewaySpec } from '../../lib/model/normalize';
import { isolateDevHome } from './helpers';

isolateDevHome();
const ROOT = path.join(__dirname, '..', '..');
const CORS_PROXY_WARNING = /^CORS: proxy integrations pass backend responses through unchanged/;
const EXAMPLES = ['examples/petstore/gateway.yaml', 'examples/contract/gateway.yaml', 'examples/minimal/gateway.yaml', 'examples/multi-stage/gateway.ts', 'examples/payments/gateway.yaml'];

const spec = toGatewaySpec({
  name: 'shop',
  version: '1',
  backends: { catalog: { type: 'http', url: 'https://catalog.example.com' }, stub: { type: 'mock', statusCode: 200, body: { ok: true } } },
  stages: { dev: {} },
  cors: { allowOrigins: ['https://shop.example.com'] },
  routes: [
    { id: 'listProducts', method: 'GET', path: '/products', backend: 'catalog', auth: 'none' },
    { id: 'redacted', method: 'GET', path: '/redacted', backend: 'catalog', auth: 'none', transform: { response: { setHeaders: { 'x-served-by': 'anygate' } } } },
    { id: 'status', method: 'GET', path: '/status', backend: 'stub', auth: 'none' },
  ],
});

describe('dev --profile aws: CORS on proxied routes', () => {
  it('names the proxied routes only (not those through the transform function, not mocks)', () => {
    expect(awsProxiedRoutes(spec, () => false)).toEqual(['listProducts']);
    expect(awsCorsDifference(spec, () => false)).toBe(
      "CORS on aws: dev adds Access-Control-Allow-Origin to the answers of proxied routes (listProducts), but deployed API Gateway passes their backends' answers through unchanged: there the backends must send the CORS headers themselves (synth --target aws warns the same)",
    );
    expect(awsCorsDifference({ ...spec, cors: undefined }, () => false)).toBeUndefined();
  });

  it.each(EXAMPLES)('%s: the banner line exactly when synth --target aws warns', async (file) => {
    const s = (await loadSpec(path.join(ROOT, file))).spec;
    const synthWarns = compileAws(s).warnings.some((w) => CORS_PROXY_WARNING.test(w));
    const expanded = expandVersions(s);
    expect([file, Boolean(awsCorsDifference(expanded, (b) => isLlmBackend(expanded, b)))]).toEqual([file, synthWarns]);
  });

  it('is in the start warnings on the aws profile, not on the others', async () => {
    for (const profile of ['aws', 'azure'] as const) {
      const dev = await startDev({ spec, profile, port: 0, publishAdminToken: false });
      try {
        expect([profile, dev.warnings.some((w) => w.startsWith('CORS on aws:'))]).toEqual([profile, profile === 'aws']);
      } finally {
        await dev.close();
      }
    }
  });
});
