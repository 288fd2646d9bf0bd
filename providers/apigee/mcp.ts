/**
 * Routes as MCP tools on Apigee X: per stage an MCP Discovery Proxy bundle, the proxy Apigee's
 * managed MCP server answers behind (lib/capabilities/targets/apigee-mcp.ts says what it rests
 * on). The bundle is a proxy endpoint at basePath + mcp.path, a target to the managed server
 * (`https://<org>.mcp.apigee.internal/mcp`), and the OpenAPI document whose operations are the
 * tools: one per tool route, operationId the tool's name, its arguments as the tool schema
 * (lib/model/tool-schema.ts) places them (path, query and header parameters, the body as the
 * request body), at the stage's environment group host. The record has refused what this cannot
 * say (auth, ANY, greedy paths, an unknown host).
 */
import { stringify } from 'yaml';
import { apigeeMcpHosts, apigeeMcpProxyName, apigeeMcpTargetUrl, APIGEE_MCP_OPENAPI } from '../../lib/capabilities/targets/apigee-mcp';
import { mcpPath } from '../../lib/model/mcp';
import { toDialect } from '../../lib/model/schema-dialects';
import { toolSchemas, type JsonSchemaObject } from '../../lib/model/tool-schema';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { el, toXml } from '../shared/xml';
import { PREFLIGHT } from './conditions';
import { flowStep } from './context';
import { corsPolicy } from './proxy';
import { basePrefix } from '../../lib/model/path';

/** One stage's MCP Discovery Proxy. */
export interface ApigeeMcpProxy {
  readonly stage: string;
  /** Proxy name: `<proxy>-mcp-<stage>`. */
  readonly proxyName: string;
  /** basePath joined with mcp.path: where clients connect (`https://<host><basePath>`). */
  readonly basePath: string;
  /** The environment group host names the document's servers name. */
  readonly hostnames: string[];
  /** Bundle files, path (under apiproxy/) -> content, in sorted order. */
  readonly files: Record<string, string>;
}

/** The OpenAPI document's file in the bundle (resources/oas/, where the MCP Discovery Proxy template puts it). */
export const MCP_OAS_RESOURCE = 'tools.yaml';

/** The OpenAPI 3.0 operation of one tool route. */
function operation(route: RouteSpec, spec: GatewaySpec): Record<string, unknown> {
  const tool = route.mcp!;
  const schemas = toolSchemas(route, spec);
  const properties = (schemas.input.properties ?? {}) as Record<string, JsonSchemaObject>;
  const oas30 = (s: JsonSchemaObject) => toDialect(s, 'openapi-3.0').schema;
  const parameters: Record<string, unknown>[] = [];
  let requestBody: Record<string, unknown> | undefined;
  for (const a of schemas.arguments) {
    const { description, ...schema } = properties[a.property];
    if (a.in === 'body') {
      requestBody = { ...(description ? { description } : {}), required: a.required, content: { 'application/json': { schema: oas30(schema) } } };
      continue;
    }
    parameters.push({ name: a.name, in: a.in, required: a.required, ...(description ? { description } : {}), schema: oas30(schema) });
  }
  return {
    operationId: tool.tool,
    ...(tool.title ? { summary: tool.title } : {}),
    description: tool.description,
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: { default: { description: `The response of route ${route.id}.` } },
  };
}

/** The tools' OpenAPI document for the hosts of one stage. */
export function toolsDocument(spec: GatewaySpec, hostnames: readonly string[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const tools = spec.routes.filter((r) => r.mcp).sort((a, b) => (a.mcp!.tool < b.mcp!.tool ? -1 : a.mcp!.tool > b.mcp!.tool ? 1 : 0));
  for (const r of tools) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r, spec);
  const description = spec.mcp?.description ?? spec.description;
  return {
    openapi: APIGEE_MCP_OPENAPI,
    info: { title: spec.mcp?.title ?? spec.name, ...(description ? { description } : {}), version: spec.version },
    // The servers' host must be the environment group's; the REST proxy's base path follows it.
    servers: hostnames.map((h) => ({ url: `https://${h}${basePrefix(spec.basePath)}` })),
    paths: Object.fromEntries(Object.keys(paths).sort().map((p) => [p, paths[p]])),
  };
}

/** The MCP Discovery Proxy bundle of one stage. */
function bundle(spec: GatewaySpec, proxyName: string, basePath: string, hostnames: string[], organization: string | undefined): Record<string, string> {
  const doc = stringify(toolsDocument(spec, hostnames), { lineWidth: 0, aliasDuplicateObjects: false });
  // Google's MCP Discovery Proxy template runs a CORS policy in the request PreFlow for browser
  // clients; anygate's is the spec's (the same policy as the proxy's), and a spec without cors
  // opens the MCP endpoint to no browser origin, as its REST proxy.
  const cors = spec.cors && corsPolicy(spec);
  const corsName = cors ? cors.attrs!.name : undefined;
  const files: Record<string, string> = {
    [`${proxyName}.xml`]: toXml(
      el(
        'APIProxy',
        { name: proxyName },
        el('Basepaths', {}, basePath),
        el('Description', {}, `The MCP tools of ${spec.name} (anygate): MCP Discovery Proxy`),
        el('DisplayName', {}, proxyName),
        cors && el('Policies', {}, el('Policy', {}, corsName)),
        el('ProxyEndpoints', {}, el('ProxyEndpoint', {}, 'default')),
        el('Resources', {}, el('Resource', {}, `oas://${MCP_OAS_RESOURCE}`)),
        el('TargetEndpoints', {}, el('TargetEndpoint', {}, 'default')),
      ),
      { declaration: true },
    ),
    'proxies/default.xml': toXml(
      el(
        'ProxyEndpoint',
        { name: 'default' },
        el('Description', {}, 'MCP clients: tools/list and tools/call'),
        el('PreFlow', { name: 'PreFlow' }, el('Request', {}, corsName !== undefined && flowStep(corsName)), el('Response')),
        el('Flows'),
        el('PostFlow', { name: 'PostFlow' }, el('Request'), el('Response')),
        el('HTTPProxyConnection', {}, el('BasePath', {}, basePath)),
        // The CORS policy answers a preflight; it goes to no target.
        cors && el('RouteRule', { name: 'cors-preflight' }, el('Condition', {}, PREFLIGHT)),
        el('RouteRule', { name: 'default' }, el('TargetEndpoint', {}, 'default')),
      ),
      { declaration: true },
    ),
    ...(cors ? { [`policies/${corsName}.xml`]: toXml(cors, { declaration: true }) } : {}),
    [`resources/oas/${MCP_OAS_RESOURCE}`]: doc,
    'targets/default.xml': toXml(
      el(
        'TargetEndpoint',
        { name: 'default' },
        el('Description', {}, 'Apigee\'s managed MCP server, which calls the tools at the OpenAPI document\'s servers'),
        el('PreFlow', { name: 'PreFlow' }, el('Request'), el('Response')),
        el('Flows'),
        el('PostFlow', { name: 'PostFlow' }, el('Request'), el('Response')),
        el('HTTPTargetConnection', {}, el('URL', {}, apigeeMcpTargetUrl(organization))),
      ),
      { declaration: true },
    ),
  };
  return Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]]));
}

/**
 * The MCP Discovery Proxy of every stage deployed, when the spec has tools (the record has
 * checked hosts and routes).
 */
export function apigeeMcpProxies(spec: GatewaySpec, proxy: string, stages: readonly string[], options: { hostnames?: Readonly<Record<string, string>>; organization?: string }): ApigeeMcpProxy[] {
  if (!spec.mcp || !spec.routes.some((r) => r.mcp)) return [];
  const basePath = mcpPath(spec);
  return [...stages].sort().map((stage) => {
    const proxyName = apigeeMcpProxyName(proxy, stage);
    const hostnames = apigeeMcpHosts(spec, stage, options.hostnames);
    return { stage, proxyName, basePath, hostnames, files: bundle(spec, proxyName, basePath, hostnames, options.organization) };
  });
}
