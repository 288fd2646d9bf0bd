/**
 * The one module where `anygate dev` reads the AI-gateway parts of the model: which routes are MCP
 * tools (name, title, description, annotations, and the input and output schemas lib/model/
 * tool-schema.ts derives), how a tool's arguments become the route's HTTP request, where the MCP
 * endpoint lives, and which backends are LLM providers with a token limit. The MCP server, the
 * token budgets and conform's MCP cases read these shapes only.
 */
import type { GatewaySpec, RouteSpec } from '../lib/model/types';
import type { StartRefusal } from './capabilities';
import { toolSchemas, type ToolArgument } from '../lib/model/tool-schema';

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
  /** Where each argument goes in the route's request. */
  readonly arguments: ToolArgument[];
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

const PERIOD_SECONDS = { minute: 60, hour: 3600, day: 86_400 } as const;

const methodOf = (r: RouteSpec) => (r.method === 'ANY' ? 'POST' : r.method);

/** Every tool the gateway exposes, in route order. */
export function devTools(spec: GatewaySpec): DevTool[] {
  return spec.routes.flatMap((route) => {
    const m = route.mcp;
    if (!m) return [];
    const schemas = toolSchemas(route, spec);
    return [{ name: m.tool, title: m.title, description: m.description, annotations: m.annotations as Record<string, unknown>, route, inputSchema: schemas.input, outputSchema: schemas.output, arguments: schemas.arguments }];
  });
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The route request for a call with (already validated) `args`. */
export function toolRequest(tool: DevTool, args: Record<string, unknown>): ToolRequest {
  const r = tool.route;
  const params: Record<string, string> = {};
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  let body: unknown;
  for (const a of tool.arguments) {
    const v = args[a.property];
    if (v === undefined) continue;
    if (a.in === 'path') params[a.name] = text(v);
    else if (a.in === 'query') query.set(a.name, text(v));
    else if (a.in === 'header') headers[a.name] = text(v);
    else body = v;
  }
  const path = '/' + r.segments.map((s) => (s.kind === 'literal' ? s.value : s.greedy ? (params[s.name] ?? '').split('/').map(encodeURIComponent).join('/') : `${s.prefix}${encodeURIComponent(params[s.name] ?? '')}${s.suffix}`)).join('/');
  if (body !== undefined && typeof body !== 'string') headers['content-type'] = 'application/json';
  return { method: methodOf(r), path, query, headers, body: body === undefined ? Buffer.alloc(0) : Buffer.from(text(body)) };
}

/** LLM backends' token limits, by backend name (backends without one are absent). */
export function tokenLimits(spec: GatewaySpec): Map<string, DevTokenLimit> {
  const out = new Map<string, DevTokenLimit>();
  for (const [name, b] of Object.entries(spec.backends)) {
    if (b.type === 'llm' && b.tokenLimit) out.set(name, { tokens: b.tokenLimit.tokens, windowSeconds: PERIOD_SECONDS[b.tokenLimit.period], per: b.tokenLimit.per, estimatePrompt: b.tokenLimit.estimatePrompt });
  }
  return out;
}

/** Whether backend `name` is an LLM provider. */
export function isLlmBackend(spec: GatewaySpec, name: string): boolean {
  return spec.backends[name]?.type === 'llm';
}

/**
 * The header each real LLM provider's key travels in (OpenAI-compatible: a bearer token; Azure
 * OpenAI: `api-key`), read from the environment when the backend's apiKey is `env:NAME`. Other
 * secret stores are the clouds' to resolve: dev says so, and calls without a key.
 */
export function llmCredentials(spec: GatewaySpec, env: Record<string, string | undefined>, mocked: ReadonlySet<string>, warnings: string[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, b] of Object.entries(spec.backends)) {
    if (b.type !== 'llm' || !b.apiKey || mocked.has(name)) continue;
    const ref = b.apiKey.secretRef;
    const key = ref.startsWith('env:') ? env[ref.slice(4)] : undefined;
    if (key === undefined) {
      warnings.push(`backend ${name}: its key (${ref}) is not available to dev${ref.startsWith('env:') ? `: set ${ref.slice(4)}` : ' (dev reads env: secrets only)'}; calls go without one`);
      continue;
    }
    out[name] = b.provider === 'azure-openai' ? { 'api-key': key } : { authorization: `Bearer ${key}` };
  }
  return out;
}

/**
 * What dev itself cannot run: LLM guards need the clouds' content-safety services (Azure AI
 * Content Safety, Model Armor, Bedrock Guardrails), which dev does not imitate, and a security
 * feature is never dropped silently.
 */
export function devAiRefusals(spec: GatewaySpec): StartRefusal[] {
  return spec.routes.flatMap((r) => {
    const b = spec.backends[r.backend];
    if (b.type !== 'llm' || !b.guards) return [];
    const kinds = [b.guards.promptSafety ? ['llm.promptGuard', 'promptSafety'] : undefined, b.guards.pii ? ['llm.piiGuard', 'pii'] : undefined].filter((x): x is string[] => Boolean(x));
    return kinds.map(([feature, field]) => ({ target: 'dev', where: r.id, feature, message: `backend ${r.backend}: anygate dev does not apply guards.${field} (it needs the cloud's content-safety service); try the route against a deployed stage` }));
  });
}

/**
 * The OpenAI-compatible call a path names: a chat completion (`.../chat/completions`), a text
 * completion (any other `.../completions`), or neither. The mock LLM, the token metric's operation
 * and conform's request bodies read it alike.
 */
export function completionKind(path: string): 'chat' | 'text' | undefined {
  return path.endsWith('/chat/completions') ? 'chat' : path.endsWith('/completions') ? 'text' : undefined;
}
