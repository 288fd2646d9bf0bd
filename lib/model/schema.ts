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
import { ERROR_MODES } from './error-contract';
import { McpRoute, McpServer } from './mcp';
import { LlmBackend } from './llm';
import { Retry } from './retry';
import { Domain } from './domains';
import { Revisions } from './revisions';
import { SHA256_FINGERPRINT } from './client-certificates';
import { Components, RouteContract } from './contract';
import { Objective } from './objectives';

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
    secretRef: z
      .string()
      .regex(/^[a-z][a-z0-9-]*:.+$/, { message: 'must look like "<store>:<id>", e.g. "env:ACME_KEY"' }).meta({ description: "Where the secret lives, e.g. `aws-secretsmanager:prod/acme-key`, `azure-keyvault:https://vault.vault.azure.net/secrets/acme`, `gcp-secretmanager:acme-key` or `env:ACME_KEY`." }),
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
    requestsPerSecond: z.number().positive().max(1_000_000).meta({ description: "Steady-state requests per second." }),
    burst: z.number().int().min(1).max(1_000_000).optional().meta({ description: "Requests allowed in a burst above the steady rate. Default: requestsPerSecond (rounded up)." }),
  })
  .describe('A steady request rate with an optional burst.');

export const Quota = z
  .strictObject({
    limit: z.number().int().min(1).max(1_000_000_000).meta({ description: "Requests allowed per period." }),
    period: z.enum(['day', 'week', 'month']).meta({ description: "The period the limit renews on." }),
  })
  .describe('A request quota that renews every period.');

export const CachePolicy = z
  .strictObject({
    ttlSeconds: z.number().int().min(0).max(86_400).meta({ description: "How long a response stays cached, in seconds." }),
    key: z
      .strictObject({
        query: z.array(NonEmpty).optional().meta({ description: "Query parameters that vary the response.", default: [] }),
        headers: z.array(NonEmpty).optional().meta({ description: "Headers that vary the response.", default: [] }),
      })
      .optional().meta({ description: "Request parts that make up the cache key in addition to method and path. Default: method and path only." }),
    shared: z.boolean().optional().meta({ description: "Share one cached response between every caller. On a route with auth, or whose transforms read the caller (`${claim.*}`), the cache key includes the caller's identity (token or API key) unless this is true: only set it when the response cannot depend on who asks.", default: false }),
  })
  .describe('Response caching for a route.');

const HeaderMap = z.record(NonEmpty, z.string());

export const RequestTransform = z.strictObject({
  setHeaders: HeaderMap.optional().meta({ description: "Headers to set on the backend request. Values may use `${...}` placeholders.", default: {} }),
  removeHeaders: z.array(NonEmpty).optional().meta({ description: "Headers to remove from the backend request.", default: [] }),
  setQuery: z.record(NonEmpty, z.string()).optional().meta({ description: "Query parameters to set on the backend request. Values may use placeholders.", default: {} }),
  removeQuery: z.array(NonEmpty).optional().meta({ description: "Query parameters to remove from the backend request.", default: [] }),
  rewritePath: NonEmpty.optional().meta({ description: "The backend path, as a template over the route's path parameters (`/internal/pets/{id}`). Default: the route's path." }),
  body: z.unknown().optional().meta({ description: "A JSON body template sent to the backend instead of the client's body. String leaves may use placeholders: `${path.id}`, `${query.q}`, `${header.x-trace}`, `${body.field}`. Default: the client's body, unchanged." }),
});

export const ResponseTransform = z.strictObject({
  setHeaders: HeaderMap.optional().meta({ description: "Headers to set on the client response. Values are literal text on every target: `${...}` is not a placeholder here.", default: {} }),
  removeHeaders: z.array(NonEmpty).optional().meta({ description: "Headers to remove from the client response.", default: [] }),
  redact: z.array(NonEmpty).optional().meta({ description: "JSON fields removed from the response body, as dotted paths (`customer.ssn`, `items.*.card`).", default: [] }),
});

export const Transform = z
  .strictObject({
    request: RequestTransform.optional().meta({ description: "Changes made to the request before it reaches the backend." }),
    response: ResponseTransform.optional().meta({ description: "Changes made to the response before it reaches the client." }),
  })
  .describe('Request and response transforms.');

export const RequestValidation = z
  .strictObject({
    requiredQuery: z.array(NonEmpty).optional().meta({ description: "Query parameters that must be present.", default: [] }),
    requiredHeaders: z.array(NonEmpty).optional().meta({ description: "Headers that must be present.", default: [] }),
    bodySchema: z.record(z.string(), z.unknown()).optional().meta({ description: "A JSON Schema the request body must satisfy (the body must also be JSON). Default: the body is not validated." }),
    contract: z
      .union([
        z.boolean(),
        z.strictObject({
          parameters: z.boolean().optional().meta({ description: 'Check the declared path, query and header parameters (presence and schema).', default: true }),
          body: z.boolean().optional().meta({ description: 'Check the declared request body (content type and schema).', default: true }),
        }),
      ])
      .optional()
      .meta({ description: "Validate requests against the route's contract (`true`: parameters and body; or per part). Refused where a target cannot check what the contract says. Default: false." }),
  })
  .describe('Checks the gateway makes before it calls the backend.');

/*
 * Per-target option blocks: settings only one adapter reads. The model carries them and types
 * them (so a typo is a located error, and editors complete them) but never acts on them.
 */
const MEDIA_RANGE = /^(?:\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*)\/(?:\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*)$/;

export const AwsGatewayOptions = z
  .strictObject({
    binaryMediaTypes: z
      .array(z.string().regex(MEDIA_RANGE, { message: 'must be a media type such as image/png or image/*' }))
      .optional()
      .meta({ description: "Media types API Gateway passes as bytes (x-amazon-apigateway-binary-media-types). Default: application/octet-stream, application/pdf, application/zip, audio/*, image/*, multipart/form-data, video/*." }),
  })
  .describe('Options only the AWS adapter reads.');

export const AzureGatewayOptions = z
  .strictObject({
    sku: z.enum(['Consumption', 'Developer', 'Basic', 'Standard', 'Premium', 'BasicV2', 'StandardV2', 'PremiumV2']).optional().meta({ description: 'API Management SKU the gateway runs on (a component or CLI option wins).', default: 'Developer' }),
    externalCache: z.boolean().optional().meta({ description: 'The service has an external (Redis) cache; needed for caching on Consumption.', default: false }),
    versioning: z.enum(['Segment', 'Header', 'Query']).optional().meta({ description: 'How callers select the API version (ApiVersionSet scheme). Default: no version set.' }),
    apiDefinition: z.enum(['operations', 'openapi']).optional().meta({ description: 'Create operations one resource each, or the whole API from one OpenAPI value.' }),
  })
  .describe('Options only the Azure adapter reads.');

// Kubernetes object names as the Gateway API's CRDs take them (ObjectName, Namespace, SectionName, Hostname, GatewayController).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const K8sNamespace = z.string().max(63).regex(DNS_LABEL, { message: 'must be a Kubernetes namespace name (DNS label: a-z, 0-9, -; at most 63 characters)' });
const K8sName = z.string().min(1).max(253).regex(DNS_SUBDOMAIN, { message: 'must be a Kubernetes object name (lower-case DNS subdomain)' });
const K8sSectionName = z.string().max(253).regex(DNS_SUBDOMAIN, { message: 'must be a listener name (lower-case DNS subdomain)' });
const K8sHostname = z
  .string()
  .max(253)
  .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { message: 'must be a lower-case host name such as api.example.com or *.example.com (no IP address, no port)' });

export const KubernetesGatewayRef = z
  .strictObject({
    name: K8sName.optional().meta({ description: 'Name of the Gateway.', default: 'eg' }),
    namespace: K8sNamespace.optional().meta({ description: 'Namespace of the Gateway.', default: 'envoy-gateway-system' }),
    sectionName: K8sSectionName.optional().meta({ description: 'Listener of the Gateway the routes attach to. Default: every listener that accepts them.' }),
  })
  .describe('The Gateway the HTTPRoutes attach to (parentRefs).');

export const KubernetesCertificateRef = z
  .strictObject({
    name: K8sName.meta({ description: 'Name of the TLS Secret (type kubernetes.io/tls, keys tls.crt and tls.key).' }),
    namespace: K8sNamespace.optional().meta({ description: "Namespace of the Secret; another namespace than the Gateway's gets a ReferenceGrant. Default: the Gateway's namespace." }),
  })
  .describe('A TLS certificate Secret, by reference (never inlined).');

export const KubernetesListener = z
  .strictObject({
    name: K8sSectionName.optional().meta({ description: 'Listener name (what sectionName selects). Default: the protocol and port, e.g. `https-443`.' }),
    port: z.number().int().min(1).max(65_535).optional().meta({ description: 'Port the listener accepts connections on. Default: 80 for HTTP, 443 for HTTPS.' }),
    protocol: z.enum(['HTTP', 'HTTPS']).optional().meta({ description: 'HTTP, or HTTPS terminated at the Gateway with certificateRefs.', default: 'HTTP' }),
    hostname: K8sHostname.optional().meta({ description: 'Host name the listener accepts (`*.example.com` allowed). Default: any host.' }),
    certificateRefs: z.array(KubernetesCertificateRef).min(1).max(64).optional().meta({ description: 'TLS Secrets of an HTTPS listener (required for HTTPS, refused for HTTP).' }),
  })
  .describe('One Gateway listener.');

export const KubernetesCreateGateway = z
  .strictObject({
    className: K8sName.optional().meta({ description: 'Name of the GatewayClass emitted with the Gateway. Default: the Gateway name.' }),
    controllerName: z
      .string()
      .max(253)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/, { message: 'must be a controller name such as gateway.envoyproxy.io/gatewayclass-controller' })
      .optional()
      .meta({ description: "Controller of the GatewayClass (Envoy Gateway's by default).", default: 'gateway.envoyproxy.io/gatewayclass-controller' }),
    listeners: z.array(KubernetesListener).min(1).max(64).optional().meta({ description: 'Listeners of the Gateway.', default: [{ name: 'http', port: 80, protocol: 'HTTP' }] }),
  })
  .describe('Emit the Gateway (named by `gateway`) and its GatewayClass instead of attaching to an existing one.');

export const KubernetesServiceRef = z
  .strictObject({
    name: z.string().max(63).regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a Service name (DNS-1035 label: a lower-case letter, then a-z, 0-9, -; at most 63 characters)' }).meta({ description: 'Name of the Service.' }),
    namespace: K8sNamespace.optional().meta({ description: "Namespace of the Service; another namespace than the stage's gets a ReferenceGrant. Default: the stage's namespace." }),
    port: z.number().int().min(1).max(65_535).optional().meta({ description: 'Service port.', default: 80 }),
  })
  .describe('The Service a function binding (or custom authorizer) calls in one stage.');

// Kubernetes label syntax (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set):
// a key is an optional DNS-subdomain prefix (at most 253 characters) and `/`, then a name of at most
// 63 alphanumerics, `-`, `_` or `.` that begins and ends alphanumeric; a value is empty or such a name.
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_KEY_MESSAGE = 'must be a Kubernetes label key: an optional DNS-subdomain prefix (at most 253 characters) and `/`, then a name of at most 63 characters (a-z, A-Z, 0-9, -, _, .; alphanumeric first and last), e.g. release';
const K8sLabelKey = z
  .string()
  .max(253 + 1 + 63, { message: LABEL_KEY_MESSAGE })
  .regex(LABEL_KEY, { message: LABEL_KEY_MESSAGE })
  // The parts' own lengths (the pattern above is what the JSON schema carries).
  .refine((k) => k.length - k.lastIndexOf('/') - 1 <= 63 && Math.max(k.lastIndexOf('/'), 0) <= 253, { message: LABEL_KEY_MESSAGE });
const K8sLabelValue = z
  .string()
  .max(63, { message: 'must be a Kubernetes label value: at most 63 characters' })
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, { message: 'must be a Kubernetes label value: empty, or a-z, A-Z, 0-9, -, _, . with an alphanumeric first and last character' });

export const KubernetesMonitoring = z
  .strictObject({
    labels: z
      .record(K8sLabelKey, K8sLabelValue)
      .optional()
      .meta({
        description:
          "Labels of the monitoring objects (the PrometheusRule of observability.objectives and, with createGateway, the PodMonitor of the proxies), so Prometheus' ruleSelector and podMonitorSelector pick them up: kube-prometheus-stack's select `release: <its Helm release name>`.",
        default: {},
      }),
    dashboardsNamespace: K8sNamespace.optional().meta({ description: "Namespace of the Grafana dashboard ConfigMaps (observability.dashboards; one per stage, named after the stage): Grafana's own, which its dashboard sidecar watches by default. Default: each stage's namespace." }),
  })
  .describe('How the monitoring stack finds the observability objects (Prometheus Operator, Grafana dashboard sidecar).');

export const KubernetesGatewayOptions = z
  .strictObject({
    gateway: KubernetesGatewayRef.optional().meta({ description: 'The Gateway the HTTPRoutes attach to.', default: { name: 'eg', namespace: 'envoy-gateway-system' } }),
    hostnames: z.array(K8sHostname).min(1).max(16).optional().meta({ description: 'Host names of the HTTPRoutes. Default: every host name the listener accepts.' }),
    namespaces: z.record(Name, K8sNamespace).optional().meta({ description: 'Namespace of each stage, by stage name. Default: `<gateway name>-<stage>`.', default: {} }),
    createGateway: KubernetesCreateGateway.optional().meta({ description: 'Emit a Gateway and GatewayClass. Default: attach to an existing Gateway.' }),
    backendKind: z
      .enum(['Service', 'Backend'])
      .optional()
      .meta({
        description:
          "What an HTTP backend becomes: `Service`, a selector-less Service with an EndpointSlice of the backend's host name (works on a default Envoy Gateway install; whoever applies needs RBAC to create EndpointSlices), or `Backend`, an Envoy Gateway Backend (needs the Backend API: EnvoyGateway extensionApis.enableBackend). https gets a BackendTLSPolicy either way.",
        default: 'Service',
      }),
    functions: z
      .record(Name, z.record(Name, KubernetesServiceRef))
      .optional()
      .meta({ description: "Per stage, per function binding, the Service it calls. Default: a Service named after the binding, port 80, in the stage's namespace.", default: {} }),
    monitoring: KubernetesMonitoring.optional().meta({ description: 'Labels and namespace that let Prometheus Operator and Grafana load the observability objects. Default: no labels, dashboards in each stage namespace.' }),
  })
  .describe('Options only the Kubernetes adapter reads.');

export const ApigeeRouteOptions = z
  .strictObject({
    honorNoCache: z.boolean().optional().meta({ description: 'Let a client skip the response cache with Cache-Control: no-cache (off: any client could force backend calls).', default: false }),
  })
  .describe('Route options only the Apigee adapter reads.');

/** One authorizer name, or alternatives (any one suffices; an inner list requires all). */
const AuthAlternatives = z.union([
  Name,
  z
    .array(z.union([Name, z.array(Name).min(1)]))
    .min(1, { message: 'must name at least one authorizer, or be "none"' }),
]);

/** Auth decision for a route: `none` (public, written explicitly) or authorizer names. */
export const AuthDecision = z
  .union([
    z.literal('none'),
    AuthAlternatives,
    z
      .strictObject({
        anyOf: AuthAlternatives.meta({ description: 'One authorizer name, or alternatives (any one suffices; an inner list requires all).' }),
        optional: z.boolean().optional().meta({
          description:
            "Optional authentication (OpenAPI `security: [{}, ...]`): a request that carries none of the credentials anyOf reads is let in anonymously; a request that carries one must pass anyOf as usual (an invalid or incomplete credential is refused, never ignored).",
          default: false,
        }),
      })
      .describe('Authorizers with options: { anyOf: [jwt], optional: true }.'),
  ])
  .describe(
    'Either "none", one authorizer name, a list of alternatives (any one suffices; an alternative that is a list requires all of its authorizers), or { anyOf, optional } for optional authentication.',
  );

/** One OAuth scope (RFC 6749 section 3.3 scope-token): printable ASCII but space, `"` and `\`. */
const ScopeToken = z
  .string()
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, { message: 'must be one scope (RFC 6749 scope-token: printable ASCII without spaces, " or \\): a token\'s scope claim separates scopes with spaces, so a scope holding one could never match; list each scope on its own' });

export const Route = z
  .strictObject({
    id: Name.optional().meta({ description: "Stable identifier of the route (the OpenAPI operationId). Default: derived from method and path, e.g. `get-pets-id`." }),
    method: HttpMethod.meta({ description: "HTTP method." }),
    path: z.string().meta({ description: "Path template relative to basePath: `/pets/{id}`, greedy `/files/{path+}`." }),
    backend: Name.optional().meta({ description: "Name of the backend that serves the route. Default: defaults.backend." }),
    auth: AuthDecision.optional().meta({ description: "Who may call the route. Default: defaults.auth (required when that is unset)." }),
    scopes: z.array(ScopeToken).optional().meta({ description: "Scopes the caller's token must carry (all of them). Each is one RFC 6749 scope-token: no spaces (the `scope` claim separates scopes with spaces), no `\"` or `\\`.", default: [] }),
    rateLimit: RateLimit.optional().meta({ description: "Per-route rate limit. Default: defaults.rateLimit." }),
    cache: CachePolicy.optional().meta({ description: "Response caching. Default: defaults.cache." }),
    transform: Transform.optional().meta({ description: "Request and response transforms. Default: defaults.transform." }),
    timeoutMs: z.number().int().min(1).max(300_000).optional().meta({ description: "Backend timeout in milliseconds (of each try when the route retries). Default: the backend's timeout." }),
    retry: Retry.optional().meta({ description: "Retry a failed backend call (http backends). Default: no retries." }),
    validation: RequestValidation.optional().meta({ description: "Request validation. Default: none." }),
    description: z.string().optional().meta({ description: "Free text shown in exported OpenAPI and portals." }),
    tags: z.array(NonEmpty).optional().meta({ description: "Grouping tags.", default: [] }),
    contract: RouteContract.optional().meta({ description: "The OpenAPI operation the route publishes (summary, parameters, request body, responses). Default: what the path and validation imply." }),
    apigee: ApigeeRouteOptions.optional(),
    mcp: McpRoute.optional().meta({ description: 'Expose the route as an MCP tool (or `false`: keep it out when mcp.expose is all). Default: a tool only when mcp.expose is all.' }),
    versions: z.array(Name).min(1).optional().meta({ description: "The API versions (names from `versions.list`) that serve this route. Default: every version." }),
    revisions: z.array(z.number().int().min(1).max(999)).min(1).optional().meta({ description: "The API revisions (numbers from `revisions.list`) that hold this route. Default: every revision." }),
  })
  .describe('One method on one path template.');

const WeightedTarget = z.strictObject({
  url: Url.meta({ description: "Base URL of this target." }),
  weight: z.number().int().min(1).max(1000).meta({ description: "Relative share of traffic." }),
});

const CircuitBreaker = z.strictObject({
  failures: z.number().int().min(1).max(10_000).meta({ description: "Failures (5xx or timeouts) within the interval that open the breaker." }),
  intervalSeconds: z.number().int().min(1).max(3600).meta({ description: "Interval the failures are counted over, in seconds." }),
  tripSeconds: z.number().int().min(1).max(3600).meta({ description: "How long the breaker stays open, in seconds." }),
});

export const HttpBackend = z.strictObject({
  type: z.literal('http').meta({ description: "An HTTP(S) backend." }),
  url: Url.optional().meta({ description: "Base URL of the backend (https; http only for localhost). Exactly one of url and targets." }),
  targets: z.array(WeightedTarget).min(2, { message: 'a weighted backend needs at least 2 targets' }).optional().meta({ description: "Weighted targets, for canaries and blue/green. Exactly one of url and targets." }),
  timeoutMs: z.number().int().min(1).max(300_000).optional().meta({ description: "Timeout in milliseconds.", default: 29000 }),
  circuitBreaker: CircuitBreaker.optional().meta({ description: "Stop sending traffic to a failing backend for a while. Default: no circuit breaker." }),
});

export const FunctionBackend = z.strictObject({
  type: z.literal('function').meta({ description: "A function each cloud resolves by its binding name." }),
  binding: Name.optional().meta({ description: "Name each cloud resolves to its own function resource (a Lambda function, an Azure Function, a Cloud Run service). Default: the backend's name." }),
  timeoutMs: z.number().int().min(1).max(300_000).optional().meta({ description: "Timeout in milliseconds.", default: 29000 }),
});

export const MockBackend = z.strictObject({
  type: z.literal('mock').meta({ description: "A canned response; no backend is called." }),
  statusCode: z.number().int().min(100).max(599).optional().meta({ description: "Status code returned.", default: 200 }),
  body: z.unknown().optional().meta({ description: "JSON body returned. Default: no body." }),
  headers: HeaderMap.optional().meta({ description: "Headers returned.", default: {} }),
});

export const Backend = z
  .discriminatedUnion('type', [HttpBackend, FunctionBackend, MockBackend, LlmBackend])
  .describe('Where a route sends its requests: http, function, mock or llm.');

export const JwtAuthorizer = z.strictObject({
  type: z.literal('jwt').meta({ description: "Verifies a JSON Web Token." }),
  issuer: Url.meta({ description: "Expected `iss` claim; also the OIDC discovery base when jwksUri is unset." }),
  audiences: z.array(NonEmpty).min(1, { message: 'list at least one audience' }).meta({ description: "Accepted `aud` values (any one)." }),
  jwksUri: Url.optional().meta({ description: "JWKS endpoint. Default: discovered from `${issuer}/.well-known/openid-configuration`." }),
  algorithms: z
    .array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']))
    .min(1)
    .optional().meta({ description: "Accepted signature algorithms. HMAC and `none` are never accepted.", default: ["RS256"] }),
  requiredClaims: z.record(NonEmpty, z.string()).optional().meta({ description: "Claims that must have exactly these values.", default: {} }),
  scopeClaim: NonEmpty.optional().meta({ description: "Claim holding the scopes (space-separated string or array).", default: "scope" }),
  header: NonEmpty.optional().meta({ description: "Header carrying `Bearer <token>`.", default: "Authorization" }),
  clockSkewSeconds: z.number().int().min(0).max(300).optional().meta({ description: "Allowed clock skew for exp/nbf/iat, in seconds.", default: 60 }),
  typ: NonEmpty.optional().meta({ description: "Expected `typ` header, e.g. `at+jwt`. Default: not checked." }),
  resultTtlSeconds: z.number().int().min(0).max(86_400).optional().meta({ description: "How long a gateway may cache an authorization decision, in seconds. A cached decision outlives the token's exp by up to this long (plus clockSkewSeconds); 0 turns the decision cache off.", default: 60 }),
});

export const ApiKeyAuthorizer = z.strictObject({
  type: z.literal('apiKey').meta({ description: "Checks an API key held by a consumer." }),
  in: z.enum(['header', 'query']).optional().meta({ description: "Where the key is sent.", default: "header" }),
  name: NonEmpty.optional().meta({ description: "Header or query parameter name.", default: "x-api-key" }),
  scheme: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { message: 'must be an HTTP auth scheme token such as Bearer (letters, digits, no spaces)' })
    .optional()
    .meta({ description: "Auth scheme the key is sent with in its header (`Authorization: Bearer <key>` is `name: Authorization, scheme: Bearer`): the key is what follows the scheme (compared without case) and one space; a value without the scheme is no key. Header keys only. Default: the whole header value is the key." }),
});

export const CustomAuthorizer = z.strictObject({
  type: z.literal('custom').meta({ description: "A function decides." }),
  binding: Name.meta({ description: "Function binding that decides (resolved per cloud, like a function backend)." }),
  header: NonEmpty.optional().meta({ description: "Header the identity is read from.", default: "Authorization" }),
  resultTtlSeconds: z.number().int().min(0).max(86_400).optional().meta({ description: "How long a gateway may cache a decision, in seconds.", default: 300 }),
});

export const Authorizer = z
  .discriminatedUnion('type', [JwtAuthorizer, ApiKeyAuthorizer, CustomAuthorizer])
  .describe('How callers prove who they are: jwt, apiKey or custom.');

export const Plan = z
  .strictObject({
    description: z.string().optional().meta({ description: "Free text shown in portals (product description)." }),
    quota: Quota.optional().meta({ description: "Quota per consumer on this plan. Default: no quota." }),
    rateLimit: RateLimit.optional().meta({ description: "Rate limit per consumer on this plan. Default: no rate limit." }),
  })
  .describe('A consumer tier: quota and rate limit.');

export const Consumer = z
  .strictObject({
    plan: Name.meta({ description: "The plan this consumer is on." }),
    description: z.string().optional().meta({ description: "Free text (app or subscription display name)." }),
    apiKey: SecretRef.optional().meta({ description: "Where the consumer's API key comes from. Inline key values are refused. Default: the cloud generates the key." }),
    clientCertificate: z
      .strictObject({
        sha256: z.string().regex(SHA256_FINGERPRINT, { message: 'must be a SHA-256 fingerprint: 64 hex digits, colons between pairs allowed (openssl x509 -noout -fingerprint -sha256)' }).meta({ description: "SHA-256 fingerprint of the consumer's client certificate (hex, colons allowed, any case)." }),
      })
      .optional()
      .meta({ description: "Identify this consumer by its client certificate instead of an API key: on stages behind a mutual TLS domain, requests presenting this certificate count against the consumer's plan on every route. The consumer then holds no API key. Default: the consumer holds an API key." }),
  })
  .describe('A named plan holder: an API key, or a client certificate.');

const LogLevel = z.enum(['off', 'error', 'info']);

export const Stage = z
  .strictObject({
    description: z.string().optional().meta({ description: "Free text describing the stage." }),
    variables: z.record(z.string().regex(/^[A-Za-z0-9_]+$/, { message: 'variable names: letters, digits, _' }), z.string()).optional().meta({ description: "Free-form variables (strings) available to the stage.", default: {} }),
    backends: z.record(Name, z.strictObject({ url: Url.meta({ description: "The backend URL in this stage." }) })).optional().meta({ description: "Per-backend URL overrides for this stage (http backends only).", default: {} }),
    throttle: RateLimit.optional().meta({ description: "Stage-wide throttle. Default: none." }),
    logLevel: LogLevel.optional().meta({ description: "Execution log level. Default: observability.logLevel." }),
    tracing: z.boolean().optional().meta({ description: "Distributed tracing. Default: observability.tracing." }),
  })
  .describe('A deployment stage.');

export const Cors = z
  .strictObject({
    allowOrigins: z.array(NonEmpty).min(1).meta({ description: "Allowed origins (`*` for any)." }),
    allowMethods: z.array(HttpMethod).optional().meta({ description: "Allowed methods. Default: the methods the routes use." }),
    allowHeaders: z.array(NonEmpty).optional().meta({ description: "Allowed request headers.", default: ["Content-Type", "Authorization"] }),
    exposeHeaders: z.array(NonEmpty).optional().meta({ description: "Response headers exposed to scripts.", default: [] }),
    allowCredentials: z.boolean().optional().meta({ description: "Allow credentials (cookies, Authorization). Not with origin `*`.", default: false }),
    maxAgeSeconds: z.number().int().min(0).max(86_400).optional().meta({ description: "How long browsers may cache a preflight, in seconds.", default: 600 }),
  })
  .describe('Cross-origin resource sharing.');

export const IpRules = z
  .strictObject({
    allow: z.array(NonEmpty).optional().meta({ description: "Only these CIDR ranges may call the gateway. Default: any source." }),
    deny: z.array(NonEmpty).optional().meta({ description: "These CIDR ranges may never call the gateway.", default: [] }),
  })
  .describe('Source IP allow and deny lists (CIDR).');

export const Observability = z
  .strictObject({
    accessLogs: z.boolean().optional().meta({ description: "Access logs in JSON.", default: true }),
    logRetentionDays: z.number().int().min(1).max(3653).optional().meta({ description: "Days access logs are kept.", default: 30 }),
    logLevel: LogLevel.optional().meta({ description: "Execution log level.", default: "error" }),
    tracing: z.boolean().optional().meta({ description: "Distributed tracing.", default: false }),
    metrics: z.boolean().optional().meta({ description: "Per-route metrics.", default: true }),
    objectives: z.array(Objective).optional().meta({ description: "Service-level objectives; each becomes alerts on every target (docs/observability.md).", default: [] }),
    dashboards: z.boolean().optional().meta({ description: "One dashboard per gateway and stage on every target (requests, errors by class, latency p50/p90/p99, throttled, cache hit ratio, top consumers).", default: false }),
  })
  .describe('Access logs, tracing and metrics.');

export const Defaults = z
  .strictObject({
    backend: Name.optional().meta({ description: "Backend for routes that name none." }),
    auth: AuthDecision.optional().meta({ description: "Auth for routes that decide none. Without it every route must set auth." }),
    rateLimit: RateLimit.optional(),
    cache: CachePolicy.optional(),
    transform: Transform.optional(),
    timeoutMs: z.number().int().min(1).max(300_000).optional().meta({ description: "Backend timeout in milliseconds for routes that set none. Default: the backend's timeout." }),
  })
  .describe('Route policy applied to every route that does not set its own.');

/** A calendar date (midnight UTC) or a UTC timestamp: `2027-01-31` or `2027-01-31T12:00:00Z`. */
const UtcDate = z
  .string()
  // abort: a string of another form is not also reported as "not a real calendar date".
  .regex(/^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}Z)?$/, { message: 'must be a date such as 2027-01-31 or a UTC time such as 2027-01-31T12:00:00Z (UTC: write the offset away, 2027-01-31T12:00:00+02:00 is 2027-01-31T10:00:00Z)', abort: true })
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(Date.parse(s)).toISOString().slice(0, s.length === 10 ? 10 : 19) === s.replace(/Z$/, ''), { message: 'is not a real calendar date (check the day of the month, and that the time is at most 23:59:59)' });

export const ApiVersion = z
  .strictObject({
    name: Name.meta({ description: "The version's identifier as clients send it (`v1`, `2026-01-01`): a path segment, or the header or query value." }),
    deprecated: UtcDate.optional().meta({ description: "When the version is (or will be) deprecated: every response of the version carries `Deprecation: @<epoch seconds>` (RFC 9745). Default: not deprecated." }),
    sunset: UtcDate.optional().meta({ description: "When the version stops answering: every response carries `Sunset: <HTTP-date>` (RFC 8594). Not earlier than deprecated. Default: no Sunset header." }),
    link: Url.optional().meta({ description: "A page about the deprecation: responses carry `Link: <url>; rel=\"deprecation\"; type=\"text/html\"` (RFC 9745). Needs deprecated or sunset. Default: no Link header." }),
  })
  .describe('One API version.');

export const Versions = z
  .strictObject({
    scheme: z.enum(['path', 'header', 'query']).meta({ description: "How clients pick a version: the first path segment after basePath (`/v2/items`), a request header, or a query parameter." }),
    name: NonEmpty.optional().meta({ description: "The header or query parameter that carries the version (scheme header or query only). Default: `Api-Version` for header, `api-version` for query." }),
    list: z.array(ApiVersion).min(1, { message: 'list at least one version' }).meta({ description: "The versions, oldest first. The first keeps the resource names an unversioned spec had (adding versions replaces nothing deployed)." }),
  })
  .describe('API versions and how clients select one. A request that names no listed version matches no route (404).');

export const Canary = z
  .strictObject({
    percent: z.number().int().min(1).max(99).meta({ description: "Share of the requests (percent, 1-99) sent to the canary backend (or version)." }),
    backend: Name.optional().meta({ description: "The canary: an http backend with one url. Set exactly one of backend and version. Default: none (a version canary)." }),
    version: Name.optional().meta({ description: "A version canary: the version in versions.list whose routes serve a share of the requests to version `of` (each route of `of` whose method and path this version also serves, on its own backend). Set exactly one of backend and version. Default: none (a backend canary)." }),
    of: Name.optional().meta({ description: "What the canary shares: the http backend (one url) for a backend canary, the version for a version canary. Default: defaults.backend; for a version canary the version listed before `version`." }),
    stickiness: z
      .union([
        z.strictObject({ header: NonEmpty.meta({ description: 'Request header whose value keeps a caller on one side (e.g. X-User-Id).' }) }),
        z.strictObject({ cookie: NonEmpty.meta({ description: 'Cookie whose value keeps a caller on one side.' }) }),
      ])
      .optional()
      .meta({ description: "Keep each caller on one side: the value of this header or cookie picks the side (FNV-1a of the value, mod 100, below percent: the canary), the same on every request; requests without it are drawn each time. Default: every request is drawn anew." }),
  })
  .describe('A canary release: a share of one backend\'s requests goes to another backend, or a share of one version\'s requests to the next version\'s routes.');

export const Release = z
  .strictObject({
    canary: Canary.optional().meta({ description: "Send a share of one backend's requests to a canary backend. Default: no canary." }),
  })
  .describe('How a new release reaches clients.');

export const GatewaySchema = z
  .strictObject({
    name: Name.meta({ description: "Gateway name; names the API in every cloud." }),
    version: NonEmpty.optional().meta({ description: "API version string.", default: "1.0.0" }),
    basePath: z.string().optional().meta({ description: "Path prefix of every route.", default: "/" }),
    description: z.string().optional().meta({ description: "Free text; the API description in every cloud and in exported OpenAPI." }),
    backends: z.record(Name, Backend).optional().meta({ description: "Backends by name.", default: {} }),
    authorizers: z.record(Name, Authorizer).optional().meta({ description: "Authorizers by name.", default: {} }),
    plans: z.record(Name, Plan).optional().meta({ description: "Consumer plans (quota and rate limit) by name.", default: {} }),
    consumers: z.record(Name, Consumer).optional().meta({ description: "API-key holders by name.", default: {} }),
    routes: z.array(Route).optional().meta({ description: "The routes; at least one." }),
    stages: z.record(Name, Stage).optional().meta({ description: "Deployment stages by name.", default: { prod: {} } }),
    cors: Cors.optional(),
    ipRules: IpRules.optional(),
    defaults: Defaults.optional(),
    observability: Observability.optional(),
    ignoreWarnings: z.array(z.string().regex(/^[a-z0-9-]+$/, 'a rule id: lower-case letters, digits and -')).optional().meta({ description: "Warning rule ids this spec silences everywhere it is loaded (validate, synth, portability, dev, and the targets' warnings in AwsGateway and the Pulumi components), as `--ignore` does for one run; errors cannot be silenced. The id ends each warning line.", default: [] }),
    errors: z.enum(ERROR_MODES).optional().meta({ description: "What callers see when the gateway itself refuses a request (401, 403, 404, 429, 5xx of its own): `anygate`, the same status and JSON body `{\"error\":{\"code\",\"message\",\"requestId\"}}` on every target; `native`, each cloud's own answers.", default: 'anygate' }),
    domains: z.array(Domain).max(32).optional().meta({ description: 'Custom domains the gateway answers on, with their certificates, base paths and mutual TLS (docs/domains.md). Default: only the cloud\'s own host name.' }),
    aws: AwsGatewayOptions.optional(),
    azure: AzureGatewayOptions.optional(),
    kubernetes: KubernetesGatewayOptions.optional(),
    mcp: McpServer.optional().meta({ description: 'The gateway as an MCP server (Streamable HTTP) whose tools are routes. Default: a server only when a route has an mcp block.' }),
    versions: Versions.optional().meta({ description: "API versions and how clients select one. Default: one unversioned API." }),
    revisions: Revisions.optional().meta({ description: "API revisions: numbered contents at one address, one current. Default: one content." }),
    release: Release.optional().meta({ description: "Release settings (canary). Default: every request goes to the route's backend." }),
    components: Components.optional().meta({ description: "Shared contract parts (OpenAPI components: schemas, parameters, responses...) that route contracts reference with $ref. Default: none." }),
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
export type McpRouteInput = z.input<typeof McpRoute>;
export type McpServerInput = z.input<typeof McpServer>;
export type LlmBackendInput = z.input<typeof LlmBackend>;
export type VersionsInput = z.input<typeof Versions>;
export type ReleaseInput = z.input<typeof Release>;
