/**
 * Valid gateway inputs that reach every feature and many target-specific edge cases (ranges,
 * characters a cloud language cannot carry, option combinations). Used by the agreement property
 * test; the model fuzz (test/model/fuzz.test.ts) covers invalid input instead.
 */
import fc from 'fast-check';
import { APIGEE_ENVIRONMENT_TYPES, AZURE_SKUS } from '../../lib/capabilities/types';

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

const text = pick('v', 'it\'s', 'a,b', '@x', '{{nv}}', '{x}', 'x}}', 'é中', '"q"', '${header.x-a}', '${path.id}', '${claim.sub}', '${stage.region}', '${query.z}');
const scope = pick('read', 'items:read', 'a"b', '@admin', '{{s}}', 'w\\x');
const rate = fc.record({ requestsPerSecond: pick(0.001, 0.01, 0.5, 1, 5.5, 100), burst: maybe(pick(1, 10, 1000)) });
const route = fc.record({
  method: pick('GET', 'POST', 'PUT', 'ANY'),
  // '/g/{q+}' beside '/g/{p}/c': a greedy parameter beside a plain one at the same position.
  path: pick('/a', '/a/{id}', '/a/{id}/b', '/f/{p+}', '/t/{id}.json', '/x/y', '/', '/g/{q+}', '/g/{p}/c'),
  backend: pick('api', 'weighted', 'fn', 'canned', 'breaker'),
  auth: pick<unknown>('none', ['jwt'], ['key'], ['qkey'], ['custom'], [['jwt', 'key']], [['jwt'], ['key']], ['plainjwt'], [['custom', 'jwt']]),
  scopes: fc.array(scope, { maxLength: 2 }),
  rateLimit: maybe(rate),
  cache: maybe(fc.record({ ttlSeconds: pick(0, 60, 3600, 7200), shared: fc.boolean(), key: maybe(fc.record({ query: fc.constant(['q']), headers: fc.constant(['x-h']) })) })),
  timeoutMs: maybe(pick(10, 1000, 29_000, 60_000)),
  retry: maybe(fc.record({ attempts: pick(1, 3), on: maybe(pick<unknown>(['5xx'], ['connect-failure', 429], [503])), backoff: maybe(pick({ baseMs: 25 }, { baseMs: 1500, maxMs: 4000 })), nonIdempotent: fc.constant(true) }, { requiredKeys: ['attempts', 'nonIdempotent'] })),
  transform: maybe(
    fc.record(
      {
        request: fc.record(
          {
            setHeaders: fc.dictionary(pick('x-a', 'x-b'), text, { maxKeys: 2 }),
            removeHeaders: fc.constant(['x-drop']),
            setQuery: fc.dictionary(pick('q', 'r'), text, { maxKeys: 1 }),
            rewritePath: pick('/internal', '/internal/{id}'),
            body: fc.dictionary(pick('k', 'v'), text, { maxKeys: 2 }),
          },
          { requiredKeys: [] },
        ),
        response: fc.record({ setHeaders: fc.dictionary(pick('x-r'), text, { maxKeys: 1 }), removeHeaders: fc.constant(['server']), redact: fc.constant(['ssn']) }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
  ),
  validation: maybe(fc.record({ requiredQuery: fc.constant(['q']), requiredHeaders: fc.constant(['x-req']), bodySchema: fc.constant({ type: 'object' }) }, { requiredKeys: [] })),
});

export const gatewayInput = fc
  .record({
    routes: fc.uniqueArray(route, { minLength: 1, maxLength: 5, selector: (r) => `${r.method} ${r.path.replace(/\{[^}]*\}/g, '{}')}` }),
    audiences: fc.array(pick('shop', 'a,b', '@aud', '{{aud}}'), { minLength: 1, maxLength: 2 }),
    jwksUri: fc.boolean(),
    algorithms: maybe(pick(['RS256'], ['RS256', 'ES256'], ['ES256'], ['EdDSA'])),
    typ: maybe(pick('at+jwt')),
    resultTtlSeconds: maybe(pick(0, 300, 7200)),
    keyName: pick('x-api-key', 'X-Key'),
    weightedUrls: pick(['https://a.example.com/v1', 'https://b.example.com/v1'], ['https://a.example.com/v1', 'https://b.example.com/v2']),
    mockBody: maybe(fc.dictionary(pick('m'), pick('ok', '@#^~`|%!$', '{x}'), { maxKeys: 1 })),
    mockHeader: maybe(pick('plain', "it's")),
    quota: maybe(fc.record({ limit: pick(10, 1000), period: pick('day', 'week', 'month') })),
    planRate: maybe(rate),
    consumerKey: maybe(pick('env:K', 'aws-secretsmanager:k', 'azure-keyvault:x', 'gcp-secretmanager:y')),
    twoStages: fc.boolean(),
    stageVar: maybe(pick('region', 'anygate_x')),
    stageBackend: maybe(pick('https://api-dev.example.com', 'https://api-dev.example.com/other', 'http://localhost:8080')),
    throttle: maybe(rate),
    cors: fc.boolean(),
    allow: fc.boolean(),
    deny: fc.boolean(),
    tracing: fc.boolean(),
    versions: maybe(fc.record({ scheme: pick('path', 'header', 'query'), name: maybe(pick('X-Api-Version', 'api.version')), deprecated: fc.boolean() })),
    canary: maybe(pick('api-next', 'api-next-path', 'api-next-http')),
    // Routes of one JWT authorizer each: 11 need more API Gateway authorizers than the default quota.
    jwtRoutes: maybe(pick(2, 11)),
    // The function backend's binding named like the Service Kubernetes generates for backend api.
    fnBinding: maybe(pick('agree-api')),
  })
  .map((g) => {
    const stages: Record<string, unknown> = { prod: { variables: { region: 'eu' }, ...(g.throttle ? { throttle: g.throttle } : {}) } };
    if (g.twoStages) stages.dev = { variables: { region: 'us', ...(g.stageVar ? { [g.stageVar]: 'v' } : {}) }, ...(g.stageBackend ? { backends: { api: { url: g.stageBackend } } } : {}), tracing: g.tracing };
    return {
      name: 'agree',
      backends: {
        api: { type: 'http', url: 'https://api.example.com/base' },
        weighted: { type: 'http', targets: g.weightedUrls.map((url, i) => ({ url, weight: i + 1 })) },
        breaker: { type: 'http', url: 'https://cb.example.com', circuitBreaker: { failures: 5, intervalSeconds: 60, tripSeconds: 30 } },
        fn: { type: 'function', ...(g.fnBinding ? { binding: g.fnBinding } : {}) },
        'api-next': { type: 'http', url: 'https://next.example.com/base' },
        'api-next-path': { type: 'http', url: 'https://next.example.com/other' },
        'api-next-http': { type: 'http', url: 'http://localhost:9000/base' },
        canned: { type: 'mock', ...(g.mockBody ? { body: g.mockBody } : {}), ...(g.mockHeader ? { headers: { 'x-m': g.mockHeader } } : {}) },
      },
      authorizers: {
        jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: g.audiences, ...(g.jwksUri ? { jwksUri: 'https://id.example.com/jwks' } : {}), ...(g.algorithms ? { algorithms: g.algorithms } : {}), ...(g.typ ? { typ: g.typ } : {}), ...(g.resultTtlSeconds !== undefined ? { resultTtlSeconds: g.resultTtlSeconds } : {}) },
        plainjwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'], jwksUri: 'https://id.example.com/jwks' },
        key: { type: 'apiKey', name: g.keyName },
        qkey: { type: 'apiKey', in: 'query', name: 'api_key' },
        custom: { type: 'custom', binding: 'authz' },
        ...Object.fromEntries(Array.from({ length: g.jwtRoutes ?? 0 }, (_, i) => [`j${i}`, { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'], jwksUri: 'https://id.example.com/jwks' }])),
      },
      plans: { basic: { ...(g.quota ? { quota: g.quota } : {}), ...(g.planRate ? { rateLimit: g.planRate } : {}) } },
      consumers: { acme: { plan: 'basic', ...(g.consumerKey ? { apiKey: { secretRef: g.consumerKey } } : {}) } },
      routes: g.routes.map((r) => {
        const jwtEverywhere = Array.isArray(r.auth) && (r.auth as unknown[]).every((a) => (Array.isArray(a) ? a.includes('jwt') : a === 'jwt' || a === 'plainjwt'));
        const usesClaims = (x: unknown) => JSON.stringify(x ?? '').includes('${claim.');
        const t = r.transform && !jwtEverywhere && usesClaims(r.transform) ? undefined : r.transform;
        const rewrite = t?.request?.rewritePath === '/internal/{id}' && !r.path.includes('{id}') ? { ...t, request: { ...t.request, rewritePath: '/internal' } } : t;
        // ${path.id} only where the path has {id} (validation refuses it elsewhere, and the run would be thrown away).
        const own = rewrite && !r.path.includes('{id}') && JSON.stringify(rewrite).includes('${path.id}') ? (JSON.parse(JSON.stringify(rewrite).replaceAll('${path.id}', '${header.x-a}')) as typeof rewrite) : rewrite;
        // Retries apply to http backends only (validation refuses the others).
        const retry = r.backend === 'fn' || r.backend === 'canned' ? undefined : r.retry;
        return { ...r, scopes: jwtEverywhere ? r.scopes : [], transform: own, retry };
      }).concat(Array.from({ length: g.jwtRoutes ?? 0 }, (_, i) => ({ method: 'GET', path: `/j/${i}`, backend: 'api', auth: [`j${i}`] }) as never)),
      stages,
      ...(g.cors ? { cors: { allowOrigins: ['https://app.example.com'] } } : {}),
      ...(g.allow || g.deny ? { ipRules: { ...(g.allow ? { allow: ['10.0.0.0/8'] } : {}), ...(g.deny ? { deny: ['192.0.2.0/24'] } : {}) } } : {}),
      observability: { tracing: g.tracing },
      ...(g.versions
        ? { versions: { scheme: g.versions.scheme, ...(g.versions.name && g.versions.scheme !== 'path' ? { name: g.versions.name } : {}), list: [{ name: 'v1', ...(g.versions.deprecated ? { deprecated: '2026-06-01', sunset: '2027-01-31', link: 'https://example.com/v1' } : {}) }, { name: 'v2' }] } }
        : {}),
      // A canary of `api` needs a route on api, and no stage overriding api's URL (validation refuses both).
      ...(g.canary && g.routes.some((r) => r.backend === 'api') && !(g.twoStages && g.stageBackend) ? { release: { canary: { percent: 10, backend: g.canary, of: 'api' } } } : {}),
    };
  });

/** Compile options each target may be given. */
export const compileOptions = fc.record({
  cacheClusterSize: pick(undefined, '0.5', '6.1', '2.0'),
  externalCache: fc.boolean(),
  apiDefinition: pick(undefined, 'operations' as const, 'openapi' as const),
  /** Stages selected (AWS, Kubernetes); `nope` is not a stage. */
  stages: pick(undefined, ['prod'], ['prod', 'nope']),
  /** Kubernetes namespaces by stage: two stages in one namespace, or a stage the spec lacks. */
  namespaces: pick<Record<string, string> | undefined>(undefined, { prod: 'shop' }, { prod: 'shop', dev: 'shop' }, { qa: 'shop' }),
  /** Kubernetes: HTTP backends as Backends (no generated Service), and binding Services named like generated ones, in the stage's namespace or another. */
  backendKind: pick(undefined, 'Backend' as const),
  functions: pick<Record<string, Record<string, { name: string; namespace?: string }>> | undefined>(undefined, { prod: { fn: { name: 'agree-api' } } }, { prod: { authz: { name: 'agree-weighted-2' } } }, { prod: { fn: { name: 'agree-api', namespace: 'elsewhere' } } }),
  azureSku: fc.constantFrom(...AZURE_SKUS),
  apigeeEnvironmentType: fc.constantFrom(...APIGEE_ENVIRONMENT_TYPES),
});
