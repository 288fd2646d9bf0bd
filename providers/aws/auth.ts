/**
 * Route auth on API Gateway: native API keys where AWS can check them (header x-api-key), the
 * generated REQUEST authorizer for JWTs and other API key locations, and user-supplied Lambda
 * authorizers for `custom`. One generated function serves every generated authorizer definition.
 */
import { MODEL_DEFAULTS } from '../../lib/model/defaults';
import { uniqueByJson, type SynthesisProblem } from '../../lib/model/errors';
import type { ApiKeyAuthorizerSpec, GatewaySpec, JwtAuthorizerSpec, RouteSpec } from '../../lib/model/types';
import { AWS_LIMITS } from '../../lib/capabilities/limits';
import { AUTHORIZER_DEFAULTS, type AuthorizerConfig, type AuthorizerRoute } from '../../lib/runtime/config';
import { AUTHORIZER_STAGE_VARIABLE, functionStageVariable, lambdaUri } from './plan';
import { arnPatternCovers, buildResources, overlappingPairs, type AwsResource } from './resources';

export const API_KEY_SCHEME = 'api_key';

/**
 * API Gateway's decision cache for the generated JWT authorizer when the spec sets no
 * `resultTtlSeconds`, in seconds: the model's default (lib/model/schema.ts), named here. API Gateway caches the authorizer's policy for this long, keyed
 * by the identity source (the token), so a token that expires meanwhile keeps working until the
 * cached decision lapses: the window is this TTL plus the clock skew. 60 s keeps that window as
 * short as the default skew while the cache still saves one invocation per token per minute.
 * `resultTtlSeconds: 0` turns the cache off (the authorizer runs on every request; it then keeps
 * verified tokens itself, re-checking exp on every hit).
 * See "Configure a Lambda authorizer" (authorizerResultTtlInSeconds) in the API Gateway guide.
 */
export const JWT_RESULT_TTL_DEFAULT_SECONDS: number = MODEL_DEFAULTS.resultTtlSeconds;

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

/** The decision-cache TTL of a JWT authorizer on AWS (normalization filled in the default). */
export function jwtResultTtl(a: JwtAuthorizerSpec): number {
  return a.resultTtlSeconds;
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
      // API keys alone have no token to expire (API Gateway checks the key itself on each call).
      const ttl = Math.min(...jwts.map((n) => jwtResultTtl(authorizers[n] as JwtAuthorizerSpec)), AWS_LIMITS.authorizerResultTtlSeconds.max);
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
      const def = (securitySchemes[scheme] as { 'x-amazon-apigateway-authorizer': { authorizerResultTtlInSeconds: number } })['x-amazon-apigateway-authorizer'];
      if (!exact && def.authorizerResultTtlInSeconds > 0) {
        warnings.push(`authorizer ${scheme}: routes with different scopes have overlapping ARN patterns, so a cached policy could over-allow; its result cache is off (TTL 0)`);
        def.authorizerResultTtlInSeconds = 0;
      }
      schemes[scheme] = { exact, resultTtlSeconds: def.authorizerResultTtlInSeconds };
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
      jwksStaleIfErrorSeconds: AUTHORIZER_DEFAULTS.jwksStaleIfErrorSeconds,
      // Keep verified tokens only where API Gateway's decision cache is off for some scheme.
      tokenCacheSize: Object.values(schemes).some((x) => x.resultTtlSeconds === 0) ? AUTHORIZER_DEFAULTS.tokenCacheSize : 0,
      fetchTimeoutMs: AUTHORIZER_DEFAULTS.fetchTimeoutMs,
      maxJwksBytes: AUTHORIZER_DEFAULTS.maxJwksBytes,
    };
  }
  return { securitySchemes, routes: routesOut, apiKeySource, config, customBindings, warnings };
}

/** How soon API Gateway stops accepting a token after it expires, for one JWT authorizer. */
export interface TokenExpiryWindow {
  readonly authorizer: string;
  /** The longest decision-cache TTL among the API Gateway authorizers that verify it. */
  readonly cacheSeconds: number;
  readonly clockSkewSeconds: number;
  /** Token expiry enforced within this many seconds: cache TTL + clock skew. */
  readonly seconds: number;
}

/**
 * Per JWT authorizer that routes use, the window in which an expired token may still be accepted
 * on AWS (for the portability report: "token expiry enforced within N s"). Pure: it compiles the
 * auth section the way compileAws does, including the TTL 0 forced on inexact route tables.
 */
export function awsTokenExpiryWindows(spec: GatewaySpec): TokenExpiryWindow[] {
  const problems: SynthesisProblem[] = [];
  const auth = compileAwsAuth(spec, buildResources(spec, 'aws', problems), new Set(), 'aws', problems);
  const cache = new Map<string, number>();
  for (const r of auth.config?.routes ?? []) {
    const ttl = auth.config!.schemes[r.scheme].resultTtlSeconds;
    for (const n of r.jwt) cache.set(n, Math.max(cache.get(n) ?? 0, ttl));
  }
  return [...cache.keys()].sort().map((n) => {
    const skew = (spec.authorizers[n] as JwtAuthorizerSpec).clockSkewSeconds;
    return { authorizer: n, cacheSeconds: cache.get(n)!, clockSkewSeconds: skew, seconds: cache.get(n)! + skew };
  });
}
