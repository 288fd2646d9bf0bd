/**
 * The dev gateway's admin endpoints answer only loopback Hosts and same-origin callers, and a
 * state-changing call needs the run's admin token (issue 28: a DNS-rebinding page could read the
 * access log and move the clock).
 */
import { readFileSync, statSync } from 'node:fs';
import { request } from 'undici';
import { startDev, type DevServer } from '../../dev/server';
import { runVectors } from '../../dev/conform/run';
import { toGatewaySpec } from '../../lib/model';
import { isolateDevHome } from './helpers';

isolateDevHome();

const spec = toGatewaySpec({ name: 't', backends: { m: { type: 'mock', statusCode: 200, body: { ok: true } } }, defaults: { backend: 'm', auth: 'none' }, routes: [{ method: 'GET', path: '/x' }] });
let dev: DevServer;
beforeAll(async () => {
  dev = await startDev({ spec, port: 0, clock: 'virtual' });
});
afterAll(() => dev.close());

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const r = await request(`${dev.url}${path}`, { method: method as 'GET', headers, body });
  const text = await r.body.text();
  return { status: r.statusCode, text };
}
const advance = (headers: Record<string, string>) => call('POST', '/__anygate/clock', { 'content-type': 'application/json', ...headers }, '{"advanceSeconds": 10}');
const clockNow = async () => Date.parse((JSON.parse((await call('GET', '/__anygate/clock')).text) as { now: string }).now);

describe('dev admin endpoints', () => {
  it('refuse a Host that is not loopback or the bound host (DNS rebinding)', async () => {
    for (const host of ['attacker.example', 'attacker.example:' + dev.port, '127.0.0.1.nip.io', '']) {
      expect((await call('GET', '/__anygate/requests', { host })).status).toBe(403);
      expect((await advance({ host, 'x-anygate-admin-token': dev.adminToken })).status).toBe(403);
    }
    for (const host of [`127.0.0.1:${dev.port}`, `localhost:${dev.port}`, 'LOCALHOST', `[::1]:${dev.port}`]) expect((await call('GET', '/__anygate/requests', { host })).status).toBe(200);
    // The gateway's own routes are not admin endpoints: any Host.
    expect((await call('GET', '/x', { host: 'api.example.com' })).status).toBe(200);
  });

  it('refuse cross-site callers', async () => {
    for (const origin of ['https://attacker.example', 'null', `http://127.0.0.1:${dev.port + 1}`, `https://127.0.0.1:${dev.port}`]) {
      expect((await call('GET', '/__anygate/requests', { origin })).status).toBe(403);
      expect((await advance({ origin, 'x-anygate-admin-token': dev.adminToken })).status).toBe(403);
    }
    expect((await call('GET', '/__anygate/requests', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await call('GET', '/__anygate/requests', { origin: `http://localhost:${dev.port}` })).status).toBe(200);
  });

  it('move the clock only with the run token', async () => {
    const before = await clockNow();
    const none = await advance({});
    expect(none.status).toBe(401);
    expect(none.text).toContain('x-anygate-admin-token');
    expect((await advance({ 'x-anygate-admin-token': 'wrong' })).status).toBe(401);
    expect((await advance({ 'x-anygate-admin-token': dev.adminToken.slice(0, -1) + (dev.adminToken.endsWith('A') ? 'B' : 'A') })).status).toBe(401);
    expect(await clockNow()).toBe(before);
    expect((await advance({ 'x-anygate-admin-token': dev.adminToken })).status).toBe(200);
    expect(await clockNow()).toBe(before + 10_000);
  });

  it('publish a random token per run in a 0600 file that conform reads', async () => {
    expect(dev.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(dev.adminTokenFile!, 'utf8').trim()).toBe(dev.adminToken);
    if (process.getuid) expect(statSync(dev.adminTokenFile!).mode & 0o777).toBe(0o600);
    const other = await startDev({ spec, port: 0, clock: 'virtual' });
    expect(other.adminToken).not.toBe(dev.adminToken);
    await other.close();
    const before = await clockNow();
    const results = await runVectors(spec, [{ name: 'later', advanceSeconds: 60, request: { method: 'GET', path: '/x' }, expect: { status: 200 } }], { url: dev.url, env: process.env });
    expect(results[0].pass).toBe(true);
    expect(await clockNow()).toBe(before + 60_000);
  });
});
