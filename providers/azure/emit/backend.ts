/**
 * The backend concern: a mock answers in inbound (return-response, with the CORS headers); a
 * proxied route selects its Backend and forwards with the route's timeout (forward-request
 * timeout-ms; APIM's default is 300 s), inside a retry when the route retries: the condition reads
 * context.Response (null when the try got no answer), waits are whole seconds.
 * https://learn.microsoft.com/azure/api-management/forward-request-policy
 * https://learn.microsoft.com/azure/api-management/retry-policy
 */
import { retriesNoAnswer, retryStatuses, type RetrySpec } from '../../../lib/model/retry';
import type { RouteSpec } from '../../../lib/model/types';
import { policyJson, policyText } from '../expressions';
import { el, type XNode } from '../xml';
import type { EmitContext, Fragment } from './context';
import { corsResponseHeaders } from './cors';
import { stickyCanary } from './canary';

/** Longer waits may be cut by the network under APIM (the forward-request reference says 240 s). */
const HONORED_TIMEOUT_MS = 240_000;

export function mockResponse(route: RouteSpec, ctx: EmitContext): XNode {
  const b = ctx.spec.backends[route.backend];
  if (b.type !== 'mock') throw new Error('not a mock backend');
  // return-response skips outbound, so the route's response headers (a deprecated version's among them) are set here too.
  const values: Record<string, string> = { ...b.headers, ...route.transform?.response?.setHeaders };
  const headers = Object.keys(values).sort();
  const h = (name: string) => ctx.strings.header(name, route.id, 'backend.mock', `backend ${route.backend}: header`);
  return el(
    'return-response',
    {},
    el('set-status', { code: b.statusCode, reason: b.statusCode < 400 ? 'OK' : 'Error' }),
    ...headers.map((name) => el('set-header', { name: h(name), 'exists-action': 'override' }, el('value', {}, policyText(values[name])))),
    b.body !== undefined && el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, 'application/json')),
    ...corsResponseHeaders(ctx.spec.cors),
    b.body !== undefined && el('set-body', {}, policyJson(b.body)),
  );
}

/** The retry condition: C# over fixed numbers only (no spec string reaches it). */
function retryCondition(r: RetrySpec): string {
  const answered = [...(r.on.includes('5xx') ? ['context.Response.StatusCode >= 500'] : []), ...retryStatuses(r).map((c) => `context.Response.StatusCode == ${c}`)];
  const statuses = answered.join(' || ');
  if (!retriesNoAnswer(r)) return `@(context.Response != null && (${statuses}))`;
  return `@(${['context.Response == null', ...answered].join(' || ')})`;
}

/**
 * forward-request inside retry. APIM waits interval + (2^(n-1) - 1) x delta before retry n, up
 * to max-interval (all whole seconds): interval = delta = baseMs gives the model's doubling.
 */
function withRetry(r: RetrySpec, forward: XNode): XNode {
  const base = Math.round(r.backoff.baseMs / 1000);
  const max = Math.round(r.backoff.maxMs / 1000);
  const exponential = base > 0 && max > base;
  return el(
    'retry',
    { condition: retryCondition(r), count: r.attempts, interval: base, ...(exponential ? { delta: base, 'max-interval': max } : {}), 'first-fast-retry': base === 0 ? 'true' : 'false' },
    forward,
  );
}

export function emitBackend(route: RouteSpec, ctx: EmitContext): Fragment {
  const b = ctx.spec.backends[route.backend];
  if (b.type === 'mock') return { inbound: [mockResponse(route, ctx)] };
  if (route.timeoutMs > HONORED_TIMEOUT_MS) {
    ctx.warnings.push(`${route.id}: timeoutMs ${route.timeoutMs} is over 240 s; API Management's network may drop idle connections before it`);
  }
  return {
    // A sticky canary overrides the pool for requests that carry its header or cookie.
    inbound: [el('set-backend-service', { 'backend-id': ctx.names.backend(route.backend) }), ...stickyCanary(route, ctx)],
    backend: [route.retry ? withRetry(route.retry, el('forward-request', { 'timeout-ms': route.timeoutMs, 'buffer-request-body': 'true' })) : el('forward-request', { 'timeout-ms': route.timeoutMs })],
  };
}
