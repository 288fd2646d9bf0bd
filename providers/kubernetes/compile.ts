/**
 * compileKubernetes: GatewaySpec -> KubernetesPlan, per stage the Gateway API and Envoy Gateway
 * objects `kubectl apply` takes: HTTPRoutes attached to an existing Gateway, Backends (+
 * BackendTLSPolicy), HTTPRouteFilters, SecurityPolicies, BackendTrafficPolicies. Pure and
 * deterministic: objects sorted by kind and name.
 */
import { certificateHeaders, mtlsSections, routeHostnames } from './domains';
import { observabilityNotes, observabilityObjects } from './observability-objects';
import { assertSupported, emittedProblems } from '../../lib/capabilities/support';
import type { Measured } from '../../lib/capabilities/types';
import { dedupeProblems, SynthesisError } from '../../lib/model/errors';
import { backendKindOf, ENABLE_BACKEND_HELM_VALUE } from '../../lib/capabilities/targets/kubernetes-differences';
import type { GatewaySpec, KubernetesBackendKind, RouteSpec } from '../../lib/model/types';
import { stageBackends, type BackendTarget } from './backends';
import { directResponse, extensionRef, headerFilters, hostRewrite, rewriteSubstitution, urlRewrite, type FilterContext } from './filters';
import { gatewayObjects, kubernetesSettings, parentRef, type KubernetesSettings } from './gateway';
import { referenceGrants } from './grants';
import { dnsLabel } from './names';
import { pathMatches, templateRegex, type PathMatch } from './paths';
import type { K8sObject, KubernetesCompileOptions, KubernetesPlan, KubernetesStagePlan } from './plan';
import { ruleMatches, ruleName, splitRoutes } from './rules';
import { preflightObjects } from './preflight';
import { aiRouteName, llmKeySecret, llmStage, type LlmStage } from './llm';
import { llmPlacement, llmRoutesOf, type LlmPlacement } from '../../lib/capabilities/targets/kubernetes-ai';
import { API_KEY_CLIENT_HEADER } from './security';
import { corsPolicy, securityPolicy, type SharedBlocks } from './security';
import { errorsTrafficPolicy, planTrafficPolicy, routeTrafficPolicy, ruleTimeouts } from './traffic';
import { flatSpecOf } from '../../lib/model/versions';
import { keyConsumers, stageMetersCertificates } from '../../lib/model/client-certificates';
import { targetWarning, specWarnings } from '../../lib/capabilities/warnings';

export type { KubernetesCompileOptions, KubernetesPlan } from './plan';

const TARGET = 'kubernetes';
const KIND_ORDER = ['Namespace', 'GatewayClass', 'Gateway', 'EnvoyProxy', 'ReferenceGrant', 'Service', 'EndpointSlice', 'Backend', 'BackendTLSPolicy', 'AIServiceBackend', 'BackendSecurityPolicy', 'HTTPRouteFilter', 'HTTPRoute', 'AIGatewayRoute', 'SecurityPolicy', 'BackendTrafficPolicy', 'PodMonitor', 'PrometheusRule', 'ConfigMap'];

interface StageContext {
  readonly spec: GatewaySpec;
  readonly stage: string;
  readonly namespace: string;
  readonly options: KubernetesCompileOptions;
  readonly settings: KubernetesSettings;
  readonly paths: Map<string, PathMatch[]>;
  readonly targets: Map<string, BackendTarget[]>;
  /** Sizes the size record checks (path matches, global rate-limit rules). */
  readonly measured: Measured[];
  /** Objects several rules share, by name. */
  readonly shared: Map<string, K8sObject>;
  /** Policy blocks every stage's objects share (security.ts). */
  readonly blocks: SharedBlocks;
  /** The routes an API-key check authorizes: the only rules where the gateway sets the consumer header. */
  readonly apiKeyRoutes: ReadonlySet<RouteSpec>;
  /** The verified client certificate's headers every rule of the stage sets (domains.ts). */
  readonly certificateHeaders: readonly { name: string; value: string }[];
}

/**
 * A rule's filter context. The consumer header (API_KEY_CLIENT_HEADER) is removed on every rule no
 * API-key check authorizes: only that check sets it (forwardClientIDHeader, which overwrites a
 * client's value), so elsewhere any value is the client's, and backends and the access log read it
 * as the caller. Not on API-key rules: a route's header modifier runs in Envoy's router, after the
 * check, and would remove the name the check set.
 */
function filterContext(c: StageContext, route: RouteSpec): FilterContext {
  return {
    namespace: c.namespace,
    variables: c.spec.stages[c.stage].variables,
    ...(c.apiKeyRoutes.has(route) ? {} : { gatewayRemoves: [API_KEY_CLIENT_HEADER] }),
    ...(c.certificateHeaders.length ? { gatewaySets: c.certificateHeaders } : {}),
  };
}

/** The rule of one route, and the objects only it uses (filters, policies). */
function compileRule(c: StageContext, route: RouteSpec, httpRoute: string): { rule: Record<string, unknown>; objects: K8sObject[] } {
  const fctx = filterContext(c, route);
  const objects: K8sObject[] = [];
  const name = ruleName(route);
  const objName = dnsLabel(c.spec.name, route.id);
  const rule: Record<string, unknown> = { name, matches: ruleMatches(route, c.paths.get(route.id)!) };
  const filters = headerFilters(route, fctx);
  const backend = c.spec.backends[route.backend];
  if (backend.type === 'mock') {
    objects.push(directResponse(objName, backend, fctx));
    filters.push(extensionRef(objName));
  } else {
    const targets = c.targets.get(route.backend)!;
    const prefixes = [...new Set(targets.map((t) => t.pathPrefix))];
    // Targets with different base paths are refused by the backend.weighted record first.
    const pathRewrite = c.spec.basePath !== '/' || prefixes[0] !== '' || Boolean(route.transform?.request?.rewritePath);
    if (pathRewrite) {
      const natural = templateRegex(c.spec.basePath, route.segments);
      objects.push(urlRewrite(objName, natural, rewriteSubstitution(route, prefixes[0], fctx), targets[0].isBackend, c.namespace));
      filters.push(extensionRef(objName));
    } else if (targets[0].isBackend) {
      // Only the Host changes: one filter serves every such rule.
      const host = hostRewrite(dnsLabel(c.spec.name, 'backend-host'), c.namespace);
      c.shared.set(host.metadata.name, host);
      filters.push(extensionRef(host.metadata.name));
    }
    rule.backendRefs = targets.map((t) => t.ref);
    rule.timeouts = ruleTimeouts(route);
  }
  if (filters.length) rule.filters = filters;
  const target = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: httpRoute, sectionName: name };
  const sp = securityPolicy(c.spec, route, objName, { namespace: c.namespace, functions: c.settings.functionsOf(c.stage), target, blocks: c.blocks });
  if (sp) objects.push(sp);
  const tp = routeTrafficPolicy(c.spec, route, objName, c.namespace, target);
  if (tp) objects.push(tp);
  return { rule, objects };
}

/** The parentRefs of the stage's routes (one per mTLS listener section, else the Gateway). */
function parentRefs(c: StageContext): Record<string, unknown>[] {
  const sections = mtlsSections(c.spec, c.stage);
  return sections ? sections.map((sectionName) => ({ ...parentRef(c.settings), sectionName })) : [parentRef(c.settings)];
}

function httpRoute(c: StageContext, name: string, rules: Record<string, unknown>[]): K8sObject {
  const spec: Record<string, unknown> = { parentRefs: parentRefs(c) };
  const hostnames = routeHostnames(c.spec, c.stage, c.settings.hostnames);
  if (hostnames) spec.hostnames = hostnames;
  spec.rules = rules;
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: c.namespace }, spec };
}

/** By kind (KIND_ORDER), then name and namespace; each object's keys made once, not per comparison. */
function sortObjects(objects: K8sObject[]): K8sObject[] {
  const keyed = objects.map((o) => ({ o, kind: KIND_ORDER.indexOf(o.kind), str: `${o.metadata.name} ${o.metadata.namespace ?? ''}` }));
  keyed.sort((a, b) => a.kind - b.kind || (a.str < b.str ? -1 : a.str > b.str ? 1 : 0));
  for (let i = 0; i < keyed.length; i++) objects[i] = keyed[i].o;
  return objects;
}

/** Each path match's length, for the size record (lib/capabilities/targets/kubernetes.ts). */
function pathLengths(c: StageContext): Measured[] {
  return [...c.paths].flatMap(([id, matches]) => matches.map((m) => ({ where: id, kind: 'pathMatch' as const, bytes: m.value.length })));
}

function compileStage(spec: GatewaySpec, stage: string, options: KubernetesCompileOptions, settings: KubernetesSettings, measured: Measured[], paths: Map<string, PathMatch[]>, blocks: SharedBlocks, apiKeyRoutes: ReadonlySet<RouteSpec>): KubernetesStagePlan {
  const namespace = settings.namespaceOf(stage);
  const backends = stageBackends(spec, stage, namespace, settings.functionsOf(stage), options.backendKind ?? backendKindOf(spec));
  const c: StageContext = { spec, stage, namespace, options, settings, paths, targets: backends.targets, measured, shared: new Map(), blocks, apiKeyRoutes, certificateHeaders: certificateHeaders(spec, stage) };
  c.measured.push(...pathLengths(c));
  const gateway = gatewayObjects(spec, settings).filter((o) => !(o.kind === 'Namespace' && o.metadata.name === namespace));
  const objects: K8sObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace }, spec: {} }, ...gateway, ...backends.objects];
  // LLM routes go through the AI Gateway's AIGatewayRoute (llm.ts), the others through HTTPRoutes.
  const llm = llmStage(spec, namespace, parentRefs(c), routeHostnames(spec, stage, settings.hostnames));
  objects.push(...llm.objects, ...llmPolicies(c, llm));
  const chunks = splitRoutes(spec.name, spec.routes.filter((r) => !llm.targets.has(r.id)));
  for (const chunk of chunks) {
    const rules = chunk.routes.map((r) => compileRule(c, r, chunk.name));
    objects.push(httpRoute(c, chunk.name, rules.map((r) => r.rule)), ...rules.flatMap((r) => r.objects));
    const errors = errorsTrafficPolicy(spec, dnsLabel(chunk.name, 'errors'), namespace, chunk.name);
    if (errors) objects.push(errors);
  }
  objects.push(...c.shared.values());
  if (spec.cors) objects.push(...preflightObjects(spec, { namespace, paths: c.paths, httpRoute: (name, rules) => httpRoute(c, name, rules), cors: corsPolicy(spec, c.blocks) }));
  // Behind mutual TLS with certificate consumers every rule is metered (the certificate identifies
  // the caller on any route). The API-key consumers' rules then select on the consumer header on
  // every rule too: the mTLS listeners' ClientTrafficPolicy removes a client's copy before any
  // filter (domains.ts earlyRequestHeaders), so only the API-key check's value is there to match.
  const certificates = stageMetersCertificates(spec, stage);
  const metered = (r: RouteSpec) => certificates || apiKeyRoutes.has(r);
  const keyed = chunks.flatMap((ch) => ch.routes.filter(metered).map((r) => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: ch.name, sectionName: ruleName(r) })));
  // LLM rules without a budget policy of their own take the plans' (the record refuses both on one rule).
  const llmKeyed = new Map(spec.routes.filter((r) => llm.targets.has(r.id) && metered(r)).map((r) => [llm.targets.get(r.id)!.sectionName!, llm.targets.get(r.id)!]));
  keyed.push(...[...llmKeyed.values()].filter((t) => !llm.budgeted.has(t.sectionName!)) as typeof keyed);
  const plans = planTrafficPolicy(spec, stage, dnsLabel(spec.name, 'plans'), namespace, keyed);
  if (plans) {
    const count = ((plans.spec.rateLimit as { global: { rules: unknown[] } }).global.rules).length;
    measured.push({ where: 'gateway', kind: 'globalRateLimitRules', bytes: count });
    objects.push(plans);
  }
  objects.push(...referenceGrants(spec.name, namespace, objects));
  objects.push(...observabilityObjects(spec, stage, namespace, settings, options, objects));
  return { stage, namespace, objects: sortObjects(objects) };
}

/**
 * The stage's one SecurityPolicy on the AI Gateway's generated HTTPRoute, without sectionName: auth
 * is decided on its route-not-found rule before the model is read, so a per-rule policy would never
 * run for a body-only request. The record refuses LLM routes authorized differently.
 */
function llmPolicies(c: StageContext, llm: LlmStage): K8sObject[] {
  const out: K8sObject[] = [];
  const route = c.spec.routes.find((r) => llm.targets.has(r.id));
  if (route && llm.routeTarget) {
    const sp = securityPolicy(c.spec, route, dnsLabel(aiRouteName(c.spec), 'auth'), { namespace: c.namespace, functions: c.settings.functionsOf(c.stage), target: llm.routeTarget, blocks: c.blocks });
    if (sp) out.push(sp);
  }
  if (llm.targets.size) {
    const errors = errorsTrafficPolicy(c.spec, dnsLabel(aiRouteName(c.spec), 'errors'), c.namespace, aiRouteName(c.spec));
    if (errors) out.push(errors);
  }
  return out;
}

const usesApiKey = (spec: GatewaySpec, r: RouteSpec) => r.auth !== 'none' && r.auth.flat().some((n) => spec.authorizers[n].type === 'apiKey');

function notes(spec: GatewaySpec, stages: readonly KubernetesStagePlan[], settings: KubernetesSettings, backendKind: KubernetesBackendKind): string[] {
  const out: string[] = [...observabilityNotes(spec, stages, settings)];
  // LLM backends are always Backends (an AIServiceBackend refers to one); the AI Gateway's install enables them (llmNotes).
  if (backendKind === 'Backend' && stages.some((s) => s.objects.some((o) => o.kind === 'Backend'))) {
    out.push(targetWarning('kubernetes-backend-api', `HTTP backends are Envoy Gateway Backend objects (kubernetes.backendKind: Backend), whose API is disabled by default: install Envoy Gateway with --set ${ENABLE_BACKEND_HELM_VALUE} (EnvoyGateway extensionApis.enableBackend: true), or the routes answer 500`));
  }
  if (stages.some((s) => s.objects.some((o) => o.kind === 'EndpointSlice'))) {
    out.push(targetWarning('kubernetes-endpointslice-rbac', 'HTTP backends are Services with an EndpointSlice of the backend\'s host name (kubernetes.backendKind: Service, the default; no Envoy Gateway extension needed): whoever applies the manifests needs RBAC to create EndpointSlices (discovery.k8s.io; after CVE-2021-25740 clusters rarely give namespace editors that)'));
  }
  if (Object.values(spec.plans).some((p) => p.quota || p.rateLimit)) out.push(targetWarning('kubernetes-rate-limit-service', 'plan quotas and rate limits are global rate limits: enable Envoy Gateway\'s rate-limit service (EnvoyGateway rateLimit.backend, Redis)'));
  out.push(...llmNotes(spec));
  if (keyConsumers(spec).length) out.push(targetWarning('kubernetes-api-key-secrets', 'create one Secret per API-key consumer in each stage namespace (data key: the consumer name, value: the API key); the names are in each SecurityPolicy apiKeyAuth.credentialRefs'));
  return out.sort();
}

/** What the AI Gateway routes need installed: the AI Gateway, its rootPrefix, the provider keys' Secrets, the rate-limit service, the metrics' consumer attribute. */
function llmNotes(spec: GatewaySpec): string[] {
  const routes = llmRoutesOf(spec);
  if (!routes.length) return [];
  const placed = llmPlacement(spec, routes[0].route, routes[0].b) as LlmPlacement;
  const root = placed.rootPrefix === '/' ? ' (its default endpointConfig.rootPrefix "/")' : ` with --set endpointConfig.rootPrefix=${placed.rootPrefix}`;
  const out = [targetWarning('kubernetes-ai-gateway', `LLM routes are Envoy AI Gateway AIGatewayRoutes: install Envoy AI Gateway v1.1 (the ai-gateway-crds-helm and ai-gateway-helm charts)${root}, with Envoy Gateway configured for it (the AI Gateway's envoy-gateway-values.yaml)`)];
  const keys = [...new Map(routes.flatMap(({ name, b }) => (b.apiKey ? [[name, b.apiKey.secretRef] as const] : []))).entries()].sort();
  for (const [name, ref] of keys) out.push(targetWarning('kubernetes-llm-key-secret', `backend ${name}: create the Secret ${llmKeySecret(spec, name, ref)} in each stage namespace with the provider key (the spec's ${ref}) under data key apiKey, and let the AI Gateway controller read it`));
  if (routes.some((r) => r.b.tokenLimit)) out.push(targetWarning('kubernetes-rate-limit-service', 'LLM token limits are global rate limits: enable Envoy Gateway\'s rate-limit service (EnvoyGateway rateLimit.backend, Redis)'));
  if (routes.some((r) => r.b.tokenMetrics?.dimensions.includes('consumer'))) out.push(targetWarning('kubernetes-ai-gateway', `LLM token metrics by consumer: install the AI Gateway with --set controller.metricsRequestHeaderAttributes=${API_KEY_CLIENT_HEADER}:consumer`));
  return out;
}

/** Compiles the spec for Envoy Gateway on Kubernetes. Throws SynthesisError naming every problem. */
export function compileKubernetes(versioned: GatewaySpec, options: KubernetesCompileOptions = {}): KubernetesPlan {
  // The records check the selected stages and the kubernetes block as these options amend it.
  assertSupported(versioned, TARGET, { kubernetes: options });
  // Versions become HTTPRoute matches (path prefix, header or query) and a canary backendRef weights.
  const spec = flatSpecOf(versioned);
  const stages = options.stages ?? Object.keys(spec.stages);
  const settings = kubernetesSettings(spec, options);
  const measured: Measured[] = [];
  // The path matches depend on the base path and the routes only: the same in every stage.
  const paths = pathMatches(spec.basePath, spec.routes);
  const blocks: SharedBlocks = new Map();
  // Which routes an API key authorizes: the same in every stage.
  const apiKeyRoutes = new Set(spec.routes.filter((r) => usesApiKey(spec, r)));
  const plan = stages.map((s) => compileStage(spec, s, options, settings, measured, paths, blocks, apiKeyRoutes));
  // Every stage measures the same paths: each problem once.
  const problems = dedupeProblems(emittedProblems(spec, TARGET, { kubernetes: options }, 'size', measured));
  if (problems.length) throw new SynthesisError(TARGET, problems);
  return { stages: plan, notes: specWarnings(spec, notes(spec, plan, settings, options.backendKind ?? backendKindOf(spec))) };
}
