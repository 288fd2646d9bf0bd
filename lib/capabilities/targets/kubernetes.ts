/**
 * Kubernetes (Gateway API v1 + Envoy Gateway v1.9 policies): what anygate does with each
 * feature. HTTPRoutes attach to an existing Gateway; SecurityPolicy and BackendTrafficPolicy
 * target single route rules (sectionName). Per-consumer limits are global rate limits, which
 * need Envoy Gateway's rate-limit service (https://gateway.envoyproxy.io/docs/tasks/traffic/global-rate-limit/).
 */
import { KUBERNETES_DOMAINS } from './domain-records';
import { keyConsumers } from '../../model/client-certificates';
import { OBSERVABILITY_DIFFERENCES as O } from './observability-differences';
import { kubernetesObjectiveChecks, kubernetesTracingChecks } from './observability-checks';
import type { SynthesisProblem } from '../../model/errors';
import type { AuthorizerSpec, RouteSpec } from '../../model/types';
import type { CheckContext, EmittedContext, TargetRecords } from '../types';
import { KUBERNETES_LIMITS as L } from '../limits';
import { unknownStages } from '../../model/stages';
import { headerNameProblems, originProblems } from './aws-syntax';
import { refusedHeaderValue, unreadablePlaceholders } from './kubernetes-headers';
import { amendedKubernetesOptions, functionBindings, kubernetesOptionProblems } from './kubernetes-options';
import { emulated as e, native as n, ratesOf, unsupported as u, usedRoutes } from './helpers';
import { KUBERNETES_LIFECYCLE } from './lifecycle';
import { backendKindOf, KUBERNETES_DIFFERENCES as D } from './kubernetes-differences';
import { backendObjectName, bindingServiceName, stageBackendUrls, stageFunctions, stageNamespace } from './kubernetes-names';
import { flatSpecOf } from '../../model/versions';

/** RFC 9110 token: what Envoy Gateway's CRDs accept as a header name. */
export const HTTP_TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

export { RATE_UNITS, wholeRate } from './kubernetes-rates';
import { wholeRate } from './kubernetes-rates';
import { httpsAddressBackends, httpsAddressStages } from './kubernetes-backends';
import { AI_RECORDS } from './ai';

const rates = (feature: 'route.rateLimit' | 'plan.rateLimit') => (ctx: CheckContext) =>
  ratesOf(ctx, feature).flatMap(({ where, what, rate }) =>
    wholeRate(rate.requestsPerSecond)
      ? []
      : [ctx.problem(where, `${what}: ${rate.requestsPerSecond} requests per second is not a whole number of requests per second, minute or hour, the only rates Envoy Gateway takes`)],
  );

const authorizersOf = (ctx: CheckContext, r: RouteSpec): [string, AuthorizerSpec][] =>
  r.auth === 'none' ? [] : [...new Set(r.auth.flat())].map((name) => [name, ctx.spec.authorizers[name]]);

/** JWT settings Envoy Gateway's jwt provider cannot carry: refused, never loosened. */
const jwtCheck = (ctx: CheckContext): SynthesisProblem[] => {
  const out: SynthesisProblem[] = [];
  for (const r of usedRoutes(ctx)) {
    const jwts = authorizersOf(ctx, r).filter(([, a]) => a.type === 'jwt');
    if (jwts.length > 1) out.push(ctx.problem(r.id, `requires ${jwts.length} JWT authorizers together; an Envoy Gateway SecurityPolicy accepts a token from any one provider, so it cannot require all of them`));
    for (const [name, a] of jwts) {
      if (a.type !== 'jwt') continue;
      if (!a.jwksUri) out.push(ctx.problem(r.id, `authorizer ${name}: set jwksUri; Envoy Gateway fetches a remote JWKS by URI and does not run OIDC discovery`));
      if (a.typ) out.push(ctx.problem(r.id, `authorizer ${name}: Envoy's jwt_authn filter cannot check the typ header (${JSON.stringify(a.typ)}); remove typ or use another target`));
      if (a.clockSkewSeconds !== 60) out.push(ctx.problem(r.id, `authorizer ${name}: clockSkewSeconds ${a.clockSkewSeconds} cannot be set through Envoy Gateway, which uses Envoy's 60 s; use 60`));
      if (!HTTP_TOKEN.test(a.header)) out.push(ctx.problem(r.id, `authorizer ${name}: header ${JSON.stringify(a.header)} is not an HTTP token`));
      // A claim name is one top-level claim on every target (docs/model.md); Envoy Gateway reads
      // a dotted name as a path into nested claims and has no escape for the dot.
      for (const c of Object.keys(a.requiredClaims).filter((k) => k.includes('.')).sort()) {
        out.push(ctx.problem(r.id, `authorizer ${name}: required claim ${JSON.stringify(c)} holds a dot; a claim name is one top-level claim (as on AWS, Azure and Apigee), but Envoy Gateway reads a dotted name as a path into nested claims (${JSON.stringify(c.split('.')[0])}, then ${JSON.stringify(c.split('.').slice(1).join('.'))}) and cannot escape the dot; require a claim without a dot, or use another target`));
      }
    }
  }
  return out;
};

const scopesCheck = (ctx: CheckContext): SynthesisProblem[] =>
  usedRoutes(ctx).flatMap((r) => {
    const jwts = authorizersOf(ctx, r).filter(([, a]) => a.type === 'jwt');
    if (!jwts.length) return [ctx.problem(r.id, 'scopes need a JWT authorizer on the route: Envoy Gateway checks scopes on a verified token')];
    return jwts.flatMap(([name, a]) =>
      a.type === 'jwt' && a.scopeClaim !== 'scope' ? [ctx.problem(r.id, `authorizer ${name}: Envoy Gateway reads scopes from the "scope" claim only (scopeClaim is ${JSON.stringify(a.scopeClaim)})`)] : [],
    );
  });

const apiKeyCheck = (ctx: CheckContext): SynthesisProblem[] => {
  const out: SynthesisProblem[] = [];
  if (keyConsumers(ctx.spec).length === 0) out.push(ctx.problem('gateway', 'API-key routes need consumers that hold keys: Envoy Gateway checks keys against the consumers\' Secrets and generates none'));
  for (const r of usedRoutes(ctx)) {
    for (const [name, a] of authorizersOf(ctx, r)) {
      if (a.type === 'apiKey' && a.in === 'header' && !HTTP_TOKEN.test(a.name)) out.push(ctx.problem(r.id, `authorizer ${name}: header ${JSON.stringify(a.name)} is not an HTTP token`));
    }
  }
  return out;
};

const customCheck = (ctx: CheckContext): SynthesisProblem[] =>
  usedRoutes(ctx).flatMap((r) => {
    const customs = authorizersOf(ctx, r).filter(([, a]) => a.type === 'custom');
    const out = customs.length > 1 ? [ctx.problem(r.id, 'a SecurityPolicy calls one external authorizer; the route requires several')] : [];
    return out.concat(customs.flatMap(([name, a]) => (a.type === 'custom' && !HTTP_TOKEN.test(a.header) ? [ctx.problem(r.id, `authorizer ${name}: header ${JSON.stringify(a.header)} is not an HTTP token`)] : [])));
  });

/** Plans are one shared BackendTrafficPolicy over the API-key rules; a rule's own policy would shadow it. */
const planCheck = (feature: 'plan.quota' | 'plan.rateLimit') => (ctx: CheckContext): SynthesisProblem[] => {
  const out = feature === 'plan.rateLimit' ? rates('plan.rateLimit')(ctx) : [];
  for (const r of ctx.spec.routes) {
    const b = ctx.spec.backends[r.backend];
    const keyed = authorizersOf(ctx, r).some(([, a]) => a.type === 'apiKey');
    if (keyed && (r.rateLimit || (b.type === 'http' && b.circuitBreaker))) {
      out.push(ctx.problem(r.id, 'the route has its own rate limit or circuit breaker; Envoy Gateway applies only the most specific BackendTrafficPolicy, which would drop the plan limits on this route. Remove one of them for kubernetes'));
    }
  }
  return out;
};

const headerNames = (ctx: CheckContext): SynthesisProblem[] =>
  usedRoutes(ctx).flatMap((r) => {
    const t = ctx.feature === 'transform.responseHeaders' ? r.transform?.response : r.transform?.request;
    const names = [...Object.keys(t?.setHeaders ?? {}), ...(t?.removeHeaders ?? [])];
    const badNames = names.filter((h) => !HTTP_TOKEN.test(h)).map((h) => ctx.problem(r.id, `header name ${JSON.stringify(h)} is not an HTTP token`));
    // Response header values are literal (lib/model/types.ts RouteTemplates.responseHeaders): only request ones hold placeholders.
    const placeholders = ctx.feature !== 'transform.responseHeaders';
    const values = Object.values(t?.setHeaders ?? {});
    const badPlaceholders = placeholders ? values.flatMap((v) => unreadablePlaceholders(v).map((m) => ctx.problem(r.id, m))) : [];
    const badValues = [...new Set(values.flatMap((v) => refusedHeaderValue(v, ctx.spec.stages, placeholders)))].map((m) => ctx.problem(r.id, m));
    return [...badNames, ...badPlaceholders, ...badValues];
  });

/** One URL rewrite serves every weighted target, so their base paths must agree (in each stage that does not override the backend). */
const weightedPrefixes = (ctx: CheckContext): SynthesisProblem[] =>
  usedRoutes(ctx).flatMap((r) => {
    const b = ctx.spec.backends[r.backend];
    if (b.type !== 'http' || !b.targets) return [];
    const prefixes = [...new Set(b.targets.map((t) => new URL(t.url).pathname.replace(/\/+$/, '')))];
    const unmasked = Object.values(ctx.spec.stages).some((st) => !st.backends[r.backend]?.url);
    return prefixes.length > 1 && unmasked
      ? [ctx.problem(r.id, `the weighted targets of backend ${r.backend} have different base paths (${prefixes.join(', ')}); one rewrite serves every target, so give them the same path`)]
      : [];
  });

/**
 * The `kubernetes:` block as the compile options amend it: stages it names exist, listeners are
 * valid, routes can attach. Always under options.target, also when the `stage` record (which runs
 * for every spec) finds it for options given without a block in the spec.
 */
const optionsProblems = (ctx: CheckContext): SynthesisProblem[] =>
  kubernetesOptionProblems(amendedKubernetesOptions(ctx.spec, ctx.options.kubernetes), Object.keys(ctx.spec.stages), functionBindings(ctx.spec)).map((p) => ({
    ...ctx.problem('gateway', `kubernetes.${p.path}: ${p.message}`),
    feature: 'options.target' as const,
  }));

/**
 * A Service generated for an HTTP backend (backendKind Service) must not take the name of a
 * function binding's Service in the same namespace, in any stage compiled: one would overwrite
 * the other. Decided on the spec as the compiler reads it (versions and canary flattened).
 */
const serviceClashes = (ctx: CheckContext): SynthesisProblem[] => {
  const k8s = ctx.options.kubernetes;
  if ((k8s?.backendKind ?? backendKindOf(ctx.spec)) !== 'Service') return [];
  const bindings = functionBindings(ctx.spec);
  if (!bindings.length) return [];
  // flatSpec returns the spec itself when it has neither versions nor a canary.
  const spec = ctx.spec.versions || ctx.spec.release?.canary ? flatSpecOf(ctx.spec) : ctx.spec;
  const http = [...new Set(spec.routes.map((r) => r.backend))].filter((b) => spec.backends[b].type === 'http');
  const out: SynthesisProblem[] = [];
  for (const stage of (k8s?.stages ?? Object.keys(spec.stages)).filter((s) => spec.stages[s])) {
    const namespace = stageNamespace(spec, k8s, stage);
    const generated = new Set(http.flatMap((b) => stageBackendUrls(spec, stage, b).map((_, i, all) => backendObjectName(spec.name, b, i, all.length))));
    for (const binding of bindings) {
      const svc = bindingServiceName(stageFunctions(spec, k8s, stage), binding);
      if ((svc.namespace ?? namespace) === namespace && generated.has(svc.name))
        out.push({ ...ctx.problem('gateway', `stage ${stage}: the Service ${svc.name} of function binding ${binding} has the name of the Service anygate generates for an HTTP backend; name the binding's Service in kubernetes.functions, or set kubernetes.backendKind: Backend`), feature: 'backend.http' });
    }
  }
  return out;
};

/** The selected stages exist (compile option `stages`), the amended `kubernetes:` block holds, and no generated Service takes a binding's name. */
const stageCheck = (ctx: CheckContext): SynthesisProblem[] => [
  ...unknownStages(ctx.spec, ctx.options.kubernetes?.stages ?? []).map((u) => ctx.problem('gateway', u.message)),
  ...optionsProblems(ctx),
  ...serviceClashes(ctx),
];

/** Path match values and the plans' global rate-limit rules, each against its CRD limit. */
const kubernetesSizes = (ctx: EmittedContext): SynthesisProblem[] =>
  ctx.measured.flatMap((m) => {
    if (m.kind === 'pathMatch' && m.bytes > L.pathValueChars) return [ctx.problem(m.where, `the path match is ${m.bytes} characters, over the HTTPRoute limit of ${L.pathValueChars} (precedence padding included); shorten the path`)];
    if (m.kind === 'globalRateLimitRules' && m.bytes > L.globalRateLimitRules) return [ctx.problem(m.where, `the plans need ${m.bytes} global rate-limit rules (one per consumer and limit), over Envoy Gateway's ${L.globalRateLimitRules} per policy`)];
    return [];
  });


export const KUBERNETES: TargetRecords = {
  target: 'kubernetes',
  base: {
    ...AI_RECORDS.kubernetes,
    ...KUBERNETES_DOMAINS,
    'route.any': n('HTTPRoute rule without a method match'),
    'path.greedy': n('RegularExpression path match (RE2, full match)'),
    'path.mixedSegment': n('RegularExpression path match (RE2, full match)'),
    'backend.http': n('a selector-less Service with an EndpointSlice of the host name (default), or an Envoy Gateway Backend (kubernetes.backendKind: Backend; needs the Backend API enabled); BackendTLSPolicy for https (a DNS host name: an https IP address is refused)', { check: httpsAddressBackends, differences: D['backend.http'] }),
    'backend.weighted': n('weighted backendRefs to one Service (or Backend) per target', { check: (ctx) => [...weightedPrefixes(ctx), ...httpsAddressBackends(ctx)], differences: D['backend.weighted'] }),
    'backend.circuitBreaker': e('BackendTrafficPolicy passive health check: an endpoint is ejected after `failures` consecutive 5xx for tripSeconds'),
    'backend.function': n('Service reference, given per stage in the kubernetes options'),
    'backend.mock': n('HTTPRouteFilter directResponse (Envoy Gateway extension)'),
    'backend.timeout': n('HTTPRoute rule timeouts.request', { differences: D['backend.timeout'] }),
    'backend.retry': n('BackendTrafficPolicy retry (numRetries, retryOn, perRetry.backOff); its perRetry.timeout bounds each try and the rule\'s timeouts.request every try and wait (no backendRequest: Envoy Gateway would make it the whole request\'s bound)'),
    'auth.jwt': n('SecurityPolicy jwt provider with remoteJWKS; a credential sent twice is not refused (Envoy reads one copy; refusing needs Lua or CEL, which anygate does not generate)', { check: jwtCheck, differences: D['auth.jwt'] }),
    'auth.scopes': n('SecurityPolicy authorization rule on the token scopes', { check: scopesCheck, differences: D['auth.scopes'] }),
    'auth.apiKey': n('SecurityPolicy apiKeyAuth over the consumers\' Secrets; a credential sent twice is not refused (Envoy reads one copy; refusing needs Lua or CEL, which anygate does not generate)', { check: apiKeyCheck, differences: D['auth.apiKey'] }),
    'auth.apiKey.custom': n('SecurityPolicy apiKeyAuth extractFrom header or query parameter; a credential sent twice is not refused (Envoy reads one copy; refusing needs Lua or CEL, which anygate does not generate)', { check: apiKeyCheck, differences: D['auth.apiKey.custom'] }),
    'auth.apiKey.scheme': u('SecurityPolicy apiKeyAuth compares the whole header value (extractFrom headers), so a scheme prefix (Authorization: Bearer <key>) cannot be stripped; have callers send the key in its own header (an apiKey authorizer without scheme), or use a custom authorizer'),
    'auth.custom': n('SecurityPolicy extAuth (HTTP) to the bound Service', { check: customCheck, differences: D['auth.custom'] }),
    'auth.alternatives': u('a SecurityPolicy requires every authentication it configures; it cannot accept any one of several'),
    // Envoy's JWT extractor takes a value without the exact `Bearer ` prefix (`Basic x`, `bearer <t>`)
    // for a missing token, so jwt.optional lets it in as anonymous; apiKeyAuth and extAuth have no optional mode.
    'auth.optional': u('Envoy Gateway\'s jwt.optional treats a credential without the exact "Bearer " prefix (Basic x, a lowercase bearer with an expired token) as missing and lets it in as anonymous, and apiKeyAuth and extAuth have no optional mode: make the route\'s auth required (and give anonymous callers a public route of their own), or serve the optional route from another target'),
    'auth.resultTtl': n('decisions are not cached (each request is checked); JWKS cached by Envoy'),
    auth: n('one SecurityPolicy per route rule'),
    'plan.quota': n('global rate limit per consumer on the API-key rules (needs Envoy Gateway\'s rate-limit service)', { check: planCheck('plan.quota'), differences: D['plan.quota'] }),
    'plan.rateLimit': n('global rate limit per consumer on the API-key rules (needs Envoy Gateway\'s rate-limit service)', { check: planCheck('plan.rateLimit'), differences: D['plan.rateLimit'] }),
    'consumer.apiKey': n('one Secret per consumer, referenced by name (never inlined)'),
    'route.rateLimit': n('BackendTrafficPolicy local rate limit (per Envoy replica)', { check: rates('route.rateLimit'), differences: D['route.rateLimit'] }),
    'route.cache': u('Envoy Gateway has no response cache'),
    'transform.headers': n('RequestHeaderModifier filter', { check: headerNames }),
    'transform.query': u('neither the Gateway API nor Envoy Gateway can set or remove query parameters'),
    'transform.path': n('HTTPRouteFilter urlRewrite ReplaceRegexMatch'),
    'transform.body': u('Envoy Gateway has no body templates (only Lua or Wasm extensions, which anygate does not generate)'),
    'transform.responseHeaders': n('ResponseHeaderModifier filter', { check: headerNames }),
    'transform.redact': u('Envoy Gateway cannot rewrite response bodies'),
    validation: u('Envoy Gateway does not validate requests; validate in the backend'),
    'validation.contract': u('Envoy Gateway validates neither parameters nor bodies against a schema (only header, path and query matches route a request); validate in the backend, or use another target'),
    cors: n('SecurityPolicy cors, plus preflight rules of their own without a backend (403 when CORS does not answer), so a preflight never reaches a backend', { differences: D.cors }),
    'ipRules.allow': n('SecurityPolicy authorization on clientCIDRs (the client address Envoy sees: set ClientTrafficPolicy clientIPDetection behind a load balancer)', { differences: D['ipRules.allow'] }),
    'ipRules.deny': n('SecurityPolicy authorization on clientCIDRs', { differences: D['ipRules.deny'] }),
    stage: n('one namespace per stage', { check: stageCheck }),
    'stage.variables': n('resolved at synthesis into each stage\'s objects'),
    'stage.backends': n('a Service and EndpointSlice (or a Backend) per stage', { check: httpsAddressStages, differences: D['stage.backends'] }),
    'stage.throttle': u('a stage-wide throttle needs a policy on the shared Gateway; set route rate limits instead'),
    'errors.contract': n("BackendTrafficPolicy responseOverride (source Local) on every route rule: Envoy's own replies get the contract's status and body; requestId is x-request-id", { differences: D['errors.contract'] }),
    'errors.native': n("Envoy's local replies (plain text)"),
    ...KUBERNETES_LIFECYCLE,
    'observability.accessLogs': n('an EnvoyProxy (telemetry.accessLog) writing the access-log schema as Envoy command operators; attached to a Gateway anygate creates, else by the platform', { differences: O.kubernetes.accessLogs }),
    'observability.tracing': n('the same EnvoyProxy: OpenTelemetry tracing (W3C traceparent to backends) to an OTLP collector Service', { check: kubernetesTracingChecks, differences: O.kubernetes.tracing }),
    'observability.objectives': n('a PrometheusRule per stage over Envoy\'s cluster statistics: 5xx and 429 ratios as multiwindow burn-rate alerts, latency a histogram_quantile threshold; the receiver label routes them in Alertmanager', { check: kubernetesObjectiveChecks, differences: O.kubernetes.objectives }),
    'observability.dashboards': n('a Grafana dashboard per stage (ConfigMap for the Grafana sidecar) over Envoy\'s Prometheus statistics', { differences: O.kubernetes.dashboards }),
    'spec.strings': n('header names must be HTTP tokens; header values and direct-response bodies escape % (Envoy format strings); path literals are escaped RE2', {
      check: (ctx) => [...headerNameProblems(ctx.spec, ctx.problem), ...originProblems(ctx.spec, ctx.problem)],
    }),
    'options.target': n('kubernetes: on the gateway (Gateway reference, host names, stage namespaces, function Services, createGateway), checked as the Gateway CRD does', { check: optionsProblems }),
    size: n(`HTTPRoutes of at most 16 rules, split deterministically; path matches of at most ${L.pathValueChars} characters; at most ${L.globalRateLimitRules} global rate-limit rules for the plans`, { checkEmitted: kubernetesSizes }),
    'policy.size': n('one object per policy; no document-size limit below the API server\'s'),
  },
  tiers: {},
};
