/**
 * What the dev gateway remembers or skips per request to keep its CPU per request down
 * (docs/performance.md, Round 3 seventh pass), each checked against the work it stands in for:
 * the placeholder target read without a URL parse, backend request targets from a parsed base,
 * the aws profile's bounded authorizer result cache, and the access log's ring.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toGatewaySpec } from '../../lib/model';
import { placeholderTarget } from '../../dev/transform';
import { requestUrl } from '../../dev/plain-url';
import { RequestTargets } from '../../dev/proxy';
import { createDevAuthorizer } from '../../dev/aws-authorizer';
import { virtualClock } from '../../dev/clock';
import { mockJwks, mockToken } from '../../dev/mock-idp';
import { AccessLog, type AccessRecord } from '../../dev/access-log';
import { startDev } from '../../dev/server';
import { isolateDevHome } from './helpers';

isolateDevHome();

describe('placeholderTarget', () => {
  const parsed = (url: string) => {
    const u = new URL(url);
    const host = '.backend.anygate.invalid';
    return { backend: u.hostname.endsWith(host) ? u.hostname.slice(0, -host.length) : '', pathAndQuery: u.pathname + u.search };
  };
  it.each([
    'http://api.backend.anygate.invalid/items/1',
    'http://api.backend.anygate.invalid/items/1?a=1&b=%20x',
    'http://my-api_2.backend.anygate.invalid/a/b/c;v=1/@x:y/~z!$&()*+,=',
    'http://api.backend.anygate.invalid/',
    // Parsed: an upper-case host, dot segments (plain and escaped), characters the parser encodes or rewrites.
    'http://API.backend.anygate.invalid/items',
    'http://api.backend.anygate.invalid/a/../b',
    'http://api.backend.anygate.invalid/a/./b',
    'http://api.backend.anygate.invalid/a/%2E%2e/b',
    'http://api.backend.anygate.invalid/a\\b',
    'http://api.backend.anygate.invalid/a b?q=x y',
    "http://api.backend.anygate.invalid/a'b?q='x'",
    'http://api.backend.anygate.invalid/a"b{c}`d<e>^|',
    'http://api.backend.anygate.invalid/caf\u00e9?q=\u00e9',
    'http://api.backend.anygate.invalid/a#frag',
    'http://api.backend.anygate.invalid',
    'http://api.backend.anygate.invalid?x=1',
    'http://api.backend.anygate.invalid:80/p',
    'http://other.example/p',
  ])('reads %s as new URL does', (url) => {
    expect(placeholderTarget(url)).toEqual(parsed(url));
  });
});

describe('requestUrl', () => {
  it.each(['/', '/items/1', '/a/b;c=d/@e:f/~g!$&()*+,=', '/items/1?a=1&a=2&b=%20', '/a/../b', '/a/./b', '/a/%2e%2E/b', '//evil.example/x', '/a b', '/a\\b', '/caf\u00e9', '/a#f', '/a%zz', '/a//b', "/a'b", '/a{b}'])('reads %s as new URL does', (target) => {
    const u = new URL(target, 'http://localhost');
    const r = requestUrl(target);
    expect(r.pathname).toBe(u.pathname);
    expect([...r.searchParams]).toEqual([...u.searchParams]);
  });
});

describe('RequestTargets', () => {
  const whole = (base: string, pq: string) => {
    const u = new URL(base + pq);
    return { origin: u.origin, path: u.search ? u.pathname + u.search : u.pathname };
  };
  it.each([
    ['http://127.0.0.1:8080', '/items/1?a=1'],
    ['http://127.0.0.1:8080/api/v1', '/items/1'],
    ['HTTP://Example.COM:80/Base', '/x'],
    ['https://example.com:443', '/'],
    ['http://example.com/a/.', '/items'],
    ['http://example.com/a/..', '/items'],
    ['http://example.com/a b', '/items'],
    ['http://example.com/p?k=v', '/items'],
    ['http://user:pw@example.com/p', '/items'],
    ['http://example.com/p', '?q=1'],
  ])('sends %s + %s where the whole URL would go', (base, pq) => {
    expect(new RequestTargets().of(base, pq)).toEqual(whole(base, pq));
  });

  it('is keyed by the base text and bounded: past its size it starts over, and still answers right', () => {
    const t = new RequestTargets(2);
    for (const port of [1001, 1002, 1003, 1001]) expect(t.of(`http://127.0.0.1:${port}/b`, '/x')).toEqual(whole(`http://127.0.0.1:${port}/b`, '/x'));
    expect(t.remembered).toBeLessThanOrEqual(2);
    expect(t.of('http://127.0.0.1:1004/c', '/x')).toEqual({ origin: 'http://127.0.0.1:1004', path: '/c/x' });
    expect(t.of('http://127.0.0.1:1004/d', '/x')).toEqual({ origin: 'http://127.0.0.1:1004', path: '/d/x' });
  });
});

describe('the aws profile authorizer result cache', () => {
  const spec = toGatewaySpec({
    name: 'cache',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { jwt: { type: 'jwt', issuer: 'https://login.example.com/', jwksUri: 'https://login.example.com/.well-known/jwks.json', audiences: ['a'], algorithms: ['RS256'], clockSkewSeconds: 0, resultTtlSeconds: 300 } },
    routes: [{ id: 'items', method: 'GET', path: '/items/{id}', backend: 'api', auth: ['jwt'] }],
  } as never);
  const route = spec.routes[0];

  async function jwks(): Promise<{ url: string; close: () => Promise<void> }> {
    const body = JSON.stringify(mockJwks(spec));
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, close: () => new Promise((r) => server.close(() => r())) };
  }

  it('keeps a result per token within the TTL, and drops the oldest past its size', async () => {
    const idp = await jwks();
    try {
      const clock = virtualClock(Date.UTC(2026, 0, 1));
      const token = (sub: string) => `Bearer ${mockToken(spec, { authorizer: 'jwt', sub, expiresInSeconds: 10, nowMs: clock.now() })}`;
      const a = token('alice');
      const b = token('bob');
      const auth = createDevAuthorizer(spec, { clock, jwksUris: { jwt: idp.url }, resultCache: true, resultCacheSize: 2 });
      const call = (authorization: string) => auth.authorize(route, { method: 'GET', path: '/items/1', headers: { authorization }, query: {} });
      // Keyed by the token: each caller's own principal.
      expect(await call(a)).toMatchObject({ ok: true, principal: 'alice' });
      expect(await call(b)).toMatchObject({ ok: true, principal: 'bob' });
      clock.advance(60);
      // Within the TTL the cached result stands, as on API Gateway, though the tokens expired.
      expect(await call(a)).toMatchObject({ ok: true, principal: 'alice' });
      expect(await call(b)).toMatchObject({ ok: true, principal: 'bob' });
      // A third caller (a token valid now) pushes out the oldest (alice): hers is verified again, and refused as expired.
      expect(await call(token('carol'))).toMatchObject({ ok: true, principal: 'carol' });
      expect(await call(a)).toEqual({ ok: false, reason: 'unauthorized' });
      expect(await call(b)).toMatchObject({ ok: true, principal: 'bob' });
    } finally {
      await idp.close();
    }
  });
});

describe('AccessLog ring', () => {
  const rec = (log: AccessLog, path: string) => log.push({ seq: log.nextSeq(), path } as unknown as AccessRecord);
  it('keeps the last `size` records, oldest first, after wrapping', () => {
    const log = new AccessLog(undefined, 3);
    for (const p of ['/a', '/b']) rec(log, p);
    expect(log.recent().map((r) => r.path)).toEqual(['/a', '/b']);
    for (const p of ['/c', '/d', '/e', '/f', '/g']) rec(log, p);
    expect(log.recent().map((r) => r.path)).toEqual(['/e', '/f', '/g']);
    expect(log.recent(5).map((r) => r.seq)).toEqual([6, 7]);
    expect(new AccessLog(undefined, 0).recent()).toEqual([]);
  });
});

describe("a backend's hop-by-hop headers", () => {
  it.each([
    ['keep-alive', {}],
    ['keep-alive, x-backend-hop', { 'x-backend-hop': 'h' }],
    ['Keep-Alive, X-Backend-Hop', { 'x-backend-hop': 'h' }],
  ])('are not answered to the client (Connection: %s)', async (connection, extra) => {
    const server = createServer((_req, res) => {
      res.setHeader('connection', connection);
      res.setHeader('keep-alive', 'timeout=77');
      for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
      res.setHeader('x-kept', 'k');
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const spec = toGatewaySpec({ name: 'hops', backends: { api: { type: 'http', url: 'https://api.example.com' } }, defaults: { backend: 'api', auth: 'none' }, routes: [{ method: 'GET', path: '/x' }] } as never);
    const dev = await startDev({ spec, port: 0, backends: { api: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, publishAdminToken: false });
    try {
      const r = await fetch(`${dev.url}/x`);
      expect(r.status).toBe(200);
      expect(await r.text()).toBe('{"ok":true}');
      expect(r.headers.get('x-kept')).toBe('k');
      expect(r.headers.get('x-backend-hop')).toBeNull();
      // The gateway's own connection may say Keep-Alive; the backend's value is not passed on.
      expect(r.headers.get('keep-alive')).not.toBe('timeout=77');
    } finally {
      await dev.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
