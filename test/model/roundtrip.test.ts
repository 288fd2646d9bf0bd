/**
 * import(export(spec)) keeps every field. The fixture sets every field of the schema (a test
 * fails when a new field is not in it), and export derives x-anygate from the schema's keys, so a
 * field added to the model cannot silently disappear from exported OpenAPI.
 */
import { GatewaySchema, Route } from '../../lib/model/schema';
import { toGatewaySpec } from '../../lib/model/normalize';
import { exportOpenApi } from '../../lib/openapi/export';
import { importOpenApi } from '../../lib/openapi/import';

const input = {
  name: 'every-field',
  version: '2.1.0',
  basePath: '/v2',
  description: 'uses every field',
  backends: {
    api: { type: 'http', url: 'https://api.example.com/base', timeoutMs: 8000, circuitBreaker: { failures: 5, intervalSeconds: 60, tripSeconds: 30 } },
    canary: { type: 'http', targets: [{ url: 'https://a.example.com', weight: 9 }, { url: 'https://b.example.com', weight: 1 }] },
    fn: { type: 'function', binding: 'orders-fn' },
    canned: { type: 'mock', statusCode: 202, body: { ok: true }, headers: { 'x-m': 'v' } },
    model: {
      type: 'llm', provider: 'azure-openai', url: 'https://r.openai.azure.com', model: 'gpt-4o', apiVersion: '2024-06-01', apiKey: { secretRef: 'env:AOAI' }, timeoutMs: 20000,
      tokenLimit: { tokens: 500, period: 'hour', per: 'key', estimatePrompt: true }, tokenMetrics: { dimensions: ['model', 'clientIp'], namespace: 'ai' },
      guards: { promptSafety: { categories: ['hate'], threshold: 'low', jailbreak: false, responses: true }, pii: { entities: ['usSsn'], action: 'mask', responses: true }, modelArmor: { template: 'projects/my-project/locations/us-central1/templates/t' }, bedrockGuardrail: { id: 'a1b2c3', version: 'DRAFT' } },
    },
    plain: { type: 'http', url: 'https://plain.example.com' },
    next: { type: 'http', url: 'https://next.example.com' },
  },
  authorizers: {
    jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['a'], jwksUri: 'https://id.example.com/jwks', algorithms: ['PS256'], requiredClaims: { tenant: 't' }, scopeClaim: 'scp', header: 'X-Token', clockSkewSeconds: 30, typ: 'at+jwt', resultTtlSeconds: 60 },
    key: { type: 'apiKey', in: 'query', name: 'k' },
    bearerKey: { type: 'apiKey', in: 'header', name: 'Authorization', scheme: 'Bearer' },
    custom: { type: 'custom', binding: 'authz', header: 'X-Auth', resultTtlSeconds: 10 },
  },
  plans: { gold: { description: 'gold', quota: { limit: 100, period: 'week' }, rateLimit: { requestsPerSecond: 3, burst: 9 } } },
  consumers: { acme: { plan: 'gold', description: 'Acme', apiKey: { secretRef: 'env:ACME' } } },
  defaults: { backend: 'api', auth: ['jwt'], rateLimit: { requestsPerSecond: 50 }, cache: { ttlSeconds: 5 }, transform: { response: { removeHeaders: ['server'] } }, timeoutMs: 5000 },
  routes: [
    {
      id: 'getThing',
      method: 'GET',
      path: '/things/{id}',
      backend: 'canary',
      auth: [['jwt'], ['jwt', 'key']],
      scopes: ['things:read'],
      rateLimit: { requestsPerSecond: 7, burst: 14 },
      cache: { ttlSeconds: 30, shared: true, key: { query: ['q'], headers: ['accept-language'] } },
      transform: {
        request: { setHeaders: { 'x-user': '${claim.sub}' }, removeHeaders: ['cookie'], setQuery: { src: 'gw' }, removeQuery: ['debug'], rewritePath: '/internal/{id}', body: { id: '${path.id}' } },
        response: { setHeaders: { 'x-served-by': 'anygate' }, removeHeaders: ['x-powered-by'], redact: ['ssn'] },
      },
      timeoutMs: 9000,
      retry: { attempts: 2, on: ['connect-failure', 429], backoff: { baseMs: 50, maxMs: 400 }, nonIdempotent: true },
      validation: { requiredQuery: ['q'], requiredHeaders: ['x-req'], bodySchema: { type: 'object' }, contract: { parameters: true, body: false } },
      description: 'Get a thing',
      tags: ['things'],
      contract: { summary: 'A thing', operationId: 'get.thing', deprecated: true, externalDocs: { url: 'https://docs.example.com' }, parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }, { $ref: '#/components/parameters/Q' }], requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } }, responses: { '200': { $ref: '#/components/responses/Thing' } } },
      apigee: { honorNoCache: true },
      mcp: { tool: 'get_thing', title: 'Get a thing', description: 'Reads a thing', annotations: { openWorldHint: false, idempotentHint: false } },
    },
    { method: 'POST', path: '/chat', backend: 'model', auth: 'key', mcp: false },
    { method: 'POST', path: '/orders', backend: 'fn', auth: 'key' },
    { method: 'ANY', path: '/files/{p+}', auth: ['custom'] },
    { method: 'GET', path: '/health', backend: 'canned', auth: 'none' },
    { method: 'GET', path: '/maybe', backend: 'canned', auth: { anyOf: ['jwt', 'key'], optional: true } },
    { method: 'GET', path: '/plain', backend: 'plain', auth: 'none', versions: ['v2'], revisions: [1] },
  ],
  versions: { scheme: 'header', name: 'X-Version', list: [{ name: 'v1', deprecated: '2026-06-01', sunset: '2027-01-31T12:00:00Z', link: 'https://example.com/v1' }, { name: 'v2' }] },
  release: { canary: { percent: 5, backend: 'next', of: 'plain', stickiness: { cookie: 'uid' } } },
  revisions: { current: 1, list: [{ number: 1, description: 'the first content' }] },
  stages: {
    dev: { description: 'dev', variables: { region: 'eu' }, backends: { api: { url: 'https://api-dev.example.com/base' } }, throttle: { requestsPerSecond: 10 }, logLevel: 'info', tracing: true },
    prod: {},
  },
  cors: { allowOrigins: ['https://app.example.com'], allowMethods: ['GET', 'POST'], allowHeaders: ['Authorization'], exposeHeaders: ['x-request-id'], allowCredentials: true, maxAgeSeconds: 60 },
  ipRules: { allow: ['10.0.0.0/8'], deny: ['10.1.2.3'] },
  observability: { accessLogs: false, logRetentionDays: 7, logLevel: 'info', tracing: true, metrics: false },
  errors: 'native',
  ignoreWarnings: ['plan-unused'],
  domains: [
    { name: 'api.example.com', certificate: 'arn:aws:acm:eu-west-1:123456789012:certificate/abcd', basePath: 'v2/things', endpoint: 'regional', stage: 'prod', mtls: { truststore: { aws: 's3://trust/ca.pem', kubernetes: { kind: 'Secret', name: 'ca' } }, clientCertificate: { headers: { subject: 'X-Client-Subject' } } } },
  ],
  aws: { binaryMediaTypes: ['image/png'] },
  mcp: { expose: 'all', path: '/tools', title: 'Things', description: 'Thing tools' },
  azure: { sku: 'Premium', externalCache: true },
  components: {
    schemas: { Thing: { type: 'object', properties: { id: { type: ['integer', 'null'] } } } },
    parameters: { Q: { name: 'q', in: 'query', required: true, schema: { type: 'string', enum: ['a', 'b'] } } },
    responses: { Thing: { description: 'A thing', headers: { 'x-v': { $ref: '#/components/headers/V' } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' }, examples: { one: { $ref: '#/components/examples/One' } } } } } },
    requestBodies: { Thing: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
    headers: { V: { schema: { type: 'string' } } },
    examples: { One: { value: { id: 1 } } },
  },
  kubernetes: { backendKind: 'Backend', gateway: { name: 'edge', namespace: 'infra', sectionName: 'https' }, hostnames: ['api.example.com'], namespaces: { dev: 'things-dev' }, functions: { dev: { 'orders-fn': { name: 'orders', namespace: 'fns', port: 8080 } } }, createGateway: { className: 'envoy', listeners: [{ protocol: 'HTTPS', certificateRefs: [{ name: 'api-tls', namespace: 'certs' }] }] } },
};

describe('OpenAPI export keeps every field', () => {
  it('the fixture sets every field of the gateway and route schemas (add a new field here)', () => {
    expect(Object.keys(GatewaySchema.shape).filter((k) => !(k in input))).toEqual([]);
    expect(Object.keys(Route.shape).filter((k) => !input.routes.some((r) => k in r))).toEqual([]);
  });

  it('import(export(spec)) is the same spec', async () => {
    const spec = toGatewaySpec(input);
    const doc = exportOpenApi(spec);
    const { input: again } = await importOpenApi(JSON.parse(JSON.stringify(doc)), 'every-field.json');
    expect(toGatewaySpec(again)).toEqual(spec);
  });

  it('a route field is carried in x-anygate without export.ts naming it', () => {
    const doc = exportOpenApi(toGatewaySpec(input)) as any;
    const op = doc.paths['/things/{id}'].get['x-anygate'];
    // id: the contract publishes the document's own operationId.
    expect(Object.keys(op).sort()).toEqual(['apigee', 'backend', 'cache', 'id', 'mcp', 'rateLimit', 'retry', 'timeoutMs', 'transform', 'validation', 'versions']);
    expect(Object.keys(doc['x-anygate']).sort()).toEqual(['authorizers', 'aws', 'azure', 'backends', 'basePath', 'consumers', 'cors', 'domains', 'errors', 'ignoreWarnings', 'ipRules', 'kubernetes', 'mcp', 'name', 'observability', 'plans', 'release', 'revisions', 'stages', 'versions']);
  });
});
