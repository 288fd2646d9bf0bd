/**
 * The backend concern: a mock answers in inbound (return-response, with the CORS headers); a
 * proxied route selects its Backend and forwards with the route's timeout (forward-request
 * timeout-ms; APIM's default is 300 s), inside a retry when the route retries: the condition reads
 * the answer's status, waits are whole seconds. A try with no answer (timeout, refused) is never
 * retried: "if an error occurs, processing immediately jumps to the on-error policy section" and
 * forward-request has no ignore-error (the capability record says so; connect-failure is dropped).
 * https://learn.microsoft.com/azure/api-management/forward-request-policy
 * https://learn.microsoft.com/azure/api-management/retry-policy
 */
import { retryStatuses, type RetrySpec } from '../../../lib/model/retry';
import type { RouteSpec } from '../../../lib/model/types';
import { policyJson, policyText } from '../expressions';
import { el, shared, type XNode } from '../xml';
import type { EmitContext, Fragment } from './context';
import { corsResponseHeaders } from './cors';
import { stickyCanary } from './canary';
import { targetWarning } from '../../../lib/capabilities/warnings';

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

/**
 * The retry condition: C# over fixed numbers only (no spec string reaches it). Only answered tries
 * reach it (no answer goes to on-error), so only statuses are read; the null check guards anyway.
 */
function retryCondition(r: RetrySpec): string {
  const answered = [...(r.on.includes('5xx') ? ['context.Response.StatusCode >= 500'] : []), ...retryStatuses(r).map((c) => `context.Response.StatusCode == ${c}`)];
  return `@(context.Response != null && (${answered.join(' || ')}))`;
}

/**
 * forward-request inside retry. APIM waits interval + (2^(n-1) - 1) x delta before retry n, up
 * to max-interval (all whole seconds): interval = delta = base gives base, 2 x base, 4 x base,
 * within the model's bound (2^n - 1) x base. A base under half a second rounds to 0 (every retry
 * immediate): when maxMs is 1 s or more it becomes 1 s, so the waits still grow.
 */
function withRetry(r: RetrySpec, forward: XNode): XNode {
  const max = Math.round(r.backoff.maxMs / 1000);
  const base = r.backoff.maxMs >= 1000 ? Math.max(1, Math.round(r.backoff.baseMs / 1000)) : Math.round(r.backoff.baseMs / 1000);
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
    ctx.warnings.push(targetWarning('azure-timeout-over-240s', `route ${route.id}: timeoutMs ${route.timeoutMs} is over 240 s; API Management's network may drop idle connections before it`));
  }
  return {
    // A sticky canary overrides the pool for requests that carry its header or cookie.
    inbound: [setBackend(route.backend, ctx), ...stickyCanary(route, ctx)],
    backend: [route.retry ? withRetry(route.retry, el('forward-request', { 'timeout-ms': route.timeoutMs, 'buffer-request-body': 'true' })) : forward(route.timeoutMs)],
  };
}

/**
 * The nodes most routes share, one per compile (context) and backend or timeout: built once, and
 * written once per indentation level (../xml `shared`) instead of once per route. Nodes are never
 * changed once built.
 */
const SHARED_NODES = new WeakMap<EmitContext, Map<string, XNode>>();
function sharedNode(ctx: EmitContext, key: string, build: () => XNode): XNode {
  let nodes = SHARED_NODES.get(ctx);
  if (!nodes) SHARED_NODES.set(ctx, (nodes = new Map()));
  let node = nodes.get(key);
  if (!node) nodes.set(key, (node = shared(build())));
  return node;
}
const setBackend = (backend: string, ctx: EmitContext) => sharedNode(ctx, `set ${backend}`, () => el('set-backend-service', { 'backend-id': ctx.names.backend(backend) }));
/** forward-request by timeout: no spec string reaches it, so one node per timeout serves every spec (at most 1,000 kept). */
const FORWARD = new Map<number, XNode>();
const forward = (timeoutMs: number): XNode => {
  let node = FORWARD.get(timeoutMs);
  if (!node) {
    node = shared(el('forward-request', { 'timeout-ms': timeoutMs }));
    if (FORWARD.size < 1000) FORWARD.set(timeoutMs, node);
  }
  return node;
};
