/**
 * The one place a route's MCP tool schemas come from: the input JSON Schema from what the model
 * knows of the request (path parameters, the query parameters and headers the route declares,
 * the request body schema), the output schema from the response schema when the model has one.
 * Every target and `anygate dev` read it, so a tool looks the same everywhere; when the model
 * learns more about requests and responses (declared parameters, response schemas), only this
 * module changes.
 *
 * Arguments are flat (what agents handle best): each parameter is a property under its own name,
 * the body is the `body` property. A name used in two places (a path and a query parameter both
 * called `id`) keeps its name in the first place (path, query, header, body order) and becomes
 * `<in>_<name>` in the others; `arguments` maps every property back to where it goes.
 */
import type { AuthorizerSpec, GatewaySpec, RouteSpec } from './types';

/** A JSON Schema object (draft 2020-12), as plain data. */
export type JsonSchemaObject = Record<string, unknown>;

/** Where one tool argument goes in the route's request. */
export interface ToolArgument {
  /** Property name in the tool's input. */
  readonly property: string;
  readonly in: 'path' | 'query' | 'header' | 'body';
  /** Parameter or header name in the request (`body` for the body). */
  readonly name: string;
  readonly required: boolean;
}

export interface ToolSchemas {
  /** The tool's inputSchema: always `type: object`. */
  readonly input: JsonSchemaObject;
  /** The tool's outputSchema. @default - none: the model has no response schema yet */
  readonly output?: JsonSchemaObject;
  /** How each input property maps to the request, in property order. */
  readonly arguments: ToolArgument[];
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'ANY']);

/** Headers the route's authorizers read: credentials travel with the MCP session, never as arguments. */
function credentialHeaders(route: RouteSpec, spec: GatewaySpec): Set<string> {
  if (route.auth === 'none') return new Set();
  const out = new Set<string>();
  for (const name of new Set(route.auth.flat())) {
    const a: AuthorizerSpec | undefined = spec.authorizers[name];
    if (!a) continue;
    if (a.type === 'apiKey') {
      if (a.in === 'header') out.add(a.name.toLowerCase());
    } else out.add(a.header.toLowerCase());
  }
  return out;
}

/** Query parameters and headers the route's transforms read (`${query.x}`, `${header.y}`). */
function templateRefs(route: RouteSpec, source: 'query' | 'header'): string[] {
  const t = route.templates;
  if (!t) return [];
  const parts = [...Object.values(t.setHeaders), ...Object.values(t.setQuery), ...t.body.map((b) => b.parts)].flat();
  return parts.flatMap((p) => (p.kind === 'ref' && p.source === source ? [p.name] : []));
}

/** The route's tool schemas. Pure and deterministic. */
export function toolSchemas(route: RouteSpec, spec: GatewaySpec): ToolSchemas {
  const args: ToolArgument[] = [];
  const properties: Record<string, JsonSchemaObject> = {};
  const used = new Set<string>();
  const add = (where: ToolArgument['in'], name: string, required: boolean, schema: JsonSchemaObject) => {
    const property = used.has(name) ? `${where}_${name}` : name;
    if (used.has(property)) return;
    used.add(property);
    properties[property] = schema;
    args.push({ property, in: where, name, required });
  };

  for (const s of route.segments) {
    if (s.kind !== 'param') continue;
    add('path', s.name, true, { type: 'string', minLength: 1, description: s.greedy ? `Path parameter ${s.name} (may contain /).` : `Path parameter ${s.name}.` });
  }
  const requiredQuery = new Set(route.validation?.requiredQuery ?? []);
  const query = [...new Set([...requiredQuery, ...(route.cache?.key.query ?? []), ...templateRefs(route, 'query')])].sort();
  for (const q of query) add('query', q, requiredQuery.has(q), { type: 'string', description: `Query parameter ${q}.` });
  const creds = credentialHeaders(route, spec);
  const requiredHeaders = new Set((route.validation?.requiredHeaders ?? []).map((h) => h.toLowerCase()));
  const headers = [...new Set([...requiredHeaders, ...templateRefs(route, 'header').map((h) => h.toLowerCase())])].filter((h) => !creds.has(h)).sort();
  for (const h of headers) add('header', h, requiredHeaders.has(h), { type: 'string', description: `Request header ${h}.` });
  const bodySchema = route.validation?.bodySchema;
  if (bodySchema) add('body', 'body', true, { ...bodySchema, description: (bodySchema.description as string | undefined) ?? 'JSON request body.' });
  else if (WRITE_METHODS.has(route.method)) add('body', 'body', false, { description: 'JSON request body.' });

  const required = args.filter((a) => a.required).map((a) => a.property);
  return {
    input: { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false },
    arguments: args,
  };
}
