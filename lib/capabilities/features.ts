/**
 * Every feature of the model, one record each: an id (the typed union `FeatureId`), a title, and
 * `detect(spec)`, which says where a spec uses it (route ids, or `gateway`). What each target does
 * with a feature lives in targets/<target>.ts; assertSupported and the portability report both
 * read these records, so they cannot disagree.
 */
import type { AuthorizerSpec, GatewaySpec, RouteSpec } from '../model/types';
import { routeContractParts } from '../model/contract-validation';

export interface FeatureRecord {
  readonly id: FeatureId;
  /** Human title for tables and messages. */
  readonly title: string;
  /** Where the spec uses the feature, in spec order, without repeats; empty when unused. */
  readonly detect: (spec: GatewaySpec) => string[];
  /**
   * `spec`: decided from the spec and options before emission. `emitted`: a limit on the
   * compiler's output (sizes), decided after emission (see emission.ts).
   * @default 'spec'
   */
  readonly phase?: 'spec' | 'emitted';
  /**
   * Shown as a row of the portability table. Limits and option checks that every spec meets
   * unless a problem says otherwise are not.
   * @default true
   */
  readonly listed?: boolean;
}

/** Whether one route uses a feature. */
type RoutePredicate = (r: RouteSpec, spec: GatewaySpec) => boolean;
/** A detect that asks `route` of each route; featureUses asks every such record in one walk. */
type RouteDetect = ((spec: GatewaySpec) => string[]) & { readonly route: RoutePredicate };
const routes = (pred: RoutePredicate): RouteDetect => Object.assign((spec: GatewaySpec) => spec.routes.filter((r) => pred(r, spec)).map((r) => r.id), { route: pred });
type GatewayPredicate = (spec: GatewaySpec) => boolean;
const gateway = (pred: GatewayPredicate) => Object.assign((spec: GatewaySpec) => (pred(spec) ? ['gateway'] : []), { gateway: pred });
const always = Object.assign(() => ['gateway'], { gateway: () => true });

/**
 * The route featureUses is asking about, and what its records share of it: set only during that
 * walk, so six auth records find a route's authorizers once and two path records its parameters.
 */
let walking: { route: RouteSpec; spec: GatewaySpec; authorizers?: AuthorizerSpec[]; params?: ParamSegment[] } | undefined;

/** A route's authorizers, each once (loops, no Set: six records call this for every route). */
const authorizersOf = (r: RouteSpec, spec: GatewaySpec): AuthorizerSpec[] => {
  if (walking?.route === r && walking.spec === spec) return (walking.authorizers ??= findAuthorizers(r, spec));
  return findAuthorizers(r, spec);
};
const findAuthorizers = (r: RouteSpec, spec: GatewaySpec): AuthorizerSpec[] => {
  if (r.auth === 'none') return [];
  const names: string[] = [];
  for (const alt of r.auth) for (const n of alt) if (!names.includes(n)) names.push(n);
  return names.map((n) => spec.authorizers[n]!);
};
const isDefaultKey = (a: AuthorizerSpec) => a.type === 'apiKey' && a.in === 'header' && a.name.toLowerCase() === 'x-api-key';
type ParamSegment = Extract<RouteSpec['segments'][number], { kind: 'param' }>;
const findParams = (r: RouteSpec): ParamSegment[] => r.segments.flatMap((s) => (s.kind === 'param' ? [s] : []));
const params = (r: RouteSpec): ParamSegment[] => (walking?.route === r ? (walking.params ??= findParams(r)) : findParams(r));
const backendOf = (r: RouteSpec, spec: GatewaySpec) => spec.backends[r.backend];
const req = (r: RouteSpec) => r.transform?.request;
const res = (r: RouteSpec) => r.transform?.response;
const stages = (spec: GatewaySpec) => Object.values(spec.stages);

/** The records, in the order the portability table lists them. */
const RECORDS = {
  'route.any': { title: 'ANY method', detect: routes((r) => r.method === 'ANY') },
  'path.greedy': { title: 'greedy path parameter {p+}', detect: routes((r) => params(r).some((s) => s.greedy)) },
  'path.mixedSegment': { title: 'parameter sharing a segment with text ({id}.json)', detect: routes((r) => params(r).some((s) => Boolean(s.prefix || s.suffix))) },
  'backend.http': { title: 'HTTP backend', detect: routes((r, s) => { const b = backendOf(r, s); return b.type === 'http' && !b.targets; }) },
  'backend.weighted': { title: 'weighted backend targets', detect: routes((r, s) => { const b = backendOf(r, s); return b.type === 'http' && Boolean(b.targets); }) },
  'backend.circuitBreaker': { title: 'backend circuit breaker', detect: routes((r, s) => { const b = backendOf(r, s); return b.type === 'http' && Boolean(b.circuitBreaker); }) },
  'backend.function': { title: 'function backend', detect: routes((r, s) => backendOf(r, s).type === 'function') },
  'backend.mock': { title: 'mock backend', detect: routes((r, s) => backendOf(r, s).type === 'mock') },
  'backend.timeout': { title: 'backend timeout', detect: routes((r, s) => backendOf(r, s).type !== 'mock'), listed: false },
  'backend.retry': { title: 'backend retries', detect: routes((r) => Boolean(r.retry)) },
  'auth.jwt': { title: 'JWT authorizer', detect: routes((r, s) => authorizersOf(r, s).some((a) => a.type === 'jwt')) },
  'auth.scopes': { title: 'required scopes', detect: routes((r) => r.auth !== 'none' && r.scopes.length > 0) },
  'auth.apiKey': { title: 'API key in header x-api-key', detect: routes((r, s) => authorizersOf(r, s).some(isDefaultKey)) },
  'auth.apiKey.custom': { title: 'API key in another header or the query', detect: routes((r, s) => authorizersOf(r, s).some((a) => a.type === 'apiKey' && !isDefaultKey(a))) },
  'auth.apiKey.scheme': { title: 'API key after a scheme prefix (Authorization: Bearer <key>)', detect: routes((r, s) => authorizersOf(r, s).some((a) => a.type === 'apiKey' && a.scheme !== undefined)) },
  'auth.custom': { title: 'custom authorizer function', detect: routes((r, s) => authorizersOf(r, s).some((a) => a.type === 'custom')) },
  'auth.alternatives': { title: 'alternative authorizers (any one of)', detect: routes((r) => r.auth !== 'none' && r.auth.length > 1) },
  'auth.optional': { title: 'optional authentication (absent allowed, present must be valid)', detect: routes((r) => r.auth !== 'none' && r.authOptional === true) },
  'auth.resultTtl': { title: 'authorizer result cache TTL', detect: gateway((s) => Object.values(s.authorizers).some((a) => a.type !== 'apiKey')), listed: false },
  auth: { title: 'authorizers per API', detect: gateway((s) => s.routes.some((r) => r.auth !== 'none')), listed: false },
  'plan.quota': { title: 'plan quota', detect: gateway((s) => Object.values(s.plans).some((p) => Boolean(p.quota))) },
  'plan.rateLimit': { title: 'plan rate limit', detect: gateway((s) => Object.values(s.plans).some((p) => Boolean(p.rateLimit))) },
  'consumer.apiKey': { title: 'consumer API key value from a secret', detect: gateway((s) => Object.values(s.consumers).some((c) => Boolean(c.apiKey))) },
  'route.rateLimit': { title: 'route rate limit', detect: routes((r) => Boolean(r.rateLimit)) },
  'route.cache': { title: 'response cache', detect: routes((r) => Boolean(r.cache)) },
  'transform.headers': { title: 'request header transforms', detect: routes((r) => Boolean(req(r)?.setHeaders || req(r)?.removeHeaders)) },
  'transform.query': { title: 'request query transforms', detect: routes((r) => Boolean(req(r)?.setQuery || req(r)?.removeQuery)) },
  'transform.path': { title: 'path rewrite', detect: routes((r) => Boolean(req(r)?.rewritePath)) },
  'transform.body': { title: 'request body template', detect: routes((r) => req(r)?.body !== undefined) },
  'transform.responseHeaders': { title: 'response header transforms', detect: routes((r) => Boolean(res(r)?.setHeaders || res(r)?.removeHeaders)) },
  'transform.redact': { title: 'response field redaction', detect: routes((r) => Boolean(res(r)?.redact?.length)) },
  validation: { title: 'request validation', detect: routes((r) => Boolean(r.validation && (r.validation.requiredQuery?.length || r.validation.requiredHeaders?.length || r.validation.bodySchema))) },
  'validation.contract': { title: "request validation against the route's contract (validation.contract)", detect: routes((r) => routeContractParts(r) !== undefined) },
  cors: { title: 'CORS', detect: gateway((s) => Boolean(s.cors)) },
  'ipRules.allow': { title: 'IP allow list', detect: gateway((s) => Boolean(s.ipRules?.allow.length)) },
  'ipRules.deny': { title: 'IP deny list', detect: gateway((s) => Boolean(s.ipRules?.deny.length)) },
  stage: { title: 'stages selected for synthesis', detect: always, listed: false },
  'stage.variables': { title: 'stage variables', detect: gateway((s) => stages(s).some((st) => Object.keys(st.variables).length > 0)) },
  'stage.backends': { title: 'per-stage backend URLs', detect: gateway((s) => stages(s).some((st) => Object.keys(st.backends).length > 0)) },
  'stage.throttle': { title: 'stage throttle', detect: gateway((s) => stages(s).some((st) => Boolean(st.throttle))) },
  domain: { title: 'custom domain (host name, certificate, stage)', detect: gateway((s) => Boolean(s.domains?.length)) },
  'domain.basePath': { title: 'custom domain base path', detect: gateway((s) => Boolean(s.domains?.some((d) => d.basePath !== ''))) },
  'domain.basePath.multiLevel': { title: 'multi-level custom domain base path (v1/orders)', detect: gateway((s) => Boolean(s.domains?.some((d) => d.basePath.includes('/')))) },
  'domain.endpoint': { title: 'edge or private custom domain endpoint', detect: gateway((s) => Boolean(s.domains?.some((d) => d.endpoint !== 'regional'))) },
  mtls: { title: 'mutual TLS (client certificates)', detect: gateway((s) => Boolean(s.domains?.some((d) => d.mtls))) },
  'mtls.headers': { title: 'client certificate subject / fingerprint sent to the backend', detect: gateway((s) => Boolean(s.domains?.some((d) => d.mtls && Object.keys(d.mtls.clientCertificate.headers).length > 0))) },
  'mtls.consumers': { title: "client certificate as a plan consumer's identity", detect: gateway((s) => Object.values(s.consumers).some((c) => Boolean(c.clientCertificate))) },
  'observability.accessLogs': { title: 'access logs', detect: gateway((s) => s.observability.accessLogs) },
  'observability.tracing': { title: 'tracing', detect: gateway((s) => s.observability.tracing || stages(s).some((st) => st.tracing)) },
  'errors.contract': { title: 'one error contract (errors: anygate): same status and JSON body for the gateway\'s own refusals', detect: gateway((s) => s.errors === 'anygate') },
  'errors.native': { title: 'each cloud\'s own error answers (errors: native)', detect: gateway((s) => s.errors === 'native') },
  'mcp.tools': { title: 'routes as MCP tools', detect: routes((r) => Boolean(r.mcp)) },
  'backend.llm': { title: 'LLM backend', detect: routes((r, s) => backendOf(r, s).type === 'llm') },
  'llm.tokenLimit': { title: 'LLM token limit', detect: routes((r, s) => { const b = backendOf(r, s); return b.type === 'llm' && Boolean(b.tokenLimit); }) },
  'llm.tokenMetrics': { title: 'LLM token metrics', detect: routes((r, s) => { const b = backendOf(r, s); return b.type === 'llm' && Boolean(b.tokenMetrics); }) },
  'llm.promptGuard': { title: 'LLM prompt safety guard', detect: routes((r, s) => { const b = backendOf(r, s); return b.type === 'llm' && Boolean(b.guards?.promptSafety); }) },
  'llm.piiGuard': { title: 'LLM personal-data guard', detect: routes((r, s) => { const b = backendOf(r, s); return b.type === 'llm' && Boolean(b.guards?.pii); }) },
  'versions.path': { title: 'API versions selected by path segment (/v2/...)', detect: gateway((s) => s.versions?.scheme === 'path') },
  'versions.header': { title: 'API versions selected by a request header', detect: gateway((s) => s.versions?.scheme === 'header') },
  'versions.query': { title: 'API versions selected by a query parameter', detect: gateway((s) => s.versions?.scheme === 'query') },
  'versions.deprecation': { title: 'deprecated versions (Deprecation, Sunset, Link response headers)', detect: gateway((s) => Boolean(s.versions?.list.some((v) => v.deprecated || v.sunset))) },
  'release.canary': { title: 'canary release (a share of a backend\'s requests to another)', detect: gateway((s) => Boolean(s.release?.canary)) },
  'release.canary.version': { title: 'version canary (a share of one version\'s requests to another version\'s routes)', detect: gateway((s) => Boolean(s.release?.canary?.version)) },
  revisions: { title: 'API revisions (a non-current revision tried at its own address)', detect: gateway((s) => Boolean(s.revisions)) },
  'release.canary.sticky': { title: 'sticky canary (a header or cookie keeps each caller on one side)', detect: gateway((s) => Boolean(s.release?.canary?.stickiness)) },
  'observability.objectives': { title: 'objectives as alerts', detect: gateway((s) => s.observability.objectives.length > 0) },
  'observability.dashboards': { title: 'dashboards', detect: gateway((s) => s.observability.dashboards) },
  'spec.strings': { title: 'spec strings reaching a target language (header names, origins, evaluated syntax)', detect: always, listed: false },
  'options.target': { title: 'per-target option blocks (aws:, azure:, kubernetes: on the gateway; apigee: on routes)', detect: (s) => [...(s.aws || s.azure || s.kubernetes ? ['gateway'] : []), ...s.routes.filter((r) => r.apigee).map((r) => r.id)], listed: false },
  size: { title: 'size of the emitted API definition or bundle', detect: always, phase: 'emitted', listed: false },
  'policy.size': { title: 'size of each emitted policy document', detect: always, phase: 'emitted', listed: false },
} as const satisfies Record<string, Omit<FeatureRecord, 'id'>>;

/** Every feature id, a closed union: a refusal naming another id does not type-check. */
export type FeatureId = keyof typeof RECORDS;

export const FEATURE_IDS = Object.keys(RECORDS) as FeatureId[];

export const FEATURE_RECORDS: Readonly<Record<FeatureId, FeatureRecord>> = Object.fromEntries(
  FEATURE_IDS.map((id) => [id, { id, phase: 'spec', listed: true, ...RECORDS[id] }]),
) as Record<FeatureId, FeatureRecord>;

/** Title of every feature, by id (the shape the old table exported). */
export const FEATURES: Readonly<Record<FeatureId, string>> = Object.fromEntries(FEATURE_IDS.map((id) => [id, RECORDS[id].title])) as Record<FeatureId, string>;

/** @deprecated the old name of FeatureId */
export type Feature = FeatureId;

export function isFeatureId(id: string): id is FeatureId {
  return Object.prototype.hasOwnProperty.call(RECORDS, id);
}

/** A feature in use, and where: route ids, or `gateway`. */
export interface FeatureUse {
  readonly feature: FeatureId;
  readonly where: string[];
}

/**
 * What featureUses found, by spec object: a compile, the report and dev each ask for one spec's
 * uses several times (assertSupported, the report's rows and problems, per target), and specs are
 * not changed once normalized. Frozen, so a caller cannot edit what the next one reads.
 */
const USES = new WeakMap<GatewaySpec, readonly FeatureUse[]>();

/** Every feature the spec uses, with where, in record order. Includes unlisted features. */
export function featureUses(spec: GatewaySpec): readonly FeatureUse[] {
  let uses = USES.get(spec);
  if (!uses) USES.set(spec, (uses = Object.freeze(detectAll(spec))));
  return uses;
}

/**
 * Each record's detect in record order, as detectAll asks it: a route record by its predicate
 * (index into the route walk's lists), a gateway-wide one by its predicate, the others by their
 * detect. Worked out once: a tiny spec's compile asked the record table for every feature.
 */
type Detector =
  | { readonly id: FeatureId; readonly route: number }
  | { readonly id: FeatureId; readonly gateway: GatewayPredicate }
  | { readonly id: FeatureId; readonly detect: FeatureRecord['detect'] };
const ROUTE_PREDICATES: RoutePredicate[] = [];
const DETECTORS: readonly Detector[] = FEATURE_IDS.map((id): Detector => {
  const detect: FeatureRecord['detect'] & { route?: RoutePredicate; gateway?: GatewayPredicate } = RECORDS[id].detect;
  if (detect.route) return { id, route: ROUTE_PREDICATES.push(detect.route) - 1 };
  if (detect.gateway) return { id, gateway: detect.gateway };
  return { id, detect };
});
const GATEWAY: readonly string[] = Object.freeze(['gateway']);

/**
 * The features `spec` uses, in record order, each with where (without repeats; frozen): the
 * route records in one walk over the routes (each route asked of every record, in route order,
 * as their detects would), the others by their own predicate or detect. Unused features make no
 * list.
 */
function detectAll(spec: GatewaySpec): FeatureUse[] {
  const byRoute: (string[] | undefined)[] = new Array(ROUTE_PREDICATES.length);
  try {
    for (const route of spec.routes) {
      walking = { route, spec };
      for (let i = 0; i < ROUTE_PREDICATES.length; i++) if (ROUTE_PREDICATES[i]!(route, spec)) (byRoute[i] ??= []).push(route.id);
    }
  } finally {
    walking = undefined;
  }
  const used: FeatureUse[] = [];
  for (const d of DETECTORS) {
    let where: readonly string[] | undefined;
    if ('route' in d) where = byRoute[d.route];
    else if ('gateway' in d) where = d.gateway(spec) ? GATEWAY : undefined;
    else where = d.detect(spec);
    if (!where?.length) continue;
    if (where !== GATEWAY) where = Object.freeze(where.length > 1 ? [...new Set(where)] : where);
    used.push(Object.freeze({ feature: d.id, where: where as string[] }));
  }
  return used;
}

/** The features the portability table shows: those a spec uses, listed ones only, gateway first. */
export function featuresUsed(spec: GatewaySpec): FeatureUse[] {
  return featureUses(spec)
    .filter((u) => FEATURE_RECORDS[u.feature].listed)
    .map((u) => ({ feature: u.feature, where: u.where.includes('gateway') ? ['gateway', ...u.where.filter((w) => w !== 'gateway')] : u.where }));
}
