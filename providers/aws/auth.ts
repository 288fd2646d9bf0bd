/**
 * Route auth on API Gateway: native API keys where AWS can check them (header x-api-key), the
 * generated REQUEST authorizer for JWTs and other API key locations, and user-supplied Lambda
 * authorizers for `custom`. One generated function serves every generated authorizer definition.
 */
import { uniqueByJson, type SynthesisProblem } from '../../lib/model/errors';
import type { ApiKeyAuthorizerSpec, GatewaySpec, JwtAuthorizerSpec, RouteSpec } from '../../lib/model/types';
import { AWS_LIMITS } from '../../lib/capabilities/limits';
import { AUTHORIZER_DEFAULTS, type AuthorizerConfig, type AuthorizerRoute } from '../../lib/runtime/config';
import { AUTHORIZER_STAGE_VARIABLE, functionStageVariable, lambdaUri } from './plan';
import { arnPatternCovers, overlappingPairs, type AwsResource } from './resources';

export const API_KEY_SCHEME = 'api_key';

export interface AwsAuth {
  readonly securitySchemes: Record<string, unknown>;
  /** Per route: the OpenAPI security requirement, and parameters its identity sources need declared. */
  readonly routes: Map<string, { security?: Record<string, string[]>[]; identityParams: { in: 'header' | 'query'; name: string }[] }>;
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  readonly config?: AuthorizerConfig;
  /** Custom authorizer bindings and the authorizers using them. */
  readonly customBindings: Map<string, string[]>;
  readonly warnings: string[];
}

function isNativeKey(a: ApiKeyAuthorizerSpec): boolean {
  return a.in === 'header' && a.name.toLowerCase() === 'x-api-key';
}

function identityOf(a: JwtAuthorizerSpec | ApiKeyAuthorizerSpec): { in: 'header' | 'query'; name: string } {
  return a.type === 'jwt' ? { in: 'header', name: a.header } : { in: a.in, name: a.name };
}

function identityExpr(i: { in: 'header' | 'query'; name: string }): string {
  return i.in === 'header' ? `method.request.header.${i.name}` : `method.request.querystring.${i.name}`;
}

export function compileAwsAuth(
  spec: GatewaySpec,
  resources: Map<string, AwsResource>,
  contextClaims: Set<string>,
  target: string,
  problems: SynthesisProblem[],
): AwsAuth {
  const authorizers = spec.authorizers;
  const used = new Set(spec.routes.flatMap((r) => (r.auth === 'none' ? [] : r.auth.flat())));
  const usedKeys = [...used].map((n) => authorizers[n]).filter((a): a is ApiKeyAuthorizerSpec => a.type === 'apiKey');
  // The key source is per API: one key elsewhere than x-api-key moves every key to the authorizer.
  const apiKeySource = usedKeys.every(isNativeKey) ? 'HEADER' : 'AUTHORIZER';
  const securitySchemes: Record<string, unknown> = {};
  const routesOut: AwsAuth['routes'] = new Map();
  const customBindings = new Map<string, string[]>();
  const schemeTtl = new Map<string, number>();
  const authRoutes: { route: RouteSpec; entry: AuthorizerRoute }[] = [];
  const warnings: string[] = [];

  for (const route of spec.routes) {
    if (route.auth === 'none') {
      routesOut.set(route.id, { identityParams: [] });
      continue;
    }
    // Alternatives are reported by the portability check; compile the first so output stays whole.
    const names = [...route.auth[0]].sort();
    const jwts = names.filter((n) => authorizers[n].type === 'jwt');
    const keys = names.filter((n) => authorizers[n].type === 'apiKey');
    const customs = names.filter((n) => authorizers[n].type === 'custom');
    const generatedKeys = apiKeySource === 'AUTHORIZER' ? keys : [];
    const requirement: Record<string, string[]> = {};
    const identityParams: { in: 'header' | 'query'; name: string }[] = [];
    if (keys.length) {
      securitySchemes[API_KEY_SCHEME] = { type: 'apiKey', name: 'x-api-key', in: 'header' };
      requirement[API_KEY_SCHEME] = [];
    }
    if (customs.length) {
      if (customs.length > 1 || jwts.length || generatedKeys.length) {
        problems.push({ target, where: route.id, feature: 'auth.custom', message: `a method takes one Lambda authorizer, but [${names.join(', ')}] needs ${customs.length + (jwts.length || generatedKeys.length ? 1 : 0)}; use the custom authorizer alone` });
        continue;
      }
      const a = authorizers[customs[0]];
      if (a.type !== 'custom') continue;
      const scheme = `custom-${customs[0]}`;
      securitySchemes[scheme] = {
        type: 'apiKey',
        name: a.header,
        in: 'header',
        'x-amazon-apigateway-authtype': 'custom',
        'x-amazon-apigateway-authorizer': {
          type: 'request',
          identitySource: `method.request.header.${a.header}`,
          authorizerUri: lambdaUri(functionStageVariable(a.binding)),
          authorizerResultTtlInSeconds: a.resultTtlSeconds,
        },
      };
      customBindings.set(a.binding, [...(customBindings.get(a.binding) ?? []), `authorizer ${customs[0]}`]);
      requirement[scheme] = [];
      identityParams.push({ in: 'header', name: a.header });
    } else if (jwts.length || generatedKeys.length) {
      const scheme = `anygate-${[...jwts, ...generatedKeys].join('-')}`;
      const identities = [...jwts, ...generatedKeys].map((n) => identityOf(authorizers[n] as JwtAuthorizerSpec | ApiKeyAuthorizerSpec));
      const exprs = [...new Set(identities.map(identityExpr))].sort();
      const ttl = Math.min(...jwts.map((n) => (authorizers[n] as JwtAuthorizerSpec).resultTtlSeconds), AWS_LIMITS.authorizerResultTtlSeconds.max);
      schemeTtl.set(scheme, Math.min(schemeTtl.get(scheme) ?? ttl, ttl));
      securitySchemes[scheme] = {
        type: 'apiKey',
        name: identities[0].name,
        in: identities[0].in,
        'x-amazon-apigateway-authtype': 'custom',
        'x-amazon-apigateway-authorizer': {
          type: 'request',
          identitySource: exprs.join(', '),
          authorizerUri: lambdaUri(AUTHORIZER_STAGE_VARIABLE),
          authorizerResultTtlInSeconds: ttl,
        },
      };
      requirement[scheme] = [];
      identityParams.push(...identities);
      const res = resources.get(route.id)!;
      authRoutes.push({ route, entry: { method: route.method, resource: res.path, arn: res.arn, scheme, jwt: jwts, apiKeys: generatedKeys, scopes: route.scopes } });
    }
    routesOut.set(route.id, { security: [requirement], identityParams: uniqueByJson(identityParams) });
  }

  const lambdaSchemes = Object.entries(securitySchemes).filter(([k]) => k !== API_KEY_SCHEME);
  if (lambdaSchemes.length > AWS_LIMITS.authorizersPerApi) {
    problems.push({
      target,
      where: 'gateway',
      feature: 'auth',
      message: `the routes need ${lambdaSchemes.length} API Gateway authorizers (${lambdaSchemes.map(([k]) => k).join(', ')}), over the default quota of ${AWS_LIMITS.authorizersPerApi} per REST API; use fewer distinct authorizer combinations`,
    });
  }

  let config: AuthorizerConfig | undefined;
  if (authRoutes.length) {
    const schemes: AuthorizerConfig['schemes'] = {};
    for (const scheme of new Set(authRoutes.map((r) => r.entry.scheme))) {
      const members = authRoutes.filter((r) => r.entry.scheme === scheme);
      const key = (e: AuthorizerRoute) => JSON.stringify([e.jwt, e.apiKeys, e.scopes]);
      const exact = !overlappingPairs(members.map((m) => resources.get(m.route.id)!)).some(
        ([i, j]) => key(members[i].entry) !== key(members[j].entry) && (arnPatternCovers(resources.get(members[i].route.id)!, { method: members[j].route.method, resource: resources.get(members[j].route.id)! }) || arnPatternCovers(resources.get(members[j].route.id)!, { method: members[i].route.method, resource: resources.get(members[i].route.id)! })),
      );
      schemes[scheme] = { exact };
      if (!exact) {
        const def = (securitySchemes[scheme] as { 'x-amazon-apigateway-authorizer': { authorizerResultTtlInSeconds: number } })['x-amazon-apigateway-authorizer'];
        if (def.authorizerResultTtlInSeconds > 0) {
          warnings.push(`authorizer ${scheme}: routes with different scopes have overlapping ARN patterns, so a cached policy could over-allow; its result cache is off (TTL 0)`);
          def.authorizerResultTtlInSeconds = 0;
        }
      }
    }
    const jwt: AuthorizerConfig['jwt'] = {};
    const apiKeys: AuthorizerConfig['apiKeys'] = {};
    for (const { entry } of authRoutes) {
      for (const n of entry.jwt) {
        const a = authorizers[n] as JwtAuthorizerSpec;
        jwt[n] = {
          issuer: a.issuer,
          audiences: a.audiences,
          ...(a.jwksUri ? { jwksUri: a.jwksUri } : {}),
          algorithms: a.algorithms,
          requiredClaims: a.requiredClaims,
          scopeClaim: a.scopeClaim,
          header: a.header.toLowerCase(),
          clockSkewSeconds: a.clockSkewSeconds,
          ...(a.typ ? { typ: a.typ } : {}),
          maxTokenBytes: AUTHORIZER_DEFAULTS.maxTokenBytes,
        };
      }
      for (const n of entry.apiKeys) {
        const a = authorizers[n] as ApiKeyAuthorizerSpec;
        apiKeys[n] = { in: a.in, name: a.in === 'header' ? a.name.toLowerCase() : a.name };
      }
    }
    config = {
      version: 1,
      jwt,
      apiKeys,
      schemes,
      routes: authRoutes.map((r) => r.entry),
      contextClaims: [...contextClaims].sort(),
      jwksCacheSeconds: AUTHORIZER_DEFAULTS.jwksCacheSeconds,
      jwksRefetchCooldownSeconds: AUTHORIZER_DEFAULTS.jwksRefetchCooldownSeconds,
      fetchTimeoutMs: AUTHORIZER_DEFAULTS.fetchTimeoutMs,
      maxJwksBytes: AUTHORIZER_DEFAULTS.maxJwksBytes,
    };
  }
  return { securitySchemes, routes: routesOut, apiKeySource, config, customBindings, warnings };
}
