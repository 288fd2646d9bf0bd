/**
 * Where an LLM route lands on Envoy AI Gateway (v1.1), the rule its Kubernetes record checks and its
 * emitter (providers/kubernetes/llm.ts) read alike.
 *
 * The AI Gateway does not route by the route's own path: its external processor serves the OpenAI
 * endpoints at `<rootPrefix>/v1/<endpoint>` (rootPrefix: a controller flag, Helm
 * `endpointConfig.rootPrefix`, default `/`) and picks the AIGatewayRoute rule by the request's model
 * (the `x-ai-eg-model` header it sets from the body). Upstream, an OpenAI schema calls
 * `<schema.prefix>/<endpoint>`; Azure OpenAI calls `/openai/deployments/<model>/<endpoint>`.
 * (envoyproxy/ai-gateway v1.1.0: cmd/extproc/mainlib/main.go, internal/endpointspec/endpointspec.go,
 * internal/translator/openai_openai.go.)
 */
import type { GatewaySpec, LlmBackendSpec, RouteSpec } from '../../model/types';
import { basePrefix } from '../../model/path';

/** The AIServiceBackend schema of each provider anygate emits; the others are refused by record. */
export const AI_GATEWAY_SCHEMA: Partial<Record<LlmBackendSpec['provider'], 'OpenAI' | 'AzureOpenAI'>> = {
  'openai-compatible': 'OpenAI',
  'azure-openai': 'AzureOpenAI',
};

/** The POST endpoints each schema translates (endpointspec.go GetTranslator). */
export const AI_GATEWAY_ENDPOINTS: Readonly<Record<'OpenAI' | 'AzureOpenAI', readonly string[]>> = {
  OpenAI: ['chat/completions', 'completions', 'embeddings', 'images/generations', 'responses'],
  AzureOpenAI: ['chat/completions', 'embeddings', 'responses'],
};

/** An LLM route on the AI Gateway: the endpoint, the controller's root prefix, the OpenAI upstream prefix. */
export interface LlmPlacement {
  readonly endpoint: string;
  /** `/` or `/a/b`: the Helm value endpointConfig.rootPrefix the route needs. */
  readonly rootPrefix: string;
  /** OpenAI schema only: AIServiceBackend schema.prefix (`/` when the upstream path is the bare endpoint). */
  readonly upstreamPrefix?: string;
}

/** The path the client calls: basePath joined with the route's path. */
export const clientPath = (spec: GatewaySpec, route: RouteSpec) => basePrefix(spec.basePath) + route.path;

/**
 * Where the route lands, or a message saying why it cannot: the client path must end in
 * `/v1/<endpoint>` and the upstream path (the backend URL's path, then the route's) in `/<endpoint>`.
 */
export function llmPlacement(spec: GatewaySpec, route: RouteSpec, b: LlmBackendSpec): LlmPlacement | string {
  const schema = AI_GATEWAY_SCHEMA[b.provider];
  if (!schema) return `provider ${b.provider} is not emitted for Envoy AI Gateway`;
  const endpoints = AI_GATEWAY_ENDPOINTS[schema];
  const listed = endpoints.map((e) => `/v1/${e}`).join(', ');
  if (route.method !== 'POST' || route.path.includes('{')) return `Envoy AI Gateway serves models on POST ${listed} (under its rootPrefix); make the route POST with one of those literal paths`;
  const client = clientPath(spec, route);
  const endpoint = endpoints.find((e) => client.endsWith(`/v1/${e}`));
  if (!endpoint) return `Envoy AI Gateway serves models on POST ${listed} (under its rootPrefix), and the route is ${client}: set basePath and path so that the route ends in one of them (e.g. basePath /v1, path /chat/completions)`;
  const rootPrefix = client.slice(0, -`/v1/${endpoint}`.length) || '/';
  if (schema === 'AzureOpenAI') {
    if (route.path !== `/${endpoint}`) return `Envoy AI Gateway calls Azure OpenAI at /openai/deployments/<model>/${endpoint}: the route's path must be /${endpoint} (and the rest of ${client} the basePath)`;
    return { endpoint, rootPrefix };
  }
  const upstream = new URL(b.url!).pathname.replace(/\/+$/, '') + route.path;
  if (!upstream.endsWith(`/${endpoint}`)) return `Envoy AI Gateway calls the model at <prefix>/${endpoint}, and the route's upstream path is ${upstream}: end the route's path in /${endpoint}`;
  return { endpoint, rootPrefix, upstreamPrefix: upstream.slice(0, -`/${endpoint}`.length) || '/' };
}

/** The LLM routes of a spec, with their backend. */
export function llmRoutesOf(spec: GatewaySpec): { route: RouteSpec; name: string; b: LlmBackendSpec }[] {
  return spec.routes.flatMap((r) => {
    const b = spec.backends[r.backend];
    return b.type === 'llm' ? [{ route: r, name: r.backend, b }] : [];
  });
}
