/**
 * Conformance of a gateway's MCP endpoint (`anygate dev` at /mcp, or a deployed one), driven by
 * the SDK's own Client over Streamable HTTP:
 * - tools/list lists every tool the spec exposes, each name valid (`^[A-Za-z0-9_-]{1,64}$`) and
 *   each input schema a JSON Schema ajv compiles;
 * - one call per tool, with the route's credentials and sample arguments, reaches the route (not
 *   refused by auth or limits; against `anygate dev`, its access log shows the route answered);
 * - on routes with auth, a call without credentials is refused;
 * - on routes whose LLM backend has a token limit, calls answer 429 once the budget is spent.
 * Results are the same CaseResult rows as the HTTP vectors (run.ts), so one table shows both.
 */
import Ajv from 'ajv';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { mcpPath } from '../../lib/model/mcp';
import { devTools, isLlmBackend, tokenLimits, type DevTool } from '../ai-model';
import { consumerKeys } from '../consumers';
import { HTTP_META } from '../mcp';
import { TOOL_NAME_PATTERN } from '../../lib/model/mcp';
import { mockToken } from '../mock-idp';
import { findAdminToken, gatewayInfo, type CaseResult, type GatewayInfo } from './run';
import { ADMIN_TOKEN_HEADER } from '../admin-guard';

export interface McpConformOptions {
  /** The gateway's base URL (its /__anygate endpoints tell `anygate dev` apart). */
  readonly url: string;
  /** The MCP endpoint. @default url + basePath + the spec's mcp.path (/mcp) */
  readonly mcpUrl?: string;
  readonly env?: Record<string, string | undefined>;
  /** The dev gateway's admin token (to move its virtual clock past earlier cases' windows). @default as run.ts finds it */
  readonly adminToken?: string;
  /** Most calls the token-limit case makes before it gives up. @default 200 */
  readonly maxTokenLimitCalls?: number;
  /** The client address claimed in X-Forwarded-For on every call (conform's, for a spec with ipRules.allow). @default - none */
  readonly clientIp?: string;
  /**
   * Send the token-limit cases (each spends an LLM backend's whole token budget) even where no mock
   * LLM answers that backend: real tokens (conform --spend-tokens), as for the HTTP vectors. @default false
   */
  readonly spendTokens?: boolean;
  /** What conform knows of the gateway (its mock LLM's backends). @default asked of the gateway when a token-limit case would be sent */
  readonly gateway?: GatewayInfo;
}

/** MCP tool names every client accepts (longer names break clients): the model's rule. */
const TOOL_NAME = TOOL_NAME_PATTERN;

type Schema = Record<string, unknown>;

/** A value `schema` accepts, for the common cases (sample arguments): first enum, const, example, or a typed sample. */
export function sampleOf(schema: unknown): unknown {
  const s = (schema ?? {}) as Schema;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if ('default' in s) return s.default;
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'object' || (!type && s.properties)) {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    return Object.fromEntries(required.map((k) => [k, sampleOf(props[k])]));
  }
  if (type === 'array') return Array.from({ length: typeof s.minItems === 'number' ? s.minItems : 0 }, () => sampleOf(s.items));
  if (type === 'integer' || type === 'number') return typeof s.minimum === 'number' ? s.minimum : 1;
  if (type === 'boolean') return true;
  if (type === 'null') return null;
  if (type === 'string') {
    if (s.format === 'date-time') return '2026-01-01T00:00:00Z';
    if (s.format === 'date') return '2026-01-01';
    if (s.format === 'email') return 'conform@example.com';
    if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
    if (s.format === 'uri') return 'https://example.com/';
    const min = typeof s.minLength === 'number' ? s.minLength : 0;
    return 'sample'.padEnd(min, 'x');
  }
  return {};
}

/** An OpenAI-compatible chat request: the body a call to an LLM route sends. */
const CHAT = { model: 'anygate-conform', messages: [{ role: 'user', content: 'anygate conformance check: say hello' }] };

function sampleArgs(t: DevTool, llm: boolean, ajv: Ajv): Record<string, unknown> {
  const args = sampleOf(t.inputSchema) as Record<string, unknown>;
  if (llm) {
    const withChat = { ...args, body: CHAT };
    if (ajv.validate(t.inputSchema, withChat)) return withChat;
  }
  return args;
}

/** The credentials the route's first alternative needs, as MCP request headers and query parameters. */
function credentials(spec: GatewaySpec, r: RouteSpec, keys: Map<string, string>, nowMs: number | undefined): { headers: Record<string, string>; query: Record<string, string> } {
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  if (r.auth === 'none') return { headers, query };
  for (const n of r.auth[0]) {
    const a = spec.authorizers[n];
    if (a.type === 'jwt') headers[a.header] = `Bearer ${mockToken(spec, { authorizer: n, scopes: r.scopes, nowMs })}`;
    if (a.type === 'apiKey') {
      const key = keys.get(Object.keys(spec.consumers).sort()[0] ?? '') ?? '';
      if (a.in === 'header') headers[a.name] = a.scheme ? `${a.scheme} ${key}` : key;
      else query[a.name] = key;
    }
  }
  return { headers, query };
}

const meta = (r: CallToolResult) => r._meta?.[HTTP_META] as { status?: number; headers?: Record<string, string> } | undefined;

/** `anygate dev`'s admin endpoints, when the gateway is anygate dev. */
async function devJson(base: string, path: string): Promise<unknown> {
  try {
    const r = await fetch(base + path);
    return r.ok ? await r.json() : undefined;
  } catch {
    return undefined;
  }
}

async function connectTo(mcpUrl: string, creds: { headers: Record<string, string>; query: Record<string, string> }): Promise<Client> {
  const u = new URL(mcpUrl);
  for (const [k, v] of Object.entries(creds.query)) u.searchParams.set(k, v);
  const c = new Client({ name: 'anygate-conform', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(u, { requestInit: { headers: creds.headers } }));
  return c;
}

const describeCall = (r: CallToolResult) => `${meta(r)?.status ? `HTTP ${meta(r)!.status}` : r.isError ? 'an error result' : 'a result'}${r.isError ? `: ${String((r.content?.[0] as { text?: string } | undefined)?.text ?? '').slice(0, 200)}` : ''}`;

/** Runs the MCP cases for `spec`; never throws for a failing case. */
export async function runMcpChecks(spec: GatewaySpec, opts: McpConformOptions): Promise<CaseResult[]> {
  const tools = devTools(spec);
  if (!tools.length) return [];
  const base = opts.url.replace(/\/+$/, '');
  const mcpUrl = opts.mcpUrl ?? base + mcpPath(spec);
  const claim: Record<string, string> = opts.clientIp ? { 'x-forwarded-for': opts.clientIp } : {};
  const connect = (url: string, creds: { headers: Record<string, string>; query: Record<string, string> }) => connectTo(url, { ...creds, headers: { ...claim, ...creds.headers } });
  const keys = new Map(consumerKeys(spec, opts.env).map((k) => [k.consumer, k.key]));
  const limits = tokenLimits(spec);
  const ajv = new Ajv({ strict: false, allErrors: true });
  const results: CaseResult[] = [];
  let clock = (await devJson(base, '/__anygate/clock')) as { now?: string; virtual?: boolean } | undefined;
  if (clock?.virtual) {
    // Earlier cases (HTTP vectors) may have spent rate limits and token budgets: start on fresh windows.
    const token = opts.adminToken ?? findAdminToken(base, opts.env ?? process.env);
    await fetch(`${base}/__anygate/clock`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { [ADMIN_TOKEN_HEADER]: token } : {}) }, body: JSON.stringify({ advanceSeconds: 86_400 }) }).catch(() => undefined);
    clock = (await devJson(base, '/__anygate/clock')) as typeof clock;
  }
  const nowMs = clock?.now ? Date.parse(clock.now) : undefined;
  const isDev = clock !== undefined;
  let gateway: GatewayInfo | undefined;
  const add = (name: string, problems: string[], status?: number) => results.push({ name, pass: problems.length === 0, status, problems });

  let listed: Tool[];
  try {
    const c = await connect(mcpUrl, { headers: {}, query: {} });
    try {
      listed = (await c.listTools()).tools;
    } finally {
      await c.close();
    }
  } catch (e) {
    add('MCP: tools/list', [`${mcpUrl}: ${(e as Error).message}`]);
    return results;
  }
  const byName = new Map(listed.map((t) => [t.name, t]));
  add(
    'MCP: tools/list lists every tool of the spec',
    tools.filter((t) => !byName.has(t.name)).map((t) => `tool ${t.name} (route ${t.route.id}) is not listed`),
  );
  for (const t of listed) {
    const problems: string[] = [];
    if (!TOOL_NAME.test(t.name)) problems.push(`name ${JSON.stringify(t.name)} does not match ${TOOL_NAME.source}`);
    try {
      ajv.compile(t.inputSchema);
    } catch (e) {
      problems.push(`input schema does not compile: ${(e as Error).message}`);
    }
    if (t.inputSchema?.type !== 'object') problems.push('input schema is not an object schema');
    add(`MCP ${t.name}: valid name and input schema`, problems);
  }

  for (const t of tools.filter((x) => byName.has(x.name))) {
    const r = t.route;
    const llmLimit = limits.get(r.backend);
    const args = sampleArgs(t, isLlmBackend(spec, r.backend), ajv);
    const creds = credentials(spec, r, keys, nowMs);
    let c: Client | undefined;
    try {
      c = await connect(mcpUrl, creds);
      const answer = (await c.callTool({ name: t.name, arguments: args })) as CallToolResult;
      const status = meta(answer)?.status;
      const problems: string[] = [];
      if (status !== undefined ? [401, 403, 429].includes(status) : answer.isError) problems.push(`the call was answered with ${describeCall(answer)}`);
      if (isDev) {
        const log = (await devJson(base, '/__anygate/requests')) as { requests?: { routeId: string | null }[] } | undefined;
        const last = log?.requests?.at(-1);
        if (last?.routeId !== r.id) problems.push(`the gateway's last request was route ${last?.routeId ?? '(none)'}, not ${r.id}`);
      }
      add(`MCP ${t.name}: a call reaches route ${r.id}`, problems, status);
      if (r.auth !== 'none') {
        const anon = await connect(mcpUrl, { headers: {}, query: {} });
        try {
          const refused = (await anon.callTool({ name: t.name, arguments: args })) as CallToolResult;
          const s = meta(refused)?.status;
          const p: string[] = [];
          if (!refused.isError) p.push('answered without credentials');
          else if (s !== undefined && ![401, 403].includes(s)) p.push(`refused with HTTP ${s}, expected 401 or 403`);
          add(`MCP ${t.name}: refused without credentials`, p, s);
        } finally {
          await anon.close();
        }
      }
      if (llmLimit && !opts.spendTokens && !(gateway ??= opts.gateway ?? (await gatewayInfo(base))).mockLlm?.includes(r.backend)) {
        results.push({ name: `MCP ${t.name}: token limit answers 429 after its budget`, pass: true, problems: [], skipped: `it spends backend ${r.backend}'s token budget, real LLM tokens here; it runs against anygate dev --mock-llm, or pass --spend-tokens to spend them` });
      } else if (llmLimit) {
        const max = opts.maxTokenLimitCalls ?? 200;
        let last: CallToolResult | undefined;
        let calls = 0;
        while (calls < max && !last?.isError) {
          last = (await c.callTool({ name: t.name, arguments: args })) as CallToolResult;
          calls++;
        }
        const s = last ? meta(last)?.status : undefined;
        const p: string[] = [];
        if (!last?.isError) p.push(`${calls} calls were all answered: no token limit (${llmLimit.tokens} tokens per ${llmLimit.windowSeconds} s) was enforced`);
        else if (s !== undefined && s !== 429) p.push(`the first refusal was ${describeCall(last)}, expected HTTP 429`);
        else if (s === 429 && !meta(last)?.headers?.['retry-after']) p.push('the 429 carries no Retry-After');
        add(`MCP ${t.name}: token limit answers 429 after its budget (${calls} calls)`, p, s);
      }
    } catch (e) {
      add(`MCP ${t.name}: a call reaches route ${r.id}`, [`call failed: ${(e as Error).message}`]);
    } finally {
      await c?.close();
    }
  }
  return results;
}
