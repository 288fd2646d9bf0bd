/**
 * Custom domains and mutual TLS, per target: the six domain FeatureIds' entries, spread into each
 * target's base column (and Azure's tiers). The checks here are the only place a domain is refused:
 * a missing per-target certificate or truststore, an endpoint or base path the target cannot map.
 */
import type { SynthesisProblem } from '../../model/errors';
import type { DomainSpec } from '../../model/domains';
import type { CheckContext, TargetCapability, Target } from '../types';
import { differs, native as n, unsupported as u } from './helpers';
import { stageMetersCertificates } from '../../model/client-certificates';

type DomainFeature = 'domain' | 'domain.basePath' | 'domain.basePath.multiLevel' | 'domain.endpoint' | 'mtls' | 'mtls.headers' | 'mtls.consumers';
type Records = Record<DomainFeature, TargetCapability>;

const domainsOf = (ctx: CheckContext): DomainSpec[] => ctx.spec.domains ?? [];

const CERTIFICATE_FORM: Record<Target, string> = {
  aws: 'an ACM certificate ARN',
  azure: 'a Key Vault secret id',
  apigee: 'google-managed or a Certificate Manager certificate',
  kubernetes: 'a TLS Secret name',
};
const TRUSTSTORE_FORM: Record<Target, string> = {
  aws: 'an S3 URI of a PEM bundle',
  azure: 'the issuing CA thumbprints',
  apigee: 'a Certificate Manager trust config',
  kubernetes: 'a ConfigMap or Secret holding ca.crt',
};

/**
 * A refusal about one domain, placed at its field: the path names the domain by its name (the
 * normalized spec keeps domains sorted by name; the CLI finds the entry in the input).
 */
const atDomain = (ctx: CheckContext, d: DomainSpec, field: string | undefined, message: string): SynthesisProblem => ({
  ...ctx.problem('gateway', message),
  path: ['domains', d.name, ...(field ? [field] : [])],
});

/** Every domain names a certificate for this target. */
const certificates = (ctx: CheckContext): SynthesisProblem[] =>
  domainsOf(ctx)
    .filter((d) => !d.certificate[ctx.target])
    .map((d) => atDomain(ctx, d, 'certificate', `domain ${d.name} has no certificate for ${ctx.target}: set certificate.${ctx.target} to ${CERTIFICATE_FORM[ctx.target]}`));

/** Every mTLS domain names a truststore for this target. */
const truststores = (ctx: CheckContext): SynthesisProblem[] =>
  domainsOf(ctx)
    .filter((d) => d.mtls && !d.mtls.truststore[ctx.target])
    .map((d) => atDomain(ctx, d, 'mtls', `domain ${d.name} requires client certificates but names no truststore for ${ctx.target}: set mtls.truststore.${ctx.target} to ${TRUSTSTORE_FORM[ctx.target]}`));

const all = (...checks: ((ctx: CheckContext) => SynthesisProblem[])[]) => (ctx: CheckContext) => checks.flatMap((c) => c(ctx));

/**
 * Targets whose gateway routes by path alone (APIM, Apigee, Envoy with one listener) cannot keep
 * a stage open on one host and closed on another: a client can send any Host. A stage with one
 * mTLS domain therefore requires client certificates on every host, and its domains must agree.
 */
const stageWideMtls = (ctx: CheckContext): SynthesisProblem[] => {
  const byStage = new Map<string, DomainSpec[]>();
  for (const d of domainsOf(ctx)) byStage.set(d.stage, [...(byStage.get(d.stage) ?? []), d]);
  const out: SynthesisProblem[] = [];
  for (const [stage, ds] of byStage) {
    const withMtls = ds.filter((d) => d.mtls);
    if (!withMtls.length) continue;
    const without = ds.filter((d) => !d.mtls);
    if (without.length) out.push(atDomain(ctx, without[0], undefined, `stage ${stage}: domain ${withMtls[0].name} requires client certificates and ${without.map((d) => d.name).join(', ')} does not; ${ctx.target} checks client certificates for the whole stage (any host reaches it), so give every domain of the stage the same mtls, or serve the other host from another stage`));
    const stores = new Set(withMtls.map((d) => JSON.stringify(d.mtls!.truststore[ctx.target] ?? null)));
    const headers = new Set(withMtls.map((d) => JSON.stringify(d.mtls!.clientCertificate.headers)));
    if (stores.size > 1 || headers.size > 1) out.push(atDomain(ctx, withMtls[1], 'mtls', `stage ${stage}: domains ${withMtls.map((d) => d.name).join(', ')} declare different ${ctx.target} truststores or certificate headers; ${ctx.target} applies one client-certificate rule per stage, so make them equal`));
  }
  return out;
};

const sharedPathRefusal = (where: string) =>
  u(`the API has one path on every host of ${where}, so a host cannot add its own prefix; put the prefix in the spec's basePath (it applies on every host) and leave the domain's basePath empty`);

// https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html: mutual TLS
// on regional custom domains only; the default execute-api endpoint must be disabled or clients skip it.
const awsEndpoint = (ctx: CheckContext): SynthesisProblem[] =>
  domainsOf(ctx).flatMap((d) => {
    if (d.endpoint === 'private') return [atDomain(ctx, d, 'endpoint', `domain ${d.name}: private custom domain names need AWS::ApiGateway::DomainNameV2 with a VPC endpoint access association, which anygate does not emit; use endpoint regional (inside a VPC: a regional domain in front of a private API is not possible either, so serve it through your own load balancer)`)];
    if (d.endpoint === 'edge' && d.certificate.aws && !d.certificate.aws.includes(':acm:us-east-1:')) return [atDomain(ctx, d, 'certificate', `domain ${d.name}: an edge-optimized domain needs its ACM certificate in us-east-1 (CloudFront reads it there); got ${d.certificate.aws}`)];
    return [];
  });
const awsRegionalOnly = (what: string) => (ctx: CheckContext): SynthesisProblem[] =>
  domainsOf(ctx)
    .filter((d) => d.endpoint !== 'regional' && (what === 'mutual TLS' ? d.mtls : d.basePath.includes('/')))
    .map((d) => atDomain(ctx, d, 'endpoint', `domain ${d.name}: API Gateway supports ${what} on regional custom domains only; set endpoint: regional`));

export const AWS_DOMAINS: Records = {
  domain: n('AWS::ApiGateway::DomainName (regional or edge certificate from ACM) and an AWS::ApiGateway::BasePathMapping to the stage; the stack outputs the alias target for the DNS record', { check: certificates }),
  'domain.basePath': n('BasePathMapping basePath (one segment)'),
  'domain.basePath.multiLevel': n('AWS::ApiGatewayV2::ApiMapping (apiMappingKey with several segments), regional domains only', { check: awsRegionalOnly('multi-level base paths') }),
  'domain.endpoint': n('edge: DomainName with an us-east-1 certificate behind CloudFront; private domains are refused', { check: awsEndpoint }),
  mtls: n('DomainName MutualTlsAuthentication with the S3 truststore; the default execute-api endpoint is disabled so no client can skip the certificate check (every stage is then reached through its custom domains only)', {
    check: all(truststores, awsRegionalOnly('mutual TLS')),
    differences: [differs('status', 'a client without a valid certificate fails the TLS handshake: no HTTP status at all (the spec answers 403 where a gateway can)')],
  }),
  'mtls.headers': u('API Gateway REST APIs give the verified certificate to Lambda authorizers and access logs ($context.identity.clientCert) but a header mapping to an HTTP backend is not something anygate emits, and there is no fingerprint variable; drop clientCertificate.headers for AWS, or read requestContext.identity.clientCert in a function backend'),
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html: the certificate
  // reaches Lambda authorizers as requestContext.identity.clientCert; usage plans meter API keys only.
  'mtls.consumers': u("API Gateway meters usage plans by API key only. The verified certificate reaches a Lambda REQUEST authorizer (requestContext.identity.clientCert.clientCertPem), which could return the consumer's key as usageIdentifierKey, but that needs the key's value in the authorizer, and anygate generates consumer keys in API Gateway without one; give the consumer an apiKey for AWS (its clients send x-api-key beside the certificate), or meter certificates on another target"),
};

// https://learn.microsoft.com/azure/api-management/api-management-features: several gateway host
// names on Developer and Premium only; wildcard host names on every tier but Consumption.
const MULTI_HOST_SKUS = new Set(['Developer', 'Premium']);
const azureHosts = (ctx: CheckContext): SynthesisProblem[] => {
  const ds = domainsOf(ctx);
  const out = certificates(ctx);
  if (ds.length > 1 && !MULTI_HOST_SKUS.has(ctx.tiers.azureSku)) out.push({ ...ctx.problem('gateway', `${ds.length} domains (${ds.map((d) => d.name).join(', ')}): API Management ${ctx.tiers.azureSku} has one custom gateway host name per service; use Developer or Premium, or one domain`), path: ['domains'] });
  if (ctx.tiers.azureSku === 'Consumption') for (const d of ds.filter((x) => x.name.startsWith('*.'))) out.push(atDomain(ctx, d, 'name', `domain ${d.name}: Consumption takes no wildcard host names; name the host`));
  return out;
};
const azureMtls = all(truststores, stageWideMtls);

export const AZURE_DOMAINS: Records = {
  domain: n('a Proxy hostname configuration on the service with the Key Vault certificate (the component sets it when it creates the service, and outputs it for an existing one); the API keeps its path (<stage>/<basePath>) on the custom host', {
    check: azureHosts,
    differences: [differs('deploy', 'the stage stays in the path on the custom host (https://<host>/<stage>/<basePath>/...), as on the default host', 'serve each stage from its own service to drop the stage segment')],
  }),
  'domain.basePath': sharedPathRefusal('an API Management service'),
  'domain.basePath.multiLevel': sharedPathRefusal('an API Management service'),
  'domain.endpoint': u('an API Management host name is reached the way the service is (public, or inside its virtual network); edge and private are not per-host settings: put Azure Front Door or a private endpoint in front, and declare the domain regional'),
  mtls: n('negotiateClientCertificate on the host name and validate-client-certificate (trust chain, dates, revocation, issuer thumbprints) at the top of the API policy: the whole stage requires a certificate on every host', {
    check: azureMtls,
    differences: [differs('status', 'a request without a valid certificate gets 401 from validate-client-certificate, after the TLS handshake')],
  }),
  'mtls.consumers': n("in the API policy after validate-client-certificate: a set-variable computes the certificate's SHA-256 (a policy expression over context.Request.Certificate.RawData), and a choose gives each certificate consumer its plan as rate-limit-by-key and quota-by-key on a counter of its own", {
    differences: [differs('status', "a plan quota answers 403 natively (quota-by-key), 429 under the error contract; the rate limit is a fixed window of ceil(burst / rate) s, as a product's is")],
  }),
  'mtls.headers': n('set-header from context.Request.Certificate (Subject; Thumbprint for the fingerprint)', {
    differences: [differs('headers', "the fingerprint is APIM's Thumbprint: SHA-1, upper-case hex (the other targets send SHA-256)", undefined, (s) => Boolean(s.domains?.some((d) => d.mtls?.clientCertificate.headers.fingerprint)))],
  }),
};

/** Consumption asks for client certificates service-wide (enableClientCertificate), not per host. */
export const AZURE_CONSUMPTION_DOMAINS: Partial<Records> = {
  'mtls.consumers': u('Consumption has no rate-limit-by-key or quota-by-key, which meter a certificate consumer; use Developer, Basic, Standard or Premium, or give the consumer an apiKey (a subscription key) on Consumption'),
  mtls: n('enableClientCertificate on the service (Consumption negotiates no certificate per host name: every host and API of the service then asks for one) and validate-client-certificate in the API policy', {
    check: azureMtls,
    differences: [differs('status', 'a request without a valid certificate gets 401 from validate-client-certificate, after the TLS handshake')],
  }),
};

export const APIGEE_DOMAINS: Records = {
  domain: n("an environment group (gcp.apigee.EnvGroup) with the host names, attached to the stage's environment; the certificate is served by the external load balancer in front of Apigee, which anygate does not create (the DNS output names what it must serve)", { check: certificates }),
  'domain.basePath': sharedPathRefusal('an Apigee environment group (the proxy base path)'),
  'domain.basePath.multiLevel': sharedPathRefusal('an Apigee environment group (the proxy base path)'),
  'domain.endpoint': u('Apigee X is reached through the load balancer you put in front of it; edge and private are that load balancer\'s settings, not the proxy\'s: declare the domain regional'),
  mtls: u("Apigee X checks client certificates at the external load balancer (a server TLS policy with a Certificate Manager trust config on its target HTTPS proxy), which anygate does not create, and a proxy cannot require one itself; refusing rather than serving the host without the check. Serve mutual TLS from another target, or configure the load balancer's server TLS policy yourself and drop mtls for apigee"),
  'mtls.headers': u('the load balancer, not the proxy, sees the client certificate (see mtls)'),
  'mtls.consumers': u("the load balancer, not the proxy, sees the client certificate: it could pass the fingerprint in a custom request header ({client_cert_sha256_fingerprint}), but anygate does not create that load balancer and the proxy cannot tell its header from one a client sent around it; give the consumer an apiKey for apigee, or meter certificates on another target"),
};

/**
 * Envoy Gateway applies the most specific BackendTrafficPolicy of a rule: a rule's own (rate limit,
 * circuit breaker, token budget) would drop the plans' rules that meter certificates there.
 */
const certificateRules = (ctx: CheckContext): SynthesisProblem[] => {
  const stages = Object.keys(ctx.spec.stages).filter((st) => stageMetersCertificates(ctx.spec, st));
  if (!stages.length) return [ctx.problem('gateway', 'certificate consumers are metered on stages behind a mutual TLS domain, and no stage has one for kubernetes')];
  return ctx.spec.routes.flatMap((r) => {
    const b = ctx.spec.backends[r.backend];
    const own = r.rateLimit ? 'a rate limit' : b.type === 'http' && b.circuitBreaker ? 'a circuit breaker' : b.type === 'llm' && b.tokenLimit ? 'a token limit' : undefined;
    return own ? [ctx.problem(r.id, `the route has ${own} of its own; Envoy Gateway applies only the most specific BackendTrafficPolicy, which would drop the plan limits that meter certificate consumers on this route (stage ${stages.join(', ')}). Remove one of them for kubernetes`)] : [];
  });
};

export const KUBERNETES_DOMAINS: Records = {
  domain: n("an HTTPS listener per domain on the emitted Gateway (hostname, certificateRefs to the TLS Secret) that admits the stage's HTTPRoutes; the routes carry the domain's host name only when kubernetes.hostnames is set (a stage behind mutual TLS attaches to its mTLS listeners only, see mtls); needs kubernetes.createGateway (an existing Gateway's listeners are its owner's)", {
    check: all(certificates, (ctx) => (ctx.spec.kubernetes?.createGateway ? [] : [{ ...ctx.problem('gateway', 'custom domains need listeners on the Gateway: set kubernetes.createGateway (anygate then emits the Gateway with one HTTPS listener per domain), or add the listeners to your Gateway and list the host names in kubernetes.hostnames instead of domains'), path: ['domains'] }])),
    differences: [
      differs(
        'deploy',
        "the stage is still served by the Gateway's other listeners (createGateway.listeners, by default plain HTTP on port 80), for any Host unless kubernetes.hostnames is set: as the default endpoint on AWS and Azure still serves a stage that has a custom domain, but those serve HTTPS only",
        "set kubernetes.hostnames to the domains' names (the routes then answer those hosts only), and give createGateway.listeners no plain HTTP listener if the stage must be HTTPS only",
        (s) => (s.domains ?? []).some((d) => !(s.domains ?? []).some((m) => m.mtls && m.stage === d.stage)),
      ),
    ],
  }),
  'domain.basePath': sharedPathRefusal("a stage's HTTPRoutes"),
  'domain.basePath.multiLevel': sharedPathRefusal("a stage's HTTPRoutes"),
  'domain.endpoint': u('how a Gateway is reached (public or private load balancer, CDN) is its Service\'s and infrastructure\'s setting, not a listener\'s; declare the domain regional'),
  mtls: n("ClientTrafficPolicy tls.clientValidation (caCertificateRefs) on the domain's listener; the stage's HTTPRoutes attach to its mTLS listeners only, so no other listener reaches the stage without a certificate", {
    check: all(truststores, stageWideMtls),
    differences: [differs('status', 'a client without a valid certificate fails the TLS handshake: no HTTP status at all')],
  }),
  'mtls.consumers': n("the plans' BackendTrafficPolicy gets one global rule per certificate consumer and limit, its clientSelectors matching the Hash (SHA-256) in x-forwarded-client-cert, which the mTLS listener's ClientTrafficPolicy sets from the verified certificate (SanitizeSet replaces a client's own); the policy then covers every rule of the stage, so the same listener policy removes a client's x-anygate-consumer before any filter (earlyRequestHeaders), leaving the API-key consumers' rules only the value the API-key check sets (needs Envoy Gateway's rate-limit service)", {
    check: certificateRules,
    differences: [differs('headers', 'the backend also receives x-forwarded-client-cert (Hash=<sha256>) on a stage that meters certificates'), differs('status', 'a plan quota answers 429 (Envoy has one rate-limit answer)')],
  }),
  'mtls.headers': n("every HTTPRoute rule of the stage sets the spec's headers (RequestHeaderModifier set, which replaces a client's value) to Envoy's %DOWNSTREAM_PEER_SUBJECT% and %DOWNSTREAM_PEER_FINGERPRINT_256% of the verified certificate, and the mTLS listener's ClientTrafficPolicy removes a client's copies before any filter (earlyRequestHeaders); x-forwarded-client-cert (SanitizeSet) carries the Subject and Hash too", {
    differences: [
      differs('headers', 'the subject is in RFC 2253 form (CN=client,O=Example: most specific first, no spaces), the fingerprint is the SHA-256 in lower-case hex without colons (APIM sends its SHA-1 Thumbprint); the backend also receives x-forwarded-client-cert (Hash=<sha256>;Subject="...")'),
      differs('headers', "LLM routes (the AI Gateway's AIGatewayRoute) do not get the headers: a client's copies are removed, nothing is set", undefined, (s) => Object.values(s.backends).some((b) => b.type === 'llm')),
    ],
  }),
};
