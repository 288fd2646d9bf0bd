/**
 * The proxy bundle as a zip: root `apiproxy/`, entries in sorted order, fixed timestamps and
 * modes, so the same plan always gives the same bytes (and the same sha256).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { ZipFile } from 'yazl';
import type { ApigeePlan } from './plan';

// DOS timestamps are local time; building the date from local fields keeps the bytes the same in every time zone.
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** Files at least this large are deflated; smaller ones are stored (as good, and much faster for thousands). */
const DEFLATE_FROM_BYTES = 4096;

/**
 * Whether the entry at `index` (in name order) is deflated: a large file, and always the first.
 * yazl writes an entry as soon as every entry before it is written, and each write scans its
 * entry list from the start: with a stored first entry, each of thousands of addBuffer calls
 * wrote its entry at once after a scan over all the earlier ones. The first entry's deflate
 * finishes only after every entry is added, so the adds scan one entry each (at 2,000 routes
 * about a quarter of the zip's CPU; the writes' own scans, one per entry, remain).
 */
const deflated = (index: number, bytes: number): boolean => index === 0 || bytes >= DEFLATE_FROM_BYTES;

/** Zips the plan's files under apiproxy/ in name order (its size is the size record's to check: bundleBytes). */
export function bundleZip(plan: Pick<ApigeePlan, 'files'>): Promise<Buffer> {
  const zip = new ZipFile();
  Object.keys(plan.files)
    .sort()
    .forEach((file, i) => {
      const data = Buffer.from(plan.files[file], 'utf8');
      zip.addBuffer(data, `apiproxy/${file}`, { mtime: FIXED_TIME, mode: 0o100644, compress: deflated(i, data.length), forceDosTimestamp: true });
    });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * zlib's compressBound: the most bytes deflate writes for `n` bytes of input (incompressible data
 * is written in stored blocks, a few bytes longer than the input).
 */
const deflateBound = (n: number): number => n + (n >>> 12) + (n >>> 14) + (n >>> 25) + 13;

/**
 * The byte length of bundleZip's output, synchronously, so the compiler can hand it to the size
 * record: per entry a local header (30 bytes + name), the data (deflated as `deflated` says, as
 * zlib deflates it for yazl) and a central directory entry (46 + name), then the 22-byte end
 * record. Deflating costs time, so while the sum with every file stored (the deflated ones at
 * deflate's bound) stays within `fitsUnder` that sum is returned: it bounds the zip from above, and it fits.
 */
export function bundleBytes(files: Readonly<Record<string, string>>, fitsUnder = 0): number {
  // Byte lengths without encoding the texts: only a file that is deflated needs its bytes.
  const entries = Object.keys(files)
    .sort()
    .map((f, i) => {
      const bytes = Buffer.byteLength(files[f], 'utf8');
      return { name: Buffer.byteLength(`apiproxy/${f}`), text: files[f], bytes, deflated: deflated(i, bytes) };
    });
  const total = (size: (e: { text: string; bytes: number; deflated: boolean }) => number) => entries.reduce((n, e) => n + 30 + e.name + size(e) + 46 + e.name, 22);
  const bound = total((e) => (e.deflated ? deflateBound(e.bytes) : e.bytes));
  if (bound <= fitsUnder) return bound;
  return total((e) => (e.deflated ? deflateRawSync(Buffer.from(e.text, 'utf8')).length : e.bytes));
}

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Writes the unpacked bundle (dir/apiproxy/...) and returns the file paths written. */
export function writeBundleDir(plan: ApigeePlan, dir: string): string[] {
  const out: string[] = [];
  for (const [file, content] of Object.entries(plan.files)) {
    const p = path.join(dir, 'apiproxy', file);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
    out.push(p);
  }
  return out;
}
