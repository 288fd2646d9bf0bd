/**
 * CPU of the capability check itself (assertSupported: featureUses, then every record's check) per
 * compile, on (a) the adopt round trip's tiny specs and (b) a 2,000-route generated gateway, each
 * asked as the four compilers ask (their own option blocks), every call on a fresh copy of the spec
 * (a compile sees a new spec object: nothing is memoized from the call before).
 * `npx tsx bench/capability-check.ts`; `BEFORE=<module>` also times another copy of support.ts,
 * interleaved round by round with this one (the machine is shared).
 * Figures: docs/performance.md, Round 3, sixth pass (#29).
 */
import fc from 'fast-check';
import { featureUses } from '../lib/capabilities/features';
import { targetProblems } from '../lib/capabilities/support';
import type { SupportOptions, Target } from '../lib/capabilities/types';
import { toGatewaySpec, validateGateway } from '../lib/model/normalize';
import type { GatewaySpec } from '../lib/model/types';
import { adoptableInput } from '../test/adopt/arbitraries';
import { generateGateway } from './gen-spec';

const current = { targetProblems, featureUses };
type Support = { targetProblems: typeof targetProblems };
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** The options each compiler passes (providers/<target>/compile.ts), for a spec's first stage. */
const asked = (spec: GatewaySpec): [Target, SupportOptions][] => {
  const s = Object.keys(spec.stages)[0]!;
  return [
    ['aws', { aws: { stages: [s] } }],
    ['azure', { azureSku: 'Developer', azure: { stage: s } }],
    ['apigee', { apigeeEnvironmentType: 'INTERMEDIATE', apigee: { environments: { [s]: s } } }],
    ['kubernetes', { kubernetes: { stages: [s] } }],
  ];
};

/** CPU ms per compile of `support` over fresh copies of `specs`, each asked by every target. */
function perCompile(support: Support, specs: readonly GatewaySpec[], rounds: number): number {
  const copies = Array.from({ length: rounds }, () => specs.map((s) => structuredClone(s)));
  let used = 0;
  let compiles = 0;
  for (const round of copies)
    for (const spec of round)
      for (const [target, options] of asked(spec)) {
        const a = cpu();
        support.targetProblems(spec, target, options);
        used += cpu() - a;
        compiles++;
      }
  return used / compiles;
}

async function main() {
  const modules: [string, Support][] = [['current', current]];
  if (process.env.BEFORE) modules.unshift(['before', (await import(process.env.BEFORE)) as Support]);
  const tiny = fc.sample(adoptableInput, { numRuns: 200, seed: 32 }).map((i) => toGatewaySpec(i));
  const big = [validateGateway(generateGateway(2000)).spec!];
  const sets: [string, GatewaySpec[], number][] = [['round-trip specs', tiny, 5], ['2,000 routes', big, 3]];
  for (const [, m] of modules) for (const [, specs] of sets) perCompile(m, specs, 1); // warm-up
  const ROUNDS = Number(process.env.ROUNDS ?? 5);
  const sums = new Map<string, number[]>();
  for (let r = 0; r < ROUNDS; r++)
    for (const [name, m] of r % 2 ? [...modules].reverse() : modules)
      for (const [set, specs, n] of sets) {
        const k = `${set} ${name}`;
        sums.set(k, [...(sums.get(k) ?? []), perCompile(m, specs, n)]);
      }
  // featureUses alone (the first step of every ask), on fresh copies too.
  for (const [set, specs, n] of sets) {
    const copies = Array.from({ length: n * ROUNDS }, () => specs.map((s) => structuredClone(s))).flat();
    const a = cpu();
    for (const s of copies) current.featureUses(s);
    sums.set(`${set} featureUses`, [(cpu() - a) / copies.length]);
  }
  for (const [k, v] of sums) {
    const sorted = [...v].sort((a, b) => a - b);
    console.log(k.padEnd(28), 'median', sorted[Math.floor(sorted.length / 2)]!.toFixed(3), 'ms/compile; min', sorted[0]!.toFixed(3));
  }
}
void main();
