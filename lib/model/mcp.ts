/**
 * Routes as MCP tools: the `mcp` blocks of the spec (per route, and the gateway-level server that
 * can expose every route), their validation, and the tool names and annotations normalization
 * settles once. The tool's input/output JSON Schemas come from tool-schema.ts.
 *
 * Tool names follow what MCP clients accept in practice: `^[A-Za-z0-9_-]{1,64}$` (longer names
 * break clients; AgentCore, APIM API tools and Envoy AI Gateway all carry the name as given).
 * Names are compared without case, because APIM stores each tool as a resource whose name is
 * case-insensitive.
 */
import { z } from 'zod';
import type { SpecIssue } from './errors';
import { basePrefix } from './path';

/** The tool-name rule. */
export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const TOOL_NAME_MAX = 64;
export const TOOL_NAME_RULE = '1-64 characters: letters, digits, _ and -';

/** MCP tool annotations (MCP specification 2025-06-18, ToolAnnotations): hints, not guarantees. */
export const McpAnnotations = z
  .strictObject({
    readOnlyHint: z.boolean().optional().meta({ description: 'The tool does not modify its environment. Default: true for GET, HEAD and OPTIONS routes, false otherwise.' }),
    destructiveHint: z.boolean().optional().meta({ description: 'The tool may perform destructive updates (meaningful when not read-only). Default: true for PUT, PATCH, DELETE and ANY routes, false for POST.' }),
    idempotentHint: z.boolean().optional().meta({ description: 'Calling the tool again with the same arguments has no further effect. Default: true for GET, HEAD, OPTIONS, PUT and DELETE routes.' }),
    openWorldHint: z.boolean().optional().meta({ description: 'The tool interacts with an open world of external entities. Default: not stated (clients assume true).' }),
  })
  .describe('MCP tool annotations: hints to the client about what the tool does.');

export const McpRouteTool = z
  .strictObject({
    tool: z
      .string()
      .regex(TOOL_NAME_PATTERN, { message: `must be an MCP tool name: ${TOOL_NAME_RULE}` })
      .optional()
      .meta({ description: `Tool name (${TOOL_NAME_RULE}; unique per gateway, compared without case). Default: the route id.` }),
    title: z.string().min(1).max(200).optional().meta({ description: 'Human-readable tool title. Default: none.' }),
    description: z.string().min(1).max(4096).optional().meta({ description: "What the tool does, for the agent deciding whether to call it. Default: the route's description, else `METHOD path`." }),
    annotations: McpAnnotations.optional().meta({ description: "Tool annotations. Default: derived from the route's method." }),
  })
  .describe('Expose the route as an MCP tool.');

/** A route's `mcp`: a tool definition, or false to keep the route out of a gateway that exposes all routes. */
export const McpRoute = z
  .union([McpRouteTool, z.literal(false)])
  .describe('Expose the route as an MCP tool, or `false` to keep it out when the gateway exposes every route.');

export const McpServer = z
  .strictObject({
    expose: z.enum(['listed', 'all']).optional().meta({ description: 'Which routes become tools: `listed` (routes with an `mcp` block) or `all` (every route except those with `mcp: false`; names derived from route ids).', default: 'listed' }),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/, { message: 'must be a literal path such as /mcp (no parameters, no trailing slash)' })
      .optional()
      .meta({ description: 'Path (under basePath) of the MCP endpoint (Streamable HTTP).', default: '/mcp' }),
    title: z.string().min(1).max(200).optional().meta({ description: 'Human-readable server title. Default: none.' }),
    description: z.string().min(1).max(4096).optional().meta({ description: "What the server offers, shown to clients. Default: the gateway's description." }),
  })
  .describe('The gateway as an MCP server whose tools are routes.');

export type McpAnnotationsSpec = z.output<typeof McpAnnotations>;

/** A route's tool, normalized: name settled, description and annotations filled in. */
export interface McpToolSpec {
  /** Unique per gateway (without case), matches TOOL_NAME_PATTERN. */
  readonly tool: string;
  /** @default - none */
  readonly title?: string;
  readonly description: string;
  readonly annotations: McpAnnotationsSpec;
}

/** The gateway's MCP server, present when any route is a tool. */
export interface McpServerSpec {
  readonly expose: 'listed' | 'all';
  /** Under basePath. */
  readonly path: string;
  /** @default - none */
  readonly title?: string;
  /** @default - the gateway's description, or none */
  readonly description?: string;
}

type McpRouteInput = z.output<typeof McpRoute>;
type McpServerInput = z.output<typeof McpServer>;

export const MCP_DEFAULTS = { expose: 'listed' as const, path: '/mcp' };

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Annotations a route's method implies; the spec's own values win. */
export function deriveAnnotations(method: string, given: McpAnnotationsSpec | undefined): McpAnnotationsSpec {
  const readOnly = READ_METHODS.has(method);
  return {
    readOnlyHint: given?.readOnlyHint ?? readOnly,
    destructiveHint: given?.destructiveHint ?? (readOnly ? false : method !== 'POST'),
    idempotentHint: given?.idempotentHint ?? (readOnly || method === 'PUT' || method === 'DELETE'),
    ...(given?.openWorldHint !== undefined ? { openWorldHint: given.openWorldHint } : {}),
  };
}

/** Whether a route is a tool, given the gateway-level `expose`. */
export function isExposed(route: McpRouteInput | undefined, server: McpServerInput | undefined): boolean {
  if (route === false) return false;
  if (route) return true;
  return (server?.expose ?? MCP_DEFAULTS.expose) === 'all';
}

/**
 * A tool name derived from a route id. Route ids are safe names (letters, digits, hyphens, at most
 * 48 characters), so the id itself is a valid tool name; `_` joins a numeric suffix when taken.
 */
export function deriveToolName(routeId: string, taken: ReadonlySet<string>): string {
  const base = routeId.slice(0, TOOL_NAME_MAX);
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) {
    const suffix = `_${i}`;
    const candidate = base.slice(0, TOOL_NAME_MAX - suffix.length) + suffix;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** One route as tool assignment needs it: its canonical id, method and path, and its `mcp` input. */
export interface ToolCandidate {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly description?: string;
  readonly mcp?: McpRouteInput;
}

/**
 * Tool of every exposed route, by route id: explicit names first, then derived ones in the given
 * (canonical) order, so the result is deterministic. Validation has rejected duplicate explicit names.
 */
export function assignTools(routes: readonly ToolCandidate[], server: McpServerInput | undefined): Map<string, McpToolSpec> {
  const taken = new Set(routes.flatMap((r) => (r.mcp && r.mcp.tool ? [r.mcp.tool.toLowerCase()] : [])));
  const out = new Map<string, McpToolSpec>();
  for (const r of routes) {
    if (!isExposed(r.mcp, server)) continue;
    const m = r.mcp || undefined;
    let tool = m?.tool;
    if (!tool) {
      tool = deriveToolName(r.id, taken);
      taken.add(tool.toLowerCase());
    }
    out.set(r.id, {
      tool,
      ...(m?.title ? { title: m.title } : {}),
      description: m?.description ?? r.description ?? `${r.method} ${r.path}`,
      annotations: deriveAnnotations(r.method, m?.annotations),
    });
  }
  return out;
}

/** The MCP endpoint's path below the gateway's basePath: mcp.path, or the default when no route is a tool. */
export const mcpServerPath = (spec: { readonly mcp?: McpServerSpec }): string => spec.mcp?.path ?? MCP_DEFAULTS.path;

/** The MCP endpoint's path, basePath included (where dev serves it and Apigee's MCP Discovery Proxy sits). */
export const mcpPath = (spec: { readonly basePath: string; readonly mcp?: McpServerSpec }): string => basePrefix(spec.basePath) + mcpServerPath(spec);

/** The gateway's server block, when any route is a tool. */
export function mcpServer(server: McpServerInput | undefined, gatewayDescription: string | undefined, anyTool: boolean): McpServerSpec | undefined {
  if (!anyTool) return undefined;
  const description = server?.description ?? gatewayDescription;
  return {
    expose: server?.expose ?? MCP_DEFAULTS.expose,
    path: server?.path ?? MCP_DEFAULTS.path,
    ...(server?.title ? { title: server.title } : {}),
    ...(description ? { description } : {}),
  };
}

/**
 * Validation of the MCP blocks: duplicate tool names (without case), a gateway that exposes no
 * route, tools without a description (agents choose tools by it), and an MCP path that a route
 * already uses.
 */
export function checkMcp(
  routes: readonly { index: number; route?: { method: string; path: string; description?: string; mcp?: McpRouteInput } }[],
  server: McpServerInput | undefined,
  issues: SpecIssue[],
): void {
  const names = new Map<string, number>();
  let exposed = 0;
  for (const { index, route } of routes) {
    if (!route || !isExposed(route.mcp, server)) continue;
    exposed++;
    const m = route.mcp || undefined;
    if (m?.tool) {
      const key = m.tool.toLowerCase();
      const other = names.get(key);
      if (other !== undefined) {
        issues.push({ path: ['routes', index, 'mcp', 'tool'], rule: 'mcp-tool-duplicate', message: `tool name ${JSON.stringify(m.tool)} is already used by routes[${other}] (tool names are compared without case); give each tool its own name`, severity: 'error' });
      } else names.set(key, index);
    }
    if (!m?.description && !route.description) {
      issues.push({ path: ['routes', index, 'mcp'], rule: 'mcp-tool-description', message: `tool for ${route.method} ${route.path} has no description: agents choose tools by their description; set mcp.description or the route's description`, severity: 'warning' });
    }
  }
  if (server && exposed === 0) {
    issues.push({ path: ['mcp'], rule: 'mcp-no-tools', message: 'the MCP server exposes no route: add an mcp block to a route, or set mcp.expose: all', severity: 'error' });
  }
  const mcpPath = server?.path ?? MCP_DEFAULTS.path;
  if (exposed > 0) {
    for (const { index, route } of routes) {
      if (route && route.path.replace(/\/+$/, '') === mcpPath) {
        issues.push({ path: ['routes', index, 'path'], rule: 'mcp-path-taken', message: `${route.path} is the MCP endpoint's path: move the route, or set mcp.path to another path`, severity: 'error' });
      }
    }
  }
}
