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
import { resolveTiers, targetCapability, targetLabel, tierOf } from './targets';
import type { CheckContext, Measured, SupportOptions, Target, Tiers } from './types';

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
    out.push(...recordProblems(spec, target, options, feature, where));
  }
  return dedupeProblems(out);
}

/**
 * One record's decision, with the options it read to reach it: each option key (`aws`,
 * `apigee`...) and resolved tier it looked at, as JSON. A record that reads none of the options
 * two callers differ in decides the same for both.
 */
interface Decision {
  readonly reads: ReadonlyMap<string, string>;
  readonly problems: readonly SynthesisProblem[];
}

/**
 * What each record decided, by spec object, then target, tier and feature. The compile and the
 * portability report ask with different options (a compile passes its own block, `apigee:
 * {environments}`, `kubernetes: {stages}`; the report passes tiers only), so the memo on the whole
 * options misses between them; most records read no option at all and are decided once here.
 */
const DECIDED = new WeakMap<GatewaySpec, Map<string, Decision[]>>();

/** Marks a read of every option (a check that spread or listed them). */
const ALL = '*';
const jsonOf = (v: unknown): string => String(JSON.stringify(v));

/** What `key` (as `tracked` names it) reads in these options. */
function readValue(key: string, options: SupportOptions, tiers: Required<Tiers>): string {
  const [source, rest] = key.startsWith('tiers.') ? [tiers as object, key.slice(6)] : [options as object, key];
  if (rest === ALL) return jsonOf(source);
  if (rest.startsWith('in ')) return String(rest.slice(3) in source);
  return jsonOf(source[rest as keyof typeof source]);
}

/**
 * `source`, seen through a view that notes in `reads` what a check reads of it: a key's value,
 * whether a key is there, or (listing its keys) all of it.
 */
function tracked<T extends object>(source: T, reads: Map<string, string>, prefix: string): T {
  const value = (key: string | symbol) => {
    if (typeof key === 'string') reads.set(`${prefix}${key}`, jsonOf(source[key as keyof T]));
  };
  const presence = (key: string | symbol) => {
    if (typeof key === 'string') reads.set(`${prefix}in ${key}`, String(key in source));
  };
  return new Proxy(source, {
    get: (t, key) => (value(key), Reflect.get(t, key)),
    has: (t, key) => (presence(key), Reflect.has(t, key)),
    getOwnPropertyDescriptor: (t, key) => (value(key), presence(key), Reflect.getOwnPropertyDescriptor(t, key)),
    ownKeys: (t) => (reads.set(`${prefix}${ALL}`, jsonOf(t)), Reflect.ownKeys(t)),
  });
}

function recordProblems(spec: GatewaySpec, target: Target, options: SupportOptions, feature: FeatureId, where: readonly string[]): readonly SynthesisProblem[] {
  let bySpec = DECIDED.get(spec);
  if (!bySpec) DECIDED.set(spec, (bySpec = new Map()));
  const key = `${target}\0${tierOf(target, options) ?? ''}\0${feature}`;
  let decisions = bySpec.get(key);
  if (!decisions) bySpec.set(key, (decisions = []));
  const tiers = resolveTiers(options);
  const known = decisions.find((d) => [...d.reads].every(([k, v]) => readValue(k, options, tiers) === v));
  if (known) return known.problems;
  const cap = targetCapability(target, feature, options);
  const reads = new Map<string, string>();
  const ctx: CheckContext = {
    ...context(spec, target, options, feature, where),
    options: tracked(options, reads, ''),
    tiers: tracked(tiers, reads, 'tiers.'),
  };
  const problems = cap.support === 'unsupported' ? where.map((w) => ctx.problem(w, cap.note)) : cap.check ? cap.check(ctx) : [];
  decisions.push({ reads, problems });
  return problems;
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
