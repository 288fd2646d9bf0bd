/**
 * Routes as MCP tools on API Management: an MCP server (an Api of type `mcp`) whose API tools
 * each name a route's operation. Both exist only at REST API version 2025-09-01-preview, newer
 * than the typed Api of the pinned @pulumi/azure-native (2024-05-01) and its ApiTool
 * (2025-03-01-preview), so they are created through the generic resources.Resource with an
 * explicit apiVersion. Shapes: Manage MCP servers programmatically in API Management (Microsoft
 * Learn) and the 2025-09-01-preview OpenAPI of Microsoft.ApiManagement; the capability record
 * (lib/capabilities/targets/ai.ts, mcp.tools) has refused what this cannot carry.
 */
import { APIM_MCP_API_VERSION } from '../../lib/capabilities/targets/azure-mcp';
import type { GatewaySpec } from '../../lib/model/types';
import { argRef, resourceRef, type PlannedResource, type PlanValue } from '../shared/resources';

/** The MCP server of a stage's API. */
export interface ApimMcpServer {
  /** The Api's resource name (`<api id>-mcp`). */
  readonly apiId: string;
  /** Its URL suffix (`<api path>-mcp`); clients connect to `<gateway>/<path>/mcp`. */
  readonly path: string;
  readonly displayName: string;
  /** @default - none */
  readonly description?: string;
  /** One per tool route, in route order. */
  readonly tools: ApimMcpTool[];
}

export interface ApimMcpTool {
  /** The tool's resource name and MCP name (the route's mcp.tool). */
  readonly id: string;
  readonly description: string;
  /** The operation (route id) the tool calls. */
  readonly operation: string;
}

/** The MCP server a spec's tool routes make, when it has any. */
export function apimMcpServer(spec: GatewaySpec, api: { apiId: string; path: string; stage: string }): { mcp?: ApimMcpServer } {
  const tools = spec.routes.filter((r) => r.mcp).map((r) => ({ id: r.mcp!.tool, description: r.mcp!.description, operation: r.id }));
  if (!tools.length) return {};
  const description = spec.mcp?.description;
  return { mcp: { apiId: `${api.apiId}-mcp`, path: `${api.path}-mcp`, displayName: `${spec.mcp?.title ?? spec.name} MCP (${api.stage})`, ...(description ? { description } : {}), tools } };
}

const GENERIC = 'azure-native:resources:Resource';
const generic = (resourceType: string, resourceName: string, properties: { [k: string]: PlanValue }): { [k: string]: PlanValue } => ({
  resourceGroupName: argRef('resourceGroupName'),
  resourceProviderNamespace: 'Microsoft.ApiManagement',
  // `service/<service name>`: the component resolves it from its service.
  parentResourcePath: argRef('serviceParentPath'),
  resourceType,
  resourceName,
  apiVersion: APIM_MCP_API_VERSION,
  properties,
});

/**
 * The server, then its tools one after another (API Management answers concurrent writes to one
 * Api with 409), each after the operation it names: `operationId` is the operation's resource id.
 */
export function mcpResources(m: ApimMcpServer): PlannedResource[] {
  const server: PlannedResource = {
    type: GENERIC,
    name: 'mcp-server',
    inputs: generic('apis', m.apiId, { type: 'mcp', path: m.path, displayName: m.displayName, ...(m.description ? { description: m.description } : {}), protocols: ['https'], subscriptionRequired: false }),
    dependsOn: [],
  };
  const out = [server];
  let last = server.name;
  for (const t of m.tools) {
    const name = `mcp-tool-${t.operation}`;
    out.push({ type: GENERIC, name, inputs: generic(`apis/${m.apiId}/tools`, t.id, { displayName: t.id, description: t.description, operationId: resourceRef(`op-${t.operation}`, 'id') }), dependsOn: [...new Set([last, `op-${t.operation}`])].sort() });
    last = name;
  }
  return out;
}
