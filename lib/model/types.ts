/**
 * The canonical GatewaySpec: what normalization produces and every compiler consumes. Plain,
 * serializable data with every default applied once, maps in sorted key order and routes in a
 * canonical order, so the same gateway always serializes to the same bytes.
 */
import type { z } from 'zod';
import type {
  CachePolicy,
  Cors,
  CustomAuthorizer,
  HttpBackend,
  JwtAuthorizer,
  Plan,
  Quota,
  RateLimit,
  RequestValidation,
  Route,
  Transform,
} from './schema';
import type { DomainSpec } from './domains';
import type { ComponentsSpec, RouteContractSpec } from './contract';
import type { PathSegment } from './path';
import type { TemplatePart } from './template';
import type { ErrorMode } from './error-contract';
import type { LlmBackendSpec } from './llm';
import type { McpServerSpec, McpToolSpec } from './mcp';

export type { LlmBackendSpec, LlmGuardsSpec, PiiGuardSpec, PromptSafetyGuardSpec, TokenLimitSpec, TokenMetricsSpec, LlmProvider } from './llm';
export type { McpAnnotationsSpec, McpServerSpec, McpToolSpec } from './mcp';
import type { ObjectiveSpec } from './objectives';
import type { RouteFieldSpecs } from './route-field';
import type { RetrySpec } from './retry';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';

/** Standard methods, in the canonical order used for sorting. ANY sorts first. */
export const METHOD_ORDER: readonly HttpMethod[] = ['ANY', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** schema.ts RateLimit, burst settled. */
export interface RateLimitSpec {
  requestsPerSecond: number;
  burst: number;
}
/** schema.ts Quota. */
export interface QuotaSpec {
  limit: number;
  period: 'day' | 'week' | 'month';
}
/** schema.ts Transform, as written. */
export interface TransformSpec {
  request?: {
    setHeaders?: Record<string, string>;
    removeHeaders?: string[];
    setQuery?: Record<string, string>;
    removeQuery?: string[];
    rewritePath?: string;
    body?: unknown;
  };
  response?: {
    setHeaders?: Record<string, string>;
    removeHeaders?: string[];
    redact?: string[];
  };
}
/** schema.ts RequestValidation, as written. */
export interface RequestValidationSpec {
  requiredQuery?: string[];
  requiredHeaders?: string[];
  bodySchema?: Record<string, unknown>;
  contract?: boolean | { parameters?: boolean; body?: boolean };
}

export interface CachePolicySpec {
  readonly ttlSeconds: number;
  /** One entry for every caller; false: the caller's identity is part of the key on auth routes. */
  readonly shared: boolean;
  readonly key: { readonly query: string[]; readonly headers: string[] };
}

/**
 * Who may call a route: `none`, or alternatives (any one suffices) each of which requires all of
 * its authorizers.
 */
export type AuthRequirement = 'none' | string[][];

/** schema.ts HttpBackend, timeout settled. */
export interface HttpBackendSpec {
  type: 'http';
  url?: string;
  targets?: { url: string; weight: number }[];
  circuitBreaker?: { failures: number; intervalSeconds: number; tripSeconds: number };
  readonly timeoutMs: number;
}
export interface FunctionBackendSpec {
  readonly type: 'function';
  readonly binding: string;
  readonly timeoutMs: number;
}
export interface MockBackendSpec {
  readonly type: 'mock';
  readonly statusCode: number;
  readonly body?: unknown;
  readonly headers: Record<string, string>;
}
export type BackendSpec = HttpBackendSpec | FunctionBackendSpec | MockBackendSpec | LlmBackendSpec;

/** schema.ts JwtAuthorizer, defaults applied. */
export interface JwtAuthorizerSpec {
  type: 'jwt';
  issuer: string;
  audiences: string[];
  jwksUri?: string;
  typ?: string;
  readonly algorithms: string[];
  readonly requiredClaims: Record<string, string>;
  readonly scopeClaim: string;
  readonly header: string;
  readonly clockSkewSeconds: number;
  readonly resultTtlSeconds: number;
}
export interface ApiKeyAuthorizerSpec {
  readonly type: 'apiKey';
  readonly in: 'header' | 'query';
  readonly name: string;
  /** The auth scheme the key follows in its header (`Bearer`). @default - the whole value is the key */
  readonly scheme?: string;
}
/** schema.ts CustomAuthorizer, defaults applied. */
export interface CustomAuthorizerSpec {
  type: 'custom';
  binding: string;
  readonly header: string;
  readonly resultTtlSeconds: number;
}
export type AuthorizerSpec = JwtAuthorizerSpec | ApiKeyAuthorizerSpec | CustomAuthorizerSpec;

/** schema.ts Plan, its rate limit's burst settled. */
export interface PlanSpec {
  description?: string;
  quota?: QuotaSpec;
  readonly rateLimit?: RateLimitSpec;
}

/** API revisions: `list` ascending by number, `current` among them. */
export interface RevisionsSpec {
  readonly current: number;
  readonly list: readonly { readonly number: number; readonly description?: string }[];
}

export interface ConsumerSpec {
  readonly plan: string;
  readonly description?: string;
  readonly apiKey?: { readonly secretRef: string };
  /** The client certificate that identifies the consumer instead of an API key; `sha256` is canonical (lower-case hex, no colons). @default - an API key identifies it */
  readonly clientCertificate?: { readonly sha256: string };
}

/**
 * The route's transform templates, parsed once by normalization (validation already checked
 * them), so no compiler parses a path or a placeholder again.
 */
export interface RouteTemplates {
  /** transform.request.setHeaders values, by header name. */
  readonly setHeaders: Record<string, TemplatePart[]>;
  /** transform.request.setQuery values, by parameter name. */
  readonly setQuery: Record<string, TemplatePart[]>;
  /** transform.request.rewritePath, parsed. @default - no rewrite */
  readonly rewritePath?: PathSegment[];
  /** Every string leaf of transform.request.body with its JSON path, parsed. */
  readonly body: { readonly path: (string | number)[]; readonly parts: TemplatePart[] }[];
  /**
   * transform.response.setHeaders values, by header name: each one text part. Response header
   * values are literal on every target (no `${...}` placeholders: AWS, Azure, Apigee and dev
   * always wrote them as written), so `${header.x}` reaches the client as those characters.
   */
  readonly responseHeaders: Record<string, TemplatePart[]>;
}

/**
 * The normalized form of every route field whose module registers rules (lib/model/route-field.ts),
 * each optional: what `RouteFieldSpecs<typeof Route.shape>` infers, declared (see "Declared, and
 * checked against the schema" below).
 */
export interface RouteFieldSpecsDeclared {
  readonly retry?: RetrySpec;
}

/**
 * One route. Fields whose module registers rules (lib/model/route-field.ts) come from
 * RouteFieldSpecsDeclared (checked against `Route`'s shape); the others are listed here.
 */
export interface RouteSpec extends RouteFieldSpecsDeclared {
  readonly id: string;
  readonly method: HttpMethod;
  /** Path template relative to basePath. */
  readonly path: string;
  /** The parsed template. */
  readonly segments: PathSegment[];
  readonly backend: string;
  readonly auth: AuthRequirement;
  /**
   * Optional authentication (`auth: { anyOf, optional: true }`): a request carrying none of the
   * credentials `auth` reads is let in anonymously; one that carries any is checked as usual.
   * @default false
   */
  readonly authOptional?: boolean;
  readonly scopes: string[];
  readonly rateLimit?: RateLimitSpec;
  readonly cache?: CachePolicySpec;
  readonly transform?: TransformSpec;
  /** The transform's templates, parsed. @default - present only when the route has a request or response transform */
  readonly templates?: RouteTemplates;
  readonly timeoutMs: number;
  readonly validation?: RequestValidationSpec;
  readonly description?: string;
  readonly tags: string[];
  /** The OpenAPI operation the route publishes, without what its path and validation imply. @default - none */
  readonly contract?: RouteContractSpec;
  /** Options only the Apigee adapter reads. */
  readonly apigee?: { readonly honorNoCache?: boolean };
  /** The route as an MCP tool (name settled, annotations filled). @default - not a tool */
  readonly mcp?: McpToolSpec;
  /** The versions serving the route, in `versions.list` order. @default - absent when the spec declares no versions */
  readonly versions?: string[];
  /** The revisions holding the route, ascending. @default - every revision (absent) */
  readonly revisions?: number[];
  /**
   * Set only on the routes of an expanded spec (lib/model/versions.ts expandVersions) under header
   * or query versioning: the request must carry this value. @default - no version selector
   */
  readonly select?: VersionSelector;
}

/** A header or query parameter a request must carry, with exactly this value. */
export interface VersionSelector {
  readonly in: 'header' | 'query';
  readonly name: string;
  readonly value: string;
}

/** One API version (see schema.ts ApiVersion). Dates are as written: `2027-01-31` or `2027-01-31T12:00:00Z`. */
export interface VersionSpec {
  readonly name: string;
  readonly deprecated?: string;
  readonly sunset?: string;
  readonly link?: string;
}

export interface VersionsSpec {
  readonly scheme: 'path' | 'header' | 'query';
  /** The header or query parameter name; `` for path versioning. */
  readonly name: string;
  /** Oldest first. */
  readonly list: VersionSpec[];
}

export interface ReleaseSpec {
  readonly canary?: CanarySpec;
}

export interface CanarySpec {
  readonly percent: number;
  /** The canary backend (a backend canary). @default - absent on a version canary */
  readonly backend?: string;
  /**
   * The canary version (a version canary): the routes of `of` that this version also serves (same
   * method and path, another backend) send `percent` of their requests to its route's backend
   * (lib/model/canary.ts lowerVersionCanary). @default - absent on a backend canary
   */
  readonly version?: string;
  /** The backend (backend canary) or version (version canary) whose requests are shared. */
  readonly of: string;
  /** The header or cookie whose value keeps a caller on one side (lib/model/versions.ts canaryBucket, stickyKey). @default - every request drawn anew */
  readonly stickiness?: { readonly header: string } | { readonly cookie: string };
}

export interface StageSpec {
  readonly description?: string;
  readonly variables: Record<string, string>;
  readonly backends: Record<string, { readonly url: string }>;
  readonly throttle?: RateLimitSpec;
  readonly logLevel: 'off' | 'error' | 'info';
  readonly tracing: boolean;
}

/** schema.ts Cors, defaults applied. */
export interface CorsSpec {
  allowOrigins: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAgeSeconds: number;
  readonly allowMethods: HttpMethod[];
}

export interface IpRulesSpec {
  readonly allow: string[];
  readonly deny: string[];
}

export interface ObservabilitySpec {
  readonly accessLogs: boolean;
  readonly logRetentionDays: number;
  readonly logLevel: 'off' | 'error' | 'info';
  readonly tracing: boolean;
  readonly metrics: boolean;
  /** Service-level objectives, in spec order (lib/model/objectives.ts). */
  readonly objectives: ObjectiveSpec[];
  readonly dashboards: boolean;
}

export interface GatewaySpec {
  readonly name: string;
  readonly version: string;
  /** `/` or a prefix such as `/v1` (no trailing slash). */
  readonly basePath: string;
  /** basePath, parsed. */
  readonly basePathSegments: PathSegment[];
  readonly description?: string;
  readonly backends: Record<string, BackendSpec>;
  readonly authorizers: Record<string, AuthorizerSpec>;
  readonly plans: Record<string, PlanSpec>;
  readonly consumers: Record<string, ConsumerSpec>;
  readonly routes: RouteSpec[];
  readonly stages: Record<string, StageSpec>;
  readonly cors?: CorsSpec;
  readonly ipRules?: IpRulesSpec;
  readonly observability: ObservabilitySpec;
  /** The gateway's own refusals: one contract on every target, or each cloud's own (error-contract.ts). @default 'anygate' */
  readonly errors: ErrorMode;
  /** Warning rule ids the spec silences (as `validate --ignore`). @default - none */
  readonly ignoreWarnings?: string[];
  /** Custom domains, sorted by host name (lib/model/domains.ts). @default - none: the cloud's own host only */
  readonly domains?: DomainSpec[];
  /** Shared contract parts that route contracts reference. @default - none */
  readonly components?: ComponentsSpec;
  /** Options only the AWS adapter reads. */
  readonly aws?: { readonly binaryMediaTypes?: string[] };
  /** Options only the Azure adapter reads. */
  readonly azure?: {
    readonly sku?: 'Consumption' | 'Developer' | 'Basic' | 'Standard' | 'Premium' | 'BasicV2' | 'StandardV2' | 'PremiumV2';
    readonly externalCache?: boolean;
    readonly versioning?: 'Segment' | 'Header' | 'Query';
    readonly apiDefinition?: 'operations' | 'openapi';
  };
  /** Options only the Kubernetes adapter reads. */
  readonly kubernetes?: KubernetesSpecOptions;
  /** The gateway's MCP server. @default - present only when some route is a tool */
  readonly mcp?: McpServerSpec;
  /** API versions. @default - one unversioned API */
  readonly versions?: VersionsSpec;
  /** API revisions (lib/model/revisions.ts). @default - one content */
  readonly revisions?: RevisionsSpec;
  /** Canary release. @default - none */
  readonly release?: ReleaseSpec;
}

/**
 * What an HTTP backend becomes on Kubernetes: a selector-less Service with an EndpointSlice
 * (works on a default Envoy Gateway install), or an Envoy Gateway Backend (needs the Backend API,
 * off by default). docs/kubernetes.md explains the default.
 */
export type KubernetesBackendKind = 'Service' | 'Backend';

/**
 * The spec's `kubernetes.monitoring`: what Prometheus Operator's selectors and Grafana's dashboard
 * sidecar need to load the PrometheusRule, the PodMonitor and the dashboard ConfigMaps.
 */
export interface KubernetesMonitoringSpec {
  /** Labels of the PrometheusRule and the PodMonitor (kube-prometheus-stack: `release: <Helm release name>`). @default {} */
  readonly labels?: Record<string, string>;
  /** Namespace of the dashboard ConfigMaps (Grafana's, which its sidecar watches by default). @default - each stage's namespace */
  readonly dashboardsNamespace?: string;
}

/** The spec's `kubernetes:` block (see schema.ts KubernetesGatewayOptions for defaults). */
export interface KubernetesSpecOptions {
  /** What HTTP backends become. @default 'Service' */
  readonly backendKind?: KubernetesBackendKind;
  readonly gateway?: { readonly name?: string; readonly namespace?: string; readonly sectionName?: string };
  readonly hostnames?: string[];
  readonly namespaces?: Record<string, string>;
  /** Per stage, per binding. */
  readonly functions?: Record<string, Record<string, { readonly name: string; readonly namespace?: string; readonly port?: number }>>;
  /** How Prometheus Operator and Grafana find the observability objects. @default - no labels, dashboards in each stage namespace */
  readonly monitoring?: KubernetesMonitoringSpec;
  readonly createGateway?: {
    readonly className?: string;
    readonly controllerName?: string;
    readonly listeners?: {
      readonly name?: string;
      readonly port?: number;
      readonly protocol?: 'HTTP' | 'HTTPS';
      readonly hostname?: string;
      readonly certificateRefs?: { readonly name: string; readonly namespace?: string }[];
    }[];
  };
}

export { MODEL_DEFAULTS } from './defaults';
export type { DomainSpec, MtlsSpec } from './domains';

/*
 * Declared, and checked against the schema. The types above that restate what zod infers from
 * schema.ts (and RouteFieldSpecsDeclared, what RouteFieldSpecs infers from Route's shape) are
 * written out so that a program reading these declarations (every test file, through dist/'s
 * .d.ts; a user's project) does not infer them from the zod schema's types again: that inference
 * was most of the tests' type check (docs/performance.md, "Round 3, eighth pass"). The build
 * checks each one here: a field added to the schema and not to its type here (or the other way
 * round) fails the build on the line naming it. Each must be the same type (TypeScript's identity
 * check, which is deep: an optional field only one side has, at any depth, fails it; assignability
 * both ways would not), intersections flattened to one object type first.
 */
type Flat<T> = { [K in keyof T]: T[K] };
type Same<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
type Holds<T extends true> = T;
type SchemaAgreement = [
  Holds<Same<RateLimitSpec, Required<z.output<typeof RateLimit>>>>,
  Holds<Same<QuotaSpec, z.output<typeof Quota>>>,
  Holds<Same<TransformSpec, z.output<typeof Transform>>>,
  Holds<Same<RequestValidationSpec, z.output<typeof RequestValidation>>>,
  Holds<Same<HttpBackendSpec, Omit<z.output<typeof HttpBackend>, 'timeoutMs'> & { readonly timeoutMs: number }>>,
  Holds<Same<JwtAuthorizerSpec, Omit<z.output<typeof JwtAuthorizer>, 'algorithms' | 'requiredClaims' | 'scopeClaim' | 'header' | 'clockSkewSeconds' | 'resultTtlSeconds'> & Pick<JwtAuthorizerSpec, 'algorithms' | 'requiredClaims' | 'scopeClaim' | 'header' | 'clockSkewSeconds' | 'resultTtlSeconds'>>>,
  Holds<Same<CustomAuthorizerSpec, Omit<z.output<typeof CustomAuthorizer>, 'header' | 'resultTtlSeconds'> & { readonly header: string; readonly resultTtlSeconds: number }>>,
  Holds<Same<PlanSpec, Omit<z.output<typeof Plan>, 'rateLimit'> & { readonly rateLimit?: RateLimitSpec }>>,
  Holds<Same<CorsSpec, Required<Omit<z.output<typeof Cors>, 'allowMethods'>> & { readonly allowMethods: HttpMethod[] }>>,
  Holds<Same<RouteFieldSpecsDeclared, RouteFieldSpecs<typeof Route.shape>>>,
];
