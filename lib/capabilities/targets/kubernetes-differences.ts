/**
 * How a gateway on Envoy Gateway (v1.9) behaves differently from the spec's meaning where the
 * target synthesizes a feature anyway: the `differences` of the Kubernetes records
 * (kubernetes.ts), printed by the portability report per feature. Each names what a client or
 * operator observes and, where one exists, the remedy.
 */
import type { GatewaySpec, KubernetesBackendKind } from '../../model/types';
import { errorBodyTemplate } from '../../model/error-contract';
import type { BehaviourDifference } from '../types';
import { differs, probed } from './helpers';
import { burstDiffers } from './kubernetes-rates';

/**
 * What the Kubernetes target's preflight rules answer when Envoy's CORS filter does not (an origin
 * it does not allow): a 403 direct response with the error contract's `forbidden` body, so the
 * preflight never reaches a backend. Emitted by providers/kubernetes/preflight.ts with Envoy's
 * request id (`%REQ(X-REQUEST-ID)%`: Envoy Gateway's inline direct-response body is a format
 * string); `anygate dev --profile kubernetes` answers the same with its own request id.
 * @param requestId the id's text: a format-string operator (synth) or a concrete id (dev)
 */
export function kubernetesPreflightRefused(requestId: string): string {
  return errorBodyTemplate(KUBERNETES_PREFLIGHT_REFUSED_CODE, requestId);
}

/** The error code of that answer: the contract's for a refusal of a known caller (403). */
export const KUBERNETES_PREFLIGHT_REFUSED_CODE = 'forbidden';

/** The helm value that turns on Envoy Gateway's Backend API (off by default). */
export const ENABLE_BACKEND_HELM_VALUE = 'config.envoyGateway.extensionApis.enableBackend=true';

/** What HTTP backends become on Kubernetes (the spec's kubernetes.backendKind). @default 'Service' */
export const backendKindOf = (s: GatewaySpec): KubernetesBackendKind => s.kubernetes?.backendKind ?? 'Service';

/** What each choice of kubernetes.backendKind requires of the cluster. */
const backendApi = [
  differs(
    'deploy',
    'HTTP backends are Envoy Gateway Backend objects (kubernetes.backendKind: Backend), and the Backend API is disabled by default: on a default install the routes report ResolvedRefs False and answer 500',
    `install (or upgrade) Envoy Gateway with --set ${ENABLE_BACKEND_HELM_VALUE} (EnvoyGateway extensionApis.enableBackend: true), or leave kubernetes.backendKind at Service`,
    (s) => backendKindOf(s) === 'Backend',
  ),
  differs(
    'deploy',
    'HTTP backends are selector-less Services with an EndpointSlice of the backend\'s host name (kubernetes.backendKind: Service, the default): they work on a default Envoy Gateway install, but whoever applies the manifests needs RBAC to create EndpointSlices (discovery.k8s.io), which namespace editors often lack (CVE-2021-25740)',
    'apply with a role that may create EndpointSlices, or set kubernetes.backendKind: Backend and enable the Backend API',
    (s) => backendKindOf(s) === 'Service',
  ),
];

/** Envoy's error answers: plain text, not the JSON body other targets send. */
const plainText = (status: string, body: string): BehaviourDifference => differs('body', `${status} with a plain-text body (${body}), not JSON`, 'leave errors at anygate (the default): the contract\'s JSON body replaces it', (s) => s.errors === 'native');

/**
 * A rule's own SecurityPolicy (auth, CORS, IP rules) is the most specific one, and Envoy Gateway
 * v1.9 applies only the most specific SecurityPolicy of a route: without mergeType (which anygate
 * does not set, since merging a platform policy it cannot see could change the route's
 * authentication) one on the Gateway or its listener is not merged in
 * (SecurityPolicy spec.mergeType: "If unset, no merging occurs, and only the most specific
 * configuration takes effect").
 */
const replacesGatewayPolicy = differs(
  'deploy',
  "each route rule with auth, CORS or IP rules gets a SecurityPolicy of its own, which replaces any SecurityPolicy on the Gateway or its listener for that rule (Envoy Gateway applies the most specific one and does not merge them): a platform-wide JWT, extAuth, IP allow-list or CORS policy on the Gateway no longer applies to these routes",
  "put the platform's checks in the spec (authorizers, ipRules, cors) so each rule's policy carries them",
);

/**
 * Envoy's jwt_authn has no algorithm allow-list (Envoy Gateway's JWT provider exposes none): the
 * spec's `algorithms` is not enforced.
 */
const jwtAlgorithms = differs(
  'claims',
  "the authorizer's algorithms list is not enforced (Envoy's jwt_authn and Envoy Gateway's JWT provider have no algorithm allow-list): a token passes when its signature verifies under a key of the JWKS whose type fits the token's alg (an RSA key admits RS256-512 and PS256-512, an EC key the ES algorithm of its curve, an OKP key EdDSA; a JWK with an alg admits that one only); none is never accepted, HMAC only if the JWKS publishes a symmetric (oct) key",
  'publish in the JWKS only keys of the algorithms you accept (with their alg set), or serve the route from a target that enforces the list (AWS, Apigee)',
);

export const KUBERNETES_DIFFERENCES = {
  'backend.http': backendApi,
  'backend.weighted': backendApi,
  'stage.backends': backendApi,
  'backend.timeout': [
    differs('timeout', 'the rule\'s timeouts.request covers the whole request (from the first byte received to the end of the response), not only the wait for the backend; a slow upload or download counts against it; on expiry the client gets 504 "upstream request timeout"'),
  ],
  'auth.jwt': [
    probed(differs('claims', 'a token without exp is accepted (Envoy\'s jwt_authn does not require it); other targets refuse it with 401', 'have the identity provider always set exp'), 'token without exp', { accepted: true }),
    plainText('401', '"Jwt is missing" / "Jwt verification fails"'),
    jwtAlgorithms,
    replacesGatewayPolicy,
  ],
  'auth.scopes': [
    probed(differs('claims', 'scopes are read from the "scope" claim and also from "scp": a token whose scopes are only in scp passes, where other targets read scopeClaim only'), 'scopes only in scp', { accepted: true }),
    plainText('403', '"RBAC: access denied"'),
  ],
  'auth.apiKey': [plainText('401', 'from apiKeyAuth'), replacesGatewayPolicy],
  'auth.apiKey.custom': [plainText('401', 'from apiKeyAuth'), replacesGatewayPolicy],
  'auth.custom': [replacesGatewayPolicy],
  'route.rateLimit': [
    differs('burst', 'burst is dropped: BackendTrafficPolicy has no burst; the bucket holds one unit\'s requests (30 for 0.5/s, counted per minute) and refills all at once each unit', 'choose a rate whose whole count per second, minute or hour is the burst you want', (s) => s.routes.some((r) => r.rateLimit !== undefined && burstDiffers(r.rateLimit))),
    differs('accuracy', 'a local rate limit counts per Envoy replica: with n replicas, up to n times the rate passes', 'run one Envoy replica, or use a plan rate limit (global)'),
    plainText('429', '"local_rate_limited"'),
  ],
  'plan.rateLimit': [
    differs('burst', 'burst is dropped: a global rate limit has no burst; the window is fixed (whole requests per second, minute or hour), all of it usable at once', undefined, (s) => Object.values(s.plans).some((p) => p.rateLimit !== undefined && burstDiffers(p.rateLimit))),
    differs('headers', 'over the limit: 429 with x-ratelimit-limit / x-ratelimit-remaining / x-ratelimit-reset headers and an empty body', undefined, (s) => s.errors === 'native'),
  ],
  'plan.quota': [
    differs('window', 'quota windows are the rate-limit service\'s fixed windows aligned to the Unix epoch: a day starts at 00:00 UTC, a week on Thursday (1970-01-01), a month is 30 days counted from 1970-01-01, not the calendar month'),
    differs('status', 'quota exhausted: 429 with x-ratelimit-* headers and an empty body', undefined, (s) => s.errors === 'native'),
  ],
  'ipRules.allow': [
    differs('client address', 'the rules see the address of the peer Envoy sees: behind a load balancer, the load balancer\'s, so every caller is allowed or denied alike', 'attach a ClientTrafficPolicy with clientIPDetection (xForwardedFor.numTrustedHops, or PROXY protocol) to the Gateway'),
    replacesGatewayPolicy,
  ],
  cors: [
    probed(differs('status', 'a preflight from an origin CORS does not allow gets 403 with the error contract\'s body (code forbidden; other targets: 200 or 204 without Allow-Origin); either way the browser refuses it', undefined, (s) => Boolean(s.cors && !s.cors.allowOrigins.includes('*'))), 'preflight from a refused origin', {
      status: 403,
      errorCode: KUBERNETES_PREFLIGHT_REFUSED_CODE,
      headers: { 'access-control-allow-origin': null },
    }),
    replacesGatewayPolicy,
  ],
  'ipRules.deny': [
    differs('client address', 'the rules see the address of the peer Envoy sees: behind a load balancer, the load balancer\'s', 'attach a ClientTrafficPolicy with clientIPDetection (xForwardedFor.numTrustedHops, or PROXY protocol) to the Gateway'),
    replacesGatewayPolicy,
  ],
  'errors.contract': [
    probed(differs('body', 'a quota\'s refusal is answered as rate_limited: Envoy\'s local reply says only 429, for a rate limit and a quota alike'), 'quota exhausted', { status: 429, errorCode: 'rate_limited' }),
    probed(differs('status', 'a path no route matches is answered by Envoy itself, outside every HTTPRoute\'s policies: a 404 with no body', 'attach a BackendTrafficPolicy with the same responseOverride to the Gateway, if you own it'), 'unmatched path', { status: 404, errorCode: null }),
    probed(differs('headers', 'no Retry-After on 429: Envoy\'s rate-limit replies carry x-ratelimit-limit / -remaining / -reset (and x-envoy-ratelimited) instead'), 'over the rate limit', { headers: { 'retry-after': null } }),
    differs('deploy', 'Envoy Gateway applies one BackendTrafficPolicy per target: the contract rides in each policy anygate emits; another BackendTrafficPolicy of yours on the same HTTPRoute or rule takes one of them out'),
  ],
} as const satisfies Record<string, readonly BehaviourDifference[]>;
