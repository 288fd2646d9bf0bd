/**
 * The proxy bundle as a zip: root `apiproxy/`, entries in sorted order, fixed timestamps and
 * modes, so the same plan always gives the same bytes (and the same sha256).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ZipFile } from 'yazl';
import { APIGEE_LIMITS } from '../../lib/capabilities/limits';
import { SynthesisError } from '../../lib/model/errors';
import type { ApigeePlan } from './plan';

// DOS timestamps are local time; building the date from local fields keeps the bytes the same in every time zone.
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** Zips the plan's files under apiproxy/. */
export function bundleZip(plan: ApigeePlan): Promise<Buffer> {
  const zip = new ZipFile();
  for (const file of Object.keys(plan.files).sort()) {
    const data = Buffer.from(plan.files[file], 'utf8');
    // Policy files are small: storing them is as good as deflating and much faster for thousands.
    zip.addBuffer(data, `apiproxy/${file}`, { mtime: FIXED_TIME, mode: 0o100644, compress: data.length >= 4096, forceDosTimestamp: true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => {
      const buf = Buffer.concat(chunks);
      if (buf.length > APIGEE_LIMITS.bundleBytes) {
        reject(new SynthesisError('apigee', [{ target: 'apigee', where: 'gateway', feature: 'size', message: `the proxy bundle is ${buf.length} bytes, over Apigee's ${APIGEE_LIMITS.bundleBytes}-byte limit; split the gateway` }]));
      } else resolve(buf);
    });
  });
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
