/**
 * The round-trip property over generated specs (issue #32), shared by the roundtrip-specs-*.test.ts
 * files: for every spec `adoptableInput` draws and every target, `import --from T` of what synth
 * emitted for T validates, and the imported spec synthesizes to the same artifacts, byte for byte.
 *
 * `npm test` runs SPECS specs (seed 32 and up), split into PARTS files so that Jest's two workers
 * share them; the slow tier (npm run test:slow) runs FUZZ_RUNS (1,000, test/npm-test.js) other specs
 * (seed 32_2026 and up); `FUZZ_RUNS=1000 npx jest test/adopt/roundtrip-specs` runs npm test's seeds
 * at 1,000. Each part is its own fast-check run on its own seed (the base seed plus
 * the part's index), over the same arbitrary. A failure names the seed and path fast-check prints
 * (`FUZZ_SEED=<seed> FUZZ_PATH=<path> npx jest <file>` replays it), the shrunk spec, the target,
 * and the first difference: the validation errors of the import, or the first file that differs
 * and its first differing line on both sides.
 *
 * What a spec costs (two compiles, one import and one validation per target): docs/performance.md,
 * "Round 3, seventh pass" and "Round 3, eighth pass: the round trip".
 */
import fc from 'fast-check';
import { adoptableInput } from './arbitraries';
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, type AdoptPlatform, type SourceTree } from '../../lib/adopt';
import { toGatewaySpec, validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';

/** Every target the property runs on. */
export const TARGETS: readonly AdoptPlatform[] = ['aws', 'azure', 'apigee', 'kubernetes'];

/**
 * Specs `npm test` runs, over all parts: 1,000 (issue #32). Under Jest a spec costs ~16 ms of CPU
 * over the four targets (the 1-5 route compiles, imports and validations got ~20% cheaper in the
 * eighth pass); the 600 more than the eighth pass's 400 cost ~9.5 s of CPU, measured
 * (docs/performance.md, "Round 3, eighth pass: 1,000 round-trip specs in npm test").
 */
export const SPECS = 1000;

/** Files the specs are split into (roundtrip-specs-1.test.ts ... -PARTS), each ~4 s of CPU at SPECS. */
export const PARTS = 4;

const SLOW = process.env.ANYGATE_SLOW === '1';

/** The first line where `a` and `b` differ, with the line before it, on both sides. */
function firstDifference(file: string, a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const show = (lines: string[]) => lines.slice(Math.max(0, i - 1), i + 2).map((l, k) => `    ${Math.max(0, i - 1) + k + 1}: ${l.length > 200 ? `${l.slice(0, 200)}...` : l}`).join('\n');
  return `${file} differs from line ${i + 1}:\n  emitted for the spec:\n${show(x)}\n  emitted for its import:\n${show(y)}`;
}

/** Why two trees differ (the first file that does), or undefined when they are the same bytes. */
export function treeDifference(first: SourceTree, second: SourceTree): string | undefined {
  for (const [file, text] of first.files) {
    const other = second.files.get(file);
    if (other === undefined) return `${file} is emitted for the spec, not for its import`;
    if (other !== text) return firstDifference(file, text, other);
  }
  for (const file of second.files.keys()) if (!first.files.has(file)) return `${file} is emitted for the import, not for the spec`;
  return undefined;
}

/**
 * Why the round trip of `spec` on `target` fails, or undefined when it holds. Each compile runs
 * once: the spec's, and its validated import's. The second cannot be skipped by the compilers'
 * purity: no validated import is deep-equal to its original (bench/adopt-roundtrip.ts counts
 * them: 0 on every target), since each reader names what the artifacts do not carry its own way.
 */
export function roundTripFailure(spec: GatewaySpec, target: AdoptPlatform): string | undefined {
  const first = emittedTree(spec, target);
  const v = validateGateway(adopt(target, first).input);
  if (!v.spec) return `the import does not validate:\n${v.errors.map((e) => `  ${JSON.stringify(e)}`).join('\n')}`;
  return treeDifference(first, emittedTree(v.spec, target));
}

/** Part `part` (1-based) of PARTS: its share of the specs, on its own seed. */
export function describeRoundTrip(part: number): void {
  const total = Number(process.env.FUZZ_RUNS ?? SPECS);
  const runs = Math.floor((total * part) / PARTS) - Math.floor((total * (part - 1)) / PARTS);
  const seed = Number(process.env.FUZZ_SEED ?? (SLOW ? 32_2026 : 32) + part - 1);
  const path = process.env.FUZZ_PATH;
  describe(`round trip over generated specs, part ${part} of ${PARTS} (the features every reader carries)`, () => {
    it(`on ${TARGETS.join(', ')}: ${runs} specs (seed ${seed}), each on every target`, () => {
      fc.assert(
        fc.property(adoptableInput, (input) => {
          const spec = toGatewaySpec(input);
          for (const target of TARGETS) {
            let failure: string | undefined;
            try {
              failure = roundTripFailure(spec, target);
            } catch (e) {
              failure = `synthesis or import threw: ${(e as Error).message}`;
            }
            if (failure) throw new Error(`round trip on ${target}: ${failure}`);
          }
        }),
        { numRuns: runs, seed, includeErrorInReport: true, ...(path ? { path } : {}) },
      );
    });
  });
}
