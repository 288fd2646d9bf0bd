/**
 * LLM routes on Apigee X: the token budget with Apigee's LLM token policies.
 * - LLMTokenQuota, EnforceOnly on the request and CountOnly on the response, one counter
 *   (SharedName) per backend, counting the `usage.total_tokens` the model reports (OpenAI format);
 *   https://cloud.google.com/apigee/docs/api-platform/reference/policies/llm-token-quota-policy
 * - PromptTokenLimit (estimatePrompt: a per-minute rate on the prompt's tokens before the call).
 * Both are extensible policies (not on BASE). The capability records refuse what is not emitted.
 */
import type { LlmBackendSpec, RouteSpec } from '../../../lib/model/types';
import { el, type XNode } from '../../shared/xml';
import { fragment, type ApigeeContext, type Fragment } from '../context';

/** Where the model reports its usage and its name (OpenAI chat/completions responses). */
const USAGE_SOURCE = "{jsonPath('$.usage.total_tokens',response.content,true)}";
const MODEL_FROM_REQUEST = "{jsonPath('$.model',request.content,true)}";
const MODEL_FROM_RESPONSE = "{jsonPath('$.model',response.content,true)}";

/** The budget's counter: one per app (client_id, set by VerifyAPIKey) or one for every caller. */
const identifier = (b: LlmBackendSpec) => (b.tokenLimit!.per === 'gateway' ? undefined : el('Identifier', { ref: 'client_id' }));

function tokenQuota(name: string, b: LlmBackendSpec, backend: string, ctx: ApigeeContext, mode: 'EnforceOnly' | 'CountOnly'): XNode {
  const t = b.tokenLimit!;
  return el(
    'LLMTokenQuota',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    el('SharedName', {}, `${ctx.proxy}-${backend}-tokens`),
    el(mode, {}, 'true'),
    el('Allow', { count: t.tokens }),
    el('Interval', {}, '1'),
    el('TimeUnit', {}, t.period),
    identifier(b),
    el('Distributed', {}, 'true'),
    el('Synchronous', {}, 'true'),
    mode === 'CountOnly' && el('LLMTokenUsageSource', {}, USAGE_SOURCE),
    el('LLMModelSource', {}, mode === 'CountOnly' ? MODEL_FROM_RESPONSE : MODEL_FROM_REQUEST),
  );
}

const promptLimit = (name: string, b: LlmBackendSpec): XNode =>
  el('PromptTokenLimit', { name, continueOnError: 'false', enabled: 'true' }, el('DisplayName', {}, name), identifier(b), el('Rate', {}, `${b.tokenLimit!.tokens}pm`), el('UseEffectiveCount', {}, 'true'));

export function llmFragment(ctx: ApigeeContext, r: RouteSpec): Fragment {
  const b = ctx.spec.backends[r.backend];
  if (b.type !== 'llm' || !b.tokenLimit) return fragment();
  const request: XNode[] = [];
  if (b.tokenLimit.estimatePrompt) request.push(ctx.step(ctx.add(promptLimit(`PTL-${r.backend}`, b))));
  request.push(ctx.step(ctx.add(tokenQuota(`LTQ-enforce-${r.backend}`, b, r.backend, ctx, 'EnforceOnly'))));
  return fragment(request, [ctx.step(ctx.add(tokenQuota(`LTQ-count-${r.backend}`, b, r.backend, ctx, 'CountOnly')))]);
}

/** The model's URL, and how the target authenticates to it (Vertex AI: a Google access token). */
export function llmTarget(b: LlmBackendSpec): { url: string; auth?: XNode } {
  if (b.provider === 'vertex-ai') {
    const host = `https://${b.region}-aiplatform.googleapis.com`;
    return {
      url: `${host}/v1/projects/${b.project}/locations/${b.region}/endpoints/openapi`,
      auth: el('Authentication', {}, el('GoogleAccessToken', {}, el('Scopes', {}, el('Scope', {}, 'https://www.googleapis.com/auth/cloud-platform')))),
    };
  }
  return { url: new URL(b.url!).href.replace(/\/+$/, '') };
}
