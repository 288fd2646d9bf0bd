/**
 * The one module where `anygate dev` reads the AI-gateway parts of the model: which routes are MCP
 * tools (name, title, description, annotations, input and output schemas), how a tool's arguments
 * become the route's HTTP request, and which backends are LLM providers with a token limit. The
 * MCP server, the token budgets and conform's MCP cases read these shapes only, so a change in the
 * model's fields lands here.
 *
 * Until the model carries these fields (issue #30, wp/ai), this reads a local shape: a route's
 * `mcp: { tool, title?, description?, annotations? }` and a backend `{ type: 'llm', url,
 * tokenLimit?: { tokens, period: minute|hour|day, per: consumer|key|gateway, estimatePrompt? } }`.
 */
import type { GatewaySpec, RouteSpec } from '../lib/model/types';

/** A route served as an MCP tool. */
export interface DevTool {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly annotations?: Record<string, unknown>;
  readonly route: RouteSpec;
  /** JSON Schema of the tool's arguments (an object schema). */
  readonly inputSchema: Record<string, unknown>;
  /** JSON Schema of the structured result. @default - none */
  readonly outputSchema?: Record<string, unknown>;
}

/** The HTTP request one tool call makes to its route. */
export interface ToolRequest {
  readonly method: string;
  /** Path under the gateway's basePath, parameters filled in and percent-encoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** An LLM backend's token budget, as dev enforces it. */
export interface DevTokenLimit {
  /** Tokens (prompt + completion) per window. */
  readonly tokens: number;
  readonly windowSeconds: number;
  /** Whose budget: the caller's consumer (or token subject), the API key, or the whole gateway. */
  readonly per: 'consumer' | 'key' | 'gateway';
  /** Refuse up front when the prompt's estimate (gpt-tokenizer) exceeds what is left. */
  readonly estimatePrompt: boolean;
}

interface LocalMcp {
  readonly tool: string;
  readonly title?: string;
  readonly description?: string;
  readonly annotations?: Record<string, unknown>;
}

interface LocalLlm {
  readonly type: 'llm';
  readonly url?: string;
  readonly tokenLimit?: { tokens: number; period: 'minute' | 'hour' | 'day'; per?: 'consumer' | 'key' | 'gateway'; estimatePrompt?: boolean };
}

const PERIOD_SECONDS = { minute: 60, hour: 3600, day: 86_400 } as const;

const mcpOf = (r: RouteSpec): LocalMcp | undefined => (r as RouteSpec & { mcp?: LocalMcp }).mcp;

const isMethodWithBody = (m: string) => !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(m);

const methodOf = (r: RouteSpec) => (r.method === 'ANY' ? 'POST' : r.method);

/** The path parameters of a route, in path order. */
function pathParams(r: RouteSpec): string[] {
  return r.segments.flatMap((s) => (s.kind === 'literal' ? [] : [s.name]));
}

/**
 * A tool's input schema: `path` (every path parameter, required), `query` and `headers` (the
 * parameters request validation requires) and `body` (the route's body schema), each present
 * only when the route has some.
 */
function inputSchema(r: RouteSpec): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const group = (names: string[], req: string[]) => ({ type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])), required: req, additionalProperties: false });
  const params = pathParams(r);
  if (params.length) {
    properties.path = group(params, params);
    required.push('path');
  }
  const q = r.validation?.requiredQuery ?? [];
  if (q.length) {
    properties.query = group(q, q);
    required.push('query');
  }
  const h = r.validation?.requiredHeaders ?? [];
  if (h.length) {
    properties.headers = group(h, h);
    required.push('headers');
  }
  if (r.validation?.bodySchema) {
    properties.body = r.validation.bodySchema;
    required.push('body');
  } else if (isMethodWithBody(methodOf(r))) properties.body = {};
  return { type: 'object', properties, required, additionalProperties: false };
}

/** Every tool the gateway exposes, in route order. */
export function devTools(spec: GatewaySpec): DevTool[] {
  return spec.routes.flatMap((route) => {
    const m = mcpOf(route);
    if (!m) return [];
    return [{ name: m.tool, title: m.title, description: m.description ?? route.description, annotations: m.annotations, route, inputSchema: inputSchema(route) }];
  });
}

const asStrings = (v: unknown): Record<string, string> => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)])) : {});

/** The route request for a call with (already validated) `args`. */
export function toolRequest(tool: DevTool, args: Record<string, unknown>): ToolRequest {
  const r = tool.route;
  const params = asStrings(args.path);
  const path = '/' + r.segments.map((s) => (s.kind === 'literal' ? s.value : s.greedy ? (params[s.name] ?? '').split('/').map(encodeURIComponent).join('/') : `${s.prefix}${encodeURIComponent(params[s.name] ?? '')}${s.suffix}`)).join('/');
  const body = args.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof args.body === 'string' ? args.body : JSON.stringify(args.body));
  const headers = { ...asStrings(args.headers), ...(args.body !== undefined && typeof args.body !== 'string' ? { 'content-type': 'application/json' } : {}) };
  return { method: methodOf(r), path, query: new URLSearchParams(asStrings(args.query)), headers, body };
}

/** LLM backends' token limits, by backend name (backends without one are absent). */
export function tokenLimits(spec: GatewaySpec): Map<string, DevTokenLimit> {
  const out = new Map<string, DevTokenLimit>();
  for (const [name, b] of Object.entries(spec.backends)) {
    const l = (b as unknown as LocalLlm).type === 'llm' ? (b as unknown as LocalLlm).tokenLimit : undefined;
    if (l) out.set(name, { tokens: l.tokens, windowSeconds: PERIOD_SECONDS[l.period], per: l.per ?? 'consumer', estimatePrompt: l.estimatePrompt ?? false });
  }
  return out;
}

/** Whether backend `name` is an LLM provider. */
export function isLlmBackend(spec: GatewaySpec, name: string): boolean {
  return (spec.backends[name] as unknown as LocalLlm | undefined)?.type === 'llm';
}
