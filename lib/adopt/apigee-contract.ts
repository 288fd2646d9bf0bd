/**
 * The API contract an Apigee bundle publishes for the portal (`resources/oas/contract.json`, an
 * OpenAPI 3.0 document), or any OpenAPI document beside the gateway configuration (an APIOps
 * specification, an ARM API's inline definition: readOpenApiContract), read back into the spec: the document's components and, for each operation
 * whose method and path is a route the proxy's flows gave, its contract (summary, parameters,
 * request body, responses, deprecation), description and tags. The contract is read by the OpenAPI
 * importer's own reader (lib/openapi/contract.ts), so schemas come back in the model's OpenAPI 3.1
 * form exactly as `anygate import` reads a document.
 *
 * Only references inside the document are followed: a `$ref` to another file would be read from
 * disk beside a path that is not a folder of the user's here, so such a document is reported lost.
 */
import { COMPONENT_KINDS } from '../model/contract';
import { ContractReader } from '../openapi/contract';
import { ImportContext, pointer as documentPointer } from '../openapi/context';
import { ANY_METHOD_KEYS, METHODS } from '../openapi/operations';
import { externalRef, RefResolver } from '../openapi/refs';
import { obj, parseData } from './data';
import type { SpecDraft } from './draft';
import { pointer } from './findings';

type Json = Record<string, unknown>;

/** Why a contract document (or part) is not read back, and what to do. */
const BY_HAND = '`anygate import` of the file (without --from) reads it as a spec with its contract, to merge by hand';

/**
 * Reads `text` (the file `file` of the bundle) into `draft`: components, and per operation the
 * route's contract, description and tags. Operations with no route are reported lost.
 */
export function readApigeeContract(draft: SpecDraft, file: string, text: string): void {
  readOpenApiContract(draft, file, text, { unserved: 'no flow of the proxy serves' });
}

/** Where an OpenAPI document is and what its routes are called, for the report. */
export interface ContractSource {
  /** Why an operation has no route, before `METHOD path` (`no flow of the proxy serves`). */
  readonly unserved: string;
  /** Pointer of the document inside `file` (an ARM template's `properties/value`). @default '' (the whole file) */
  readonly base?: string;
  /** A file name whose extension says how to parse the text (`value.yaml`). @default file */
  readonly parseAs?: string;
}

/**
 * Reads an OpenAPI document (3.x or Swagger 2.0: an Apigee bundle's portal contract, an APIOps
 * `specification.yaml`, an ARM API's `value`) into `draft`: its components, and per operation whose
 * method and path is a route already read, that route's contract, description and tags.
 */
export function readOpenApiContract(draft: SpecDraft, file: string, text: string, source: ContractSource): void {
  const log = draft.log;
  const base = source.base ?? '';
  const parsed = parseData(text, source.parseAs ?? file);
  const doc = parsed.ok ? obj(parsed.docs[0]) : undefined;
  if (!doc || (typeof doc.openapi !== 'string' && doc.swagger === undefined) || !obj(doc.paths)) {
    log.lost(file, base, 'API contract', `${parsed.ok ? 'not an OpenAPI document' : parsed.error}; ${BY_HAND}`);
    return;
  }
  const outside = externalRef(doc);
  if (outside) {
    log.lost(file, base, 'API contract', `it refers to ${JSON.stringify(outside)}, outside the document, which this reader does not follow; ${BY_HAND}`);
    return;
  }
  const ctx = new ImportContext(doc, file, new RefResolver(doc, file), false, []);
  const reader = new ContractReader(ctx);
  reader.readComponents();
  const components = reader.result();
  if (components) {
    draft.components = { ...(draft.components ?? {}), ...components };
    const v2: Record<string, string> = { schemas: 'definitions', parameters: 'parameters', responses: 'responses' };
    for (const kind of COMPONENT_KINDS) for (const n of Object.keys(components[kind] ?? {})) log.mapped(file, base + pointer(ctx.swagger2 ? [v2[kind] ?? kind, n] : ['components', kind, n]), `contract component ${kind}/${n}`, `components.${kind}.${n}`);
  }
  for (const [path, rawItem] of Object.entries(obj(doc.paths)!)) {
    const item = obj(rawItem);
    if (!item) continue;
    const itemPtr = documentPointer('paths', path);
    for (const [key, rawOp] of Object.entries(item)) {
      const op = obj(rawOp);
      const method = ANY_METHOD_KEYS.includes(key) ? 'ANY' : (METHODS as readonly string[]).includes(key) ? key.toUpperCase() : undefined;
      if (!op || !method) continue;
      const where = documentPointer('paths', path, key);
      const i = draft.routeIndex(method, path.replace(/\/+$/, '') || '/');
      if (i === undefined) {
        log.lost(file, base + where.slice(1), `contract of ${method} ${path}`, `${source.unserved} ${method} ${path}; ${BY_HAND}`);
        continue;
      }
      const route = draft.routes[i]!;
      const contract: Json = { ...(reader.operation(item, op, where, itemPtr) ?? {}) };
      // The route id is published as the operationId unless the contract named its own.
      if (typeof op.operationId === 'string' && op.operationId !== route.id) contract.operationId = op.operationId;
      if (Object.keys(contract).length) route.contract = contract;
      if (typeof op.description === 'string' && op.description) route.description = op.description;
      if (Array.isArray(op.tags) && op.tags.length) route.tags = op.tags.map(String);
      log.mapped(file, base + where.slice(1), `contract of ${method} ${path}`, `routes[${i}].contract`);
    }
  }
  // What the reader could not keep (a broken local ref): a warning there, reported as lost.
  for (const w of ctx.warnings) log.lost(file, base + w.where.replace(/^#/, ''), 'contract part', `${w.message}; ${BY_HAND}`);
}
