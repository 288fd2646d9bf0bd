/**
 * Reading a synth out dir as its artifacts: a file of its own, or an entry held inside another
 * file (an Apigee bundle file in the zip, an Azure operation policy in plan.json; types.ts
 * `entry`). `anygate diff`, the goldens and the validator runs read through here, so they see
 * every artifact whether or not it has a file of its own.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AnygateError } from '../../lib/model/errors';
import { atPointer } from '../../lib/model/json-pointer';
import { listFiles } from './files';

/** Where an artifact is: a manifest entry (types.ts Artifact, or as read back from manifest.json). */
export interface ArtifactPlace {
  readonly path: string;
  readonly entry?: string;
  readonly pointer?: string;
}

/** The artifact's path once unpacked: `path` itself, or `entry` beside the file that holds it. */
export function unpackedPath(a: ArtifactPlace): string {
  return a.entry === undefined ? a.path : path.posix.join(path.posix.dirname(a.path), a.entry);
}

/** A zip's files by entry name (adm-zip: a maintained zip reader, loaded only when a zip is read). */
function zipEntries(bytes: Buffer, where: string): Map<string, Buffer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AdmZip = require('adm-zip') as new (b: Buffer) => { getEntries(): { entryName: string; isDirectory: boolean; getData(): Buffer }[] };
  try {
    return new Map(new AdmZip(bytes).getEntries().filter((e) => !e.isDirectory).map((e) => [e.entryName, e.getData()]));
  } catch (e) {
    throw new AnygateError(`${where}: not a readable zip archive (${(e as Error).message}); synthesize the out dir again`);
  }
}

/** Reads artifacts of one out dir, each holding file opened once. */
export class OutContents {
  private readonly zips = new Map<string, Map<string, Buffer>>();
  private readonly docs = new Map<string, unknown>();

  constructor(readonly dir: string) {}

  /** The artifact's bytes. Throws an AnygateError naming the artifact when the out dir does not hold it. */
  bytes(a: ArtifactPlace): Buffer {
    const file = path.join(this.dir, a.path);
    const missing = () => new AnygateError(`${this.dir}: ${unpackedPath(a)} is not in ${a.path}; synthesize the out dir again`);
    if (a.entry === undefined) return readFileSync(file);
    if (a.pointer !== undefined) {
      if (!this.docs.has(a.path)) this.docs.set(a.path, JSON.parse(readFileSync(file, 'utf8')));
      const v = atPointer(this.docs.get(a.path), a.pointer);
      if (typeof v !== 'string') throw missing();
      return Buffer.from(v, 'utf8');
    }
    if (!this.zips.has(a.path)) this.zips.set(a.path, zipEntries(readFileSync(file), file));
    const data = this.zips.get(a.path)!.get(a.entry);
    if (!data) throw missing();
    return data;
  }

  text(a: ArtifactPlace): string {
    return this.bytes(a).toString('utf8');
  }
}

/**
 * Every artifact of an out dir as files: the files it holds, and each held artifact the manifest
 * lists at its unpacked path (so an Apigee bundle reads as `apigee/apiproxy/...` and Azure's
 * operation policies as `azure/<stage>/policies/operations/<id>.xml`, as they did when each was
 * a file). Keys are relative paths with forward slashes, sorted.
 */
export function unpackedFiles(dir: string): Map<string, Buffer> {
  const reader = new OutContents(dir);
  const out = new Map<string, Buffer>();
  for (const f of listFiles(dir)) out.set(f, readFileSync(path.join(dir, f)));
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { artifacts: ArtifactPlace[] };
  for (const a of manifest.artifacts) if (a.entry !== undefined) out.set(unpackedPath(a), reader.bytes(a));
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
