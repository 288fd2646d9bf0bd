/**
 * A synthesis that stops half way never leaves an out dir that the next synth refuses: it writes
 * manifest.json (what it wrote, and the error), and what it can refuse it refuses before writing.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { synth } from '../../bin/synth';
import { toGatewaySpec } from '../../lib/model/normalize';
import { scratch } from '../validators';

const spec = toGatewaySpec({
  name: 'shop',
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  defaults: { backend: 'api', auth: 'none' },
  stages: { dev: {}, prod: {} },
  routes: [{ method: 'GET', path: '/items/{id}' }],
});

describe('a synth that fails', () => {
  it('after writing a target\'s files leaves a manifest listing them and the error; the next synth writes into the same out dir', async () => {
    const out = scratch('synth-failure');
    // An unexpected error once Azure's files are written (a bug, a full disk).
    const crash = (m: string) => {
      if (m.startsWith('synthesizing kubernetes')) throw new Error('disk full');
    };
    await expect(synth(spec, { targets: ['azure', 'kubernetes'], outDir: out, progress: crash })).rejects.toThrow('disk full');
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.error).toBe('disk full');
    expect(manifest.artifacts.map((a: { path: string }) => a.path)).toEqual(expect.arrayContaining(['azure/dev/plan.json', 'azure/prod/plan.json']));
    for (const a of manifest.artifacts) expect(existsSync(path.join(out, a.path))).toBe(true);

    const again = await synth(spec, { targets: ['azure', 'kubernetes'], outDir: out, progress: () => undefined });
    expect(again.ok).toBe(true);
    const after = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(after.error).toBeUndefined();
    expect(after.artifacts.map((a: { path: string }) => a.path)).toContain('openapi.json');
  });

  it('refuses an unknown --stage before it writes anything', async () => {
    const out = path.join(scratch('synth-stage'), 'o');
    await expect(synth(spec, { targets: ['kubernetes'], outDir: out, stages: ['nope'], progress: () => undefined })).rejects.toThrow(/nope/);
    expect(existsSync(out)).toBe(false);
  });
});
