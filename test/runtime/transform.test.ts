import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TransformConfig, TransformRoute } from '../../lib/runtime/config';
import { gzipSync } from 'node:zlib';
import { createTransformer, lambdaTransport, type ProxyEvent, type Transport } from '../../lib/runtime/transform/handler';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base = '';
let seen: Seen[] = [];
let reply: { status: number; headers: Record<string, string>; body: string; hang?: boolean } = { status: 200, headers: {}, body: '' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      // A hanging reply never comes: only the caller's timeout ends the request (afterAll closes the connection).
      if (reply.hang) return;
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  seen = [];
  reply = { status: 200, headers: { 'content-type': 'application/json', server: 'backend/1.0' }, body: JSON.stringify({ id: 7, customer: { email: 'a@b.c', name: 'Ann' }, items: [{ card: '4111', sku: 'x' }] }) };
});

function route(over: Partial<TransformRoute> = {}): TransformRoute {
  return {
    method: 'GET',
    resource: '/v1/orders/{id}',
    target: { type: 'http', url: base },
    rename: { orderId: 'id' },
    backendPath: '/api/orders/{orderId}',
    timeoutMs: 2000,
    request: { setHeaders: {}, removeHeaders: [], setQuery: {}, removeQuery: [] },
    response: { setHeaders: {}, removeHeaders: [], redact: [] },
    ...over,
  };
}

function ev(over: Partial<ProxyEvent> = {}): ProxyEvent {
  return {
    resource: '/v1/orders/{id}',
    httpMethod: 'GET',
    headers: { Host: 'api.example.com', Cookie: 'session=1', 'X-Trace': 't-1', Origin: 'https://app.example.com' },
    multiValueQueryStringParameters: { debug: ['1'], q: ['a', 'b'] },
    queryStringParameters: { debug: '1', q: 'b' },
    pathParameters: { id: 'o/42' },
    stageVariables: {},
    requestContext: { authorizer: { claim_sub: 'user-9', claim_tenant: 'acme' } },
    body: null,
    ...over,
  };
}

const run = (r: TransformRoute, e: ProxyEvent, transport: Transport = lambdaTransport) => createTransformer({ version: 1, routes: [r] } as TransformConfig, transport)(e);

describe('generated transform handler', () => {
  it('rewrites the path, sets and removes headers and query parameters with placeholders', async () => {
    const res = await run(
      route({ request: { setHeaders: { 'X-User': '${claim.sub}', 'X-Id': 'order-${path.orderId}' }, removeHeaders: ['cookie'], setQuery: { tenant: '${claim.tenant}' }, removeQuery: ['debug'] } }),
      ev(),
    );
    expect(res.statusCode).toBe(200);
    // API Gateway hands over decoded values: a slash in a one-segment parameter stays escaped.
    expect(seen[0].url).toBe('/api/orders/o%2F42?q=a&q=b&tenant=acme');
    expect(seen[0].headers['x-user']).toBe('user-9');
    expect(seen[0].headers['x-id']).toBe('order-o/42');
    expect(seen[0].headers['x-trace']).toBe('t-1');
    expect(seen[0].headers.cookie).toBeUndefined();
  });

  it("passes on the caller's query parameters named like Object.prototype's members (config.json's setQuery is a plain object)", async () => {
    await run(route({ request: { setHeaders: {}, removeHeaders: [], setQuery: { tenant: 'acme' }, removeQuery: [] } }), ev({ multiValueQueryStringParameters: JSON.parse('{"constructor":["1"],"toString":["x"],"__proto__":["p"],"hasOwnProperty":["h"]}') }));
    expect(seen[0].url).toBe('/api/orders/o%2F42?constructor=1&toString=x&__proto__=p&hasOwnProperty=h&tenant=acme');
  });

  it('escapes path parameters: a one-segment value whole, a greedy value piece by piece', async () => {
    await run(route(), ev({ pathParameters: { id: 'a b/c?d#e' }, multiValueQueryStringParameters: {} }));
    expect(seen[0].url).toBe('/api/orders/a%20b%2Fc%3Fd%23e');
  });

  it('passes a greedy path parameter on whole (/store/{path+})', async () => {
    const greedy = route({ resource: '/store/{path+}', rename: {}, backendPath: '/files/{path+}' });
    const res = await run(greedy, ev({ resource: '/store/{path+}', pathParameters: { path: 'a/b c/ü.txt' }, multiValueQueryStringParameters: {} }));
    expect(res.statusCode).toBe(200);
    expect(seen[0].url).toBe('/files/a/b%20c/%C3%BC.txt');
    await run(greedy, ev({ resource: '/store/{path+}', pathParameters: { path: 'a/../../etc' }, multiValueQueryStringParameters: {} }));
    expect(seen).toHaveLength(1);
  });

  it('refuses dot segments that would climb out of the backend path', async () => {
    for (const id of ['../admin', 'a/./b', 'x/..']) {
      const res = await run(route(), ev({ pathParameters: { id } }));
      expect(res.statusCode).toBe(400);
    }
    expect(seen).toHaveLength(0);
  });

  it('counts a backslash and its percent-encodings as separators when looking for dot segments (issue 28)', async () => {
    for (const id of ['..\\admin', '..\\', 'a\\..\\..\\etc', '..%5Cadmin', '..%5cadmin', '..%2Fadmin', '%2e%2e%5Cadmin', '.%2E\\x']) {
      const res = await run(route(), ev({ pathParameters: { id } }));
      expect([id, res.statusCode]).toEqual([id, 400]);
      const greedy = route({ resource: '/store/{path+}', rename: {}, backendPath: '/files/{path+}' });
      const g = await run(greedy, ev({ resource: '/store/{path+}', pathParameters: { path: `a/${id}` }, multiValueQueryStringParameters: {} }));
      expect([id, g.statusCode]).toEqual([id, 400]);
    }
    expect(seen).toHaveLength(0);
    // Dots that are not a whole segment stay allowed.
    const ok = await run(route(), ev({ pathParameters: { id: '..a\\b..' } }));
    expect(ok.statusCode).toBe(200);
    expect(seen[0].url).toBe('/api/orders/..a%5Cb..?debug=1&q=a&q=b');
  });

  it('does not forward the headers the Connection header names, either way (RFC 9110 7.6.1, issue 28)', async () => {
    reply = { status: 200, headers: { 'content-type': 'application/json', connection: 'x-backend-hop', 'x-backend-hop': '1', 'x-kept': '1' }, body: '{}' };
    const res = await run(route(), ev({ headers: { Host: 'api.example.com', Connection: 'keep-alive, X-Secret-Hop , x-trace', 'X-Secret-Hop': 's', 'X-Trace': 't-1', 'X-Other': 'o' } }));
    expect(seen[0].headers['x-secret-hop']).toBeUndefined();
    expect(seen[0].headers['x-trace']).toBeUndefined();
    expect(seen[0].headers['x-other']).toBe('o');
    expect(res.headers['x-backend-hop']).toBeUndefined();
    expect(res.headers['x-kept']).toBe('1');
  });

  it('renders a JSON body template, keeping the JSON type of single placeholders', async () => {
    await run(
      route({ method: 'POST', request: { setHeaders: {}, removeHeaders: [], setQuery: {}, removeQuery: [], body: { petId: '${body.petId}', qty: '${body.quantity}', note: 'from ${header.x-trace}', channel: 'partner-api' } } }),
      ev({ httpMethod: 'POST', body: JSON.stringify({ petId: 12, quantity: 3, extra: true }) }),
    );
    expect(seen[0].method).toBe('POST');
    expect(JSON.parse(seen[0].body)).toEqual({ petId: 12, qty: 3, note: 'from t-1', channel: 'partner-api' });
    expect(seen[0].headers['content-type']).toBe('application/json');
  });

  it('redacts response fields, rewrites response headers and adds CORS', async () => {
    const res = await run(
      route({ response: { setHeaders: { 'X-Served-By': 'anygate' }, removeHeaders: ['server'], redact: ['customer.email', 'items.*.card'] }, cors: { allowOrigins: ['https://app.example.com'], allowCredentials: true, exposeHeaders: ['x-served-by'] } }),
      ev(),
    );
    expect(JSON.parse(res.body)).toEqual({ id: 7, customer: { name: 'Ann' }, items: [{ sku: 'x' }] });
    expect(res.headers['x-served-by']).toBe('anygate');
    expect(res.headers.server).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });

  it('refuses to pass on a body it was told to redact but cannot parse', async () => {
    reply = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"customer": {"email": "a@b.c"' };
    const res = await run(route({ response: { setHeaders: {}, removeHeaders: [], redact: ['customer.email'] } }), ev());
    expect(res.statusCode).toBe(502);
    expect(res.body).not.toContain('a@b.c');
  });

  it('does not add CORS headers for an origin that is not allowed', async () => {
    const res = await run(route({ cors: { allowOrigins: ['https://app.example.com'], allowCredentials: false, exposeHeaders: [] } }), ev({ headers: { Origin: 'https://evil.example.com' } }));
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('uses the stage variable for the backend host when the stage sets one', async () => {
    const host = base.replace('http://', '');
    await run(route({ target: { type: 'http', url: 'http://127.0.0.1:1', stageVariable: 'anygate_backend_api' } }), ev({ stageVariables: { anygate_backend_api: host } }));
    expect(seen).toHaveLength(1);
  });

  it('answers 502 when the backend is down and 504 when it is too slow', async () => {
    expect((await run(route({ target: { type: 'http', url: 'http://127.0.0.1:1' } }), ev())).statusCode).toBe(502);
    reply.hang = true;
    expect((await run(route({ timeoutMs: 100 }), ev())).statusCode).toBe(504);
  });

  it('invokes a function target with the transformed proxy event', async () => {
    const calls: { fn: string; event: ProxyEvent }[] = [];
    const transport: Transport = {
      http: () => Promise.reject(new Error('unexpected')),
      invoke: async (fn, event) => {
        calls.push({ fn, event });
        return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: true, customer: { email: 'x' } }) };
      },
    };
    const res = await run(
      route({ target: { type: 'function', stageVariable: 'anygate_fn_orders' }, response: { setHeaders: {}, removeHeaders: [], redact: ['customer'] } }),
      ev({ stageVariables: { anygate_fn_orders: 'orders-fn' } }),
      transport,
    );
    expect(calls[0].fn).toBe('orders-fn');
    expect(calls[0].event.path).toBe('/api/orders/o%2F42');
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
  });

  it.each([
    ['a lone surrogate in a path parameter', { pathParameters: { id: 'a\uD800b' } }],
    ['a lone surrogate in a query value', { multiValueQueryStringParameters: { q: ['\uDC00'] } }],
    ['a lone surrogate in a header', { headers: { 'X-Trace': 'x\uD83D' } }],
    ['a line break in a claim sent as a header', { requestContext: { authorizer: { claim_sub: 'u\r\nX-Admin: 1' } } }],
    ['a lone surrogate in a claim sent as a header', { requestContext: { authorizer: { claim_sub: '\uDFFF' } } }],
  ])('answers 400, never 500/502, for %s', async (_, over) => {
    const res = await run(route({ request: { setHeaders: { 'X-User': '${claim.sub}' }, removeHeaders: [], setQuery: {}, removeQuery: [] } }), ev(over as Partial<ProxyEvent>));
    expect(res.statusCode).toBe(400);
    expect(seen).toHaveLength(0);
  });

  it('sends non-Latin-1 header values and claims as UTF-8, and paths and queries percent-encoded', async () => {
    const res = await run(
      route({ request: { setHeaders: { 'X-User': '${claim.sub}' }, removeHeaders: [], setQuery: { who: '${claim.sub}' }, removeQuery: [] } }),
      ev({ pathParameters: { id: '注文' }, headers: { 'X-Trace': 'José ✓' }, multiValueQueryStringParameters: {}, requestContext: { authorizer: { claim_sub: '山田 😀' } } }),
    );
    expect(res.statusCode).toBe(200);
    expect(seen[0].url).toBe('/api/orders/%E6%B3%A8%E6%96%87?who=%E5%B1%B1%E7%94%B0+%F0%9F%98%80');
    // Node hands received header bytes over as Latin-1: turn them back into the UTF-8 text sent.
    expect(Buffer.from(String(seen[0].headers['x-user']), 'latin1').toString('utf8')).toBe('山田 😀');
    expect(Buffer.from(String(seen[0].headers['x-trace']), 'latin1').toString('utf8')).toBe('José ✓');
  });

  it('redacts whatever the content type, and a function result with no headers', async () => {
    reply = { status: 200, headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ customer: { email: 'a@b.c', name: 'Ann' } }) };
    const plain = await run(route({ response: { setHeaders: {}, removeHeaders: [], redact: ['customer.email'] } }), ev());
    expect(JSON.parse(plain.body)).toEqual({ customer: { name: 'Ann' } });
    const transport: Transport = { http: () => Promise.reject(new Error('unexpected')), invoke: async () => ({ body: JSON.stringify({ customer: { email: 'x@y.z' } }) }) };
    const fn = await run(route({ target: { type: 'function', stageVariable: 'fn' }, response: { setHeaders: {}, removeHeaders: [], redact: ['customer.email'] } }), ev({ stageVariables: { fn: 'f' } }), transport);
    expect(fn.statusCode).toBe(200);
    expect(fn.body).not.toContain('x@y.z');
  });

  it.each([
    ['HTML', { 'content-type': 'text/html' }, '<p>a@b.c</p>'],
    ['no content type', {}, 'email=a@b.c'],
    ['a content coding it cannot read', { 'content-type': 'application/json', 'content-encoding': 'zstd' }, '{"customer":{"email":"a@b.c"}}'],
  ])('answers 502 rather than an unredacted body: %s', async (_, headers, body) => {
    reply = { status: 200, headers: headers as Record<string, string>, body };
    const res = await run(route({ response: { setHeaders: {}, removeHeaders: [], redact: ['customer.email'] } }), ev());
    expect(res.statusCode).toBe(502);
    expect(res.body).not.toContain('a@b.c');
  });

  it('passes an empty body through a redacting route (204)', async () => {
    reply = { status: 204, headers: {}, body: '' };
    const res = await run(route({ response: { setHeaders: {}, removeHeaders: [], redact: ['customer.email'] } }), ev());
    expect(res.statusCode).toBe(204);
  });

  it('decompresses a gzip body, redacts it and does not forward content-encoding', async () => {
    const gz = gzipSync(JSON.stringify({ customer: { email: 'a@b.c', name: 'Ann' } }));
    const transport: Transport = {
      http: async () => ({ status: 200, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(gz.length) }, body: gz }),
      invoke: () => Promise.reject(new Error('unexpected')),
    };
    for (const redact of [['customer.email'], []]) {
      const res = await run(route({ response: { setHeaders: {}, removeHeaders: [], redact } }), ev(), transport);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['content-length']).toBeUndefined();
      expect(res.isBase64Encoded).toBe(false);
      expect(JSON.parse(res.body).customer.name).toBe('Ann');
      expect(JSON.parse(res.body).customer.email).toBe(redact.length ? undefined : 'a@b.c');
    }
  });

  it('does not decompress on the wire: the Lambda transport hands over gzip bytes as received', async () => {
    const gz = gzipSync('{"a":1}');
    const { createServer: create } = await import('node:http');
    const srv = create((_, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gz));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/x`;
      const a = await lambdaTransport.http(url, { method: 'GET', headers: {}, timeoutMs: 2000 });
      expect(a.body).toEqual(gz);
      const res = await run(route({ target: { type: 'http', url: url.replace('/x', '') } }), ev());
      expect(res.body).toBe('{"a":1}');
      expect(res.headers['content-encoding']).toBeUndefined();
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it("does not forward the client's accept-encoding", async () => {
    await run(route(), ev({ headers: { 'Accept-Encoding': 'gzip, br' } }));
    expect(seen[0].headers['accept-encoding']).toBeUndefined();
  });

  it('answers 404 for a route it does not know', async () => {
    expect((await run(route(), ev({ resource: '/other' }))).statusCode).toBe(404);
  });
});
