/**
 * LLM backends on Envoy AI Gateway (v1.1, aigateway.envoyproxy.io/v1beta1): per stage one
 * AIGatewayRoute with a rule per LLM backend (matched on the model the AI Gateway reads from the
 * request body), an AIServiceBackend per backend over an Envoy Gateway Backend, a
 * BackendSecurityPolicy when the spec names a provider key, and the token budget as a Global
 * BackendTrafficPolicy rate limit whose response cost is the TotalToken the AIGatewayRoute's
 * llmRequestCosts put in the io.envoy.ai_gateway metadata.
 * https://aigateway.envoyproxy.io/docs/capabilities/traffic/usage-based-ratelimiting
 *
 * The AI Gateway generates an HTTPRoute named after the AIGatewayRoute, with the same rule names
 * plus a header-less `route-not-found` rule. Envoy Gateway runs auth before the AI Gateway's
 * ext_proc sets the model header, so auth is decided on route-not-found for a body-only request:
 * the SecurityPolicy targets the whole generated HTTPRoute (`routeTarget`), and the budget (a rate
 * limit, which runs after the ext_proc on the recomputed route) targets the rules. What cannot be
 * carried (providers, paths, estimates, mixed auth) is refused by the record first
 * (lib/capabilities/targets/ai.ts).
 */
import { AI_GATEWAY_SCHEMA, llmPlacement, llmRoutesOf, type LlmPlacement } from '../../lib/capabilities/targets/kubernetes-ai';
import type { GatewaySpec, LlmBackendSpec, RouteSpec } from '../../lib/model/types';
import { httpObjects } from './backends';
import { errorOverrides } from './errors';
import { EG_API } from './filters';
import { dnsLabel } from './names';
import type { K8sObject } from './plan';
import { duration } from './rules';
import { API_KEY_CLIENT_HEADER } from './security';

export const AIGW_API = 'aigateway.envoyproxy.io/v1beta1';
/** The dynamic-metadata namespace the AI Gateway writes request costs into. */
export const AIGW_METADATA_NAMESPACE = 'io.envoy.ai_gateway';
/** The header the AI Gateway sets from the request body's model. */
export const AIGW_MODEL_HEADER = 'x-ai-eg-model';
/** The llmRequestCosts key a token budget spends. */
export const TOTAL_TOKENS_KEY = 'llm_total_token';

const TOKEN_UNIT = { minute: 'Minute', hour: 'Hour', day: 'Day' } as const;

type Target = { group: string; kind: string; name: string; sectionName?: string };

export interface LlmStage {
  readonly objects: K8sObject[];
  /** Per LLM route: the rule of the generated HTTPRoute its traffic policies target. */
  readonly targets: Map<string, Target>;
  /** The whole generated HTTPRoute (with route-not-found): what the stage's one SecurityPolicy targets. */
  readonly routeTarget?: Target;
  /** Rules whose token budget policy the stage emits (they take no other BackendTrafficPolicy). */
  readonly budgeted: Set<string>;
  /** The rootPrefix the routes need (one: the record refuses more). */
  readonly rootPrefix?: string;
  /** Secrets the operator creates: name and the spec's secretRef. */
  readonly secrets: { name: string; secretRef: string }[];
}

/** Name of the stage's AIGatewayRoute (and of the HTTPRoute the AI Gateway generates from it). */
export const aiRouteName = (spec: GatewaySpec) => dnsLabel(spec.name, 'llm');

/** The Secret a backend's key is read from: `k8s-secret:<name>` in the spec, else `<gateway>-llm-<backend>-key`. */
export function llmKeySecret(spec: GatewaySpec, backend: string, secretRef: string): string {
  const m = /^k8s-secret:([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(secretRef);
  return m ? m[1] : dnsLabel(spec.name, 'llm', backend, 'key');
}

function serviceBackend(name: string, b: LlmBackendSpec, placement: LlmPlacement, backendName: string, namespace: string): K8sObject {
  const schemaName = AI_GATEWAY_SCHEMA[b.provider]!;
  const schema: Record<string, unknown> = { name: schemaName };
  if (schemaName === 'OpenAI') schema.prefix = placement.upstreamPrefix;
  else schema.version = b.apiVersion;
  return {
    apiVersion: AIGW_API,
    kind: 'AIServiceBackend',
    metadata: { name, namespace },
    spec: { schema, backendRef: { group: 'gateway.envoyproxy.io', kind: 'Backend', name: backendName } },
  };
}

function securityPolicy(name: string, b: LlmBackendSpec, secret: string, namespace: string): K8sObject {
  const ref = { secretRef: { name: secret, namespace } };
  const spec: Record<string, unknown> = b.provider === 'azure-openai' ? { type: 'AzureAPIKey', azureAPIKey: ref } : { type: 'APIKey', apiKey: ref };
  return { apiVersion: AIGW_API, kind: 'BackendSecurityPolicy', metadata: { name, namespace }, spec: { targetRefs: [{ group: 'aigateway.envoyproxy.io', kind: 'AIServiceBackend', name }], ...spec } };
}

/** The budget: Global rate limit, 0 on the request (check only), the reported total tokens on the response. */
function tokenPolicy(spec: GatewaySpec, route: RouteSpec, b: LlmBackendSpec, name: string, namespace: string, target: Target): K8sObject {
  const t = b.tokenLimit!;
  const rule: Record<string, unknown> = {};
  // per consumer or key: one bucket per API-key consumer (each consumer holds one key); gateway: one bucket.
  if (t.per !== 'gateway' && route.auth !== 'none') rule.clientSelectors = [{ headers: [{ name: API_KEY_CLIENT_HEADER, type: 'Distinct' }] }];
  rule.limit = { requests: t.tokens, unit: TOKEN_UNIT[t.period] };
  rule.cost = {
    request: { from: 'Number', number: 0 },
    response: { from: 'Metadata', metadata: { namespace: AIGW_METADATA_NAMESPACE, key: TOTAL_TOKENS_KEY } },
  };
  const overrides = errorOverrides(spec);
  return {
    apiVersion: EG_API,
    kind: 'BackendTrafficPolicy',
    metadata: { name, namespace },
    spec: { targetRefs: [target], rateLimit: { type: 'Global', global: { rules: [rule] } }, ...(overrides ? { responseOverride: overrides } : {}) },
  };
}

/**
 * The stage's AI Gateway objects, or none without LLM routes (LLM backends take no stage URL: the
 * model validation refuses one). `parentRefs` and `hostnames` are the HTTPRoutes'.
 */
export function llmStage(
  spec: GatewaySpec,
  namespace: string,
  parentRefs: Record<string, unknown>[],
  hostnames: string[] | undefined,
): LlmStage {
  const routes = llmRoutesOf(spec);
  const out: LlmStage = { objects: [], targets: new Map(), budgeted: new Set(), secrets: [] };
  if (!routes.length) return out;
  const routeName = aiRouteName(spec);
  const rules: Record<string, unknown>[] = [];
  let rootPrefix: string | undefined;
  const backends = [...new Set(routes.map((r) => r.name))].sort();
  for (const name of backends) {
    const b = spec.backends[name] as LlmBackendSpec;
    const own = routes.filter((r) => r.name === name).sort((x, y) => (x.route.id < y.route.id ? -1 : 1));
    const placement = llmPlacement(spec, own[0].route, b) as LlmPlacement;
    rootPrefix = placement.rootPrefix;
    const objName = dnsLabel(spec.name, 'llm', name);
    const http = httpObjects(spec.name, `llm-${name}`, [{ url: b.url! }], namespace, 'Backend'); // an AIServiceBackend refers to an Envoy Gateway Backend
    out.objects.push(...http.objects, serviceBackend(objName, b, placement, (http.targets[0].ref as { name: string }).name, namespace));
    if (b.apiKey) {
      const secret = llmKeySecret(spec, name, b.apiKey.secretRef);
      out.objects.push(securityPolicy(objName, b, secret, namespace));
      out.secrets.push({ name: secret, secretRef: b.apiKey.secretRef });
    }
    const ruleName = dnsLabel('llm', name);
    rules.push({
      name: ruleName,
      matches: [{ headers: [{ type: 'Exact', name: AIGW_MODEL_HEADER, value: b.model }] }],
      backendRefs: [{ name: objName }],
      timeouts: { request: duration(b.timeoutMs) },
    });
    const target: Target = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: routeName, sectionName: ruleName };
    for (const r of own) out.targets.set(r.route.id, target);
    if (b.tokenLimit) {
      out.objects.push(tokenPolicy(spec, own[0].route, b, objName, namespace, target));
      out.budgeted.add(ruleName);
    }
  }
  const aiSpec: Record<string, unknown> = { parentRefs };
  if (hostnames) aiSpec.hostnames = hostnames;
  aiSpec.rules = rules;
  if (backends.some((n) => (spec.backends[n] as LlmBackendSpec).tokenLimit)) aiSpec.llmRequestCosts = [{ metadataKey: TOTAL_TOKENS_KEY, type: 'TotalToken' }];
  out.objects.push({ apiVersion: AIGW_API, kind: 'AIGatewayRoute', metadata: { name: routeName, namespace }, spec: aiSpec });
  return { ...out, rootPrefix, routeTarget: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: routeName } };
}
