/**
 * The portability report: for each feature a spec uses (and where), what each target will do,
 * and every problem synthesis would refuse. Built from the same records and the same
 * `targetProblems` the compilers call first (support.ts), so the report and `synth` agree.
 *
 * Emitted-size limits (`size`, `policy.size`) depend on the compiler's output, not the spec. When
 * the caller passes `compilers`, the report runs each compiler whose target has no spec problem
 * (compilers are pure and fast, and stop at assertSupported otherwise) and takes the problems of
 * those emitted features from its SynthesisError. Without `compilers` the report covers
 * spec-level decisions only; the CLI always passes them.
 */
import { SynthesisError, type SynthesisProblem } from '../model/errors';
import type { GatewaySpec } from '../model/types';
import { FEATURE_RECORDS, FEATURES, featureUses, isFeatureId, type FeatureId } from './features';
import { targetProblems } from './support';
import { capability } from './targets';
import { TARGETS, type Capability, type SupportOptions, type Target, type Tiers } from './types';

export type { FeatureUse } from './features';
export { featuresUsed } from './features';

export interface PortabilityRow {
  readonly feature: FeatureId;
  readonly title: string;
  readonly where: string[];
  readonly targets: Partial<Record<Target, Capability>>;
}

export interface PortabilityReport {
  readonly targets: Target[];
  readonly tiers: Tiers;
  readonly rows: PortabilityRow[];
  /** Everything a target cannot do, by route: synthesis for that target fails on these. */
  readonly problems: SynthesisProblem[];
  /**
   * What the compilers that ran (`compilers`) warn about, by target, each ending with its rule id
   * (warnings.ts), the warnings synth prints. @default - none without compilers
   */
  readonly warnings: Partial<Record<Target, string[]>>;
}

/** A compiler as the report runs it: throws SynthesisError when it refuses; returns its warnings (a plan has them). */
export type Compile = (spec: GatewaySpec, options: SupportOptions) => { readonly warnings?: readonly string[] } | void;

export interface PortabilityOptions extends SupportOptions {
  /** Compilers to run for emitted-size limits. @default - spec-level decisions only */
  readonly compilers?: Partial<Record<Target, Compile>>;
}

function fromCompiler(spec: GatewaySpec, compile: Compile, options: SupportOptions): { problems: SynthesisProblem[]; warnings: string[] } {
  try {
    return { problems: [], warnings: [...(compile(spec, options)?.warnings ?? [])] };
  } catch (e) {
    if (!(e instanceof SynthesisError)) throw e;
    return { problems: e.problems.filter((p) => isFeatureId(p.feature) && FEATURE_RECORDS[p.feature].phase === 'emitted'), warnings: [] };
  }
}

/**
 * The tiers a spec is synthesized at: the caller's (a CLI flag, a component option) over the
 * spec's own (`azure.sku`), as the compilers merge them (providers/azure/compile.ts
 * withSpecOptions). synth, validate --target and portability all read the tier from here, so a
 * refusal or a report header names the tier synth uses.
 * @returns the caller's tiers with those it leaves out taken from the spec (still undefined when
 * neither sets one: the target's default, DEFAULT_TIERS)
 */
export function specTiers(spec: Pick<GatewaySpec, 'azure'>, given: Tiers = {}): Tiers {
  const azureSku = given.azureSku ?? spec.azure?.sku;
  return { ...(azureSku ? { azureSku } : {}), ...(given.apigeeEnvironmentType ? { apigeeEnvironmentType: given.apigeeEnvironmentType } : {}) };
}

/**
 * What each of `targets` will do with each feature `spec` uses, and what synthesis refuses, at the
 * tiers `specTiers` resolves from `options` and the spec.
 */
export function portability(spec: GatewaySpec, targets: readonly Target[] = TARGETS, options: PortabilityOptions = {}): PortabilityReport {
  const { compilers, ...given } = options;
  const tiers: Tiers = { azureSku: undefined, apigeeEnvironmentType: undefined, ...specTiers(spec, given) };
  const support: SupportOptions = { ...given, ...tiers };
  // Listed features, and unlisted ones (backend timeout...) where some target behaves differently.
  const rows: PortabilityRow[] = featureUses(spec).flatMap(({ feature, where }) => {
    const cells = Object.fromEntries(targets.map((t) => [t, capability(t, feature, tiers, spec)])) as Partial<Record<Target, Capability>>;
    if (!FEATURE_RECORDS[feature].listed && !Object.values(cells).some((c) => c?.differences?.length)) return [];
    return [{ feature, title: FEATURES[feature], where: where.includes('gateway') ? ['gateway', ...where.filter((w) => w !== 'gateway')] : where, targets: cells }];
  });
  const problems: SynthesisProblem[] = [];
  const warnings: Partial<Record<Target, string[]>> = {};
  for (const t of targets) {
    const found = targetProblems(spec, t, support);
    const compile = compilers?.[t];
    if (!found.length && compile) {
      const compiled = fromCompiler(spec, compile, support);
      found.push(...compiled.problems);
      if (compiled.warnings.length) warnings[t] = compiled.warnings;
    }
    problems.push(...found);
  }
  return { targets: [...targets], tiers, rows, problems, warnings };
}

export { targetProblems } from './support';
