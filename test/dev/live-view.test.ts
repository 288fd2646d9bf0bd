/**
 * The live view's endpoints without a browser (test/browser/pages.test.ts drives the page): the
 * page and its headers, at /__anygate/ and /_anygate/; the routes; the SSE feed, which resumes
 * after Last-Event-ID; all behind the admin guard (loopback Host, same Origin).
 */
import { request } from 'undici';
import { LIVE_VIEW_CSP } from '../../dev/live-view/page';
import { get, isolateDevHome } from './helpers';
import { observedDev, type ObservedDev } from './observability-kit';

isolateDevHome();

/** Reads a stream's SSE events until `count` `request` events arrived; then drops the connection. */
async function events(url: string, count: number, headers: Record<string, string> = {}): Promise<{ status: number; type?: string; ids: number[]; runs: Set<string>; data: Record<string, unknown>[] }> {
  const r = await request(url, { headers });
  const ids: number[] = [];
  const runs = new Set<string>();
  const data: Record<string, unknown>[] = [];
  if (r.statusCode !== 200) {
    await r.body.text();
    return { status: r.statusCode, ids, runs, data };
  }
  let buf = '';
  for await (const chunk of r.body) {
    buf += chunk.toString();
    let end: number;
    while ((end = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const fields = Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
      if (fields.event !== 'request') continue;
      ids.push(Number(fields.id.split('-')[1]));
      runs.add(fields.id.split('-')[0]);
      data.push(JSON.parse(fields.data));
    }
    if (ids.length >= count) break;
  }
  r.body.destroy();
  return { status: 200, type: String(r.headers['content-type']), ids, runs, data };
}

describe('dev live view endpoints', () => {
  let o: ObservedDev;
  beforeAll(async () => {
    o = await observedDev();
  });
  afterAll(() => o.close());

  it('serve one self-contained page with a strict CSP, also at /_anygate/', async () => {
    for (const p of ['/__anygate/', '/_anygate/', '/_anygate']) {
      const r = await get(o.dev.url + p);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-security-policy')).toBe(LIVE_VIEW_CSP);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.text).toMatch(/^<!doctype html>/);
      // Nothing fetched from elsewhere: no src/href but the empty icon, no CDN.
      expect(r.text.match(/(src|href)=/g)).toEqual(['href=']);
      expect(r.text).toContain('<link rel="icon" href="data:,">');
    }
    expect(LIVE_VIEW_CSP).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self';/);
    expect(LIVE_VIEW_CSP).not.toMatch(/unsafe/);
  });

  it('list the routes with their auth and backend', async () => {
    expect((await get(`${o.dev.url}/__anygate/routes`)).json()).toEqual({
      gateway: 'obs',
      profile: 'aws',
      stage: o.dev.stage,
      trustForwarded: false,
      mockLlm: [],
      routes: o.spec.routes.map((r) => ({ id: r.id, method: r.method, path: `/v1${r.path}`, auth: r.auth === 'none' ? 'none' : r.auth.map((a) => a.join(' + ')).join(' | '), scopes: r.scopes, backend: r.backend })),
    });
  });

  it('stream each request, and resume after Last-Event-ID', async () => {
    await get(`${o.dev.url}/v1/status`);
    await get(`${o.dev.url}/v1/pets`);
    const first = await events(`${o.dev.url}/__anygate/events`, 2);
    expect(first.type).toBe('text/event-stream; charset=utf-8');
    expect(first.data.map((d) => [d.routeId, d.status, d.reason ?? null])).toEqual([
      ['status', 200, null],
      ['listPets', 401, 'no bearer token (Authorization: Bearer ...) was presented'],
    ]);
    expect([...first.runs]).toEqual([o.dev.accessLog.run]);
    const live = events(`${o.dev.url}/__anygate/events`, 1, { 'last-event-id': `${o.dev.accessLog.run}-${first.ids[1]}` });
    // Whether the request lands before or after the stream subscribes, it comes once: from the ring or live.
    await get(`${o.dev.url}/v1/broken`);
    const next = await live;
    expect(next.ids).toEqual([first.ids[1] + 1]);
    expect(next.data[0]).toMatchObject({ routeId: 'broken', status: 502, backend: 'down' });
    // An id of another run (dev restarted since) replays everything kept.
    const stale = await events(`${o.dev.url}/__anygate/events`, 3, { 'last-event-id': `0000beef-${first.ids[1]}` });
    expect(stale.ids).toEqual([first.ids[0], first.ids[1], next.ids[0]]);
  });

  it('are admin endpoints: a foreign Host or Origin is refused', async () => {
    for (const p of ['/__anygate/', '/__anygate/events', '/__anygate/routes', '/_anygate/']) {
      expect((await events(o.dev.url + p, 0, { host: 'attacker.example' })).status).toBe(403);
      expect((await events(o.dev.url + p, 0, { origin: 'https://attacker.example' })).status).toBe(403);
    }
  });
});
