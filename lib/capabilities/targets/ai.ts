/**
 * The AI-gateway features (MCP tools, LLM backends, token limits and metrics, guards) on each
 * target, in one file so the four target records stay small: each target's base column spreads
 * its entries from here (and Azure's Consumption tier its overrides). docs/ai.md explains every
 * entry, with what each cloud charges for.
 */
import type { GatewaySpec, LlmBackendSpec, RouteSpec } from '../../model/types';
import type { SynthesisProblem } from '../../model/errors';
import type { CheckContext, Target, TargetCapability } from '../types';
import { differs, emulated as e, native as n, unsupported as u, usedRoutes } from './helpers';
import { SECRET_NAME } from './aws-syntax';
import { AI_GATEWAY_SCHEMA, llmPlacement } from './kubernetes-ai';
import { AGENTCORE_TOOL_PREFIX } from './aws-mcp';
import { mcpServerPath, TOOL_NAME_MAX } from '../../model/mcp';
import { APIGEE_STRINGS } from './apigee-strings';
import { apigeeMcpHosts, APIGEE_HOSTNAME, APIGEE_ORGANIZATION } from './apigee-mcp';
import { toDialect } from '../../model/schema-dialects';
import { toolSchemas } from '../../model/tool-schema';
import { APIM_MCP_API_VERSION, APIM_TOOL_DESCRIPTION_MAX, APIM_TOOL_ID } from './azure-mcp';

export type AiFeatureId = 'mcp.tools' | 'backend.llm' | 'llm.tokenLimit' | 'llm.tokenMetrics' | 'llm.promptGuard' | 'llm.piiGuard';

const pending = (what: string) => u(`${what} is not synthesized for this target yet (issue #30)`);

/** The LLM backend of each route the feature is used on. */
const llmRoutes = (ctx: CheckContext): { route: RouteSpec; name: string; b: LlmBackendSpec }[] =>
  usedRoutes(ctx).flatMap((r) => {
    const b = ctx.spec.backends[r.backend];
    return b.type === 'llm' ? [{ route: r, name: r.backend, b }] : [];
  });

/** Providers a target's gateway can call with the credentials it has. */
const providers = (allowed: readonly LlmBackendSpec['provider'][], why: string) => (ctx: CheckContext) =>
  llmRoutes(ctx)
    .filter((x) => !allowed.includes(x.b.provider))
    .map((x) => ctx.problem(x.route.id, `backend ${x.name}: provider ${x.b.provider} ${why}; use ${allowed.join(' or ')}`));

/** Whether an API key identifies every caller of the route: each alternative has an apiKey authorizer. */
const keyIdentifiesCallers = (ctx: CheckContext, route: RouteSpec): boolean => route.auth !== 'none' && route.auth.every((alt) => alt.some((n) => ctx.spec.authorizers[n].type === 'apiKey'));

/** A per-caller budget needs every alternative of the route to identify callers the same way. */
const oneCallerKind = (ctx: CheckContext) =>
  llmRoutes(ctx).flatMap(({ route, b }) => {
    if (b.tokenLimit!.per === 'gateway' || route.auth === 'none') return [];
    const kinds = route.auth.map((alt) => [...new Set(alt.map((n) => ctx.spec.authorizers[n].type))].sort().join('+'));
    return new Set(kinds).size > 1 ? [ctx.problem(route.id, `a token budget per ${b.tokenLimit!.per} needs one way to identify the caller, but the route's alternatives use ${[...new Set(kinds)].join(', ')}: give the route one kind of authorizer, or set tokenLimit.per: gateway`)] : [];
  });

const responsesChecked = (guard: 'promptSafety' | 'pii', why: string) => (ctx: CheckContext) =>
  llmRoutes(ctx)
    .filter((x) => x.b.guards?.[guard]?.responses)
    .map((x) => ctx.problem(x.route.id, `backend ${x.name}: guards.${guard}.responses: ${why}; set responses: false`));

const quotaPeriods = (s: GatewaySpec) => Object.values(s.backends).some((b) => b.type === 'llm' && b.tokenLimit !== undefined && b.tokenLimit.period !== 'minute');

const AZURE: Record<AiFeatureId, TargetCapability> = {
  'mcp.tools': n(`an MCP server: an Api of type mcp (REST API version ${APIM_MCP_API_VERSION}, through azure-native's generic resources.Resource) with an API tool per route (apis/<server>/tools/<tool>: displayName, description, operationId naming the route's operation); public routes only`, {
    check: apimTools,
    differences: [
      differs('deploy', 'the MCP endpoint is <gateway URL>/<API path>-mcp/mcp (the MCP server is an Api of its own), not mcp.path under the API'),
      differs('body', 'API Management derives each tool\'s input schema from its operation (template parameters, query parameters, headers, request representation), not from anygate\'s tool schema; the tool\'s title and annotations are not carried (an API tool has a name, a description and its operation)'),
    ],
  }),
  'backend.llm': n('Backend with the model URL (Azure OpenAI: /openai/deployments/<model> with api-version, the service\'s managed identity unless apiKey names a key; OpenAI-compatible: the base URL with a bearer key from a secret named value)', {
    check: providers(['openai-compatible', 'azure-openai'], 'needs Google or AWS credentials that API Management cannot mint'),
  }),
  'llm.tokenLimit': n('llm-token-limit: tokens-per-minute, or token-quota per Hourly/Daily; counter key per subscription (API keys), per token subject (JWT) or one per backend', {
    check: oneCallerKind,
    differences: [
      differs('status', 'a token quota (period hour or day) answers 403 when spent, not 429; a per-minute limit answers 429 with Retry-After', undefined, quotaPeriods),
      differs('accuracy', 'without estimatePrompt, a request is admitted until the model reports usage over the budget: the call that crosses it completes'),
    ],
  }),
  'llm.tokenMetrics': n('llm-emit-token-metric to Application Insights (set applicationInsights on the component; custom metrics with dimensions must be enabled on the logger)'),
  'llm.promptGuard': n('llm-content-safety through Azure AI Content Safety (a content-safety binding: its endpoint URL and key), categories on the four-level scale, shield-prompt for jailbreaks', {
    check: responsesChecked('promptSafety', 'llm-content-safety checks prompts only'),
  }),
  'llm.piiGuard': u('API Management has no personal-data detection for LLM traffic (llm-content-safety checks harm categories and prompt attacks); for PII fields in JSON responses use transform.response.redact'),
};

/**
 * API Management's MCP server calls each tool's operation without the client's Authorization
 * header ("incoming headers like Authorization aren't automatically passed to your backend API",
 * Secure access to MCP servers in API Management), and anygate does not re-create a route's auth
 * on the server: only public routes are tools. The tool's id is its resource name.
 */
function apimTools(ctx: CheckContext): SynthesisProblem[] {
  const openapi = (ctx.options.azure?.apiDefinition ?? ctx.spec.azure?.apiDefinition) === 'openapi';
  const versioned = (ctx.spec.versions?.list.length ?? 0) > 1;
  return usedRoutes(ctx).flatMap((r) => {
    const out: SynthesisProblem[] = [];
    const p = (m: string) => out.push(ctx.problem(r.id, m));
    const tool = r.mcp!;
    if (r.auth !== 'none') p('API Management\'s MCP server calls the route\'s operation without the client\'s Authorization header or key, and anygate does not re-create the route\'s auth on the MCP server, so the tool would break or bypass it: make the route public (auth: none) to expose it, or expose the tool from another target');
    if (ctx.spec.ipRules && (ctx.spec.ipRules.allow.length || ctx.spec.ipRules.deny.length)) p('the MCP server is an Api of its own, which the ipRules of the API do not cover: drop ipRules from the spec, or expose the tools from another gateway spec or target');
    if (openapi) p('an API tool names its operation by resource id, and apiDefinition \'openapi\' creates no operation resources: use apiDefinition \'operations\'');
    if (versioned) p('anygate exposes the tools of an unversioned API only: drop versions, or expose the tools from another target');
    if (!APIM_TOOL_ID.test(tool.tool)) p(`an API tool's id must start and end with a letter, digit or _ (${tool.tool}): rename mcp.tool`);
    if (tool.description.length > APIM_TOOL_DESCRIPTION_MAX) p(`an API tool's description holds at most ${APIM_TOOL_DESCRIPTION_MAX} characters, and this one has ${tool.description.length}: shorten mcp.description`);
    return out;
  });
}

const AZURE_CONSUMPTION: Partial<Record<AiFeatureId, TargetCapability>> = {
  'mcp.tools': u('Consumption has no MCP servers (Developer, Basic, Standard, Premium and the v2 tiers do); use another SKU'),
  'llm.tokenLimit': u('Consumption has no llm-token-limit (Developer, Basic, Standard, Premium and the v2 tiers do); use another SKU'),
  'llm.tokenMetrics': u('Consumption has no llm-emit-token-metric; use another SKU'),
  'llm.promptGuard': u('Consumption has no llm-content-safety; use another SKU'),
};

/** What the generated LLM proxy (providers/aws/llm.ts, lib/runtime/llm) can call: an OpenAI-compatible or Azure OpenAI model, with a key from Secrets Manager. */
const awsModels = (ctx: CheckContext) =>
  llmRoutes(ctx).flatMap(({ route, name, b }) => {
    const out: SynthesisProblem[] = [];
    const p = (m: string) => out.push(ctx.problem(route.id, m));
    if (b.provider === 'vertex-ai') p(`backend ${name}: provider vertex-ai needs a Google access token, which the generated LLM proxy's IAM role cannot mint without a workload identity federation the spec cannot name; use another target (Apigee calls Vertex AI as its service account)`);
    if (b.provider === 'bedrock') p(`backend ${name}: Bedrock answers its Converse and InvokeModel APIs, not the OpenAI chat completions the route's clients send, and anygate does not translate between them (issue #30); put an OpenAI-compatible endpoint in front of the model and use provider openai-compatible, or another target`);
    if (b.provider === 'azure-openai' && !b.apiKey) p(`backend ${name}: Azure OpenAI without apiKey means the platform's managed identity, which a Lambda on AWS does not have: set apiKey to the Secrets Manager secret holding the key (secretRef aws-secretsmanager:<name or ARN>)`);
    const ref = b.apiKey?.secretRef;
    if (ref !== undefined && !ref.startsWith('aws-secretsmanager:')) p(`backends.${name}.apiKey.secretRef: the LLM proxy reads provider keys only from Secrets Manager (never from the template or its environment in clear): write "aws-secretsmanager:<secret name or ARN>"`);
    else if (ref !== undefined && !SECRET_NAME.test(ref.slice('aws-secretsmanager:'.length))) p(`backends.${name}.apiKey.secretRef: ${JSON.stringify(ref.slice('aws-secretsmanager:'.length))} is not a Secrets Manager secret name or ARN (letters, digits and /_+=.@-); fix the reference`);
    if (route.transform) p('an LLM route goes through the generated LLM proxy, which applies no request or response transforms: remove transform from the route, or use another target');
    return out;
  });

/** The proxy reads the caller from the proxy event: the API key id, or the authorizer's principal. */
const awsTokenCallers = (ctx: CheckContext) => [
  ...oneCallerKind(ctx),
  ...llmRoutes(ctx).flatMap(({ route, name, b }) => {
    const t = b.tokenLimit!;
    if (t.per === 'gateway' || route.auth === 'none') return [];
    const out: SynthesisProblem[] = [];
    if (route.authOptional) out.push(ctx.problem(route.id, `a token budget per ${t.per} needs a caller, and the route lets anonymous requests in (authOptional): require credentials, or set backends.${name}.tokenLimit.per: gateway`));
    const keyed = keyIdentifiesCallers(ctx, route);
    if (t.per === 'key' && !keyed) out.push(ctx.problem(route.id, `a token budget per key counts per API key, and the route lets callers in without one: require an apiKey authorizer in every alternative, or set backends.${name}.tokenLimit.per: consumer (counted per token subject)`));
    return out;
  }),
];

/** Bedrock Guardrails screen with a named guardrail; it cannot rewrite the prompt in place. */
const bedrockGuards = (guard: 'promptSafety' | 'pii') => (ctx: CheckContext) =>
  llmRoutes(ctx)
    .filter((x) => x.b.guards?.[guard])
    .flatMap(({ route, name, b }) => {
      const out: SynthesisProblem[] = [];
      if (!b.guards!.bedrockGuardrail) out.push(ctx.problem(route.id, `backend ${name}: AWS applies the guard with an Amazon Bedrock guardrail (ApplyGuardrail from the generated LLM proxy), and the spec names none: create the guardrail (content filters, prompt attack, sensitive information) and set backends.${name}.guards.bedrockGuardrail: { id, version }`));
      if (guard === 'pii' && b.guards!.pii!.action === 'mask') out.push(ctx.problem(route.id, `backend ${name}: the LLM proxy refuses a prompt the guardrail flags and does not put the guardrail's masked text back into the request: set guards.pii.action: block, or use another target`));
      return out;
    });

const BEDROCK_DIFFERENCES = [
  differs('accuracy', 'the Bedrock guardrail\'s own filters decide what is blocked (content filters and their strengths, prompt attack, sensitive information types); anygate names the guardrail and does not read or check its configuration', 'configure the guardrail to match the guard (docs/ai.md maps the categories, threshold and entities)'),
  differs('status', 'a flagged prompt or answer is refused with 403 (the error contract\'s forbidden); a flagged answer\'s tokens are spent and counted'),
  differs('body', 'answers are screened whole, after the model has finished: a streamed (text/event-stream) answer reaches the client in one piece, not chunk by chunk', undefined, (s) => Object.values(s.backends).some((b) => b.type === 'llm' && Boolean(b.guards?.promptSafety?.responses || b.guards?.pii?.responses))),
];

const AWS: Record<AiFeatureId, TargetCapability> = {
  'mcp.tools': n('Amazon Bedrock AgentCore Gateway per stage (AWS::BedrockAgentCore::Gateway, protocol MCP) with the stage as an API Gateway target (AWS::BedrockAgentCore::GatewayTarget: a tool filter and a tool override per tool, outbound without authorization); public routes only', {
    check: agentCoreTools,
    differences: [
      differs('deploy', `the MCP endpoint is the AgentCore Gateway's own URL (https://<gateway id>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp), not mcp.path on the API; clients see each tool as ${AGENTCORE_TOOL_PREFIX}<tool>`),
    ],
  }),
  'backend.llm': e('a generated LLM proxy Lambda (Node.js, bundled with esbuild) behind a Lambda proxy integration: it calls the OpenAI-compatible or Azure OpenAI model with the provider key it reads from Secrets Manager (GetSecretValue on that secret only), passing the body, content-type and accept (never the caller\'s credentials)', {
    check: awsModels,
    differences: [
      differs('body', 'the proxy buffers the model\'s answer: a streamed (text/event-stream) completion reaches the client in one piece when the model has finished, not chunk by chunk; a Lambda answer holds at most 6 MB'),
      differs('timeout', 'the proxy gives the model the route\'s timeoutMs less 0.5 s, less the time already spent since API Gateway received the request and a margin for an OUTPUT guard, and answers 504 itself; the integration caps at 29 s unless the account\'s integration timeout quota is raised', 'set timeoutMs on the backend, and raise the quota for long completions'),
      differs('status', 'an upstream 401 or 403 (the provider refused the key) answers 502 bad_gateway, never the provider\'s body; the provider\'s openai-*, x-ratelimit-*, x-ms-*, apim-*, set-cookie and request-id headers are dropped'),
    ],
  }),
  'llm.tokenLimit': e('the generated LLM proxy: one DynamoDB table (PAY_PER_REQUEST, TTL attribute expiresAt) with an item per backend, caller and window; a call is admitted while the window has tokens left (and, with estimatePrompt, while the prompt counted with gpt-tokenizer fits), and the model\'s reported usage (or the counted prompt and completion when it reports none) is added with an atomic UpdateItem ADD after the answer; spent: 429 with Retry-After. The caller is the API key API Gateway checked, the authorizer\'s principal (JWT subject, custom principal) or one budget per gateway', {
    check: awsTokenCallers,
    differences: [
      differs('accuracy', 'usage is counted after each answer: a call admitted under the budget completes and may overshoot it, and so may concurrent calls admitted before the first count lands (as with Azure\'s llm-token-limit without estimation)'),
      differs('accuracy', 'a streamed call the proxy cannot ask usage of (paths other than chat/completions, completions and responses; Azure OpenAI api-version before 2024-08-01-preview) is counted with gpt-tokenizer, an estimate; a count that fails to be written after the model answered is logged and the answer returned (fails open on counting only)'),
      differs('window', 'windows are fixed and epoch-aligned (a minute, hour or day starts on the clock, not at the first call)'),
      differs('status', 'a spent minute budget answers 429 rate_limited, an hour or day budget 429 quota_exceeded, both with Retry-After (seconds to the window\'s end) and x-ratelimit-remaining-tokens'),
      differs('accuracy', 'an API-key consumer has one key per stage on AWS, so its budget is counted per stage', undefined, (s) => Object.values(s.backends).some((b) => b.type === 'llm' && b.tokenLimit !== undefined && b.tokenLimit.per !== 'gateway') && Object.keys(s.stages).length > 1),
    ],
  }),
  'llm.tokenMetrics': e('the generated LLM proxy: a CloudWatch Embedded Metric Format line per answered call (PromptTokens, CompletionTokens, TotalTokens, unit Count) in the spec\'s namespace with its dimensions, which CloudWatch Logs turns into metrics', {
    differences: [
      differs('alerting', 'the consumer dimension is the API key id API Gateway checked (or the authorizer\'s principal), not the consumer\'s name; the client address dimension makes a metric per address (CloudWatch bills per metric)'),
    ],
  }),
  'llm.promptGuard': e('the generated LLM proxy: Bedrock Guardrails ApplyGuardrail (source INPUT) on every message of the request whatever its role (the caller writes the system turns too) before the model is called and, with responses: true, (source OUTPUT) on the answer, with the guardrail guards.bedrockGuardrail names (bedrock:ApplyGuardrail on it only); an intervention refuses the call (403), a failed guardrail call answers 502', {
    check: bedrockGuards('promptSafety'),
    differences: BEDROCK_DIFFERENCES,
  }),
  'llm.piiGuard': e('the generated LLM proxy: Bedrock Guardrails ApplyGuardrail with the guardrail guards.bedrockGuardrail names, whose sensitive-information filters find the personal data; INPUT on the request, OUTPUT on the answer with responses: true; an intervention refuses the call (403, action: block)', {
    check: bedrockGuards('pii'),
    differences: BEDROCK_DIFFERENCES,
  }),
};

/**
 * AgentCore calls the stage with one identity (its role, one stored API key, or none), cannot call
 * methods behind Lambda or Cognito authorizers, and needs the default endpoint: only public routes
 * become tools, and a tool name with AgentCore's prefix must stay within MCP's 64 characters.
 */
function agentCoreTools(ctx: CheckContext): SynthesisProblem[] {
  return usedRoutes(ctx).flatMap((r) => {
    const out: SynthesisProblem[] = [];
    const p = (m: string) => out.push(ctx.problem(r.id, m));
    if (r.auth !== 'none') p('AgentCore Gateway calls the stage with one identity of its own and cannot call methods behind Lambda authorizers (anygate\'s jwt and custom authorizers) nor pass each consumer\'s API key, so the tool would bypass or break the route\'s auth: make the route public (auth: none) to expose it, or expose the tool from another target');
    if (r.method === 'ANY') p('an AgentCore tool calls one method: give the route a method');
    // gateway-target-api-gateway.html: "If your API uses a proxy resources, such as /pets/{proxy+}, AgentCore Gateway won't support this method."
    if (r.segments.some((s) => s.kind === 'param' && s.greedy)) p(`AgentCore Gateway does not support methods on proxy resources (${r.path} has a greedy {name+} segment): give the tool a route without a greedy segment, or drop mcp from it`);
    // AgentCore calls the stage from its own addresses: an allow-list refuses every tool call, and a
    // deny-list is bypassed through the open MCP endpoint.
    if (ctx.spec.ipRules && (ctx.spec.ipRules.allow.length || ctx.spec.ipRules.deny.length)) p('AgentCore Gateway calls the stage from its own addresses, so ipRules.allow would refuse every tool call and ipRules.deny would be bypassed by a denied client calling the tool through the open MCP endpoint: drop ipRules from the spec, or expose the tools from another gateway spec or target');
    if (ctx.spec.domains?.some((d) => d.mtls)) p('a mutual-TLS domain disables the API\'s default endpoint, which AgentCore Gateway calls: drop mtls from the domains, or expose the tools from another target');
    const name = AGENTCORE_TOOL_PREFIX + r.mcp!.tool;
    if (name.length > TOOL_NAME_MAX) p(`AgentCore lists the tool as ${name} (${name.length} characters), over the ${TOOL_NAME_MAX} MCP clients accept: shorten mcp.tool to ${TOOL_NAME_MAX - AGENTCORE_TOOL_PREFIX.length} characters`);
    return out;
  });
}

/** Apigee's token counters key on the app VerifyAPIKey verified (client_id). */
const apigeeTokenCallers = (ctx: CheckContext) =>
  llmRoutes(ctx).flatMap(({ route, b }) => {
    const out = [];
    const t = b.tokenLimit!;
    if (t.per !== 'gateway' && route.auth !== 'none' && !keyIdentifiesCallers(ctx, route)) {
      out.push(ctx.problem(route.id, `a token budget per ${t.per} counts per app (client_id), which only an API key identifies, and the route lets callers in without one: require an apiKey authorizer in every alternative, or set tokenLimit.per: gateway`));
    }
    if (t.estimatePrompt && t.period !== 'minute') out.push(ctx.problem(route.id, `estimatePrompt uses PromptTokenLimit, a per-minute rate; a ${t.period} budget cannot be estimated: set period: minute, or estimatePrompt: false`));
    return out;
  });

const apigeeModels = (ctx: CheckContext) =>
  llmRoutes(ctx).flatMap(({ route, name, b }) => {
    if (b.provider === 'azure-openai' || b.provider === 'bedrock') return [ctx.problem(route.id, `backend ${name}: provider ${b.provider} needs credentials an Apigee target cannot mint; use vertex-ai (a Google access token) or an openai-compatible endpoint`)];
    if (b.apiKey) return [ctx.problem(route.id, `backend ${name}: anygate does not yet put a provider key from a secret on an Apigee target (issue #30); use vertex-ai, an endpoint that needs no key, or another target`)];
    return [];
  });

/** The Model Armor template a backend's guards use on Apigee: the spec's, else the compile option's. */
export const modelArmorTemplate = (b: LlmBackendSpec, option: string | undefined): string | undefined => b.guards?.modelArmor?.template ?? option;

/**
 * SanitizeUserPrompt / SanitizeModelResponse screen with a Model Armor template: one must be
 * named (and be a template name, since TemplateName is a message template), and Model Armor's
 * findings refuse the call: the policies do not rewrite the prompt, so `action: mask` is refused.
 */
const modelArmorGuards = (guard: 'promptSafety' | 'pii') => (ctx: CheckContext) =>
  llmRoutes(ctx)
    .filter((x) => x.b.guards?.[guard])
    .flatMap(({ route, name, b }) => {
      const out: SynthesisProblem[] = [];
      const template = modelArmorTemplate(b, ctx.options.apigee?.modelArmorTemplate);
      if (template === undefined) out.push(ctx.problem(route.id, `backend ${name}: Apigee applies the guard with a Model Armor template: set backends.${name}.guards.modelArmor.template (projects/<project>/locations/<region>/templates/<id>), or pass modelArmorTemplate to ApigeeGateway`));
      else {
        const bad = APIGEE_STRINGS.modelArmorTemplate(template, b.guards?.modelArmor ? `backends.${name}.guards.modelArmor.template` : 'modelArmorTemplate');
        if (bad) out.push(ctx.problem(route.id, bad));
      }
      if (guard === 'pii' && b.guards!.pii!.action === 'mask') out.push(ctx.problem(route.id, `backend ${name}: SanitizeUserPrompt refuses a prompt Model Armor flags and cannot replace the data it found: set guards.pii.action: block, or use another target`));
      return out;
    });

const MODEL_ARMOR_DIFFERENCES = [
  differs('accuracy', 'the Model Armor template decides what is blocked and at which confidence (responsible-AI categories hate speech, harassment, sexually explicit and dangerous; prompt injection and jailbreak; sensitive data protection); anygate names the template and does not read or check its filters', 'configure the template to match the guard (docs/ai.md maps the categories, threshold and entities)'),
  differs('status', 'a flagged prompt or response fails the call with the policy\'s fault (steps.sanitize.user.prompt.FilterMatched, steps.sanitize.model.response.FilterMatched), an Apigee error response, where other targets answer their own refusal'),
  differs('body', 'SanitizeModelResponse reads the whole JSON response (choices[-1].message.content): a streamed (text/event-stream) response cannot be screened and fails the call', 'leave streaming off on guarded backends, or set responses: false', (s) => Object.values(s.backends).some((b) => b.type === 'llm' && Boolean(b.guards?.promptSafety?.responses || b.guards?.pii?.responses))),
  // The other targets screen every message (docs/ai.md: a guard that skipped earlier turns could be bypassed there).
  differs('body', 'SanitizeUserPrompt screens the last chat message only (messages[-1].content): a prompt placed in a system message or an earlier turn, followed by a harmless last message, is not screened, where the other targets screen every message', 'guard on another target where callers control the whole conversation, or have the backend reject conversations it did not build'),
];

/**
 * Apigee's MCP server calls each tool at the OpenAPI document's servers.url, which must be the
 * host name of the stage's environment group (apigee-mcp.ts), and anygate puts no auth on the
 * MCP Discovery Proxy: only public routes with one method and plain path parameters are tools.
 */
/** Header names an OpenAPI 3.0 document ignores as parameters (lower case). */
const OAS_RESERVED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

function apigeeTools(ctx: CheckContext): SynthesisProblem[] {
  const out: SynthesisProblem[] = [];
  const hostnames = ctx.options.apigee?.hostnames;
  const stages = Object.keys(ctx.options.apigee?.environments ?? ctx.spec.stages).sort();
  const prefix = `${mcpServerPath(ctx.spec)}/`;
  for (const r of usedRoutes(ctx)) {
    const p = (m: string) => out.push(ctx.problem(r.id, m));
    if (r.auth !== 'none') p('anygate adds no auth policy to the MCP Discovery Proxy, so the tool would bypass the route\'s auth: make the route public (auth: none) to expose it, or expose the tool from another target');
    if (r.method === 'ANY') p('a tool is one OpenAPI operation, which has one method: give the route a method');
    if (r.segments.some((s) => s.kind === 'param' && s.greedy)) p(`an OpenAPI path parameter cannot hold a /, and ${r.path} has a greedy {name+} segment: give the tool a route without one, or drop mcp from it`);
    // Apigee names each argument after its parameter; anygate's tool schema renames a clash (<in>_<name>).
    const clashes = toolSchemas(r, ctx.spec).arguments.filter((a) => a.in !== 'body' && a.property !== a.name);
    if (clashes.length) p(`Apigee names each tool argument after its OpenAPI parameter, and ${clashes.map((a) => `${a.in} parameter ${a.name}`).join(', ')} shares its name with another parameter of the route: rename one of them`);
    // OpenAPI 3.0.3: a header parameter named Accept, Content-Type or Authorization "SHALL be
    // ignored", so the argument would be dropped (and the call refused) or pass a credential.
    const reserved = toolSchemas(r, ctx.spec).arguments.filter((a) => a.in === 'header' && OAS_RESERVED_HEADERS.has(a.name.toLowerCase())).map((a) => a.name);
    if (reserved.length) p(`OpenAPI 3.0 ignores a header parameter named Accept, Content-Type or Authorization, so Apigee's MCP server would drop the tool argument${reserved.length > 1 ? 's' : ''} ${reserved.join(', ')} (and the route's requiredHeaders check would refuse the call): remove ${reserved.join(', ')} from validation.requiredHeaders, or drop mcp from the route`);
    const body = r.validation?.bodySchema;
    const gaps = body ? toDialect(body, 'openapi-3.0').gaps : [];
    if (gaps.length) p(`the tool's body schema goes into an OpenAPI 3.0 document, which cannot say ${[...new Set(gaps.map((g) => g.keyword))].join(', ')}: simplify validation.bodySchema, or expose the tool from another target`);
  }
  const shadowed = ctx.spec.routes.filter((r) => r.path.startsWith(prefix)).map((r) => r.id);
  if (shadowed.length) out.push(ctx.problem('gateway', `the MCP Discovery Proxy's base path ${prefix.slice(0, -1)} (under basePath) takes every request below it, and routes ${shadowed.join(', ')} are there: set mcp.path to a path no route starts with`));
  if (ctx.spec.ipRules && (ctx.spec.ipRules.allow.length || ctx.spec.ipRules.deny.length)) out.push(ctx.problem('gateway', 'the MCP Discovery Proxy is a proxy of its own, which the gateway\'s ipRules do not cover: drop ipRules from the spec, or expose the tools from another gateway spec or target'));
  if ((ctx.spec.versions?.list.length ?? 0) > 1) out.push(ctx.problem('gateway', 'anygate exposes the tools of an unversioned API only: drop versions, or expose the tools from another target'));
  for (const stage of stages) {
    const hosts = apigeeMcpHosts(ctx.spec, stage, hostnames);
    if (!hosts.length) out.push(ctx.problem('gateway', `Apigee's MCP server calls the tools at the OpenAPI document's servers.url, whose host must be the environment group host name of stage ${stage}'s environment: pass hostnames: { ${stage}: '<host>' } to ApigeeGateway (or compileApigee), or give the stage a custom domain`));
    for (const h of hosts) if (!APIGEE_HOSTNAME.test(h)) out.push(ctx.problem('gateway', `hostnames.${stage}: ${JSON.stringify(h)} is not a host name (letters, digits, hyphens and dots; give the host without https:// or a path)`));
  }
  const org = ctx.options.apigee?.organization;
  if (org !== undefined && !APIGEE_ORGANIZATION.test(org)) out.push(ctx.problem('gateway', `organization: ${JSON.stringify(org)} is not an Apigee organization name (a project id: 6-30 lower-case letters, digits and hyphens, starting with a letter)`));
  return out;
}

const APIGEE: Record<AiFeatureId, TargetCapability> = {
  'mcp.tools': n('an MCP Discovery Proxy per stage (<proxy>-mcp-<stage>, base path basePath + mcp.path) whose target is Apigee\'s managed MCP server (<org>.mcp.apigee.internal) and whose OpenAPI 3.0.3 document (resources/oas/tools.yaml) has one operation per tool (operationId the tool name, the tool schema\'s arguments as parameters and request body) at the stage\'s environment group host name; API hub ingests it as an MCP API; public routes only, Comprehensive environments only', {
    check: apigeeTools,
    differences: [
      differs('deploy', 'the MCP endpoint is a proxy of its own per stage, https://<environment group host><basePath><mcp.path>; API hub must be provisioned with the Apigee runtime project attached, and the stage\'s environment group host name must be known at synthesis (hostnames option of ApigeeGateway, or a custom domain)'),
      differs('body', 'Apigee\'s MCP server derives each tool\'s input schema from the OpenAPI operation anygate writes from the tool schema (parameters by name, the body as requestBody); anygate writes the tool\'s title as the operation summary and its description as the operation description, and Apigee may show the summary as the tool\'s description (Google\'s example does); annotations are not carried'),
      differs('status', 'a tool call whose route answers 4xx or 5xx is an MCP result with isError (HTTP 200), as the MCP specification has it'),
    ],
  }),
  'backend.llm': n('TargetEndpoint to the model URL; Vertex AI through its OpenAI-compatible endpoint with a Google access token (the proxy\'s service account)', { check: apigeeModels }),
  'llm.tokenLimit': n('LLMTokenQuota: EnforceOnly on the request, CountOnly on the response counting usage.total_tokens, one shared counter per backend and app (client_id); estimatePrompt adds PromptTokenLimit', {
    check: apigeeTokenCallers,
    differences: [
      differs('accuracy', 'the model\'s reported usage is counted after each response: the call that crosses the budget completes'),
      differs('accuracy', 'estimatePrompt is PromptTokenLimit: a per-minute limit of its own on the estimated tokens of the last chat message, not a comparison with what is left of the LLMTokenQuota budget (the other targets refuse a call whose estimated prompt exceeds the budget left)', undefined, (s) => Object.values(s.backends).some((b) => b.type === 'llm' && Boolean(b.tokenLimit?.estimatePrompt))),
    ],
  }),
  'llm.tokenMetrics': pending('LLM token metrics (Apigee analytics of LLMTokenQuota counts)'),
  'llm.promptGuard': n('SanitizeUserPrompt on the request (the last chat message) and, with responses: true, SanitizeModelResponse on the response, screening with a Model Armor template (guards.modelArmor.template or ApigeeGateway\'s modelArmorTemplate) as the proxy\'s service account (roles/modelarmor.user and roles/modelarmor.viewer); Comprehensive environments only', {
    check: modelArmorGuards('promptSafety'),
    differences: MODEL_ARMOR_DIFFERENCES,
  }),
  'llm.piiGuard': n('SanitizeUserPrompt (and, with responses: true, SanitizeModelResponse) with a Model Armor template whose sensitive data protection finds the personal data, as the proxy\'s service account (roles/modelarmor.user and roles/modelarmor.viewer); the call is refused (action: block); Comprehensive environments only', {
    check: modelArmorGuards('pii'),
    differences: MODEL_ARMOR_DIFFERENCES,
  }),
};

/** What the AI Gateway route of an LLM backend can carry on Kubernetes (kubernetes-ai.ts says where it lands). */
const kubernetesModels = (ctx: CheckContext) => {
  const out: SynthesisProblem[] = [];
  const roots = new Map<string, string>();
  let firstLlm: RouteSpec | undefined;
  const models = new Map<string, string>();
  for (const { route, name, b } of llmRoutes(ctx)) {
    const p = (m: string) => out.push(ctx.problem(route.id, m));
    if (!AI_GATEWAY_SCHEMA[b.provider]) {
      p(`backend ${name}: provider ${b.provider} needs ${b.provider === 'bedrock' ? 'AWS' : 'Google'} credentials (a credentials file or workload identity federation) the spec cannot name on an Envoy AI Gateway BackendSecurityPolicy; use openai-compatible or azure-openai, or another target`);
      continue;
    }
    if (b.provider === 'azure-openai' && !b.apiKey) p(`backend ${name}: Envoy AI Gateway reaches Azure OpenAI with an api-key or an Entra client (client and tenant ids) the spec cannot name, not the platform identity: set apiKey`);
    const placed = llmPlacement(ctx.spec, route, b);
    if (typeof placed === 'string') p(placed);
    else {
      const other = [...roots].find(([root]) => root !== placed.rootPrefix);
      if (other) p(`the AI Gateway controller has one rootPrefix, and this route needs ${placed.rootPrefix} while route ${other[1]} needs ${other[0]}: give every LLM route the same basePath`);
      roots.set(placed.rootPrefix, route.id);
    }
    const what = [route.transform && 'transform', route.rateLimit && 'rateLimit', route.validation && 'validation', route.cache && 'cache', route.versions?.length && 'versions'].filter(Boolean);
    if (what.length) p(`an LLM route goes through an AIGatewayRoute, which anygate gives no ${what.join(', ')}: remove it from the route, or use another target`);
    // Envoy Gateway decides auth before the AI Gateway reads the model (on its route-not-found rule),
    // so one SecurityPolicy covers the whole generated HTTPRoute: every LLM route needs the same auth.
    const authOf = (r: RouteSpec) => JSON.stringify([r.auth, r.scopes, Boolean(r.authOptional)]);
    if (firstLlm && authOf(firstLlm) !== authOf(route)) p(`Envoy Gateway checks credentials before the AI Gateway reads the request's model, so one SecurityPolicy covers every LLM route of the stage, and ${route.id} is authorized differently from ${firstLlm.id}: give all LLM routes (${llmRoutes(ctx).map((l) => l.route.id).join(', ')}) the same auth and scopes, or serve the differently authorized models from another gateway spec`);
    if (!firstLlm) firstLlm = route;
    const taken = models.get(b.model);
    if (taken && taken !== name) p(`backends ${taken} and ${name} both serve model ${b.model}, and Envoy AI Gateway picks the backend by the request's model: give each backend its own model`);
    models.set(b.model, name);
  }
  return out;
};

/** A token budget on Envoy Gateway keys on a header: the consumer the API-key check forwards, or nothing (one budget). */
const kubernetesTokenCallers = (ctx: CheckContext) =>
  llmRoutes(ctx).flatMap(({ route, name, b }) => {
    const t = b.tokenLimit!;
    const out = [];
    if (t.estimatePrompt) out.push(ctx.problem(route.id, `backend ${name}: Envoy AI Gateway counts the tokens the model reports and cannot estimate a prompt before the call: set estimatePrompt: false`));
    const keyed = keyIdentifiesCallers(ctx, route);
    if (t.per !== 'gateway' && !keyed) out.push(ctx.problem(route.id, `a token budget per ${t.per} keys on the consumer the API-key check forwards, and the route lets callers in without an API key: require an apiKey authorizer in every alternative, or set tokenLimit.per: gateway`));
    const plans = keyed && Object.values(ctx.spec.consumers).some((c) => { const p = ctx.spec.plans[c.plan]; return Boolean(p?.rateLimit || p?.quota); });
    if (plans) out.push(ctx.problem(route.id, `the consumers' plan limits and the token budget would be two BackendTrafficPolicies on one HTTPRoute rule, and Envoy Gateway applies one: drop the plans' rateLimit and quota, or the token limit, or use another target`));
    return out;
  });

const KUBERNETES: Record<AiFeatureId, TargetCapability> = {
  'mcp.tools': u('Envoy AI Gateway v1.1\'s MCPRoute only aggregates MCP servers (spec.backendRefs to MCP servers in its namespace, each with a securityPolicy and a toolSelector) and turns no REST route into a tool, and anygate generates no MCP server: run an MCP server that calls these routes beside the MCPRoute and route to it (`anygate dev` serves the same tools for local testing only), or expose the tools from the aws, azure or apigee target'),
  'backend.llm': n('Envoy AI Gateway: an AIGatewayRoute rule per backend (matched on the request\'s model), an AIServiceBackend (schema OpenAI or AzureOpenAI) over an Envoy Gateway Backend (+ BackendTLSPolicy), a BackendSecurityPolicy reading the provider key from a Secret; one SecurityPolicy on the whole HTTPRoute the AI Gateway generates (auth runs before the model is read), so every LLM route of a stage has the same auth', {
    check: kubernetesModels,
    differences: [
      differs('status', 'the AI Gateway picks the backend by the request body\'s model: a request naming another model answers 404 from the AI Gateway\'s route-not-found rule (401 first when the LLM routes need credentials and none are valid)'),
      differs('status', 'the AI Gateway serves the OpenAI paths under its rootPrefix with a catch-all PathPrefix rule: a path no HTTPRoute matches under that prefix answers the AI Gateway\'s 404 (or the LLM routes\' 401), not the gateway\'s'),
      differs('timeout', 'the rule\'s timeouts.request (timeoutMs, default 29 s: AWS\'s integration cap) bounds the whole exchange including every streamed chunk, where the AI Gateway\'s own default is 60 s', 'set timeoutMs on the backend (up to 300000) for long or streamed completions'),
      // AIGatewayRoute v1.1 rules match headers only (spec.rules[].matches[].headers): no path.
      differs('methods', 'AIGatewayRoute rules match the model alone, not the path: every OpenAI endpoint the AI Gateway serves under its rootPrefix (chat/completions, completions, embeddings, responses, images, models) reaches every model of the stage\'s LLM routes, whichever endpoints the spec routes to which backend', 'give backends that must not be reached through other endpoints a gateway (or stage) of their own'),
    ],
  }),
  'llm.tokenLimit': n('AIGatewayRoute llmRequestCosts (TotalToken into io.envoy.ai_gateway metadata) and a Global BackendTrafficPolicy rate limit on the rule, costing 0 on the request and the reported tokens on the response, per consumer (the API-key client header) or one bucket', {
    check: kubernetesTokenCallers,
    differences: [
      differs('accuracy', 'the model\'s reported usage is counted after each response: the call that crosses the budget completes'),
      differs('window', 'the rate-limit service\'s windows are fixed and epoch-aligned (a minute, hour or day starts on the clock, not at the first call)'),
    ],
  }),
  'llm.tokenMetrics': n('Envoy AI Gateway records gen_ai.client.token.usage (input and output tokens, by operation and model) for every AIGatewayRoute; a consumer dimension maps the API-key client header through the controller\'s metricsRequestHeaderAttributes (the plan notes give the Helm value)', {
    differences: [
      differs('alerting', 'the metric is the OpenTelemetry gen_ai.client.token.usage histogram under the AI Gateway\'s own meter, not a metric in the spec\'s namespace; the route dimension is the model and operation'),
      // AIGatewayRoute rules take no RequestHeaderModifier, so the caller's own header cannot be removed there.
      differs('claims', 'on an LLM route no API key guards, the consumer dimension is whatever x-anygate-consumer header the caller sent (an AIGatewayRoute rule cannot remove it): trust it only on API-key routes'),
    ],
  }),
  'llm.promptGuard': u('Envoy AI Gateway v1.1 has no prompt safety guard (no content-safety field on AIGatewayRoute or AIServiceBackend); guard prompts on another target or in the model provider'),
  'llm.piiGuard': u('Envoy AI Gateway v1.1 has no personal-data guard; guard prompts on another target or in the model provider'),
};

/** Each target's AI records. */
export const AI_RECORDS: Readonly<Record<Target, Record<AiFeatureId, TargetCapability>>> = {
  aws: AWS,
  azure: AZURE,
  apigee: APIGEE,
  kubernetes: KUBERNETES,
};

// "Model Armor policies can only be deployed in Comprehensive environments" (Apigee, Get started
// with Apigee Model Armor policies).
/**
 * Where the Apigee environment type is set: not a spec field, but the deployment's (the Apigee
 * environment itself must have been created Comprehensive).
 */
const DEPLOY_COMPREHENSIVE = "deploy to one: set environmentType: 'COMPREHENSIVE' on the ApigeeGateway component (or compileApigee's options), and pass --apigee-env COMPREHENSIVE to anygate synth and portability; the Apigee environment itself must be of type COMPREHENSIVE (it is not a spec field)";
const MODEL_ARMOR_TIER = u(`SanitizeUserPrompt and SanitizeModelResponse (Model Armor) run only in Comprehensive environments; ${DEPLOY_COMPREHENSIVE}`);
const COMPREHENSIVE_ONLY = {
  'llm.promptGuard': MODEL_ARMOR_TIER,
  'llm.piiGuard': MODEL_ARMOR_TIER,
  // "In the Environment list, select the environment where you want to deploy the proxy. The environment must be a Comprehensive environment." (Get started with Apigee and MCP)
  'mcp.tools': u(`an MCP Discovery Proxy deploys to Comprehensive environments only; ${DEPLOY_COMPREHENSIVE}`),
};

/** Tier overrides. */
export const AI_TIER_RECORDS = {
  azure: { Consumption: AZURE_CONSUMPTION },
  apigee: {
    BASE: { 'llm.tokenLimit': u('LLMTokenQuota and PromptTokenLimit are extensible policies; BASE environments cannot run them'), ...COMPREHENSIVE_ONLY } as Partial<Record<AiFeatureId, TargetCapability>>,
    INTERMEDIATE: COMPREHENSIVE_ONLY as Partial<Record<AiFeatureId, TargetCapability>>,
  },
} as const;


