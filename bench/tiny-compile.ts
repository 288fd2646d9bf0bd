/**
 * CPU per compile of tiny specs (1-5 routes), warm, as the properties in `npm test` run them: the
 * adopt round trip's specs (test/adopt/arbitraries.ts) through compileAws and compileKubernetes +
 * toYaml at the first stage, and the capability agreement's specs (test/capabilities) through the
 * same, refusals included. Every call gets a fresh copy of its spec (a compile sees a new spec
 * object: nothing is remembered from the call before); copying is not timed.
 * `npx tsx bench/tiny-compile.ts`; `BEFORE=<dir>` (a checkout of an earlier tree, with node_modules)
 * also times that tree's compilers, interleaved round by round with this one (the machine is
 * shared). N specs (default 300), ROUNDS (default 6). `PROFILE=aws|kubernetes` runs that one only
 * (for node --cpu-prof). Figures: docs/performance.md, Round 3, eighth pass.
 */
import fc from 'fast-check';
import * as path from 'node:path';
import { SynthesisError } from '../lib/model/errors';
import { validateGateway } from '../lib/model/normalize';
import type { GatewaySpec } from '../lib/model/types';
import { adoptableInput } from '../test/adopt/arbitraries';
import { gatewayInput } from '../test/capabilities/arbitraries';

type Compilers = {
  aws: (spec: GatewaySpec, o: { stages: string[] }) => unknown;
  kubernetes: (spec: GatewaySpec, o: { stages: string[] }) => { stages: { objects: unknown[] }[] };
  toYaml: (objects: never[]) => string;
};

async function compilers(root: string): Promise<Compilers> {
  const aws = await import(path.join(root, 'providers/aws/compile.ts'));
  const k8s = await import(path.join(root, 'providers/kubernetes/compile.ts'));
  const yaml = await import(path.join(root, 'providers/kubernetes/yaml.ts'));
  return { aws: aws.compileAws, kubernetes: k8s.compileKubernetes, toYaml: yaml.toYaml };
}

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const N = Number(process.env.N ?? 300);
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const ONLY = process.env.PROFILE;

function draw(arb: fc.Arbitrary<unknown>, seed: number): GatewaySpec[] {
  const out: GatewaySpec[] = [];
  for (const input of fc.sample(arb, { numRuns: N * 2, seed })) {
    const v = validateGateway(input);
    if (v.spec && out.length < N) out.push(v.spec);
  }
  return out;
}

const sets = { adopt: draw(adoptableInput, 7), agreement: draw(gatewayInput, 15_2026) };

type Job = 'aws' | 'kubernetes';
function run(c: Compilers, job: Job, specs: readonly GatewaySpec[]): { ms: number; refused: number } {
  const copies = specs.map((s) => structuredClone(s));
  let refused = 0;
  const a = cpu();
  for (const spec of copies) {
    const stages = [Object.keys(spec.stages)[0]!];
    try {
      if (job === 'aws') c.aws(spec, { stages });
      else for (const st of c.kubernetes(spec, { stages }).stages) c.toYaml(st.objects as never[]);
    } catch (e) {
      if (!(e instanceof Error) || e.name !== 'SynthesisError') throw e;
      refused++;
    }
  }
  return { ms: (cpu() - a) / copies.length, refused };
}
void SynthesisError;

async function main(): Promise<void> {
  const trees: [string, Compilers][] = [['after', await compilers(path.resolve(__dirname, '..'))]];
  if (process.env.BEFORE) trees.unshift(['before', await compilers(path.resolve(process.env.BEFORE))]);
  const jobs: Job[] = ONLY ? [ONLY as Job] : ['aws', 'kubernetes'];
  const sums = new Map<string, number[]>();
  for (let r = 0; r < ROUNDS; r++)
    for (const [set, specs] of Object.entries(sets))
      for (const job of jobs)
        for (const [name, c] of r % 2 ? [...trees].reverse() : trees) {
          const { ms, refused } = run(c, job, specs);
          const key = `${set} ${job} ${name} (${specs.length} specs, ${refused} refused)`;
          if (r > 0) sums.set(key, [...(sums.get(key) ?? []), ms]); // round 0 warms up
        }
  for (const [key, ms] of sums) {
    const sorted = [...ms].sort((a, b) => a - b);
    console.log(`${key}: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} ms, min ${sorted[0]!.toFixed(3)} ms per compile`);
  }
}

void main();
