/**
 * Incremental synthesis: into an existing out dir, unchanged files are not rewritten (mtime kept),
 * changed ones are, and files the new run does not write are removed.
 */
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { synth } from '../../bin/synth';
import { listFiles } from '../../bin/synth/files';
import { loadSpec } from '../../lib/load';
import type { GatewaySpec } from '../../lib/model/types';
import { scratch } from '../validators';

const root = path.join(__dirname, '..', '..');
const TARGETS = ['aws', 'azure', 'apigee', 'kubernetes'] as const;
const run = (spec: GatewaySpec, out: string) => synth(spec, { targets: [...TARGETS], outDir: out, progress: () => undefined });

/** Sets every file's mtime to a fixed past time, so a rewrite shows as a newer mtime. */
function age(dir: string): number {
  const past = new Date('2020-01-01T00:00:00Z');
  for (const f of listFiles(dir)) utimesSync(path.join(dir, f), past, past);
  return past.getTime();
}

describe('incremental synth into an existing out dir', () => {
  it('leaves unchanged files untouched, rewrites changed ones and removes what is gone', async () => {
    const spec = (await loadSpec(path.join(root, 'examples/petstore/gateway.yaml'))).spec;
    const out = scratch('incremental');
    await run(spec, out);
    const first = listFiles(out);
    const past = age(out);

    await run(spec, out);
    expect(listFiles(out)).toEqual(first);
    const touched = listFiles(out).filter((f) => statSync(path.join(out, f)).mtimeMs !== past);
    expect(touched).toEqual([]);

    // One route fewer: its Azure operation policy goes, the body and plans change, the rest stays.
    const dropped = spec.routes.find((r) => first.some((f) => f.endsWith(`/operations/${r.id}.xml`)))!;
    const smaller: GatewaySpec = { ...spec, routes: spec.routes.filter((r) => r !== dropped) };
    writeFileSync(path.join(out, 'aws', 'stray.txt'), 'left by someone');
    await run(smaller, out);
    const now = listFiles(out);
    expect(now.filter((f) => f.endsWith(`/operations/${dropped.id}.xml`))).toEqual([]);
    expect(first.filter((f) => f.endsWith(`/operations/${dropped.id}.xml`)).length).toBeGreaterThan(0);
    expect(existsSync(path.join(out, 'aws', 'stray.txt'))).toBe(false);
    expect(readdirSync(out).filter((e) => e.startsWith('.aws-synth'))).toEqual([]);
    const rewritten = now.filter((f) => statSync(path.join(out, f)).mtimeMs !== past);
    expect(rewritten).toEqual(expect.arrayContaining(['manifest.json', 'openapi.json']));
    // Policies of the routes that stayed are the same files, untouched.
    const kept = now.filter((f) => f.includes('/operations/'));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((f) => rewritten.includes(f))).toEqual([]);

    // The same result as a synthesis into a fresh dir.
    const fresh = scratch('incremental-fresh');
    await run(smaller, fresh);
    expect(now).toEqual(listFiles(fresh));
  });
});
