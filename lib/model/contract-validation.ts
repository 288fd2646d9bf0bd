/**
 * `validation.contract`: what a route asks the gateway to check against its contract, read once for
 * every target and dev. The parameters are the route's published ones (declared, completed by the
 * path's), `$ref`s followed; the body is its declared request body by media type. Schemas stay as
 * written (OpenAPI 3.1, `$ref`s to components.schemas kept); each target converts them to its own
 * dialect (lib/model/schema-dialects.ts) and the capability records refuse what it cannot check.
 */
import { impliedContract, publishedContract, resolveContractRef, isRefObject, componentOf, type ComponentsSpec } from './contract';
import type { RouteSpec } from './types';

type Obj = Record<string, unknown>;

/** Which parts of the contract a route validates. */
export interface ContractParts {
  /** Path, query and header parameters: presence and schema. @default true */
  readonly parameters: boolean;
  /** The request body: content type and schema. @default true */
  readonly body: boolean;
}

/** The written `validation.contract` as parts; undefined when nothing is validated. */
export function contractPartsOf(v: boolean | { parameters?: boolean; body?: boolean } | undefined): ContractParts | undefined {
  if (v === undefined || v === false) return undefined;
  const parts = v === true ? { parameters: true, body: true } : { parameters: v.parameters ?? true, body: v.body ?? true };
  return parts.parameters || parts.body ? parts : undefined;
}

/** A route's parts, whether the spec is normalized (an object) or not (`true`). */
export function routeContractParts(route: Pick<RouteSpec, 'validation'>): ContractParts | undefined {
  return contractPartsOf(route.validation?.contract);
}

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

export interface ParameterCheck {
  readonly in: ParameterLocation;
  /** The name as the request carries it (a greedy path parameter without its `+`). */
  readonly name: string;
  readonly required: boolean;
  /** The parameter's schema as written (OpenAPI 3.1); undefined when it declares none. */
  readonly schema?: Obj | boolean;
  /** The declaration's description, for targets that publish it. @default - none */
  readonly description?: string;
  /** Spec path of the declaration (`routes[id=x].contract.parameters[0]`, or the route's path). */
  readonly where: string;
}

export interface MediaCheck {
  /** Media type or range as declared (`application/json`, `application/*+json`). */
  readonly type: string;
  readonly schema?: Obj | boolean;
  readonly where: string;
}

export interface BodyCheck {
  readonly required: boolean;
  /** Declared media types, in document order; a request with another type is refused (415). */
  readonly content: MediaCheck[];
  readonly where: string;
}

export interface ContractChecks {
  readonly parts: ContractParts;
  readonly parameters: ParameterCheck[];
  /** Undefined when the body is not validated or the contract declares none. */
  readonly body?: BodyCheck;
}

const LOCATIONS = new Set<string>(['path', 'query', 'header', 'cookie']);

/**
 * What `validation.contract` checks on `route`, or undefined when it asks for nothing. Throws an
 * Error naming the spec path when a `$ref` points at nothing (validation reports those first).
 */
export function contractChecks(components: ComponentsSpec | undefined, route: RouteSpec): ContractChecks | undefined {
  const parts = routeContractParts(route);
  if (!parts) return undefined;
  const at = `routes[id=${route.id}]`;
  const implied = impliedContract(route.segments, route.validation);
  const declared = route.contract?.parameters ?? [];
  const published = publishedContract(components, route.contract, implied);
  const parameters: ParameterCheck[] = [];
  if (parts.parameters) {
    published.parameters.forEach((p, i) => {
      const where = i < declared.length ? `${at}.contract.parameters[${i}]` : `${at}.path`;
      const r = resolveContractRef<Obj>(components, p, where);
      if (typeof r?.name !== 'string' || typeof r.in !== 'string' || !LOCATIONS.has(r.in)) return;
      const location = r.in as ParameterLocation;
      const name = location === 'path' ? r.name.replace(/\+$/, '') : r.name;
      const schema = r.schema as Obj | boolean | undefined;
      const description = typeof r.description === 'string' && r.description ? r.description : undefined;
      parameters.push({ in: location, name, required: location === 'path' || r.required === true, ...(schema !== undefined ? { schema } : {}), ...(description ? { description } : {}), where });
    });
  }
  let body: BodyCheck | undefined;
  if (parts.body && route.contract?.requestBody) {
    const where = `${at}.contract.requestBody`;
    const rb = resolveContractRef<Obj>(components, route.contract.requestBody, where);
    const content = (rb?.content ?? {}) as Record<string, Obj>;
    body = {
      required: rb?.required === true,
      content: Object.entries(content).map(([type, m]) => ({ type, ...(m?.schema !== undefined ? { schema: m.schema as Obj | boolean } : {}), where: `${where}.content[${JSON.stringify(type)}]` })),
      where,
    };
  }
  return { parts, parameters, ...(body ? { body } : {}) };
}

/** A JSON media type (`application/json`, `*\/*+json`): the body is parsed and checked as JSON. */
export function isJsonMediaType(type: string): boolean {
  const t = type.split(';')[0].trim().toLowerCase();
  return t === 'application/json' || /^[a-z*]+\/[^/]*\+json$/.test(t);
}

/** Whether a declared media type or range matches a request's `Content-Type`. */
export function mediaTypeMatches(declared: string, contentType: string): boolean {
  const [dt, ds] = declared.split(';')[0].trim().toLowerCase().split('/');
  const [ct, cs] = contentType.split(';')[0].trim().toLowerCase().split('/');
  if (!ct || cs === undefined) return false;
  return (dt === '*' || dt === ct) && (ds === '*' || ds === cs);
}

/**
 * The names of the component schemas `schema` reaches through `$ref`s (transitively), sorted. A
 * reference that names nothing is skipped (validation reported it).
 */
export function schemaClosure(components: ComponentsSpec | undefined, schemas: unknown[]): string[] {
  const seen = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    if (isRefObject(v)) {
      const c = componentOf(v.$ref);
      if (c?.kind === 'schemas' && !seen.has(c.name) && components?.schemas?.[c.name] !== undefined) {
        seen.add(c.name);
        visit(components.schemas[c.name]);
      }
    }
    for (const [k, x] of Object.entries(v)) if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'example' && k !== 'examples') visit(x);
  };
  schemas.forEach(visit);
  return [...seen].sort();
}
