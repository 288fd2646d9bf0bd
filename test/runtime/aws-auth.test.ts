/** providers/aws/auth.ts as the generated authorizer sees it: decision-cache TTLs, expiry windows, compiled configs run end to end. */
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec, JwtAuthorizerSpec } from '../../lib/model/types';
import { createAuthorizer, type AuthorizerEvent, type HttpGet } from '../../lib/runtime/authorizer/handler';
import { awsTokenExpiryWindows, JWT_RESULT_TTL_DEFAULT_SECONDS } from '../../providers/aws/auth';
import { compileAws } from '../../providers/aws/compile';
import { baseSpec } from '../helpers';
import { makeKey, signJwt } from './jwt-kit';

const authorizerDef = (plan: ReturnType<typeof compileAws>, scheme: string) => (plan.body.components as any).securitySchemes[scheme]['x-amazon-apigateway-authorizer'];

function withTtl(ttl: number | undefined): GatewaySpec {
  const s = baseSpec();
  s.authorizers.jwt.jwksUri = 'https://id.example.com/jwks';
  if (ttl !== undefined) s.authorizers.jwt.resultTtlSeconds = ttl;
  const spec = toGatewaySpec(s);
  return spec;
}

describe('AWS authorizer decision cache vs token expiry', () => {
  it(`defaults to ${JWT_RESULT_TTL_DEFAULT_SECONDS} s when the spec sets no TTL, and reports the window`, () => {
    const spec = withTtl(undefined);
    const plan = compileAws(spec);
    expect(authorizerDef(plan, 'anygate-jwt').authorizerResultTtlInSeconds).toBe(60);
    expect(plan.authorizer?.config.schemes['anygate-jwt']).toEqual({ exact: true, resultTtlSeconds: 60 });
    expect(plan.authorizer?.config.tokenCacheSize).toBe(0);
    expect(awsTokenExpiryWindows(spec)).toEqual([{ authorizer: 'jwt', cacheSeconds: 60, clockSkewSeconds: 60, seconds: 120 }]);
  });

  it('keeps an explicit TTL', () => {
    const spec = withTtl(300);
    expect(authorizerDef(compileAws(spec), 'anygate-jwt').authorizerResultTtlInSeconds).toBe(300);
    expect(awsTokenExpiryWindows(spec)[0].seconds).toBe(360);
  });

  it('resultTtlSeconds: 0 turns the cache off: TTL 0, per-method policies, verified-token cache on', () => {
    const spec = withTtl(0);
    const plan = compileAws(spec);
    expect(authorizerDef(plan, 'anygate-jwt').authorizerResultTtlInSeconds).toBe(0);
    expect(plan.authorizer?.config.schemes['anygate-jwt']).toEqual({ exact: true, resultTtlSeconds: 0 });
    expect(plan.authorizer?.config.tokenCacheSize).toBe(1000);
    expect(awsTokenExpiryWindows(spec)).toEqual([{ authorizer: 'jwt', cacheSeconds: 0, clockSkewSeconds: 60, seconds: 60 }]);
  });

  it('reports the TTL 0 forced on overlapping ARN patterns', () => {
    const s = baseSpec();
    s.authorizers.jwt.resultTtlSeconds = 600;
    s.routes.push({ method: 'GET', path: '/items/{id}/secret', backend: 'api', auth: ['jwt'], scopes: ['admin'] });
    const spec = toGatewaySpec(s);
    expect(compileAws(spec).authorizer?.config.schemes['anygate-jwt']).toEqual({ exact: false, resultTtlSeconds: 0 });
    expect(awsTokenExpiryWindows(spec)[0].cacheSeconds).toBe(0);
  });

  it('passes scopeClaim through as the only scope claim', () => {
    const s = baseSpec();
    s.authorizers.jwt.scopeClaim = 'scp';
    expect(compileAws(toGatewaySpec(s)).authorizer?.config.jwt.jwt.scopeClaim).toBe('scp');
  });
});

describe('compiled configuration, run by the generated authorizer', () => {
  const user = makeKey('RS256', 'user-key');
  const device = makeKey('ES256', 'device-key');
  const get: HttpGet = async (url) => Buffer.from(JSON.stringify({ keys: url.includes('device') ? [device.jwk] : [user.jwk] }));
  const now = () => 1_800_000_000_000;
  const exp = 1_800_000_000 + 300;

  it('checks each token of a two-JWT route against the route scopes on its own', async () => {
    const s = baseSpec();
    s.authorizers = {
      user: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'], jwksUri: 'https://id.example.com/jwks' },
      device: { type: 'jwt', issuer: 'https://device.example.com/', audiences: ['shop'], jwksUri: 'https://device.example.com/jwks', header: 'X-Device', algorithms: ['ES256'] },
    };
    delete s.consumers;
    delete s.plans;
    s.routes = [
      { method: 'GET', path: '/items', backend: 'api', auth: [['user', 'device']], scopes: ['items:read'] },
      { method: 'DELETE', path: '/items', backend: 'api', auth: [['user', 'device']], scopes: ['items:delete'] },
    ];
    const cfg = compileAws(toGatewaySpec(s)).authorizer!.config;
    const auth = createAuthorizer(cfg, now, get);
    const call = (userScope: string, deviceScope: string, method = 'GET'): Promise<any> =>
      auth({
        methodArn: `arn:aws:execute-api:r:1:api/prod/${method}/items`,
        resource: '/items',
        httpMethod: method,
        headers: {
          Authorization: `Bearer ${signJwt(user, { iss: 'https://id.example.com/', aud: 'shop', sub: 'u', exp, scope: userScope })}`,
          'X-Device': `Bearer ${signJwt(device, { iss: 'https://device.example.com/', aud: 'shop', sub: 'd', exp, scope: deviceScope })}`,
        },
      } as AuthorizerEvent);
    // Union of the two would allow DELETE; each token on its own does not.
    const r = await call('items:read items:delete', 'items:read', 'DELETE');
    expect(r.policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny', Resource: ['arn:aws:execute-api:r:1:api/prod/DELETE/items'] });
    const both = await call('items:read items:delete', 'items:delete items:read', 'DELETE');
    // The decision cache is keyed by route, so the policy names this route alone.
    expect(both.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: ['arn:aws:execute-api:r:1:api/prod/DELETE/items'] });
    const def = (compileAws(toGatewaySpec(s)).body.components as any).securitySchemes['anygate-device-user']['x-amazon-apigateway-authorizer'];
    expect(def.identitySource).toBe('method.request.header.Authorization, method.request.header.X-Device, context.httpMethod, context.resourcePath');
    expect((toGatewaySpec(s).authorizers.device as JwtAuthorizerSpec).header).toBe('X-Device');
  });
});
