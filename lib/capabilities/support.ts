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
import { recordAt, resolveTiers, targetCapability, targetLabel, tierOf } from './targets';
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
  const asking = new Asking(spec, target, options);
  const out: SynthesisProblem[] = [];
  for (const { feature, where } of featureUses(spec)) {
    if (FEATURE_RECORDS[feature].phase === 'emitted') continue;
    const problems = asking.decide(feature, where);
    for (let i = 0; i < problems.length; i++) out.push(problems[i]!);
  }
  return dedupeProblems(out);
}

/**
 * One record's decision, with the options it read to reach it: each option key (`aws`,
 * `apigee`...) and resolved tier it looked at, as JSON. A record that reads none of the options
 * two callers differ in decides the same for both.
 */
interface Decision {
  readonly reads: readonly (readonly [key: string, json: string])[];
  readonly problems: readonly SynthesisProblem[];
}

/**
 * What each record decided, by spec object, then target and tier, then feature. The compile and
 * the portability report ask with different options (a compile passes its own block, `apigee:
 * {environments}`, `kubernetes: {stages}`; the report passes tiers only), so the memo on the whole
 * options misses between them; most checks read no option at all and are decided once here.
 */
const DECIDED = new WeakMap<GatewaySpec, Map<string, Map<FeatureId, Decision[]>>>();

/** No problem (shared: callers only read a decision's problems). */
const NONE: readonly SynthesisProblem[] = Object.freeze([]);

/** Marks a read of every option (a check that spread or listed them). */
const ALL = '*';
const jsonOf = (v: unknown): string => String(JSON.stringify(v));

/**
 * The option keys the running check has read (`tiers.` before a tier's): the views in `tracked`
 * note into it. Values are encoded once the check is done, and once per asking (see Asking.json),
 * not at every read.
 */
let reading: Set<string> | undefined;

/** Traps of the view `tracked` puts on the options (prefix '') and on the tiers ('tiers.'); built once. */
function traps(prefix: string): ProxyHandler<object> {
  return {
    get(t, key) {
      if (reading && typeof key === 'string') reading.add(prefix + key);
      return Reflect.get(t, key);
    },
    has(t, key) {
      if (reading && typeof key === 'string') reading.add(`${prefix}in ${key}`);
      return Reflect.has(t, key);
    },
    getOwnPropertyDescriptor(t, key) {
      if (reading && typeof key === 'string') reading.add(prefix + key).add(`${prefix}in ${key}`);
      return Reflect.getOwnPropertyDescriptor(t, key);
    },
    ownKeys(t) {
      if (reading) reading.add(prefix + ALL);
      return Reflect.ownKeys(t);
    },
  };
}
const OPTION_TRAPS = traps('');
const TIER_TRAPS = traps('tiers.');

/**
 * `source`, seen through a view that notes in `reading` what a check reads of it: a key's value,
 * whether a key is there, or (listing its keys) all of it.
 */
const tracked = <T extends object>(source: T, handler: ProxyHandler<object>): T => new Proxy(source, handler) as T;

/**
 * A problem maker per target label and feature (`ctx.problem`, which checks pass on as a plain
 * function), made once rather than per check.
 */
const PROBLEM = new Map<string, CheckContext['problem']>();
function problemOf(label: string, feature: FeatureId): CheckContext['problem'] {
  const key = `${label}\0${feature}`;
  let problem = PROBLEM.get(key);
  if (!problem) PROBLEM.set(key, (problem = (where, message) => ({ target: label, where, feature, message })));
  return problem;
}

/**
 * One question `targetProblems` answers (spec, target, options): what every record shares of it
 * (tiers, label, the views that note reads, the memo of this spec at this tier) is worked out
 * once, not per record.
 */
class Asking {
  private readonly tiers: Required<Tiers>;
  private readonly tier: string | undefined;
  private readonly label: string;
  private readonly decided: Map<FeatureId, Decision[]>;
  /** The JSON of each option key read so far, in these options (options do not change while asked). */
  private readonly values = new Map<string, string>();
  private trackedOptions: SupportOptions | undefined;
  private trackedTiers: Required<Tiers> | undefined;

  constructor(
    private readonly spec: GatewaySpec,
    private readonly target: Target,
    private readonly options: SupportOptions,
  ) {
    this.tiers = resolveTiers(options);
    this.tier = tierOf(target, options);
    this.label = targetLabel(target, options);
    let bySpec = DECIDED.get(spec);
    if (!bySpec) DECIDED.set(spec, (bySpec = new Map()));
    const key = `${target}\0${this.tier ?? ''}`;
    let decided = bySpec.get(key);
    if (!decided) bySpec.set(key, (decided = new Map()));
    this.decided = decided;
  }

  /** What `key` (as the views name it) reads in these options, as JSON. */
  private json(key: string): string {
    let v = this.values.get(key);
    if (v === undefined) {
      const [source, rest]: [object, string] = key.startsWith('tiers.') ? [this.tiers, key.slice(6)] : [this.options, key];
      v = rest === ALL ? jsonOf(source) : rest.startsWith('in ') ? String(rest.slice(3) in source) : jsonOf(source[rest as keyof typeof source]);
      this.values.set(key, v);
    }
    return v;
  }

  /** Whether every option `d` read is the same in these options. */
  private holds(d: Decision): boolean {
    for (let i = 0; i < d.reads.length; i++) if (this.json(d.reads[i]![0]) !== d.reads[i]![1]) return false;
    return true;
  }

  /** The record's decision on `feature` used at `where`: a known one whose reads hold, or a fresh one. */
  decide(feature: FeatureId, where: readonly string[]): readonly SynthesisProblem[] {
    const known = this.decided.get(feature);
    if (known) for (const d of known) if (this.holds(d)) return d.problems;
    const cap = recordAt(this.target, this.tier, feature);
    // A supported record without a check reads no option and finds nothing: decided again (a
    // lookup) rather than remembered (most features a spec uses: each cost a fresh spec a map
    // entry and two lists).
    if (cap.support !== 'unsupported' && !cap.check) return NONE;
    let decisions = known;
    if (!decisions) this.decided.set(feature, (decisions = []));
    if (cap.support === 'unsupported') {
      // One problem per use, the record's note the message; no option is read.
      const { label } = this;
      const decision: Decision = { reads: [], problems: where.map((w) => ({ target: label, where: w, feature, message: cap.note })) };
      decisions.push(decision);
      return decision.problems;
    }
    const check = cap.check!;
    const ctx: CheckContext = {
      spec: this.spec,
      target: this.target,
      label: this.label,
      tiers: (this.trackedTiers ??= tracked(this.tiers, TIER_TRAPS)),
      options: (this.trackedOptions ??= tracked(this.options, OPTION_TRAPS)),
      feature,
      uses: where,
      problem: problemOf(this.label, feature),
    };
    const outer = reading;
    const read = (reading = new Set());
    let problems: readonly SynthesisProblem[];
    try {
      problems = check(ctx);
    } finally {
      reading = outer;
    }
    const decision: Decision = { reads: [...read].map((k) => [k, this.json(k)] as const), problems };
    decisions.push(decision);
    return decision.problems;
  }
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
