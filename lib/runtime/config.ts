/**
 * Configuration baked into the generated Lambda handlers at synth, as config.json beside the
 * bundled code. Plain data, no secrets: the compilers produce it, the handlers read it.
 */

/** One JWT authorizer as the runtime verifies it. */
export interface JwtVerifierConfig {
  readonly issuer: string;
  readonly audiences: string[];
  /** JWKS endpoint; when absent, discovered from `${issuer}/.well-known/openid-configuration`. */
  readonly jwksUri?: string;
  /** Allowed algorithms (never HMAC or none). */
  readonly algorithms: string[];
  readonly requiredClaims: Record<string, string>;
  /** The only claim scopes are read from (a space-separated string or an array). */
  readonly scopeClaim: string;
  /** Lower-case header the bearer token is read from. */
  readonly header: string;
  readonly clockSkewSeconds: number;
  readonly typ?: string;
  /** Largest token accepted, in bytes. */
  readonly maxTokenBytes: number;
  /**
   * Accept a token without exp. Never emitted by a compiler: `anygate dev --profile kubernetes`
   * sets it to reproduce Envoy's jwt_authn (the record's difference says so). @default false
   */
  readonly expOptional?: boolean;
  /** A second claim scopes are read from when scopeClaim is absent (dev's kubernetes profile: `scp`, as Envoy Gateway reads). @default - none */
  readonly scopeFallbackClaim?: string;
}

/** Where an API key is read from. */
export interface ApiKeySource {
  readonly in: 'header' | 'query';
  /** Header names are lower-case; query names are as written. */
  readonly name: string;
  /**
   * Lower-case auth scheme the key follows in its header (`Authorization: Bearer <key>`): the key
   * is what follows the scheme and one space; a value without it is no key.
   * @default - the whole value is the key
   */
  readonly scheme?: string;
}

/** What a route requires of a caller; routes requiring the same share one (AuthorizerRouteGroup). */
export interface AuthorizerRequirement {
  /** Security scheme (one generated authorizer definition) guarding the route. */
  readonly scheme: string;
  /**
   * JWT authorizers that must all verify. With `alternatives`: every JWT authorizer of the
   * route, each verified when the request presents its token.
   */
  readonly jwt: string[];
  /**
   * API key authorizers whose key is returned as usageIdentifierKey. With `alternatives`: every
   * API key authorizer of the route, each required to be present only when presented.
   */
  readonly apiKeys: string[];
  /** Scopes the token must carry (every token checked, on its own). */
  readonly scopes: string[];
  /**
   * Set when the route accepts any one of several alternatives (`auth: [a, [b, c]]`): each inner
   * list is one alternative, all of whose credentials a request must present. The decision is
   * lib/runtime/alternatives.ts: every presented credential is checked, one failure refuses.
   * @default - one alternative: `jwt` and `apiKeys` together
   */
  readonly alternatives?: string[][];
  /**
   * Optional authentication (always with `alternatives`): a request that carries none of the
   * route's credential places is let in anonymously (no key, no principal); one that carries any
   * is decided as without this flag.
   * @default false
   */
  readonly optional?: boolean;
}

/**
 * One route as the compiler lists it. config.json holds routes packed by requirement
 * (lib/runtime/route-groups.ts); the ARN pattern of a route is derived from method and resource
 * (lib/runtime/authorizer/policy.ts routeArn).
 */
export interface AuthorizerRoute extends AuthorizerRequirement {
  /** HTTP method, or ANY. */
  readonly method: string;
  /** API Gateway resource path, e.g. `/v1/pets/{petId}`. */
  readonly resource: string;
}

/**
 * Routes sharing one requirement. config.json lists each requirement once with its routes as
 * `METHOD /resource` strings: at 2,000 routes a sixth of the bytes of an object per route, and
 * parsed at cold start in a small fraction of the time.
 */
export interface AuthorizerRouteGroup extends AuthorizerRequirement {
  /** `METHOD /resource` of each route, e.g. `GET /v1/pets/{petId}` (method ANY for any method). */
  readonly routes: string[];
}

/** A security scheme: one API Gateway authorizer definition sharing the generated function. */
export interface AuthorizerScheme {
  /**
   * True when the ARN patterns of the scheme's routes never match another route's requests
   * with different requirements: the policy may then list every route the token may call, and
   * API Gateway may cache it. Otherwise the policy covers only the current route (and the
   * compiler turns the cache off).
   */
  readonly exact: boolean;
  /**
   * API Gateway's decision cache TTL for the scheme (0: off). When on (and exact), the policy
   * lists every method the token may call; when off, only the current method.
   */
  readonly resultTtlSeconds: number;
}

export interface AuthorizerConfig {
  readonly version: 1;
  readonly jwt: Record<string, JwtVerifierConfig>;
  readonly apiKeys: Record<string, ApiKeySource>;
  readonly schemes: Record<string, AuthorizerScheme>;
  /** Routes by requirement (lib/runtime/route-groups.ts packRoutes); a route appears once. */
  readonly routeGroups: AuthorizerRouteGroup[];
  /** Claims copied into the authorizer context (flat strings) for transforms and backends. */
  readonly contextClaims: string[];
  /** JWKS cache lifetime, in seconds. */
  readonly jwksCacheSeconds: number;
  /** Least time between two JWKS fetch attempts (unknown kid, or after a failure), in seconds. */
  readonly jwksRefetchCooldownSeconds: number;
  /** How long past `jwksCacheSeconds` the last good keys stay in use while fetches fail, in seconds. */
  readonly jwksStaleIfErrorSeconds: number;
  /**
   * Verified tokens kept per JWT authorizer (0: none), for schemes API Gateway does not cache.
   * Keyed by the exact token; every hit re-checks exp/nbf/iat; lapses with the key set.
   */
  readonly tokenCacheSize: number;
  /** JWKS and discovery fetch timeout, in milliseconds. */
  readonly fetchTimeoutMs: number;
  /** Largest JWKS or discovery response accepted, in bytes. */
  readonly maxJwksBytes: number;
  /**
   * True when a route lets a request in by an alternative without an API key while its method
   * requires one: the authorizer then returns the anygate-internal API key as usageIdentifierKey
   * for such requests, reading its value at cold start from the Secrets Manager secret whose ARN
   * is in the environment variable INTERNAL_KEY_SECRET_ENV; it refuses a caller presenting that
   * value as its own key.
   * @default false
   */
  readonly internalKey?: boolean;
}

/** Environment variable of the generated authorizer holding the internal key's secret ARN. */
export const INTERNAL_KEY_SECRET_ENV = 'ANYGATE_INTERNAL_KEY_SECRET';

/** Defaults of the authorizer runtime. */
export const AUTHORIZER_DEFAULTS = {
  maxTokenBytes: 8 * 1024,
  jwksCacheSeconds: 600,
  jwksRefetchCooldownSeconds: 30,
  jwksStaleIfErrorSeconds: 3600,
  tokenCacheSize: 1000,
  fetchTimeoutMs: 1500,
  maxJwksBytes: 150 * 1024,
} as const;

/** Where the transform handler sends a request. */
export type TransformTarget =
  | { readonly type: 'http'; readonly url: string; readonly stageVariable?: string }
  | { readonly type: 'function'; readonly stageVariable: string };

/** One route's transforms, applied by the generated transform handler. */
export interface TransformRoute {
  readonly method: string;
  readonly resource: string;
  readonly target: TransformTarget;
  /** Route parameter name -> the name API Gateway passes in pathParameters. */
  readonly rename: Record<string, string>;
  /** Backend path template over the route's path parameters, e.g. `/api/pets/{petId}`. */
  readonly backendPath: string;
  readonly timeoutMs: number;
  readonly request: {
    readonly setHeaders: Record<string, string>;
    readonly removeHeaders: string[];
    readonly setQuery: Record<string, string>;
    readonly removeQuery: string[];
    /** JSON body template; string leaves may hold placeholders. */
    readonly body?: unknown;
  };
  readonly response: {
    readonly setHeaders: Record<string, string>;
    readonly removeHeaders: string[];
    readonly redact: string[];
  };
  /** CORS headers added to every response of the route (proxy integrations cannot add them). */
  readonly cors?: {
    readonly allowOrigins: string[];
    readonly allowCredentials: boolean;
    readonly exposeHeaders: string[];
  };
}

export interface TransformConfig {
  readonly version: 1;
  readonly routes: TransformRoute[];
}
