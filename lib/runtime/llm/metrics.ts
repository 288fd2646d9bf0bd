/**
 * Token metrics of the generated LLM proxy as CloudWatch Embedded Metric Format lines: one JSON
 * line per answered call on the function's stdout, which CloudWatch Logs turns into the metrics
 * PromptTokens, CompletionTokens and TotalTokens (unit Count) in the spec's namespace, with one
 * dimension set (the model's dimensions). No PutMetricData call, no extra latency.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { LlmBackendConfig } from './config';
import type { Usage } from './usage';

export type MetricDimension = NonNullable<LlmBackendConfig['tokenMetrics']>['dimensions'][number];

/** EMF allows dimension values of at most 1,024 characters. */
const MAX_DIMENSION_VALUE = 1024;

/**
 * A dimension value CloudWatch accepts: ASCII only, with at least one non-space character, at
 * most 1,024 characters. A consumer id or principal can hold any text (a JWT subject in another
 * script): each character outside printable ASCII, and the backslash that escapes it, is written
 * as `\uXXXX` (UTF-16 units, as in JSON), so distinct ids stay distinct. Empty or blank: `unknown`.
 */
export function dimensionValue(v: string | undefined): string {
  const escaped = (v ?? '').replace(/[^\x20-\x5b\x5d-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return (v ?? '').trim() ? escaped.slice(0, MAX_DIMENSION_VALUE) : 'unknown';
}

/** One EMF line (no trailing newline) for an answered call. A missing dimension value is `unknown` (EMF drops a metric whose dimension is absent). */
export function emfLine(m: NonNullable<LlmBackendConfig['tokenMetrics']>, usage: Usage, values: Record<MetricDimension, string | undefined>, timestamp: number): string {
  const dims = Object.fromEntries(m.dimensions.map((d) => [d, dimensionValue(values[d])]));
  const metrics: Record<string, number> = { TotalTokens: usage.total };
  if (usage.prompt !== undefined) metrics.PromptTokens = usage.prompt;
  if (usage.completion !== undefined) metrics.CompletionTokens = usage.completion;
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: m.namespace, Dimensions: [m.dimensions], Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: 'Count' })) }],
    },
    ...dims,
    ...metrics,
  });
}
