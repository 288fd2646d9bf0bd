/**
 * The one entry point every compiler calls first: `assertSupported(spec, target, options)`. It
 * runs, for each feature the spec uses, the target's record at the requested tier: an
 * `unsupported` record is one problem per use (its note is the message), a `check` adds the
 * problems it finds. The portability report calls the same function, so `anygate portability`
 * and `anygate synth` share every decision.
 *
 * Limits on emitted output (features with phase `emitted`: AWS OpenAPI import size, APIM policy
 * bytes, Apigee bundle size) cannot be decided from the spec. A compiler measures its output and
 * calls `emittedProblems(...)`, whose messages also come from the target records; the report
 * learns them by running the (pure, fast) compilers, see portability.ts.
 */
import { dedupeProblems, SynthesisError, type SynthesisProblem } from '../model/errors';
import type { GatewaySpec } from '../model/types';
import { FEATURE_RECORDS, featureUses, type FeatureId } from './features';
import { resolveTiers, targetCapability, targetLabel } from './targets';
import type { CheckContext, Measured, SupportOptions, Target } from './types';

function context(spec: GatewaySpec, target: Target, options: SupportOptions, feature: FeatureId, uses: readonly string[]): CheckContext {
  const label = targetLabel(target, options);
  return {
    spec,
    target,
    label,
    tiers: resolveTiers(options),
    options,
    feature,
    uses,
    problem: (where, message) => ({ target: label, where, feature, message }),
  };
}

/**
 * What targetProblems found, by spec object, then target and options: a compile (assertSupported),
 * the portability report and `anygate dev` ask the same question of one spec, and specs are not
 * changed once normalized. Callers get a copy of the list.
 */
const FOUND = new WeakMap<GatewaySpec, Map<string, readonly SynthesisProblem[]>>();

/** Everything `target` (at the tier in `options`) refuses in `spec` before emission, in record order. */
export function targetProblems(spec: GatewaySpec, target: Target, options: SupportOptions = {}): SynthesisProblem[] {
  let bySpec = FOUND.get(spec);
  if (!bySpec) FOUND.set(spec, (bySpec = new Map()));
  const key = `${target} ${JSON.stringify(options)}`;
  let found = bySpec.get(key);
  if (!found) bySpec.set(key, (found = findProblems(spec, target, options)));
  return [...found];
}

function findProblems(spec: GatewaySpec, target: Target, options: SupportOptions): SynthesisProblem[] {
  const out: SynthesisProblem[] = [];
  for (const { feature, where } of featureUses(spec)) {
    if (FEATURE_RECORDS[feature].phase === 'emitted') continue;
    const cap = targetCapability(target, feature, options);
    const ctx = context(spec, target, options, feature, where);
    if (cap.support === 'unsupported') out.push(...where.map((w) => ctx.problem(w, cap.note)));
    else if (cap.check) out.push(...cap.check(ctx));
  }
  return dedupeProblems(out);
}

/** Throws a SynthesisError listing every problem of `targetProblems`, if there is any. */
export function assertSupported(spec: GatewaySpec, target: Target, options: SupportOptions = {}): void {
  const problems = targetProblems(spec, target, options);
  if (problems.length) throw new SynthesisError(targetLabel(target, options), problems);
}

/**
 * Problems in sizes a compiler measured on its output, for an `emitted` feature (`size`,
 * `policy.size`). Compilers add these to their own list before throwing.
 */
export function emittedProblems(spec: GatewaySpec, target: Target, options: SupportOptions, feature: FeatureId, measured: readonly Measured[]): SynthesisProblem[] {
  const cap = targetCapability(target, feature, options);
  if (!cap.checkEmitted) return [];
  return cap.checkEmitted({ ...context(spec, target, options, feature, ['gateway']), measured });
}
