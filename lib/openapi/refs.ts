/**
 * `$ref` resolution on demand. Only the parts of a document anygate reads (path items, security
 * schemes) are ever followed, so a `$ref` to a missing side file under `x-ms-examples` or in a
 * response schema cannot stop an import. Local pointers and relative files are read; remote URLs
 * are not fetched.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDataFile } from '../model/load';
import { atPointer } from '../model/json-pointer';

/** A `$ref` that cannot be followed: `where` it is used, the `ref`, and the file it wanted. */
export class RefError extends Error {
  constructor(
    readonly where: string,
    readonly ref: string,
    readonly wanted: string,
    readonly reason: string,
  ) {
    super(`$ref ${JSON.stringify(ref)} cannot be resolved: ${reason}`);
  }
}

type Obj = Record<string, unknown>;

function isRef(v: unknown): v is { $ref: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Obj).$ref === 'string';
}

/** Follows a JSON pointer fragment (`/components/pathItems/A`, URI-escaped) in `doc`. */
const follow = (doc: unknown, fragment: string): unknown => atPointer(doc, fragment, decodeURIComponent);

export class RefResolver {
  private readonly files = new Map<string, unknown>();

  /** @param rootFile the document's own file; relative refs are read beside it. */
  constructor(
    root: unknown,
    private readonly rootFile: string,
  ) {
    this.files.set(path.resolve(rootFile), root);
  }

  private load(file: string, where: string, ref: string): unknown {
    const cached = this.files.get(file);
    if (cached !== undefined) return cached;
    if (!existsSync(file)) throw new RefError(where, ref, file, `file ${file} does not exist`);
    let data: unknown;
    try {
      data = parseDataFile(readFileSync(file, 'utf8'), file).data;
    } catch (e) {
      throw new RefError(where, ref, file, `file ${file} cannot be read (${(e as Error).message.split('\n')[0]})`);
    }
    this.files.set(file, data);
    return data;
  }

  /**
   * The value with every `$ref` at its top followed (a chain of refs included). `where` is the
   * JSON pointer of the value in the root document, for messages. Throws RefError.
   */
  resolve(value: unknown, where: string): unknown {
    return this.resolveFrom(value, where, this.rootFile).value;
  }

  /** The root document's file, resolved. */
  get root(): string {
    return path.resolve(this.rootFile);
  }

  /**
   * Like {@link resolve}, for a value found in `baseFile` (its relative refs are read beside it);
   * also says which file and fragment the value finally came from.
   */
  resolveFrom(value: unknown, where: string, baseFile: string): { value: unknown; file: string; fragment?: string } {
    let base = path.resolve(baseFile);
    let fragmentOf: string | undefined;
    const seen: string[] = [];
    let v = value;
    while (isRef(v)) {
      const ref = v.$ref;
      const hash = ref.indexOf('#');
      const filePart = hash === -1 ? ref : ref.slice(0, hash);
      const fragment = hash === -1 ? '' : ref.slice(hash + 1);
      if (/^[a-z][a-z0-9+.-]*:/i.test(filePart)) throw new RefError(where, ref, filePart, `remote documents are not fetched; copy ${filePart} beside the document and refer to it by a relative path`);
      const file = filePart ? path.resolve(path.dirname(base), decodeURIComponent(filePart)) : base;
      const key = `${file}#${fragment}`;
      if (seen.includes(key)) throw new RefError(where, ref, file, `it is cyclic (${[...seen, key].map((k) => path.basename(k)).join(' -> ')})`);
      seen.push(key);
      const target = follow(this.load(file, where, ref), fragment);
      if (target === undefined) throw new RefError(where, ref, file, `${fragment || '/'} points at nothing in ${file}`);
      base = file;
      fragmentOf = fragment;
      v = target;
    }
    return { value: v, file: base, fragment: fragmentOf };
  }
}

/** The message of a RefError; anything else is a bug and is rethrown. */
export function refMessage(e: unknown): string {
  if (e instanceof RefError) return e.message;
  throw e;
}

/**
 * The first `$ref` in `v` that points outside its document (not `#...`), or undefined: a contract
 * read back from a platform's files cannot follow it.
 */
export function externalRef(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    for (const x of v) {
      const r = externalRef(x);
      if (r) return r;
    }
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && typeof x === 'string' && !x.startsWith('#')) return x;
    const r = externalRef(x);
    if (r) return r;
  }
  return undefined;
}
