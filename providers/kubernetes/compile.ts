/**
 * compileKubernetes: GatewaySpec -> KubernetesPlan, per stage the Gateway API and Envoy Gateway
 * objects `kubectl apply` takes: HTTPRoutes attached to an existing Gateway, Backends (+
 * BackendTLSPolicy), HTTPRouteFilters, SecurityPolicies, BackendTrafficPolicies. Pure and
 * deterministic: objects sorted by kind and name.
 */
import { mtlsSections, routeHostnames } from './domains';
import { observabilityNotes, observabilityObjects } from './observability-objects';
import { assertSupported } from '../../lib/capabilities/support';
import { dedupeProblems, SynthesisError, type SynthesisProblem } from '../../lib/model/errors';
import { functionBindings, kubernetesOptionProblems } from '../../lib/capabilities/targets/kubernetes-options';
import { backendKindOf, ENABLE_BACKEND_HELM_VALUE } from '../../lib/capabilities/targets/kubernetes-differences';
import type { GatewaySpec, KubernetesSpecOptions, RouteSpec } from '../../lib/model/types';
import { bindingService, stageBackends, type BackendTarget } from './backends';
import { directResponse, extensionRef, headerFilters, hostRewrite, rewriteSubstitution, urlRewrite, type FilterContext } from './filters';
import { gatewayObjects, kubernetesSettings, parentRef, type KubernetesSettings } from './gateway';
import { referenceGrants } from './grants';
import { dnsLabel } from './names';
import { pathMatches, PATH_VALUE_MAX, templateRegex, type PathMatch } from './paths';
import type { K8sObject, KubernetesCompileOptions, KubernetesPlan, KubernetesStagePlan } from './plan';
import { duration, ruleMatches, ruleName, splitRoutes } from './rules';
import { preflightObjects } from './preflight';
import { corsPolicy, securityPolicy } from './security';
import { errorsTrafficPolicy, GLOBAL_RULES_MAX, planTrafficPolicy, routeTrafficPolicy } from './traffic';
import { unknownStages } from '../../lib/model/stages';
import { flatSpec } from '../../lib/model/versions';

export type { KubernetesCompileOptions, KubernetesPlan } from './plan';

const TARGET = 'kubernetes';
const KIND_ORDER = ['Namespace', 'GatewayClass', 'Gateway', 'EnvoyProxy', 'ReferenceGrant', 'Service', 'EndpointSlice', 'Backend', 'BackendTLSPolicy', 'HTTPRouteFilter', 'HTTPRoute', 'SecurityPolicy', 'BackendTrafficPolicy', 'PrometheusRule', 'ConfigMap'];

interface StageContext {
  readonly spec: GatewaySpec;
  readonly stage: string;
  readonly namespace: string;
  readonly options: KubernetesCompileOptions;
  readonly settings: KubernetesSettings;
  readonly paths: Map<string, PathMatch[]>;
  readonly targets: Map<string, BackendTarget[]>;
  readonly problems: SynthesisProblem[];
  /** Objects several rules share, by name. */
  readonly shared: Map<string, K8sObject>;
}

function filterContext(c: StageContext): FilterContext {
  return {
    namespace: c.namespace,
    variables: c.spec.stages[c.stage].variables,
  };
}

/** The rule of one route, and the objects only it uses (filters, policies). */
function compileRule(c: StageContext, route: RouteSpec, httpRoute: string): { rule: Record<string, unknown>; objects: K8sObject[] } {
  const fctx = filterContext(c);
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
    rule.timeouts = { request: duration(route.timeoutMs) };
  }
  if (filters.length) rule.filters = filters;
  const target = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: httpRoute, sectionName: name };
  const sp = securityPolicy(c.spec, route, objName, { namespace: c.namespace, functions: c.settings.functionsOf(c.stage), target });
  if (sp) objects.push(sp);
  const tp = routeTrafficPolicy(c.spec, route, objName, c.namespace, target);
  if (tp) objects.push(tp);
  return { rule, objects };
}

function httpRoute(c: StageContext, name: string, rules: Record<string, unknown>[]): K8sObject {
  const sections = mtlsSections(c.spec, c.stage);
  const spec: Record<string, unknown> = { parentRefs: sections ? sections.map((sectionName) => ({ ...parentRef(c.settings), sectionName })) : [parentRef(c.settings)] };
  const hostnames = routeHostnames(c.spec, c.stage, c.settings.hostnames);
  if (hostnames) spec.hostnames = hostnames;
  spec.rules = rules;
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: c.namespace }, spec };
}

function sortObjects(objects: K8sObject[]): K8sObject[] {
  const key = (o: K8sObject) => KIND_ORDER.indexOf(o.kind);
  const str = (o: K8sObject) => `${o.metadata.name} ${o.metadata.namespace ?? ''}`;
  return objects.sort((a, b) => key(a) - key(b) || (str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0));
}

function pathProblems(c: StageContext): void {
  for (const [id, matches] of c.paths) {
    for (const m of matches) {
      if (m.value.length > PATH_VALUE_MAX) {
        c.problems.push({ target: TARGET, where: id, feature: 'size', message: `the path match is ${m.value.length} characters, over the HTTPRoute limit of ${PATH_VALUE_MAX} (precedence padding included); shorten the path` });
      }
    }
  }
}

function compileStage(spec: GatewaySpec, stage: string, options: KubernetesCompileOptions, settings: KubernetesSettings, problems: SynthesisProblem[]): KubernetesStagePlan {
  const namespace = settings.namespaceOf(stage);
  const backends = stageBackends(spec, stage, namespace, settings.functionsOf(stage), options.backendKind ?? backendKindOf(spec));
  serviceClashes(spec, stage, namespace, settings, backends.objects, problems);
  const c: StageContext = { spec, stage, namespace, options, settings, paths: pathMatches(spec.basePath, spec.routes), targets: backends.targets, problems, shared: new Map() };
  pathProblems(c);
  const gateway = gatewayObjects(spec, settings).filter((o) => !(o.kind === 'Namespace' && o.metadata.name === namespace));
  const objects: K8sObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace }, spec: {} }, ...gateway, ...backends.objects];
  const chunks = splitRoutes(spec.name, spec.routes);
  for (const chunk of chunks) {
    const rules = chunk.routes.map((r) => compileRule(c, r, chunk.name));
    objects.push(httpRoute(c, chunk.name, rules.map((r) => r.rule)), ...rules.flatMap((r) => r.objects));
    const errors = errorsTrafficPolicy(spec, dnsLabel(chunk.name, 'errors'), namespace, chunk.name);
    if (errors) objects.push(errors);
  }
  objects.push(...c.shared.values());
  if (spec.cors) objects.push(...preflightObjects(spec, { namespace, paths: c.paths, httpRoute: (name, rules) => httpRoute(c, name, rules), cors: corsPolicy(spec) }));
  const keyed = chunks.flatMap((ch) => ch.routes.filter((r) => usesApiKey(spec, r)).map((r) => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: ch.name, sectionName: ruleName(r) })));
  const plans = planTrafficPolicy(spec, dnsLabel(spec.name, 'plans'), namespace, keyed);
  if (plans) {
    const count = ((plans.spec.rateLimit as { global: { rules: unknown[] } }).global.rules).length;
    if (count > GLOBAL_RULES_MAX) problems.push({ target: TARGET, where: 'gateway', feature: 'plan.quota', message: `the plans need ${count} global rate-limit rules (one per consumer and limit), over Envoy Gateway's ${GLOBAL_RULES_MAX} per policy` });
    objects.push(plans);
  }
  objects.push(...referenceGrants(spec.name, namespace, objects));
  objects.push(...observabilityObjects(spec, stage, namespace, settings, options, objects));
  return { stage, namespace, objects: sortObjects(objects) };
}

/** A generated backend Service must not take the name of a function binding's Service in the same namespace. */
function serviceClashes(spec: GatewaySpec, stage: string, namespace: string, settings: KubernetesSettings, objects: K8sObject[], problems: SynthesisProblem[]): void {
  const generated = new Set(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name));
  for (const binding of functionBindings(spec)) {
    const svc = bindingService(settings.functionsOf(stage), binding);
    if ((svc.namespace ?? namespace) === namespace && generated.has(svc.name)) {
      problems.push({ target: TARGET, where: 'gateway', feature: 'backend.http', message: `stage ${stage}: the Service ${svc.name} of function binding ${binding} has the name of the Service anygate generates for an HTTP backend; name the binding's Service in kubernetes.functions, or set kubernetes.backendKind: Backend` });
    }
  }
}

const usesApiKey = (spec: GatewaySpec, r: RouteSpec) => r.auth !== 'none' && r.auth.flat().some((n) => spec.authorizers[n].type === 'apiKey');

function notes(spec: GatewaySpec, stages: readonly KubernetesStagePlan[], settings: KubernetesSettings): string[] {
  const out: string[] = [...observabilityNotes(spec, stages, settings)];
  if (stages.some((s) => s.objects.some((o) => o.kind === 'Backend'))) {
    out.push(`HTTP backends are Envoy Gateway Backend objects (kubernetes.backendKind: Backend), whose API is disabled by default: install Envoy Gateway with --set ${ENABLE_BACKEND_HELM_VALUE} (EnvoyGateway extensionApis.enableBackend: true), or the routes answer 500`);
  }
  if (stages.some((s) => s.objects.some((o) => o.kind === 'EndpointSlice'))) {
    out.push('HTTP backends are Services with an EndpointSlice of the backend\'s host name (kubernetes.backendKind: Service, the default; no Envoy Gateway extension needed): whoever applies the manifests needs RBAC to create EndpointSlices (discovery.k8s.io; after CVE-2021-25740 clusters rarely give namespace editors that)');
  }
  if (Object.values(spec.plans).some((p) => p.quota || p.rateLimit)) out.push('plan quotas and rate limits are global rate limits: enable Envoy Gateway\'s rate-limit service (EnvoyGateway rateLimit.backend, Redis)');
  if (Object.keys(spec.consumers).length) out.push('create one Secret per consumer in each stage namespace (data key: the consumer name, value: the API key); the names are in each SecurityPolicy apiKeyAuth.credentialRefs');
  return out.sort();
}

/** The spec block as the compile options amend it, checked like the spec's own (see kubernetes-options.ts). */
function settingsProblems(spec: GatewaySpec, options: KubernetesCompileOptions): SynthesisProblem[] {
  const k = spec.kubernetes ?? {};
  const merged: KubernetesSpecOptions = {
    gateway: options.gateway ?? k.gateway,
    hostnames: options.hostnames ? [...options.hostnames] : k.hostnames,
    namespaces: { ...k.namespaces, ...options.namespaces },
    // The options' functions are a program's own table (one may serve several specs): only the spec's are checked.
    functions: k.functions,
    createGateway: options.createGateway ?? k.createGateway,
  };
  return kubernetesOptionProblems(merged, Object.keys(spec.stages), functionBindings(spec)).map((p) => ({ target: TARGET, where: 'gateway', feature: 'options.target', message: `kubernetes.${p.path}: ${p.message}` }));
}

/** Compiles the spec for Envoy Gateway on Kubernetes. Throws SynthesisError naming every problem. */
export function compileKubernetes(versioned: GatewaySpec, options: KubernetesCompileOptions = {}): KubernetesPlan {
  assertSupported(versioned, 'kubernetes');
  // Versions become HTTPRoute matches (path prefix, header or query) and a canary backendRef weights.
  const spec = flatSpec(versioned);
  const stages = options.stages ?? Object.keys(spec.stages);
  const problems: SynthesisProblem[] = [];
  for (const u of unknownStages(spec, stages)) problems.push({ target: TARGET, where: 'gateway', feature: 'stage', message: u.message });
  const settings = kubernetesSettings(spec, options);
  problems.push(...settingsProblems(spec, options));
  if (problems.length) throw new SynthesisError(TARGET, dedupeProblems(problems));
  const plan = stages.map((s) => compileStage(spec, s, options, settings, problems));
  if (problems.length) throw new SynthesisError(TARGET, dedupeProblems(problems));
  return { stages: plan, notes: notes(spec, plan, settings) };
}
