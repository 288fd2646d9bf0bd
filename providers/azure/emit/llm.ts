/**
 * LLM backends on API Management: the AI-gateway policies in front of the model.
 * - llm-content-safety (prompt safety: Azure AI Content Safety categories and Prompt Shields),
 *   https://learn.microsoft.com/azure/api-management/llm-content-safety-policy
 * - llm-token-limit (tokens per minute, or a token quota per hour/day, per counter key),
 *   https://learn.microsoft.com/azure/api-management/llm-token-limit-policy
 * - llm-emit-token-metric (prompt/completion/total tokens to Application Insights),
 *   https://learn.microsoft.com/azure/api-management/llm-emit-token-metric-policy
 * - Azure OpenAI: the api-version query parameter, and the service's managed identity when the
 *   spec names no key (authentication-managed-identity for https://cognitiveservices.azure.com).
 * What a target cannot do is refused by the capability records (lib/capabilities/targets/ai.ts)
 * before this runs.
 */
import type { LlmBackendSpec, RouteSpec } from '../../../lib/model/types';
import { JWT_VARIABLE, csString } from '../expressions';
import { el, type XNode } from '../xml';
import { bindingRef } from '../../shared/resources';
import type { ApimBackend } from '../plan';
import type { EmitContext, Fragment } from './context';

/** The Content Safety service: a binding the deployment resolves (its endpoint URL and key). */
export const CONTENT_SAFETY_BINDING = 'content-safety';

/** The URL the route's path is appended to. */
export function llmBaseUrl(b: LlmBackendSpec): string {
  if (b.provider === 'azure-openai') return new URL(`${b.url}/openai/deployments/${encodeURIComponent(b.model)}`).href;
  return new URL(b.url!).href.replace(/\/+$/, '');
}

/** Severity thresholds on Content Safety's four-level scale (0, 2, 4, 6): block at and above. */
const THRESHOLD = { low: 2, medium: 4, high: 6 } as const;
const CATEGORY = { hate: 'Hate', sexual: 'Sexual', violence: 'Violence', selfHarm: 'SelfHarm' } as const;
const QUOTA_PERIOD = { hour: 'Hourly', day: 'Daily' } as const;

/**
 * Who a token budget counts for, as a policy expression: the subscription for API keys, the
 * verified token's subject (or the token itself per key) for JWTs; the capability check has
 * refused routes whose alternatives identify callers differently.
 */
export function tokenCounterKey(route: RouteSpec, b: LlmBackendSpec, ctx: EmitContext): string {
  const per = b.tokenLimit!.per;
  if (per === 'gateway' || route.auth === 'none') return ctx.names.counter(`tokens-${route.backend}`);
  const kinds = new Set(route.auth.flat().map((n) => ctx.spec.authorizers[n].type));
  if (kinds.has('apiKey')) return per === 'consumer' ? '@(context.Subscription.Id)' : '@(context.Subscription.Key)';
  if (kinds.has('jwt')) return per === 'consumer' ? `@(((Jwt)context.Variables[${csString(JWT_VARIABLE)}]).Subject)` : `@(((Jwt)context.Variables[${csString(JWT_VARIABLE)}]).Id ?? "")`;
  // A custom authorizer: the credential header it read.
  const custom = route.auth.flat().map((n) => ctx.spec.authorizers[n]).find((a) => a.type === 'custom');
  return `@(context.Request.Headers.GetValueOrDefault(${csString(custom && custom.type === 'custom' ? custom.header : 'Authorization')}, ""))`;
}

function tokenLimit(route: RouteSpec, b: LlmBackendSpec, ctx: EmitContext): XNode {
  const t = b.tokenLimit!;
  const window = t.period === 'minute' ? { 'tokens-per-minute': t.tokens } : { 'token-quota': t.tokens, 'token-quota-period': QUOTA_PERIOD[t.period] };
  const remaining = t.period === 'minute' ? { 'remaining-tokens-header-name': 'x-ratelimit-remaining-tokens' } : { 'remaining-quota-tokens-header-name': 'x-ratelimit-remaining-tokens' };
  return el('llm-token-limit', { 'counter-key': tokenCounterKey(route, b, ctx), ...window, 'estimate-prompt-tokens': t.estimatePrompt ? 'true' : 'false', ...remaining });
}

/** Dimensions: APIM's built-in ones by name; the model as a fixed value. */
function tokenMetric(route: RouteSpec, b: LlmBackendSpec): XNode {
  const m = b.tokenMetrics!;
  const dims = m.dimensions.map((d) =>
    d === 'consumer' ? el('dimension', { name: 'Subscription ID' }) : d === 'route' ? el('dimension', { name: 'Operation ID' }) : d === 'clientIp' ? el('dimension', { name: 'Client IP', value: '@(context.Request.IpAddress)' }) : el('dimension', { name: 'Model', value: `@(${csString(b.model)})` }),
  );
  return el('llm-emit-token-metric', { namespace: m.namespace }, ...dims);
}

function contentSafety(b: LlmBackendSpec, ctx: EmitContext): XNode {
  const g = b.guards!.promptSafety!;
  return el(
    'llm-content-safety',
    { 'backend-id': ctx.names.backend(CONTENT_SAFETY_KEY), 'shield-prompt': g.jailbreak ? 'true' : 'false' },
    el('categories', { 'output-type': 'FourSeverityLevels' }, ...g.categories.map((c) => el('category', { name: CATEGORY[c], threshold: THRESHOLD[g.threshold] }))),
  );
}

/** The route's LLM policies, inbound: guard first (a refused prompt spends no tokens), then budget, then metrics. */
export function emitLlm(route: RouteSpec, ctx: EmitContext): Fragment {
  const b = ctx.spec.backends[route.backend];
  if (b.type !== 'llm') return {};
  const inbound: XNode[] = [];
  if (b.guards?.promptSafety) inbound.push(contentSafety(b, ctx));
  if (b.tokenLimit) inbound.push(tokenLimit(route, b, ctx));
  if (b.tokenMetrics) inbound.push(tokenMetric(route, b));
  if (b.provider === 'azure-openai') {
    inbound.push(el('set-query-parameter', { name: 'api-version', 'exists-action': 'override' }, el('value', {}, b.apiVersion!)));
    if (!b.apiKey) inbound.push(el('authentication-managed-identity', { resource: 'https://cognitiveservices.azure.com' }));
  }
  return { inbound };
}

/** Named value holding an LLM backend's key (secret, read from the spec's secretRef at deploy time). */
const llmKeyName = (backend: string, ctx: EmitContext) => `${ctx.names.api}-llm-${backend}-key`.replace(/_/g, '-').toLowerCase();

/** The model's Backend: its base URL, and its key as a credential header (OpenAI: bearer; Azure OpenAI: api-key). */
export function llmBackend(name: string, b: LlmBackendSpec, ctx: EmitContext): ApimBackend {
  const backend: ApimBackend = { id: ctx.names.backend(name), key: name, type: 'Single', url: llmBaseUrl(b) };
  if (!b.apiKey) return backend;
  const nv = llmKeyName(name, ctx);
  ctx.namedValues.set(nv, { kind: 'secret', secretRef: b.apiKey.secretRef });
  return { ...backend, credentialHeaders: b.provider === 'azure-openai' ? { 'api-key': `{{${nv}}}` } : { Authorization: `Bearer {{${nv}}}` } };
}

/** Backend key of the Content Safety service (a name spec backends cannot take: it has the reserved prefix). */
export const CONTENT_SAFETY_KEY = `anygate-${CONTENT_SAFETY_BINDING}`;

/** The Content Safety service, when a prompt guard uses it: URL and key from the `content-safety` binding. */
export function contentSafetyBackend(ctx: EmitContext): ApimBackend | undefined {
  const used = ctx.spec.routes.some((r) => { const b = ctx.spec.backends[r.backend]; return b.type === 'llm' && Boolean(b.guards?.promptSafety); });
  if (!used) return undefined;
  const nv = ctx.names.functionKey(CONTENT_SAFETY_BINDING);
  ctx.namedValues.set(nv, { kind: 'binding', binding: CONTENT_SAFETY_BINDING, property: 'key' });
  return { id: ctx.names.backend(CONTENT_SAFETY_KEY), key: CONTENT_SAFETY_KEY, type: 'Single', url: bindingRef(CONTENT_SAFETY_BINDING, 'url'), credentialHeaders: { 'Ocp-Apim-Subscription-Key': `{{${nv}}}` } };
}
