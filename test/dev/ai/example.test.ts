/**
 * examples/ai-gateway: its header says which targets synthesize it and which refuse it by record
 * (and the compilers agree); `anygate dev --mock-llm` serves its two tools over MCP, they pass
 * conform's MCP cases, and its chat route answers from the mock model within the token limit.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadSpec } from '../../../lib/load';
import { startDev } from '../../../dev/server';
import { formatResults } from '../../../dev/conform/run';
import { runMcpChecks } from '../../../dev/conform/mcp';
import type { GatewaySpec } from '../../../lib/model/types';
import { synthesizesOn } from '../../helpers';
import { echoBackend, get, isolateDevHome } from '../helpers';

isolateDevHome();
const FILE = path.join(__dirname, '..', '..', '..', 'examples', 'ai-gateway', 'gateway.yaml');
let spec: GatewaySpec;
beforeAll(async () => {
  spec = (await loadSpec(FILE)).spec;
});

it('says which targets synthesize it, as the records and the compilers find', () => {
  expect(readFileSync(FILE, 'utf8').split('\n')).toContain(synthesizesOn(spec).line);
});

it('dev refuses it on a target that refuses it, naming route and feature, unless --allow-refused', async () => {
  await expect(startDev({ spec, port: 0, profile: 'azure', mockLlm: true, publishAdminToken: false })).rejects.toThrow(/route getOrder: mcp\.tools on azure \(Developer\): [\s\S]*--allow-refused runs it anyway/);
  const dev = await startDev({ spec, port: 0, profile: 'azure', mockLlm: true, allowRefused: true, publishAdminToken: false });
  try {
    expect(dev.warnings).toContainEqual(expect.stringMatching(/^refused by record, run anyway \(--allow-refused\): route getOrder: mcp\.tools on azure \(Developer\)/));
  } finally {
    await dev.close();
  }
});

it('dev never drops an LLM guard silently: it refuses guards it cannot apply', async () => {
  const model = spec.backends.model;
  if (model.type !== 'llm') throw new Error('the example model is an llm backend');
  const guarded: GatewaySpec = { ...spec, backends: { ...spec.backends, model: { ...model, guards: { promptSafety: { categories: ['hate'], threshold: 'medium', jailbreak: true, responses: false } } } } };
  await expect(startDev({ spec: guarded, port: 0, profile: 'azure', mockLlm: true, publishAdminToken: false })).rejects.toThrow(/route chat: llm\.promptGuard on dev: backend model: anygate dev does not apply guards\.promptSafety/);
});

it('serves its two tools over MCP with the mock model, and passes conform', async () => {
  const orders = await echoBackend();
  const dev = await startDev({ spec, allowRefused: true, port: 0, clock: 'virtual', mockLlm: true, backends: { orders: orders.url }, publishAdminToken: false });
  try {
    expect([...dev.tools].sort()).toEqual(['customer_orders', 'get_order']);
    expect(dev.mcpUrl).toBe(`${dev.url}/v1/mcp`);
    const results = await runMcpChecks(spec, { url: dev.url, adminToken: dev.adminToken });
    if (results.some((r) => !r.pass)) throw new Error(formatResults(results));
    expect(results).toHaveLength(1 + 2 + 2 + 2);
    const key = dev.keys.find((k) => k.consumer === 'support-bot')!.key;
    const chat = await get(`${dev.url}/v1/chat/completions`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is order 42?' }] }) });
    expect(chat.status).toBe(200);
    expect(chat.json()).toMatchObject({ choices: [{ message: { content: 'anygate mock reply to: Where is order 42?' } }], usage: { total_tokens: expect.any(Number) } });
  } finally {
    await dev.close();
    await orders.close();
  }
});
