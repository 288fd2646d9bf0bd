/**
 * The API contract: a documentation layer beside the gateway policy. Per route the OpenAPI
 * operation's summary, operationId, parameters, request body, responses and deprecation; per gateway
 * the shared components they reference. Parts are OpenAPI 3.1 objects (schemas are JSON Schema
 * 2020-12), kept as written: a `$ref` stays a reference (`#/components/schemas/Pet`), resolved on
 * demand by {@link resolveContractRef}, which names where a broken one is used.
 *
 * The contract never changes what a gateway does with a request, except where a route opts in to
 * `validation: { contract: ... }` (lib/model/contract-validation.ts).
 */
import { z } from 'zod';
import type { SpecIssue } from './errors';
import type { PathSegment } from './path';

type Obj = Record<string, unknown>;

const JsonObject = z.record(z.string(), z.unknown());

/** The kinds of shared components a contract may reference. */
export const COMPONENT_KINDS = ['schemas', 'parameters', 'responses', 'requestBodies', 'headers', 'examples'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

export const RouteContract = z
  .strictObject({
    summary: z.string().optional().meta({ description: 'A short summary of the operation (OpenAPI `summary`). Default: none.' }),
    operationId: z.string().min(1).optional().meta({ description: "The document's operationId when it differs from the route id (real documents use characters a route id cannot). Default: the route id." }),
    parameters: z.array(JsonObject).optional().meta({ description: 'OpenAPI Parameter Objects (`in`, `name`, `required`, `schema`, `style`, `explode`, `examples`...) or `{ $ref: "#/components/parameters/..." }`. Path parameters the path implies (`{ in: path, required: true, schema: { type: string } }`) need not be written.', default: [] }),
    requestBody: JsonObject.optional().meta({ description: 'An OpenAPI Request Body Object (`content` by media type, each with a JSON `schema` and examples) or a `$ref` to components.requestBodies. Default: none.' }),
    responses: z.record(z.string().regex(/^(default|[1-5](?:[0-9]{2}|XX))$/, { message: 'must be a status code (200), a range (2XX) or default' }), JsonObject).optional().meta({ description: 'OpenAPI Response Objects by status code (`description`, `headers`, `content`), or `$ref`s to components.responses. Default: one `default` response, the backend response.' }),
    deprecated: z.boolean().optional().meta({ description: 'The operation is deprecated.', default: false }),
    externalDocs: JsonObject.optional().meta({ description: 'An OpenAPI External Documentation Object. Default: none.' }),
  })
  .describe('The OpenAPI operation this route publishes: documentation for portals and client generators, and what `validation.contract` enforces.');

const ComponentMap = (kind: ComponentKind, note = '') =>
  z
    .record(z.string().regex(/^[A-Za-z0-9._-]+$/, { message: 'component names: letters, digits, ., _ and - (OpenAPI)' }), z.union([JsonObject, z.boolean()]))
    .optional()
    .meta({ description: `Shared ${kind}${note} by name, referenced as \`#/components/${kind}/<name>\`.`, default: {} });

export const Components = z
  .strictObject({
    schemas: ComponentMap('schemas', ' (JSON Schema 2020-12, as in OpenAPI 3.1)'),
    parameters: ComponentMap('parameters'),
    responses: ComponentMap('responses'),
    requestBodies: ComponentMap('requestBodies'),
    headers: ComponentMap('headers'),
    examples: ComponentMap('examples'),
  })
  .describe('Shared contract parts (OpenAPI components) that routes reference with `$ref`.');

export type RouteContractSpec = z.output<typeof RouteContract>;
export type ComponentsSpec = z.output<typeof Components>;

const REF = /^#\/components\/(schemas|parameters|responses|requestBodies|headers|examples)\/([^/]+)((?:\/[^/]*)*)$/;

const unescape = (s: string) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~');

export function isRefObject(v: unknown): v is { $ref: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Obj).$ref === 'string';
}

/**
 * The component a local `$ref` names (`#/components/<kind>/<name>`, or a pointer inside one such as
 * `#/components/schemas/Tag/allOf/0`), or undefined when it is no such reference.
 */
export function componentOf(ref: string): { kind: ComponentKind; name: string; inside: string[] } | undefined {
  const m = REF.exec(ref);
  return m ? { kind: m[1] as ComponentKind, name: unescape(m[2]), inside: m[3] ? m[3].slice(1).split('/').map(unescape) : [] } : undefined;
}

/** What a component reference points at, or undefined. */
function target(components: ComponentsSpec | undefined, c: { kind: ComponentKind; name: string; inside: string[] }): unknown {
  let v: unknown = components?.[c.kind]?.[c.name];
  for (const k of c.inside) v = v !== null && typeof v === 'object' ? (v as Obj)[k] : undefined;
  return v;
}

/**
 * `value` with its top-level `$ref` chain followed through `components`. Throws an Error naming
 * `where` (a spec path) and the reference when it points at nothing or is cyclic.
 */
export function resolveContractRef<T = unknown>(components: ComponentsSpec | undefined, value: unknown, where: string): T {
  const seen: string[] = [];
  let v = value;
  while (isRefObject(v)) {
    const c = componentOf(v.$ref);
    if (!c) throw new Error(`${where}: $ref ${JSON.stringify(v.$ref)} must point at #/components/<kind>/<name>`);
    if (seen.includes(v.$ref)) throw new Error(`${where}: $ref ${JSON.stringify(v.$ref)} is cyclic (${[...seen, v.$ref].join(' -> ')})`);
    seen.push(v.$ref);
    const t = target(components, c);
    if (t === undefined) throw new Error(`${where}: $ref ${JSON.stringify(v.$ref)} points at nothing in components.${c.kind}`);
    v = t;
  }
  return v as T;
}

/** Every `$ref` string under `value`, with its spec path. */
export function refsUnder(value: unknown, path: (string | number)[], out: { ref: string; path: (string | number)[] }[] = [], names = false): typeof out {
  if (Array.isArray(value)) value.forEach((v, i) => refsUnder(v, [...path, i], out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (names) refsUnder(v, [...path, k], out);
      else if (k === '$ref' && typeof v === 'string') out.push({ ref: v, path });
      // Examples are data, not schema: a `$ref` key inside one is the example's own content. Under
      // `properties` (a map of names) a key is a property name, never a keyword.
      else if (!DATA_KEYS.has(k)) refsUnder(v, [...path, k], out, NAME_MAPS.has(k));
    }
  }
  return out;
}

const DATA_KEYS = new Set(['example', 'value', 'const', 'default', 'enum']);
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'schemas', 'parameters', 'responses', 'requestBodies', 'headers', 'examples', 'content']);

/** Located errors for every `$ref` under a route's contract or the components that names nothing. */
export function contractRefIssues(components: ComponentsSpec | undefined, value: unknown, path: (string | number)[], issues: SpecIssue[]): void {
  for (const { ref, path: at } of refsUnder(value, path)) {
    const c = componentOf(ref);
    if (!c) issues.push({ path: at, rule: 'contract-ref', message: `$ref ${JSON.stringify(ref)} must point at #/components/<kind>/<name> (kind: ${COMPONENT_KINDS.join(', ')}); side files and remote documents are read by import, not by the model`, severity: 'error' });
    else if (target(components, c) === undefined) issues.push({ path: at, rule: 'contract-ref', message: `$ref ${JSON.stringify(ref)} points at nothing: add components.${c.kind}.${c.name}${c.inside.length ? ` (with ${c.inside.join('/')} inside it)` : ''}`, severity: 'error' });
  }
}

/** What a route's policy already says about its contract; export writes these when the contract does not. */
export interface ImpliedContract {
  readonly parameters: Obj[];
  readonly requestBody?: Obj;
  readonly responses: Obj;
}

/** The one response an operation without declared responses publishes. */
export const IMPLIED_RESPONSES: Obj = { default: { description: 'The backend response' } };

/**
 * The parameters and body a route's path and `validation` imply: every path parameter (a string,
 * required), required query parameters and headers, and the validated JSON body.
 */
export function impliedContract(segments: readonly PathSegment[], validation: { requiredQuery?: string[]; requiredHeaders?: string[]; bodySchema?: Obj } | undefined): ImpliedContract {
  const parameters: Obj[] = segments.flatMap((s) => (s.kind === 'param' ? [{ name: s.greedy ? `${s.name}+` : s.name, in: 'path', required: true, schema: { type: 'string' } }] : []));
  for (const q of validation?.requiredQuery ?? []) parameters.push({ name: q, in: 'query', required: true, schema: { type: 'string' } });
  for (const h of validation?.requiredHeaders ?? []) parameters.push({ name: h, in: 'header', required: true, schema: { type: 'string' } });
  const requestBody = validation?.bodySchema ? { required: true, content: { 'application/json': { schema: validation.bodySchema } } } : undefined;
  return { parameters, ...(requestBody ? { requestBody } : {}), responses: IMPLIED_RESPONSES };
}

/** Order-independent deep equality of JSON values (object key order aside). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => jsonEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a).filter((k) => (a as Obj)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Obj)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Obj)[k], (b as Obj)[k]));
}

/**
 * The contract without what the route's policy implies (so writing the implied parts, or importing a
 * document that has them, gives the same spec as leaving them out); undefined when nothing is left.
 */
export function normalizeContract(contract: RouteContractSpec | undefined, implied: ImpliedContract): RouteContractSpec | undefined {
  if (!contract) return undefined;
  const parameters = contract.parameters?.filter((p) => !implied.parameters.some((i) => jsonEqual(i, p)));
  const out: RouteContractSpec = {
    ...contract,
    parameters: parameters?.length ? parameters : undefined,
    requestBody: contract.requestBody && implied.requestBody && jsonEqual(contract.requestBody, implied.requestBody) ? undefined : contract.requestBody,
    responses: contract.responses && jsonEqual(contract.responses, implied.responses) ? undefined : contract.responses,
    deprecated: contract.deprecated || undefined,
  };
  return Object.values(out).some((v) => v !== undefined) ? out : undefined;
}

/** A parameter's identity (`query:limit`), its `$ref` followed; undefined when it cannot be read. */
export function parameterKey(components: ComponentsSpec | undefined, p: unknown): string | undefined {
  try {
    const r = resolveContractRef<Obj>(components, p, 'parameter');
    if (typeof r?.in !== 'string' || typeof r.name !== 'string') return undefined;
    // `{proxy+}` is declared as `proxy` (API Gateway's convention) or `proxy+`: one parameter.
    return `${r.in}:${r.in === 'header' ? r.name.toLowerCase() : r.in === 'path' ? r.name.replace(/\+$/, '') : r.name}`;
  } catch {
    return undefined;
  }
}

/**
 * The operation parts a route publishes: its contract's, completed by what its policy implies
 * (a path parameter the contract does not declare, the validated body, the backend response).
 */
export function publishedContract(components: ComponentsSpec | undefined, contract: RouteContractSpec | undefined, implied: ImpliedContract): { parameters: Obj[]; requestBody?: Obj; responses: Obj } {
  const declared = contract?.parameters ?? [];
  const names = new Set(declared.map((p) => parameterKey(components, p)));
  const parameters = [...declared, ...implied.parameters.filter((p) => !names.has(parameterKey(components, p)))];
  const requestBody = contract?.requestBody ?? implied.requestBody;
  return { parameters, ...(requestBody ? { requestBody } : {}), responses: contract?.responses ?? implied.responses };
}
