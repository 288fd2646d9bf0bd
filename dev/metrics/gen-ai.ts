/**
 * The LLM token metric dev exposes beside Envoy's statistics: `gen_ai.client.token.usage` of the
 * OpenTelemetry GenAI semantic conventions, which the Envoy AI Gateway (the kubernetes target's LLM
 * routes, providers/kubernetes/llm.ts) records for every call and exports to Prometheus as the
 * histogram `gen_ai_client_token_usage` (dots become underscores; the `{token}` unit adds no suffix).
 * One observation per token type a call used: `input` (prompt) and `output` (completion).
 */
import { completionKind } from '../ai-model';
import { MetricFamily } from './exposition';

/** The Prometheus name of `gen_ai.client.token.usage`. */
export const GEN_AI_TOKEN_USAGE = 'gen_ai_client_token_usage';

/**
 * Its labels: the semantic conventions' attributes (`gen_ai.operation.name`, `.provider.name`,
 * `.request.model`, `.token.type`), then the route id and the consumer (API-key consumer, else the
 * token subject, else empty), the spec's tokenMetrics dimensions; the AI Gateway adds `consumer`
 * with the Helm value the kubernetes plan notes give.
 */
export const GEN_AI_TOKEN_USAGE_LABELS = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_token_type', 'route', 'consumer'] as const;

/** The bucket bounds the semantic conventions give the metric. */
export const GEN_AI_TOKEN_USAGE_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** The family, empty. */
export function genAiTokenUsage(): MetricFamily {
  return new MetricFamily(GEN_AI_TOKEN_USAGE, 'histogram', 'Number of tokens used per LLM call, by token type (input: prompt, output: completion)', GEN_AI_TOKEN_USAGE_LABELS, GEN_AI_TOKEN_USAGE_BUCKETS);
}

/** The semantic conventions' provider name of an anygate LLM provider. */
export function genAiProvider(provider: string): string {
  return ({ 'openai-compatible': 'openai', 'azure-openai': 'azure.ai.openai', bedrock: 'aws.bedrock', 'vertex-ai': 'gcp.vertex_ai' } as Record<string, string>)[provider] ?? provider;
}

/** The operation of a call, from its path: a text completion on `.../completions`, else chat. */
export function genAiOperation(path: string): string {
  return completionKind(path) === 'text' ? 'text_completion' : 'chat';
}

/** The `model` a request body names, if it is a JSON object naming one. */
export function requestedModel(body: Buffer): string | undefined {
  if (!body.toString('utf8', 0, 64).trimStart().startsWith('{')) return undefined;
  try {
    const m = (JSON.parse(body.toString('utf8')) as { model?: unknown }).model;
    return typeof m === 'string' && m ? m : undefined;
  } catch {
    return undefined;
  }
}
