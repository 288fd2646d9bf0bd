/**
 * Writing into the out dir, and listing what was written.
 *
 * Synthesis into an existing out dir is incremental: a file whose bytes are unchanged is not
 * rewritten (its mtime stays, so `cdk deploy`, `dev --watch` and build tools see only what
 * changed), and files the run did not write are removed at its end (files.ts `finishRun`).
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';

/** A synthesis running into an out dir. */
interface Run {
  /** Absolute paths written (or kept unchanged) by this synthesis. */
  readonly written: Set<string>;
  /**
   * Absolute paths of the files the out dir held when the run began: only those can already hold
   * an artifact's bytes, so a fresh out dir costs no failed read per file (7,400 at 2,000 routes).
   */
  readonly existing: Set<string>;
}
const runs = new Map<string, Run>();

/** Starts tracking what a synthesis into `outDir` writes. */
export function beginRun(outDir: string): void {
  const dir = path.resolve(outDir);
  const existing = new Set<string>();
  if (exists(dir)) for (const f of listFiles(dir)) existing.add(path.join(dir, f));
  runs.set(dir, { written: new Set(), existing });
}

function track(outDir: string, file: string): void {
  runs.get(path.resolve(outDir))?.written.add(path.resolve(file));
}

/** True when `p` holds exactly `content` (a missing file is not equal). */
function same(p: string, content: string | Buffer, run?: Run): boolean {
  if (run && !run.existing.has(p)) return false;
  let old: Buffer;
  try {
    old = readFileSync(p);
  } catch {
    return false;
  }
  return typeof content === 'string' ? old.length === Buffer.byteLength(content) && old.toString('utf8') === content : old.equals(content);
}

/**
 * Runs `open` (a write or an open of `p`), creating `p`'s directory when it finds none: one system
 * call per file instead of a mkdir before every write (4,000 policy files for 2,000 routes on Azure).
 */
function inItsDir<T>(p: string, open: () => T): T {
  try {
    return open();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(path.dirname(p), { recursive: true });
    return open();
  }
}

/** `rel` as the manifest names it (forward slashes). */
const manifestPath = (rel: string): string => rel.split(path.sep).join('/');

/** Writes one artifact unless the file already holds these bytes, creating its directory when needed. */
export function writeFile(outDir: string, rel: string, content: string | Buffer): string {
  const p = path.resolve(outDir, rel);
  const run = runs.get(path.resolve(outDir));
  run?.written.add(p);
  if (!same(p, content, run)) inItsDir(p, () => writeFileSync(p, content));
  return manifestPath(rel);
}

/**
 * Moves every file of `from` into `to` (both directories), leaving a destination file in place
 * when its bytes are the same; content-addressed entries (CDK's `asset.<hash>`) that already exist
 * are kept without reading them. Files of `to` that `from` does not hold are removed. `from` is
 * removed at the end.
 */
export function syncDir(outDir: string, from: string, to: string): void {
  const keep = new Set<string>();
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(from, rel))) {
      const r = path.join(rel, e);
      const src = path.join(from, r);
      const dst = path.join(to, r);
      if (/^asset\.[0-9a-f]{64}/.test(e) && exists(dst)) {
        if (statSync(dst).isDirectory()) for (const f of listFiles(dst)) keep.add(path.join(dst, f));
        else keep.add(dst);
        continue;
      }
      if (statSync(src).isDirectory()) {
        walk(r);
        continue;
      }
      keep.add(dst);
      if (same(dst, readFileSync(src))) continue;
      mkdirSync(path.dirname(dst), { recursive: true });
      renameSync(src, dst);
    }
  };
  mkdirSync(to, { recursive: true });
  walk('');
  for (const f of listFiles(to)) {
    const p = path.join(to, f);
    if (!keep.has(p)) rmSync(p, { force: true });
  }
  removeEmptyDirs(to);
  rmSync(from, { recursive: true, force: true });
  for (const f of keep) track(outDir, f);
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function removeEmptyDirs(dir: string): boolean {
  let empty = true;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() ? !removeEmptyDirs(path.join(dir, e.name)) : true) empty = false;
  if (empty) rmdirSync(dir);
  return empty;
}

/**
 * Ends a synthesis into `outDir`: removes every file it did not write (a route, stage or target
 * gone since the last run) and the directories left empty.
 */
export function finishRun(outDir: string): void {
  const run = runs.get(path.resolve(outDir));
  runs.delete(path.resolve(outDir));
  if (!run) return;
  const { written } = run;
  for (const f of listFiles(outDir)) {
    const p = path.resolve(outDir, f);
    if (!written.has(p)) rmSync(p, { force: true });
  }
  for (const e of readdirSync(outDir, { withFileTypes: true })) if (e.isDirectory()) removeEmptyDirs(path.join(outDir, e.name));
}

/** Every file under dir, relative and sorted. */
export function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  // Entry types from the directory listing: no stat per file.
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out;
}

/** A JSON file with sorted keys and a final newline. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/**
 * The bytes of `json(value)`, for writeFile, without appending the newline to the text: V8 copies
 * a multi-megabyte string to flatten `text + '\n'` before writing it (about 30 ms per 7 MB plan.json
 * of a 2,000-route Azure stage). test/cli/json-bytes.test.ts compares the two. Large files written
 * one after another go through JsonOut below instead.
 */
export function jsonBytes(value: unknown): Buffer {
  const text = JSON.stringify(value, null, 2);
  const length = Buffer.byteLength(text);
  const bytes = Buffer.allocUnsafe(length + 1);
  bytes.write(text);
  bytes[length] = 10;
  return bytes;
}

/** Elements of an array stringified in one JSON.stringify call (a few tens of KB of text: young-generation strings). */
const CHUNK = 16;
/** JsonOut's first buffer: 1 MB (a 10-route stage's files fit). */
const INITIAL = 1 << 20;
/** `n` wrapper arrays around a value: stringified, the value sits `n` levels deep (see JsonOut.leaf). */
const wrapped = (v: unknown, n: number): unknown => {
  for (let i = 0; i < n; i++) v = [v];
  return v;
};
/** What JSON.stringify leaves out of an object (and writes as null in an array). */
const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';
/**
 * An object JSON.stringify writes as its own enumerable keys, calling nothing: not an array, no
 * toJSON, prototype Object.prototype or null (a boxed string, number or boolean is written as its
 * value, so it is left to JSON.stringify).
 */
const plainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const INDENTS: string[] = [];
const indentOf = (level: number) => (INDENTS[level] ??= '  '.repeat(level));

/**
 * Writes the bytes of `json(value)` (`JSON.stringify(value, null, 2)` and a newline) into one
 * buffer reused for every file of a synthesis: jsonBytes for the large files written stage after
 * stage (Azure's plan.json and resources.json). A 2,000-route stage's plan.json is 7.6 MB:
 * JSON.stringify of the whole plan builds its text as a rope that `Buffer.byteLength` flattens
 * into a fresh 7.6 MB string, and the bytes go to a fresh 7.6 MB buffer; each of those is new
 * memory the system maps page by page, for every file, and old-space garbage. Here the top levels
 * are written by hand and their big arrays stringified a few elements at a time, each chunk indented by stringifying it inside wrapper arrays (JSON.stringify's own
 * layout and escaping, nothing rewritten), and the bytes land in pages the previous file touched.
 * Values must be plain data (a toJSON method would be called with a chunk's index, not the
 * array's). test/azure/synth-json.test.ts compares the bytes with `json`.
 */
export class JsonOut {
  // Grown by doubling and kept for the next file. Not made large up front: V8 counts a buffer's
  // whole size as external memory, and 32 MB of it brought major collections forward (callgrind,
  // 2,000 routes: 7.29 G instructions with a 32 MB first buffer, 6.92 G with 8 MB, 6.81 G with 1 MB).
  private buf: Buffer;
  private pos = 0;
  /** The file `write` is writing (its bytes go there as the buffer fills); undefined in `bytes`. */
  private fd: number | undefined;

  /** @param initial the first buffer's size in bytes. @default 1 MB */
  constructor(initial = INITIAL) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /**
   * The bytes of `json(value)`, valid until the next call (writeFile writes them at once).
   * @param depth object levels written by hand above the stringified parts. @default 1
   */
  bytes(value: unknown, depth = 1): Buffer {
    this.pos = 0;
    this.fd = undefined;
    this.text(value, depth);
    return this.buf.subarray(0, this.pos);
  }

  /**
   * Writes `json(value)` to `rel` under `outDir` as writeFile does (tracked by the run; a file
   * already holding these bytes is left as it is) and returns the relative path. A file the out
   * dir did not hold when the run began cannot hold them already: its bytes go to the file as the
   * buffer fills, so the buffer stays at its first size instead of growing to the largest file
   * (fresh pages for each doubling, and the copies). Other files go through `bytes` and writeFile.
   * @param depth object levels written by hand above the stringified parts. @default 1
   */
  write(outDir: string, rel: string, value: unknown, depth = 1): string {
    const p = path.resolve(outDir, rel);
    const run = runs.get(path.resolve(outDir));
    if (!run || run.existing.has(p)) return writeFile(outDir, rel, this.bytes(value, depth));
    run.written.add(p);
    let fd = inItsDir(p, () => openSync(p, 'w'));
    try {
      this.pos = 0;
      this.fd = fd;
      this.text(value, depth);
      this.flush();
    } catch (e) {
      // No half-written file left behind (a value JSON cannot write, a full disk).
      closeSync(fd);
      fd = -1;
      rmSync(p, { force: true });
      run.written.delete(p);
      throw e;
    } finally {
      this.fd = undefined;
      if (fd >= 0) closeSync(fd);
    }
    return manifestPath(rel);
  }

  private text(value: unknown, depth: number): void {
    if (skipped(value)) throw new Error('JsonOut: no JSON text for ' + typeof value);
    this.value(value, 0, depth);
    this.put('\n');
  }

  /** Writes the buffer's bytes to the file being written. */
  private flush(): void {
    for (let at = 0; at < this.pos; ) at += writeSync(this.fd!, this.buf, at, this.pos - at);
    this.pos = 0;
  }

  private put(s: string): void {
    // At most three bytes per UTF-16 unit (a surrogate pair is four bytes for two units).
    if (this.pos + s.length * 3 > this.buf.length) {
      if (this.fd !== undefined) this.flush();
      if (this.pos + s.length * 3 > this.buf.length) {
        // Room to spare: untouched pages cost nothing, and a grown buffer is copied once more.
        const next = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + s.length * 3));
        this.buf.copy(next, 0, 0, this.pos);
        this.buf = next;
      }
    }
    this.pos += this.buf.write(s, this.pos);
  }

  /** `v` (not skipped) as it appears at `level` (its first line follows the key or indentation already written). */
  private value(v: unknown, level: number, depth: number): void {
    if (Array.isArray(v) && v.length > 0) return this.array(v, level);
    if (depth > 0 && plainObject(v)) return this.object(v, level, depth);
    this.leaf(v, level);
  }

  private object(o: Record<string, unknown>, level: number, depth: number): void {
    const inner = ',\n' + indentOf(level + 1);
    let first = true;
    // The keys JSON.stringify writes, in its order (own enumerable string keys).
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (skipped(x)) continue;
      this.put((first ? '{\n' + indentOf(level + 1) : inner) + JSON.stringify(k) + ': ');
      first = false;
      this.value(x, level + 1, depth - 1);
    }
    this.put(first ? '{}' : '\n' + indentOf(level) + '}');
  }

  /**
   * A non-empty array, CHUNK elements a call: the chunk stringified as an array `level` levels deep
   * (inside `level` wrappers), without the wrappers' and its own brackets. JSON.stringify writes an
   * element it leaves out of an object (undefined, a function) as null, as the whole array would.
   */
  private array(a: readonly unknown[], level: number): void {
    // The chunk array's opening lines (`[` per wrapper, then its own) and closing ones: (level + 1)(level + 2) characters each.
    const cut = (level + 1) * (level + 2);
    this.put('[\n');
    for (let i = 0; i < a.length; i += CHUNK) {
      if (i) this.put(',\n');
      const s = JSON.stringify(wrapped(a.slice(i, i + CHUNK), level), null, 2);
      // The text is a rope of the stringifier's parts: Buffer.write (or slice) flattens it into one
      // copy, whichever comes first; moving the bytes over the wrapper lines in the buffer instead
      // of slicing saved nothing (allocation sampling: the same 20 MB at 2,000 routes).
      this.put(s.slice(cut, s.length - cut));
    }
    this.put('\n' + indentOf(level) + ']');
  }

  /** Anything else: stringified `level` levels deep, without the wrappers' lines and the first line's indentation. */
  private leaf(v: unknown, level: number): void {
    const s = JSON.stringify(wrapped(v, level), null, 2);
    this.put(level ? s.slice(level * (level + 3), s.length - level * (level + 1)) : s);
  }
}
