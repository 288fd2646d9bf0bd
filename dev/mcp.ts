/**
 * `anygate dev`'s MCP endpoint: Streamable HTTP at /mcp, served by the official
 * @modelcontextprotocol/sdk server in stateless mode (a server and transport per HTTP request,
 * the SDK's pattern for a server that keeps no session). `tools/list` lists every route the model
 * exposes as a tool with its derived input schema; `tools/call` turns the arguments into the
 * route's HTTP request and runs it through the gateway's own pipeline (dispatch in server.ts):
 * IP rules, auth, limits, token budgets, validation, cache, transforms, backend. The credentials
 * are the MCP request's own (the headers and query parameters the route's authorizers read), so
 * a call without them is refused exactly as the route refuses it: a tool result with
 * `isError: true`, the route's HTTP status and body, and the reason dev logs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Ajv, { type ValidateFunction } from 'ajv';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { GatewaySpec } from '../lib/model/types';
import { mcpPath } from '../lib/model/mcp';
import { devTools, toolRequest, type DevTool } from './ai-model';
import { basePrefix } from '../lib/model/path';

/** `_meta` key of a tool result carrying the route's HTTP answer. */
export const HTTP_META = 'anygate/http';

/** One request into the gateway pipeline (server.ts dispatch). */
export interface DispatchRequest {
  readonly method: string;
  /** Full request path, basePath included. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly clientIp: string;
}

/** The pipeline's answer, and why the gateway refused when it did. */
export interface DispatchAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly reason?: string;
}

export interface McpEndpoint {
  readonly tools: DevTool[];
  /** The endpoint's path (basePath + the spec's mcp.path). */
  readonly path: string;
  handle(req: IncomingMessage, res: ServerResponse, ctx: { clientIp: string; query: URLSearchParams }): Promise<void>;
}

/** What the route answered, in `_meta` (status and the headers a client acts on). */
const KEPT_HEADERS = ['content-type', 'retry-after', 'www-authenticate', 'x-amzn-errortype'];

/** The headers and query parameters that carry credentials on this gateway. */
function credentialSources(spec: GatewaySpec): { headers: string[]; query: string[] } {
  const headers = new Set(['authorization']);
  const query = new Set<string>();
  for (const a of Object.values(spec.authorizers)) {
    if (a.type === 'apiKey') (a.in === 'header' ? headers : query).add(a.in === 'header' ? a.name.toLowerCase() : a.name);
    else headers.add(a.header.toLowerCase());
  }
  return { headers: [...headers].sort(), query: [...query].sort() };
}

function toolOf(t: DevTool): Tool {
  return {
    name: t.name,
    ...(t.title ? { title: t.title } : {}),
    ...(t.description ? { description: t.description } : {}),
    inputSchema: t.inputSchema as Tool['inputSchema'],
    ...(t.outputSchema ? { outputSchema: t.outputSchema as Tool['outputSchema'] } : {}),
    ...(t.annotations ? { annotations: t.annotations as Tool['annotations'] } : {}),
  };
}

function result(t: DevTool, a: DispatchAnswer): CallToolResult {
  const text = a.body.toString('utf8');
  const headers = Object.fromEntries(KEPT_HEADERS.filter((h) => a.headers[h] !== undefined).map((h) => [h, a.headers[h]]));
  const meta = { [HTTP_META]: { status: a.status, headers, ...(a.reason ? { reason: a.reason } : {}) } };
  if (a.status >= 400) {
    const why = a.reason ? ` (${a.reason})` : '';
    return { isError: true, content: [{ type: 'text', text: `${t.name}: route ${t.route.id} answered HTTP ${a.status}${why}: ${text}` }], _meta: meta };
  }
  let structured: Record<string, unknown> | undefined;
  if (t.outputSchema) {
    try {
      const doc = JSON.parse(text) as unknown;
      structured = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : { result: doc };
    } catch {
      structured = undefined;
    }
  }
  return { content: [{ type: 'text', text }], ...(structured ? { structuredContent: structured } : {}), _meta: meta };
}

/**
 * The MCP endpoint for `spec`, calling routes through `dispatch`. `host` is the address dev
 * listens on: the SDK's DNS-rebinding protection accepts only requests addressed to it.
 */
export function createMcpEndpoint(spec: GatewaySpec, dispatch: (r: DispatchRequest) => Promise<DispatchAnswer>, host: { port: number }): McpEndpoint {
  const tools = devTools(spec);
  const byName = new Map(tools.map((t) => [t.name, t]));
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validators = new Map<string, ValidateFunction>();
  const validator = (t: DevTool) => validators.get(t.name) ?? validators.set(t.name, ajv.compile(t.inputSchema)).get(t.name)!;
  const listed = tools.map(toolOf);
  const creds = credentialSources(spec);
  const base = basePrefix(spec.basePath);

  const server = (clientIp: string, mcpQuery: URLSearchParams) => {
    const s = new Server({ name: spec.name, version: spec.version }, { capabilities: { tools: {} } });
    s.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listed }));
    s.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const t = byName.get(request.params.name);
      if (!t) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${JSON.stringify(request.params.name)}; tools: ${tools.map((x) => x.name).join(', ') || '(none)'}`);
      const args = request.params.arguments ?? {};
      const validate = validator(t);
      if (!validate(args)) return { isError: true, content: [{ type: 'text', text: `${t.name}: invalid arguments: ${ajv.errorsText(validate.errors, { dataVar: 'arguments' })}` }] };
      const r = toolRequest(t, args);
      const incoming = extra.requestInfo?.headers ?? {};
      const headers: Record<string, string> = { ...r.headers };
      for (const h of creds.headers) {
        const v = incoming[h];
        if (v !== undefined) headers[h] = Array.isArray(v) ? v.join(', ') : v;
      }
      const query = new URLSearchParams(r.query);
      for (const q of creds.query) for (const v of mcpQuery.getAll(q)) query.append(q, v);
      return result(t, await dispatch({ method: r.method, path: base + r.path, query, headers, body: r.body, clientIp }));
    });
    return s;
  };

  const path = mcpPath(spec);
  return {
    tools,
    path,
    async handle(req, res, ctx) {
      if (req.method !== 'POST') {
        // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
        res.writeHead(405, { 'content-type': 'application/json', allow: 'POST' });
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: ErrorCode.ConnectionClosed, message: `anygate dev serves MCP statelessly: POST ${path}` }, id: null }));
        return;
      }
      const s = server(ctx.clientIp, ctx.query);
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
        enableDnsRebindingProtection: true,
        allowedHosts: [`127.0.0.1:${host.port}`, `localhost:${host.port}`],
      });
      res.on('close', () => {
        void transport.close();
        void s.close();
      });
      await s.connect(transport);
      await transport.handleRequest(req, res);
    },
  };
}
