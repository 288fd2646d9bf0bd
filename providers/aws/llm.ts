/**
 * LLM backends on AWS: API Gateway has no model integration, token counter or guard, so routes
 * whose backend is a model go through the generated LLM proxy (lib/runtime/llm), a Lambda proxy
 * integration named by a stage variable like the transform function. This module turns the spec
 * into the proxy's configuration: per route, the upstream path and the caller a budget counts
 * for; per backend, the base URL, the key header, the budget window, the metric dimensions and
 * the guardrail. The records (lib/capabilities/targets/ai.ts) have refused what it cannot do.
 */
import type { GatewaySpec, LlmBackendSpec, RouteSpec } from '../../lib/model/types';
import type { LlmBackendConfig, LlmCaller, LlmProxyConfig, LlmRoute } from '../../lib/runtime/llm/config';
import { backendPathTemplate } from '../../lib/model/rewrite';
import { lambdaUri, type AwsLlmPlan } from './plan';
import type { RouteEmitter } from './routes/fragment';

export const LLM_STAGE_VARIABLE = 'anygate_llm';

const WINDOW_SECONDS = { minute: 60, hour: 3600, day: 86_400 } as const;
const DIMENSION = { consumer: 'Consumer', route: 'Route', model: 'Model', clientIp: 'ClientIp' } as const;

/** The Secrets Manager secret (name or ARN) of a backend's provider key: its secretRef after `aws-secretsmanager:`. */
export function llmKeySecret(b: LlmBackendSpec): string | undefined {
  return b.apiKey?.secretRef.slice('aws-secretsmanager:'.length);
}

/**
 * The IAM resource of a provider key's secret. Secrets Manager appends `-` and six random
 * characters to a secret's name in its ARN: a name, or a partial ARN (one without that suffix),
 * matches only with `-??????` appended; a complete ARN (ending in `-` and six letters or digits)
 * is used as written. `arnOf` formats a name into the stack's ARN.
 */
export function secretResourceArn(secret: string, arnOf: (name: string) => string): string {
  if (!secret.startsWith('arn:')) return arnOf(`${secret}-??????`);
  const name = secret.split(':').slice(6).join(':');
  return /-[A-Za-z0-9]{6}$/.test(name) ? secret : `${secret}-??????`;
}

/**
 * Where the proxy reads the caller of a per-caller budget: the API key API Gateway checked when
 * every alternative presents one, else the authorizer's principal (JWT subject, custom principal).
 * The records refuse routes whose alternatives identify callers differently.
 */
export function llmCaller(route: RouteSpec, b: LlmBackendSpec, spec: GatewaySpec): LlmCaller {
  if (!b.tokenLimit || b.tokenLimit.per === 'gateway' || route.auth === 'none') return 'gateway';
  return route.auth.every((alt) => alt.some((n) => spec.authorizers[n].type === 'apiKey')) ? 'apiKey' : 'principal';
}

/** The proxy's view of one backend. */
export function llmBackendConfig(b: LlmBackendSpec): LlmBackendConfig {
  const azure = b.provider === 'azure-openai';
  if (b.provider !== 'openai-compatible' && !azure) throw new Error(`internal: provider ${b.provider} reached the AWS LLM proxy (the record refuses it)`);
  const g = b.guards;
  return {
    provider: b.provider,
    url: azure ? `${b.url}/openai/deployments/${encodeURIComponent(b.model)}` : b.url!,
    query: azure ? { 'api-version': b.apiVersion! } : {},
    model: b.model,
    ...(b.apiKey ? { keyHeader: azure ? 'api-key' : 'authorization' } : {}),
    ...(b.tokenLimit ? { tokenLimit: { tokens: b.tokenLimit.tokens, windowSeconds: WINDOW_SECONDS[b.tokenLimit.period], estimatePrompt: b.tokenLimit.estimatePrompt } } : {}),
    ...(b.tokenMetrics ? { tokenMetrics: { namespace: b.tokenMetrics.namespace, dimensions: b.tokenMetrics.dimensions.map((d) => DIMENSION[d]) } } : {}),
    ...(g?.bedrockGuardrail ? { guardrail: { id: g.bedrockGuardrail.id, version: g.bedrockGuardrail.version, output: Boolean(g.promptSafety?.responses || g.pii?.responses) } } : {}),
  };
}

/** An LLM route: a Lambda proxy integration to the generated proxy, and its entry in the proxy's configuration. */
export const emitLlm: RouteEmitter = (route, ctx) => {
  const b = ctx.spec.backends[route.backend];
  if (b.type !== 'llm') return {};
  const entry: LlmRoute = {
    method: route.method,
    resource: ctx.resource.path,
    id: route.id,
    backend: route.backend,
    rename: ctx.resource.rename,
    backendPath: backendPathTemplate(route),
    caller: llmCaller(route, b, ctx.spec),
    // Under the integration's timeout, so the proxy answers 504 itself.
    timeoutMs: Math.max(1, route.timeoutMs - 500),
    ...(ctx.cors ? { cors: ctx.cors } : {}),
  };
  return {
    integration: { type: 'aws_proxy', httpMethod: 'POST', uri: lambdaUri(LLM_STAGE_VARIABLE), passthroughBehavior: 'when_no_match', timeoutInMillis: route.timeoutMs },
    llm: entry,
  };
};

/** The proxy's configuration, the secrets it reads and whether it needs the budget table; undefined without LLM routes. */
export function llmPlan(spec: GatewaySpec, routes: LlmRoute[]): AwsLlmPlan | undefined {
  if (!routes.length) return undefined;
  const names = [...new Set(routes.map((r) => r.backend))].sort();
  const backends = Object.fromEntries(names.map((n) => [n, llmBackendConfig(spec.backends[n] as LlmBackendSpec)]));
  const secrets = Object.fromEntries(names.flatMap((n) => { const s = llmKeySecret(spec.backends[n] as LlmBackendSpec); return s ? [[n, s]] : []; }));
  const guardrails = [...new Set(Object.values(backends).flatMap((b) => (b.guardrail ? [b.guardrail.id] : [])))].sort();
  const config: LlmProxyConfig = { version: 1, errors: spec.errors, routes, backends };
  return { stageVariable: LLM_STAGE_VARIABLE, config, secrets, tokenTable: Object.values(backends).some((b) => b.tokenLimit), guardrails };
}
