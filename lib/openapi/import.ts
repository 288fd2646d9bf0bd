/**
 * OpenAPI 3.0/3.1 and Swagger 2.0 -> gateway input. The document is first validated against the
 * schema of its version; one with problems is refused (every problem with its JSON pointer) unless
 * `lenient`, which imports what can be imported and lists what was skipped. Only what a gateway
 * needs is read, and only `$ref`s there are followed. Every problem of one run is reported at once.
 */
import * as path from 'node:path';
import { AnygateError, SpecValidationError, type SpecIssue } from '../model/errors';
import { toSafeName } from '../model/names';
import { parsePath, pathParams, pathShape } from '../model/path';
import type { GatewayInput, RouteInput } from '../model/schema';
import { mergeCollisions } from './collisions';
import { ImportContext, isObj, pointer, type Obj } from './context';
import { ContractReader } from './contract';
import { validateDocument, type DocumentProblem } from './document-validation';
import { routeIds } from './ids';
import { ANY_METHOD_KEYS, METHODS, readOperations, type Candidate } from './operations';
import { RefResolver } from './refs';
import { readSecurity } from './security';
import { Servers } from './servers';
import { importWarning, mergeIdentical, type ImportWarning } from './warnings';

export { pointer } from './context';
export { ANY_METHOD_KEYS } from './operations';

export interface ImportResult {
  readonly input: GatewayInput;
  /** Every warning, with its kind and JSON pointer; `formatWarnings` groups them for people. */
  readonly warnings: ImportWarning[];
  /** Operations in the document, before skips and merges. */
  readonly operations: number;
}

export interface ImportOptions {
  /** Gateway name. @default - from info.title */
  readonly name?: string;
  /**
   * Import a document that is not valid for its OpenAPI/Swagger version: its problems become
   * warnings, and operations or security schemes whose read parts are broken are skipped (listed).
   * @default false (such a document is refused, every problem listed)
   */
  readonly lenient?: boolean;
}

/** Version checks a reader needs before anything else; a numeric `swagger: 2.0` is forgiven. */
function checkVersion(doc: Obj, file: string, warnings: ImportWarning[]): void {
  if (doc.swagger !== undefined) {
    if (typeof doc.swagger !== 'string') {
      warnings.push(importWarning('document', file, pointer('swagger'), `swagger is written as a number (${doc.swagger}); read as "2.0"`));
      doc.swagger = '2.0';
    }
    if (doc.swagger !== '2.0') throw new AnygateError(`${file}${pointer('swagger')}: Swagger ${doc.swagger} is not supported; use 2.0, or OpenAPI 3.0 or 3.1`);
    return;
  }
  if (typeof doc.openapi !== 'string') throw new AnygateError(`${file}${pointer('openapi')}: must be a version string such as "3.1.0"`);
  if (!/^3\.[01]\./.test(doc.openapi)) throw new AnygateError(`${file}${pointer('openapi')}: OpenAPI ${doc.openapi} is not supported; use 3.0, 3.1 or Swagger 2.0`);
}

/** Refuses a document with schema problems, listing every one, unless lenient. */
function checkDocument(doc: Obj, file: string, lenient: boolean): DocumentProblem[] {
  const problems = validateDocument(doc);
  if (problems.length === 0 || lenient) return problems;
  const version = doc.swagger !== undefined ? 'Swagger 2.0' : `OpenAPI ${doc.openapi}`;
  const issues: SpecIssue[] = problems.map((p) => ({ path: [], file: `${file}${p.where}`, message: p.message, severity: 'error' }));
  issues.push({ path: [], file, severity: 'error', message: `the document is not valid ${version} (${problems.length} problem${problems.length === 1 ? '' : 's'} above); fix them, or import with --lenient to import what can be imported (what is skipped is listed)` });
  throw new SpecValidationError(issues);
}

function countOperations(doc: Obj): number {
  const methods = [...METHODS, ...ANY_METHOD_KEYS];
  return Object.values<unknown>(isObj(doc.paths) ? doc.paths : {}).reduce<number>((n, item) => n + (isObj(item) ? methods.filter((m) => isObj(item[m])).length : 0), 0);
}

/** One warning listing every operation that is public only because nothing says otherwise. */
function warnImplicitPublic(ctx: ImportContext, kept: readonly Candidate[], schemes: string[]): void {
  const open = kept.filter((c) => c.implicitPublic);
  if (!open.length) return;
  const list = open.map((c) => `${c.method} ${c.path}${c.operationId ? ` (${c.operationId})` : ''}`).join(', ');
  ctx.warn(
    'public-operation',
    pointer('security'),
    `${open.length} operation${open.length === 1 ? ' has' : 's have'} no security requirement, and the document has no global one although it defines security schemes (${schemes.join(', ')}), so ${open.length === 1 ? 'it becomes a public route' : 'they become public routes'} (auth: none): ${list}. ` +
      'Add security to them (or a global security), or write security: [] on the operations meant to be public',
  );
}

/** What an import writes when `info.version` is present but says nothing (empty or blank). */
export const PLACEHOLDER_VERSION = '0.0.0';

/**
 * `info.version` as the spec's version. The model refuses an empty version, so an empty or blank
 * one becomes {@link PLACEHOLDER_VERSION} with a warning naming the field to set; a number
 * (`version: 1.0` in YAML) is read as its text; an absent one is left to the model's default.
 */
function versionOf(ctx: ImportContext, doc: Obj): { version?: string } {
  const v = isObj(doc.info) ? doc.info.version : undefined;
  if (typeof v === 'number') {
    ctx.warn('document', pointer('info', 'version'), `info.version is written as a number (${v}); read as "${v}" (quote it in the document)`);
    return { version: String(v) };
  }
  if (typeof v !== 'string') return {};
  if (v.trim() !== '') return { version: v };
  ctx.warn('placeholder', pointer('info', 'version'), `info.version is empty; the spec's version is "${PLACEHOLDER_VERSION}": set info.version in the document (or version in the spec) to the API's real version`);
  return { version: PLACEHOLDER_VERSION };
}

/** The document's operationId stays in the contract when the route id had to differ from it. */
function withOperationId(route: RouteInput, operationId: string | undefined): RouteInput {
  if (operationId === undefined || operationId === route.id) return route;
  return { ...route, contract: { ...route.contract, operationId } };
}

/**
 * An operation whose `x-anygate.path` names its parameters otherwise than its path item does (the
 * export writes one path item per path shape, and each route it names otherwise carries its own
 * path there): its contract's path parameters get the route's names back by position,
 * and a parameter export had to write inline (`x-anygate.reference`) is its `$ref` again. A path of
 * another shape is an error: the document would list the operation where it is not served.
 */
function withOwnPath(ctx: ImportContext, c: Candidate): Candidate {
  const own = c.route.path;
  if (typeof own !== 'string' || own === c.path) return c;
  const where = `${c.where}/x-anygate/path`;
  const parsed = parsePath(own);
  const item = parsePath(c.path);
  if (!parsed.ok || !item.ok) {
    if (!parsed.ok) ctx.fail(where, `${c.method} ${c.path}: x-anygate.path ${JSON.stringify(own)}: ${parsed.message}`);
    return c;
  }
  if (pathShape(parsed.segments) !== pathShape(item.segments)) {
    ctx.fail(where, `${c.method} ${c.path}: x-anygate.path ${JSON.stringify(own)} is another path; it may only name the parameters of ${c.path} otherwise (write the operation under ${own}, or drop x-anygate.path)`);
    return c;
  }
  const names = pathParams(parsed.segments);
  const renames = new Map(pathParams(item.segments).map((n, i) => [n, names[i]]));
  const parameters = c.route.contract?.parameters?.map((p) => {
    const ext = p['x-anygate'];
    if (isObj(ext) && isObj(ext.reference) && p.in === 'path') return ext.reference;
    if (p.in !== 'path' || typeof p.name !== 'string') return p;
    const greedy = p.name.endsWith('+');
    const to = renames.get(greedy ? p.name.slice(0, -1) : p.name);
    return to === undefined ? p : { ...p, name: `${to}${greedy ? '+' : ''}` };
  });
  return parameters ? { ...c, route: { ...c.route, contract: { ...c.route.contract, parameters } } } : c;
}

/** Imports a parsed OpenAPI or Swagger document. `file` anchors relative $refs and messages. */
export async function importOpenApi(raw: Obj, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const doc: Obj = structuredClone(raw);
  const early: ImportWarning[] = [];
  checkVersion(doc, file, early);
  const lenient = options.lenient ?? false;
  const problems = checkDocument(doc, file, lenient);
  const ctx = new ImportContext(doc, file, new RefResolver(doc, file), lenient, problems);
  ctx.warnings.push(...early);
  for (const p of problems) ctx.warn('document-error', p.where, `not valid ${ctx.swagger2 ? 'Swagger 2.0' : `OpenAPI ${doc.openapi}`}: ${p.message} (--lenient: imported where anygate does not read it)`);
  if (!isObj(doc.info)) ctx.warn('document', pointer('info'), 'the document has no info object');

  const ext: Obj = isObj(doc['x-anygate']) ? doc['x-anygate'] : {};
  const title = typeof doc.info?.title === 'string' ? doc.info.title : path.basename(file).replace(/\.[^.]+$/, '');
  const name = options.name ?? ext.name ?? toSafeName(title, 'api').toLowerCase();
  const servers = new Servers(ctx, ext);
  const sec = readSecurity(ctx, ext);
  const globalSecurity = ctx.swagger2 || Array.isArray(doc.security) ? doc.security : undefined;
  if (!sec.hasSchemes && !globalSecurity) ctx.warn('no-security', pointer('security'), 'the document declares no security: its routes are public (auth: none)');

  const operations = countOperations(doc);
  const contracts = new ContractReader(ctx);
  contracts.readComponents();
  const kept = mergeCollisions(ctx, readOperations(ctx, sec, servers, contracts)).map((c) => withOwnPath(ctx, c));
  warnImplicitPublic(ctx, kept, [...sec.schemeAuthorizer.keys()]);
  const ids = routeIds(kept, file);
  ctx.warnings.push(...ids.warnings);
  if (operations > 0 && kept.length === 0 && ctx.errors.length === 0) ctx.fail(pointer('paths'), `none of the ${operations} operations could be imported (the warnings say why)`);
  if (ctx.errors.length) throw new SpecValidationError(ctx.errors);
  if (operations === 0) ctx.warn('document', pointer('paths'), 'the document has no operations');
  const routes: RouteInput[] = kept.map((c, i) => withOperationId({ id: ids.ids[i], ...c.route }, c.operationId));
  const components = contracts.result();

  const rest = Object.fromEntries(Object.entries(ext).filter(([k]) => !['authorizers', 'backends', 'name', 'basePath', 'defaults'].includes(k)));
  const extDefaults = ext.defaults;
  const input: GatewayInput = {
    name,
    ...versionOf(ctx, doc),
    ...(servers.basePath !== '/' ? { basePath: servers.basePath } : {}),
    ...(typeof doc.info?.description === 'string' && doc.info.description ? { description: doc.info.description } : {}),
    backends: servers.backends,
    ...(Object.keys(sec.authorizers).length ? { authorizers: sec.authorizers } : {}),
    ...(servers.defaultBackend || isObj(extDefaults) ? { defaults: { ...(isObj(extDefaults) ? extDefaults : {}), ...(servers.defaultBackend ? { backend: servers.defaultBackend } : {}) } } : {}),
    routes,
    ...(components ? { components } : {}),
    ...rest,
  };
  // The same narrowing on hundreds of operations is one decision: one warning each, with the count.
  return { input, warnings: mergeIdentical(ctx.warnings, ['scopes-narrowed', 'alternatives-narrowed']), operations };
}
