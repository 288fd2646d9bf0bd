/**
 * Portability, the records, `anygate dev` and synth agree, over fuzzed specs, on every target:
 * - the portability report (with the compilers, as the CLI runs it) lists exactly the problems
 *   the compiler refuses with, at the tier and options the run drew;
 * - the records alone (targetProblems: what dev and a report without compilers read) list exactly
 *   what the compiler refuses, but emitted-size limits, which only the output reveals: this is what
 *   keeps refusals out of compilers;
 * - `anygate dev --profile T` refuses to start exactly when `synth --target T` (default options)
 *   refuses, naming the same problems (sizes of the output again aside).
 * Each spec is generated and validated once and checked on every target, so a run costs one
 * validation and one compile per target and option set. FUZZ_RUNS raises the number of specs
 * (`npm run fuzz`: 10,000); FUZZ_SEED replays one.
 */
import fc from 'fast-check';
import { FEATURE_RECORDS } from '../../lib/capabilities/features';
import { targetProblems } from '../../lib/capabilities/support';
import { ALL_TARGETS as TARGETS, type SupportOptions } from '../../lib/capabilities/types';
import { formatProblem, type SynthesisProblem } from '../../lib/model/errors';
import { validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { ALL_PROFILES } from '../../dev/profiles';
import { startDecision } from '../../dev/start';
import { compileOptions, gatewayInput } from './arbitraries';
import { reportProblems, synthProblems } from './harness';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 15_2026);

type Drawn = typeof compileOptions extends fc.Arbitrary<infer T> ? T : never;

const lines = (ps: readonly { target: string; where: string; feature: string; message: string }[]) => [...new Set(ps.map((p) => formatProblem(p as SynthesisProblem)))].sort();
const specPhase = (ps: readonly SynthesisProblem[]) => ps.filter((p) => (FEATURE_RECORDS as Record<string, { phase?: string }>)[p.feature]?.phase !== 'emitted');

/** Every option block each target reads, as the run drew them. */
const supportOptions = (d: Drawn): SupportOptions => ({
  azureSku: d.azureSku,
  apigeeEnvironmentType: d.apigeeEnvironmentType,
  aws: { cacheClusterSize: d.cacheClusterSize, stages: d.stages },
  azure: { externalCache: d.externalCache, apiDefinition: d.apiDefinition },
  kubernetes: { stages: d.stages, namespaces: d.namespaces, backendKind: d.backendKind, functions: d.functions },
});

/** What disagrees for one spec, on every target and dev profile; [] when all agree. */
function disagreements(spec: GatewaySpec, drawn: Drawn): string[] {
  const out: string[] = [];
  const o = supportOptions(drawn);
  for (const target of TARGETS) {
    const synth = synthProblems(spec, target, o);
    const report = lines(reportProblems(spec, target, o));
    if (JSON.stringify(report) !== JSON.stringify(lines(synth))) out.push(`portability on ${target} ${JSON.stringify(o)}: reported ${JSON.stringify(report)}, synth ${JSON.stringify(lines(synth))}`);
    const records = lines(targetProblems(spec, target, o));
    if (JSON.stringify(records) !== JSON.stringify(lines(specPhase(synth)))) out.push(`records of ${target} ${JSON.stringify(o)}: ${JSON.stringify(records)}, synth ${JSON.stringify(lines(specPhase(synth)))}`);
  }
  for (const profile of ALL_PROFILES) {
    const synth = lines(specPhase(synthProblems(spec, profile, {})));
    const dev = startDecision({ spec, profile });
    const refused = lines(dev.refused);
    if (Boolean(dev.error) !== synth.length > 0 || JSON.stringify(refused) !== JSON.stringify(synth) || dev.notRun.length)
      out.push(`dev --profile ${profile}: ${dev.error ? 'refuses to start' : 'starts'} (${JSON.stringify([...refused, ...lines(dev.notRun)])}), synth --target ${profile} refuses ${JSON.stringify(synth)}`);
  }
  return out;
}

describe(`portability, the records, dev and synth agree on ${TARGETS.join(', ')} and dev`, () => {
  it(`on ${RUNS} fuzzed specs per target at drawn tiers and options`, () => {
    fc.assert(
      fc.property(gatewayInput, compileOptions, (input, drawn) => {
        const v = validateGateway(input);
        fc.pre(Boolean(v.spec));
        expect(disagreements(v.spec!, drawn)).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
