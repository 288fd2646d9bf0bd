/**
 * API Gateway models (components.schemas of the OpenAPI body): their names and their draft-04
 * bodies, one naming for the validation emitter (validation.ts) and the published contract
 * (contract.ts). Names are alphanumeric, as API Gateway requires: a component schema keeps one model
 * every route shares; an inline schema gets its route's (`<route>Body`, `<route>Response200`).
 */
import { isJsonMediaType, schemaClosure } from '../../../lib/model/contract-validation';
import { impliedContract, publishedContract, resolveContractRef, type ComponentsSpec } from '../../../lib/model/contract';
import { toSafeName } from '../../../lib/model/names';
import { toDialect } from '../../../lib/model/schema-dialects';
import type { GatewaySpec, RouteSpec } from '../../../lib/model/types';

type Obj = Record<string, unknown>;

/** An inline schema's model name: a route's body (`<route>Body`, `<route>Body2`...) or a response's (`<route>Response200`). */
export function inlineModelName(routeId: string, part: string, index: number): string {
  return `${toSafeName(routeId).replace(/-/g, '')}${part}${index ? index + 1 : ''}`;
}

/** A component schema's name when `schema` is exactly a reference to one. */
export function componentRefName(schema: unknown): string | undefined {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema) || Object.keys(schema).length !== 1) return undefined;
  const ref = (schema as Obj).$ref;
  const m = typeof ref === 'string' ? /^#\/components\/schemas\/([^/]+)$/.exec(ref) : null;
  return m ? decodeURIComponent(m[1]!) : undefined;
}

/** A concrete status code: what a method response needs (not `2XX`, not `default`). */
export const STATUS_CODE = /^[1-5][0-9]{2}$/;

/** `value` with its `$ref`s followed; undefined when one names nothing (model validation reported it). */
function resolved(components: ComponentsSpec | undefined, value: unknown): Obj | undefined {
  try {
    return resolveContractRef<Obj>(components, value, 'contract');
  } catch {
    return undefined;
  }
}

/** The JSON media types with a schema of a request body's or response's `content`, in document order. */
export function jsonContent(content: unknown): [string, unknown][] {
  if (!content || typeof content !== 'object') return [];
  return Object.entries(content as Record<string, Obj | undefined>).flatMap(([type, m]) => (m?.schema !== undefined && isJsonMediaType(type) ? [[type, m.schema] as [string, unknown]] : []));
}

export interface RoutePublished {
  /** Declared and implied parameters, resolved. */
  readonly parameters: Obj[];
  readonly requestBody?: Obj;
  /** Responses by status, resolved, in document order. */
  readonly responses: [string, Obj][];
}

/** What a route with a contract publishes, `$ref`s to parameters, bodies and responses followed. */
export function routePublished(spec: GatewaySpec, route: RouteSpec): RoutePublished | undefined {
  if (!route.contract) return undefined;
  const c = spec.components;
  const published = publishedContract(c, route.contract, impliedContract(route.segments, route.validation));
  const parameters = published.parameters.flatMap((p) => {
    const r = resolved(c, p);
    return r && typeof r.name === 'string' && typeof r.in === 'string' ? [r] : [];
  });
  const requestBody = published.requestBody && resolved(c, published.requestBody);
  const responses = Object.entries(published.responses).flatMap(([status, r]) => {
    const x = resolved(c, r);
    return x ? [[status, x] as [string, Obj]] : [];
  });
  return { parameters, ...(requestBody ? { requestBody } : {}), responses };
}

/** The inline model names a route may use: its body's and its responses'. */
function inlineModelNames(spec: GatewaySpec, route: RouteSpec): string[] {
  const names = [inlineModelName(route.id, 'Body', 0)];
  const published = routePublished(spec, route);
  if (!published) return names;
  jsonContent(published.requestBody?.content).forEach((_, i) => names.push(inlineModelName(route.id, 'Body', i)));
  for (const [status, r] of published.responses) if (STATUS_CODE.test(status)) jsonContent(r.content).forEach((_, i) => names.push(inlineModelName(route.id, `Response${status}`, i)));
  return names;
}

const componentModels = new WeakMap<GatewaySpec, Map<string, string>>();

/**
 * The model name of each component schema, unique among themselves and the routes' inline models;
 * one map per spec, so every route agrees.
 */
export function componentModelNames(spec: GatewaySpec): Map<string, string> {
  let names = componentModels.get(spec);
  if (names) return names;
  const taken = new Set(spec.routes.flatMap((r) => inlineModelNames(spec, r).map((n) => n.toLowerCase())));
  names = new Map();
  for (const n of Object.keys(spec.components?.schemas ?? {}).sort()) {
    const base = toSafeName(n, 'Model').split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
    let name = base;
    for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base}${i}`;
    taken.add(name.toLowerCase());
    names.set(n, name);
  }
  componentModels.set(spec, names);
  return names;
}

/** A contract schema as a draft-04 model body, its component references renamed to models. */
export function draft04Model(spec: GatewaySpec, schema: unknown): Obj {
  const names = componentModelNames(spec);
  return toDialect(schema, 'draft-04', (n) => `#/components/schemas/${names.get(n) ?? n}`).schema;
}

/** The draft-04 models of every component schema `schemas` reach, by model name. */
export function referencedModels(spec: GatewaySpec, components: ComponentsSpec | undefined, schemas: unknown[]): Record<string, unknown> {
  const names = componentModelNames(spec);
  return Object.fromEntries(schemaClosure(components, schemas).map((n) => [names.get(n)!, draft04Model(spec, components!.schemas![n])]));
}
