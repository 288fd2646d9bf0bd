/**
 * Retries in `anygate dev` (dev/retry.ts): the loop with an injected wait (no sleeping), then the
 * gateway end to end against a backend that fails its first answers.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toGatewaySpec } from '../../lib/model';
import { normalizeRetry } from '../../lib/model/retry';
import { withRetries } from '../../dev/retry';
import { BackendError } from '../../dev/proxy';
import { startDev } from '../../dev/server';
import { DevRefusedError } from '../../dev/errors';
import { get, isolateDevHome } from './helpers';

isolateDevHome();

/** A call that answers (or throws) from a script, one entry per try, and the waits asked for. */
function scripted(script: (number | Error)[]) {
  const waits: number[] = [];
  let tries = 0;
  const call = async () => {
    const next = script[tries++];
    if (next instanceof Error) throw next;
    return { status: next };
  };
  return { call, waits, wait: async (ms: number) => void waits.push(ms), tries: () => tries };
}

describe('withRetries', () => {
  it('retries a listed status up to attempts, waiting (2^n - 1) x base (Envoy\'s bound), capped at maxMs', async () => {
    const r = normalizeRetry({ attempts: 3, on: [503], backoff: { baseMs: 100, maxMs: 250 } });
    const s = scripted([503, 503, 503, 503]);
    expect((await withRetries(r, s.call, s.wait)).status).toBe(503);
    expect(s.tries()).toBe(4);
    expect(s.waits).toEqual([100, 250, 250]);
    const d = scripted([503, 503, 503, 200]);
    await withRetries(normalizeRetry({ attempts: 3, on: [503] }), d.call, d.wait);
    expect(d.waits).toEqual([25, 75, 175]);
  });

  it('returns the first answer it does not retry', async () => {
    const r = normalizeRetry({ attempts: 3, on: ['5xx'] });
    const s = scripted([500, 502, 200, 500]);
    expect((await withRetries(r, s.call, s.wait)).status).toBe(200);
    expect(s.tries()).toBe(3);
    const unlisted = scripted([500, 200]);
    expect((await withRetries(normalizeRetry({ attempts: 3, on: [503] }), unlisted.call, unlisted.wait)).status).toBe(500);
    expect(unlisted.tries()).toBe(1);
  });

  it('retries no answer under connect-failure or 5xx only, and never an error that is not the backend\'s', async () => {
    const refused = () => new BackendError('badGateway', 'refused');
    const s = scripted([refused(), new BackendError('timeout', 'slow'), 200]);
    expect((await withRetries(normalizeRetry({ attempts: 2, on: ['connect-failure'] }), s.call, s.wait)).status).toBe(200);
    const codesOnly = scripted([refused(), 200]);
    await expect(withRetries(normalizeRetry({ attempts: 2, on: [503] }), codesOnly.call, codesOnly.wait)).rejects.toThrow('refused');
    const bug = scripted([new Error('a bug'), 200]);
    await expect(withRetries(normalizeRetry({ attempts: 2, on: ['5xx'] }), bug.call, bug.wait)).rejects.toThrow('a bug');
    // The azure profile: API Management goes to on-error on a try with no answer.
    const azure = scripted([refused(), 200]);
    await expect(withRetries(normalizeRetry({ attempts: 2, on: ['connect-failure', '5xx'] }), azure.call, azure.wait, false)).rejects.toThrow('refused');
    expect(azure.tries()).toBe(1);
    const none = scripted([refused()]);
    await expect(withRetries(undefined, none.call, none.wait)).rejects.toThrow('refused');
    expect(none.waits).toEqual([]);
  });
});

describe('anygate dev retries the backend', () => {
  let hits = 0;
  let failFirst = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(hits <= failFirst ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ hit: hits }));
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const spec = () =>
    toGatewaySpec({
      name: 't',
      backends: { api: { type: 'http', url: 'https://api.example.com' } },
      routes: [{ method: 'GET', path: '/r', backend: 'api', auth: 'none', retry: { attempts: 2, on: [503], backoff: { baseMs: 1 } } }],
    });

  it.each(['azure', 'kubernetes'] as const)('on %s: two 503s then 200 answer 200 after three calls; three 503s answer 503', async (profile) => {
    const dev = await startDev({ spec: spec(), profile, port: 0, backends: { api: url } });
    try {
      hits = 0;
      failFirst = 2;
      const ok = await get(`${dev.url}/r`);
      expect([ok.status, hits]).toEqual([200, 3]);
      hits = 0;
      failFirst = 3;
      const failed = await get(`${dev.url}/r`);
      expect([failed.status, hits]).toEqual([503, 3]);
    } finally {
      await dev.close();
    }
  });

  it.each([['azure', 1], ['kubernetes', 3]] as const)('on %s: a backend that resets the connection is called %i time(s) (API Management does not retry no answer)', async (profile, calls) => {
    let resets = 0;
    const reset = createServer((req) => {
      resets++;
      req.socket.destroy();
    });
    await new Promise<void>((r) => reset.listen(0, '127.0.0.1', () => r()));
    const s = toGatewaySpec({
      name: 't',
      backends: { api: { type: 'http', url: 'https://api.example.com' } },
      routes: [{ method: 'GET', path: '/r', backend: 'api', auth: 'none', retry: { attempts: 2, on: ['connect-failure', 503], backoff: { baseMs: 1 } } }],
    });
    const dev = await startDev({ spec: s, profile, port: 0, backends: { api: `http://127.0.0.1:${(reset.address() as AddressInfo).port}` } });
    try {
      const r = await get(`${dev.url}/r`);
      expect([r.status >= 500, resets]).toEqual([true, calls]);
    } finally {
      await dev.close();
      await new Promise<void>((r) => reset.close(() => r()));
    }
  });

  it.each(['aws', 'apigee'] as const)('on %s: refuses to start, naming the route and the feature', async (profile) => {
    const started = startDev({ spec: spec(), profile, port: 0, backends: { api: url } });
    await expect(started).rejects.toThrow(DevRefusedError);
    await expect(started).rejects.toThrow(new RegExp(`route get-r: backend\\.retry on ${profile}`));
  });
});
