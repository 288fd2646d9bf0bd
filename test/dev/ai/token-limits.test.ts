/**
 * The pieces under dev's token limits: prompt counting with gpt-tokenizer, the upstream's usage
 * (JSON and server-sent events), budgets per consumer / key / gateway with prompt estimation and
 * window renewal, and the mock LLM's deterministic OpenAI-compatible answers.
 */
import { countTokens } from 'gpt-tokenizer';
import { promptTokens, reportedUsage, TokenBudgets, tokensIn } from '../../../dev/token-limits';
import { startMockLlm, type MockLlm } from '../../../dev/mock-llm';

const chat = (content: string) => Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content }] }));

describe('counting', () => {
  it('counts chat prompts as OpenAI documents (content + 3 a message + 3), completions prompts as text', () => {
    expect(promptTokens(chat('hello world'))).toBe(3 + (3 + countTokens('be brief')) + (3 + countTokens('hello world')));
    expect(promptTokens(Buffer.from(JSON.stringify({ prompt: 'hello world' })))).toBe(countTokens('hello world'));
    expect(promptTokens(Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'x' } }] }] })))).toBe(3 + 3 + countTokens('hi'));
  });

  it('counts special-token text in a prompt as text instead of failing', () => {
    expect(tokensIn('a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it('reads usage from JSON answers and from the last event of a stream', () => {
    expect(reportedUsage(Buffer.from('{"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}'), 'application/json')).toBe(12);
    expect(reportedUsage(Buffer.from('{"usage":{"prompt_tokens":5,"completion_tokens":7}}'), 'application/json')).toBe(12);
    expect(reportedUsage(Buffer.from('{"choices":[]}'), 'application/json')).toBeUndefined();
    const sse = 'data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: {"choices":[],"usage":{"total_tokens":9}}\n\ndata: [DONE]\n\n';
    expect(reportedUsage(Buffer.from(sse), 'text/event-stream; charset=utf-8')).toBe(9);
  });
});

describe('budgets', () => {
  const MIN = 60_000;
  const t0 = 10 * MIN;
  const answer = (total: number) => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ usage: { total_tokens: total } })) });

  it('admit while tokens are left, per consumer, and renew with the window', () => {
    const b = new TokenBudgets(new Map([['llm', { tokens: 100, windowSeconds: 60, per: 'consumer' as const, estimatePrompt: false }]]));
    const acme = { consumer: 'acme', clientIp: '1' };
    expect(b.admit('llm', acme, chat('x'), t0).ok).toBe(true);
    b.charge('llm', acme, chat('x'), answer(100), t0);
    expect(b.admit('llm', acme, chat('x'), t0 + 15_000)).toEqual({ ok: false, retryAfterSeconds: 45, used: 100, limit: 100, estimate: 0 });
    expect(b.admit('llm', { consumer: 'globex', clientIp: '1' }, chat('x'), t0).ok).toBe(true);
    expect(b.admit('llm', acme, chat('x'), t0 + MIN).ok).toBe(true);
    expect(b.admit('other', acme, chat('x'), t0).ok).toBe(true);
  });

  it('with estimatePrompt refuse up front a prompt larger than what is left', () => {
    const b = new TokenBudgets(new Map([['llm', { tokens: 50, windowSeconds: 60, per: 'gateway' as const, estimatePrompt: true }]]));
    const big = chat('word '.repeat(80));
    const r = b.admit('llm', { consumer: 'a', clientIp: '1' }, big, t0);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.estimate).toBe(promptTokens(big));
    // One budget for every caller with per: gateway.
    b.charge('llm', { consumer: 'a', clientIp: '1' }, chat('x'), answer(50), t0);
    expect(b.admit('llm', { consumer: 'b', clientIp: '2' }, chat('x'), t0).ok).toBe(false);
  });

  it('charge the counted prompt and completion when the upstream reports no usage', () => {
    const b = new TokenBudgets(new Map([['llm', { tokens: 1000, windowSeconds: 60, per: 'key' as const, estimatePrompt: false }]]));
    const reply = { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'four word reply here' } }] })) };
    expect(b.charge('llm', { credential: 'k1', clientIp: '1' }, chat('hello'), reply, t0)).toBe(promptTokens(chat('hello')) + countTokens('four word reply here'));
  });
});

type Chat = { usage?: unknown; choices: { message: { content: string } }[] };

describe('the mock LLM', () => {
  let llm: MockLlm;
  beforeAll(async () => {
    llm = await startMockLlm({ now: () => 1_700_000_000_000 });
  });
  afterAll(() => llm.close());
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => fetch(llm.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('answers chat completions deterministically, with a usage block the budget counts alike', async () => {
    const req = { model: 'gpt-4o', messages: [{ role: 'user', content: 'What is a pet?' }] };
    const [a, b] = (await Promise.all([post('/v1/chat/completions', req).then((r) => r.json()), post('/v1/chat/completions', req).then((r) => r.json())])) as [Chat, Chat];
    expect(a).toEqual(b);
    expect(a).toMatchObject({ object: 'chat.completion', created: 1_700_000_000, model: 'gpt-4o', choices: [{ message: { role: 'assistant', content: 'anygate mock reply to: What is a pet?' }, finish_reason: 'stop' }] });
    const prompt = promptTokens(Buffer.from(JSON.stringify(req)));
    expect(a.usage).toEqual({ prompt_tokens: prompt, completion_tokens: countTokens(a.choices[0].message.content), total_tokens: prompt + countTokens(a.choices[0].message.content) });
  });

  it('answers completions, streams with a final usage chunk, and leaves usage out on request', async () => {
    expect(await (await post('/completions', { prompt: 'hi', max_tokens: 3 })).json()).toMatchObject({ object: 'text_completion', choices: [{ text: 'anygate mock reply' }], usage: { completion_tokens: countTokens('anygate mock reply') } });
    const s = await post('/chat/completions', { messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    expect(s.headers.get('content-type')).toBe('text/event-stream');
    const text = await s.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(reportedUsage(Buffer.from(text), 'text/event-stream')).toBeGreaterThan(0);
    const none = (await (await post('/chat/completions', { messages: [{ role: 'user', content: 'hi' }] }, { 'x-anygate-mock-usage': 'none' })).json()) as Chat;
    expect(none.usage).toBeUndefined();
  });

  it('refuses what OpenAI refuses, in its error shape', async () => {
    const r = await post('/chat/completions', { messages: [] });
    expect([r.status, ((await r.json()) as { error: { type: string } }).error.type]).toEqual([400, 'invalid_request_error']);
    expect((await fetch(llm.url + '/v1/embeddings', { method: 'POST' })).status).toBe(404);
  });
});
