/**
 * CPU of the adopt round-trip property (test/adopt/roundtrip-property.ts) per generated spec, and per
 * target and phase: compile, import, validation of the import, second compile and comparison.
 * `N=200 T=aws,kubernetes npx tsx bench/adopt-roundtrip.ts`; `Q=1` prints the total only.
 * Per target it also counts the specs whose validated import is deep-equal to the original (keys
 * in any order): only those could skip the second compile by the compilers' purity.
 * Figures: docs/performance.md, "Adopt round trip" and Round 3 (#32).
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { adoptableInput } from '../test/adopt/arbitraries';
import { emittedTree } from '../bin/adopt/emitted';
import { adopt, type AdoptPlatform, type SourceTree } from '../lib/adopt';
import { toGatewaySpec, validateGateway } from '../lib/model/normalize';

/** CPU milliseconds of this process so far (phases are timed by CPU, not by the busy machine's clock). */
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const N = Number(process.env.N ?? 200);
const TARGETS = (process.env.T ?? 'aws,azure,apigee,kubernetes').split(',') as AdoptPlatform[];
const same = (a: SourceTree, b: SourceTree) => a.files.size === b.files.size && [...a.files].every(([f, text]) => b.files.get(f) === text);

const inputs = fc.sample(adoptableInput, { numRuns: N + 20, seed: 32 });
// Warm-up on 20 other specs: module loading and JIT out of the figures.
for (const i of inputs.slice(N)) {
  const s = toGatewaySpec(i);
  for (const t of TARGETS) {
    const f = emittedTree(s, t);
    same(f, emittedTree(validateGateway(adopt(t, f).input).spec!, t));
  }
}
const specs = inputs.slice(0, N).map((i) => toGatewaySpec(i));
const phases: Record<string, number[]> = Object.fromEntries(TARGETS.map((t) => [t, [0, 0, 0, 0]]));
const equal: Record<string, number> = Object.fromEntries(TARGETS.map((t) => [t, 0]));
const start = process.cpuUsage();
for (const s of specs)
  for (const t of TARGETS) {
    const p = phases[t]!;
    let a = cpu();
    const first = emittedTree(s, t);
    let b = cpu();
    p[0] += b - a;
    const read = adopt(t, first);
    a = cpu();
    p[1] += a - b;
    const v = validateGateway(read.input);
    b = cpu();
    p[2] += b - a;
    const ok = v.spec !== undefined && same(first, emittedTree(v.spec, t));
    a = cpu();
    p[3] += a - b;
    if (!ok) throw new Error(`the round trip does not hold on ${t}`);
    if (isDeepStrictEqual(v.spec, s)) equal[t]!++;
  }
const used = process.cpuUsage(start);
const ms = (x: number) => (x / N).toFixed(2);
console.log('cpu ms/spec', ((used.user + used.system) / 1000 / N).toFixed(2));
if (!process.env.Q) for (const t of TARGETS) console.log(t, 'emit', ms(phases[t]![0]!), 'adopt', ms(phases[t]![1]!), 'validate', ms(phases[t]![2]!), 'emit2+cmp', ms(phases[t]![3]!), 'import equal to the original', `${equal[t]}/${N}`);
