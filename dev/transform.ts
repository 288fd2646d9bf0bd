/**
 * The ONE place `anygate dev` touches the generated transform code (lib/runtime/transform):
 * every proxied route (HTTP or function backend) goes through `createTransformer` with a
 * configuration mirroring the AWS compiler's, and a transport that sends with the dev proxy and
 * runs function bindings in-process. Header, query, path and body transforms and redaction are
 * therefore the deployed code's.
 */
import { transformSteps } from '../providers/aws/routes/transform';
import type { GatewaySpec, RouteSpec } from '../lib/model/types';
import { createTransformer, type ProxyEvent, type ProxyResult, type Transport } from '../lib/runtime/transform/handler';
import type { TransformConfig, TransformRoute } from '../lib/runtime/config';
import { BackendError } from './proxy';
import { withRetries } from './retry';
import type { RetrySpec } from '../lib/model/retry';
import { backendPathTemplate } from '../lib/model/rewrite';

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
  /** Runs the route's request through transforms, backend and response transforms. */
  run(route: RouteSpec, event: Omit<ProxyEvent, 'resource' | 'httpMethod'> & { method: string; binding?: string }): Promise<TransformOutcome>;
}

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
  type Store = { failure?: 'timeout' | 'badGateway'; retry?: RetrySpec };
  const perRequest = (store: Store): Transport => ({
    async http(url, init) {
      const u = new URL(url);
      const backend = u.hostname.endsWith(PLACEHOLDER) ? u.hostname.slice(0, -PLACEHOLDER.length) : '';
      try {
        // The route's retries (dev/retry.ts); the failure recorded is the last try's.
        return await withRetries(store.retry, () => transport.http(backend, u.pathname + u.search, init), undefined, retryNoAnswer);
      } catch (e) {
        store.failure = e instanceof BackendError ? e.kind : 'badGateway';
        throw e;
      }
    },
    async invoke(fn, event) {
      try {
        return await transport.invoke(fn, event);
      } catch (e) {
        store.failure = 'badGateway';
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
    async run(route, e) {
      const { method, binding, ...rest } = e;
      const event: ProxyEvent = { ...rest, resource: route.id, httpMethod: method, stageVariables: { ...(e.stageVariables ?? {}), ...(binding ? { [FN_VARIABLE]: binding } : {}) } };
      const t = free.pop() ?? make();
      t.store.failure = undefined;
      t.store.retry = route.retry;
      try {
        const result = await t.run(event);
        return { result, failure: t.store.failure };
      } finally {
        if (free.length < 256) free.push(t);
      }
    },
  };
}
