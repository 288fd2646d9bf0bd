import { SynthesisError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAws } from '../../providers/aws/compile';
import { baseSpec, shuffleKeys, shuffled } from '../helpers';

type Spec = Record<string, any>;
const compile = (s: Spec) => compileAws(toGatewaySpec(s));
const op = (plan: ReturnType<typeof compileAws>, path: string, method: string) => (plan.body.paths as any)[path][method];
const problemsOf = (s: Spec): string[] => {
  try {
    compile(s);
  } catch (e) {
    if (e instanceof SynthesisError) return e.problems.map((p) => `${p.where} ${p.feature}: ${p.message}`);
    throw e;
  }
  return [];
};

describe('compileAws: integrations', () => {
  it('HTTP backends become http_proxy integrations with path parameters mapped', () => {
    const s = baseSpec();
    s.routes[0].transform = { request: { rewritePath: '/api/v2/items/{id}', setHeaders: { 'x-static': 'on', 'x-id': '${path.id}', 'x-user': '${claim.sub}' }, setQuery: { q: '${query.term}', env: '${stage.env}' } } };
    s.stages = { prod: { variables: { env: 'prod' } } };
    const plan = compile(s);
    const get = op(plan, '/items/{id}', 'get');
    expect(get['x-amazon-apigateway-integration']).toEqual({
      type: 'http_proxy',
      httpMethod: 'GET',
      uri: 'https://api.example.com/api/v2/items/{id}',
      passthroughBehavior: 'when_no_match',
      timeoutInMillis: 29000,
      requestParameters: {
        'integration.request.header.x-id': 'method.request.path.id',
        'integration.request.header.x-static': "'on'",
        'integration.request.header.x-user': 'context.authorizer.claim_sub',
        'integration.request.path.id': 'method.request.path.id',
        'integration.request.querystring.env': 'stageVariables.env',
        'integration.request.querystring.q': 'method.request.querystring.term',
      },
    });
    expect(get.parameters).toContainEqual({ in: 'query', name: 'term', required: false, schema: { type: 'string' } });
    expect(plan.authorizer?.config.contextClaims).toEqual(['sub']);
    expect(plan.transform).toBeUndefined();
  });

  it('function backends are Lambda proxy integrations through a stage variable', () => {
    const plan = compile(baseSpec());
    expect(op(plan, '/items', 'post')['x-amazon-apigateway-integration']).toMatchObject({
      type: 'aws_proxy',
      httpMethod: 'POST',
      uri: 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${stageVariables.anygate_fn_fn}/invocations',
    });
    expect(plan.functions).toEqual([{ binding: 'fn', stageVariable: 'anygate_fn_fn', usedBy: ['post-items'] }]);
  });

  it('function backends map the header and query values parameter mapping can express (they were dropped)', () => {
    const s = baseSpec();
    s.routes[1].transform = { request: { setHeaders: { 'X-Amz-Tenant-Id': '${header.x-tenant-id}', 'x-static': 'on' }, setQuery: { env: '${stage.env}' } } };
    s.stages = { prod: { variables: { env: 'prod' } } };
    const plan = compile(s);
    const post = op(plan, '/items', 'post');
    expect(post['x-amazon-apigateway-integration']).toMatchObject({
      type: 'aws_proxy',
      requestParameters: { 'integration.request.header.X-Amz-Tenant-Id': 'method.request.header.x-tenant-id', 'integration.request.header.x-static': "'on'", 'integration.request.querystring.env': 'stageVariables.env' },
    });
    expect(post.parameters).toContainEqual({ in: 'header', name: 'x-tenant-id', required: false, schema: { type: 'string' } });
    expect(plan.transform).toBeUndefined();
  });

  it('mock backends answer from a mock integration, the body base64-encoded out of VTL', () => {
    const s = baseSpec();
    s.backends.canned = { type: 'mock', statusCode: 203, body: { price: '$5 #1' }, headers: { 'x-mock': 'yes' } };
    const plan = compile(s);
    const i = op(plan, '/health', 'get')['x-amazon-apigateway-integration'];
    expect(i.type).toBe('mock');
    expect(i.requestTemplates['application/json']).toBe('{"statusCode": 203}');
    const tpl: string = i.responses.default.responseTemplates['application/json'];
    const b64 = /^\$util\.base64Decode\("([A-Za-z0-9+/=]+)"\)$/.exec(tpl)![1];
    expect(JSON.parse(Buffer.from(b64, 'base64').toString())).toEqual({ price: '$5 #1' });
    expect(i.responses.default.responseParameters).toEqual({ 'method.response.header.x-mock': "'yes'" });
    expect(op(plan, '/health', 'get').responses['203'].headers['x-mock']).toBeDefined();
  });

  it('routes whose transforms mapping cannot express go through the generated transform function', () => {
    const s = baseSpec();
    s.routes[0].transform = { request: { removeHeaders: ['Cookie'], body: { id: '${path.id}' } }, response: { redact: ['secret'], setHeaders: { 'x-a': 'b' } } };
    s.cors = { allowOrigins: ['https://app.example.com'] };
    const plan = compile(s);
    expect(op(plan, '/items/{id}', 'get')['x-amazon-apigateway-integration'].uri).toContain('${stageVariables.anygate_transform}');
    expect(plan.transform?.config.routes).toEqual([
      {
        method: 'GET',
        resource: '/items/{id}',
        target: { type: 'http', url: 'https://api.example.com' },
        rename: { id: 'id' },
        backendPath: '/items/{id}',
        timeoutMs: 28500,
        request: { setHeaders: {}, removeHeaders: ['cookie'], setQuery: {}, removeQuery: [], body: { id: '${path.id}' } },
        response: { setHeaders: { 'x-a': 'b' }, removeHeaders: [], redact: ['secret'] },
        cors: { allowOrigins: ['https://app.example.com'], allowCredentials: false, exposeHeaders: [] },
      },
    ]);
  });

  it('renames sibling path variables consistently and maps them back for the backend', () => {
    const s = baseSpec();
    s.routes.push({ method: 'GET', path: '/items/{itemId}/tags', backend: 'api', auth: 'none' });
    const plan = compile(s);
    const tags = op(plan, '/items/{id}/tags', 'get');
    expect(tags['x-amazon-apigateway-integration'].uri).toBe('https://api.example.com/items/{itemId}/tags');
    expect(tags['x-amazon-apigateway-integration'].requestParameters).toEqual({ 'integration.request.path.itemId': 'method.request.path.id' });
    expect(Object.keys(plan.body.paths as object)).not.toContain('/items/{itemId}/tags');
  });

  it('prefixes paths with basePath and uses stage variables for per-stage backend hosts', () => {
    const s = baseSpec();
    s.basePath = '/v1/';
    s.stages = { dev: { backends: { api: { url: 'https://dev.example.com/base' } } }, prod: {} };
    const plan = compile(s);
    expect(op(plan, '/v1/items/{id}', 'get')['x-amazon-apigateway-integration'].uri).toBe('https://${stageVariables.anygate_backend_api}/items/{id}');
    expect(plan.stages.dev.variables.anygate_backend_api).toBe('dev.example.com/base');
    expect(plan.stages.prod.variables.anygate_backend_api).toBe('api.example.com');
  });
});

describe('compileAws: auth', () => {
  it('JWT routes use the generated REQUEST authorizer; the route table carries ARN patterns and scopes', () => {
    const plan = compile(baseSpec());
    const get = op(plan, '/items/{id}', 'get');
    expect(get.security).toEqual([{ 'anygate-jwt': [] }]);
    const scheme = (plan.body.components as any).securitySchemes['anygate-jwt'];
    expect(scheme['x-amazon-apigateway-authtype']).toBe('custom');
    expect(scheme['x-amazon-apigateway-authorizer']).toEqual({
      type: 'request',
      identitySource: 'method.request.header.Authorization, context.httpMethod, context.resourcePath',
      authorizerUri: expect.stringContaining('${stageVariables.anygate_authorizer}'),
      authorizerResultTtlInSeconds: 60,
    });
    expect(plan.authorizer?.config.routeGroups).toEqual([{ scheme: 'anygate-jwt', jwt: ['jwt'], apiKeys: [], scopes: ['items:read'], routes: ['GET /items/{id}'] }]);
    expect(plan.authorizer?.config.jwt.jwt).toMatchObject({ issuer: 'https://id.example.com/', audiences: ['shop'], header: 'authorization', algorithms: ['RS256'] });
  });

  it('API keys in x-api-key are native: api_key scheme and HEADER source', () => {
    const plan = compile(baseSpec());
    expect(op(plan, '/items', 'post').security).toEqual([{ api_key: [] }]);
    expect(plan.body['x-amazon-apigateway-api-key-source']).toBe('HEADER');
  });

  it('an API key elsewhere moves the key source to the generated authorizer (usageIdentifierKey)', () => {
    const s = baseSpec();
    s.authorizers.key = { type: 'apiKey', in: 'query', name: 'api_key' };
    const plan = compile(s);
    expect(plan.body['x-amazon-apigateway-api-key-source']).toBe('AUTHORIZER');
    const post = op(plan, '/items', 'post');
    expect(post.security).toEqual([{ 'anygate-key': [], api_key: [] }]);
    expect((plan.body.components as any).securitySchemes['anygate-key']['x-amazon-apigateway-authorizer'].identitySource).toBe('method.request.querystring.api_key, context.httpMethod, context.resourcePath');
    expect(plan.authorizer?.config.apiKeys).toEqual({ key: { in: 'query', name: 'api_key' } });
  });

  it('JWT and a native API key together: authorizer plus apiKeyRequired', () => {
    const s = baseSpec();
    s.routes[0].auth = [['jwt', 'key']];
    expect(op(compile(s), '/items/{id}', 'get').security).toEqual([{ 'anygate-jwt': [], api_key: [] }]);
  });

  it('custom authorizers use the bound function', () => {
    const s = baseSpec();
    s.authorizers.legacy = { type: 'custom', binding: 'legacy-auth', header: 'X-Token' };
    s.routes[2].auth = 'legacy';
    const plan = compile(s);
    const scheme = (plan.body.components as any).securitySchemes['custom-legacy']['x-amazon-apigateway-authorizer'];
    expect(scheme.identitySource).toBe('method.request.header.X-Token');
    expect(scheme.authorizerUri).toContain('${stageVariables.anygate_fn_legacy_auth}');
    expect(plan.functions.map((f) => f.binding)).toEqual(['fn', 'legacy-auth']);
  });

  it('keeps the authorizer cache only when ARN patterns are exact', () => {
    const s = baseSpec();
    s.routes.push({ method: 'GET', path: '/items/{id}/secret', backend: 'api', auth: ['jwt'], scopes: ['admin'] });
    const plan = compile(s);
    expect(plan.authorizer?.config.schemes['anygate-jwt']).toEqual({ exact: false, resultTtlSeconds: 0 });
    expect((plan.body.components as any).securitySchemes['anygate-jwt']['x-amazon-apigateway-authorizer'].authorizerResultTtlInSeconds).toBe(0);
    expect(plan.warnings.join('\n')).toMatch(/result cache is off/);
    const same = baseSpec();
    same.routes.push({ method: 'GET', path: '/items/{id}/open', backend: 'api', auth: ['jwt'], scopes: ['items:read'] });
    expect(compile(same).authorizer?.config.schemes['anygate-jwt']).toEqual({ exact: true, resultTtlSeconds: 60 });
  });
});

describe('compileAws: gateway features', () => {
  it('CORS: an OPTIONS mock per resource and gateway responses with the headers', () => {
    const s = baseSpec();
    s.cors = { allowOrigins: ['https://app.example.com'], allowCredentials: true, exposeHeaders: ['x-id'] };
    const plan = compile(s);
    const opts = op(plan, '/items', 'options');
    expect(opts['x-amazon-apigateway-integration'].responses.default.responseParameters).toEqual({
      'method.response.header.Access-Control-Allow-Credentials': "'true'",
      'method.response.header.Access-Control-Allow-Headers': "'Authorization,Content-Type'",
      'method.response.header.Access-Control-Allow-Methods': "'OPTIONS,POST'",
      'method.response.header.Access-Control-Allow-Origin': "'https://app.example.com'",
      'method.response.header.Access-Control-Max-Age': "'600'",
      'method.response.header.Vary': "'Origin'",
    });
    expect((plan.body['x-amazon-apigateway-gateway-responses'] as any).DEFAULT_4XX.responseParameters['gatewayresponse.header.Access-Control-Allow-Origin']).toBe("'https://app.example.com'");
    expect(op(plan, '/items/{id}', 'options').parameters).toEqual([{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }]);
  });

  it('CORS with several origins echoes only a listed Origin on preflights', () => {
    const s = baseSpec();
    s.cors = { allowOrigins: ['https://a.example.com', 'https://b.example.com'] };
    const tpl = op(compile(s), '/items', 'options')['x-amazon-apigateway-integration'].responses.default.responseTemplates['application/json'];
    expect(tpl).toContain("#if($origin == 'https://a.example.com' || $origin == 'https://b.example.com')");
  });

  it('IP rules become a resource policy', () => {
    const s = baseSpec();
    s.ipRules = { allow: ['203.0.113.0/24'], deny: ['203.0.113.7'] };
    expect(compile(s).body['x-amazon-apigateway-policy']).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
        { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } } },
        { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*', Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.7'] } } },
      ],
    });
  });

  it('request validation: validators, required parameters and body models', () => {
    const s = baseSpec();
    s.routes[1].validation = { requiredQuery: ['dry'], bodySchema: { type: 'object', required: ['name'] } };
    const plan = compile(s);
    const post = op(plan, '/items', 'post');
    expect(post['x-amazon-apigateway-request-validator']).toBe('body-and-params');
    expect(post.parameters).toContainEqual({ in: 'query', name: 'dry', required: true, schema: { type: 'string' } });
    expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/postitemsBody' });
    expect((plan.body.components as any).schemas.postitemsBody).toEqual({ type: 'object', required: ['name'] });
  });

  it('caching and throttling: cache key parameters and per-stage method settings', () => {
    const s = baseSpec();
    s.routes[0].cache = { ttlSeconds: 120, key: { query: ['lang'], headers: ['Accept'] }, shared: true };
    s.routes[0].rateLimit = { requestsPerSecond: 5, burst: 10 };
    s.stages = { prod: { throttle: { requestsPerSecond: 100 } } };
    const plan = compile(s);
    const i = op(plan, '/items/{id}', 'get')['x-amazon-apigateway-integration'];
    expect(i.cacheKeyParameters).toEqual(['method.request.path.id', 'method.request.querystring.lang', 'method.request.header.Accept']);
    expect(i.cacheNamespace).toBe('get-items-id');
    expect(plan.stages.prod).toMatchObject({
      cacheClusterEnabled: true,
      cacheClusterSize: '0.5',
      // One cached GET and one uncached (the mock): the tie goes to off, so only the cached GET is an override.
      caching: { enabled: false },
      throttle: { rateLimit: 100, burstLimit: 100 },
      methodSettings: [{ resourcePath: '/items/{id}', httpMethod: 'GET', cachingEnabled: true, cacheTtlInSeconds: 120, throttlingRateLimit: 5, throttlingBurstLimit: 10, loggingLevel: 'ERROR', metricsEnabled: true, dataTraceEnabled: false }],
    });
  });

  it('usage plans and API keys (no key values; Secrets Manager references only)', () => {
    const s = baseSpec();
    s.plans.basic.rateLimit = { requestsPerSecond: 3, burst: 6 };
    s.consumers.globex = { plan: 'basic', apiKey: { secretRef: 'aws-secretsmanager:prod/globex' } };
    const plan = compile(s);
    expect(plan.usagePlans.basic).toEqual({ plan: 'basic', stage: 'prod', quota: { limit: 100, period: 'DAY' }, throttle: { rateLimit: 3, burstLimit: 6 } });
    expect(plan.apiKeys).toEqual({ acme: { consumer: 'acme', stage: 'prod', usagePlan: 'basic' }, globex: { consumer: 'globex', stage: 'prod', usagePlan: 'basic', secretName: 'prod/globex' } });
  });
});

describe('compileAws: refusals name the route, the feature and the fix', () => {
  it.each([
    ['weighted backends', (s: Spec) => (s.backends.api = { type: 'http', targets: [{ url: 'https://a.example.com', weight: 1 }, { url: 'https://b.example.com', weight: 1 }] }), /^get-items-id backend\.weighted: REST APIs have no weighted integrations/],
    ['a custom authorizer among alternatives', (s: Spec) => {
      s.authorizers.legacy = { type: 'custom', binding: 'legacy', header: 'X-Legacy' };
      s.routes[1].auth = ['jwt', 'legacy'];
    }, /^post-items auth\.alternatives: custom authorizer "legacy" is listed among alternatives, .*give the route the custom authorizer alone/],
    ['cache TTL above 3600 s', (s: Spec) => (s.routes[0].cache = { ttlSeconds: 7200 }), /^get-items-id route\.cache: TTL 7200 s is above API Gateway's 3600 s maximum/],
    ['timeouts above 29 s', (s: Spec) => (s.routes[0].timeoutMs = 60000), /^get-items-id backend\.timeout: timeout 60000 ms is outside/],
    ['mixed path segments', (s: Spec) => s.routes.push({ method: 'GET', path: '/t/{id}.json', backend: 'api', auth: 'none' }), /^get-t-id-json path\.mixedSegment/],
    ['a custom authorizer beside a JWT one', (s: Spec) => {
      s.authorizers.legacy = { type: 'custom', binding: 'legacy' };
      s.routes[0].auth = [['jwt', 'legacy']];
    }, /^get-items-id auth\.custom: a method takes one Lambda authorizer/],
    ['key values outside Secrets Manager', (s: Spec) => (s.consumers.acme.apiKey = { secretRef: 'env:ACME' }), /consumer acme: AWS reads API key values only from Secrets Manager/],
    ['reserved stage variables', (s: Spec) => (s.stages = { prod: { variables: { anygate_x: '1' } } }), /variable anygate_x uses the prefix anygate_/],
  ])('%s', (_, mutate, expected) => {
    const s = baseSpec();
    mutate(s);
    expect(problemsOf(s).some((p) => expected.test(p))).toBe(true);
  });

  it('more than 10 authorizers', () => {
    const s = baseSpec();
    for (let i = 0; i < 11; i++) {
      s.authorizers[`j${i}`] = { type: 'jwt', issuer: `https://id${i}.example.com/`, audiences: ['a'] };
      s.routes.push({ method: 'GET', path: `/j${i}`, backend: 'api', auth: [`j${i}`] });
    }
    expect(problemsOf(s).join('\n')).toMatch(/gateway auth: the routes need 12 API Gateway authorizers .* over the default quota of 10/);
  });
});

describe('compileAws: determinism', () => {
  it('is byte-identical across runs and input orders', () => {
    const s = baseSpec();
    s.cors = { allowOrigins: ['https://app.example.com'] };
    const ref = JSON.stringify(compile(s));
    expect(JSON.stringify(compile(s))).toBe(ref);
    for (let seed = 1; seed < 6; seed++) expect(JSON.stringify(compile(shuffleKeys({ ...s, routes: shuffled(s.routes, seed) }, seed)))).toBe(ref);
  });
});
