/**
 * The ONE place `anygate dev` touches the generated transform code (lib/runtime/transform):
 * every proxied route (HTTP or function backend) goes through `createTransformer` with a
 * configuration mirroring the AWS compiler's, and a transport that sends with the dev proxy and
 * runs function bindings in-process. Header, query, path and body transforms and redaction are
 * therefore the deployed code's. (dev/proxy.ts reads one rule of it, hopHeaders, to leave the
 * hop-by-hop headers out of a backend's answer before this code would delete them.)
 */
import { transformSteps } from '../providers/aws/routes/transform';
import type { GatewaySpec, RouteSpec } from '../lib/model/types';
import { createTransformer, type ProxyEvent, type ProxyResult, type Transport } from '../lib/runtime/transform/handler';
import type { TransformConfig, TransformRoute } from '../lib/runtime/config';
import { BackendError } from './proxy';
import { withRetries } from './retry';
import type { RetrySpec } from '../lib/model/retry';
import { backendPathTemplate } from '../lib/model/rewrite';
import { isPlainPath } from './plain-url';

/** Host of the placeholder URL a route's target carries; the transport resolves it per call. */
const PLACEHOLDER = '.backend.anygate.invalid';
/** Stage variable carrying the function binding on function routes. */
const FN_VARIABLE = 'anygate_dev_fn';

export interface DevTransport {
  /** Sends to backend `name`, `pathAndQuery` appended to its base URL. */
  http(backend: string, pathAndQuery: string, init: { method: string; headers: Record<string, string>; body?: Buffer; timeoutMs: number }): Promise<{ status: number; headers: Record<string, string>; body: Buffer }>;
  invoke(binding: string, event: ProxyEvent): Promise<{ statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean }>;
}

export interface TransformOutcome {
  readonly result: ProxyResult;
  /** Set when the gateway (not the backend) produced a 502 or 504. */
  readonly failure?: 'timeout' | 'badGateway';
  /** Which backend or function failed, and how (the access log's reason names it). @default - none */
  readonly detail?: string;
}

function transformRoute(route: RouteSpec, spec: GatewaySpec): TransformRoute {
  const req = route.transform?.request;
  const backend = spec.backends[route.backend];
  return {
    method: route.method,
    // The route id keys the lookup: unique, whatever the paths look like.
    resource: route.id,
    target: backend.type === 'function' ? { type: 'function', stageVariable: FN_VARIABLE } : { type: 'http', url: `http://${route.backend}${PLACEHOLDER}` },
    rename: {},
    backendPath: backendPathTemplate(route),
    timeoutMs: route.timeoutMs,
    ...transformSteps(route),
  };
}

export interface DevTransformer {
  /**
   * Runs the route's request through transforms, backend and response transforms. `event` is the
   * proxy event as the caller builds it, `resource` the route's id (use `proxyEvent`); `binding`
   * names the function of a function backend (its stage variable, on a copy of the event's).
   */
  run(route: RouteSpec, event: ProxyEvent, binding?: string): Promise<TransformOutcome>;
}

/**
 * The proxy event of a call to `route`: `resource` is the route's id (what the transformer looks
 * the route up by). Built in one literal: one shape for every call, no rest or spread copies.
 */
export function proxyEvent(route: RouteSpec, e: Omit<ProxyEvent, 'resource'>): ProxyEvent {
  return { resource: route.id, path: e.path, httpMethod: e.httpMethod, headers: e.headers, multiValueQueryStringParameters: e.multiValueQueryStringParameters, queryStringParameters: e.queryStringParameters, pathParameters: e.pathParameters, stageVariables: e.stageVariables, requestContext: e.requestContext, body: e.body, isBase64Encoded: e.isBase64Encoded };
}

/**
 * The backend name and the path and query of a URL the generated code built on a route's
 * placeholder target (`http://<backend>.backend.anygate.invalid/path?query`), as `new URL` gives
 * them (host lower-cased; path and query as parsed). Without a parse where the text is already
 * what a parse would give: a lower-case ASCII host, and a path and query of characters no URL
 * parser changes, with no dot segment (`/.`, `%2e`) to resolve; anything else is parsed.
 */
export function placeholderTarget(url: string): { backend: string; pathAndQuery: string } {
  if (url.startsWith('http://')) {
    const slash = url.indexOf('/', 7);
    const host = slash < 0 ? url.slice(7) : url.slice(7, slash);
    const rest = slash < 0 ? '' : url.slice(slash);
    if (host.endsWith(PLACEHOLDER) && PLAIN_HOST.test(host) && isPlainPath(rest)) return { backend: host.slice(0, -PLACEHOLDER.length), pathAndQuery: rest };
  }
  const u = new URL(url);
  return { backend: u.hostname.endsWith(PLACEHOLDER) ? u.hostname.slice(0, -PLACEHOLDER.length) : '', pathAndQuery: u.pathname + u.search };
}

/** A host `new URL` leaves as it is (no upper case, no IDNA, no port or credentials). */
const PLAIN_HOST = /^[a-z0-9._-]+$/;

/**
 * `retryNoAnswer` false (the azure profile): a try with no answer is not retried, as API
 * Management's forward-request jumps to on-error. @default true
 */
export function createDevTransformer(spec: GatewaySpec, transport: DevTransport, retryNoAnswer = true): DevTransformer {
  const config: TransformConfig = { version: 1, routes: spec.routes.filter((r) => spec.backends[r.backend].type !== 'mock').map((r) => transformRoute(r, spec)) };
  // Each request runs on a transformer of its own, over a transport that records why a call
  // failed: the generated code turns a throw into its own 502/504, and the profile's answer
  // replaces it. (Cheaper than AsyncLocalStorage, whose hooks slow every promise in the process on
  // Node 20.) Transformers are pooled: making one indexes every route and starts an empty template
  // cache, work a request should not redo; there are as many as requests were ever in flight at once.
  type Store = { failure?: 'timeout' | 'badGateway'; detail?: string; retry?: RetrySpec };
  const perRequest = (store: Store): Transport => ({
    async http(url, init) {
      const { backend, pathAndQuery } = placeholderTarget(url);
      try {
        // The route's retries (dev/retry.ts); the failure recorded is the last try's.
        return await withRetries(store.retry, () => transport.http(backend, pathAndQuery, init), undefined, retryNoAnswer);
      } catch (e) {
        store.failure = e instanceof BackendError ? e.kind : 'badGateway';
        store.detail = `backend ${backend}: ${(e as Error).message}${e instanceof BackendError && e.kind === 'timeout' ? '' : ` (start it, or point it elsewhere: --backend ${backend}=URL)`}`;
        throw e;
      }
    },
    async invoke(fn, event) {
      try {
        return await transport.invoke(fn, event);
      } catch (e) {
        store.failure = 'badGateway';
        store.detail = `function ${fn}: ${(e as Error).message}`;
        throw e;
      }
    },
  });
  type Pooled = { readonly store: Store; readonly run: ReturnType<typeof createTransformer> };
  const free: Pooled[] = [];
  const make = (): Pooled => {
    const store: Pooled['store'] = {};
    return { store, run: createTransformer(config, perRequest(store)) };
  };
  return {
    async run(route, e, binding) {
      // A copy of the stage variables where the binding is added (never the spec's own object).
      const event = binding ? proxyEvent(route, { ...e, stageVariables: { ...e.stageVariables, [FN_VARIABLE]: binding } }) : e;
      const t = free.pop() ?? make();
      t.store.failure = undefined;
      t.store.detail = undefined;
      t.store.retry = route.retry;
      try {
        const result = await t.run(event);
        return { result, failure: t.store.failure, ...(t.store.failure && t.store.detail ? { detail: t.store.detail } : {}) };
      } finally {
        if (free.length < 256) free.push(t);
      }
    },
  };
}
