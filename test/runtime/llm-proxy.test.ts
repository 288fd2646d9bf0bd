import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { bundleHandler, handlerCode, omittedFeatures } from '../../lib/runtime/bundle';
import type { LlmBackendConfig, LlmProxyConfig, LlmRoute } from '../../lib/runtime/llm/config';
import { scratch } from '../validators';
import { dynamoStore, type TokenStore } from '../../lib/runtime/llm/budget';
import { createLlmProxy, type GuardCheck, type LlmProxyDeps } from '../../lib/runtime/llm/handler';
import type { ProxyEvent } from '../../lib/runtime/transform/event';
import type { HttpAnswer, HttpInit } from '../../lib/runtime/transform/transport';

/** The generated LLM proxy with every dependency injected: transport, secrets, counters, guard, clock, log. */
const route = (over: Partial<LlmRoute> = {}): LlmRoute => ({ method: 'POST', resource: '/v1/chat/completions', id: 'chat', backend: 'model', caller: 'apiKey', rename: {}, backendPath: '/chat/completions', timeoutMs: 1000, ...over });
const openai: LlmBackendConfig = { provider: 'openai-compatible', url: 'https://llm.example.com/v1', query: {}, model: 'gpt-4o-mini', keyHeader: 'authorization' };
const config = (b: Partial<LlmBackendConfig> = {}, r: Partial<LlmRoute> = {}, errors: 'anygate' | 'native' = 'anygate'): LlmProxyConfig => ({ version: 1, errors, routes: [route(r)], backends: { model: { ...openai, ...b } } });

const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] };
const event = (over: Partial<ProxyEvent> & { keyId?: string; principal?: string } = {}): ProxyEvent => ({
  resource: '/v1/chat/completions',
  httpMethod: 'POST',
  headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'x-api-key': 'caller-key', Authorization: 'Bearer caller-token', Origin: 'https://app.example.com' },
  body: JSON.stringify(chat),
  requestContext: { requestId: 'req-1', identity: { apiKeyId: over.keyId ?? 'key-acme', sourceIp: '203.0.113.9' }, authorizer: over.principal ? { principalId: over.principal } : null },
  ...over,
});
const answer = (usage: Record<string, number> | undefined, status = 200, content = 'Hi!'): HttpAnswer => ({
  status,
  headers: { 'Content-Type': 'application/json' },
  body: Buffer.from(JSON.stringify({ id: 'c1', choices: [{ message: { role: 'assistant', content } }], ...(usage ? { usage } : {}) })),
});

/** A TokenStore in memory, as DynamoDB's ADD behaves (missing counts as 0). */
function memoryStore(): TokenStore & { items: Map<string, { tokens: number; expiresAt: number }> } {
  const items = new Map<string, { tokens: number; expiresAt: number }>();
  return {
    items,
    get: async (k) => items.get(k)?.tokens ?? 0,
    add: async (k, n, expiresAt) => void items.set(k, { tokens: (items.get(k)?.tokens ?? 0) + n, expiresAt: items.get(k)?.expiresAt ?? expiresAt }),
  };
}

function harness(cfg: LlmProxyConfig, over: Partial<LlmProxyDeps> = {}) {
  const calls: { url: string; init: HttpInit }[] = [];
  const lines: string[] = [];
  let next: HttpAnswer | Error = answer({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
  let clock = Date.UTC(2026, 0, 1, 12, 0, 10);
  let keyReads = 0;
  const store = memoryStore();
  const deps: LlmProxyDeps = {
    http: async (url, init) => {
      calls.push({ url, init });
      if (next instanceof Error) throw next;
      return next;
    },
    providerKey: async () => (keyReads++, 'sk-provider'),
    store,
    count: (t) => t.split(/\s+/).filter(Boolean).length,
    now: () => clock,
    log: (l) => lines.push(l),
    ...over,
  };
  const proxy = createLlmProxy(cfg, deps);
  return {
    proxy,
    calls,
    lines,
    store,
    reply: (a: HttpAnswer | Error) => (next = a),
    tick: (ms: number) => (clock += ms),
    keyReads: () => keyReads,
  };
}

describe('generated LLM proxy', () => {
  it('calls the model with the provider key from the secret, passing the body, content-type and accept only (never the caller\'s credentials)', async () => {
    const h = harness(config());
    const res = await h.proxy(event());
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).choices[0].message.content).toBe('Hi!');
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0].url).toBe('https://llm.example.com/v1/chat/completions');
    expect(h.calls[0].init.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer sk-provider' });
    expect(JSON.parse(h.calls[0].init.body!.toString())).toEqual(chat);
    await h.proxy(event());
    expect(h.keyReads()).toBe(1);
  });

  it('Azure OpenAI: the deployment URL with api-version, the key in api-key; a failed secret read is 500 and retried on the next call', async () => {
    let fail = true;
    const h = harness(config({ provider: 'azure-openai', url: 'https://r.openai.azure.com/openai/deployments/gpt-4o', query: { 'api-version': '2024-10-21' }, keyHeader: 'api-key' }), {
      providerKey: async () => {
        if (fail) throw new Error('AccessDenied');
        return 'azure-key';
      },
    });
    const first = await h.proxy(event());
    expect(first.statusCode).toBe(500);
    expect(JSON.parse(first.body)).toEqual({ error: { code: 'internal_error', message: 'Internal error', requestId: 'req-1' } });
    expect(h.calls).toHaveLength(0);
    fail = false;
    expect((await h.proxy(event())).statusCode).toBe(200);
    expect(h.calls[0].url).toBe('https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    expect(h.calls[0].init.headers['api-key']).toBe('azure-key');
    expect(h.calls[0].init.headers.authorization).toBeUndefined();
  });

  it('counts the model\'s usage per caller and answers 429 with Retry-After once the minute is spent, until the next window', async () => {
    const h = harness(config({ tokenLimit: { tokens: 40, windowSeconds: 60, estimatePrompt: false } }));
    // 15 tokens a call: 0, 15, 30 are under 40 (the third overshoots to 45: counted after the answer).
    for (let i = 0; i < 3; i++) expect((await h.proxy(event())).statusCode).toBe(200);
    const refused = await h.proxy(event());
    expect(refused.statusCode).toBe(429);
    // 12:00:10 -> the window ends at 12:01:00.
    expect(refused.headers['retry-after']).toBe('50');
    expect(refused.headers['x-ratelimit-remaining-tokens']).toBe('0');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(refused.body).error.code).toBe('rate_limited');
    expect(h.calls).toHaveLength(3);
    // Another consumer (another API key) has its own budget.
    expect((await h.proxy(event({ keyId: 'key-other' }))).statusCode).toBe(200);
    const [item] = [...h.store.items.values()];
    expect(item).toEqual({ tokens: 45, expiresAt: Date.UTC(2026, 0, 1, 12, 1, 0) / 1000 + 3600 });
    h.tick(50_000);
    expect((await h.proxy(event())).statusCode).toBe(200);
  });

  it('an hour budget spent is 429 quota_exceeded; per gateway one budget for every caller; per principal the authorizer\'s subject', async () => {
    const hour = harness(config({ tokenLimit: { tokens: 10, windowSeconds: 3600, estimatePrompt: false } }, { caller: 'gateway' }));
    expect((await hour.proxy(event({ keyId: 'a' }))).statusCode).toBe(200);
    const spent = await hour.proxy(event({ keyId: 'b' }));
    expect(spent.statusCode).toBe(429);
    expect(JSON.parse(spent.body).error.code).toBe('quota_exceeded');
    expect(spent.headers['retry-after']).toBe(String(3600 - 10));
    const jwt = harness(config({ tokenLimit: { tokens: 10, windowSeconds: 60, estimatePrompt: false } }, { caller: 'principal' }));
    expect((await jwt.proxy(event({ principal: 'alice' }))).statusCode).toBe(200);
    expect((await jwt.proxy(event({ principal: 'alice' }))).statusCode).toBe(429);
    expect((await jwt.proxy(event({ principal: 'bob' }))).statusCode).toBe(200);
    // No principal in the event: the call cannot be counted, so it is refused (fail closed), and the model is not called.
    const before = jwt.calls.length;
    expect((await jwt.proxy(event())).statusCode).toBe(500);
    expect(jwt.calls).toHaveLength(before);
  });

  it('estimatePrompt refuses a prompt that does not fit in what is left, before the model is called', async () => {
    const h = harness(config({ tokenLimit: { tokens: 20, windowSeconds: 60, estimatePrompt: true } }));
    const long = { ...chat, messages: [{ role: 'user', content: 'word '.repeat(30) }] };
    const res = await h.proxy(event({ body: JSON.stringify(long) }));
    expect(res.statusCode).toBe(429);
    expect(h.calls).toHaveLength(0);
    expect((await h.proxy(event())).statusCode).toBe(200);
  });

  it('counts with the tokenizer when the model reports no usage, and asks a streamed chat for its usage chunk', async () => {
    const h = harness(config({ tokenLimit: { tokens: 1000, windowSeconds: 60, estimatePrompt: false } }));
    h.reply(answer(undefined, 200, 'one two three'));
    await h.proxy(event());
    // Prompt: 3 + (3 + 2 words) = 8; completion: 3 words.
    expect([...h.store.items.values()][0].tokens).toBe(11);
    const sse = ['data: {"choices":[{"delta":{"content":"Hi"}}]}', 'data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}', 'data: [DONE]', ''].join('\n\n');
    h.reply({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: Buffer.from(sse) });
    const res = await h.proxy(event({ body: JSON.stringify({ ...chat, stream: true }) }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(sse);
    expect(JSON.parse(h.calls[1].init.body!.toString())).toEqual({ ...chat, stream: true, stream_options: { include_usage: true } });
    expect([...h.store.items.values()][0].tokens).toBe(20);
    // An error answer is not counted.
    h.reply(answer({ total_tokens: 500 }, 400));
    expect((await h.proxy(event())).statusCode).toBe(400);
    expect([...h.store.items.values()][0].tokens).toBe(20);
  });

  it('writes one CloudWatch EMF line per answered call with the configured dimensions', async () => {
    const h = harness(config({ tokenMetrics: { namespace: 'shop', dimensions: ['Consumer', 'Model', 'Route'] } }));
    await h.proxy(event());
    expect(h.lines).toHaveLength(1);
    expect(JSON.parse(h.lines[0])).toEqual({
      _aws: {
        Timestamp: Date.UTC(2026, 0, 1, 12, 0, 10),
        CloudWatchMetrics: [{ Namespace: 'shop', Dimensions: [['Consumer', 'Model', 'Route']], Metrics: [{ Name: 'TotalTokens', Unit: 'Count' }, { Name: 'PromptTokens', Unit: 'Count' }, { Name: 'CompletionTokens', Unit: 'Count' }] }],
      },
      Consumer: 'key-acme',
      Model: 'gpt-4o-mini',
      Route: 'chat',
      TotalTokens: 15,
      PromptTokens: 10,
      CompletionTokens: 5,
    });
    h.reply(new Error('ECONNREFUSED'));
    expect((await h.proxy(event())).statusCode).toBe(502);
    expect(h.lines).toHaveLength(1);
  });

  it('Bedrock guardrail: an intervention on the prompt is 403 before the model; on the answer (output: true) 403 after it', async () => {
    const seen: { source: string; texts: string[] }[] = [];
    const verdict = { INPUT: false, OUTPUT: false };
    const guard: GuardCheck = async (g, source, texts) => {
      expect(g).toMatchObject({ id: 'gr1', version: '2' });
      seen.push({ source, texts });
      return verdict[source];
    };
    const h = harness(config({ guardrail: { id: 'gr1', version: '2', output: true } }), { guard });
    expect((await h.proxy(event())).statusCode).toBe(200);
    expect(seen).toEqual([{ source: 'INPUT', texts: ['Hello there'] }, { source: 'OUTPUT', texts: ['Hi!'] }]);
    verdict.INPUT = true;
    const blocked = await h.proxy(event());
    expect(blocked.statusCode).toBe(403);
    expect(JSON.parse(blocked.body).error.code).toBe('forbidden');
    expect(h.calls).toHaveLength(1);
    verdict.INPUT = false;
    verdict.OUTPUT = true;
    const out = await h.proxy(event());
    expect(out.statusCode).toBe(403);
    expect(out.body).not.toContain('Hi!');
    expect(h.calls).toHaveLength(2);
    // Without output, the answer is not screened.
    const inputOnly = harness(config({ guardrail: { id: 'gr1', version: '2', output: false } }), { guard });
    seen.length = 0;
    expect((await inputOnly.proxy(event())).statusCode).toBe(200);
    expect(seen.map((s) => s.source)).toEqual(['INPUT']);
  });

  it('a timeout is 504, an unknown route 404, a dot segment 400; errors: native answers {"message"}; CORS on the route\'s answers', async () => {
    const h = harness(config({}, { cors: { allowOrigins: ['https://app.example.com'], allowCredentials: false, exposeHeaders: [] } }, 'native'));
    expect((await h.proxy(event())).headers['access-control-allow-origin']).toBe('https://app.example.com');
    const timeout = new Error('backend timeout');
    timeout.name = 'TimeoutError';
    h.reply(timeout);
    const slow = await h.proxy(event());
    expect(slow.statusCode).toBe(504);
    expect(JSON.parse(slow.body)).toEqual({ message: 'Gateway timeout' });
    expect((await h.proxy(event({ resource: '/other' }))).statusCode).toBe(404);
    const p = harness(config({}, { resource: '/v1/models/{id}', backendPath: '/models/{id}', method: 'GET' }));
    expect((await p.proxy(event({ resource: '/v1/models/{id}', httpMethod: 'GET', pathParameters: { id: '..' } }))).statusCode).toBe(400);
    await p.proxy(event({ resource: '/v1/models/{id}', httpMethod: 'GET', pathParameters: { id: 'gpt 4' } }));
    expect(p.calls[0].url).toBe('https://llm.example.com/v1/models/gpt%204');
  });

  it('the DynamoDB store reads consistently and adds atomically (UpdateItem ADD), keeping the first expiry', async () => {
    const sent: [string, Record<string, unknown>][] = [];
    const store = dynamoStore('budgets', async (op, input) => (sent.push([op, input]), op === 'GetItem' ? { Item: { pk: { S: 'k' }, tokens: { N: '42' } } } : {}));
    expect(await store.get('k')).toBe(42);
    await store.add('k', 15, 1700000000);
    expect(sent).toEqual([
      ['GetItem', { TableName: 'budgets', Key: { pk: { S: 'k' } }, ConsistentRead: true, ProjectionExpression: '#t', ExpressionAttributeNames: { '#t': 'tokens' } }],
      ['UpdateItem', { TableName: 'budgets', Key: { pk: { S: 'k' } }, UpdateExpression: 'ADD #t :n SET #e = if_not_exists(#e, :e)', ExpressionAttributeNames: { '#t': 'tokens', '#e': 'expiresAt' }, ExpressionAttributeValues: { ':n': { N: '15' }, ':e': { N: '1700000000' } } }],
    ]);
    const empty = dynamoStore('budgets', async () => ({}));
    expect(await empty.get('k')).toBe(0);
  });

  it('the bundle: 14 KB without a budget (gpt-tokenizer left out), the AWS SDK not bundled, no absolute paths; it serves a call through node:http', async () => {
    const cfg = config({ keyHeader: undefined });
    expect(omittedFeatures('llm', cfg)).toEqual(['ANYGATE_OMIT_TOKENIZER']);
    expect(omittedFeatures('llm', config({ tokenLimit: { tokens: 1, windowSeconds: 60, estimatePrompt: false } }))).toEqual([]);
    const code = handlerCode('llm', omittedFeatures('llm', cfg));
    expect(Buffer.byteLength(code)).toBeLessThan(20_000);
    expect(code).not.toMatch(/o200k|gpt-tokenizer/);
    expect(code).toContain('@aws-sdk/client-dynamodb');
    expect(code).not.toContain(path.resolve(__dirname, '..', '..'));
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path: req.url, auth: req.headers.authorization ?? null, got: JSON.parse(body), usage: { total_tokens: 3 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const dir = bundleHandler('llm', { ...cfg, backends: { model: { ...cfg.backends.model, url } } }, scratch('llm-bundle')).dir;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { handler } = require(path.join(dir, 'index.js'));
      const res = await handler(event());
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ path: '/v1/chat/completions', auth: null, got: chat, usage: { total_tokens: 3 } });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
