/**
 * The records alone refuse exactly what synth refuses: over fuzzed specs, on every target, the
 * problems of targetProblems (what `anygate dev` and a portability report without compilers
 * read) equal the compiler's refusals, except emitted-size limits, which only the output reveals.
 * This is the property that keeps refusals out of compilers. FUZZ_RUNS raises the number of runs.
 */
import fc from 'fast-check';
import { FEATURE_RECORDS } from '../../lib/capabilities/features';
import { targetProblems } from '../../lib/capabilities/support';
import type { SupportOptions, Target } from '../../lib/capabilities/types';
import { formatProblem, SynthesisError } from '../../lib/model/errors';
import { validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { compileOptions, gatewayInput } from './arbitraries';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 26_2026);

const COMPILE: Record<Target, (spec: GatewaySpec, o: SupportOptions) => unknown> = {
  aws: (spec, o) => compileAws(spec, { cacheClusterSize: o.aws?.cacheClusterSize, stages: o.aws?.stages ? [...o.aws.stages] : undefined }),
  azure: (spec, o) => compileAzure(spec, { sku: o.azureSku, ...o.azure }),
  apigee: (spec, o) => compileApigee(spec, { environmentType: o.apigeeEnvironmentType }),
  kubernetes: (spec, o) => compileKubernetes(spec, o.kubernetes),
};

const emitted = (feature: string) => (FEATURE_RECORDS as Record<string, { phase?: string }>)[feature]?.phase === 'emitted';

function synthRefusals(spec: GatewaySpec, target: Target, o: SupportOptions): string[] {
  try {
    COMPILE[target](spec, o);
    return [];
  } catch (e) {
    if (e instanceof SynthesisError) return e.problems.filter((p) => !emitted(p.feature)).map(formatProblem).sort();
    throw e;
  }
}

describe.each(['aws', 'azure', 'apigee', 'kubernetes'] as const)('the %s records alone agree with synth', (target) => {
  it(`on ${RUNS} fuzzed specs at drawn tiers`, () => {
    fc.assert(
      fc.property(gatewayInput, compileOptions, (input, drawn) => {
        const v = validateGateway(input);
        fc.pre(Boolean(v.spec));
        const o: SupportOptions = {
          azureSku: drawn.azureSku,
          apigeeEnvironmentType: drawn.apigeeEnvironmentType,
          aws: { cacheClusterSize: drawn.cacheClusterSize, stages: drawn.stages },
          azure: { externalCache: drawn.externalCache, apiDefinition: drawn.apiDefinition },
          kubernetes: { stages: drawn.stages, namespaces: drawn.namespaces },
        };
        const records = [...new Set(targetProblems(v.spec!, target, o).map(formatProblem))].sort();
        expect(records).toEqual(synthRefusals(v.spec!, target, o));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
