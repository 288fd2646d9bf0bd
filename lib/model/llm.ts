/**
 * LLM backends: a route whose backend is a model provider (OpenAI-compatible, Azure OpenAI,
 * Vertex AI, Bedrock), with the gateway's token limit, token metrics and guards. The model says
 * what the gateway must do; lib/capabilities says how (or whether) each target does it.
 */
import { z } from 'zod';
import type { SpecIssue } from './errors';

const NonEmpty = z.string().min(1, { message: 'must not be empty' });
const Url = z.string().url({ message: 'must be an absolute URL such as https://api.example.com' });

export const LLM_PROVIDERS = ['openai-compatible', 'azure-openai', 'vertex-ai', 'bedrock'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export const TokenLimit = z
  .strictObject({
    tokens: z.number().int().min(1).max(1_000_000_000).meta({ description: 'Tokens (prompt plus completion) allowed per period.' }),
    period: z.enum(['minute', 'hour', 'day']).meta({ description: 'The window the budget renews on.' }),
    per: z
      .enum(['consumer', 'key', 'gateway'])
      .optional()
      .meta({ description: "Whose budget: `consumer` (the caller the route's auth identifies: API-key consumer or token subject), `key` (each credential value separately), or `gateway` (one budget for every caller).", default: 'consumer' }),
    estimatePrompt: z
      .boolean()
      .optional()
      .meta({ description: "Estimate the prompt's tokens before calling the model and refuse a request that would exceed the budget; off: count the model's reported usage after each response.", default: false }),
  })
  .describe('A token budget per period, enforced by the gateway in front of the model.');

export const TOKEN_METRIC_DIMENSIONS = ['consumer', 'route', 'model', 'clientIp'] as const;

export const TokenMetrics = z
  .strictObject({
    dimensions: z
      .array(z.enum(TOKEN_METRIC_DIMENSIONS))
      .optional()
      .meta({ description: 'What the token counts are broken down by.', default: ['consumer', 'route'] }),
    namespace: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, { message: 'must be 1-64 letters, digits, _ or -, starting with a letter' })
      .optional()
      .meta({ description: 'Metric namespace. Default: the gateway name.' }),
  })
  .describe('Emit prompt, completion and total token counts as metrics.');

export const GUARD_CATEGORIES = ['hate', 'sexual', 'violence', 'selfHarm'] as const;
export const PII_ENTITIES = ['email', 'phone', 'creditCard', 'usSsn', 'ipAddress'] as const;

export const PromptSafetyGuard = z
  .strictObject({
    categories: z.array(z.enum(GUARD_CATEGORIES)).min(1).optional().meta({ description: 'Harm categories checked.', default: [...GUARD_CATEGORIES] }),
    threshold: z
      .enum(['low', 'medium', 'high'])
      .optional()
      .meta({ description: 'Lowest severity that blocks: `low` blocks the most, `high` only the most severe content.', default: 'medium' }),
    jailbreak: z.boolean().optional().meta({ description: 'Also block prompt-injection and jailbreak attempts.', default: true }),
    responses: z.boolean().optional().meta({ description: "Also check the model's responses, not only prompts.", default: false }),
  })
  .describe('Block prompts (and optionally responses) with harmful content.');

export const PiiGuard = z
  .strictObject({
    entities: z.array(z.enum(PII_ENTITIES)).min(1).optional().meta({ description: 'Kinds of personal data detected.', default: [...PII_ENTITIES] }),
    action: z.enum(['block', 'mask']).optional().meta({ description: 'Refuse the request, or replace the detected data before it reaches the model.', default: 'block' }),
    responses: z.boolean().optional().meta({ description: "Also check the model's responses.", default: false }),
  })
  .describe('Detect personal data in prompts (and optionally responses).');

/**
 * A Model Armor template's resource name. Apigee reads TemplateName as a message template, so the
 * grammar leaves out braces and anything but the name's own characters.
 */
export const MODEL_ARMOR_TEMPLATE = /^projects\/(?:[a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{1,20})\/locations\/[a-z]+(?:-[a-z0-9]+)*\/templates\/[A-Za-z0-9_-]{1,63}$/;
export const MODEL_ARMOR_TEMPLATE_MESSAGE = 'must be a Model Armor template name: projects/<project id or number>/locations/<location, e.g. us-central1>/templates/<template id: letters, digits, _ or ->';

export const ModelArmor = z
  .strictObject({
    template: z.string().regex(MODEL_ARMOR_TEMPLATE, { message: MODEL_ARMOR_TEMPLATE_MESSAGE }).meta({ description: 'The Model Armor template (`projects/P/locations/L/templates/T`) whose filters screen prompts and, with `responses: true`, responses. Its location should be the Apigee instance\'s region.' }),
  })
  .describe('Google Model Armor, the service the Apigee target screens with (SanitizeUserPrompt / SanitizeModelResponse).');

/** Bedrock ApplyGuardrail's identifier and version grammars (Amazon Bedrock API reference). */
export const BEDROCK_GUARDRAIL_ID = /^(?:[a-z0-9]{1,64}|arn:aws(?:-[a-z]+)*:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail\/[a-z0-9]{1,64})$/;
export const BEDROCK_GUARDRAIL_VERSION = /^(?:[1-9][0-9]{0,7}|DRAFT)$/;

export const BedrockGuardrail = z
  .strictObject({
    id: z.string().regex(BEDROCK_GUARDRAIL_ID, { message: 'must be a Bedrock guardrail id (lower-case letters and digits) or its ARN (arn:aws:bedrock:<region>:<account>:guardrail/<id>)' }).meta({ description: 'The guardrail id, or its ARN; a bare id is a guardrail of the stack\'s account and region.' }),
    version: z.string().regex(BEDROCK_GUARDRAIL_VERSION, { message: 'must be a guardrail version number (1, 2, ...) or DRAFT' }).meta({ description: 'The guardrail version (a number, or `DRAFT`).' }),
  })
  .describe('An Amazon Bedrock guardrail, the service the AWS target screens with (ApplyGuardrail from the generated LLM proxy).');

export const LlmGuards = z
  .strictObject({
    promptSafety: PromptSafetyGuard.optional().meta({ description: 'Harmful-content and jailbreak guard. Default: none.' }),
    pii: PiiGuard.optional().meta({ description: 'Personal-data guard. Default: none.' }),
    modelArmor: ModelArmor.optional().meta({ description: 'The Model Armor template the Apigee target applies the guards with. Default: none (ApigeeGateway\'s modelArmorTemplate, else Apigee refuses the guards).' }),
    bedrockGuardrail: BedrockGuardrail.optional().meta({ description: 'The Bedrock guardrail the AWS target applies the guards with. Default: none (AWS refuses the guards).' }),
  })
  .describe('Content guards the gateway applies to model traffic.');

const SecretRef = z.strictObject({
  secretRef: z
    .string()
    .regex(/^[a-z][a-z0-9-]*:.+$/, { message: 'must look like "<store>:<id>", e.g. "env:OPENAI_KEY"' })
    .meta({ description: 'Where the secret lives, e.g. `aws-secretsmanager:prod/openai`, `azure-keyvault:https://vault.vault.azure.net/secrets/openai` or `env:OPENAI_KEY`.' }),
});

export const LlmBackend = z.strictObject({
  type: z.literal('llm').meta({ description: 'A large language model provider.' }),
  provider: z.enum(LLM_PROVIDERS).meta({ description: 'The API the model speaks: `openai-compatible` (any /chat/completions endpoint), `azure-openai`, `vertex-ai` or `bedrock`.' }),
  url: Url.optional().meta({ description: 'Base URL: the OpenAI-compatible base (`https://api.openai.com/v1`) or the Azure OpenAI resource endpoint (`https://<resource>.openai.azure.com`); required for those two. Vertex AI and Bedrock default to their regional endpoints.' }),
  model: NonEmpty.meta({ description: 'Model id (Azure OpenAI: the deployment name; Bedrock: the model or inference-profile id).' }),
  region: z.string().regex(/^[a-z]+(?:-[a-z0-9]+)+$/, { message: 'must be a cloud region such as us-east-1 or europe-west4' }).optional().meta({ description: 'Region of the model (required for vertex-ai and bedrock).' }),
  project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { message: 'must be a Google Cloud project id' }).optional().meta({ description: 'Google Cloud project (required for vertex-ai).' }),
  apiVersion: z.string().regex(/^\d{4}-\d{2}-\d{2}(?:-preview)?$/, { message: 'must be an API version such as 2024-10-21' }).optional().meta({ description: 'Azure OpenAI API version (azure-openai only).', default: '2024-10-21' }),
  apiKey: SecretRef.optional().meta({ description: 'Where the provider key comes from (openai-compatible, azure-openai). Default: the platform identity (managed identity, service account, IAM role) or no key.' }),
  timeoutMs: z.number().int().min(1).max(300_000).optional().meta({ description: 'Timeout in milliseconds (long generations need more; AWS caps integrations at 29 s by default).', default: 29000 }),
  tokenLimit: TokenLimit.optional().meta({ description: 'Token budget. Default: none.' }),
  tokenMetrics: TokenMetrics.optional().meta({ description: 'Token metrics. Default: none.' }),
  guards: LlmGuards.optional().meta({ description: 'Content guards. Default: none.' }),
});

export type TokenLimitSpec = Required<z.output<typeof TokenLimit>>;
export interface TokenMetricsSpec {
  readonly dimensions: (typeof TOKEN_METRIC_DIMENSIONS)[number][];
  readonly namespace: string;
}
export type PromptSafetyGuardSpec = Required<z.output<typeof PromptSafetyGuard>>;
export type PiiGuardSpec = Required<z.output<typeof PiiGuard>>;
export interface LlmGuardsSpec {
  /** @default - no prompt safety guard */
  readonly promptSafety?: PromptSafetyGuardSpec;
  /** @default - no personal-data guard */
  readonly pii?: PiiGuardSpec;
  /** The Model Armor template Apigee screens with. @default - none: the compile option modelArmorTemplate, else Apigee refuses the guards */
  readonly modelArmor?: { readonly template: string };
  /** The Bedrock guardrail AWS screens with. @default - none: AWS refuses the guards */
  readonly bedrockGuardrail?: { readonly id: string; readonly version: string };
}

/** An LLM backend, normalized. */
export interface LlmBackendSpec {
  readonly type: 'llm';
  readonly provider: LlmProvider;
  /** @default - the provider's regional endpoint (vertex-ai, bedrock) */
  readonly url?: string;
  readonly model: string;
  /** @default - none (openai-compatible, azure-openai) */
  readonly region?: string;
  /** @default - none (all but vertex-ai) */
  readonly project?: string;
  /** Azure OpenAI only. @default - '2024-10-21' for azure-openai, absent otherwise */
  readonly apiVersion?: string;
  /** @default - the platform identity */
  readonly apiKey?: { readonly secretRef: string };
  readonly timeoutMs: number;
  /** @default - no limit */
  readonly tokenLimit?: TokenLimitSpec;
  /** @default - no metrics */
  readonly tokenMetrics?: TokenMetricsSpec;
  /** @default - no guards */
  readonly guards?: LlmGuardsSpec;
}

export const LLM_DEFAULTS = { timeoutMs: 29_000, apiVersion: '2024-10-21', per: 'consumer' as const, estimatePrompt: false, dimensions: ['consumer', 'route'] as const, threshold: 'medium' as const, piiAction: 'block' as const };

const sorted = <T extends string>(l: readonly T[]) => [...new Set(l)].sort();

/** Defaults applied once; set-like lists sorted. */
export function normalizeLlmBackend(b: z.output<typeof LlmBackend>, gatewayName: string): LlmBackendSpec {
  const g = b.guards;
  return {
    type: 'llm',
    provider: b.provider,
    url: b.url?.replace(/\/+$/, ''),
    model: b.model,
    region: b.region,
    project: b.project,
    apiVersion: b.provider === 'azure-openai' ? (b.apiVersion ?? LLM_DEFAULTS.apiVersion) : undefined,
    apiKey: b.apiKey,
    timeoutMs: b.timeoutMs ?? LLM_DEFAULTS.timeoutMs,
    tokenLimit: b.tokenLimit && { tokens: b.tokenLimit.tokens, period: b.tokenLimit.period, per: b.tokenLimit.per ?? LLM_DEFAULTS.per, estimatePrompt: b.tokenLimit.estimatePrompt ?? LLM_DEFAULTS.estimatePrompt },
    tokenMetrics: b.tokenMetrics && { dimensions: sorted(b.tokenMetrics.dimensions ?? [...LLM_DEFAULTS.dimensions]), namespace: b.tokenMetrics.namespace ?? gatewayName },
    guards: g && (g.promptSafety || g.pii)
      ? {
          promptSafety: g.promptSafety && {
            categories: sorted(g.promptSafety.categories ?? [...GUARD_CATEGORIES]),
            threshold: g.promptSafety.threshold ?? LLM_DEFAULTS.threshold,
            jailbreak: g.promptSafety.jailbreak ?? true,
            responses: g.promptSafety.responses ?? false,
          },
          pii: g.pii && { entities: sorted(g.pii.entities ?? [...PII_ENTITIES]), action: g.pii.action ?? LLM_DEFAULTS.piiAction, responses: g.pii.responses ?? false },
          ...(g.modelArmor ? { modelArmor: { template: g.modelArmor.template } } : {}),
          ...(g.bedrockGuardrail ? { bedrockGuardrail: { id: g.bedrockGuardrail.id, version: g.bedrockGuardrail.version } } : {}),
        }
      : undefined,
  };
}

/** What each provider needs beyond the schema: its endpoint, region, project. */
export function checkLlmBackend(name: string, b: z.output<typeof LlmBackend>, issues: SpecIssue[]): void {
  const at = (k: string) => ['backends', name, k];
  const need = (k: 'url' | 'region' | 'project', why: string) => {
    if (b[k] === undefined) issues.push({ path: at(k), message: `is required for provider ${b.provider}: ${why}`, severity: 'error' });
  };
  const refuse = (k: 'region' | 'project' | 'apiVersion' | 'apiKey', why: string) => {
    if (b[k] !== undefined) issues.push({ path: at(k), message: `does not apply to provider ${b.provider}: ${why}; remove it`, severity: 'error' });
  };
  if (b.guards?.modelArmor && !b.guards.promptSafety && !b.guards.pii) {
    issues.push({ path: [...at('guards'), 'modelArmor'], message: 'names the Model Armor template the guards are applied with, but the backend has no guard: add guards.promptSafety or guards.pii, or remove modelArmor', severity: 'error' });
  }
  if (b.guards?.bedrockGuardrail && !b.guards.promptSafety && !b.guards.pii) {
    issues.push({ path: [...at('guards'), 'bedrockGuardrail'], message: 'names the Bedrock guardrail the guards are applied with, but the backend has no guard: add guards.promptSafety or guards.pii, or remove bedrockGuardrail', severity: 'error' });
  }
  switch (b.provider) {
    case 'openai-compatible':
      need('url', 'the base URL the gateway calls, such as https://api.openai.com/v1');
      refuse('region', 'the URL names the endpoint');
      refuse('project', 'only vertex-ai has a project');
      refuse('apiVersion', 'only azure-openai takes an API version');
      break;
    case 'azure-openai':
      need('url', 'the resource endpoint, such as https://my-resource.openai.azure.com');
      refuse('region', 'the endpoint names the region');
      refuse('project', 'only vertex-ai has a project');
      break;
    case 'vertex-ai':
      need('region', 'Vertex AI serves models per region (e.g. us-central1)');
      need('project', 'the Google Cloud project the model is billed to');
      refuse('apiVersion', 'only azure-openai takes an API version');
      refuse('apiKey', 'Vertex AI authenticates with the gateway\'s service account');
      break;
    case 'bedrock':
      need('region', 'Bedrock serves models per region (e.g. us-east-1)');
      refuse('project', 'only vertex-ai has a project');
      refuse('apiVersion', 'only azure-openai takes an API version');
      refuse('apiKey', 'Bedrock authenticates with the gateway\'s IAM role');
      break;
  }
}

/**
 * A per-caller token budget needs a caller: every route on a budgeted backend with `per: consumer`
 * or `per: key` must require auth.
 */
export function checkLlmRoute(
  index: number,
  route: { method: string; path: string },
  backend: z.output<typeof LlmBackend>,
  backendName: string,
  isPublic: boolean,
  issues: SpecIssue[],
): void {
  const per = backend.tokenLimit?.per ?? LLM_DEFAULTS.per;
  if (backend.tokenLimit && per !== 'gateway' && isPublic) {
    issues.push({
      path: ['routes', index, 'auth'],
      message: `backend ${backendName} limits tokens per ${per}, but ${route.method} ${route.path} is public (auth: none), so there is no ${per} to count for: require an authorizer, or set backends.${backendName}.tokenLimit.per: gateway`,
      severity: 'error',
    });
  }
}
