/**
 * `anygate dev` serves MCP: the SDK's own client lists the tools (every input schema compiles in
 * ajv), calls them through the route pipeline (auth refused without credentials, request
 * validation, the backend reached with the credentials the MCP request carried), and token limits
 * on an LLM backend answer 429 with Retry-After once the mock LLM's usage spends the budget.
 */
import Ajv from 'ajv';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startDev, type DevServer } from '../../../dev/server';
import { mockToken } from '../../../dev/mock-idp';
import { HTTP_META } from '../../../dev/mcp';
import { echoBackend, get, isolateDevHome, type EchoBackend } from '../helpers';
import { aiSpec, TOKENS_PER_MINUTE } from './fixture';

isolateDevHome();

let echo: EchoBackend;
let dev: DevServer;
const spec = aiSpec();

beforeAll(async () => {
  echo = await echoBackend();
  dev = await startDev({ spec, allowRefused: true, port: 0, clock: 'virtual', mockIdp: true, mockLlm: true, backends: { pets: echo.url }, publishAdminToken: false });
});
afterAll(async () => {
  await dev.close();
  await echo.close();
});

async function client(headers: Record<string, string> = {}): Promise<Client> {
  const c = new Client({ name: 'anygate-test', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(new URL(dev.mcpUrl!), { requestInit: { headers } }));
  return c;
}

const keyOf = (consumer: string) => dev.keys.find((k) => k.consumer === consumer)!.key;
const http = (r: CallToolResult) => r._meta?.[HTTP_META] as { status: number; headers: Record<string, string>; reason?: string };
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe('tools/list', () => {
  it('lists every route exposed as a tool, with its title, annotations and a schema ajv compiles', async () => {
    const c = await client();
    try {
      const { tools } = await c.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['chat', 'create_pet', 'get_pet', 'hello']);
      const ajv = new Ajv({ strict: false });
      for (const t of tools) expect(() => ajv.compile(t.inputSchema)).not.toThrow();
      const getPet = tools.find((t) => t.name === 'get_pet')!;
      expect(getPet).toMatchObject({ title: 'Get a pet', description: 'Fetch one pet by id.', annotations: { readOnlyHint: true, destructiveHint: false } });
      expect(getPet.inputSchema).toMatchObject({ required: ['id', 'fields'], properties: { id: { type: 'string' }, fields: { type: 'string' } } });
      expect(tools.find((t) => t.name === 'create_pet')!.inputSchema.properties!.body).toMatchObject({ required: ['name'] });
    } finally {
      await c.close();
    }
  });
});

describe('tools/call goes through the route', () => {
  it('a public tool answers its route\'s response', async () => {
    const c = await client();
    try {
      const r = (await c.callTool({ name: 'hello', arguments: {} })) as CallToolResult;
      expect(r.isError).toBeFalsy();
      expect(JSON.parse(text(r))).toEqual({ hello: 'world' });
      expect(http(r).status).toBe(200);
    } finally {
      await c.close();
    }
  });

  it('without credentials the JWT route refuses it, as over HTTP', async () => {
    const c = await client();
    const hits = echo.hits;
    try {
      const r = (await c.callTool({ name: 'get_pet', arguments: { id: 'rex', fields: 'name' } })) as CallToolResult;
      const direct = await get(`${dev.url}/v1/pets/rex?fields=name`);
      expect(r.isError).toBe(true);
      expect(http(r).status).toBe(direct.status);
      expect(http(r).status).toBe(401);
      // The same answer but for the request's own id.
      const withoutId = (t: string) => t.replace(/"requestId":"[^"]*"/g, '"requestId":""');
      expect(withoutId(text(r))).toContain(withoutId(direct.text));
      expect(http(r).reason).toMatch(/no bearer token/);
      expect(echo.hits).toBe(hits);
    } finally {
      await c.close();
    }
  });

  it('with the MCP request\'s bearer token it reaches the backend, parameters encoded', async () => {
    const token = mockToken(spec, { authorizer: 'jwt', scopes: ['pets:read'], nowMs: dev.clock.now() });
    const c = await client({ Authorization: `Bearer ${token}` });
    try {
      const r = (await c.callTool({ name: 'get_pet', arguments: { id: 'a b/c', fields: 'name' } })) as CallToolResult;
      expect(r.isError).toBeFalsy();
      expect(JSON.parse(text(r))).toMatchObject({ method: 'GET', url: '/pets/a%20b%2Fc?fields=name' });
      const wrong = mockToken(spec, { authorizer: 'jwt', scopes: ['other'], nowMs: dev.clock.now() });
      const c2 = await client({ Authorization: `Bearer ${wrong}` });
      const refused = (await c2.callTool({ name: 'get_pet', arguments: { id: 'x', fields: 'name' } })) as CallToolResult;
      await c2.close();
      expect([refused.isError, http(refused).status]).toEqual([true, 403]);
    } finally {
      await c.close();
    }
  });

  it('refuses arguments that do not match the input schema before the route is called', async () => {
    const c = await client({ 'x-api-key': keyOf('acme') });
    const hits = echo.hits;
    try {
      const r = (await c.callTool({ name: 'create_pet', arguments: { body: { name: 7 } } })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/invalid arguments: arguments\/body\/name must be string/);
      const ok = (await c.callTool({ name: 'create_pet', arguments: { body: { name: 'Rex' } } })) as CallToolResult;
      expect(ok.isError).toBeFalsy();
      expect(JSON.parse(text(ok))).toMatchObject({ method: 'POST', url: '/pets', body: '{"name":"Rex"}' });
      expect(echo.hits).toBe(hits + 1);
    } finally {
      await c.close();
    }
  });

  it('an unknown tool is a protocol error naming the tools', async () => {
    const c = await client();
    try {
      await expect(c.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/unknown tool "nope"; tools: .*get_pet/);
    } finally {
      await c.close();
    }
  });
});

describe('token limits with the mock LLM', () => {
  const ask = (content: string) => ({ body: { model: 'gpt-4o', messages: [{ role: 'user', content }] } });

  it('charge the upstream usage per consumer and answer 429 with Retry-After once spent', async () => {
    const acme = await client({ 'x-api-key': keyOf('acme') });
    try {
      let spent = 0;
      let last: CallToolResult | undefined;
      for (let i = 0; i < 20 && !last?.isError; i++) {
        last = (await acme.callTool({ name: 'chat', arguments: ask(`question number ${i} about pets`) })) as CallToolResult;
        if (!last.isError) spent += (JSON.parse(text(last)) as { usage: { total_tokens: number } }).usage.total_tokens;
      }
      expect(last!.isError).toBe(true);
      expect(spent).toBeGreaterThanOrEqual(TOKENS_PER_MINUTE);
      expect(spent - TOKENS_PER_MINUTE).toBeLessThan(60);
      expect(http(last!)).toMatchObject({ status: 429, headers: { 'retry-after': expect.stringMatching(/^\d+$/) } });
      expect(http(last!).reason).toMatch(/over the llm token limit/);
      // Over HTTP the same: the error contract's rate-limit answer, with Retry-After.
      const direct = await get(`${dev.url}/v1/chat/completions`, { method: 'POST', headers: { 'x-api-key': keyOf('acme'), 'content-type': 'application/json' }, body: JSON.stringify(ask('hi').body) });
      expect([direct.status, direct.json()]).toEqual([429, { error: { code: 'rate_limited', message: 'Too many requests', requestId: expect.any(String) } }]);
      expect(Number(direct.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another consumer has its own budget.
      const globex = await client({ 'x-api-key': keyOf('globex') });
      expect(((await globex.callTool({ name: 'chat', arguments: ask('hello') })) as CallToolResult).isError).toBeFalsy();
      await globex.close();
      // The next window lets acme in again.
      dev.clock.advance(Number(direct.headers.get('retry-after')));
      expect(((await acme.callTool({ name: 'chat', arguments: ask('hello again') })) as CallToolResult).isError).toBeFalsy();
    } finally {
      await acme.close();
    }
  });
});
