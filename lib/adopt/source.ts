/**
 * Reading an adopt PATH: a file, a folder, or a zip (an Apigee bundle), into a SourceTree of text
 * files keyed by their path relative to PATH. This is the only module of lib/adopt that touches
 * the file system; every reader is a pure function of the tree.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { AnygateError } from '../model/errors';

/** The source files of one import. */
export interface SourceTree {
  /** The PATH given, as given (for messages). */
  readonly root: string;
  /** Text files by path relative to root, `/`-separated, sorted. A single-file PATH is keyed by its base name. */
  readonly files: ReadonlyMap<string, string>;
  /**
   * For a single-file PATH: a file the file refers to (an `AWS::Include` location, a
   * `DefinitionUri`), by path relative to the file's folder, read on demand from that folder or
   * below it, as if the folder had been imported with only the files the file names. undefined
   * when it is absent, outside the folder, or too large. @default - none (a folder or zip PATH holds every file)
   */
  readonly beside?: (rel: string) => string | undefined;
}

/** Files larger than this are skipped (no gateway configuration file is this big). @default 8 MiB */
export const MAX_SOURCE_FILE_BYTES = 8 * 1024 * 1024;

const SKIP_DIRS = new Set(['.git', 'node_modules']);

function walk(dir: string, rel: string, out: Map<string, string>): void {
  for (const name of readdirSync(dir).sort()) {
    if (SKIP_DIRS.has(name)) continue;
    const full = path.join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    const st = statSync(full);
    if (st.isDirectory()) walk(full, r, out);
    else if (st.isFile() && st.size <= MAX_SOURCE_FILE_BYTES) {
      if (name.toLowerCase().endsWith('.zip')) readZip(readFileSync(full), r, out);
      else out.set(r, readFileSync(full, 'utf8'));
    }
  }
}

interface ZipEntry {
  entryName: string;
  isDirectory: boolean;
  header: { size: number };
  getData(): Buffer;
}

/** The entries of a zip, added under `prefix/` (an Apigee bundle zip holds `apiproxy/...`). */
function readZip(bytes: Buffer, prefix: string, out: Map<string, string>): void {
  // adm-zip: a maintained zip reader (no native code); loaded only when a zip is given.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AdmZip = require('adm-zip') as new (b: Buffer) => { getEntries(): ZipEntry[] };
  let entries: ZipEntry[];
  try {
    entries = new AdmZip(bytes).getEntries();
  } catch (e) {
    throw new AnygateError(`${prefix}: not a readable zip archive (${(e as Error).message}); give the bundle zip as downloaded, or its unpacked apiproxy/ folder`);
  }
  for (const e of entries) {
    if (e.isDirectory || e.header.size > MAX_SOURCE_FILE_BYTES) continue;
    const name = e.entryName.replace(/\\/g, '/').replace(/^\/+/, '');
    if (name.split('/').includes('..')) continue;
    out.set(`${prefix}!/${name}`, e.getData().toString('utf8'));
  }
}

/** Reads PATH (a file, a folder or a zip). Throws when PATH does not exist or holds no file. */
export function readSourceTree(root: string): SourceTree {
  let st;
  try {
    st = statSync(root);
  } catch {
    throw new AnygateError(`${root}: no such file or folder; give the exported file, or the folder that holds the export`);
  }
  const files = new Map<string, string>();
  if (st.isDirectory()) walk(root, '', files);
  else if (root.toLowerCase().endsWith('.zip')) readZip(readFileSync(root), path.basename(root), files);
  else files.set(path.basename(root), readFileSync(root, 'utf8'));
  if (files.size === 0) throw new AnygateError(`${root}: holds no file to import`);
  const sorted = new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (st.isDirectory() || root.toLowerCase().endsWith('.zip')) return { root, files: sorted };
  return { root, files: sorted, beside: besideReader(path.dirname(path.resolve(root))) };
}

/** Reads `rel` from `dir` or below it (never above: no `..`, no absolute path), as a tree file. */
function besideReader(dir: string): (rel: string) => string | undefined {
  return (rel) => {
    const norm = path.posix.normalize(rel);
    if (path.posix.isAbsolute(norm) || norm === '..' || norm.startsWith('../') || /^[A-Za-z]:/.test(norm)) return undefined;
    const full = path.join(dir, ...norm.split('/'));
    try {
      const st = statSync(full);
      return st.isFile() && st.size <= MAX_SOURCE_FILE_BYTES ? readFileSync(full, 'utf8') : undefined;
    } catch {
      return undefined;
    }
  };
}

/** A tree from in-memory files (tests, and synth output handed over without disk). */
export function sourceTreeOf(root: string, files: Record<string, string>): SourceTree {
  return { root, files: new Map(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}
