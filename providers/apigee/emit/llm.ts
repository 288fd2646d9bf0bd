/**
 * LLM routes on Apigee X: the guards with Model Armor and the token budget with Apigee's LLM
 * token policies.
 * - SanitizeUserPrompt on the request (the last chat message) and SanitizeModelResponse on the
 *   response (the last choice's message), screening with a Model Armor template as the proxy's
 *   service account;
 *   https://cloud.google.com/apigee/docs/api-platform/reference/policies/sanitize-user-prompt-policy
 *   https://cloud.google.com/apigee/docs/api-platform/reference/policies/sanitize-llm-response-policy
 * - LLMTokenQuota, EnforceOnly on the request and CountOnly on the response, one counter
 *   (SharedName) per backend, counting the `usage.total_tokens` the model reports (OpenAI format);
 *   https://cloud.google.com/apigee/docs/api-platform/reference/policies/llm-token-quota-policy
 * - PromptTokenLimit (estimatePrompt: a per-minute rate on the prompt's tokens before the call).
 * Both are extensible policies (not on BASE). The capability records refuse what is not emitted.
 */
import type { LlmBackendSpec, RouteSpec } from '../../../lib/model/types';
import { el, type XNode } from '../../shared/xml';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import { modelArmorTemplate as templateName } from '../conditions';
import { modelArmorTemplate } from '../../../lib/capabilities/targets/ai';

/** Where the model reports its usage and its name (OpenAI chat/completions responses). */
const USAGE_SOURCE = "{jsonPath('$.usage.total_tokens',response.content,true)}";
const MODEL_FROM_REQUEST = "{jsonPath('$.model',request.content,true)}";
const MODEL_FROM_RESPONSE = "{jsonPath('$.model',response.content,true)}";
/** What Model Armor screens: the last chat message (the user's turn) and the model's last choice (OpenAI format, which every Apigee LLM provider speaks). */
const PROMPT_SOURCE = "{jsonPath('$.messages[-1].content',request.content,true)}";
const RESPONSE_SOURCE = "{jsonPath('$.choices[-1].message.content',response.content,true)}";

const SUCCESS = 'response.status.code >= 200 and response.status.code < 300';

/** The guards screen responses too. */
const screensResponses = (b: LlmBackendSpec) => Boolean(b.guards?.promptSafety?.responses || b.guards?.pii?.responses);

/**
 * SanitizeUserPrompt or SanitizeModelResponse; a finding fails the call. A prompt that cannot be
 * read fails the call rather than passing unscreened. An answer with no text to screen (a tool
 * call: `content` is null) passes, as in Google's examples (IgnoreUnresolvedVariables true on the
 * response): failing it would break every tool-calling client.
 */
function sanitize(kind: 'SanitizeUserPrompt' | 'SanitizeModelResponse', name: string, template: string): XNode {
  return el(
    kind,
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    el('IgnoreUnresolvedVariables', {}, kind === 'SanitizeModelResponse' ? 'true' : 'false'),
    el('ModelArmor', {}, el('TemplateName', {}, template)),
    el('UserPromptSource', {}, PROMPT_SOURCE),
    kind === 'SanitizeModelResponse' && el('LLMResponseSource', {}, RESPONSE_SOURCE),
  );
}

/** The guard policies of a backend: the prompt on the request, the response when the guards say so. */
function guardFragment(ctx: ApigeeContext, r: RouteSpec, b: LlmBackendSpec): Fragment {
  if (!b.guards?.promptSafety && !b.guards?.pii) return fragment();
  const template = templateName(modelArmorTemplate(b, ctx.modelArmorTemplate)!, `backends.${r.backend}.guards.modelArmor.template`);
  const request = [ctx.step(ctx.add(sanitize('SanitizeUserPrompt', `SUP-${r.backend}`, template)))];
  // Only a successful answer carries a completion; the model's own errors pass through as they are.
  return fragment(request, screensResponses(b) ? [ctx.step(ctx.add(sanitize('SanitizeModelResponse', `SMR-${r.backend}`, template)), SUCCESS)] : []);
}

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

/**
 * PromptTokenLimit on the last chat message: its default UserPromptSource is Gemini's request
 * shape ($.contents[-1].parts[-1].text), which an OpenAI-format request does not have.
 */
const promptLimit = (name: string, b: LlmBackendSpec): XNode =>
  el('PromptTokenLimit', { name, continueOnError: 'false', enabled: 'true' }, el('DisplayName', {}, name), identifier(b), el('Rate', {}, `${b.tokenLimit!.tokens}pm`), el('UseEffectiveCount', {}, 'true'), el('UserPromptSource', {}, PROMPT_SOURCE));

/** The token budget: estimate and enforce on the request, count the reported usage on the response. */
function budgetFragment(ctx: ApigeeContext, r: RouteSpec, b: LlmBackendSpec): Fragment {
  if (!b.tokenLimit) return fragment();
  const request: XNode[] = [];
  if (b.tokenLimit.estimatePrompt) request.push(ctx.step(ctx.add(promptLimit(`PTL-${r.backend}`, b))));
  request.push(ctx.step(ctx.add(tokenQuota(`LTQ-enforce-${r.backend}`, b, r.backend, ctx, 'EnforceOnly'))));
  return fragment(request, [ctx.step(ctx.add(tokenQuota(`LTQ-count-${r.backend}`, b, r.backend, ctx, 'CountOnly')))]);
}

/**
 * A route's LLM policies. Request: the guard first (a refused prompt spends no tokens), then the
 * budget. Response: the model's usage is counted first (it was spent), then the response screened.
 */
export function llmFragment(ctx: ApigeeContext, r: RouteSpec): Fragment {
  const b = ctx.spec.backends[r.backend];
  if (b.type !== 'llm') return fragment();
  const guard = guardFragment(ctx, r, b);
  const budget = budgetFragment(ctx, r, b);
  return fragment([...guard.request, ...budget.request], [...budget.response, ...guard.response]);
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
