/**
 * The access log in the one schema (lib/observability/access-log.ts) on Apigee X: a MessageLogging
 * policy in the PostClientFlow (it runs after every response, faults included) writes one JSON line
 * per request to Cloud Logging (log `anygate-access`). What a message template cannot do is done
 * before it: the PreFlow's first step sets the literal fields (gateway, the time format) and null
 * defaults, each route's flow copies its own name (the route id) and description (method and path
 * template) with one policy every route shares, and a JavaScript step at the end of the response
 * (PostFlow, and the DefaultFaultRule) measures the latencies, reads the W3C trace id and writes
 * the route's fields as JSON (templates cannot subtract, and the PostClientFlow runs only
 * MessageLogging). Spec strings are JSON-encoded literals (conditions.ts, or the script's
 * `jsonText`, which escapes alike), run-time values `escapeJSON`'d.
 */
import type { RouteSpec } from '../../lib/model/types';
import { el, shared, type XNode } from '../shared/xml';
import { jsonLiteral, jsonStringTemplate } from './conditions';
import { flowStep as step, type ApigeeContext } from './context';
import * as P from './policies';

/** The Cloud Logging log the lines go to (in the organization's project). */
export const ACCESS_LOG_NAME = 'anygate-access';

const V = 'anygate.log';

/** The message template per schema field (JSON values). Absent fields: the records' differences. */
export const APIGEE_ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  time: `"{timeFormatUTCMs(${V}.timeFormat,client.received.start.timestamp)}"`,
  requestId: jsonStringTemplate('messageid'),
  target: '"apigee"',
  gateway: `{${V}.gateway}`,
  stage: jsonStringTemplate('environment.name'),
  routeId: `{${V}.routeId}`,
  method: jsonStringTemplate('request.verb'),
  path: jsonStringTemplate('request.path'),
  pathTemplate: `{${V}.pathTemplate}`,
  status: '{response.status.code}',
  latencyMs: `{${V}.latencyMs}`,
  backendLatencyMs: `{${V}.backendLatencyMs}`,
  consumer: jsonStringTemplate('developer.app.name'),
  plan: jsonStringTemplate('apiproduct.name'),
  authReason: jsonStringTemplate('fault.name'),
  clientIp: jsonStringTemplate('client.ip'),
  userAgent: jsonStringTemplate('request.header.user-agent'),
  traceId: `{${V}.traceId}`,
};

/** The JSON line as a message template, fields in the schema's order. */
export function accessLogTemplate(): string {
  return `{${Object.entries(APIGEE_ACCESS_LOG_FIELDS).map(([k, v]) => `"${k}":${v}`).join(',')}}`;
}

/** The PreFlow's first step: literals and defaults (a request no route matches logs null route fields). */
export function accessLogInit(ctx: ApigeeContext): XNode[] {
  if (!ctx.spec.observability.accessLogs) return [];
  const vars: [string, string][] = [
    [`${V}.gateway`, jsonLiteral(ctx.spec.name)],
    [`${V}.timeFormat`, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"],
    [`${V}.routeId`, 'null'],
    [`${V}.pathTemplate`, 'null'],
    [`${V}.latencyMs`, '0'],
    [`${V}.backendLatencyMs`, 'null'],
    [`${V}.traceId`, 'null'],
  ];
  return [ctx.step(ctx.add(P.assignLiterals('AM-log-init', vars)))];
}

/**
 * A route flow's `<Description>`: its method and path template, which adopt reads back
 * (lib/adopt/apigee.ts) and the access log takes the template from (the text after the first
 * space: a method has none).
 */
export function routeDescription(r: RouteSpec): string {
  return `${r.method} ${r.path}`;
}

/** Where the route flow's step copies Apigee's `current.flow.name` and `current.flow.description`. */
export const FLOW_NAME_VAR = `${V}.flowName`;
export const FLOW_DESCRIPTION_VAR = `${V}.flowDescription`;

/**
 * The access log's policies and steps that do not depend on the spec (all but AM-log-init): built
 * once per process and marked shared, so toXml writes their text once (providers/shared/xml.ts).
 */
const ROUTE_POLICY = shared(
  P.assignRefs('AM-log-route', [
    [FLOW_NAME_VAR, 'current.flow.name'],
    [FLOW_DESCRIPTION_VAR, 'current.flow.description'],
  ]),
);
const ROUTE_STEPS: readonly XNode[] = [shared(step('AM-log-route'))];
const TIMING_POLICY = shared(P.javascript('JS-log-timing', { mode: 'timing' }));
const TIMING_STEPS: readonly XNode[] = [shared(step('JS-log-timing'))];
const LOGGING_POLICY = shared(
  el(
    'MessageLogging',
    { name: 'ML-access-log', continueOnError: 'true', enabled: 'true' },
    el('DisplayName', {}, 'ML-access-log'),
    el(
      'CloudLogging',
      {},
      el('LogName', {}, `projects/{organization.name}/logs/${ACCESS_LOG_NAME}`),
      el('Message', { contentType: 'application/json' }, accessLogTemplate()),
      el('ResourceType', {}, 'global'),
    ),
  ),
);
// Response only: apigeelint (PD006) and Apigee's flow schema take no Request in a PostClientFlow.
const POST_CLIENT_FLOW = shared(el('PostClientFlow', { name: 'PostClientFlow' }, el('Response', {}, step('ML-access-log'))));

/**
 * The route flow's first step: which route matched. One policy for every route: it copies the
 * running flow's name (the route id) and description (routeDescription) from the variables Apigee
 * documents for them (`current.flow.name`, `current.flow.description`: "the flow that is currently
 * executing", https://cloud.google.com/apigee/docs/api-platform/reference/variables-reference#current),
 * with `<Ref>` (never evaluated); the timing step turns them into the JSON fields. A step per route
 * setting the two literals was 2,000 of the 3,534 files of a 2,000-route bundle.
 */
export function accessLogRoute(ctx: ApigeeContext): XNode[] {
  if (!ctx.spec.observability.accessLogs) return [];
  ctx.add(ROUTE_POLICY);
  return [...ROUTE_STEPS];
}

/** The last response step (PostFlow and DefaultFaultRule): the latencies, the trace id, and the route's fields. */
export function accessLogTiming(ctx: ApigeeContext): XNode[] {
  if (!ctx.spec.observability.accessLogs) return [];
  ctx.add(TIMING_POLICY);
  return [...TIMING_STEPS];
}

/** The PostClientFlow, with the MessageLogging policy; none when access logs are off. */
export function postClientFlow(ctx: ApigeeContext): XNode[] {
  if (!ctx.spec.observability.accessLogs) return [];
  ctx.add(LOGGING_POLICY);
  return [POST_CLIENT_FLOW];
}
