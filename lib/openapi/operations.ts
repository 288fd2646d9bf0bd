/**
 * Path items and operations -> route candidates (no ids yet: collisions are merged first, so a
 * merged operation never takes an id).
 */
import { parsePath, pathShape } from '../model/path';
import type { RouteInput } from '../model/schema';
import { isObj, pointer, type ImportContext, type Obj } from './context';
import { enforcedBy, type ContractReader } from './contract';
import { refMessage } from './refs';
import { authOf, type Security } from './security';
import { serverUrl, type Servers } from './servers';

export const ANY_METHOD_KEYS = ['x-anygate-any-method', 'x-amazon-apigateway-any-method'];
/** The operation keys of an OpenAPI path item, in the specification's order. */
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** The parts of an operation or path item anygate reads; a schema problem there makes it unreadable. */
const READ_KEYS = ['security', 'servers', 'x-anygate', 'operationId'];

/** One operation on its way to a route. */
export interface Candidate {
  /** The route without its id. */
  readonly route: Omit<RouteInput, 'id'>;
  readonly operationId?: string;
  readonly method: string;
  readonly path: string;
  /** JSON pointer of the operation. */
  readonly where: string;
  /** What a gateway matches: method and the path with parameter names erased. */
  readonly shape: string;
  /** No security of its own or global, in a document that has security schemes. */
  readonly implicitPublic: boolean;
}

function escapeKey(k: string): string {
  return k.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The first schema problem in a part anygate reads of `where` (an operation or path item). */
function readProblem(ctx: ImportContext, where: string) {
  return READ_KEYS.flatMap((k) => ctx.problemsUnder(`${where}/${k}`))[0];
}

function description(op: Obj): string | undefined {
  const d = op.description;
  return typeof d === 'string' && d ? d : undefined;
}

interface PathContext {
  readonly routePath: string;
  readonly shapePath: string;
  readonly item: Obj;
  readonly itemPtr: string;
  /** The file the path item was read from (its relative `$ref`s are read beside it). */
  readonly file: string;
}

function candidate(ctx: ImportContext, sec: Security, servers: Servers, pc: PathContext, key: string, contracts?: ContractReader): Candidate | undefined {
  const { item, itemPtr, routePath } = pc;
  const where = `${itemPtr}/${escapeKey(key)}`;
  const op: Obj = item[key];
  const method = ANY_METHOD_KEYS.includes(key) ? 'ANY' : key.toUpperCase();
  const label = `${method} ${routePath}${typeof op.operationId === 'string' ? ` (${op.operationId})` : ''}`;
  const { 'skip': skip, ...opExt }: Obj = isObj(op['x-anygate']) ? op['x-anygate'] : {};
  if (skip === true) {
    ctx.warn('skipped-on-purpose', where, `${label} is skipped: x-anygate.skip is true`);
    return undefined;
  }
  const problem = readProblem(ctx, where);
  if (problem) {
    ctx.skip(where, label, problem);
    return undefined;
  }
  const globalSecurity = ctx.swagger2 || Array.isArray(ctx.doc.security) ? ctx.doc.security : undefined;
  const own = op.security !== undefined;
  const a = authOf(ctx, sec, own ? op.security : globalSecurity, own ? `${where}/security` : pointer('security'));
  if ('error' in a) {
    if (ctx.lenient) ctx.skip(where, label, a.error);
    else if (!a.unreadable) ctx.fail(where, `${label}: ${a.error}`);
    return undefined;
  }
  const pathExt: Obj = isObj(item['x-anygate']) ? item['x-anygate'] : {};
  const { backend: extBackend, ...ext }: Obj = { ...pathExt, ...opExt };
  const opServers = Array.isArray(op.servers) ? op.servers : Array.isArray(item.servers) ? item.servers : undefined;
  const serverBackend = !extBackend && opServers?.length ? servers.add(serverUrl(opServers[0]), `${where}/servers/0/url`) : undefined;
  const backend = extBackend ?? (serverBackend !== servers.defaultBackend ? serverBackend : undefined);
  const desc = description(op);
  const contract = contracts?.operation(item, op, where, itemPtr, pc.file, enforcedBy(ext.validation, label));
  const unchecked = contracts?.takeEnforcedProblem();
  if (unchecked) {
    ctx.skip(where, label, unchecked);
    return undefined;
  }
  const route: Omit<RouteInput, 'id'> = {
    method: method as RouteInput['method'],
    path: routePath,
    auth: a.auth,
    ...(a.scopes.length ? { scopes: a.scopes } : {}),
    ...(desc ? { description: desc } : {}),
    ...(Array.isArray(op.tags) && op.tags.length ? { tags: op.tags.map(String) } : {}),
    ...(contract ? { contract } : {}),
    ...ext,
    ...(backend ? { backend } : {}),
  };
  const implicitPublic = sec.hasSchemes && !own && globalSecurity === undefined;
  return { route, operationId: typeof op.operationId === 'string' ? op.operationId : undefined, method, path: routePath, where, shape: `${method} ${pc.shapePath}`, implicitPublic };
}

function pathItem(ctx: ImportContext, p: string, raw: unknown): PathContext | undefined {
  const itemPtr = pointer('paths', p);
  let item: unknown;
  let file = ctx.refs.root;
  try {
    ({ value: item, file } = ctx.refs.resolveFrom(raw, itemPtr, file));
  } catch (e) {
    if (ctx.lenient) ctx.skip(itemPtr, `path ${p}`, refMessage(e));
    else ctx.fail(itemPtr, refMessage(e));
    return undefined;
  }
  if (!isObj(item)) return undefined;
  const routePath = p.replace(/(.)\/+$/, '$1');
  if (routePath !== p) ctx.warn('document', itemPtr, `trailing slash dropped: ${routePath}`);
  const parsed = parsePath(routePath);
  if (!parsed.ok) {
    ctx.warn('skipped', itemPtr, `path ${JSON.stringify(p)} cannot be routed (${parsed.message}); its operations are skipped`);
    return undefined;
  }
  const problem = ctx.problemsUnder(`${itemPtr}/x-anygate`)[0] ?? ctx.problemsUnder(`${itemPtr}/servers`)[0];
  if (problem) {
    ctx.skip(itemPtr, `path ${p}`, problem);
    return undefined;
  }
  return { routePath, shapePath: pathShape(parsed.segments), item, itemPtr, file };
}

/** Every operation of the document as a candidate route, in document order. */
export function readOperations(ctx: ImportContext, sec: Security, servers: Servers, contracts?: ContractReader): Candidate[] {
  const out: Candidate[] = [];
  const paths: Obj = isObj(ctx.doc.paths) ? ctx.doc.paths : {};
  for (const p of Object.keys(paths)) {
    const pc = pathItem(ctx, p, paths[p]);
    if (!pc) continue;
    const keys = [...METHODS.filter((m) => isObj(pc.item[m])), ...ANY_METHOD_KEYS.filter((k) => isObj(pc.item[k]))];
    for (const key of keys) {
      const c = candidate(ctx, sec, servers, pc, key, contracts);
      if (c) out.push(c);
    }
  }
  return out;
}
