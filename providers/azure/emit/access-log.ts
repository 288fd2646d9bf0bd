/**
 * The access log in the one schema (lib/observability/access-log.ts) on API Management: a `trace`
 * policy whose message is the JSON line, in the API policy's outbound and on-error sections.
 * With the ApiDiagnostic it lands in Application Insights' `traces` table (message = the line).
 */
import type { GatewaySpec } from '../../../lib/model/types';
import { csString } from '../expressions';
import { el, type XNode } from '../xml';

/** The trace policy's source attribute: it tells the access-log lines apart from other traces. */
export const ACCESS_LOG_SOURCE = 'anygate-access-log';

/** C# expressions per schema field; `onError` adds the refusal reason. Absent fields: the records' differences. */
function fields(spec: GatewaySpec, stage: string, onError: boolean): [string, string][] {
  return [
    ['time', 'context.Timestamp.ToString("o")'],
    ['requestId', 'context.RequestId.ToString()'],
    ['target', '"azure"'],
    ['gateway', csString(spec.name)],
    ['stage', csString(stage)],
    ['routeId', 'context.Operation?.Id'],
    ['method', 'context.Request.Method'],
    ['path', 'context.Request.OriginalUrl.Path'],
    ['pathTemplate', 'context.Operation?.UrlTemplate'],
    ['status', 'context.Response.StatusCode'],
    ['latencyMs', 'context.Elapsed.TotalMilliseconds'],
    ['consumer', 'context.Subscription?.Name'],
    ['plan', 'context.Product?.Name'],
    ['authReason', onError ? 'context.LastError?.Reason' : '(string)null'],
    ['clientIp', 'context.Request.IpAddress'],
    ['userAgent', 'context.Request.Headers.GetValueOrDefault("User-Agent", null)'],
  ];
}

/** The schema fields the trace writes (the others: the records' differences). */
export const AZURE_ACCESS_LOG_FIELD_NAMES: readonly string[] = ['time', 'requestId', 'target', 'gateway', 'stage', 'routeId', 'method', 'path', 'pathTemplate', 'status', 'latencyMs', 'consumer', 'plan', 'authReason', 'clientIp', 'userAgent'];

/** The trace policy for one section; none when access logs are off. */
export function accessLogTrace(spec: GatewaySpec, stage: string, section: 'outbound' | 'on-error'): XNode[] {
  if (!spec.observability.accessLogs) return [];
  const props = fields(spec, stage, section === 'on-error').map(([k, v]) => `new JProperty("${k}", ${v})`).join(', ');
  return [el('trace', { source: ACCESS_LOG_SOURCE, severity: 'information' }, el('message', {}, `@(new JObject(${props}).ToString(Newtonsoft.Json.Formatting.None))`))];
}
