/**
 * `compileKubernetes` on every example (read with loadSpec, the way `anygate synth` reads them)
 * and every corpus document: it either emits objects that all validate against the CRDs, or
 * refuses with named reasons (route, feature, target). The corpus documents come from the import
 * the OpenAPI corpus test makes once per process (../openapi/corpus.ts `corpusImport`, strict, or
 * lenient for the invalid ones; that test shows loadSpec reads a corpus document to the same spec).
 * Registered by test/openapi/corpus.test.ts (run it alone: `npx jest test/openapi/corpus -t
 * Kubernetes`) so that it shares that import: as a test file of its own it did only when Jest
 * happened to run both files in one worker.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { isFeatureId } from '../../lib/capabilities/features';
import { loadSpec } from '../../lib/load';
import { SynthesisError } from '../../lib/model/errors';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { corpusDir, corpusFiles, corpusImport } from '../openapi/corpus';
import { k8sProblems } from './crd';

const root = path.join(__dirname, '..', '..');
const examples = readdirSync(path.join(root, 'examples')).flatMap((d) =>
  readdirSync(path.join(root, 'examples', d)).filter((f) => /^gateway\.(ts|ya?ml)$/.test(f)).map((f) => path.join('examples', d, f)),
);
const documents = corpusFiles.map((f) => path.join(corpusDir, f));

async function outcome(file: string) {
  const { spec } = path.dirname(file) === corpusDir ? await corpusImport(path.basename(file)) : await loadSpec(path.join(root, file));
  try {
    const plan = compileKubernetes(spec);
    const objects = plan.stages.flatMap((s) => s.objects);
    return { ok: true as const, routes: spec.routes.length, objects, problems: objects.flatMap(k8sProblems) };
  } catch (e) {
    if (!(e instanceof SynthesisError)) throw e;
    return { ok: false as const, routes: spec.routes.length, refusals: e.problems };
  }
}

/** Registers the checks (a describe block). */
export function kubernetesOnDocuments(): void {
  describe('Kubernetes: every example and corpus document synthesizes valid objects or is refused with named reasons', () => {
    describe.each([...examples, ...documents])('%s', (file) => {
      it('synthesizes valid objects or refuses with named reasons', async () => {
        const r = await outcome(file);
        if (r.ok) {
          expect(r.problems).toEqual([]);
          expect(r.objects.filter((o) => o.kind === 'HTTPRoute').length).toBeGreaterThanOrEqual(Math.ceil(r.routes / 16));
        } else {
          expect(r.refusals.length).toBeGreaterThan(0);
          for (const p of r.refusals) {
            expect(p.target).toBe('kubernetes');
            expect(isFeatureId(p.feature)).toBe(true);
            expect(p.where === 'gateway' || p.where.length > 0).toBe(true);
            expect(p.message.length).toBeGreaterThan(10);
          }
        }
      });
    });
  });
}
