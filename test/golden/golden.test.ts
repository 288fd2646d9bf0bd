/**
 * Golden files: every artifact `anygate synth` writes (every target, kubernetes included) for the
 * examples and the nasty-strings spec, compared byte for byte with test/golden/<case>/. A change
 * to any emitted artifact shows here as a failing test and, once refreshed on purpose, as a diff
 * in review:
 *
 *   UPDATE_GOLDEN=1 npx jest test/golden
 *
 * The out dir is read unpacked (bin/synth/contents.ts): what synth holds inside another file (the
 * Apigee bundle's files in its zip, Azure's operation policies in plan.json) is compared at the
 * path it has unpacked (apigee/apiproxy/..., azure/<stage>/policies/operations/...), and the zip
 * itself is left out (its determinism is tested elsewhere), so every golden file is text a
 * reviewer can read, and the validators (validators.test.ts) read the golden tree as files.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { unpackedFiles } from '../../bin/synth/contents';
import { listFiles } from '../../bin/synth/files';
import { synth } from '../../bin/synth';
import { loadSpec } from '../../lib/load';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { nastyGateway } from '../fixtures/nasty';
import { scratch } from '../validators';

const root = path.join(__dirname, '..', '..');
const update = process.env.UPDATE_GOLDEN === '1';

const cases: { name: string; spec: () => Promise<GatewaySpec> }[] = [
  { name: 'petstore', spec: async () => (await loadSpec(path.join(root, 'examples/petstore/gateway.yaml'))).spec },
  { name: 'minimal', spec: async () => (await loadSpec(path.join(root, 'examples/minimal/gateway.yaml'))).spec },
  { name: 'payments', spec: async () => (await loadSpec(path.join(root, 'examples/payments/gateway.yaml'))).spec },
  { name: 'multi-stage', spec: async () => (await loadSpec(path.join(root, 'examples/multi-stage/gateway.ts'))).spec },
  { name: 'contract', spec: async () => (await loadSpec(path.join(root, 'examples/contract/gateway.yaml'))).spec },
  { name: 'nasty', spec: async () => toGatewaySpec(nastyGateway()) },
];

const golden = (f: string) => !f.endsWith('.zip');

/** The first differing line of two texts, for a readable failure. */
function firstDifference(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  golden: ${JSON.stringify(a[i]?.slice(0, 300))}\n  now:    ${JSON.stringify(b[i]?.slice(0, 300))}`;
  }
  return 'same text, different bytes';
}

describe.each(cases)('golden files: $name', ({ name, spec }) => {
  const dir = path.join(__dirname, name);

  it('every emitted artifact matches test/golden byte for byte', async () => {
    const out = scratch(`golden-${name}`);
    const r = await synth(await spec(), { targets: ['aws', 'azure', 'apigee', 'kubernetes'], outDir: out, progress: () => undefined });
    const emitted = unpackedFiles(out);
    const files = [...emitted.keys()].filter(golden);
    if (update) {
      rmSync(dir, { recursive: true, force: true });
      for (const f of files) {
        mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        writeFileSync(path.join(dir, f), emitted.get(f)!);
      }
      return;
    }
    expect(existsSync(dir)).toBe(true);
    const problems: string[] = [];
    const want = listFiles(dir);
    for (const f of want.filter((f) => !files.includes(f))) problems.push(`${f}: no longer emitted`);
    for (const f of files.filter((f) => !want.includes(f))) problems.push(`${f}: new artifact, not in test/golden/${name}`);
    for (const f of files.filter((f) => want.includes(f))) {
      const a = readFileSync(path.join(dir, f));
      const b = emitted.get(f)!;
      if (!a.equals(b)) problems.push(`${f}: ${firstDifference(a.toString('utf8'), b.toString('utf8'))}`);
    }
    if (problems.length) {
      throw new Error(`${problems.length} artifact(s) of ${name} differ from test/golden/${name} (refresh on purpose with UPDATE_GOLDEN=1 and read the diff):\n${problems.slice(0, 20).join('\n')}`);
    }
    // The three clouds synthesize every case; a refusal would leave its artifacts out of the golden
    // set. Kubernetes (opt-in) refuses what Envoy Gateway cannot do: its named reasons are in the
    // golden manifest.json instead of its YAML.
    expect(r.targets.filter((t) => !t.ok && t.target !== 'kubernetes').map((t) => `${t.target}: ${t.errors.join('; ')}`)).toEqual([]);
  });
});
