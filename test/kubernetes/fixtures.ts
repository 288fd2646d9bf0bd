/** Specs for the kubernetes tests: every feature the target supports, in two gateways (plans and per-route traffic policies cannot share a route). */
import { toGatewaySpec } from '../../lib/model/normalize';

export function fullInput(): Record<string, any> {
  return {
    name: 'shop',
    basePath: '/v1',
    backends: {
      api: { type: 'http', url: 'https://api.example.com/base' },
      canary: { type: 'http', targets: [{ url: 'https://blue.example.com', weight: 90 }, { url: 'https://green.example.com', weight: 10 }] },
      local: { type: 'http', url: 'https://local.internal.example.com:8443' },
      fn: { type: 'function', binding: 'orders' },
      canned: { type: 'mock', statusCode: 202, body: { ok: '100%REQ(authorization)%' }, headers: { 'x-mock': '50%DOWNSTREAM_REMOTE_ADDRESS%' } },
    },
    authorizers: {
      jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'], jwksUri: 'https://id.example.com/jwks.json', requiredClaims: { tenant: 'acme' } },
      key: { type: 'apiKey' },
      qkey: { type: 'apiKey', in: 'query', name: 'api_key' },
      ext: { type: 'custom', binding: 'authz', header: 'X-Token' },
    },
    plans: { basic: { quota: { limit: 1000, period: 'month' }, rateLimit: { requestsPerSecond: 5 } } },
    consumers: { acme: { plan: 'basic', apiKey: { secretRef: 'k8s-secret:acme-key' } }, beta: { plan: 'basic' } },
    cors: { allowOrigins: ['https://app.example.com'], allowCredentials: true },
    ipRules: { allow: ['10.0.0.0/8'], deny: ['10.1.0.0/16'] },
    stages: { prod: { variables: { region: 'eu' } }, dev: { variables: { region: 'us' }, backends: { api: { url: 'https://dev-api.example.com' } } } },
    routes: [
      { id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: ['jwt'], scopes: ['items:read'], transform: { request: { setHeaders: { 'x-region': '${stage.region}', 'x-trace': '${header.x-request-id}', 'x-lit': 'a%b' }, removeHeaders: ['cookie'] }, response: { setHeaders: { 'cache-control': 'no-store' } } } },
      { id: 'mine', method: 'GET', path: '/items/mine', backend: 'api', auth: 'key' },
      { id: 'itemJson', method: 'GET', path: '/items/{id}.json', backend: 'api', auth: 'none' },
      { id: 'files', method: 'ANY', path: '/files/{path+}', backend: 'canary', auth: 'none', transform: { request: { rewritePath: '/store/{path}' } } },
      { id: 'createOrder', method: 'POST', path: '/orders', backend: 'fn', auth: 'qkey', timeoutMs: 123456 },
      { id: 'health', method: 'GET', path: '/health', backend: 'canned', auth: 'none' },
      { id: 'root', method: 'GET', path: '/', backend: 'local', auth: 'none' },
      { id: 'admin', method: 'DELETE', path: '/admin/{id}', backend: 'api', auth: 'ext' },
    ],
  };
}

/** Route rate limits and circuit breakers (no plans). */
export function trafficInput(): Record<string, any> {
  return {
    name: 'traffic',
    backends: { api: { type: 'http', url: 'https://api.example.com', circuitBreaker: { failures: 5, intervalSeconds: 10, tripSeconds: 30 } } },
    routes: [
      { id: 'slow', method: 'GET', path: '/slow', backend: 'api', auth: 'none', rateLimit: { requestsPerSecond: 0.5 } },
      { id: 'fast', method: 'GET', path: '/fast/{id}', backend: 'api', auth: 'none', rateLimit: { requestsPerSecond: 100, burst: 200 } },
    ],
  };
}

export const full = () => toGatewaySpec(fullInput());
export const traffic = () => toGatewaySpec(trafficInput());
