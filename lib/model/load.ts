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
import { fastYamlData } from './yaml-data';

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

type Locator = (p: readonly (string | number)[]) => { line: number; column: number } | undefined;

/** A parsed data file: its data, and a locator that finds a spec path's file position. */
export interface ParsedDataFile {
  readonly data: unknown;
  readonly locate: Locator;
}

function yamlDocument(text: string, file: string): { doc: Document; lc: LineCounter } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
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
  return { doc, lc };
}

const JSON_TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"|[{}[\]:]/g;

/**
 * The offset of the first repeated key in valid JSON text, if any. JSON.parse keeps the last of
 * two equal keys silently; a spec must not (a second `auth` could make a route public).
 */
function duplicateKeyOffset(text: string): { offset: number; key: string } | undefined {
  const stack: (Set<string> | null)[] = [];
  let pending: { key: string; offset: number } | undefined;
  JSON_TOKEN.lastIndex = 0;
  for (let m = JSON_TOKEN.exec(text); m; m = JSON_TOKEN.exec(text)) {
    const t = m[0];
    const c = t.charCodeAt(0);
    if (c === 0x22) {
      // Decode only when escapes could make two spellings of one key.
      pending = { key: t.includes('\\') ? (JSON.parse(t) as string) : t.slice(1, -1), offset: m.index };
      continue;
    }
    if (c === 0x3a && pending) {
      const keys = stack[stack.length - 1];
      if (keys?.has(pending.key)) return pending;
      keys?.add(pending.key);
    } else if (c === 0x7b) stack.push(new Set());
    else if (c === 0x5b) stack.push(null);
    else if (c === 0x7d || c === 0x5d) stack.pop();
    pending = undefined;
  }
  return undefined;
}

/** A locator that parses the text with positions on its first call. */
function lazyLocator(body: string, file: string): Locator {
  let located: { doc: Document; lc: LineCounter } | undefined;
  return (p) => {
    located ??= yamlDocument(body, file);
    return locate(located.doc, located.lc, p);
  };
}

/**
 * Parses YAML or JSON text into data, once, with a locator for spec paths. JSON goes through
 * JSON.parse (hundreds of times faster than the YAML parser on large files), YAML through js-yaml
 * where it reads the same data (./yaml-data); the positional YAML parser runs only to word a
 * syntax error, when an issue needs a line and column, or on YAML outside that subset. Throws
 * SpecValidationError on syntax errors and repeated keys.
 */
export function parseDataFile(text: string, file: string): ParsedDataFile {
  const body = text.replace(/^\uFEFF/, '');
  if (path.extname(file).toLowerCase() === '.json') {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      yamlDocument(body, file); // throws the located syntax error
      throw new SpecValidationError([{ path: [], file, message: 'JSON syntax: not valid JSON', severity: 'error' }]);
    }
    const dup = duplicateKeyOffset(body);
    if (dup) {
      const before = body.slice(0, dup.offset);
      const line = before.split('\n').length;
      const column = dup.offset - before.lastIndexOf('\n');
      throw new SpecValidationError([{ path: [], file, line, column, message: `JSON syntax: Map keys must be unique (${JSON.stringify(dup.key)} is repeated)`, severity: 'error' }]);
    }
    return { data, locate: lazyLocator(body, file) };
  }
  // Most specs are in the subset js-yaml reads as `yaml` does, several times faster; positions
  // are then found only when an issue needs one.
  const fast = fastYamlData(body);
  if (fast !== undefined) return { data: fast, locate: lazyLocator(body, file) };
  const { doc, lc } = yamlDocument(body, file);
  return { data: doc.toJS({ maxAliasCount: 100 }), locate: (p) => locate(doc, lc, p) };
}

/**
 * The compiler's errors when a TypeScript or JavaScript module does not compile: esbuild (through
 * tsx) throws "Transform failed with N errors:" followed by one `path:line:column: ERROR: text`
 * line per error, with a 0-based column. Each becomes an issue at its 1-based line and column, in
 * the file as the user named it when it is the spec itself. Empty for any other error.
 */
export function compileErrors(err: Error | undefined, file: string): SpecIssue[] {
  const message = err?.message ?? '';
  if (!/^(Transform|Build) failed with \d+ errors?:/.test(message)) return [];
  const issues: SpecIssue[] = [];
  for (const line of message.split('\n').slice(1)) {
    const m = /^(.*):(\d+):(\d+): (?:ERROR: )?(.*)$/.exec(line);
    if (!m) continue;
    const where = path.resolve(m[1]!) === path.resolve(file) ? file : m[1]!;
    issues.push({ path: [], file: where, line: Number(m[2]), column: Number(m[3]) + 1, message: `${m[4]} (the module does not compile)`, severity: 'error', rule: 'module-syntax' });
  }
  return issues;
}

/** @param shown the path as the user gave it, for messages @default file */
function loadModule(file: string, shown: string = file): unknown {
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
    const syntax = compileErrors(err, shown);
    if (syntax.length) throw new SpecValidationError(syntax);
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

/** Validates data parsed from `file` (see parseDataFile), locating every issue in the file. */
export function specFromData(file: string, parsed: ParsedDataFile, format: 'yaml' | 'json'): LoadedSpec {
  return validated(file, parsed.data, parsed.locate, format);
}

function validated(file: string, input: unknown, where: Locator | undefined, format: LoadedSpec['format']): LoadedSpec {
  const result = validateGateway(input);
  const located = result.issues.map((i) => {
    if (i.file) return i;
    const pos = where?.(i.path);
    return { ...i, file, ...(pos ?? {}) };
  });
  if (!result.spec) throw new SpecValidationError(located);
  return { spec: result.spec, input, warnings: located.filter((i) => i.severity === 'warning'), format };
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
  let where: Locator | undefined;
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
    input = loadModule(abs, file);
    format = 'module';
  } else {
    throw new AnygateError(`${file}: unknown file type ${JSON.stringify(ext)}; use .yaml, .yml, .json, .ts or .js`);
  }
  return validated(file, input, where, format);
}
