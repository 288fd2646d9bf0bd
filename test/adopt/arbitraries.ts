/**
 * Gateway inputs made of the features every adopt reader carries back from anygate's own output on
 * every target: HTTPS backends, methods and path templates (parameters, greedy tails), no auth, a
 * JWT authorizer with a JWKS URI or an API key held by a consumer, whole-number rate limits,
 * timeouts, request headers the gateway sets. The round-trip property runs over them.
 */
import fc from 'fast-check';

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

const route = fc.record({
  method: pick('GET', 'POST', 'PUT', 'DELETE', 'ANY'),
  path: pick('/a', '/a/{id}', '/a/{id}/b', '/f/{rest+}', '/x/y', '/'),
  backend: pick('api', 'other'),
  auth: pick<unknown>('none', ['jwt'], ['key']),
  rateLimit: maybe(fc.record({ requestsPerSecond: pick(1, 5, 100) })),
  timeoutMs: maybe(pick(1000, 10_000)),
  setHeader: maybe(pick('gateway', 'edge-1')),
});

/** A valid gateway input in the round-trip subset. */
export const adoptableInput = fc.uniqueArray(route, { minLength: 1, maxLength: 5, selector: (r) => `${r.method} ${r.path}` }).map((routes) => ({
  name: 'gen',
  backends: { api: { type: 'http', url: 'https://api.example.com' }, other: { type: 'http', url: 'https://other.example.com' } },
  plans: { basic: {} },
  consumers: { acme: { plan: 'basic' } },
  authorizers: { key: { type: 'apiKey', in: 'header', name: 'x-api-key' }, jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['gen'], jwksUri: 'https://id.example.com/jwks.json' } },
  routes: routes.map((r, i) => ({
    id: `r${i}`,
    method: r.method,
    path: r.path,
    backend: r.backend,
    auth: r.auth,
    ...(r.rateLimit ? { rateLimit: r.rateLimit } : {}),
    ...(r.timeoutMs ? { timeoutMs: r.timeoutMs } : {}),
    ...(r.setHeader ? { transform: { request: { setHeaders: { 'x-source': r.setHeader } } } } : {}),
  })),
}));
