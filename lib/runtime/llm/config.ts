/**
 * Configuration of the generated LLM proxy, as config.json beside its bundled code (a module of
 * its own: the other handlers' bundles stay byte-identical when it changes). Plain data, no
 * secrets: providers/aws/llm.ts produces it, lib/runtime/llm/handler.ts reads it.
 */
import type { TransformRoute } from '../config';

/** Where the caller a token budget counts for is read from the proxy event. */
export type LlmCaller =
  /** `requestContext.identity.apiKeyId`: the API key API Gateway checked (one per consumer and stage). */
  | 'apiKey'
  /** `requestContext.authorizer.principalId`: the verified token's subject (generated authorizer) or a custom authorizer's principal. */
  | 'principal'
  /** One budget for every caller. */
  | 'gateway';

/** One LLM backend as the generated LLM proxy calls it. */
export interface LlmBackendConfig {
  readonly provider: 'openai-compatible' | 'azure-openai';
  /** Base URL the route's backend path is appended to (Azure OpenAI: `<endpoint>/openai/deployments/<model>`). */
  readonly url: string;
  /** Query parameters added to every call (Azure OpenAI's `api-version`). */
  readonly query: Record<string, string>;
  readonly model: string;
  /**
   * The header the provider key goes in (`authorization` as `Bearer <key>`, or Azure's `api-key`);
   * its value is read at cold start from the Secrets Manager secret named by llmKeySecretEnv(backend).
   * @default - no key
   */
  readonly keyHeader?: 'authorization' | 'api-key';
  /** Budget of tokens per window (fixed, epoch-aligned), counted in the DynamoDB table of TOKEN_TABLE_ENV. @default - none */
  readonly tokenLimit?: {
    readonly tokens: number;
    readonly windowSeconds: number;
    /** Refuse a call whose prompt (counted with gpt-tokenizer, o200k_base) does not fit in what is left. */
    readonly estimatePrompt: boolean;
  };
  /** CloudWatch Embedded Metric Format lines per answered call. @default - none */
  readonly tokenMetrics?: {
    readonly namespace: string;
    /** Dimension names in the metric (Consumer, Route, Model, ClientIp), in the model's order. */
    readonly dimensions: ('Consumer' | 'Route' | 'Model' | 'ClientIp')[];
  };
  /** Bedrock Guardrails ApplyGuardrail on the prompt (INPUT) and, with `output`, on the answer (OUTPUT). @default - none */
  readonly guardrail?: { readonly id: string; readonly version: string; readonly output: boolean };
}

/** One route served by the LLM proxy. */
export interface LlmRoute {
  readonly method: string;
  readonly resource: string;
  readonly id: string;
  readonly backend: string;
  /** Whose budget the route's calls count against (`gateway` also when the backend has no budget). */
  readonly caller: LlmCaller;
  /** Route parameter name -> the name API Gateway passes in pathParameters. */
  readonly rename: Record<string, string>;
  /** Path appended to the backend URL, over the route's path parameters. */
  readonly backendPath: string;
  /** Deadline of the upstream call, in milliseconds (under the integration's timeout). */
  readonly timeoutMs: number;
  /** CORS headers added to the route's responses (a proxy integration cannot add them). @default - none */
  readonly cors?: TransformRoute['cors'];
}

export interface LlmProxyConfig {
  readonly version: 1;
  /** The gateway's own refusals (budget spent, guard, upstream down): the error contract's body (`anygate`) or `{"message"}` (`native`). */
  readonly errors: 'anygate' | 'native';
  readonly routes: LlmRoute[];
  readonly backends: Record<string, LlmBackendConfig>;
}
