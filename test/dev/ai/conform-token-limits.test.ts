/**
 * `anygate conform`'s token-limit cases: against anygate dev --mock-llm they spend the LLM
 * backend's budget (the last call refused with 429) and, on the virtual clock, see the window
 * reopen; a gateway whose budget is larger than the spec's fails them. Where the LLM is real
 * (no mock named by /__anygate/routes) they are skipped and say why, unless spendTokens; on the
 * wall clock the reopening is skipped. The valid-credentials case of an LLM route sends a chat
 * the model answers, and expects 200.
 */
import { startDev, type DevServer, type DevOptions } from '../../../dev/server';
import { generateVectors } from '../../../dev/conform/generate';
import { formatResults, gatewayInfo, runVectors, type CaseResult } from '../../../dev/conform/run';
import type { GatewaySpec } from '../../../lib/model/types';
import { echoBackend, isolateDevHome, type EchoBackend } from '../helpers';
import { aiSpec, TOKENS_PER_MINUTE } from './fixture';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../bin/cli';
import { loadSpec } from '../../../lib/load';
import { capturedIo } from '../../io-capture';

/** The reviewer's spec: a public route and an API-key chat route to a model with a 50-token budget. */
const AI_YAML = `
name: aishop
version: 1.0.0
basePath: /v1
backends:
  api: { type: http, url: https://api.example.com }
  model: { type: llm, provider: openai-compatible, url: https://api.openai.com/v1, model: gpt-4o-mini, tokenLimit: { tokens: 50, period: minute, per: consumer }, tokenMetrics: { dimensions: [consumer, route] } }
authorizers: { key: { type: apiKey } }
plans: { basic: {} }
consumers: { acme: { plan: basic } }
routes:
  - { id: getItem, method: GET, path: '/items/{id}', backend: api, auth: none }
  - { id: chat, method: POST, path: /chat/completions, backend: model, auth: [key] }
`;

isolateDevHome();
let echo: EchoBackend;
beforeAll(async () => {
  echo = await echoBackend();
});
afterAll(() => echo.close());

const start = (spec: GatewaySpec, more: Partial<DevOptions> = {}): Promise<DevServer> => startDev({ spec, allowRefused: true, port: 0, clock: 'virtual', mockIdp: true, mockLlm: true, trustForwarded: true, backends: { pets: echo.url }, ...more });
const byName = (results: CaseResult[]) => Object.fromEntries(results.map((r) => [r.name.replace(/ \(.*\)$/, ''), r]));

it('spends the budget, sees 429, then the window reopens, against anygate dev --mock-llm --clock virtual', async () => {
  const spec = aiSpec();
  const vectors = generateVectors(spec, 'dev', 'aws');
  const over = vectors.find((v) => v.name.startsWith('chat: over the token limit'))!;
  expect(over).toMatchObject({ spendsTokens: 'llm', advanceSeconds: 60, expect: { status: 429 } });
  expect(over.name).toContain(`${TOKENS_PER_MINUTE} tokens`);
  expect(vectors.find((v) => v.name === 'chat: valid credentials')).toMatchObject({ request: { body: { messages: [{ role: 'user' }] } }, expect: { status: 200 } });
  const dev = await start(spec);
  try {
    expect((await gatewayInfo(dev.url)).mockLlm).toEqual(['llm']);
    const results = await runVectors(spec, vectors, { url: dev.url });
    if (results.some((r) => !r.pass || r.skipped)) throw new Error(formatResults(results));
    const r = byName(results);
    expect(r['chat: valid credentials'].status).toBe(200);
    expect(r['chat: over the token limit'].status).toBe(429);
    expect(r['chat: token budget back after 60 s'].status).toBe(200);
  } finally {
    await dev.close();
  }
});

it('fails where the gateway lets more tokens through than the spec says', async () => {
  const spec = aiSpec();
  const dev = await start(aiSpec('{ tokens: 1000000, period: minute, per: consumer }'));
  try {
    const results = await runVectors(spec, generateVectors(spec, 'dev', 'aws'), { url: dev.url });
    const failed = results.filter((r) => !r.pass);
    expect(failed.map((f) => f.name)).toEqual([expect.stringMatching(/^chat: over the token limit/)]);
    expect(failed[0].problems.join('\n')).toMatch(/status 200/);
  } finally {
    await dev.close();
  }
});

it('spends the budget within what a tight rate limit lets through, so its 429 is the token limit\'s', async () => {
  const tight = (limit: string): GatewaySpec => {
    const s = aiSpec(limit);
    return { ...s, plans: { ...s.plans, basic: { ...s.plans.basic, rateLimit: { requestsPerSecond: 3, burst: 3 } } } };
  };
  const spec = tight('{ tokens: 120, period: minute, per: consumer }');
  const over = generateVectors(spec, 'dev', 'aws').find((v) => v.name.startsWith('chat: over the token limit'))!;
  expect(over.request.repeat).toBeLessThanOrEqual(3);
  for (const [gateway, pass] of [[spec, true], [tight('{ tokens: 1000000, period: minute, per: consumer }'), false]] as const) {
    const dev = await start(gateway);
    try {
      const [r] = await runVectors(spec, [over], { url: dev.url });
      expect(r.pass).toBe(pass);
    } finally {
      await dev.close();
    }
  }
});

it('skips the cases that would spend real tokens, and the reopening on a wall clock, saying why', async () => {
  const spec = aiSpec();
  const vectors = generateVectors(spec, 'dev', 'aws').filter((v) => v.route === 'chat');
  // A virtual clock, so that the budget's window cannot roll over in the middle of a case.
  const dev = await start(spec);
  try {
    // A gateway that names no mock LLM (a deployed one): skipped, unless the user asks.
    const real = byName(await runVectors(spec, vectors, { url: dev.url, gateway: { dev: false, trustForwarded: false } }));
    expect(real['chat: over the token limit'].skipped).toMatch(/real LLM tokens.*--mock-llm.*--spend-tokens/);
    expect(real['chat: valid credentials'].status).toBe(200);
    const asked = byName(await runVectors(spec, vectors, { url: dev.url, spendTokens: true, gateway: { dev: false, trustForwarded: false } }));
    expect(asked['chat: over the token limit']).toMatchObject({ pass: true, status: 429 });
    expect(asked['chat: over the token limit'].skipped).toBeUndefined();
  } finally {
    await dev.close();
  }
  // On a wall clock the reopening is skipped before anything is sent.
  const wall = await start(spec, { clock: 'wall' });
  try {
    const reopen = vectors.filter((v) => v.virtualClockOnly);
    expect(reopen.map((v) => v.name)).toEqual(['chat: token budget back after 60 s']);
    const r = byName(await runVectors(spec, reopen, { url: wall.url, spendTokens: true, gateway: { dev: false, trustForwarded: false } }));
    expect(r['chat: token budget back after 60 s'].skipped).toMatch(/--clock virtual/);
  } finally {
    await wall.close();
  }
});

it('the CLI: conform checks the budget against dev --mock-llm, and says it skips it where the LLM is real', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'anygate-conform-tokens-')), 'ai.yaml');
  writeFileSync(file, AI_YAML);
  const spec = (await loadSpec(file)).spec;
  const mocked = await start(spec, { backends: { api: echo.url } });
  try {
    const c = capturedIo();
    expect(await main(['node', 'anygate', 'conform', file, '--url', mocked.url], c.io)).toBe(0);
    const out = c.out.join('');
    expect(out).toMatch(/chat: valid credentials\s+200\s+pass/);
    expect(out).toMatch(/chat: over the token limit \(50 tokens; \d+ calls\)\s+429\s+pass/);
    expect(out).toMatch(/chat: token budget back after 60 s\s+200\s+pass/);
  } finally {
    await mocked.close();
  }
  // The model answered by another endpoint (here an echo server standing in for a real provider).
  const real = await start(spec, { mockLlm: false, backends: { api: echo.url, model: echo.url } });
  try {
    const c = capturedIo();
    expect(await main(['node', 'anygate', 'conform', file, '--url', real.url], c.io)).toBe(0);
    const out = c.out.join('');
    expect(out).toMatch(/chat: over the token limit .*skip\n.*--spend-tokens/);
    expect(out).toMatch(/, 2 skipped\n/);
  } finally {
    await real.close();
  }
});
