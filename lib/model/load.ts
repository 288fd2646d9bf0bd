/**
 * Loading a spec from a file: YAML or JSON (with file:line:column on every issue), or a
 * TypeScript/JavaScript module exporting a Gateway (or plain input data, or a function returning
 * either). OpenAPI documents go through lib/load.ts, which imports them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { isGateway } from './builder';
import { AnygateError, SpecValidationError, type SpecIssue } from './errors';
import { validateGateway } from './normalize';
import type { GatewaySpec } from './types';

/** The outcome of loading a spec file. */
export interface LoadedSpec {
  /** The canonical spec. */
  readonly spec: GatewaySpec;
  /** The input data the spec was normalized from. */
  readonly input: unknown;
  /** Non-fatal issues, located in the file where possible. */
  readonly warnings: SpecIssue[];
  /** How the file was read. */
  readonly format: 'yaml' | 'json' | 'module' | 'openapi';
}

const DATA_EXT = new Set(['.yaml', '.yml', '.json']);
const MODULE_EXT = new Set(['.ts', '.mts', '.cts', '.js', '.cjs', '.mjs']);

/** True for a parsed document that is OpenAPI or Swagger rather than an anygate spec. */
export function isOpenApiDocument(doc: unknown): doc is Record<string, unknown> {
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && ('openapi' in doc || 'swagger' in doc);
}

/** Finds the YAML node nearest to `specPath` and returns its 1-based line and column. */
function locate(doc: Document, lc: LineCounter, specPath: readonly (string | number)[]): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as Node | null)?.range?.[0];
  for (const key of specPath) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      // Point at the key, which is where a reader looks for "unknown key" and friends.
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
      if (isMap(node) || isSeq(node)) continue;
      if (key !== specPath[specPath.length - 1]) break;
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = (node as Node | null)?.range?.[0] ?? offset;
    } else break;
  }
  if (offset === undefined) return undefined;
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Parses YAML or JSON text into data, with a locator for spec paths. Throws SpecValidationError. */
export function parseDataFile(text: string, file: string): { data: unknown; locate: (p: readonly (string | number)[]) => { line: number; column: number } | undefined } {
  const lc = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // The first syntax error; the ones after it are usually its echoes.
    throw new SpecValidationError(
      doc.errors.slice(0, 1).map((e) => {
        const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
        return {
          path: [],
          file,
          line: pos?.line,
          column: pos?.col,
          message: `${path.extname(file) === '.json' ? 'JSON' : 'YAML'} syntax: ${e.message.split('\n')[0]}`,
          severity: 'error' as const,
        };
      }),
    );
  }
  return { data: doc.toJS({ maxAliasCount: 100 }), locate: (p) => locate(doc, lc, p) };
}

function loadModule(file: string): unknown {
  // tsx compiles TypeScript on require; registering is idempotent and scoped to this call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { register } = require('tsx/cjs/api') as { register: () => () => void };
  const unregister = register();
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file) as Record<string, unknown>;
  } catch (e) {
    const err = e as Error;
    const first = err?.message?.split('\n')[0] ?? String(e);
    const where = /\((\/[^)]+:\d+:\d+)\)/.exec(err?.stack ?? '')?.[1];
    throw new AnygateError(`${file}: the module threw while loading: ${first}${where && where.startsWith(file) ? ` (at ${where})` : ''}`);
  } finally {
    unregister();
  }
  const candidates = [mod.default, mod.gateway, ...Object.values(mod)];
  for (let c of candidates) {
    if (typeof c === 'function' && !isGateway(c)) {
      try {
        c = (c as () => unknown)();
      } catch {
        continue;
      }
    }
    if (isGateway(c)) return c.toJSON();
    if (c && typeof c === 'object' && 'name' in c && 'routes' in c) return JSON.parse(JSON.stringify(c));
  }
  throw new AnygateError(
    `${file}: exports no gateway; export a Gateway (export default gw, or export const gateway = gw) or plain spec data`,
  );
}

/** Reads a spec from YAML, JSON, an OpenAPI document or a TS/JS module. Throws on any error. */
export function loadSpecFile(file: string): LoadedSpec {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new AnygateError(`${file}: no such file; give the path of a YAML, JSON, OpenAPI or TypeScript spec`);
  if (statSync(abs).isDirectory()) {
    for (const name of ['gateway.ts', 'gateway.yaml', 'gateway.yml', 'gateway.json']) {
      if (existsSync(path.join(abs, name))) return loadSpecFile(path.join(file, name));
    }
    throw new AnygateError(`${file}: is a directory without gateway.ts, gateway.yaml or gateway.json`);
  }
  const ext = path.extname(abs).toLowerCase();
  let input: unknown;
  let where: ((p: readonly (string | number)[]) => { line: number; column: number } | undefined) | undefined;
  let format: LoadedSpec['format'];
  if (DATA_EXT.has(ext)) {
    const parsed = parseDataFile(readFileSync(abs, 'utf8'), file);
    input = parsed.data;
    where = parsed.locate;
    format = ext === '.json' ? 'json' : 'yaml';
    if (isOpenApiDocument(input)) {
      throw new AnygateError(`${file}: is an OpenAPI document; load it with loadSpec() from lib/load (it resolves $refs asynchronously)`);
    }
  } else if (MODULE_EXT.has(ext)) {
    input = loadModule(abs);
    format = 'module';
  } else {
    throw new AnygateError(`${file}: unknown file type ${JSON.stringify(ext)}; use .yaml, .yml, .json, .ts or .js`);
  }
  const result = validateGateway(input);
  const located = result.issues.map((i) => {
    if (i.file) return i;
    const pos = where?.(i.path);
    return { ...i, file, ...(pos ?? {}) };
  });
  if (!result.spec) throw new SpecValidationError(located);
  return { spec: result.spec, input, warnings: located.filter((i) => i.severity === 'warning'), format };
}
