/**
 * The vocabulary of capability records: targets, tiers, support levels, the options a check may
 * read, and the context a check receives. No decisions live here; see features.ts (what a spec
 * uses) and targets/*.ts (what each target does with it).
 */
import type { ErrorCode } from '../model/error-contract';
import type { SynthesisProblem } from '../model/errors';
import type { GatewaySpec, KubernetesBackendKind, KubernetesSpecOptions } from '../model/types';
import type { FeatureId } from './features';

export type Target = 'aws' | 'azure' | 'apigee' | 'kubernetes';
/** The targets `synth` and `portability` run when none is named. */
export const TARGETS: readonly Target[] = ['aws', 'azure', 'apigee'];
/** Every target a user may name (`--target kubernetes` is opt-in for now). */
export const ALL_TARGETS: readonly Target[] = ['aws', 'azure', 'apigee', 'kubernetes'];

export type Support = 'native' | 'emulated' | 'unsupported';

/** Tiers that change what a target can do. */
export type AzureSku = 'Consumption' | 'Developer' | 'Basic' | 'Standard' | 'Premium' | 'BasicV2' | 'StandardV2' | 'PremiumV2';
export const AZURE_SKUS: readonly AzureSku[] = ['Consumption', 'Developer', 'Basic', 'Standard', 'Premium', 'BasicV2', 'StandardV2', 'PremiumV2'];
export type ApigeeEnvironmentType = 'BASE' | 'INTERMEDIATE' | 'COMPREHENSIVE';
export const APIGEE_ENVIRONMENT_TYPES: readonly ApigeeEnvironmentType[] = ['BASE', 'INTERMEDIATE', 'COMPREHENSIVE'];

export interface Tiers {
  /** Azure API Management SKU. @default 'Developer' */
  readonly azureSku?: AzureSku;
  /** Apigee environment type. @default 'INTERMEDIATE' */
  readonly apigeeEnvironmentType?: ApigeeEnvironmentType;
}

export const DEFAULT_TIERS: Required<Tiers> = { azureSku: 'Developer', apigeeEnvironmentType: 'INTERMEDIATE' };

/**
 * Tiers plus the compile options a check may need. The per-target blocks mirror the compilers'
 * own option types (AwsCompileOptions, AzureCompileOptions, ApigeeCompileOptions), so a compiler
 * passes its options through unchanged.
 */
export interface SupportOptions extends Tiers {
  readonly aws?: {
    /** Stages compiled. @default - every stage of the spec */
    readonly stages?: readonly string[];
    /** Cache cluster size in GB. @default '0.5' */
    readonly cacheClusterSize?: string;
  };
  readonly azure?: {
    /** The stage the component deploys. @default 'prod' when the spec has it, else the first stage */
    readonly stage?: string;
    /** The service has an external (Redis) cache. @default false */
    readonly externalCache?: boolean;
    /** How the API's operations are created. @default - the spec's azure.apiDefinition, else 'operations' */
    readonly apiDefinition?: 'operations' | 'openapi';
  };
  readonly apigee?: {
    /** Apigee environment of each stage. @default - the stage's own name */
    readonly environments?: Readonly<Record<string, string>>;
    /** The Model Armor template of LLM guards whose backend names none (guards.modelArmor). @default - none */
    readonly modelArmorTemplate?: string;
    /** The environment group host name of each stage, which MCP tools are called at. @default - the stage's custom domains */
    readonly hostnames?: Readonly<Record<string, string>>;
    /** The Apigee organization, which names the managed MCP server's host. @default - none: the organization-less host */
    readonly organization?: string;
  };
  /** The Kubernetes compile options that amend the spec's `kubernetes:` block (KubernetesCompileOptions). */
  readonly kubernetes?: Pick<KubernetesSpecOptions, 'createGateway'> & {
    /** The Gateway the HTTPRoutes attach to. @default - the spec's kubernetes.gateway */
    readonly gateway?: { readonly name: string; readonly namespace?: string; readonly sectionName?: string };
    /** Stages compiled. @default - every stage of the spec */
    readonly stages?: readonly string[];
    /** @default - the spec's kubernetes.hostnames */
    readonly hostnames?: readonly string[];
    /** @default - the spec's kubernetes.namespaces */
    readonly namespaces?: Readonly<Record<string, string>>;
    /** @default - the spec's kubernetes.backendKind, else 'Service' */
    readonly backendKind?: KubernetesBackendKind;
    /** Per stage, the Service of each function binding. @default - the spec's kubernetes.functions */
    readonly functions?: Readonly<Record<string, Readonly<Record<string, { readonly name: string; readonly namespace?: string; readonly port?: number }>>>>;
  };
}

/** What a check sees: the spec, the target at its tier, the compile options, and where the feature is used. */
export interface CheckContext {
  readonly spec: GatewaySpec;
  readonly target: Target;
  /** Target and tier as messages name it: `azure (Consumption)`. */
  readonly label: string;
  readonly tiers: Required<Tiers>;
  readonly options: SupportOptions;
  readonly feature: FeatureId;
  /** Where the spec uses the feature: route ids and/or `gateway`. Never empty when a check runs. */
  readonly uses: readonly string[];
  /** A problem of this feature on this target. */
  problem(where: string, message: string): SynthesisProblem;
}

/**
 * What a measurement is of, where a feature's record checks several limits: AWS's per-method
 * settings and processed template beside the OpenAPI body, Kubernetes path matches and global
 * rate-limit rules, Apigee's zipped bundle.
 */
export type MeasuredKind = 'methodSettings' | 'processedTemplate' | 'pathMatch' | 'globalRateLimitRules';

/** Sizes measured on emitted output, for features whose limits only the output reveals. */
export interface Measured {
  /** Route id or `gateway`. */
  readonly where: string;
  /** The size: bytes, or characters / entries for the kinds that count those. */
  readonly bytes: number;
  /** What was measured. @default - the feature's main artifact (API definition, bundle, policy document) */
  readonly kind?: MeasuredKind;
  /** How many entries the size is made of (method settings), for the message. @default - not stated */
  readonly count?: number;
  /** What would fit instead, as only the compiler that built the output can work it out. @default - the record's own advice */
  readonly remedy?: string;
}

export interface EmittedContext extends CheckContext {
  readonly measured: readonly Measured[];
}

/** What about the behaviour differs: the part of the response or the limit a client observes. */
export type DifferenceAspect = 'status' | 'headers' | 'body' | 'window' | 'burst' | 'claims' | 'accuracy' | 'timeout' | 'client address' | 'methods' | 'deploy' | 'log fields' | 'alerting' | 'cache';

/**
 * A request `anygate conform` can make where a difference shows (dev/conform/differences.ts
 * builds it; docs/dev.md lists them):
 * - `token without exp`: a JWT route, a token signed right but with no exp claim;
 * - `scopes only in scp`: a scoped JWT route, the route's scopes only in the `scp` claim;
 * - `unmatched path`: a path no route matches;
 * - `quota exhausted`: an API-key route, one request past the consumer's quota;
 * - `over the rate limit`: one request past the route's tightest rate limit;
 * - `preflight from a refused origin`: a CORS preflight from an origin the spec does not allow;
 * - `OPTIONS on a mixed path`: with CORS on, an OPTIONS request that is not a preflight (an allowed
 *   Origin, no Access-Control-Request-Method) and no credentials, on the path of an authenticated
 *   ANY or OPTIONS route (lib/model/cors.ts optionsProbeRoute): the spec sends it to that route;
 * - `cache with no-cache`: a cached route's response filled, then the same request again with
 *   `Cache-Control: no-cache` (lib/model/cache.ts noCacheProbeRoute): the spec serves it from the cache.
 */
export type ProbeSituation =
  | 'token without exp'
  | 'scopes only in scp'
  | 'unmatched path'
  | 'quota exhausted'
  | 'over the rate limit'
  | 'preflight from a refused origin'
  | 'OPTIONS on a mixed path'
  | 'cache with no-cache';

/** What a target answers in a probe's situation; unset fields are not checked. */
export interface ProbeAnswer {
  /** The request passes the gateway's checks (no 401, 403 or 429). @default - not checked */
  readonly accepted?: boolean;
  /** The status, or the acceptable ones. @default - the spec's status for the situation */
  readonly status?: number | readonly number[];
  /** The error contract body's `error.code`; null: not the contract's JSON body (the platform's own answer). @default - the spec's code */
  readonly errorCode?: ErrorCode | null;
  /** Response headers; null: absent. @default - none checked */
  readonly headers?: Readonly<Record<string, string | null>>;
  /** The answer is the cached response (true) or a fresh one from the backend (false). @default - not checked */
  readonly fromCache?: boolean;
}

/** The machine-readable side of a difference: the situation and this target's answer there. */
export interface DifferenceProbe {
  readonly situation: ProbeSituation;
  readonly answer: ProbeAnswer;
}

/**
 * One way a target's observable behaviour differs from the spec's meaning (docs/model.md), even
 * though the target synthesizes the feature. Written once, in the target's record; the
 * portability report prints it per feature and target.
 */
export interface BehaviourDifference {
  readonly aspect: DifferenceAspect;
  /** What a client or operator observes on this target, one sentence. */
  readonly observed: string;
  /** What to do about it. @default - nothing anygate or the platform can set changes it */
  readonly remedy?: string;
  /** Only where the spec makes it happen (e.g. several allowed origins). @default - wherever the feature is used */
  readonly when?: (spec: GatewaySpec) => boolean;
  /** What conform sends to observe it, and this target's answer (conform's vector and dev's behaviour come from it). @default - none: not observable by one request */
  readonly probe?: DifferenceProbe;
}

/** What one target does with one feature. */
export interface TargetCapability {
  readonly support: Support;
  /** One line: how the target does it, or why it cannot. For `unsupported`, the problem message. */
  readonly note: string;
  /**
   * Problems the spec causes even though the target supports the feature (ranges, characters a
   * target's language cannot carry, option combinations). Runs only where the feature is used.
   * @default - no check
   */
  readonly check?: (ctx: CheckContext) => SynthesisProblem[];
  /**
   * For `emitted` features: problems in sizes measured on the compiler's output.
   * @default - no check
   */
  readonly checkEmitted?: (ctx: EmittedContext) => SynthesisProblem[];
  /**
   * What the report adds to the note for this spec (a behaviour that depends on the spec's
   * values, such as how late an expired token is still accepted).
   * @default - the note alone
   */
  readonly describe?: (spec: GatewaySpec) => string | undefined;
  /**
   * How the target's observable behaviour differs from the spec's meaning (status, headers, body,
   * window, burst, claims, accuracy...), where it does.
   * @default - none: the target behaves as the spec says
   */
  readonly differences?: readonly BehaviourDifference[];
}

/** What the report shows of a record: support, note, and the differences that apply to the spec. */
export interface Capability extends Pick<TargetCapability, 'support' | 'note'> {
  /** @default - none */
  readonly differences?: readonly BehaviourDifference[];
}

/**
 * One target's records: a base column with an entry for every feature, and per tier the entries
 * that differ from it. `Record<FeatureId, ...>` makes a missing feature a type error.
 */
export interface TargetRecords<Tier extends string = string> {
  readonly target: Target;
  readonly base: Readonly<Record<FeatureId, TargetCapability>>;
  readonly tiers: Readonly<Partial<Record<Tier, Partial<Record<FeatureId, TargetCapability>>>>>;
}
