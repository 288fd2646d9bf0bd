/**
 * `anygate conform`'s MCP cases (the SDK's client against the MCP endpoint): they pass against
 * `anygate dev` serving the spec, after the generated HTTP vectors as `anygate conform` runs them,
 * and fail, naming the tool, against a gateway that misbehaves (a tool missing, a route open
 * without credentials, no token limit).
 */
import { startDev, type DevServer } from '../../../dev/server';
import { generateVectors } from '../../../dev/conform/generate';
import { formatResults, runVectors } from '../../../dev/conform/run';
import { runMcpChecks, sampleOf } from '../../../dev/conform/mcp';
import type { GatewaySpec } from '../../../lib/model/types';
import { echoBackend, isolateDevHome, type EchoBackend } from '../helpers';
import { aiSpec } from './fixture';

isolateDevHome();
let echo: EchoBackend;
beforeAll(async () => {
  echo = await echoBackend();
});
afterAll(() => echo.close());

const start = (spec: GatewaySpec): Promise<DevServer> => startDev({ spec, allowRefused: true, port: 0, clock: 'virtual', mockIdp: true, mockLlm: true, trustForwarded: true, backends: { pets: echo.url } });

it('every MCP case passes against anygate dev, after the HTTP vectors', async () => {
  const spec = aiSpec();
  const dev = await start(spec);
  try {
    const results = [...(await runVectors(spec, generateVectors(spec, 'dev', 'aws'), { url: dev.url })), ...(await runMcpChecks(spec, { url: dev.url, adminToken: dev.adminToken }))];
    if (results.some((r) => !r.pass)) throw new Error(formatResults(results));
    const names = results.map((r) => r.name).filter((n) => n.startsWith('MCP'));
    expect(names).toEqual(
      expect.arrayContaining([
        'MCP: tools/list lists every tool of the spec',
        'MCP get_pet: valid name and input schema',
        'MCP get_pet: a call reaches route getPet',
        'MCP get_pet: refused without credentials',
        'MCP create_pet: a call reaches route createPet',
        'MCP hello: a call reaches route hello',
        'MCP chat: refused without credentials',
      ]),
    );
    expect(names.find((n) => n.startsWith('MCP chat: token limit answers 429'))).toBeDefined();
    expect(names).toHaveLength(1 + 4 + 4 + 3 + 1);
  } finally {
    await dev.close();
  }
});

it('fails, naming the tool, against a gateway that lists too little, lets anyone in and has no token limit', async () => {
  const spec = aiSpec();
  const open = aiSpec('{ tokens: 1000000, period: minute }');
  const lax: GatewaySpec = { ...open, routes: open.routes.map((r) => (r.id === 'getPet' ? { ...r, auth: 'none', scopes: [] } : r.id === 'hello' ? { ...r, mcp: undefined } : r)) as GatewaySpec['routes'] };
  const dev = await start(lax);
  try {
    const results = await runMcpChecks(spec, { url: dev.url, adminToken: dev.adminToken, maxTokenLimitCalls: 8 });
    const failed = Object.fromEntries(results.filter((r) => !r.pass).map((r) => [r.name, r.problems]));
    expect(Object.keys(failed).sort()).toEqual(['MCP chat: token limit answers 429 after its budget (8 calls)', 'MCP get_pet: refused without credentials', 'MCP: tools/list lists every tool of the spec']);
    expect(failed['MCP: tools/list lists every tool of the spec']).toEqual(['tool hello (route hello) is not listed']);
    expect(failed['MCP get_pet: refused without credentials']).toEqual(['answered without credentials']);
    expect(failed['MCP chat: token limit answers 429 after its budget (8 calls)'][0]).toMatch(/8 calls were all answered: no token limit \(120 tokens per 60 s\)/);
  } finally {
    await dev.close();
  }
});

it('spends no real tokens: the token-limit case is skipped where no mock LLM answers the backend, unless --spend-tokens', async () => {
  const spec = aiSpec();
  const dev = await start(spec);
  try {
    const noMock = { dev: true, trustForwarded: true, mockLlm: [] };
    const skipped = (await runMcpChecks(spec, { url: dev.url, adminToken: dev.adminToken, gateway: noMock })).find((r) => r.name.startsWith('MCP chat: token limit'))!;
    expect(skipped).toMatchObject({ name: 'MCP chat: token limit answers 429 after its budget', pass: true });
    expect(skipped.skipped).toMatch(/spends backend llm's token budget, real LLM tokens here; it runs against anygate dev --mock-llm, or pass --spend-tokens/);
    const spent = (await runMcpChecks(spec, { url: dev.url, adminToken: dev.adminToken, gateway: noMock, spendTokens: true })).find((r) => r.name.startsWith('MCP chat: token limit'))!;
    expect(spent.skipped).toBeUndefined();
    expect(spent).toMatchObject({ pass: true, status: 429 });
  } finally {
    await dev.close();
  }
});

it('samples arguments every input schema accepts', () => {
  expect(sampleOf({ type: 'object', required: ['a', 'n', 'e'], properties: { a: { type: 'string', minLength: 8 }, n: { type: 'integer', minimum: 3 }, e: { enum: ['x', 'y'] }, skip: { type: 'string' } } })).toEqual({ a: 'samplexx', n: 3, e: 'x' });
});
