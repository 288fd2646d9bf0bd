/**
 * The comparison the agreement tests make: the portability report (with the compilers, as the CLI
 * runs it) against what the compilers refuse, for one spec, target and tier.
 */
import type { Compile } from '../../lib/capabilities/portability';
import { portability } from '../../lib/capabilities/portability';
import { APIGEE_ENVIRONMENT_TYPES, AZURE_SKUS, type ApigeeEnvironmentType, type AzureSku, type SupportOptions, type Target } from '../../lib/capabilities/types';
import { SynthesisError, formatProblem, type SynthesisProblem } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';

/** Each compile runs once per spec and options: the report and synth share the outcome. */
function memo(compile: (spec: GatewaySpec, o: SupportOptions) => unknown): Compile {
  let last: { spec: GatewaySpec; key: string; error?: unknown } | undefined;
  return (spec, o) => {
    const key = JSON.stringify(o);
    if (last?.spec !== spec || last.key !== key) {
      last = { spec, key };
      try {
        compile(spec, o);
      } catch (e) {
        last.error = e;
      }
    }
    if (last.error) throw last.error;
  };
}

const COMPILERS: Record<Target, Compile> = {
  aws: memo((spec, o) => compileAws(spec, { ...o.aws, stages: o.aws?.stages && [...o.aws.stages] })),
  azure: memo((spec, o) => compileAzure(spec, { sku: o.azureSku, ...o.azure })),
  apigee: memo((spec, o) => compileApigee(spec, { environmentType: o.apigeeEnvironmentType })),
  kubernetes: memo((spec, o) => compileKubernetes(spec, o.kubernetes)),
};

export type DrawnOptions = { cacheClusterSize?: string; externalCache: boolean; azureSku: AzureSku; apigeeEnvironmentType: ApigeeEnvironmentType };

/**
 * The target at the tier and with the compile options the run drew (every tier is drawn many
 * times over a run; `all` checks every tier of one spec; `distinct` the default tier and the one the records set apart).
 */
function variants(target: Target, o: DrawnOptions, all: boolean | 'distinct' = false): SupportOptions[] {
  if (target === 'aws') return [{ aws: { cacheClusterSize: o.cacheClusterSize } }];
  if (target === 'azure') return (all === 'distinct' ? (['Developer', 'Consumption'] as const) : all ? AZURE_SKUS : [o.azureSku]).map((azureSku) => ({ azureSku, azure: { externalCache: o.externalCache } }));
  return (all === 'distinct' ? (['INTERMEDIATE', 'BASE'] as const) : all ? APIGEE_ENVIRONMENT_TYPES : [o.apigeeEnvironmentType]).map((apigeeEnvironmentType) => ({ apigeeEnvironmentType }));
}

/** What synth refuses for `spec` on `target` with `options` (the compile runs once per spec and options); [] when it compiles. */
export function synthProblems(spec: GatewaySpec, target: Target, options: SupportOptions): readonly SynthesisProblem[] {
  try {
    COMPILERS[target](spec, options);
    return [];
  } catch (e) {
    if (e instanceof SynthesisError) return e.problems;
    throw e;
  }
}

/** The report for `spec` on `target`, with the compilers synth runs (sharing synthProblems' compile). */
export function reportProblems(spec: GatewaySpec, target: Target, options: SupportOptions): SynthesisProblem[] {
  return portability(spec, [target], { ...options, compilers: COMPILERS }).problems;
}

const synthRefusals = (spec: GatewaySpec, target: Target, options: SupportOptions) => synthProblems(spec, target, options).map(formatProblem).sort();

/** What disagrees for one spec on one target: `options: reported [..], synth [..]`; [] when they agree. */
export function disagreements(spec: GatewaySpec, target: Target, o: DrawnOptions, allTiers: boolean | 'distinct' = false): string[] {
  const out: string[] = [];
  for (const options of variants(target, o, allTiers)) {
    const reported = reportProblems(spec, target, options).map(formatProblem).sort();
    const refused = synthRefusals(spec, target, options);
    if (JSON.stringify(reported) !== JSON.stringify(refused)) out.push(`${target} ${JSON.stringify(options)}: reported ${JSON.stringify(reported)}, synth ${JSON.stringify(refused)}`);
  }
  return out;
}
