/**
 * The contract as a developer portal reads it: the exported document (export.ts) without the
 * gateway policy (`x-anygate`: backends, limits and credentials' places are the operator's, not the
 * API consumer's), in the OpenAPI version the portal reads. Apigee's integrated portal and API hub
 * read OpenAPI 3.0, so a 3.0 document has every schema converted by lib/model/schema-dialects.ts
 * (what 3.0 cannot say is left out: the document describes, it does not validate).
 */
import { toDialect } from '../model/schema-dialects';
import type { GatewaySpec } from '../model/types';
import { exportOpenApi } from './export';

type Obj = Record<string, unknown>;

export interface PortalOptions {
  /** The OpenAPI version the portal reads. @default '3.1' */
  readonly openapi?: '3.0' | '3.1';
  /** Only the routes of this API version (see exportOpenApi). @default - every route */
  readonly version?: string;
}

/** Keys whose values are data (examples, defaults), never walked for schemas. */
const DATA = new Set(['example', 'examples', 'default', 'enum', 'const']);

/** `v` without the `x-anygate` extension at any depth (`x-anygate-any-method` and others stay). */
function withoutPolicy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutPolicy);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v as Obj).filter(([k]) => k !== 'x-anygate').map(([k, x]) => [k, DATA.has(k) ? x : withoutPolicy(x)]));
}

/** Every `schema` (parameters, media types, headers) in OpenAPI 3.0's Schema Object. */
function schemasTo30(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(schemasTo30);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, k === 'schema' ? toDialect(x, 'openapi-3.0').schema : DATA.has(k) || k.startsWith('x-') ? x : schemasTo30(x)]));
}

/** The document a developer portal publishes for `spec`. */
export function portalDocument(spec: GatewaySpec, options: PortalOptions = {}): Obj {
  const doc = withoutPolicy(exportOpenApi(spec, { version: options.version })) as Obj;
  if (options.openapi !== '3.0') return doc;
  const { components, ...rest } = doc as { components?: Obj };
  const out = { ...(schemasTo30(rest) as Obj), openapi: '3.0.3' };
  if (!components) return out;
  const { schemas, ...others } = components as { schemas?: Obj };
  return {
    ...out,
    components: { ...(schemasTo30(others) as Obj), ...(schemas ? { schemas: Object.fromEntries(Object.entries(schemas).map(([n, s]) => [n, toDialect(s, 'openapi-3.0').schema])) } : {}) },
  };
}
