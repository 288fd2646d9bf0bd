/**
 * OpenAPI 3.0/3.1 and Swagger 2.0 -> gateway input. $refs (local and relative files) are resolved by
 * @apidevtools/swagger-parser; only what a gateway needs is read, leniently: real documents are
 * messy (numeric versions, BOMs, integer response codes), and what cannot be read is said with the
 * JSON pointer of the problem.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import * as path from 'node:path';
import { AnygateError, SpecValidationError, type SpecIssue } from '../model/errors';
import { isSafeName, toSafeName, uniqueName } from '../model/names';
import { parsePath, pathShape } from '../model/path';
import type { AuthorizerInput, BackendInput, GatewayInput, RouteInput } from '../model/schema';

export const ANY_METHOD_KEYS = ['x-anygate-any-method', 'x-amazon-apigateway-any-method'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Obj = Record<string, any>;

/** A JSON pointer: `#/paths/~1pets~1{id}/get`. */
export function pointer(...parts: (string | number)[]): string {
  return '#/' + parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

export interface ImportResult {
  readonly input: GatewayInput;
  readonly warnings: SpecIssue[];
}

export interface ImportOptions {
  /** Gateway name. @default - from info.title */
  readonly name?: string;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function serverUrl(server: Obj): string | undefined {
  if (!isObj(server) || typeof server.url !== 'string') return undefined;
  return server.url.replace(/\{([^}]+)\}/g, (m: string, v: string) => {
    const d = server.variables?.[v]?.default;
    return typeof d === 'string' ? d : m;
  });
}

/** Imports a parsed OpenAPI or Swagger document. `file` anchors relative $refs and messages. */
export async function importOpenApi(raw: Obj, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const warnings: SpecIssue[] = [];
  const warn = (ptr: string, message: string) => warnings.push({ path: [], file: `${file}${ptr}`, message, severity: 'warning' });
  const doc: Obj = structuredClone(raw);
  const swagger2 = doc.swagger !== undefined;
  if (swagger2 && typeof doc.swagger !== 'string') {
    warn(pointer('swagger'), `swagger is written as a number (${doc.swagger}); read as "2.0"`);
    doc.swagger = '2.0';
  }
  if (!swagger2 && typeof doc.openapi !== 'string') throw new AnygateError(`${file}${pointer('openapi')}: must be a version string such as "3.1.0"`);
  if (!swagger2 && !/^3\.[01]\./.test(doc.openapi)) throw new AnygateError(`${file}${pointer('openapi')}: OpenAPI ${doc.openapi} is not supported; use 3.0, 3.1 or Swagger 2.0`);
  if (!isObj(doc.info)) warn(pointer('info'), 'the document has no info object');
  let $refs: { get(ref: string): unknown };
  try {
    $refs = (await SwaggerParser.resolve(path.resolve(file), doc as never, { resolve: { external: true } })) as never;
  } catch (e) {
    throw new AnygateError(`${file}: a $ref cannot be resolved: ${(e as Error).message.split('\n')[0]}`);
  }
  const deref = (v: unknown, where: string, seen: string[] = []): any => {
    if (!isObj(v) || typeof v.$ref !== 'string') return v;
    if (seen.includes(v.$ref)) throw new AnygateError(`${file}${where}: $ref ${v.$ref} is cyclic (${[...seen, v.$ref].join(' -> ')})`);
    let target: unknown;
    try {
      target = $refs.get(v.$ref);
    } catch (e) {
      throw new AnygateError(`${file}${where}: $ref ${JSON.stringify(v.$ref)} cannot be resolved: ${(e as Error).message.split('\n')[0]}`);
    }
    if (target === undefined) throw new AnygateError(`${file}${where}: $ref ${JSON.stringify(v.$ref)} points at nothing`);
    return deref(target, where, [...seen, v.$ref]);
  };

  const ext: Obj = isObj(doc['x-anygate']) ? doc['x-anygate'] : {};
  const title = typeof doc.info?.title === 'string' ? doc.info.title : path.basename(file).replace(/\.[^.]+$/, '');
  const name = options.name ?? ext.name ?? toSafeName(title, 'api').toLowerCase();

  // Servers: the default backend, plus one per distinct path- or operation-level server.
  const backends: Record<string, BackendInput> = { ...(isObj(ext.backends) ? ext.backends : {}) };
  let basePath = '/';
  const backendFor = new Map<string, string>();
  const addServer = (url: string | undefined, ptr: string, preferred?: string): string | undefined => {
    if (!url) return undefined;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      warn(ptr, `server URL ${JSON.stringify(url)} is not absolute; ignored`);
      return undefined;
    }
    if (u.protocol === 'http:' && !['localhost', '127.0.0.1'].includes(u.hostname)) {
      warn(ptr, `server ${url} uses http; anygate calls backends over https, so https://${u.host} is used`);
      u = new URL(`https://${u.host}${u.pathname}`);
    }
    const base = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
    const existing = backendFor.get(base);
    if (existing) return existing;
    const id = uniqueName(preferred ?? toSafeName(u.hostname.split('.')[0] || 'api', 'server').toLowerCase(), new Set(Object.keys(backends)));
    if (!backends[id]) backends[id] = { type: 'http', url: base };
    backendFor.set(base, id);
    return id;
  };
  let defaultBackend: string | undefined = ext.defaults?.backend;
  // An x-anygate backends map (an anygate export, say) is the whole truth about backends.
  if (!defaultBackend && !isObj(ext.backends)) {
    if (swagger2) {
      basePath = typeof doc.basePath === 'string' ? doc.basePath : '/';
      const scheme = Array.isArray(doc.schemes) && doc.schemes.includes('https') ? 'https' : (doc.schemes?.[0] ?? 'https');
      if (typeof doc.host === 'string') defaultBackend = addServer(`${scheme}://${doc.host}${basePath === '/' ? '' : basePath}`, pointer('host'), 'api');
    } else if (Array.isArray(doc.servers) && doc.servers.length) {
      const url = serverUrl(doc.servers[0]);
      try {
        basePath = new URL(url ?? '', 'https://placeholder.invalid').pathname.replace(/\/+$/, '') || '/';
      } catch {
        basePath = '/';
      }
      defaultBackend = addServer(url, pointer('servers', 0, 'url'), 'api');
      if (doc.servers.length > 1) warn(pointer('servers'), `${doc.servers.length} servers are listed; the first (${url}) is the backend, the others are ignored`);
    }
    if (!defaultBackend) {
      warn(pointer(swagger2 ? 'host' : 'servers'), 'the document names no server; backend "api" points at https://backend.invalid: set backends.api.url');
      defaultBackend = 'api';
      backends.api ??= { type: 'http', url: 'https://backend.invalid' };
    }
  }
  if (ext.basePath) basePath = ext.basePath;
  else if (isObj(ext.backends) && !swagger2 && Array.isArray(doc.servers) && typeof doc.servers[0]?.url === 'string') {
    basePath = new URL(doc.servers[0].url, 'https://placeholder.invalid').pathname.replace(/\/+$/, '') || '/';
  }

  // Security schemes -> authorizers.
  const schemes: Obj = (swagger2 ? doc.securityDefinitions : doc.components?.securitySchemes) ?? {};
  const authorizers: Record<string, AuthorizerInput> = { ...(isObj(ext.authorizers) ? ext.authorizers : {}) };
  const schemeAuthorizer = new Map<string, string>();
  for (const sName of Object.keys(schemes).sort()) {
    const ptr = pointer(swagger2 ? 'securityDefinitions' : 'components', ...(swagger2 ? [sName] : ['securitySchemes', sName]));
    const s = deref(schemes[sName], ptr);
    const id = isSafeName(sName) ? sName : uniqueName(toSafeName(sName, 'auth').toLowerCase(), new Set(Object.keys(authorizers).filter((k) => !isObj(ext.authorizers) || !(k in ext.authorizers))));
    schemeAuthorizer.set(sName, id);
    if (authorizers[id]) continue; // x-anygate says how
    const placeholderJwt = (issuer: string | undefined, why: string): AuthorizerInput => {
      if (!issuer) warn(ptr, `${why}: the issuer and audience are not in the document; set them under x-anygate.authorizers.${id} (placeholders used)`);
      return { type: 'jwt', issuer: issuer ?? 'https://issuer.invalid/', audiences: [name] };
    };
    const type = s?.type;
    if (type === 'apiKey' && (s.in === 'header' || s.in === 'query')) authorizers[id] = { type: 'apiKey', in: s.in, name: s.name };
    else if (type === 'openIdConnect' && typeof s.openIdConnectUrl === 'string') {
      authorizers[id] = { type: 'jwt', issuer: s.openIdConnectUrl.replace(/\/\.well-known\/openid-configuration$/, ''), audiences: [name] };
      warn(ptr, `OpenID Connect: the audience is not in the document; "${name}" is used (set x-anygate.authorizers.${id}.audiences)`);
    } else if (type === 'http' && String(s.scheme).toLowerCase() === 'bearer') authorizers[id] = placeholderJwt(undefined, 'http bearer');
    else if (type === 'oauth2') authorizers[id] = placeholderJwt(undefined, 'oauth2');
    else {
      // Never drop a security requirement: an authorizer that needs a function keeps the route closed.
      const what = type === 'apiKey' ? `apiKey in ${s.in}` : type === 'http' ? `http ${s.scheme}` : String(type);
      authorizers[id] = { type: 'custom', binding: toSafeName(`${id}-check`).toLowerCase() };
      warn(ptr, `${what} is not supported by the clouds' gateways; it becomes custom authorizer ${id}, which needs a function binding ${authorizers[id].type === 'custom' ? (authorizers[id] as { binding: string }).binding : ''} before any target can synthesize`);
    }
  }

  const globalSecurity = swagger2 || Array.isArray(doc.security) ? doc.security : undefined;
  if (!Object.keys(schemes).length && !globalSecurity) warn(pointer('security'), 'the document declares no security: its routes are public (auth: none)');

  const authOf = (security: unknown, ptr: string): { auth: RouteInput['auth']; scopes: string[] } => {
    if (!Array.isArray(security)) return { auth: 'none', scopes: [] };
    if (security.length === 0) return { auth: 'none', scopes: [] };
    const alts: string[][] = [];
    const scopes = new Set<string>();
    security.forEach((req: unknown, i: number) => {
      if (!isObj(req)) return;
      const names = Object.keys(req).sort();
      if (names.length === 0) {
        warn(`${ptr}/${i}`, 'an empty requirement makes authentication optional; anygate keeps the other alternatives required');
        return;
      }
      const alt: string[] = [];
      for (const n of names) {
        const a = schemeAuthorizer.get(n);
        if (!a) throw new AnygateError(`${file}${ptr}/${i}: security scheme ${JSON.stringify(n)} is not defined`);
        alt.push(a);
        if (Array.isArray(req[n])) for (const s of req[n]) if (typeof s === 'string') scopes.add(s);
      }
      alts.push(alt);
    });
    if (alts.length === 0) return { auth: 'none', scopes: [] };
    if (scopes.size > 0) {
      // The model's scopes hold for every alternative. Keeping only the alternatives that can check
      // them is stricter than the document, never weaker.
      const jwtAlts = alts.filter((alt) => alt.some((n) => authorizers[n]?.type === 'jwt'));
      if (jwtAlts.length && jwtAlts.length < alts.length) {
        const dropped = alts.filter((a) => !jwtAlts.includes(a)).map((a) => a.join('+'));
        warn(ptr, `scopes apply to every alternative in anygate, so ${dropped.join(', ')} (which cannot check scopes) is not accepted on this route; callers must use ${jwtAlts.map((a) => a.join('+')).join(' or ')}`);
        alts.splice(0, alts.length, ...jwtAlts);
      }
    }
    return { auth: alts.length === 1 && alts[0].length === 1 ? alts[0][0] : alts.map((a) => (a.length === 1 ? a[0] : a)), scopes: [...scopes].sort() };
  };

  const routes: RouteInput[] = [];
  const takenIds = new Set<string>();
  const seen = new Map<string, string>();
  const paths: Obj = isObj(doc.paths) ? doc.paths : {};
  for (const p of Object.keys(paths)) {
    const itemPtr = pointer('paths', p);
    const item = deref(paths[p], itemPtr);
    if (!isObj(item)) continue;
    let routePath = p.replace(/(.)\/+$/, '$1');
    if (routePath !== p) warn(itemPtr, `trailing slash dropped: ${routePath}`);
    const parsed = parsePath(routePath);
    if (!parsed.ok) {
      warn(itemPtr, `path ${JSON.stringify(p)} cannot be routed (${parsed.message}); its operations are skipped`);
      continue;
    }
    const pathExt: Obj = isObj(item['x-anygate']) ? item['x-anygate'] : {};
    const pathServers = Array.isArray(item.servers) ? item.servers : undefined;
    const entries: [string, string][] = [...METHODS.filter((m) => isObj(item[m])).map((m) => [m, m] as [string, string]), ...ANY_METHOD_KEYS.filter((k) => isObj(item[k])).map((k) => [k, 'ANY'] as [string, string])];
    for (const [key, m] of entries) {
      const opPtr = `${itemPtr}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const op: Obj = item[key];
      const method = m === 'ANY' ? 'ANY' : m.toUpperCase();
      const shape = `${method} ${pathShape(parsed.segments)}`;
      const clash = seen.get(shape);
      if (clash) throw new SpecValidationError([{ path: [], file: `${file}${opPtr}`, message: `${method} ${routePath} matches the same requests as ${clash}; the paths differ only in parameter names. Merge them or rename one`, severity: 'error' }]);
      seen.set(shape, `${pointer('paths', p)}/${key}`);
      const opExt: Obj = isObj(op['x-anygate']) ? op['x-anygate'] : {};
      let id = typeof op.operationId === 'string' ? toSafeName(op.operationId, 'op') : toSafeName(`${method.toLowerCase()} ${routePath === '/' ? 'root' : routePath}`, 'route').toLowerCase();
      if (typeof op.operationId === 'string' && id !== op.operationId) warn(`${opPtr}/operationId`, `operationId ${JSON.stringify(op.operationId)} is not a safe name; the route id is ${id}`);
      if (takenIds.has(id.toLowerCase())) {
        const unique = uniqueName(id, takenIds, true);
        warn(`${opPtr}/operationId`, `operationId ${JSON.stringify(op.operationId ?? id)} is used twice; this route's id is ${unique}`);
        id = unique;
      }
      takenIds.add(id.toLowerCase());
      const security = op.security !== undefined ? op.security : globalSecurity;
      const { auth, scopes } = authOf(security, op.security !== undefined ? `${opPtr}/security` : pointer('security'));
      let backend = opExt.backend ?? pathExt.backend;
      const opServers = Array.isArray(op.servers) ? op.servers : pathServers;
      if (!backend && opServers?.length) backend = addServer(serverUrl(opServers[0]), `${opPtr}/servers/0/url`);
      const route: RouteInput = {
        id,
        method: method as RouteInput['method'],
        path: routePath,
        ...(backend && backend !== defaultBackend ? { backend } : {}),
        auth,
        ...(scopes.length ? { scopes } : {}),
        ...((op.description || op.summary) && typeof (op.description || op.summary) === 'string' ? { description: String(op.description || op.summary) } : {}),
        ...(Array.isArray(op.tags) && op.tags.length ? { tags: op.tags.map(String) } : {}),
        ...pathExt,
        ...opExt,
      };
      delete (route as Obj).backend;
      const b = opExt.backend ?? pathExt.backend ?? (backend && backend !== defaultBackend ? backend : undefined);
      if (b) route.backend = b;
      routes.push(route);
    }
  }
  if (routes.length === 0) warn(pointer('paths'), 'the document has no operations');

  const rest = Object.fromEntries(Object.entries(ext).filter(([k]) => !['authorizers', 'backends', 'name', 'basePath', 'defaults'].includes(k)));
  const extDefaults = ext.defaults;
  const input: GatewayInput = {
    name,
    ...(typeof doc.info?.version === 'string' ? { version: doc.info.version } : {}),
    ...(basePath !== '/' ? { basePath } : {}),
    ...(typeof doc.info?.description === 'string' && doc.info.description ? { description: doc.info.description } : {}),
    backends,
    ...(Object.keys(authorizers).length ? { authorizers } : {}),
    ...(defaultBackend || isObj(extDefaults) ? { defaults: { ...(isObj(extDefaults) ? extDefaults : {}), ...(defaultBackend ? { backend: defaultBackend } : {}) } } : {}),
    routes,
    ...rest,
  };
  return { input, warnings };
}
