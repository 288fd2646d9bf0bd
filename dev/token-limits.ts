/**
 * LLM token budgets in `anygate dev`: per consumer, API key or gateway, in fixed windows aligned
 * on the epoch (a minute, an hour or a day) on the dev clock. A call is admitted while its
 * budget has tokens left (and, with `estimatePrompt`, while the prompt's estimate fits in what is
 * left, as APIM's llm-token-limit estimate-prompt-tokens does); once answered, it is charged the
 * upstream's `usage.total_tokens`, or, when the upstream sends no usage, the prompt and completion
 * counted with gpt-tokenizer (o200k_base, the encoding of current OpenAI models).
 */
import { countTokens } from 'gpt-tokenizer';
import { completionText, promptTokens as runtimePromptTokens, reportedUsage as runtimeReportedUsage } from '../lib/runtime/llm/usage';
import type { DevTokenLimit } from './ai-model';

/** Special-token strings in a prompt are text to count, never control tokens (and never a throw). */
const PLAIN = { disallowedSpecial: new Set<string>(), allowedSpecial: new Set<string>() };

/** Tokens in `text`. */
export function tokensIn(text: string): number {
  return text ? countTokens(text, PLAIN) : 0;
}

/**
 * The prompt tokens of an OpenAI-compatible request body (lib/runtime/llm/usage.ts, which the
 * generated AWS LLM proxy counts with too).
 */
export function promptTokens(body: Buffer): number {
  return runtimePromptTokens(body, tokensIn);
}

/** The total tokens an upstream answer reports in its `usage` block (JSON, or the usage chunk of an event stream). Undefined when absent. */
export function reportedUsage(body: Buffer, contentType: string | undefined): number | undefined {
  return runtimeReportedUsage(body, contentType)?.total;
}

export { completionText };

/** The tokens of an answered LLM call: input (prompt), output (completion) and their total. */
export interface AnsweredUsage {
  readonly input: number;
  readonly output: number;
  readonly total: number;
}

/**
 * What an answered call used: the upstream's `usage` block, and for a count it leaves out (or no
 * block at all) the prompt and the completion counted with the tokenizer. A reported total wins.
 */
export function answeredUsage(request: Buffer, answer: { headers: Record<string, string>; body: Buffer }): AnsweredUsage {
  const u = runtimeReportedUsage(answer.body, answer.headers['content-type']);
  const input = u?.prompt ?? (u && u.completion !== undefined ? u.total - u.completion : promptTokens(request));
  const output = u?.completion ?? (u && u.prompt !== undefined ? u.total - u.prompt : tokensIn(completionText(answer.body)));
  return { input: Math.max(0, input), output: Math.max(0, output), total: u?.total ?? input + output };
}

/** Who a budget belongs to, as the pipeline knows the caller. */
export interface BudgetOwner {
  readonly consumer?: string;
  readonly principal?: string;
  /** The credential that identified the caller: its API key, else its Authorization header. */
  readonly credential?: string;
  readonly clientIp: string;
}

export type Admission = { readonly ok: true; readonly estimate: number } | { readonly ok: false; readonly retryAfterSeconds: number; readonly used: number; readonly limit: number; readonly estimate: number };

/** The admission of a call to a backend without a token limit. */
export const ADMITTED: Admission = Object.freeze({ ok: true, estimate: 0 });

function ownerKey(per: DevTokenLimit['per'], o: BudgetOwner): string {
  if (per === 'gateway') return 'gateway';
  if (per === 'key') return o.credential ? `key:${o.credential}` : `ip:${o.clientIp}`;
  // An anonymous caller has no consumer: its address is its identity (APIM's counter-key default).
  return o.consumer ? `consumer:${o.consumer}` : o.principal ? `principal:${o.principal}` : `ip:${o.clientIp}`;
}

/** Token budgets for every LLM backend with a token limit. */
export class TokenBudgets {
  private readonly used = new Map<string, { start: number; tokens: number }>();

  constructor(private readonly limits: Map<string, DevTokenLimit>) {}

  /** The limit on backend `name`, if it has one. */
  limitOf(name: string): DevTokenLimit | undefined {
    return this.limits.get(name);
  }

  private window(backend: string, l: DevTokenLimit, o: BudgetOwner, now: number): { start: number; tokens: number } {
    const len = l.windowSeconds * 1000;
    const start = now - (now % len);
    const id = `${backend}\n${ownerKey(l.per, o)}`;
    let w = this.used.get(id);
    if (!w || w.start !== start) this.used.set(id, (w = { start, tokens: 0 }));
    return w;
  }

  /** Whether a call with request `body` may reach backend `name` now. */
  admit(name: string, o: BudgetOwner, body: Buffer, now: number): Admission {
    const l = this.limits.get(name);
    if (!l) return ADMITTED;
    const w = this.window(name, l, o, now);
    const estimate = l.estimatePrompt ? promptTokens(body) : 0;
    if (w.tokens >= l.tokens || w.tokens + estimate > l.tokens) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + l.windowSeconds * 1000 - now) / 1000)), used: w.tokens, limit: l.tokens, estimate };
    }
    return { ok: true, estimate };
  }

  /** Charges an answered call: the upstream's usage, else the counted prompt and completion. */
  charge(name: string, o: BudgetOwner, request: Buffer, answer: { headers: Record<string, string>; body: Buffer }, now: number): number {
    return this.chargeTokens(name, o, answeredUsage(request, answer).total, now);
  }

  /** Charges `tokens` (an answered call's total, answeredUsage) to the caller's budget. */
  chargeTokens(name: string, o: BudgetOwner, tokens: number, now: number): number {
    const l = this.limits.get(name);
    if (!l) return 0;
    this.window(name, l, o, now).tokens += tokens;
    return tokens;
  }
}
