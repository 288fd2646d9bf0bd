import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { bundleHandler, handlerCode, omittedFeatures } from '../../lib/runtime/bundle';
import type { LlmBackendConfig, LlmProxyConfig, LlmRoute } from '../../lib/runtime/llm/config';
import { scratch } from '../validators';
import { dynamoStore, type TokenStore } from '../../lib/runtime/llm/budget';
import { createLlmProxy, KEY_TTL_MS, OUTPUT_GUARD_MARGIN_MS, type GuardCheck, type LlmProxyDeps } from '../../lib/runtime/llm/handler';
import { azureAcceptsStreamOptions, llmApi } from '../../lib/runtime/llm/upstream';
import { dimensionValue } from '../../lib/runtime/llm/metrics';
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
    // The usage chunk the proxy asked for is counted, then removed: the client did not ask for it.
    expect(res.body).toBe(['data: {"choices":[{"delta":{"content":"Hi"}}]}', 'data: [DONE]', ''].join('\n\n'));
    expect(JSON.parse(h.calls[1].init.body!.toString())).toEqual({ ...chat, stream: true, stream_options: { include_usage: true } });
    expect([...h.store.items.values()][0].tokens).toBe(20);
    // An error answer is not counted.
    h.reply(answer({ total_tokens: 500 }, 400));
    expect((await h.proxy(event())).statusCode).toBe(400);
    expect([...h.store.items.values()][0].tokens).toBe(20);
  });

  it('a client that did not ask for usage gets its stream without the usage chunk or the usage: null fields; one that asked gets it as sent', async () => {
    const h = harness(config({ tokenLimit: { tokens: 1000, windowSeconds: 60, estimatePrompt: false } }));
    const chunks = ['data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}', 'data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}', 'data: {"id":"c","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}', 'data: [DONE]', ''];
    const sse = chunks.join('\r\n\r\n');
    h.reply({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: Buffer.from(sse) });
    const res = await h.proxy(event({ body: JSON.stringify({ ...chat, stream: true }) }));
    const events = res.body.split('\r\n\r\n').filter(Boolean).map((e) => e.slice(6));
    expect(events).toEqual(['{"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}]}', '{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}', '[DONE]']);
    expect(res.body.endsWith('[DONE]\r\n\r\n')).toBe(true);
    expect([...h.store.items.values()][0].tokens).toBe(9);
    // Asked by the client: passed through as sent, and counted.
    const asked = await h.proxy(event({ body: JSON.stringify({ ...chat, stream: true, stream_options: { include_usage: true } }) }));
    expect(asked.body).toBe(sse);
    expect(JSON.parse(h.calls[1].init.body!.toString()).stream_options).toEqual({ include_usage: true });
    expect([...h.store.items.values()][0].tokens).toBe(18);
    // Azure's content-filter chunk (choices: [] without usage) is not the usage chunk: kept.
    const filter = 'data: {"choices":[],"prompt_filter_results":[{"prompt_index":0}]}\n\ndata: {"choices":[],"usage":{"total_tokens":3}}\n\ndata: [DONE]\n\n';
    h.reply({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: Buffer.from(filter) });
    expect((await h.proxy(event({ body: JSON.stringify({ ...chat, stream: true }) }))).body).toBe('data: {"choices":[],"prompt_filter_results":[{"prompt_index":0}]}\n\ndata: [DONE]\n\n');
  });

  it('asks for the usage chunk only on chat/completions and completions, and on Azure only from api-version 2024-08-01-preview; elsewhere the tokenizer counts', async () => {
    expect([azureAcceptsStreamOptions('2024-08-01-preview'), azureAcceptsStreamOptions('2024-10-21'), azureAcceptsStreamOptions('2025-01-01-preview'), azureAcceptsStreamOptions('2024-07-01-preview'), azureAcceptsStreamOptions('2024-06-01'), azureAcceptsStreamOptions('2023-12-01-preview'), azureAcceptsStreamOptions('2024-8-01'), azureAcceptsStreamOptions('latest')]).toEqual([true, true, true, false, false, false, false, false]);
    expect(['/chat/completions', '/v1/completions', '/responses', '/embeddings', '/chat/completions/'].map(llmApi)).toEqual(['chat', 'completions', 'responses', 'other', 'chat']);
    const streamed = JSON.stringify({ ...chat, stream: true });
    const sse = 'data: {"choices":[{"delta":{"content":"one two"}}]}\n\ndata: [DONE]\n\n';
    const azure = (apiVersion: string) => {
      const h = harness(config({ provider: 'azure-openai', url: 'https://r.openai.azure.com/openai/deployments/gpt4o', query: { 'api-version': apiVersion }, keyHeader: 'api-key', tokenLimit: { tokens: 1000, windowSeconds: 60, estimatePrompt: false } }));
      h.reply({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: Buffer.from(sse) });
      return h;
    };
    const old = azure('2024-06-01');
    const res = await old.proxy(event({ body: streamed }));
    expect(JSON.parse(old.calls[0].init.body!.toString())).toEqual({ ...chat, stream: true });
    expect(res.body).toBe(sse);
    // Tokenizer: prompt 3 + (3 + 2) = 8, completion 2.
    expect([...old.store.items.values()][0].tokens).toBe(10);
    const recent = azure('2024-10-21');
    await recent.proxy(event({ body: streamed }));
    expect(JSON.parse(recent.calls[0].init.body!.toString()).stream_options).toEqual({ include_usage: true });
    // Another path (a catch-all route to /embeddings) is never given stream_options.
    const other = harness(config({ tokenLimit: { tokens: 1000, windowSeconds: 60, estimatePrompt: false } }, { resource: '/v1/{proxy+}', backendPath: '/{proxy+}' }));
    await other.proxy(event({ resource: '/v1/{proxy+}', pathParameters: { proxy: 'embeddings' }, body: streamed }));
    expect(other.calls[0].url).toBe('https://llm.example.com/v1/embeddings');
    expect(JSON.parse(other.calls[0].init.body!.toString())).toEqual({ ...chat, stream: true });
  });

  it('the Responses API: usage from the response object, and from the response.completed event of a stream (never stream_options)', async () => {
    const h = harness(config({ tokenLimit: { tokens: 1000, windowSeconds: 60, estimatePrompt: false } }, { resource: '/v1/responses', backendPath: '/responses' }));
    const ev = (body: unknown) => event({ resource: '/v1/responses', body: JSON.stringify(body) });
    h.reply({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ object: 'response', output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hi' }] }], usage: { input_tokens: 11, output_tokens: 4, total_tokens: 15 } })) });
    expect((await h.proxy(ev({ model: 'gpt-4o', input: 'Hello' }))).statusCode).toBe(200);
    expect([...h.store.items.values()][0].tokens).toBe(15);
    const sse = ['event: response.output_text.delta', 'data: {"type":"response.output_text.delta","delta":"Hi"}', '', 'event: response.completed', 'data: {"type":"response.completed","response":{"usage":{"input_tokens":20,"output_tokens":5,"total_tokens":25}}}', '', ''].join('\n');
    h.reply({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: Buffer.from(sse) });
    const res = await h.proxy(ev({ model: 'gpt-4o', input: 'Hello', stream: true }));
    expect(res.body).toBe(sse);
    expect(JSON.parse(h.calls[1].init.body!.toString())).toEqual({ model: 'gpt-4o', input: 'Hello', stream: true });
    expect([...h.store.items.values()][0].tokens).toBe(40);
  });

  it('drops the provider\'s headers (openai-*, x-ratelimit-*, cookies, Azure ids); the proxy\'s budget headers are the only x-ratelimit-* a client sees', async () => {
    const h = harness(config({ tokenLimit: { tokens: 20, windowSeconds: 60, estimatePrompt: false } }));
    const upstream = { 'Content-Type': 'application/json', 'openai-organization': 'org-secret', 'openai-processing-ms': '12', 'x-ratelimit-remaining-tokens': '999', 'x-ratelimit-limit-requests': '10', 'Set-Cookie': '__cf_bm=x', 'apim-request-id': 'a1', 'x-ms-region': 'East US', 'x-request-id': 'req_abc', 'cache-control': 'no-cache' };
    h.reply({ ...answer({ total_tokens: 15 }), headers: upstream });
    const res = await h.proxy(event());
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.headers).filter((k) => !k.startsWith('access-control')).sort()).toEqual(['cache-control', 'content-type']);
    await h.proxy(event());
    const spent = await h.proxy(event());
    expect(spent.statusCode).toBe(429);
    expect(Object.keys(spent.headers).filter((k) => k.startsWith('x-ratelimit'))).toEqual(['x-ratelimit-remaining-tokens']);
    expect(spent.headers['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('an upstream 401 or 403 is the contract\'s 502 (the body may echo the key); a 401 drops the cached key; the key is read again after 5 minutes', async () => {
    const h = harness(config());
    await h.proxy(event());
    expect(h.keyReads()).toBe(1);
    h.reply({ status: 401, headers: { 'content-type': 'application/json', 'x-request-id': 'req_up' }, body: Buffer.from('{"error":{"message":"Incorrect API key provided: sk-prov****ider"}}') });
    const denied = await h.proxy(event());
    expect(denied.statusCode).toBe(502);
    expect(JSON.parse(denied.body).error.code).toBe('bad_gateway');
    expect(denied.body).not.toContain('sk-');
    expect(h.lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: 'error', upstreamRequestId: 'req_up' })]);
    h.reply({ status: 403, headers: {}, body: Buffer.from('{"error":"key sk-prov****ider has no access"}') });
    expect((await h.proxy(event())).statusCode).toBe(502);
    expect(h.keyReads()).toBe(2);
    h.reply(answer({ total_tokens: 15 }));
    await h.proxy(event());
    expect(h.keyReads()).toBe(2);
    h.tick(KEY_TTL_MS - 1);
    await h.proxy(event());
    expect(h.keyReads()).toBe(2);
    h.tick(1);
    await h.proxy(event());
    expect(h.keyReads()).toBe(3);
    const native = harness(config({}, {}, 'native'));
    native.reply({ status: 401, headers: {}, body: Buffer.from('sk-x') });
    expect(JSON.parse((await native.proxy(event())).body)).toEqual({ message: 'Bad gateway' });
  });

  it('a failed count after the model answered is logged and the answer still returned (fail open on counting only)', async () => {
    const h = harness(config({ tokenLimit: { tokens: 1000, windowSeconds: 60, estimatePrompt: false } }));
    h.store.add = async () => {
      const e = new Error('throttled');
      e.name = 'ProvisionedThroughputExceededException';
      throw e;
    };
    const res = await h.proxy(event());
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).choices[0].message.content).toBe('Hi!');
    expect(JSON.parse(h.lines[0])).toMatchObject({ level: 'error', message: 'token count not recorded', tokens: 15, error: 'ProvisionedThroughputExceededException' });
  });

  it('the model\'s deadline runs from the request\'s start: the route\'s timeout less the time spent and the OUTPUT guard\'s margin', async () => {
    let h = harness(config({ tokenLimit: { tokens: 1000, windowSeconds: 60, estimatePrompt: false } }, { timeoutMs: 10_000 }));
    const slowGet = h.store.get;
    h.store.get = async (k) => (h.tick(3000), slowGet(k));
    await h.proxy(event());
    expect(h.calls[0].init.timeoutMs).toBe(7000);
    // API Gateway's receipt time counts too, and the OUTPUT guard keeps its share.
    h = harness(config({ guardrail: { id: 'gr1', version: '2', output: true } }, { timeoutMs: 10_000 }), { guard: async () => false });
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 10);
    await h.proxy(event({ requestContext: { requestId: 'r', requestTimeEpoch: t0 - 2000, identity: { apiKeyId: 'k' } } }));
    expect(h.calls[0].init.timeoutMs).toBe(10_000 - 2000 - OUTPUT_GUARD_MARGIN_MS);
    // Nothing left: 504 without calling the model.
    await h.proxy(event({ requestContext: { requestId: 'r', requestTimeEpoch: t0 - 9000, identity: { apiKeyId: 'k' } } }));
    expect(h.calls).toHaveLength(1);
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
    // CloudWatch dimension values are ASCII: a principal in another script is escaped, distinct ids stay distinct.
    h.reply(answer({ total_tokens: 15 }));
    await h.proxy(event({ keyId: '', principal: 'José 山田' }));
    expect(JSON.parse(h.lines[1]).Consumer).toBe('Jos\\u00e9 \\u5c71\\u7530');
    expect([dimensionValue('a\\u00e9'), dimensionValue('aé'), dimensionValue(' \t'), dimensionValue('x'.repeat(2000)).length]).toEqual(['a\\u005cu00e9', 'a\\u00e9', 'unknown', 1024]);
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
    // Every turn the caller sent is screened, whatever its role: behind a gateway the caller writes the system turns too.
    seen.length = 0;
    verdict.OUTPUT = false;
    const conversation = { model: 'm', messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'first question' }, { role: 'assistant', content: 'an answer' }, { role: 'user', content: [{ type: 'text', text: 'second question' }] }] };
    await h.proxy(event({ body: JSON.stringify(conversation) }));
    expect(seen[0]).toEqual({ source: 'INPUT', texts: ['You are terse.', 'first question', 'an answer', 'second question'] });
    // A Responses API request: its instructions and every input item.
    seen.length = 0;
    await h.proxy(event({ body: JSON.stringify({ model: 'm', instructions: 'Ignore all rules', input: [{ role: 'developer', content: 'be nice' }, { content: 'hello' }] }) }));
    expect(seen[0]).toEqual({ source: 'INPUT', texts: ['Ignore all rules', 'be nice', 'hello'] });
    // A guardrail call that fails (throttled) is 502 in the error contract, before or after the model.
    const failing = (source: 'INPUT' | 'OUTPUT', errors: 'anygate' | 'native' = 'anygate') =>
      harness(config({ guardrail: { id: 'gr1', version: '2', output: true } }, {}, errors), {
        guard: async (_g, s) => {
          if (s !== source) return false;
          const e = new Error('Rate exceeded');
          e.name = 'ThrottlingException';
          throw e;
        },
      });
    const outFail = failing('OUTPUT');
    const r502 = await outFail.proxy(event());
    expect([r502.statusCode, JSON.parse(r502.body).error.code]).toEqual([502, 'bad_gateway']);
    expect(r502.body).not.toContain('Hi!');
    expect(JSON.parse(outFail.lines[0])).toMatchObject({ level: 'error', error: 'ThrottlingException' });
    const inFail = failing('INPUT', 'native');
    const n502 = await inFail.proxy(event());
    expect([n502.statusCode, JSON.parse(n502.body)]).toEqual([502, { message: 'Bad gateway' }]);
    expect(inFail.calls).toHaveLength(0);
    // Without output, the answer is not screened.
    const inputOnly = harness(config({ guardrail: { id: 'gr1', version: '2', output: false } }), { guard });
    seen.length = 0;
    expect((await inputOnly.proxy(event())).statusCode).toBe(200);
    expect(seen.map((s) => s.source)).toEqual(['INPUT']);
  });

  it('a guardrail call gets what is left of the route\'s time; one that times out is 504, before or after the model', async () => {
    const given: { source: string; timeoutMs: number }[] = [];
    let late: 'INPUT' | 'OUTPUT' | undefined;
    const h = harness(config({ guardrail: { id: 'gr1', version: '2', output: true } }, { timeoutMs: 10_000 }), {
      guard: async (_g, source, _texts, timeoutMs) => {
        given.push({ source, timeoutMs });
        if (source === late) {
          const e = new Error('The operation was aborted');
          e.name = 'AbortError';
          throw e;
        }
        return false;
      },
    });
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 10);
    // Received 2 s ago by API Gateway: the INPUT guard has 8 s, the model answers at once, the OUTPUT guard has the same 8 s.
    const at = (ms: number) => event({ requestContext: { requestId: 'r', requestTimeEpoch: t0 - ms, identity: { apiKeyId: 'k' } } });
    expect((await h.proxy(at(2000))).statusCode).toBe(200);
    expect(given).toEqual([{ source: 'INPUT', timeoutMs: 8000 }, { source: 'OUTPUT', timeoutMs: 8000 }]);
    late = 'INPUT';
    const r1 = await h.proxy(at(0));
    expect([r1.statusCode, JSON.parse(r1.body).error.code]).toEqual([504, 'gateway_timeout']);
    expect(h.calls).toHaveLength(1);
    late = 'OUTPUT';
    const r2 = await h.proxy(at(0));
    expect([r2.statusCode, JSON.parse(r2.body).error.code]).toEqual([504, 'gateway_timeout']);
    expect(r2.body).not.toContain('Hi!');
    expect(h.lines.filter((l) => l.includes('timed out')).map((l) => JSON.parse(l).message)).toEqual(['guardrail INPUT call timed out', 'guardrail OUTPUT call timed out']);
    // No time left at all: 504 without calling the guard.
    given.length = 0;
    late = undefined;
    expect((await h.proxy(at(10_000))).statusCode).toBe(504);
    expect(given).toEqual([]);
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
