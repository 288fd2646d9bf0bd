/**
 * The gateway issues #12 and #20 size AWS by: every route needs a JWT with a scope, GETs are cached
 * (two TTLs), writes are rate limited (one tier), two stages with a per-stage backend host,
 * path parameters and header mappings. Deterministic: the same size gives the same spec.
 */
import type { GatewayInput, RouteInput } from '../lib/model/schema';

export function generateAwsScaleGateway(routes: number): GatewayInput {
  const list: RouteInput[] = [];
  const methods = ['GET', 'POST', 'PUT', 'DELETE'] as const;
  for (let i = 0; i < routes; i++) {
    const group = `svc${Math.floor(i / 8)}`;
    const kind = i % 8;
    const method = methods[kind % 4];
    const route: RouteInput = {
      id: `r${i}`,
      method,
      path: kind < 4 ? `/${group}/items` : `/${group}/items/{itemId}`,
      backend: 'api',
      auth: ['jwt'],
      scopes: [`${group}:${method === 'GET' ? 'read' : 'write'}`],
      tags: [group],
    };
    if (method === 'GET') route.cache = { ttlSeconds: i % 3 === 0 ? 300 : 60, key: { query: ['page'] } };
    else route.rateLimit = { requestsPerSecond: 50, burst: 100 };
    if (kind >= 4) route.transform = { request: { setHeaders: { 'x-item': '${path.itemId}', 'x-user': '${claim.sub}' } } };
    list.push(route);
  }
  return {
    name: 'scale',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['scale'], jwksUri: 'https://id.example.com/jwks' } },
    stages: { dev: { backends: { api: { url: 'https://dev.example.com' } } }, prod: {} },
    cors: { allowOrigins: ['https://app.example.com'] },
    routes: list,
  };
}
