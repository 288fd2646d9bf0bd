/** `anygate synth --target kubernetes`: one multi-document YAML per stage, listed in the manifest. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { synth } from '../../bin/synth';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { full } from './fixtures';

describe('synth --target kubernetes', () => {
  it('writes out/kubernetes/<stage>/gateway.yaml for kubectl apply, in the manifest', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'anygate-k8s-'));
    const r = await synth(full(), { targets: ['kubernetes'], outDir: out, progress: () => undefined });
    expect(r.targets).toEqual([expect.objectContaining({ target: 'kubernetes', ok: true })]);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    const files = manifest.artifacts.filter((a: any) => a.target === 'kubernetes').map((a: any) => a.path);
    expect(files).toEqual(['kubernetes/dev/gateway.yaml', 'kubernetes/prod/gateway.yaml']);
    const plan = compileKubernetes(full());
    for (const s of plan.stages) {
      const docs = parseAllDocuments(readFileSync(path.join(out, 'kubernetes', s.stage, 'gateway.yaml'), 'utf8')).map((d) => d.toJS());
      expect(docs).toEqual(JSON.parse(JSON.stringify(s.objects)));
    }
    expect(readFileSync(path.join(out, 'portability.md'), 'utf8')).toMatch(/\| kubernetes \|/);
  });
});
