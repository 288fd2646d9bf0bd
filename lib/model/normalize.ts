/**
 * Normalization: defaults applied once, set-like lists sorted and de-duplicated, maps in key
 * order, routes in canonical order with stable ids. The result is the canonical GatewaySpec.
 */
import { checkCharacters } from './characters';
import { normalizeDomains } from './domains';
import { normalizeRevisions } from './revisions';
import { canonicalFingerprint } from './client-certificates';
import { impliedContract, normalizeContract } from './contract';
import { contractPartsOf } from './contract-validation';
import { SpecValidationError, type SpecIssue } from './errors';
import { withoutIgnored } from './rules';
import { uniqueName, toSafeName } from './names';
import { parseGateway, type ParsedGateway } from './parse';
import { formatPath, mustParsePath } from './path';
import { parseTemplate, stringLeaves, type TemplatePart } from './template';
import { Route, type RateLimitInput } from './schema';
import { routeFieldsOf } from './route-field';
import { sortedKeys } from './sorted-keys';
import {
  METHOD_ORDER,
  MODEL_DEFAULTS,
  type AuthorizerSpec,
  type BackendSpec,
  type GatewaySpec,
  type HttpMethod,
  type RateLimitSpec,
  type RouteSpec,
  type RouteTemplates,
  type StageSpec,
  type TransformSpec,
} from './types';
import { authAlternatives, authIsOptional, validateSemantics } from './validate';
import { normalizeLlmBackend } from './llm';
import { assignTools, mcpServer } from './mcp';
import { normalizeCanary, normalizeVersions } from './versions-validate';
import { normalizeObjective, objectiveRouteIssues } from './objectives';

/** Sorted, de-duplicated copy of a set-like list. */
export function sortedSet<T extends string>(list: readonly T[] | undefined): T[] {
  return [...new Set(list ?? [])].sort();
}

/** Deep copy with object keys in sorted order; drops undefined values. Arrays keep their order. */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => canonical(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const keys = sortedKeys(Object.keys(value));
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out as T;
  }
  return value;
}

function rateLimit(r: RateLimitInput | undefined): RateLimitSpec | undefined {
  if (!r) return undefined;
  return { requestsPerSecond: r.requestsPerSecond, burst: r.burst ?? Math.ceil(r.requestsPerSecond) };
}

function transform(t: TransformSpec | undefined): TransformSpec | undefined {
  if (!t) return undefined;
  const req = t.request;
  const res = t.response;
  return {
    request: req && {
      ...req,
      removeHeaders: req.removeHeaders && sortedSet(req.removeHeaders),
      removeQuery: req.removeQuery && sortedSet(req.removeQuery),
    },
    response: res && {
      ...res,
      removeHeaders: res.removeHeaders && sortedSet(res.removeHeaders),
      redact: res.redact && sortedSet(res.redact),
    },
  };
}

/** A template validation already accepted, parsed. */
function parts(value: string): TemplatePart[] {
  const p = parseTemplate(value);
  if (!p.ok) throw new Error(`normalize: unvalidated template ${JSON.stringify(value)}`);
  return p.parts;
}

const mapValues = (m: Record<string, string> | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, parts(v)]));

/** Response header values: literal text, one part each (RouteTemplates.responseHeaders says why). */
export const responseHeaderTemplates = (m: Record<string, string> | undefined): Record<string, TemplatePart[]> =>
  Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v ? [{ kind: 'text', text: v }] : []]));

function templates(t: TransformSpec | undefined): RouteTemplates | undefined {
  const req = t?.request;
  if (!req && !t?.response) return undefined;
  return {
    setHeaders: mapValues(req?.setHeaders),
    setQuery: mapValues(req?.setQuery),
    rewritePath: req?.rewritePath === undefined ? undefined : mustParsePath(req.rewritePath),
    body: req?.body === undefined ? [] : stringLeaves(req.body).map((l) => ({ path: l.path, parts: parts(l.value) })),
    responseHeaders: responseHeaderTemplates(t?.response?.setHeaders),
  };
}

function methodRank(m: string): number {
  return METHOD_ORDER.indexOf(m as HttpMethod);
}

/** Route id derived from method and path: `GET /pets/{id}` -> `get-pets-id`. */
export function deriveRouteId(method: string, path: string): string {
  return toSafeName(`${method} ${path === '/' ? 'root' : path}`, 'route').toLowerCase();
}

type ParsedRoute = NonNullable<ParsedGateway['routes'][number]['route']>;

/**
 * The routes in canonical order with their ids: explicit, else derived and made unique in that
 * order. Validation reads the ids too (objectives name routes), before the spec is normalized.
 */
function canonicalRoutes(p: ParsedGateway, routes: ParsedRoute[]): { parsed: ParsedRoute[]; ids: string[] } {
  const parsed = [...routes];
  // Canonical order: path, then method. Paths plus methods are unique after validation.
  // Routes of disjoint versions may share both; the first version they serve breaks the tie.
  const revisionRank = (r: ParsedRoute) => (r.revisions ? Math.min(...r.revisions) : 0);
  const versionRank = (r: ParsedRoute) => (r.versions ? Math.min(...r.versions.map((v) => (p.versions?.list ?? []).findIndex((x) => x.name === v))) : -1);
  parsed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : methodRank(a.method) - methodRank(b.method) || versionRank(a) - versionRank(b) || revisionRank(a) - revisionRank(b)));
  const taken = new Set(parsed.flatMap((r) => (r.id ? [r.id.toLowerCase()] : [])));
  const ids = parsed.map((r) => {
    if (r.id) return r.id;
    // Derived ids are lower-case, so comparing them with the lower-cased explicit ids is exact.
    const id = uniqueName(deriveRouteId(r.method, r.path), taken);
    taken.add(id);
    return id;
  });
  return { parsed, ids };
}

function normalizeRoutes(p: ParsedGateway): RouteSpec[] {
  const d = p.defaults ?? {};
  const { parsed, ids } = canonicalRoutes(p, p.routes.map((r) => r.route!));
  // Each path parsed once (canonical() copies the spec at the end, so the two uses share nothing).
  const segmentsOf = parsed.map((r) => mustParsePath(r.path));
  const paths = segmentsOf.map(formatPath);
  const tools = assignTools(
    parsed.map((r, i) => ({ id: ids[i], method: r.method, path: paths[i], description: r.description, mcp: r.mcp })),
    p.top.mcp,
  );
  return parsed.map((r, i) => {
    const segments = segmentsOf[i];
    const cache = r.cache ?? d.cache;
    const t = transform(r.transform ?? d.transform);
    const backendName = (r.backend ?? d.backend)!;
    const backendTimeout = p.backends.entries.get(backendName);
    const timeoutMs =
      r.timeoutMs ?? d.timeoutMs ?? (backendTimeout && backendTimeout.type !== 'mock' ? backendTimeout.timeoutMs : undefined) ?? MODEL_DEFAULTS.timeoutMs;
    return {
      id: ids[i],
      method: r.method,
      path: paths[i],
      segments,
      backend: backendName,
      auth: authAlternatives(r.auth ?? d.auth)!,
      ...(authIsOptional(r.auth ?? d.auth) ? { authOptional: true } : {}),
      scopes: sortedSet(r.scopes),
      rateLimit: rateLimit(r.rateLimit ?? d.rateLimit),
      cache: cache && { ttlSeconds: cache.ttlSeconds, shared: cache.shared ?? false, key: { query: sortedSet(cache.key?.query), headers: sortedSet(cache.key?.headers) } },
      transform: t,
      templates: templates(t),
      timeoutMs,
      validation: r.validation && {
        ...r.validation,
        requiredQuery: r.validation.requiredQuery && sortedSet(r.validation.requiredQuery),
        requiredHeaders: r.validation.requiredHeaders && sortedSet(r.validation.requiredHeaders),
        contract: contractPartsOf(r.validation.contract),
      },
      description: r.description,
      tags: sortedSet(r.tags),
      contract: normalizeContract(r.contract, impliedContract(segments, r.validation)),
      ...(r.apigee ? { apigee: r.apigee } : {}),
      ...(tools.has(ids[i]) ? { mcp: tools.get(ids[i]) } : {}),
      ...(p.versions ? { versions: p.versions.list.map((v) => v.name).filter((v) => !r.versions || r.versions.includes(v)) } : {}),
      ...(r.revisions ? { revisions: [...new Set(r.revisions)].sort((a, b) => a - b) } : {}),
      // Fields with a module of their own (lib/model/route-field.ts), each in its canonical form.
      ...Object.fromEntries(routeFieldsOf(Route.shape, r).map((f) => [f.key, f.rules.normalize(f.value)])),
    };
  });
}

function normalizeBackend(name: string, b: NonNullable<ReturnType<ParsedGateway['backends']['entries']['get']>>, gatewayName: string): BackendSpec {
  switch (b.type) {
    case 'http':
      return {
        ...b,
        targets: b.targets && [...b.targets].sort((x, y) => (x.url < y.url ? -1 : x.url > y.url ? 1 : x.weight - y.weight)),
        timeoutMs: b.timeoutMs ?? MODEL_DEFAULTS.timeoutMs,
      };
    case 'function':
      return { type: 'function', binding: b.binding ?? name, timeoutMs: b.timeoutMs ?? MODEL_DEFAULTS.timeoutMs };
    case 'mock':
      return { type: 'mock', statusCode: b.statusCode ?? MODEL_DEFAULTS.mockStatusCode, body: b.body, headers: b.headers ?? {} };
    case 'llm':
      return normalizeLlmBackend(b, gatewayName);
  }
}

function normalizeAuthorizer(a: NonNullable<ReturnType<ParsedGateway['authorizers']['entries']['get']>>): AuthorizerSpec {
  switch (a.type) {
    case 'jwt':
      return {
        ...a,
        audiences: sortedSet(a.audiences),
        algorithms: sortedSet(a.algorithms ?? [...MODEL_DEFAULTS.jwtAlgorithms]),
        requiredClaims: a.requiredClaims ?? {},
        scopeClaim: a.scopeClaim ?? MODEL_DEFAULTS.scopeClaim,
        header: a.header ?? MODEL_DEFAULTS.authHeader,
        clockSkewSeconds: a.clockSkewSeconds ?? MODEL_DEFAULTS.clockSkewSeconds,
        resultTtlSeconds: a.resultTtlSeconds ?? MODEL_DEFAULTS.resultTtlSeconds,
      };
    case 'apiKey':
      return { type: 'apiKey', in: a.in ?? MODEL_DEFAULTS.apiKeyIn, name: a.name ?? MODEL_DEFAULTS.apiKeyName, ...(a.scheme !== undefined ? { scheme: a.scheme } : {}) };
    case 'custom':
      return { ...a, header: a.header ?? MODEL_DEFAULTS.customHeader, resultTtlSeconds: a.resultTtlSeconds ?? MODEL_DEFAULTS.customResultTtlSeconds };
  }
}

function mapEntries<T, U>(m: Map<string, T>, f: (name: string, v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const k of [...m.keys()].sort()) out[k] = f(k, m.get(k)!);
  return out;
}

function normalize(p: ParsedGateway): GatewaySpec {
  const o = p.observability ?? {};
  const observability = {
    accessLogs: o.accessLogs ?? MODEL_DEFAULTS.accessLogs,
    logRetentionDays: o.logRetentionDays ?? MODEL_DEFAULTS.logRetentionDays,
    logLevel: o.logLevel ?? MODEL_DEFAULTS.logLevel,
    tracing: o.tracing ?? MODEL_DEFAULTS.tracing,
    metrics: o.metrics ?? MODEL_DEFAULTS.metrics,
    objectives: (o.objectives ?? []).map(normalizeObjective),
    dashboards: o.dashboards ?? false,
  };
  const stages: Record<string, StageSpec> =
    p.stages.entries.size > 0
      ? mapEntries(p.stages.entries, (_, s) => ({
          description: s.description,
          variables: s.variables ?? {},
          backends: s.backends ?? {},
          throttle: rateLimit(s.throttle),
          logLevel: s.logLevel ?? observability.logLevel,
          tracing: s.tracing ?? observability.tracing,
        }))
      : { [MODEL_DEFAULTS.stageName]: { variables: {}, backends: {}, logLevel: observability.logLevel, tracing: observability.tracing } };
  const routes = normalizeRoutes(p);
  const basePath = p.top.basePath ? p.top.basePath.replace(/\/+$/, '') || '/' : MODEL_DEFAULTS.basePath;
  const usedMethods = sortedSet(routes.map((r) => r.method)).sort((a, b) => methodRank(a) - methodRank(b));
  const spec: GatewaySpec = {
    name: p.top.name!,
    version: p.top.version ?? MODEL_DEFAULTS.version,
    basePath,
    basePathSegments: mustParsePath(basePath),
    description: p.top.description,
    backends: mapEntries(p.backends.entries, (n, b) => normalizeBackend(n, b, p.top.name!)),
    authorizers: mapEntries(p.authorizers.entries, (_, a) => normalizeAuthorizer(a)),
    plans: mapEntries(p.plans.entries, (_, pl) => ({ ...pl, rateLimit: rateLimit(pl.rateLimit) })),
    consumers: mapEntries(p.consumers.entries, (_, c) => (c.clientCertificate ? { ...c, clientCertificate: { sha256: canonicalFingerprint(c.clientCertificate.sha256) } } : c)),
    routes,
    stages,
    cors: p.cors && {
      allowOrigins: sortedSet(p.cors.allowOrigins),
      allowMethods: p.cors.allowMethods ? sortedSet(p.cors.allowMethods).sort((a, b) => methodRank(a) - methodRank(b)) : usedMethods,
      allowHeaders: sortedSet(p.cors.allowHeaders ?? [...MODEL_DEFAULTS.corsAllowHeaders]),
      exposeHeaders: sortedSet(p.cors.exposeHeaders),
      allowCredentials: p.cors.allowCredentials ?? MODEL_DEFAULTS.corsAllowCredentials,
      maxAgeSeconds: p.cors.maxAgeSeconds ?? MODEL_DEFAULTS.corsMaxAgeSeconds,
    },
    ipRules: p.ipRules && { allow: sortedSet(p.ipRules.allow), deny: sortedSet(p.ipRules.deny) },
    observability,
    errors: p.top.errors ?? MODEL_DEFAULTS.errors,
    ...(p.top.ignoreWarnings?.length ? { ignoreWarnings: sortedSet(p.top.ignoreWarnings) } : {}),
    domains: normalizeDomains(p.domains, Object.keys(stages)),
    ...(p.top.aws ? { aws: p.top.aws } : {}),
    ...(p.top.azure ? { azure: p.top.azure } : {}),
    ...(p.top.kubernetes ? { kubernetes: p.top.kubernetes } : {}),
    mcp: mcpServer(p.top.mcp, p.top.description, routes.some((r) => r.mcp)),
    ...(p.versions ? { versions: normalizeVersions(p.versions) } : {}),
    ...(p.revisions ? { revisions: normalizeRevisions(p.revisions) } : {}),
    ...(p.release?.canary ? { release: { canary: normalizeCanary(p.release.canary, p.defaults?.backend, p.versions?.list.map((v) => v.name)) } } : {}),
    ...(p.top.components && Object.values(p.top.components).some((m) => m && Object.keys(m).length) ? { components: p.top.components } : {}),
  };
  return canonical(spec);
}

/** Everything validation found, and the canonical spec when there were no errors. */
export interface ValidationResult {
  readonly spec?: GatewaySpec;
  readonly issues: SpecIssue[];
  readonly errors: SpecIssue[];
  readonly warnings: SpecIssue[];
}

/** Validates a gateway input (builder output, or parsed YAML/JSON). Never throws. */
export function validateGateway(input: unknown): ValidationResult {
  const found: SpecIssue[] = [];
  const parsed = parseGateway(input, found);
  checkCharacters(input, found);
  validateSemantics(parsed, found);
  // The spec's own ignoreWarnings silence its warnings wherever it is loaded; never an error.
  const issues = withoutIgnored(found, new Set(parsed.top.ignoreWarnings ?? []));
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  if (errors.length > 0 || !parsed.complete) {
    // Objectives' route references in the same round as the other errors, where every route parsed.
    const routes = parsed.routes.map((r) => r.route);
    const objectives = parsed.observability?.objectives;
    if (!objectives?.length || !routes.every((r): r is ParsedRoute => r !== undefined)) return { issues, errors, warnings };
    const late = objectiveRouteIssues(objectives.map(normalizeObjective), canonicalRoutes(parsed, routes).ids);
    return { issues: [...issues, ...late], errors: [...errors, ...late], warnings };
  }
  const spec = normalize(parsed);
  // Objectives name routes by id, derived ids included, so they are checked on the normalized spec.
  const late = objectiveRouteIssues(spec.observability.objectives, spec.routes.map((r) => r.id));
  if (late.length) return { issues: [...issues, ...late], errors: late, warnings };
  return { spec, issues, errors, warnings };
}

/** Validates and normalizes; throws SpecValidationError listing every error. */
export function toGatewaySpec(input: unknown): GatewaySpec {
  const r = validateGateway(input);
  if (!r.spec) throw new SpecValidationError(r.issues);
  return r.spec;
}
