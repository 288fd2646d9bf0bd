/**
 * The proxy bundle as a zip: root `apiproxy/`, entries in sorted order, fixed timestamps and
 * modes, so the same plan always gives the same bytes (and the same sha256).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { ZipFile } from 'yazl';
import type { ApigeePlan } from './plan';

// DOS timestamps are local time; building the date from local fields keeps the bytes the same in every time zone.
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** Files at least this large are deflated; smaller ones are stored (as good, and much faster for thousands). */
const DEFLATE_FROM_BYTES = 4096;

/** Zips the plan's files under apiproxy/ (its size is the size record's to check: bundleBytes). */
export function bundleZip(plan: Pick<ApigeePlan, 'files'>): Promise<Buffer> {
  const fast = zipSync(plan.files);
  return fast ? Promise.resolve(fast) : bundleZipYazl(plan);
}

/**
 * The zip yazl writes for these files (below), byte for byte, written synchronously: yazl pumps
 * its entries through streams and timers and looks for the next entry from the first one each
 * time, which cost about half a second at 2,000 routes (3,400 files). undefined where yazl would
 * write ZIP64 records (65,535 entries or 4 GB, far over Apigee's 15 MB bundle limit), which this
 * writer leaves to yazl. test/apigee/bundle-zip.test.ts compares the two.
 */
export function zipSync(files: Readonly<Record<string, string>>): Buffer | undefined {
  const names = Object.keys(files).sort();
  if (names.length >= 0xffff) return undefined;
  const { date, time } = dosDateTime(FIXED_TIME);
  const mode = 0o100644;
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const file of names) {
    const name = Buffer.from(`apiproxy/${file}`, 'utf8');
    const data = Buffer.from(files[file]!, 'utf8');
    const deflate = data.length >= DEFLATE_FROM_BYTES;
    const body = deflate ? deflateRawSync(data, { level: 6 }) : data;
    const crc = crc32(data);
    if (data.length > 0xfffffffe || body.length > 0xfffffffe || offset > 0xfffffffe) return undefined;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(1 << 11, 6); // file name is UTF-8
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const record = Buffer.alloc(46);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE((3 << 8) | 63, 4); // made by: unix, spec 6.3
    record.writeUInt16LE(20, 6);
    record.writeUInt16LE(1 << 11, 8);
    record.writeUInt16LE(deflate ? 8 : 0, 10);
    record.writeUInt16LE(time, 12);
    record.writeUInt16LE(date, 14);
    record.writeUInt32LE(crc, 16);
    record.writeUInt32LE(body.length, 20);
    record.writeUInt32LE(data.length, 24);
    record.writeUInt16LE(name.length, 28);
    // extra field, comment, disk, internal attributes: 0
    record.writeUInt32LE((mode << 16) >>> 0, 38);
    record.writeUInt32LE(offset, 42);
    chunks.push(local, name, body);
    central.push(record, name);
    offset += 30 + name.length + body.length;
  }
  const size = central.reduce((n, b) => n + b.length, 0);
  if (offset > 0xfffffffe || size >= 0xffffffff) return undefined;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

/** DOS date and time fields of a local date, as yazl computes them. */
function dosDateTime(d: Date): { date: number; time: number } {
  const date = (d.getDate() & 0x1f) | (((d.getMonth() + 1) & 0xf) << 5) | (((d.getFullYear() - 1980) & 0x7f) << 9);
  const time = Math.floor(d.getSeconds() / 2) | ((d.getMinutes() & 0x3f) << 5) | ((d.getHours() & 0x1f) << 11);
  return { date, time };
}

/** The reference: yazl, with the options the bytes above reproduce. */
export function bundleZipYazl(plan: Pick<ApigeePlan, 'files'>): Promise<Buffer> {  const zip = new ZipFile();
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
  const entries = Object.keys(files).map((f) => ({ name: Buffer.byteLength(`apiproxy/${f}`), data: Buffer.from(files[f], 'utf8') }));
  const total = (size: (data: Buffer) => number) => entries.reduce((n, e) => n + 30 + e.name + size(e.data) + 46 + e.name, 22);
  const stored = total((d) => d.length);
  if (stored <= fitsUnder) return stored;
  return total((d) => (d.length >= DEFLATE_FROM_BYTES ? deflateRawSync(d).length : d.length));
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
