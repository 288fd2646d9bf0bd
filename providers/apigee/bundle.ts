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

/** Zips the plan's files under apiproxy/ (its size is the size record's to check: bundleBytes). */
export function bundleZip(plan: Pick<ApigeePlan, 'files'>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const file of Object.keys(plan.files).sort()) {
    const data = Buffer.from(plan.files[file], 'utf8');
    zip.addBuffer(data, `apiproxy/${file}`, { mtime: FIXED_TIME, mode: 0o100644, compress: data.length >= DEFLATE_FROM_BYTES, forceDosTimestamp: true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * The byte length of bundleZip's output, synchronously, so the compiler can hand it to the size
 * record: per entry a local header (30 bytes + name), the data (deflated from
 * DEFLATE_FROM_BYTES, as zlib deflates it for yazl) and a central directory entry (46 + name),
 * then the 22-byte end record. Deflating costs time, so while the sum with every file stored
 * stays within `fitsUnder` that sum is returned: it bounds the zip from above, and it fits.
 */
export function bundleBytes(files: Readonly<Record<string, string>>, fitsUnder = 0): number {
  // Byte lengths without encoding the texts: only a file that is deflated needs its bytes.
  const entries = Object.keys(files).map((f) => ({ name: Buffer.byteLength(`apiproxy/${f}`), text: files[f], bytes: Buffer.byteLength(files[f], 'utf8') }));
  const total = (size: (e: { text: string; bytes: number }) => number) => entries.reduce((n, e) => n + 30 + e.name + size(e) + 46 + e.name, 22);
  const stored = total((e) => e.bytes);
  if (stored <= fitsUnder) return stored;
  return total((e) => (e.bytes >= DEFLATE_FROM_BYTES ? deflateRawSync(Buffer.from(e.text, 'utf8')).length : e.bytes));
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
