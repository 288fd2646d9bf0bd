/**
 * `anygate dev --mock-llm`: a local OpenAI-compatible model on 127.0.0.1 for `type: llm`
 * backends. Deterministic: the reply to a prompt is always the same text, ids are hashes of the
 * request, `created` is the dev clock's second. Answers carry OpenAI's `usage` block (prompt
 * tokens counted as token-limits.ts counts them, completion tokens of the reply), so token limits
 * behave in dev as against the real provider.
 *
 * Endpoints (any path prefix, so `https://host/v1` or `/openai/deployments/x` bases both work):
 * POST .../chat/completions, POST .../completions, GET .../models. `stream: true` answers
 * server-sent events, with a final usage chunk when `stream_options.include_usage` is set. The
 * request header `x-anygate-mock-usage: none` leaves the usage block out (an upstream that
 * reports none).
 */
import { completionKind } from './ai-model';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promptTokens, tokensIn } from './token-limits';

export interface MockLlm {
  /** Base URL; append /chat/completions. */
  readonly url: string;
  /** Requests answered so far. */
  readonly calls: number;
  close(): Promise<void>;
}

export interface MockLlmOptions {
  /** Milliseconds since the epoch, for `created`. @default Date.now */
  readonly now?: () => number;
  /** @default 0 (a free port) */
  readonly port?: number;
}

const MODEL = 'anygate-mock';
const MAX_ECHO = 200;

type Json = Record<string, unknown>;

function lastUserText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown } | null;
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) return m.content.map((p) => (typeof (p as { text?: unknown })?.text === 'string' ? (p as { text: string }).text : '')).join(' ');
  }
  return '';
}

/** The mock's reply to `prompt`, cut to `maxTokens` words when the request sets max_tokens. */
export function mockReply(prompt: string, maxTokens?: number): string {
  const text = `anygate mock reply to: ${prompt.replace(/\s+/g, ' ').trim().slice(0, MAX_ECHO)}`;
  if (!maxTokens || maxTokens <= 0) return text;
  return text.split(' ').slice(0, maxTokens).join(' ');
}

function error(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }));
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function answer(kind: 'chat' | 'text', doc: Json, raw: Buffer, created: number, withUsage: boolean): { body: Json; text: string; usage: Json } {
  const maxTokens = typeof doc.max_tokens === 'number' ? doc.max_tokens : typeof doc.max_completion_tokens === 'number' ? doc.max_completion_tokens : undefined;
  const prompt = kind === 'chat' ? lastUserText(doc.messages as unknown[]) : Array.isArray(doc.prompt) ? doc.prompt.join(' ') : String(doc.prompt);
  const text = mockReply(prompt, maxTokens);
  const prompt_tokens = promptTokens(raw);
  const completion_tokens = tokensIn(text);
  const usage = { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
  const id = `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-anygate-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
  const model = typeof doc.model === 'string' ? doc.model : MODEL;
  const choice = kind === 'chat' ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null } : { index: 0, text, finish_reason: 'stop', logprobs: null };
  const body: Json = { id, object: kind === 'chat' ? 'chat.completion' : 'text_completion', created, model, choices: [choice], ...(withUsage ? { usage } : {}) };
  return { body, text, usage };
}

function stream(res: ServerResponse, kind: 'chat' | 'text', a: ReturnType<typeof answer>, includeUsage: boolean): void {
  const { id, created, model } = a.body as { id: string; created: number; model: string };
  const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  const events: Json[] = [];
  const words = a.text.split(' ');
  words.forEach((w, i) => {
    const piece = i === 0 ? w : ` ${w}`;
    events.push({ id, object, created, model, choices: [kind === 'chat' ? { index: 0, delta: i === 0 ? { role: 'assistant', content: piece } : { content: piece }, finish_reason: null } : { index: 0, text: piece, finish_reason: null }] });
  });
  events.push({ id, object, created, model, choices: [kind === 'chat' ? { index: 0, delta: {}, finish_reason: 'stop' } : { index: 0, text: '', finish_reason: 'stop' }] });
  if (includeUsage) events.push({ id, object, created, model, choices: [], usage: a.usage });
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.end(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n');
}

/** Starts the mock model; resolves once it listens. */
export async function startMockLlm(opts: MockLlmOptions = {}): Promise<MockLlm> {
  const now = opts.now ?? Date.now;
  let calls = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
      if (req.method === 'GET' && path.endsWith('/models')) {
        calls++;
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model', created: 0, owned_by: 'anygate' }] }));
      }
      const kind = completionKind(path);
      if (!kind) return error(res, 404, `the mock LLM serves POST .../chat/completions, POST .../completions and GET .../models, not ${req.method} ${path || '/'}`);
      if (req.method !== 'POST') return error(res, 405, `${path} takes POST`);
      const raw = await readAll(req);
      let doc: Json;
      try {
        doc = JSON.parse(raw.toString('utf8')) as Json;
        if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
      } catch {
        return error(res, 400, 'the body is not a JSON object');
      }
      if (kind === 'chat' && (!Array.isArray(doc.messages) || doc.messages.length === 0)) return error(res, 400, "'messages' must be a non-empty array");
      if (kind === 'text' && typeof doc.prompt !== 'string' && !Array.isArray(doc.prompt)) return error(res, 400, "'prompt' must be a string or an array of strings");
      calls++;
      const withUsage = req.headers['x-anygate-mock-usage'] !== 'none';
      const a = answer(kind, doc, raw, Math.floor(now() / 1000), withUsage);
      if (doc.stream === true) return stream(res, kind, a, withUsage && Boolean((doc.stream_options as { include_usage?: unknown } | undefined)?.include_usage));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.body));
    })().catch(() => {
      if (!res.headersSent) error(res, 500, 'mock LLM failure');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get calls() {
      return calls;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
