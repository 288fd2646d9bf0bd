/**
 * `anygate dev` serves the contract: GET /__anygate/openapi.json is the export, GET /__anygate/docs a
 * self-contained page with every spec string escaped (no script, nothing loaded from elsewhere).
 */
import { request } from 'undici';
import { startDev, type DevServer } from '../../dev/server';
import { toGatewaySpec } from '../../lib/model';
import { exportOpenApi } from '../../lib/openapi/export';
import { isolateDevHome } from './helpers';
import { contractEndpoint } from '../../dev/contract-docs';

isolateDevHome();

const evil = '<script>alert(1)</script>"\'&';
const spec = toGatewaySpec({
  name: 'pets',
  description: evil,
  backends: { m: { type: 'mock', statusCode: 200, body: { ok: true } } },
  defaults: { backend: 'm', auth: 'none' },
  components: { schemas: { Pet: { type: 'object', description: evil, properties: { name: { type: 'string' } } } } },
  routes: [{ method: 'GET', path: '/pets/{id}', contract: { summary: `One pet ${evil}`, deprecated: true, responses: { '200': { description: 'The pet', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } } } }],
});
let dev: DevServer;
beforeAll(async () => {
  dev = await startDev({ spec, port: 0, clock: 'virtual' });
});
afterAll(() => dev.close());

async function get(path: string) {
  const r = await request(`${dev.url}${path}`);
  return { status: r.statusCode, type: String(r.headers['content-type']), text: await r.body.text() };
}

describe('dev serves the contract', () => {
  it('GET /__anygate/openapi.json is the exported document', async () => {
    const r = await get('/__anygate/openapi.json');
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json');
    expect(JSON.parse(r.text)).toEqual(JSON.parse(JSON.stringify(exportOpenApi(spec))));
  });

  it('GET /__anygate/docs renders every operation and component, escaped and self-contained', async () => {
    const r = await get('/__anygate/docs');
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/html; charset=utf-8');
    expect(r.text).not.toMatch(/<script|src=|<link|@import|https?:\/\/(?!www\.w3)/i);
    expect(r.text).toContain('One pet &lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(r.text).toContain('<h3 class="deprecated"><span class="method">get</span><code>/pets/{id}</code>');
    expect(r.text).toContain('<a href="#c-schemas-Pet">&quot;#/components/schemas/Pet&quot;</a>');
    expect(r.text).toContain('<h3 id="c-schemas-Pet">schemas/Pet</h3>');
  });
});

describe('a spec whose versions share a method and path', () => {
  // One document a version, as synth writes them (openapi/<version>.json).
  const versioned = toGatewaySpec({
    name: 'items',
    versions: { scheme: 'header', name: 'Api-Version', list: [{ name: 'v1' }, { name: 'v2' }] },
    backends: { m: { type: 'mock', statusCode: 200, body: { ok: true } } },
    defaults: { backend: 'm', auth: 'none' },
    routes: [
      { method: 'GET', path: '/items/{id}', versions: ['v1'] },
      { method: 'GET', path: '/items/{id}', versions: ['v2'], description: 'the second version' },
    ],
  });

  it('serves one document and one page a version, and names them where the whole would be', () => {
    for (const whole of ['/__anygate/openapi.json', '/__anygate/docs']) {
      const r = contractEndpoint(versioned, whole, 'GET')!;
      expect(r.status).toBe(404);
      expect(JSON.parse(r.body).documents).toEqual(whole.endsWith('.json') ? ['/__anygate/openapi/v1.json', '/__anygate/openapi/v2.json'] : ['/__anygate/docs/openapi/v1', '/__anygate/docs/openapi/v2']);
    }
    const v2 = contractEndpoint(versioned, '/__anygate/openapi/v2.json', 'GET')!;
    expect(v2.status).toBe(200);
    expect(JSON.parse(v2.body)).toEqual(JSON.parse(JSON.stringify(exportOpenApi(versioned, { version: 'v2' }))));
    expect(contractEndpoint(versioned, '/__anygate/docs/openapi/v1', 'GET')).toMatchObject({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
    expect(contractEndpoint(versioned, '/__anygate/openapi/v3.json', 'GET')).toBeUndefined();
    expect(contractEndpoint(spec, '/__anygate/openapi/v1.json', 'GET')).toBeUndefined();
  });
});
