/**
 * Reading token counts from OpenAI-compatible traffic, shared by the generated LLM proxy (AWS) and
 * `anygate dev` (dev/token-limits.ts): the upstream's `usage` block (a JSON answer, or the last
 * chunk of a server-sent event stream carrying it), and the texts a tokenizer counts when the
 * upstream reports none or the prompt is estimated. The tokenizer is passed in, so the proxy
 * bundles it only when a budget needs it.
 */

/** Counts the tokens of a text. */
export type CountTokens = (text: string) => number;

/** Tokens an answer reports. `prompt` and `completion` are absent when the upstream gives only a total. */
export interface Usage {
  readonly total: number;
  readonly prompt?: number;
  readonly completion?: number;
}

/** Chat and completions name the counts prompt/completion; the Responses API input/output. */
interface RawUsage {
  total_tokens?: unknown;
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  input_tokens?: unknown;
  output_tokens?: unknown;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

function usageOf(u: RawUsage | undefined): Usage | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const prompt = num(u.prompt_tokens) ?? num(u.input_tokens);
  const completion = num(u.completion_tokens) ?? num(u.output_tokens);
  const total = num(u.total_tokens) ?? (prompt !== undefined && completion !== undefined ? prompt + completion : undefined);
  if (total === undefined) return undefined;
  return { total, ...(prompt !== undefined ? { prompt } : {}), ...(completion !== undefined ? { completion } : {}) };
}

/**
 * The usage an upstream answer reports: a JSON body's `usage` (a chat completion's, or a Responses
 * API response object's), or in a server-sent event stream the last chunk that carries one
 * (`stream_options.include_usage`) or the `response.completed` event's `response.usage`.
 * Undefined when absent.
 */
export function reportedUsage(body: Buffer, contentType: string | undefined): Usage | undefined {
  const text = body.toString('utf8');
  if ((contentType ?? '').includes('text/event-stream')) {
    let found: Usage | undefined;
    for (const line of text.split('\n')) {
      const data = line.startsWith('data:') ? line.slice(5).trim() : '';
      if (!data || data === '[DONE]') continue;
      try {
        const d = JSON.parse(data) as { usage?: RawUsage; type?: unknown; response?: { usage?: RawUsage } };
        found = usageOf(d.usage) ?? (d.type === 'response.completed' ? usageOf(d.response?.usage) : undefined) ?? found;
      } catch {
        // not JSON: not a usage chunk
      }
    }
    return found;
  }
  try {
    return usageOf((JSON.parse(text) as { usage?: RawUsage }).usage);
  } catch {
    return undefined;
  }
}

/** The text of a message's content: a string, or the text parts of a content-part list. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  // Content parts (`[{type: 'text', text}]`): only text parts carry tokens we can count.
  if (Array.isArray(content)) return content.flatMap((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? [(p as { text: string }).text] : [])).join('\n');
  return '';
}

/**
 * The prompt tokens of an OpenAI-compatible request body: chat `messages` (content plus OpenAI's
 * documented overhead of 3 tokens a message and 3 for the reply's priming) or completions
 * `prompt`, or embeddings `input`. A body that is not such JSON counts as its text.
 */
export function promptTokens(body: Buffer, count: CountTokens): number {
  const text = body.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return count(text);
  }
  const d = (doc ?? {}) as { messages?: unknown; prompt?: unknown; input?: unknown };
  if (Array.isArray(d.messages)) return 3 + d.messages.reduce((n: number, m) => n + 3 + count(contentText((m as { content?: unknown })?.content)) + count(typeof (m as { name?: unknown })?.name === 'string' ? (m as { name: string }).name : ''), 0);
  if (typeof d.prompt === 'string') return count(d.prompt);
  if (Array.isArray(d.prompt)) return d.prompt.reduce((n: number, p) => n + count(typeof p === 'string' ? p : ''), 0);
  if (typeof d.input === 'string') return count(d.input);
  // Responses API input items: messages ({role, content}) count like chat messages.
  if (Array.isArray(d.input)) return 3 + d.input.reduce((n: number, m) => n + 3 + count(contentText((m as { content?: unknown })?.content)), 0);
  return count(text);
}

/** The generated text of an OpenAI-compatible answer (choices' message content or text; a Responses API response's output message text). */
export function completionText(body: Buffer): string {
  try {
    const d = JSON.parse(body.toString('utf8')) as { choices?: { message?: { content?: unknown }; text?: unknown }[]; output?: unknown };
    if (!Array.isArray(d.choices) && Array.isArray(d.output)) return d.output.map((o) => contentText((o as { content?: unknown })?.content)).filter(Boolean).join('\n');
    return (d.choices ?? []).map((c) => contentText(c?.message?.content) || (typeof c?.text === 'string' ? c.text : '')).join('\n');
  } catch {
    return body.toString('utf8');
  }
}

/** The content of every turn among chat messages or Responses API input items, whatever its role. */
const turnTexts = (items: unknown[]): string[] => items.map((m) => contentText((m as { content?: unknown })?.content)).filter(Boolean);

/**
 * The texts of a request an INPUT guard screens: every turn the client sent, system, developer
 * and assistant turns included, and a Responses API request's `instructions`; a completions prompt
 * or an embeddings/Responses input string whole. Bedrock's docs suggest screening only the user's
 * input where the application writes the rest, but behind a gateway the caller writes every turn:
 * a guard that skipped system turns would let a caller put the prompt it wants unscreened there.
 */
export function promptTexts(body: Buffer): string[] {
  try {
    const d = JSON.parse(body.toString('utf8')) as { messages?: unknown; prompt?: unknown; input?: unknown; instructions?: unknown };
    if (Array.isArray(d.messages)) return turnTexts(d.messages);
    if (typeof d.prompt === 'string') return [d.prompt];
    if (Array.isArray(d.prompt)) return d.prompt.filter((p): p is string => typeof p === 'string');
    const instructions = typeof d.instructions === 'string' && d.instructions ? [d.instructions] : [];
    if (typeof d.input === 'string') return [...instructions, d.input];
    if (Array.isArray(d.input)) return [...instructions, ...turnTexts(d.input)];
    return [body.toString('utf8')];
  } catch {
    return [body.toString('utf8')];
  }
}
