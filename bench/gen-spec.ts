/**
 * Generates gateways of any size with a mix of features (auth, caching, rate limits, transforms,
 * path parameters), for the scale tests and benchmarks. Deterministic: the same size gives the
 * same spec.
 */
import type { GatewayInput, RouteInput } from '../lib/model/schema';

export interface GenOptions {
  /** Add features that some targets emulate with generated code (transforms, redaction). @default true */
  readonly transforms?: boolean;
  /**
   * Only what the kubernetes target (Envoy Gateway) can do: no response cache, no response-body
   * redaction, no route rate limit on API-key routes (it would hide the plan's limits). @default false
   */
  readonly kubernetes?: boolean;
}

export function generateGateway(routes: number, options: GenOptions = {}): GatewayInput {
  const k8s = options.kubernetes ?? false;
  const transforms = (options.transforms ?? true) && !k8s;
  const list: RouteInput[] = [];
  const methods = ['GET', 'POST', 'PUT', 'DELETE'] as const;
  for (let i = 0; i < routes; i++) {
    const group = `svc${Math.floor(i / 8)}`;
    const kind = i % 8;
    const method = methods[kind % 4];
    const path = kind < 4 ? `/${group}/items` : `/${group}/items/{itemId}`;
    const route: RouteInput = { id: `r${i}`, method, path, backend: i % 5 === 0 ? 'fn' : 'api', auth: i % 3 === 0 ? ['key'] : ['jwt'], tags: [group] };
    if (i % 3 !== 0) route.scopes = [`${group}:${method === 'GET' ? 'read' : 'write'}`];
    if (method === 'GET' && !k8s) route.cache = { ttlSeconds: 30 + (i % 5) * 30, key: { query: ['page'] } };
    if (i % 4 === 1 && !(k8s && i % 3 === 0)) route.rateLimit = { requestsPerSecond: 10 + (i % 7), burst: 20 };
    if (kind >= 4) route.transform = { request: { setHeaders: { 'x-item': k8s ? '${header.x-item-id}' : '${path.itemId}' } } };
    if (transforms && i % 16 === 3) route.transform = { request: { setHeaders: { 'x-route': `r${i}` }, removeHeaders: ['cookie'] }, response: { redact: ['secret'] } };
    list.push(route);
  }
  return {
    name: 'scale',
    backends: { api: { type: 'http', url: 'https://api.example.com' }, fn: { type: 'function', binding: 'fn' } },
    authorizers: {
      jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['scale'], jwksUri: 'https://id.example.com/jwks' },
      key: { type: 'apiKey' },
    },
    plans: { basic: { quota: { limit: 1000, period: 'day' }, rateLimit: { requestsPerSecond: 5 } } },
    consumers: { acme: { plan: 'basic' } },
    stages: { dev: { backends: { api: { url: 'https://dev.example.com' } } }, prod: {} },
    cors: { allowOrigins: ['https://app.example.com'] },
    routes: list,
  };
}
