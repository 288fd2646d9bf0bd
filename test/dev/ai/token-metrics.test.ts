/**
 * dev's `/__anygate/metrics` records LLM token use as `gen_ai_client_token_usage` (the
 * OpenTelemetry GenAI metric the Envoy AI Gateway exports): a histogram per token type, route and
 * consumer whose sums are the usage the model reported, and nothing for a refused call.
 */
import { startDev, type DevServer } from '../../../dev/server';
import { GEN_AI_TOKEN_USAGE_BUCKETS } from '../../../dev/metrics/gen-ai';
import { isolateDevHome } from '../helpers';
import { aiSpec } from './fixture';
import { parseExposition, valueOf } from '../prometheus-text';

isolateDevHome();
let dev: DevServer;
beforeAll(async () => {
  const spec = aiSpec('{ tokens: 100000, period: minute, per: consumer }, tokenMetrics: { dimensions: [consumer, route] }');
  dev = await startDev({ spec, allowRefused: true, port: 0, clock: 'virtual', mockLlm: true, publishAdminToken: false, env: { ANYGATE_DEV_KEY_ACME: 'key-acme-0123456789', ANYGATE_DEV_KEY_GLOBEX: 'key-globex-0123456789' } });
});
afterAll(() => dev.close());

const chat = (key: string | undefined, content: string, model?: string) =>
  fetch(`${dev.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) }, body: JSON.stringify({ ...(model ? { model } : {}), messages: [{ role: 'user', content }] }) });

it('exposes gen_ai_client_token_usage by token type, route and consumer, summing the reported usage', async () => {
  const used = { acme: { input: 0, output: 0 }, globex: { input: 0, output: 0 } };
  const calls: [keyof typeof used, string][] = [['acme', 'hello'], ['acme', 'where is my order 42?'], ['acme', 'thanks'], ['acme', 'one more question about shipping'], ['globex', 'hi']];
  for (const [who, text] of calls) {
    const r = await chat(who === 'acme' ? 'key-acme-0123456789' : 'key-globex-0123456789', text, 'gpt-4o-mini');
    expect(r.status).toBe(200);
    const u = ((await r.json()) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
    used[who].input += u.prompt_tokens;
    used[who].output += u.completion_tokens;
  }
  // Refused (no key): no tokens used, nothing recorded.
  expect((await chat(undefined, 'nope')).status).toBe(401);
  const m = await fetch(`${dev.url}/__anygate/metrics`);
  expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await m.text();
  // A reader that refuses a broken exposition (test/dev/prometheus-text.ts).
  const families = parseExposition(text);
  expect(families.get('gen_ai_client_token_usage')?.type).toBe('histogram');
  const sample = (_: string, name: string, labels: Record<string, string>) => valueOf(families, name, labels);
  expect(text).toContain('# TYPE gen_ai_client_token_usage histogram');
  const base = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini', route: 'chat' };
  for (const who of ['acme', 'globex'] as const) {
    for (const type of ['input', 'output'] as const) {
      const labels = { ...base, gen_ai_token_type: type, consumer: who };
      expect(sample(text, 'gen_ai_client_token_usage_sum', labels)).toBe(used[who][type]);
      expect(sample(text, 'gen_ai_client_token_usage_count', labels)).toBe(who === 'acme' ? 4 : 1);
      expect(sample(text, 'gen_ai_client_token_usage_bucket', { ...labels, le: '+Inf' })).toBe(who === 'acme' ? 4 : 1);
    }
  }
  // The semantic conventions' bucket bounds, and no series for the refused call.
  expect(text).toContain(`gen_ai_client_token_usage_bucket{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_token_type="input",route="chat",consumer="acme",le="${GEN_AI_TOKEN_USAGE_BUCKETS[0]}"}`);
  expect(text.split('\n').filter((l) => l.startsWith('gen_ai_client_token_usage_count'))).toHaveLength(4);
});
