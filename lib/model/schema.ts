/**
 * The neutral gateway model as one zod schema: the single source of the TypeScript input types,
 * the structural validator and the published JSON Schema (schema/anygate.schema.json).
 * Cross-reference rules (unknown backend, duplicate route, ...) live in validate.ts.
 *
 * The model never mentions a cloud. Cloud-specific ranges (AWS cache TTL 0-3600 s, ...) live in
 * lib/capabilities; the ranges here are the model's own, wide enough for every target.
 */
import { z } from 'zod';
import { SAFE_NAME_PATTERN, SAFE_NAME_RULE } from './names';

/** A name satisfying the safe-name rule (see names.ts). */
export const Name = z
  .string()
  .regex(SAFE_NAME_PATTERN, { message: `must be a safe name: ${SAFE_NAME_RULE}` })
  .describe(`A safe name: ${SAFE_NAME_RULE}.`);

const NonEmpty = z.string().min(1, { message: 'must not be empty' });
const Url = z.string().url({ message: 'must be an absolute URL such as https://api.example.com' });
const HttpMethod = z
  .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'])
  .describe('HTTP method; ANY matches every method.');

/** A reference to a secret held outside the spec. Key values never appear in a spec. */
export const SecretRef = z
  .strictObject(
    {
    /**
     * Where the secret lives, e.g. `aws-secretsmanager:prod/acme-key`,
     * `azure-keyvault:https://vault.vault.azure.net/secrets/acme`, `gcp-secretmanager:acme-key`
     * or `env:ACME_KEY`.
     */
    secretRef: z
      .string()
      .regex(/^[a-z][a-z0-9-]*:.+$/, { message: 'must look like "<store>:<id>", e.g. "env:ACME_KEY"' }),
    },
    {
      error: (issue) =>
        typeof issue.input === 'string'
          ? 'inline key values are refused: omit apiKey to let the cloud generate the key, or write { secretRef: "<store>:<id>" }'
          : undefined,
    },
  )
  .describe('A reference to a secret stored outside the spec.');

export const RateLimit = z
  .strictObject({
    /** Steady-state requests per second. */
    requestsPerSecond: z.number().positive().max(1_000_000),
    /**
     * Requests allowed in a burst above the steady rate.
     * @default requestsPerSecond (rounded up)
     */
    burst: z.number().int().min(1).max(1_000_000).optional(),
  })
  .describe('A steady request rate with an optional burst.');

export const Quota = z
  .strictObject({
    /** Requests allowed per period. */
    limit: z.number().int().min(1).max(1_000_000_000),
    /** The period the limit renews on. */
    period: z.enum(['day', 'week', 'month']),
  })
  .describe('A request quota that renews every period.');

export const CachePolicy = z
  .strictObject({
    /** How long a response stays cached, in seconds. */
    ttlSeconds: z.number().int().min(0).max(86_400),
    /**
     * Request parts that make up the cache key in addition to method and path.
     * @default - method and path only
     */
    key: z
      .strictObject({
        /** Query parameters that vary the response. @default [] */
        query: z.array(NonEmpty).optional(),
        /** Headers that vary the response. @default [] */
        headers: z.array(NonEmpty).optional(),
      })
      .optional(),
    /**
     * Share one cached response between every caller. On a route with auth, or whose transforms
     * read the caller (`${claim.*}`), the cache key includes the caller's identity (token or API
     * key) unless this is true: only set it when the response cannot depend on who asks.
     * @default false
     */
    shared: z.boolean().optional(),
  })
  .describe('Response caching for a route.');

const HeaderMap = z.record(NonEmpty, z.string());

export const RequestTransform = z.strictObject({
  /** Headers to set on the backend request. Values may use `${...}` placeholders. @default {} */
  setHeaders: HeaderMap.optional(),
  /** Headers to remove from the backend request. @default [] */
  removeHeaders: z.array(NonEmpty).optional(),
  /** Query parameters to set on the backend request. Values may use placeholders. @default {} */
  setQuery: z.record(NonEmpty, z.string()).optional(),
  /** Query parameters to remove from the backend request. @default [] */
  removeQuery: z.array(NonEmpty).optional(),
  /**
   * The backend path, as a template over the route's path parameters (`/internal/pets/{id}`).
   * @default - the route's path
   */
  rewritePath: NonEmpty.optional(),
  /**
   * A JSON body template sent to the backend instead of the client's body. String leaves may use
   * placeholders: `${path.id}`, `${query.q}`, `${header.x-trace}`, `${body.field}`.
   * @default - the client's body, unchanged
   */
  body: z.unknown().optional(),
});

export const ResponseTransform = z.strictObject({
  /** Headers to set on the client response. @default {} */
  setHeaders: HeaderMap.optional(),
  /** Headers to remove from the client response. @default [] */
  removeHeaders: z.array(NonEmpty).optional(),
  /**
   * JSON fields removed from the response body, as dotted paths (`customer.ssn`, `items.*.card`).
   * @default []
   */
  redact: z.array(NonEmpty).optional(),
});

export const Transform = z
  .strictObject({
    /** Changes made to the request before it reaches the backend. */
    request: RequestTransform.optional(),
    /** Changes made to the response before it reaches the client. */
    response: ResponseTransform.optional(),
  })
  .describe('Request and response transforms.');

export const RequestValidation = z
  .strictObject({
    /** Query parameters that must be present. @default [] */
    requiredQuery: z.array(NonEmpty).optional(),
    /** Headers that must be present. @default [] */
    requiredHeaders: z.array(NonEmpty).optional(),
    /**
     * A JSON Schema the request body must satisfy (the body must also be JSON).
     * @default - the body is not validated
     */
    bodySchema: z.record(z.string(), z.unknown()).optional(),
  })
  .describe('Checks the gateway makes before it calls the backend.');

/** Auth decision for a route: `none` (public, written explicitly) or authorizer names. */
export const AuthDecision = z
  .union([
    z.literal('none'),
    Name,
    z
      .array(z.union([Name, z.array(Name).min(1)]))
      .min(1, { message: 'must name at least one authorizer, or be "none"' }),
  ])
  .describe(
    'Either "none", one authorizer name, or a list of alternatives (any one suffices); an alternative that is a list requires all of its authorizers.',
  );

export const Route = z
  .strictObject({
    /**
     * Stable identifier of the route (the OpenAPI operationId).
     * @default - derived from method and path, e.g. `get-pets-id`
     */
    id: Name.optional(),
    /** HTTP method. */
    method: HttpMethod,
    /** Path template relative to basePath: `/pets/{id}`, greedy `/files/{path+}`. */
    path: z.string(),
    /** Name of the backend that serves the route. @default defaults.backend */
    backend: Name.optional(),
    /** Who may call the route. @default defaults.auth (required when that is unset) */
    auth: AuthDecision.optional(),
    /** Scopes the caller's token must carry (all of them). @default [] */
    scopes: z.array(NonEmpty).optional(),
    /** Per-route rate limit. @default defaults.rateLimit */
    rateLimit: RateLimit.optional(),
    /** Response caching. @default defaults.cache */
    cache: CachePolicy.optional(),
    /** Request and response transforms. @default defaults.transform */
    transform: Transform.optional(),
    /** Backend timeout in milliseconds. @default the backend's timeout */
    timeoutMs: z.number().int().min(1).max(300_000).optional(),
    /** Request validation. @default - none */
    validation: RequestValidation.optional(),
    /** Free text shown in exported OpenAPI and portals. */
    description: z.string().optional(),
    /** Grouping tags. @default [] */
    tags: z.array(NonEmpty).optional(),
  })
  .describe('One method on one path template.');

const WeightedTarget = z.strictObject({
  /** Base URL of this target. */
  url: Url,
  /** Relative share of traffic. */
  weight: z.number().int().min(1).max(1000),
});

const CircuitBreaker = z.strictObject({
  /** Failures (5xx or timeouts) within the interval that open the breaker. */
  failures: z.number().int().min(1).max(10_000),
  /** Interval the failures are counted over, in seconds. */
  intervalSeconds: z.number().int().min(1).max(3600),
  /** How long the breaker stays open, in seconds. */
  tripSeconds: z.number().int().min(1).max(3600),
});

export const HttpBackend = z.strictObject({
  type: z.literal('http'),
  /** Base URL of the backend (https; http only for localhost). Exactly one of url and targets. */
  url: Url.optional(),
  /** Weighted targets, for canaries and blue/green. Exactly one of url and targets. */
  targets: z.array(WeightedTarget).min(2, { message: 'a weighted backend needs at least 2 targets' }).optional(),
  /** Timeout in milliseconds. @default 29000 */
  timeoutMs: z.number().int().min(1).max(300_000).optional(),
  /** Stop sending traffic to a failing backend for a while. @default - no circuit breaker */
  circuitBreaker: CircuitBreaker.optional(),
});

export const FunctionBackend = z.strictObject({
  type: z.literal('function'),
  /**
   * Name each cloud resolves to its own function resource (a Lambda function, an Azure Function,
   * a Cloud Run service).
   * @default the backend's name
   */
  binding: Name.optional(),
  /** Timeout in milliseconds. @default 29000 */
  timeoutMs: z.number().int().min(1).max(300_000).optional(),
});

export const MockBackend = z.strictObject({
  type: z.literal('mock'),
  /** Status code returned. @default 200 */
  statusCode: z.number().int().min(100).max(599).optional(),
  /** JSON body returned. @default - no body */
  body: z.unknown().optional(),
  /** Headers returned. @default {} */
  headers: HeaderMap.optional(),
});

export const Backend = z
  .discriminatedUnion('type', [HttpBackend, FunctionBackend, MockBackend])
  .describe('Where a route sends its requests: http, function or mock.');

export const JwtAuthorizer = z.strictObject({
  type: z.literal('jwt'),
  /** Expected `iss` claim; also the OIDC discovery base when jwksUri is unset. */
  issuer: Url,
  /** Accepted `aud` values (any one). */
  audiences: z.array(NonEmpty).min(1, { message: 'list at least one audience' }),
  /** JWKS endpoint. @default - discovered from `${issuer}/.well-known/openid-configuration` */
  jwksUri: Url.optional(),
  /** Accepted signature algorithms. HMAC and `none` are never accepted. @default ['RS256'] */
  algorithms: z
    .array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']))
    .min(1)
    .optional(),
  /** Claims that must have exactly these values. @default {} */
  requiredClaims: z.record(NonEmpty, z.string()).optional(),
  /** Claim holding the scopes (space-separated string or array). @default 'scope' */
  scopeClaim: NonEmpty.optional(),
  /** Header carrying `Bearer <token>`. @default 'Authorization' */
  header: NonEmpty.optional(),
  /** Allowed clock skew for exp/nbf/iat, in seconds. @default 60 */
  clockSkewSeconds: z.number().int().min(0).max(300).optional(),
  /** Expected `typ` header, e.g. `at+jwt`. @default - not checked */
  typ: NonEmpty.optional(),
  /** How long a gateway may cache an authorization result, in seconds. @default 300 */
  resultTtlSeconds: z.number().int().min(0).max(86_400).optional(),
});

export const ApiKeyAuthorizer = z.strictObject({
  type: z.literal('apiKey'),
  /** Where the key is sent. @default 'header' */
  in: z.enum(['header', 'query']).optional(),
  /** Header or query parameter name. @default 'x-api-key' */
  name: NonEmpty.optional(),
});

export const CustomAuthorizer = z.strictObject({
  type: z.literal('custom'),
  /** Function binding that decides (resolved per cloud, like a function backend). */
  binding: Name,
  /** Header the identity is read from. @default 'Authorization' */
  header: NonEmpty.optional(),
  /** How long a gateway may cache a decision, in seconds. @default 300 */
  resultTtlSeconds: z.number().int().min(0).max(86_400).optional(),
});

export const Authorizer = z
  .discriminatedUnion('type', [JwtAuthorizer, ApiKeyAuthorizer, CustomAuthorizer])
  .describe('How callers prove who they are: jwt, apiKey or custom.');

export const Plan = z
  .strictObject({
    description: z.string().optional(),
    /** Quota per consumer on this plan. @default - no quota */
    quota: Quota.optional(),
    /** Rate limit per consumer on this plan. @default - no rate limit */
    rateLimit: RateLimit.optional(),
  })
  .describe('A consumer tier: quota and rate limit.');

export const Consumer = z
  .strictObject({
    /** The plan this consumer is on. */
    plan: Name,
    description: z.string().optional(),
    /**
     * Where the consumer's API key comes from. Inline key values are refused.
     * @default - the cloud generates the key
     */
    apiKey: SecretRef.optional(),
  })
  .describe('A named API-key holder on a plan.');

const LogLevel = z.enum(['off', 'error', 'info']);

export const Stage = z
  .strictObject({
    description: z.string().optional(),
    /** Free-form variables (strings) available to the stage. @default {} */
    variables: z.record(z.string().regex(/^[A-Za-z0-9_]+$/, { message: 'variable names: letters, digits, _' }), z.string()).optional(),
    /** Per-backend URL overrides for this stage (http backends only). @default {} */
    backends: z.record(Name, z.strictObject({ url: Url })).optional(),
    /** Stage-wide throttle. @default - none */
    throttle: RateLimit.optional(),
    /** Execution log level. @default observability.logLevel */
    logLevel: LogLevel.optional(),
    /** Distributed tracing. @default observability.tracing */
    tracing: z.boolean().optional(),
  })
  .describe('A deployment stage.');

export const Cors = z
  .strictObject({
    /** Allowed origins (`*` for any). */
    allowOrigins: z.array(NonEmpty).min(1),
    /** Allowed methods. @default - the methods the routes use */
    allowMethods: z.array(HttpMethod).optional(),
    /** Allowed request headers. @default ['Content-Type', 'Authorization'] */
    allowHeaders: z.array(NonEmpty).optional(),
    /** Response headers exposed to scripts. @default [] */
    exposeHeaders: z.array(NonEmpty).optional(),
    /** Allow credentials (cookies, Authorization). Not with origin `*`. @default false */
    allowCredentials: z.boolean().optional(),
    /** How long browsers may cache a preflight, in seconds. @default 600 */
    maxAgeSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .describe('Cross-origin resource sharing.');

export const IpRules = z
  .strictObject({
    /** Only these CIDR ranges may call the gateway. @default - any source */
    allow: z.array(NonEmpty).optional(),
    /** These CIDR ranges may never call the gateway. @default [] */
    deny: z.array(NonEmpty).optional(),
  })
  .describe('Source IP allow and deny lists (CIDR).');

export const Observability = z
  .strictObject({
    /** Access logs in JSON. @default true */
    accessLogs: z.boolean().optional(),
    /** Days access logs are kept. @default 30 */
    logRetentionDays: z.number().int().min(1).max(3653).optional(),
    /** Execution log level. @default 'error' */
    logLevel: LogLevel.optional(),
    /** Distributed tracing. @default false */
    tracing: z.boolean().optional(),
    /** Per-route metrics. @default true */
    metrics: z.boolean().optional(),
  })
  .describe('Access logs, tracing and metrics.');

export const Defaults = z
  .strictObject({
    /** Backend for routes that name none. */
    backend: Name.optional(),
    /** Auth for routes that decide none. Without it every route must set auth. */
    auth: AuthDecision.optional(),
    rateLimit: RateLimit.optional(),
    cache: CachePolicy.optional(),
    transform: Transform.optional(),
    timeoutMs: z.number().int().min(1).max(300_000).optional(),
  })
  .describe('Route policy applied to every route that does not set its own.');

export const GatewaySchema = z
  .strictObject({
    /** Gateway name; names the API in every cloud. */
    name: Name,
    /** API version string. @default '1.0.0' */
    version: NonEmpty.optional(),
    /** Path prefix of every route. @default '/' */
    basePath: z.string().optional(),
    description: z.string().optional(),
    backends: z.record(Name, Backend).optional(),
    authorizers: z.record(Name, Authorizer).optional(),
    plans: z.record(Name, Plan).optional(),
    consumers: z.record(Name, Consumer).optional(),
    routes: z.array(Route).optional(),
    /** @default { prod: {} } */
    stages: z.record(Name, Stage).optional(),
    cors: Cors.optional(),
    ipRules: IpRules.optional(),
    defaults: Defaults.optional(),
    observability: Observability.optional(),
  })
  .describe('An anygate gateway definition.');

export type GatewayInput = z.input<typeof GatewaySchema>;
export type RouteInput = z.input<typeof Route>;
export type BackendInput = z.input<typeof Backend>;
export type AuthorizerInput = z.input<typeof Authorizer>;
export type PlanInput = z.input<typeof Plan>;
export type ConsumerInput = z.input<typeof Consumer>;
export type StageInput = z.input<typeof Stage>;
export type CorsInput = z.input<typeof Cors>;
export type IpRulesInput = z.input<typeof IpRules>;
export type AuthDecisionInput = z.input<typeof AuthDecision>;
export type RateLimitInput = z.input<typeof RateLimit>;
export type QuotaInput = z.input<typeof Quota>;
export type CachePolicyInput = z.input<typeof CachePolicy>;
export type TransformInput = z.input<typeof Transform>;
export type RequestValidationInput = z.input<typeof RequestValidation>;
export type ObservabilityInput = z.input<typeof Observability>;
export type DefaultsInput = z.input<typeof Defaults>;
