import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TransformConfig, TransformRoute } from '../../lib/runtime/config';
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
let reply: { status: number; headers: Record<string, string>; body: string; delayMs?: number } = { status: 200, headers: {}, body: '' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const send = () => {
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
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
    expect(seen[0].url).toBe('/api/orders/o/42?q=a&q=b&tenant=acme');
    expect(seen[0].headers['x-user']).toBe('user-9');
    expect(seen[0].headers['x-id']).toBe('order-o/42');
    expect(seen[0].headers['x-trace']).toBe('t-1');
    expect(seen[0].headers.cookie).toBeUndefined();
  });

  it('escapes path parameters segment by segment', async () => {
    await run(route(), ev({ pathParameters: { id: 'a b/c?d#e' }, multiValueQueryStringParameters: {} }));
    expect(seen[0].url).toBe('/api/orders/a%20b/c%3Fd%23e');
  });

  it('refuses dot segments that would climb out of the backend path', async () => {
    for (const id of ['../admin', 'a/./b', 'x/..']) {
      const res = await run(route(), ev({ pathParameters: { id } }));
      expect(res.statusCode).toBe(400);
    }
    expect(seen).toHaveLength(0);
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
    reply.delayMs = 1000;
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
    expect(calls[0].event.path).toBe('/api/orders/o/42');
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
  });

  it('answers 404 for a route it does not know', async () => {
    expect((await run(route(), ev({ resource: '/other' }))).statusCode).toBe(404);
  });
});
