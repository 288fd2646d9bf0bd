/**
 * What the generated LLM proxy changes on the way to and from the model: whether a streamed call
 * may ask for the usage chunk (`stream_options.include_usage`), the request body with that option,
 * the usage-only chunk removed again for a client that did not ask for it, and the upstream
 * answer headers a client never sees (the provider's account, limits and cookies).
 */

/** Which OpenAI-compatible API a call's upstream path names. */
export type LlmApi = 'chat' | 'completions' | 'responses' | 'other';

/** The API of an upstream path (its last segments, query left off). */
export function llmApi(path: string): LlmApi {
  const p = path.split('?')[0].replace(/\/+$/, '');
  if (/\/chat\/completions$/.test(p)) return 'chat';
  if (/\/completions$/.test(p)) return 'completions';
  if (/\/responses$/.test(p)) return 'responses';
  return 'other';
}

/** The first Azure OpenAI api-version that accepts `stream_options` (2024-08-01-preview); later dates do too, preview or GA. */
const AZURE_STREAM_OPTIONS = [2024, 8, 1];

/** True when an Azure OpenAI api-version (`YYYY-MM-DD` or `YYYY-MM-DD-preview`) is on or after 2024-08-01-preview; false for any other form. */
export function azureAcceptsStreamOptions(apiVersion: string | undefined): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:-preview)?$/.exec(apiVersion ?? '');
  if (!m) return false;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) if (v[i] !== AZURE_STREAM_OPTIONS[i]) return v[i] > AZURE_STREAM_OPTIONS[i];
  return true;
}

/** Whether the proxy may add `stream_options` to a call: chat or legacy completions only, and on Azure only from 2024-08-01-preview (older versions answer 400). */
export function mayAskUsage(api: LlmApi, provider: 'openai-compatible' | 'azure-openai', apiVersion: string | undefined): boolean {
  if (api !== 'chat' && api !== 'completions') return false;
  return provider !== 'azure-openai' || azureAcceptsStreamOptions(apiVersion);
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/**
 * The request body the model gets: the client's, except that a streamed call asks for the usage
 * chunk when `ask` (counting needs it) and the client did not. `injected` tells whether it did.
 */
export function withUsageRequest(body: Buffer | undefined, ask: boolean): { body: Buffer | undefined; injected: boolean } {
  if (!body || !ask) return { body, injected: false };
  try {
    const d = JSON.parse(body.toString('utf8')) as unknown;
    if (isObject(d) && d.stream === true) {
      const so = isObject(d.stream_options) ? d.stream_options : {};
      if (so.include_usage !== true) return { body: Buffer.from(JSON.stringify({ ...d, stream_options: { ...so, include_usage: true } }), 'utf8'), injected: true };
    }
  } catch {
    // not JSON: passed on as sent
  }
  return { body, injected: false };
}

/**
 * A streamed answer as a client that did not ask for usage expects it: the usage-only chunk
 * (`choices: []` with a `usage`) dropped, and the `"usage": null` the option adds to every other
 * chunk removed. Events are separated by a blank line; anything not JSON is kept as sent.
 */
export function withoutUsageChunk(stream: string): string {
  const events = stream.split(/(\r?\n\r?\n)/);
  let out = '';
  for (let i = 0; i < events.length; i += 2) {
    const event = events[i];
    const sep = events[i + 1] ?? '';
    const lines = event.split(/\r?\n/);
    let drop = false;
    const kept = lines.map((line) => {
      if (!line.startsWith('data:')) return line;
      const data = line.slice(5).trim();
      if (!data || data === '[DONE]') return line;
      let d: unknown;
      try {
        d = JSON.parse(data);
      } catch {
        return line;
      }
      if (!isObject(d) || !('usage' in d)) return line;
      if (Array.isArray(d.choices) && d.choices.length === 0 && isObject(d.usage)) {
        drop = true;
        return line;
      }
      if (d.usage !== null) return line;
      const { usage: _, ...rest } = d;
      return `data: ${JSON.stringify(rest)}`;
    });
    if (!drop) out += kept.join('\n') + sep;
  }
  return out;
}

/**
 * Upstream answer headers the client never sees: the provider's organization, project, model
 * version and processing time (`openai-*`), its rate limits (`x-ratelimit-*`: the proxy's budget
 * headers are the only ones a client gets), cookies, and Azure's request and region headers. The
 * upstream request id (`x-request-id`, `apim-request-id`) names a call in the provider's account:
 * it is dropped too, and the proxy logs it with an upstream error instead.
 */
const DROPPED_PREFIXES = ['openai-', 'x-ratelimit-', 'x-ms-', 'azureml-', 'apim-'];
const DROPPED = new Set(['set-cookie', 'x-request-id', 'request-id', 'cf-ray']);

/** The answer headers (lower-case names) the client may see. */
export function clientHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!DROPPED.has(k) && !DROPPED_PREFIXES.some((p) => k.startsWith(p))) out[k] = v;
  return out;
}
