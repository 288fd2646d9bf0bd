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

/**
 * Each compile runs once per spec and options: the report and synth share the outcome, and so does
 * the corpus synthesis (../openapi/corpus.ts `synthesizeAll`, through `compiled`), which compiles
 * each corpus document for AWS with the options its portability check (./documents.ts) uses.
 * Outcomes are kept per spec object (a WeakMap: a fuzzed spec's go with it); a compiled value only
 * from a `compiled` call until the compile check reads it.
 */
type Outcome = { value?: unknown; error?: unknown };
function memo(compile: (spec: GatewaySpec, o: SupportOptions) => unknown): (spec: GatewaySpec, o: SupportOptions, keep: boolean) => Outcome {
  const bySpec = new WeakMap<GatewaySpec, Map<string, Outcome>>();
  return (spec, o, keep) => {
    const key = JSON.stringify(o);
    let outcomes = bySpec.get(spec);
    if (!outcomes) bySpec.set(spec, (outcomes = new Map()));
    const known = outcomes.get(key);
    if (known && (!keep || 'value' in known || 'error' in known)) {
      if (!keep && 'value' in known) outcomes.set(key, {}); // read once: the plan is not kept
      return known;
    }
    let out: Outcome;
    try {
      const value = compile(spec, o);
      out = keep ? { value } : {};
    } catch (e) {
      out = { error: e };
    }
    outcomes.set(key, out);
    return out;
  };
}

const OUTCOMES: Record<Target, ReturnType<typeof memo>> = {
  aws: memo((spec, o) => compileAws(spec, { ...o.aws, stages: o.aws?.stages && [...o.aws.stages] })),
  azure: memo((spec, o) => compileAzure(spec, { sku: o.azureSku, ...o.azure })),
  apigee: memo((spec, o) => compileApigee(spec, { environmentType: o.apigeeEnvironmentType })),
  kubernetes: memo((spec, o) => compileKubernetes(spec, o.kubernetes)),
};

/** What `target`'s compiler returns for `spec` with `options` (or throws what it threw), compiled once per spec and options. */
export function compiled(target: Target, spec: GatewaySpec, options: SupportOptions): unknown {
  const out = OUTCOMES[target](spec, options, true);
  if ('error' in out) throw out.error;
  return out.value;
}

/** The compile check the report and synth run: throws what the compiler threw. */
const check = (target: Target): Compile => (spec, o) => {
  const out = OUTCOMES[target](spec, o, false);
  if ('error' in out) throw out.error;
};
const COMPILERS: Record<Target, Compile> = { aws: check('aws'), azure: check('azure'), apigee: check('apigee'), kubernetes: check('kubernetes') };

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
