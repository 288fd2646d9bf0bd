/**
 * Route auth on API Gateway: native API keys where AWS can check them (header x-api-key), the
 * generated REQUEST authorizer for JWTs and other API key locations, and user-supplied Lambda
 * authorizers for `custom`. One generated function serves every generated authorizer definition.
 */
import { MODEL_DEFAULTS } from '../../lib/model/defaults';
import { uniqueByJson } from '../../lib/model/errors';
import type { ApiKeyAuthorizerSpec, GatewaySpec, JwtAuthorizerSpec, RouteSpec } from '../../lib/model/types';
import { AWS_LIMITS } from '../../lib/capabilities/limits';
import { ALTERNATIVES_SCHEME, awsApiKeySource, decidedByAlternatives, lambdaSchemeOf } from '../../lib/capabilities/targets/aws-auth';
import { alternativeAuthorizers } from '../../lib/model/credentials';
import { AUTHORIZER_DEFAULTS, type AuthorizerConfig, type AuthorizerRoute } from '../../lib/runtime/config';
import { packRoutes } from '../../lib/runtime/route-groups';
import { AUTHORIZER_STAGE_VARIABLE, functionStageVariable, lambdaUri } from './plan';
import { arnPatternCovers, buildResources, overlappingPairs, type AwsResource } from './resources';
import { targetWarning } from '../../lib/capabilities/warnings';

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

/**
 * Identity sources that key API Gateway's decision cache by route: the method the request uses and
 * the resource template it matched (REQUEST authorizers accept context variables as identity sources).
 */
export const ROUTE_IDENTITY_SOURCES = 'context.httpMethod, context.resourcePath';

type AuthRoute = { route: RouteSpec; entry: AuthorizerRoute };
type RouteAuth = { security?: Record<string, string[]>[]; identityParams: { in: 'header' | 'query'; name: string }[] };

/** What the per-route compilers share: the spec, and the outputs they add to. */
interface RouteCtx {
  readonly spec: GatewaySpec;
  readonly resources: Map<string, AwsResource>;
  readonly securitySchemes: Record<string, unknown>;
  readonly authRoutes: AuthRoute[];
  readonly customBindings: Map<string, string[]>;
  /** apiKeySource is AUTHORIZER: every API key goes through the generated authorizer. */
  readonly generatedKeys: boolean;
}

/**
 * The one API Gateway authorizer definition of every route with alternatives (a name no
 * authorizer can have: safe names hold no underscore). Its decision cache is off and it has no
 * identity source, for two reasons (API Gateway reference, CreateAuthorizer identitySource,
 * https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html): with caching on,
 * API Gateway answers 401 without calling the function when ANY identity source is missing or
 * empty (an alternative's caller never sends the others' credentials), and its cache key would be
 * every credential together; "when the authorization caching is not enabled, this property is
 * optional", and the function gets the whole request. The function keeps verified tokens itself
 * (tokenCacheSize).
 */
export { ALTERNATIVES_SCHEME };

/**
 * True when the route's method requires an API key (some alternative holds one) but an
 * alternative without a key, or no credential at all (optional authentication), can let a
 * request in: the internal key stands in for that request.
 */
export function needsInternalKey(e: AuthorizerRoute, authorizers: GatewaySpec['authorizers']): boolean {
  return Boolean(e.alternatives && e.apiKeys.length && (e.optional || e.alternatives.some((alt) => alt.every((n) => authorizers[n].type !== 'apiKey'))));
}

/** A route with one alternative (`auth: [a]` or `auth: [[a, b]]`): one authorizer definition per combination. */
function singleRoute(route: RouteSpec, ctx: RouteCtx): RouteAuth | undefined {
  const { spec, securitySchemes } = ctx;
  const authorizers = spec.authorizers;
  const names = [...(route.auth as string[][])[0]].sort();
  const jwts = names.filter((n) => authorizers[n].type === 'jwt');
  const keys = names.filter((n) => authorizers[n].type === 'apiKey');
  const customs = names.filter((n) => authorizers[n].type === 'custom');
  const generatedKeys = ctx.generatedKeys ? keys : [];
  const requirement: Record<string, string[]> = {};
  const identityParams: { in: 'header' | 'query'; name: string }[] = [];
  if (keys.length) {
    securitySchemes[API_KEY_SCHEME] = { type: 'apiKey', name: 'x-api-key', in: 'header' };
    requirement[API_KEY_SCHEME] = [];
  }
  if (customs.length) {
    // Refused before compilation by the auth.custom record (customSharesMethod).
    if (customs.length > 1 || jwts.length || generatedKeys.length) return undefined;
    const a = authorizers[customs[0]];
    if (a.type !== 'custom') return undefined;
    const scheme = lambdaSchemeOf(spec, route, ctx.generatedKeys ? 'AUTHORIZER' : 'HEADER')!;
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
    ctx.customBindings.set(a.binding, [...(ctx.customBindings.get(a.binding) ?? []), `authorizer ${customs[0]}`]);
    requirement[scheme] = [];
    identityParams.push({ in: 'header', name: a.header });
  } else if (jwts.length || generatedKeys.length) {
    const scheme = lambdaSchemeOf(spec, route, ctx.generatedKeys ? 'AUTHORIZER' : 'HEADER')!;
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
    const res = ctx.resources.get(route.id)!;
    ctx.authRoutes.push({ route, entry: { method: route.method, resource: res.path, scheme, jwt: jwts, apiKeys: generatedKeys, scopes: route.scopes } });
  }
  return { security: [requirement], identityParams: uniqueByJson(identityParams) };
}

/**
 * A route with alternatives (`auth: [a, [b, c]]`) or optional authentication (`{ anyOf, optional:
 * true }`: the function must run when no credential is sent): the generated authorizer under
 * ALTERNATIVES_SCHEME decides (lib/runtime/alternatives.ts). When an alternative holds an API key
 * the method requires one (apiKeySource is then AUTHORIZER), so API Gateway validates the key the
 * authorizer returns (403 for an unknown one) and meters its usage plan.
 */
function alternativesRoute(route: RouteSpec, ctx: RouteCtx): RouteAuth | undefined {
  const { spec, securitySchemes } = ctx;
  const alternatives = route.auth as string[][];
  const names = alternativeAuthorizers(alternatives);
  const custom = names.find((n) => spec.authorizers[n].type === 'custom');
  // Refused before compilation by the auth.alternatives record (customInAlternatives).
  if (custom) return undefined;
  const jwts = names.filter((n) => spec.authorizers[n].type === 'jwt').sort();
  const keys = names.filter((n) => spec.authorizers[n].type === 'apiKey').sort();
  const requirement: Record<string, string[]> = { [ALTERNATIVES_SCHEME]: [] };
  if (keys.length) {
    securitySchemes[API_KEY_SCHEME] = { type: 'apiKey', name: 'x-api-key', in: 'header' };
    requirement[API_KEY_SCHEME] = [];
  }
  securitySchemes[ALTERNATIVES_SCHEME] = {
    type: 'apiKey',
    name: 'Authorization',
    in: 'header',
    description: 'anygate: any one of several credentials, decided by the generated authorizer',
    'x-amazon-apigateway-authtype': 'custom',
    // The identity source is the stage variable every stage sets (the authorizer's own name), so
    // API Gateway never skips the Lambda for a missing header, and no importer can derive one
    // from the scheme's `name`; with TTL 0 it keys no cache. Stage variables are valid REQUEST
    // identity sources (API Gateway guide, "Configure a Lambda authorizer", identity sources).
    'x-amazon-apigateway-authorizer': { type: 'request', identitySource: `stageVariables.${AUTHORIZER_STAGE_VARIABLE}`, authorizerUri: lambdaUri(AUTHORIZER_STAGE_VARIABLE), authorizerResultTtlInSeconds: 0 },
  };
  const res = ctx.resources.get(route.id)!;
  const entry: AuthorizerRoute = { method: route.method, resource: res.path, scheme: ALTERNATIVES_SCHEME, jwt: jwts, apiKeys: keys, scopes: route.scopes, alternatives: alternatives.map((a) => [...a]), ...(route.authOptional ? { optional: true } : {}) };
  ctx.authRoutes.push({ route, entry });
  // Declared for documentation only: no identity source reads them.
  const identityParams = [...jwts, ...keys].map((n) => identityOf(spec.authorizers[n] as JwtAuthorizerSpec | ApiKeyAuthorizerSpec));
  return { security: [requirement], identityParams: uniqueByJson(identityParams) };
}

export function compileAwsAuth(
  spec: GatewaySpec,
  resources: Map<string, AwsResource>,
  contextClaims: Set<string>,
): AwsAuth {
  const apiKeySource = awsApiKeySource(spec);
  const securitySchemes: Record<string, unknown> = {};
  const routesOut: AwsAuth['routes'] = new Map();
  const customBindings = new Map<string, string[]>();
  const authRoutes: AuthRoute[] = [];
  const warnings: string[] = [];

  const ctx: RouteCtx = { spec, resources, securitySchemes, authRoutes, customBindings, generatedKeys: apiKeySource === 'AUTHORIZER' };
  for (const route of spec.routes) {
    if (route.auth === 'none') {
      routesOut.set(route.id, { identityParams: [] });
      continue;
    }
    const out = decidedByAlternatives(route) ? alternativesRoute(route, ctx) : singleRoute(route, ctx);
    if (out) routesOut.set(route.id, out);
  }

  // The authorizer quota is the auth record's (lib/capabilities/targets/aws-auth.ts authorizerQuotaMessage).
  const config = authRoutes.length ? authorizerConfig(spec, authRoutes, securitySchemes, resources, contextClaims, warnings) : undefined;
  return { securitySchemes, routes: routesOut, apiKeySource, config, customBindings, warnings };
}

/** The generated authorizer's configuration: schemes (decision cache, exactness), JWT and key sources, routes. */
function authorizerConfig(spec: GatewaySpec, authRoutes: AuthRoute[], securitySchemes: Record<string, unknown>, resources: Map<string, AwsResource>, contextClaims: Set<string>, warnings: string[]): AuthorizerConfig {
  const authorizers = spec.authorizers;
  const schemes: AuthorizerConfig['schemes'] = {};
  for (const scheme of new Set(authRoutes.map((r) => r.entry.scheme))) {
    const members = authRoutes.filter((r) => r.entry.scheme === scheme);
    const key = (e: AuthorizerRoute) => JSON.stringify([e.jwt, e.apiKeys, e.scopes, e.alternatives ?? null]);
    const exact = !overlappingPairs(members.map((m) => resources.get(m.route.id)!)).some(
      ([i, j]) => key(members[i].entry) !== key(members[j].entry) && (arnPatternCovers(resources.get(members[i].route.id)!, { method: members[j].route.method, resource: resources.get(members[j].route.id)! }) || arnPatternCovers(resources.get(members[j].route.id)!, { method: members[i].route.method, resource: resources.get(members[i].route.id)! })),
    );
    const def = (securitySchemes[scheme] as { 'x-amazon-apigateway-authorizer': { authorizerResultTtlInSeconds: number; identitySource?: string } })['x-amazon-apigateway-authorizer'];
    if (!exact && def.authorizerResultTtlInSeconds > 0) {
      warnings.push(targetWarning('aws-authorizer-cache-off', `authorizer ${scheme}: routes with different scopes have overlapping ARN patterns, so a cached policy could over-allow; its result cache is off (TTL 0)`));
      def.authorizerResultTtlInSeconds = 0;
    }
    // A cached decision is keyed by the route too, so the policy names that route alone
    // (lib/runtime/authorizer/policy.ts) and does not grow with the routes a token may call.
    if (def.authorizerResultTtlInSeconds > 0 && def.identitySource) def.identitySource += `, ${ROUTE_IDENTITY_SOURCES}`;
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
      apiKeys[n] = { in: a.in, name: a.in === 'header' ? a.name.toLowerCase() : a.name, ...(a.scheme !== undefined ? { scheme: a.scheme.toLowerCase() } : {}) };
    }
  }
  return {
    version: 1,
    jwt,
    apiKeys,
    schemes,
    routeGroups: packRoutes(authRoutes.map((r) => r.entry)),
    contextClaims: [...contextClaims].sort(),
    jwksCacheSeconds: AUTHORIZER_DEFAULTS.jwksCacheSeconds,
    jwksRefetchCooldownSeconds: AUTHORIZER_DEFAULTS.jwksRefetchCooldownSeconds,
    jwksStaleIfErrorSeconds: AUTHORIZER_DEFAULTS.jwksStaleIfErrorSeconds,
    // Keep verified tokens only where API Gateway's decision cache is off for some scheme.
    tokenCacheSize: Object.values(schemes).some((x) => x.resultTtlSeconds === 0) ? AUTHORIZER_DEFAULTS.tokenCacheSize : 0,
    fetchTimeoutMs: AUTHORIZER_DEFAULTS.fetchTimeoutMs,
    maxJwksBytes: AUTHORIZER_DEFAULTS.maxJwksBytes,
    ...(authRoutes.some((r) => needsInternalKey(r.entry, authorizers)) ? { internalKey: true } : {}),
  };
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
  const auth = compileAwsAuth(spec, buildResources(spec), new Set());
  const cache = new Map<string, number>();
  for (const r of auth.config?.routeGroups ?? []) {
    const ttl = auth.config!.schemes[r.scheme].resultTtlSeconds;
    for (const n of r.jwt) cache.set(n, Math.max(cache.get(n) ?? 0, ttl));
  }
  return [...cache.keys()].sort().map((n) => {
    const skew = (spec.authorizers[n] as JwtAuthorizerSpec).clockSkewSeconds;
    return { authorizer: n, cacheSeconds: cache.get(n)!, clockSkewSeconds: skew, seconds: cache.get(n)! + skew };
  });
}
