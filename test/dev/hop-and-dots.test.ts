/**
 * `anygate dev` proxies through the generated transform code, so its fixes hold here too
 * (issue 28): headers named in Connection are not forwarded, and `..%5C` in a path parameter is
 * refused like `../`.
 */
import { request as httpRequest } from 'node:http';
import { request } from 'undici';
import { startDev, type DevServer } from '../../dev/server';
import { toGatewaySpec } from '../../lib/model/normalize';
import { echoBackend, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();

let backend: EchoBackend;
let dev: DevServer;
beforeAll(async () => {
  backend = await echoBackend();
  const spec = toGatewaySpec({ name: 'hop', backends: { api: { type: 'http', url: 'https://api.example.com' } }, defaults: { backend: 'api', auth: 'none' }, routes: [{ method: 'GET', path: '/files/{id}', transform: { request: { rewritePath: '/store/{id}' } } }] });
  dev = await startDev({ spec, port: 0, backends: { api: backend.url }, publishAdminToken: false });
});
afterAll(async () => {
  await dev.close();
  await backend.close();
});

describe('dev proxying', () => {
  it('drops the headers Connection names', async () => {
    // node:http, since undici will not send a Connection header naming other headers.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${dev.url}/files/a`, { headers: { connection: 'keep-alive, x-hop-secret', 'x-hop-secret': 's', 'x-kept': 'k' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    const seen = JSON.parse(body) as { headers: Record<string, string> };
    expect(status).toBe(200);
    expect(seen.headers['x-hop-secret']).toBeUndefined();
    expect(seen.headers['x-kept']).toBe('k');
  });

  it.each(['..%5Cadmin', '..%5cadmin', '%2e%2e%5Cadmin', '..%255Cadmin'])('refuses the dot segment in %s', async (id) => {
    const before = backend.hits;
    const r = await request(`${dev.url}/files/${id}`);
    await r.body.text();
    expect(r.statusCode).toBe(400);
    expect(backend.hits).toBe(before);
  });
});
