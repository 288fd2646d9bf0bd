/**
 * Issue #12 "behaves as the spec says" and #14 "no spec string is evaluated; caches never mix
 * callers", on what compileAws emits. Each test names the rule it guards.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAws } from '../../providers/aws/compile';
import { differenceLines } from '../../lib/capabilities/format';
import { portability } from '../../lib/capabilities/portability';
import { DEFAULT_BINARY_MEDIA_TYPES } from '../../providers/aws/options';
import { baseSpec, errorsOf, refusals } from '../helpers';

type Spec = Record<string, any>;
const compile = (s: Spec) => compileAws(toGatewaySpec(s));
const op = (plan: ReturnType<typeof compileAws>, path: string, method: string) => (plan.body.paths as any)[path][method];
const refused = (s: Spec) => refusals(() => compile(s)).join('\n');

describe('CORS everywhere a browser looks', () => {
  it('the preflight of an ANY route allows every method', () => {
    const s = baseSpec();
    s.routes.push({ method: 'ANY', path: '/things/{id}', backend: 'api', auth: 'none' });
    s.cors = { allowOrigins: ['https://app.example.com'] };
    const opts = op(compile(s), '/things/{id}', 'options');
    expect(opts['x-amazon-apigateway-integration'].responses.default.responseParameters['method.response.header.Access-Control-Allow-Methods']).toBe("'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'");
  });

  it('a public GET beside an authenticated ANY: OPTIONS is the CORS mock, with no authorizer (the records\' "OPTIONS on a mixed path" difference); an OPTIONS route of its own gets no mock', () => {
    const s = baseSpec();
    s.authorizers.jwt = { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['a'], jwksUri: 'https://id.example.com/jwks.json' };
    s.routes.push({ id: 'browse', method: 'GET', path: '/mixed', backend: 'api', auth: 'none' }, { id: 'guarded', method: 'ANY', path: '/mixed', backend: 'api', auth: ['jwt'] });
    s.cors = { allowOrigins: ['https://app.example.com'] };
    const plan = compile(s);
    const options = op(plan, '/mixed', 'options');
    expect(options['x-amazon-apigateway-integration'].type).toBe('mock');
    expect(options.security).toBeUndefined();
    expect(op(plan, '/mixed', 'x-amazon-apigateway-any-method').security).toBeDefined();
    expect(differenceLines(portability(toGatewaySpec(s), ['aws']))).toContainEqual(expect.stringMatching(/^CORS on aws: methods: every OPTIONS request to a path with no OPTIONS route is answered by the CORS OPTIONS mock \(204\)/));
    s.routes.push({ id: 'opts', method: 'OPTIONS', path: '/mixed', backend: 'api', auth: ['jwt'] });
    const own = op(compile(s), '/mixed', 'options');
    expect(own['x-amazon-apigateway-integration'].type).not.toBe('mock');
    expect(own.security).toBeDefined();
  });

  it('mock responses carry the CORS headers (one origin: static values; several: the Origin echoed only when listed)', () => {
    const s = baseSpec();
    s.cors = { allowOrigins: ['https://app.example.com'], allowCredentials: true, exposeHeaders: ['x-id'] };
    const mock = op(compile(s), '/health', 'get');
    expect(mock['x-amazon-apigateway-integration'].responses.default.responseParameters).toEqual({
      'method.response.header.Access-Control-Allow-Credentials': "'true'",
      'method.response.header.Access-Control-Allow-Origin': "'https://app.example.com'",
      'method.response.header.Access-Control-Expose-Headers': "'x-id'",
      'method.response.header.Vary': "'Origin'",
    });
    expect(Object.keys(mock.responses['200'].headers)).toEqual(['Access-Control-Allow-Credentials', 'Access-Control-Allow-Origin', 'Access-Control-Expose-Headers', 'Vary']);
    s.cors.allowOrigins = ['https://a.example.com', 'https://b.example.com'];
    const tpl: string = op(compile(s), '/health', 'get')['x-amazon-apigateway-integration'].responses.default.responseTemplates['application/json'];
    expect(tpl).toMatch(/^#set\(\$origin = \$input\.params\(\)\.header\.get\('Origin'\)\)\n#if\(\$origin == 'https:\/\/a\.example\.com' \|\| \$origin == 'https:\/\/b\.example\.com'\)\n#set\(\$context\.responseOverride\.header\.Access-Control-Allow-Origin = \$origin\)\n#end\n\$util\.base64Decode\("[A-Za-z0-9+/=]+"\)$/);
  });

  it("gateway responses (DEFAULT_4XX covers 401, 403, 429; DEFAULT_5XX every 5xx, integration errors included) carry the headers", () => {
    const s = baseSpec();
    s.cors = { allowOrigins: ['https://app.example.com'], exposeHeaders: ['x-id'] };
    const gr = compile(s).body['x-amazon-apigateway-gateway-responses'] as any;
    for (const k of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      expect(gr[k].responseParameters).toMatchObject({ 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'", 'gatewayresponse.header.Access-Control-Expose-Headers': "'x-id'" });
    }
  });
});

describe('method settings', () => {
  it('an ANY route gets one complete override per concrete method it serves, never HttpMethod "*" on a resource', () => {
    const s = baseSpec();
    s.routes.push({ method: 'ANY', path: '/things', backend: 'api', auth: 'none', rateLimit: { requestsPerSecond: 7, burst: 9 } });
    s.routes.push({ method: 'GET', path: '/things', backend: 'api', auth: 'none' });
    s.cors = { allowOrigins: ['https://app.example.com'] };
    const settings = compile(s).stages.prod.methodSettings.filter((m) => m.resourcePath === '/things');
    // GET has its own route; OPTIONS is the CORS preflight: ANY serves the other five.
    expect(settings.map((m) => m.httpMethod)).toEqual(['DELETE', 'HEAD', 'PATCH', 'POST', 'PUT']);
    for (const m of settings) expect(m).toEqual({ resourcePath: '/things', httpMethod: m.httpMethod, cachingEnabled: false, throttlingRateLimit: 7, throttlingBurstLimit: 9, loggingLevel: 'ERROR', metricsEnabled: true, dataTraceEnabled: false });
    expect(compile(s).stages.prod.methodSettings.some((m) => m.httpMethod === '*')).toBe(false);
  });

  it('every override repeats the stage logging, metrics and data trace settings', () => {
    const s = baseSpec();
    s.observability = { metrics: false };
    s.stages = { dev: { logLevel: 'info' } };
    s.routes[1].rateLimit = { requestsPerSecond: 3, burst: 4 };
    expect(compile(s).stages.dev.methodSettings).toEqual([
      { resourcePath: '/items', httpMethod: 'POST', cachingEnabled: false, throttlingRateLimit: 3, throttlingBurstLimit: 4, loggingLevel: 'INFO', metricsEnabled: false, dataTraceEnabled: false },
    ]);
  });

  it('when exact overrides would not fit the template, the stage default takes the common throttle; beyond that, a clear refusal', () => {
    const routes = (n: number, distinct: boolean) =>
      Array.from({ length: n }, (_, i) => ({ id: `r${i}`, method: 'POST', path: `/g${i}/x`, backend: 'api', auth: 'none', rateLimit: { requestsPerSecond: distinct ? 1 + i : 5, burst: 10 } }));
    const s = baseSpec();
    s.stages = { dev: {}, prod: {} };
    s.routes = routes(3000, false);
    const plan = compile(s);
    expect(plan.stages.prod.throttle).toEqual({ rateLimit: 5, burstLimit: 10 });
    expect(plan.stages.prod.methodSettings).toEqual([]);
    s.routes = routes(3000, true);
    expect(refused(s)).toMatch(/gateway size aws: \d+ per-method settings across 2 stage\(s\) take \d+ bytes of template, over the 880000-byte budget that keeps the template under CloudFormation's 1 MB limit; set suppressTemplateIndentation: true on the Stack; deploy at most 1 stage\(s\) per stack/);
  });
});

describe('body validation for every content type', () => {
  it('the body model applies to application/json and to $default (every other content type)', () => {
    const s = baseSpec();
    s.routes[1].validation = { bodySchema: { type: 'object' } };
    const content = op(compile(s), '/items', 'post').requestBody.content;
    expect(content).toEqual({ $default: { schema: { $ref: '#/components/schemas/postitemsBody' } }, 'application/json': { schema: { $ref: '#/components/schemas/postitemsBody' } } });
  });
});

describe('binary bodies', () => {
  it('sets binary media types by default, configurable through aws.binaryMediaTypes; mocks convert to text', () => {
    expect(compile(baseSpec()).body['x-amazon-apigateway-binary-media-types']).toEqual(DEFAULT_BINARY_MEDIA_TYPES);
    const s = baseSpec();
    s.aws = { binaryMediaTypes: ['*/*'] };
    const plan = compile(s);
    expect(plan.body['x-amazon-apigateway-binary-media-types']).toEqual(['*/*']);
    expect(op(plan, '/health', 'get')['x-amazon-apigateway-integration'].contentHandling).toBe('CONVERT_TO_TEXT');
  });

  it('refuses unknown or malformed AWS options at validation, naming them', () => {
    const s = baseSpec();
    s.aws = { binaryMediaType: ['x'] };
    expect(errorsOf(s)).toEqual([expect.stringMatching(/^aws\.binaryMediaType: unknown key "binaryMediaType" \(did you mean "binaryMediaTypes"\?\)/)]);
    s.aws = { binaryMediaTypes: ['not a type'] };
    expect(errorsOf(s)).toEqual([expect.stringMatching(/^aws\.binaryMediaTypes\[0\]: must be a media type/)]);
    const r = baseSpec();
    r.routes[0].aws = { caching: true };
    expect(errorsOf(r)).toEqual([expect.stringMatching(/^routes\[0\]\.aws: unknown key "aws"/)]);
  });
});

describe('stage isolation of API keys', () => {
  it('one usage plan and one key per stage; with several stages the key value is the JSON field named for the stage', () => {
    const s = baseSpec();
    s.stages = { dev: {}, prod: {} };
    s.consumers.acme.apiKey = { secretRef: 'aws-secretsmanager:shop/acme' };
    const plan = compile(s);
    expect(Object.keys(plan.usagePlans)).toEqual(['basic-dev', 'basic-prod']);
    expect(plan.usagePlans['basic-dev']).toMatchObject({ plan: 'basic', stage: 'dev' });
    expect(plan.apiKeys).toEqual({
      'acme-dev': { consumer: 'acme', stage: 'dev', usagePlan: 'basic-dev', secretName: 'shop/acme', secretField: 'dev' },
      'acme-prod': { consumer: 'acme', stage: 'prod', usagePlan: 'basic-prod', secretName: 'shop/acme', secretField: 'prod' },
    });
  });
});

describe('caches never serve one caller to another', () => {
  const cached = (auth: unknown, extra: Spec = {}) => {
    const s = baseSpec();
    s.authorizers.custom = { type: 'custom', binding: 'authfn', header: 'X-Token' };
    s.authorizers.qkey = { type: 'apiKey', in: 'query', name: 'api_key' };
    s.routes[0].auth = auth;
    if (JSON.stringify(auth) !== '["jwt"]') delete s.routes[0].scopes;
    s.routes[0].cache = { ttlSeconds: 60, ...extra };
    return op(compile(s), '/items/{id}', 'get');
  };

  it('a JWT route is keyed by the token (the identity source header), declared as a method parameter', () => {
    const get = cached(['jwt']);
    expect(get['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.path.id', 'method.request.header.Authorization']);
    expect(get.parameters).toContainEqual({ in: 'header', name: 'Authorization', required: false, schema: { type: 'string' } });
  });

  it('API-key routes are keyed by the key, in the header or the query; custom authorizers by their header', () => {
    expect(cached(['key'])['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.path.id', 'method.request.header.x-api-key']);
    expect(cached(['qkey'])['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.path.id', 'method.request.querystring.api_key']);
    expect(cached(['custom'])['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.path.id', 'method.request.header.X-Token']);
  });

  it('cache.shared: true asks for one shared entry; public routes never add an identity', () => {
    expect(cached(['jwt'], { shared: true })['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.path.id']);
    expect(cached('none')['x-amazon-apigateway-integration'].cacheKeyParameters).toEqual(['method.request.path.id']);
  });
});
