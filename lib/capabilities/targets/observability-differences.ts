/**
 * Where a target's access log, alerts, dashboards or tracing differ from what the spec asks
 * (docs/observability.md has the per-field table): the `differences` of the observability records.
 */
import type { BehaviourDifference } from '../types';
import { differs } from './helpers';

export const OBSERVABILITY_DIFFERENCES = {
  aws: {
    accessLogs: [
      differs('log fields', 'API Gateway has no variable for plan, authOutcome, cacheHit, rateLimit or bytesIn: those fields are absent'),
      differs('log fields', 'time is API Gateway\'s CLF time (07/Dec/2026:06:30:00 +0000); routeId is the method and path template ("GET /v1/items/{id}"), not the route id as on Azure and Apigee: API Gateway\'s REST access-log variables carry no operation id; path carries the stage prefix; consumer is the API key id (aws apigateway get-api-key names its consumer)'),
      differs('log fields', 'backendLatencyMs, bytesOut and every other value API Gateway may lack are JSON strings, "-" when absent'),
      differs('log fields', 'authReason is the gateway\'s error message ($context.error.message) for any refusal, not only authentication; traceId is the X-Ray trace id'),
    ],
    objectives: [
      differs('alerting', 'latency objectives are a plain threshold on the CloudWatch percentile over 3 five-minute periods (percentiles have no error budget to burn)'),
      differs('alerting', 'the 429 ratio reads a metric filter on the access log (API Gateway has no 429 metric), so it needs access logs'),
    ],
    tracing: [
      differs('headers', 'X-Ray adds X-Amzn-Trace-Id; a client\'s traceparent reaches HTTP backends unchanged, but API Gateway starts no W3C span of its own'),
      differs('headers', 'X-Ray samples by the account\'s sampling rules (service name <api>/<stage>), by default the first request each second and 5% of the others: not every request is traced'),
    ],
  },
  azure: {
    accessLogs: [
      differs('log fields', 'the line is a trace policy\'s message in Application Insights (traces table, with applicationInsights on the component); backendLatencyMs, authOutcome, cacheHit, rateLimit, bytesIn, bytesOut and traceId are absent'),
      differs('log fields', 'consumer and plan are the subscription\'s and product\'s display names; authReason is the last error\'s reason (on-error only); requests a policy answers with return-response (mocks, CORS preflights) skip outbound and are not logged'),
    ],
    objectives: [
      differs('alerting', 'the ratios and the percentile are KQL over the access-log lines in Application Insights (API Management\'s metrics carry neither), so the rules see what the log sees: ingestion delay (minutes) and unlogged return-response answers (the trace policy that writes the lines is not sampled: every invocation is logged)'),
      differs('alerting', 'latency objectives are a plain threshold: the percentile over each of the three 5-minute bins that tile the rule\'s 15-minute window (percentiles have no error budget to burn)'),
    ],
    dashboards: [differs('alerting', 'the cache panel is a note: the access log has no cache outcome on API Management')],
  },
  apigee: {
    accessLogs: [
      differs('log fields', 'MessageLogging in the PostClientFlow writes the line to Cloud Logging (jsonPayload); authOutcome, cacheHit, rateLimit, bytesIn and bytesOut are absent (no flow variable carries them for every policy); traceId is the request\'s W3C traceparent trace id, null when the client sent none (Apigee\'s own Cloud Trace spans are not named in the log)'),
      differs('log fields', 'stage is the Apigee environment\'s name; consumer is the developer app\'s name (<gateway>-<consumer>-<stage>) and plan the API product\'s; authReason is the fault name; consumer, plan, authReason and userAgent are "" (not null) when there is none'),
      differs('log fields', 'latencyMs and backendLatencyMs are measured by a JavaScript step at the end of the response or the DefaultFaultRule (the PostClientFlow runs only MessageLogging and templates cannot subtract): the time to send the response is not counted, and a response answered before that step (a CORS preflight) logs latencyMs 0'),
    ],
    objectives: [
      differs('alerting', 'Apigee\'s Cloud Monitoring metrics have no route label: objectives cover the whole proxy per environment (objectives naming routes are refused)'),
      differs('alerting', 'latency objectives are a plain threshold: histogram_quantile of proxy/latencies held for 15 minutes (percentiles have no error budget to burn)'),
    ],
    dashboards: [differs('alerting', 'Apigee publishes no cache metric to Cloud Monitoring (the cache panel is a note); top consumers is a log-based metric over the access log (anygate-<proxy>-requests-by-consumer, in the organization\'s project), so it needs access logs and counts from when the metric exists')],
    tracing: [
      differs('headers', 'Apigee samples at most half the requests (the trace config\'s samplingRate cap is 0.5; anygate asks for 0.5); Azure and Kubernetes trace every request, AWS by X-Ray\'s sampling rules'),
      differs('headers', 'the trace config is the environment\'s: it traces every proxy deployed there, and removing it (or tracing: false) turns the environment\'s sampler OFF, whoever set it; a client\'s traceparent reaches backends unchanged'),
    ],
  },
  kubernetes: {
    accessLogs: [
      differs('log fields', 'Envoy knows no spec names: routeId is Envoy Gateway\'s route name (httproute/<namespace>/<route>/rule/<n>/match/<m>), and gateway, stage, pathTemplate, plan, authOutcome, cacheHit and rateLimit are absent; path keeps the query string'),
      differs('log fields', 'authReason is Envoy\'s response code details for every response (via_upstream, jwt_authn_access_denied{...}, request_rate_limited); backendLatencyMs is the x-envoy-upstream-service-time header, a string'),
      differs('log fields', 'consumer is the consumer name the API-key check forwards (x-anygate-consumer); "-" on JWT routes'),
    ],
    objectives: [
      differs('alerting', 'availability and latency read the route rules\' upstream clusters: the 5xx ratio counts upstream requests only (5xx that Envoy answers itself, before or instead of a backend: ext_authz failures, direct responses, are not counted; mocks are left out of gateway-wide objectives and refused in routes, as are LLM routes, on the AI Gateway\'s own route); latency is the upstream time, not the whole request\'s'),
      differs('alerting', 'the 429 ratio counts the rate-limit service\'s refusals (plan limits, LLM token budgets) over upstream requests plus those refusals, not a backend\'s own 429s; route rateLimits are local limits counted per listener, so objectives with throttledPercent over routes with a rateLimit are refused'),
    ],
    tracing: [differs('headers', 'tracing is the EnvoyProxy\'s: one Gateway serves every stage, so stages that differ in tracing are refused; samplingRate 100 (every request traced)')],
    dashboards: [differs('alerting', 'Envoy has no response cache and no per-consumer metric: the cache panel shows that, and top consumers come from the access log, not Prometheus')],
  },
} as const satisfies Record<string, Record<string, readonly BehaviourDifference[]>>;
