/**
 * Large gateways' artifacts are written on a worker thread (bin/synth/files.ts): every file must
 * be on disk, byte for byte what the direct writes give, when synth returns; a failed write must
 * fail the synthesis.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateGateway } from '../../bench/gen-spec';
import { listFiles, withBackgroundWrites, writeFile } from '../../bin/synth/files';
import { synth } from '../../bin/synth';
import { synthApigee } from '../../bin/synth/apigee';
import { synthAzure } from '../../bin/synth/azure';
import { toGatewaySpec } from '../../lib/model/normalize';
import { scratch } from '../validators';

describe('background artifact writes', () => {
  it('has every file on disk, in new directories, when it returns', async () => {
    const out = scratch('bg-writes');
    const rels = Array.from({ length: 300 }, (_, i) => `d${i % 7}/sub${i % 3}/f${i}.txt`);
    const written = await withBackgroundWrites(async () => rels.map((r, i) => writeFile(out, r, i % 2 ? `text ${i}\n` : Buffer.from([i % 256, 0, 255]))));
    expect(written).toEqual(rels);
    rels.forEach((r, i) => expect(readFileSync(path.join(out, r))).toEqual(i % 2 ? Buffer.from(`text ${i}\n`) : Buffer.from([i % 256, 0, 255])));
  });

  it('fails with the first failed write', async () => {
    const out = scratch('bg-writes-fail');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'blocker'), 'a file where a directory should be');
    await expect(withBackgroundWrites(async () => writeFile(out, 'blocker/x.txt', 'x'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('reports the synthesis error, not the writes, when synthesis fails', async () => {
    await expect(withBackgroundWrites(async () => {
      writeFile(scratch('bg-writes-throw'), 'a.txt', 'a');
      throw new Error('synthesis failed');
    })).rejects.toThrow('synthesis failed');
  });

  it('writes a 120-route gateway (background) as the direct writes do', async () => {
    const spec = toGatewaySpec(generateGateway(120));
    const viaSynth = scratch('bg-synth');
    const result = await synth(spec, { targets: ['azure', 'apigee'], outDir: viaSynth, progress: () => undefined });
    expect(result.ok).toBe(true);
    const direct = scratch('bg-direct');
    await synthAzure(spec, direct, Object.keys(spec.stages), undefined);
    await synthApigee(spec, direct, Object.keys(spec.stages), undefined);
    const files = listFiles(direct);
    expect(files.length).toBeGreaterThan(500);
    expect(listFiles(viaSynth).filter((f) => f.startsWith('azure/') || f.startsWith('apigee/'))).toEqual(files);
    for (const f of files) expect(readFileSync(path.join(viaSynth, f))).toEqual(readFileSync(path.join(direct, f)));
    // The manifest lists only files that exist.
    const manifest = JSON.parse(readFileSync(path.join(viaSynth, 'manifest.json'), 'utf8')) as { artifacts: { path: string }[] };
    expect(manifest.artifacts.length).toBeGreaterThan(500);
    for (const a of manifest.artifacts) expect(files.includes(a.path) || ['openapi.json', 'portability.md'].includes(a.path)).toBe(true);
  });
});
