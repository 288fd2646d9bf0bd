/**
 * The generated LLM proxy: a Lambda proxy integration in front of an OpenAI-compatible or Azure
 * OpenAI model, for what API Gateway cannot do itself: put the provider key (read from Secrets
 * Manager once per container) on the call, count the tokens the model reports against a budget in
 * DynamoDB (429 with Retry-After once spent), write token metrics (CloudWatch EMF lines) and screen
 * prompts and answers with Bedrock Guardrails. Only the body, `content-type` and `accept` of the
 * client's request reach the model: never its credentials (the gateway's API key or token).
 * Every dependency (HTTP, Secrets Manager, DynamoDB, Bedrock, tokenizer, clock, log) is injected.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorBody, ERROR_CONTRACT, type ErrorCode } from '../../model/error-contract';
import type { TransformRoute } from '../config';
import type { LlmCaller, LlmProxyConfig, LlmRoute } from './config';
import { backendPathOf, eventBody, lowerHeaders, type ProxyEvent } from '../transform/event';
import { respond, type ProxyResult } from '../transform/response';
import { BadInput } from '../transform/text';
import { nodeHttp, type HttpAnswer, type HttpInit } from '../transform/transport';
import { llmKeySecretEnv, TOKEN_TABLE_ENV } from './env';
import { counterKey, dynamoStore, sdkDynamoSend, tokenWindow, TTL_GRACE_SECONDS, type TokenStore } from './budget';
import { emfLine, type MetricDimension } from './metrics';
import { completionText, contentText, promptTexts, promptTokens, reportedUsage, type CountTokens, type Usage } from './usage';
import { clientHeaders, llmApi, mayAskUsage, withoutUsageChunk, withUsageRequest } from './upstream';

/**
 * A Bedrock guardrail's verdict on some texts: true when it intervened (the call is refused). It
 * rejects with a `TimeoutError` (or `AbortError`) once `timeoutMs` has passed: the route's time left.
 */
export type GuardCheck = (guardrail: { id: string; version: string }, source: 'INPUT' | 'OUTPUT', texts: string[], timeoutMs: number) => Promise<boolean>;

export interface LlmProxyDeps {
  /** One HTTP exchange with the model (reject with a `TimeoutError` for a timeout: 504). */
  readonly http: (url: string, init: HttpInit) => Promise<HttpAnswer>;
  /** The provider key of a backend (the proxy caches a successful read for KEY_TTL_MS, and forgets it when the model answers 401). */
  readonly providerKey: (backend: string) => Promise<string>;
  /** The budget counters. @default - none: a configuration with a token limit is refused (500) */
  readonly store?: TokenStore;
  /** The tokenizer (prompt estimation, and counting when the model reports no usage). @default - none */
  readonly count?: CountTokens;
  /** Bedrock ApplyGuardrail. @default - none: a configuration with a guardrail is refused (500) */
  readonly guard?: GuardCheck;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** Where EMF lines and the proxy's own JSON log lines go (stdout in Lambda). */
  readonly log: (line: string) => void;
}

/** Request headers passed to the model: the body's description, nothing that identifies the caller. */
const FORWARDED = ['content-type', 'accept'];

/** The id of the API key API Gateway checked, when the route requires one. */
function apiKeyIdOf(event: ProxyEvent): string | undefined {
  const id = (event.requestContext?.identity as { apiKeyId?: unknown } | undefined)?.apiKeyId;
  return typeof id === 'string' && id ? id : undefined;
}

/** The principal the route's Lambda authorizer returned. */
function principalOf(event: ProxyEvent): string | undefined {
  const p = event.requestContext?.authorizer?.principalId;
  return typeof p === 'string' && p ? p : undefined;
}

/** Who the budget counts for, as the proxy event says: undefined when the event does not name the caller the configuration needs. */
function callerOf(caller: LlmCaller, event: ProxyEvent): string | undefined {
  if (caller === 'gateway') return 'gateway';
  const id = caller === 'apiKey' ? apiKeyIdOf(event) : principalOf(event);
  return id === undefined ? undefined : `${caller === 'apiKey' ? 'key' : 'principal'}:${id}`;
}

/** The text of a streamed answer: every chunk's delta content. */
function streamedText(body: Buffer): string {
  let out = '';
  for (const line of body.toString('utf8').split('\n')) {
    const data = line.startsWith('data:') ? line.slice(5).trim() : '';
    if (!data || data === '[DONE]') continue;
    try {
      const d = JSON.parse(data) as { choices?: { delta?: { content?: unknown }; text?: unknown }[]; type?: unknown; delta?: unknown };
      // A Responses API stream carries its text in response.output_text.delta events.
      if (d.type === 'response.output_text.delta' && typeof d.delta === 'string') out += d.delta;
      for (const c of d.choices ?? []) out += contentText(c?.delta?.content) || (typeof c?.text === 'string' ? c.text : '');
    } catch {
      // not JSON
    }
  }
  return out;
}

/** How long a provider key read from Secrets Manager is used before it is read again (a rotated key is picked up). */
export const KEY_TTL_MS = 5 * 60_000;

/** Time kept for the OUTPUT guard after the model answers, out of the route's deadline (at most a quarter of it). */
export const OUTPUT_GUARD_MARGIN_MS = 1500;

/** The errors of a guardrail call (throttling, service errors): 502, the guard could not decide. */
const guardFailed = Symbol('guard failed');
/** A guardrail call that ran out of the route's time: 504, as for the model. */
const guardTimedOut = Symbol('guard timed out');
const isTimeout = (e: unknown) => (e as Error)?.name === 'TimeoutError' || (e as Error)?.name === 'AbortError';

/** The transform function's answer step (decoding, hop headers, CORS) with no changes of its own: what the proxy answers with. */
function answerStep(r: LlmRoute): TransformRoute {
  return {
    method: r.method,
    resource: r.resource,
    target: { type: 'http', url: '' },
    rename: r.rename,
    backendPath: r.backendPath,
    timeoutMs: r.timeoutMs,
    request: { setHeaders: {}, removeHeaders: [], setQuery: {}, removeQuery: [] },
    response: { setHeaders: {}, removeHeaders: [], redact: [] },
    ...(r.cors ? { cors: r.cors } : {}),
  };
}

export function createLlmProxy(cfg: LlmProxyConfig, deps: LlmProxyDeps) {
  const routes = new Map(cfg.routes.map((r) => [`${r.method} ${r.resource}`, r]));
  const steps = new Map(cfg.routes.map((r) => [r, answerStep(r)]));
  const keys = new Map<string, { key: Promise<string>; until: number }>();
  const keyOf = (backend: string) => {
    const at = deps.now();
    let entry = keys.get(backend);
    if (!entry || at >= entry.until) {
      const p = deps.providerKey(backend).then((k) => {
        if (typeof k !== 'string' || !k) throw new Error('empty provider key');
        return k;
      });
      const e = { key: p, until: at + KEY_TTL_MS };
      // A failed read is forgotten: the next call tries again.
      p.catch(() => keys.get(backend) === e && keys.delete(backend));
      keys.set(backend, e);
      entry = e;
    }
    return entry.key;
  };
  /** One guardrail call within what is left of the route's time (`started`: when the request began). */
  const guard = async (g: { id: string; version: string }, source: 'INPUT' | 'OUTPUT', texts: string[], route: LlmRoute, started: number): Promise<boolean | typeof guardFailed | typeof guardTimedOut> => {
    const left = route.timeoutMs - (deps.now() - started);
    if (left <= 0) return guardTimedOut;
    try {
      return await deps.guard!(g, source, texts, left);
    } catch (e) {
      deps.log(JSON.stringify({ level: 'error', message: `guardrail ${source} call ${isTimeout(e) ? 'timed out' : 'failed'}`, error: (e as Error)?.name ?? 'Error' }));
      return isTimeout(e) ? guardTimedOut : guardFailed;
    }
  };

  const refuse = (code: ErrorCode, event: ProxyEvent, route: LlmRoute | undefined, headers: Record<string, string> = {}): ProxyResult => {
    const { status, message } = ERROR_CONTRACT[code];
    const requestId = typeof event.requestContext?.requestId === 'string' ? event.requestContext.requestId : '';
    const body = cfg.errors === 'anygate' ? errorBody(code, requestId) : JSON.stringify({ message });
    const h: Record<string, string> = { 'content-type': 'application/json', ...headers };
    return route ? respond(steps.get(route)!, lowerHeaders(event.headers).origin, status, h, Buffer.from(body, 'utf8')) : { statusCode: status, headers: h, body, isBase64Encoded: false };
  };

  return async (event: ProxyEvent): Promise<ProxyResult> => {
    const route = routes.get(`${event.httpMethod} ${event.resource}`) ?? routes.get(`ANY ${event.resource}`);
    if (!route) return refuse('not_found', event, undefined);
    const b = cfg.backends[route.backend];
    const headers = lowerHeaders(event.headers);
    const body = eventBody(event);
    const now = deps.now();
    // API Gateway's receipt time when the event has it (the integration timeout runs from there).
    const rt = event.requestContext?.requestTimeEpoch;
    const started = typeof rt === 'number' && Number.isFinite(rt) && rt > 0 && rt < now ? rt : now;

    // The budget: refuse while the caller's window is spent (or the prompt's estimate does not fit).
    const t = b.tokenLimit;
    let counter: { key: string; expiresAt: number } | undefined;
    if (t) {
      const caller = callerOf(route.caller, event);
      // Fail closed: a route the records let through always names its caller; an event that does not cannot be counted.
      if (caller === undefined || !deps.store || (t.estimatePrompt && !deps.count)) return refuse('internal_error', event, route);
      const w = tokenWindow(now, t.windowSeconds);
      const key = counterKey(route.backend, createHash('sha256').update(caller).digest('hex').slice(0, 32), w.start);
      counter = { key, expiresAt: w.end + TTL_GRACE_SECONDS };
      const used = await deps.store.get(key);
      const estimate = t.estimatePrompt && body ? promptTokens(body, deps.count!) : 0;
      if (used >= t.tokens || used + estimate > t.tokens) {
        const retryAfter = Math.max(1, w.end - Math.floor(now / 1000));
        return refuse(t.windowSeconds <= 60 ? 'rate_limited' : 'quota_exceeded', event, route, { 'retry-after': String(retryAfter), 'x-ratelimit-remaining-tokens': String(Math.max(0, t.tokens - used)) });
      }
    }

    // The prompt guard, before the model is paid for.
    if (b.guardrail) {
      if (!deps.guard) return refuse('internal_error', event, route);
      const texts = body ? promptTexts(body) : [];
      const verdict = texts.length ? await guard(b.guardrail, 'INPUT', texts, route, started) : false;
      if (verdict === guardFailed) return refuse('bad_gateway', event, route);
      if (verdict === guardTimedOut) return refuse('gateway_timeout', event, route);
      if (verdict) return refuse('forbidden', event, route);
    }

    let url: string;
    let path: string;
    try {
      path = backendPathOf(route, event);
      const q = new URLSearchParams(b.query).toString();
      url = `${b.url}${path}${q ? `?${q}` : ''}`;
    } catch (e) {
      if (e instanceof BadInput) return refuse('bad_request', event, route);
      throw e;
    }
    const out: Record<string, string> = {};
    for (const h of FORWARDED) if (headers[h] !== undefined) out[h] = headers[h];
    if (b.keyHeader) {
      let key: string;
      try {
        key = await keyOf(route.backend);
      } catch {
        return refuse('internal_error', event, route);
      }
      out[b.keyHeader] = b.keyHeader === 'authorization' ? `Bearer ${key}` : key;
    }
    const counting = Boolean(t || b.tokenMetrics);
    // Only chat and completions take stream_options (and Azure only from 2024-08-01-preview); elsewhere the tokenizer counts a stream.
    const sent = withUsageRequest(body, counting && mayAskUsage(llmApi(path), b.provider, b.query['api-version']));
    // The model's deadline: the route's (under the integration timeout) less the time spent already and the OUTPUT guard's share.
    const timeoutMs = route.timeoutMs - (deps.now() - started) - (b.guardrail?.output ? Math.min(OUTPUT_GUARD_MARGIN_MS, Math.floor(route.timeoutMs / 4)) : 0);
    if (timeoutMs <= 0) return refuse('gateway_timeout', event, route);
    let answer: HttpAnswer;
    try {
      answer = await deps.http(url, { method: event.httpMethod, headers: out, body: sent.body, timeoutMs });
    } catch (e) {
      return refuse(isTimeout(e) ? 'gateway_timeout' : 'bad_gateway', event, route);
    }
    const upstream = lowerHeaders(answer.headers);
    // The provider refused the proxy's key: the body may echo part of it, so the client gets the contract's 502, and the key is read again next time.
    if (answer.status === 401 || answer.status === 403) {
      if (answer.status === 401) keys.delete(route.backend);
      deps.log(JSON.stringify({ level: 'error', message: `the model refused the provider key (${answer.status})`, backend: route.backend, upstreamRequestId: upstream['x-request-id'] ?? upstream['apim-request-id'] ?? '' }));
      return refuse('bad_gateway', event, route);
    }
    // The client's answer first (provider headers dropped, a content coding decoded, hop headers dropped, CORS), then its bytes are what is counted and screened.
    let result = respond(steps.get(route)!, headers.origin, answer.status, clientHeaders(upstream), answer.body);
    const raw = Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
    const resHeaders = result.headers;
    const ok = answer.status >= 200 && answer.status < 300 && result.statusCode === answer.status;
    const stream = (resHeaders['content-type'] ?? '').includes('text/event-stream');
    // The model's text, read once for both the tokenizer's count and the answer guard.
    let text: string | undefined;
    const answerText = () => (text ??= stream ? streamedText(raw) : completionText(raw));

    if (ok && counting) {
      const count = deps.count;
      let usage: Usage | undefined = reportedUsage(raw, resHeaders['content-type']);
      if (!usage && count) {
        const prompt = body ? promptTokens(body, count) : 0;
        const completion = count(answerText());
        usage = { total: prompt + completion, prompt, completion };
      }
      if (usage && counter && usage.total > 0) {
        try {
          await deps.store!.add(counter.key, usage.total, counter.expiresAt);
        } catch (e) {
          // The model has answered and been paid for: the count is lost, not the answer (fail open on counting only).
          deps.log(JSON.stringify({ level: 'error', message: 'token count not recorded', backend: route.backend, tokens: usage.total, error: (e as Error)?.name ?? 'Error' }));
        }
      }
      if (usage && b.tokenMetrics) {
        const ctx = event.requestContext ?? {};
        const values: Record<MetricDimension, string | undefined> = {
          Consumer: apiKeyIdOf(event) ?? principalOf(event),
          Route: route.id,
          Model: b.model,
          ClientIp: (ctx.identity as { sourceIp?: string } | undefined)?.sourceIp,
        };
        deps.log(emfLine(b.tokenMetrics, usage, values, now));
      }
    }

    // The answer guard: the model's text, before the caller sees it (the tokens are spent already).
    if (ok && b.guardrail?.output) {
      const verdict = answerText() ? await guard(b.guardrail, 'OUTPUT', [answerText()], route, started) : false;
      if (verdict === guardFailed) return refuse('bad_gateway', event, route);
      if (verdict === guardTimedOut) return refuse('gateway_timeout', event, route);
      if (verdict) return refuse('forbidden', event, route);
    }
    // The usage chunk the proxy asked for is its own: a client that did not ask gets the stream it would have had.
    if (ok && stream && sent.injected) {
      const cleaned = withoutUsageChunk(raw.toString('utf8'));
      result = { ...result, body: result.isBase64Encoded ? Buffer.from(cleaned, 'utf8').toString('base64') : cleaned };
    }
    return result;
  };
}

let cached: ((e: ProxyEvent) => Promise<ProxyResult>) | undefined;

/** The dependencies in Lambda: node:http(s), and the AWS SDK v3 of the Node.js runtime (not bundled). */
export function lambdaDeps(cfg: LlmProxyConfig, env: NodeJS.ProcessEnv): LlmProxyDeps {
  const budgets = Object.values(cfg.backends).some((b) => b.tokenLimit);
  const guarded = Object.values(cfg.backends).some((b) => b.guardrail);
  const count = tokenizer();
  return {
    http: nodeHttp,
    async providerKey(backend) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
      const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: env[llmKeySecretEnv(backend)] }));
      return out.SecretString;
    },
    ...(budgets && env[TOKEN_TABLE_ENV] ? { store: dynamoStore(env[TOKEN_TABLE_ENV]!, sdkDynamoSend()) } : {}),
    ...(count ? { count } : {}),
    ...(guarded ? { guard: bedrockGuard() } : {}),
    now: Date.now,
    log: (line) => process.stdout.write(line + '\n'),
  };
}

/**
 * gpt-tokenizer (o200k_base), loaded on the first count; special-token strings count as text.
 * Bundled only when a budget is configured (bundle.ts defines ANYGATE_OMIT_TOKENIZER otherwise,
 * and esbuild drops the code this test guards).
 */
function tokenizer(): CountTokens | undefined {
  if (process.env.ANYGATE_OMIT_TOKENIZER === '1') return undefined;
  let fn: CountTokens | undefined;
  return (text) => {
    if (!text) return 0;
    if (!fn) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { countTokens } = require('gpt-tokenizer') as typeof import('gpt-tokenizer');
      const plain = { disallowedSpecial: new Set<string>(), allowedSpecial: new Set<string>() };
      fn = (t) => countTokens(t, plain);
    }
    return fn(text);
  };
}

/** Bedrock Guardrails ApplyGuardrail through the runtime's SDK: intervened when the action is GUARDRAIL_INTERVENED. */
function bedrockGuard(): GuardCheck {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@aws-sdk/client-bedrock-runtime');
  const client = new sdk.BedrockRuntimeClient({});
  return async (g, source, texts, timeoutMs) => {
    const command = new sdk.ApplyGuardrailCommand({ guardrailIdentifier: g.id, guardrailVersion: g.version, source, content: texts.map((text) => ({ text: { text } })) });
    // The SDK aborts the request (AbortError) when the route's time is up.
    const out = await client.send(command, { abortSignal: AbortSignal.timeout(timeoutMs) });
    return out.action === 'GUARDRAIL_INTERVENED';
  };
}

/** Lambda entry point. */
export const handler = async (event: ProxyEvent): Promise<ProxyResult> => {
  try {
    if (!cached) {
      const cfg = JSON.parse(readFileSync(join(__dirname, 'config.json'), 'utf8')) as LlmProxyConfig;
      cached = createLlmProxy(cfg, lambdaDeps(cfg, process.env));
    }
    return await cached(event);
  } catch {
    return { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Internal Server Error' }), isBase64Encoded: false };
  }
};
