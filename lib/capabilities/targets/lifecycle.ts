/**
 * What each target does with the lifecycle features: API versions (by path segment, header or
 * query parameter), deprecation headers, and canary releases. Spread into each target's records
 * (targets/<target>.ts); docs/lifecycle.md explains the mappings.
 */
import type { CheckContext, TargetCapability } from '../types';
import type { SynthesisProblem } from '../../model/errors';
import { differs, emulated as e, native as n, unsupported as u } from './helpers';
import { KUBERNETES_DIFFERENCES as KD } from './kubernetes-differences';
import { apigeeVersionChecks, azureVersionChecks, canarySamePath, canarySameScheme, kubernetesVersionChecks } from './lifecycle-checks';

type LifecycleFeature = 'versions.path' | 'versions.header' | 'versions.query' | 'versions.deprecation' | 'release.canary' | 'release.canary.version' | 'release.canary.sticky' | 'revisions';
/** More than one revision is more than one content at one address, which the target cannot hold. */
const oneRevision = (why: string) => (ctx: CheckContext): SynthesisProblem[] => ((ctx.spec.revisions?.list.length ?? 0) > 1 ? [ctx.problem('gateway', why)] : []);

type LifecycleRecords = Record<LifecycleFeature, TargetCapability>;

const gatewayMade = (who: string, remedy: string) =>
  differs('headers', `responses ${who} makes itself (auth refusals, rate-limit 429s, gateway errors) carry no Deprecation, Sunset or Link header; only responses that pass the route's response path do`, remedy);

const perRequest = (how: string) => differs('accuracy', `${how} draws each request independently: one client's successive requests may reach either backend (no stickiness)`, 'make the canary backend compatible with the stable one for every request, or use a version instead');

/**
 * A version canary is lowered to a backend canary of the paired routes (lib/model/canary.ts): the
 * request passes the shared version's route, which validation keeps equal to the canary version's
 * route but for the backend, so clients see the shared version's deprecation headers.
 */
const versionCanary = (how: string) =>
  n(`the shared version's routes that the canary version also serves get a backend of their own (a copy of theirs), and ${how} splits it with the canary version's backend`, {
    differences: [
      differs('headers', "a request drawn to the canary version still answers with the shared version's Deprecation, Sunset and Link headers (the client named that version); the routes are otherwise equal (validation requires it)", 'none needed; promote by moving clients to the new version'),
    ],
  });

export const AWS_LIFECYCLE: LifecycleRecords = {
  'versions.path': n('one RestApi: each version\'s routes sit under its path segment (/v1/items/{id}) and the integration URI drops it; stages, usage plans and keys are shared by every version, so adding a version replaces nothing deployed'),
  'versions.header': u('a REST API selects a method by path and HTTP method only, never by a header value; use versions.scheme path on AWS'),
  'versions.query': u('a REST API selects a method by path and HTTP method only, never by a query parameter; use versions.scheme path on AWS'),
  'versions.deprecation': n('the version\'s routes answer through the generated transform Lambda, which sets Deprecation, Sunset and Link (mock routes: integration response headers)', {
    differences: [gatewayMade('API Gateway', 'add the headers to the gateway responses by hand if clients must see them on errors too')],
  }),
  'release.canary': n('stage CanarySetting on the stage\'s own deployment: PercentTraffic, and StageVariableOverrides pointing the backend\'s host variable at the canary backend', {
    check: canarySameScheme,
    differences: [perRequest('API Gateway')],
  }),
  'release.canary.version': versionCanary("the stage's CanarySetting (StageVariableOverrides on that backend's host variable, on the stage's own deployment: a canary deployment of other methods at the same paths is not expressible, since one RestApi has one definition when the stack deploys)"),
  revisions: n('one revision is the API as it is (no revision resource)', { check: oneRevision('a stage runs one deployment of the one RestApi, so one address holds one content; the honest equivalent of a non-current revision is another stage (stages: { test: {} }, reached at its own stage URL) or the canary (release.canary). Keep one revision for aws') }),

  'release.canary.sticky': u('a stage canary draws every request by PercentTraffic; API Gateway has no header or cookie affinity between the canary and the stage. Drop stickiness, or use versions (a client that must stay on the new backend names its version)'),
};

export const AZURE_LIFECYCLE: LifecycleRecords = {
  'versions.path': n('ApiVersionSet (versioningScheme Segment) with one Api per version; the first version keeps the unversioned Api\'s id and path', { check: azureVersionChecks }),
  'versions.header': n('ApiVersionSet (versioningScheme Header, versionHeaderName) with one Api per version; the first version keeps the unversioned Api\'s id and path', { check: azureVersionChecks }),
  'versions.query': n('ApiVersionSet (versioningScheme Query, versionQueryName) with one Api per version; the first version keeps the unversioned Api\'s id and path', { check: azureVersionChecks }),
  'versions.deprecation': n('set-header in the outbound section of the deprecated version\'s Api', {
    differences: [gatewayMade('API Management', 'add set-header to the on-error section by hand if clients must see them on errors too')],
  }),
  'release.canary': n('a Pool Backend of the two backends, weighted 100 - percent and percent', { differences: [perRequest('the backend pool')] }),
  'release.canary.version': versionCanary("a Pool Backend in the shared version's Api"),
  revisions: n("one Api per revision: the current revision is the API's own Api (apiId, isCurrent, apiRevision, apiRevisionDescription), each other revision an Api named <apiId>;rev=N (sourceApiId the current one) with the routes it holds and its own policy, reachable at <path>;rev=N for testing; making another revision current is an edit of `current`", {
    check: (ctx) => (ctx.spec.versions ? [ctx.problem('gateway', 'revisions beside versions: a version set holds one Api per version, each with revisions of its own, which anygate does not emit yet; use versions or revisions')] : []),
    differences: [differs('deploy', 'a non-current revision is reached at the API path followed by ;rev=N (https://<service>.azure-api.net/<stage>;rev=2/...); clients of the API path reach the current revision only')],
  }),
  'release.canary.sticky': e('a choose in the inbound policy of the routes on the shared backend: a request carrying the header (or cookie) goes to the member backend its value\'s FNV-1a bucket (mod 100) names, computed by a policy expression; a request without it goes to the weighted pool', {
    differences: [differs('accuracy', 'callers without the header or cookie are still drawn per request by the pool; the gateway sets no cookie of its own', 'have clients send the header or cookie (a user id, a session cookie your application sets)')],
  }),
};

export const APIGEE_LIFECYCLE: LifecycleRecords = {
  'versions.path': e('one proxy: each version\'s conditional flows match under its path segment (/v1/items/*); a JavaScript policy sets target.url without the segment'),
  'versions.header': n('one proxy: each version\'s conditional flows also test request.header.<name>', { check: apigeeVersionChecks }),
  'versions.query': n('one proxy: each version\'s conditional flows also test request.queryparam.<name>', { check: apigeeVersionChecks }),
  'versions.deprecation': n('AssignMessage on the response of the version\'s flows', {
    differences: [gatewayMade('Apigee', 'add the headers in a DefaultFaultRule by hand if clients must see them on errors too')],
  }),
  'release.canary': n('a LoadBalancer (Algorithm Weighted) over one TargetServer per backend, weights 100 - percent and percent', { check: canarySamePath, differences: [perRequest('the weighted LoadBalancer')] }),
  'release.canary.version': versionCanary('a weighted LoadBalancer (one TargetServer per backend)'),
  revisions: n('one revision is the API as it is (no revision resource)', { check: oneRevision('an environment runs one deployed revision of a proxy; a non-default proxy revision is not reachable beside it. The honest equivalent is another environment (a stage) or a version; keep one revision for apigee') }),

  'release.canary.sticky': u('the weighted LoadBalancer draws every request; it has no affinity by header or cookie, and anygate does not yet emit the conditional RouteRules that would pin a caller. Drop stickiness on Apigee'),
};

/** Apigee BASE environments cannot run the JavaScript that strips the version segment. */
export const APIGEE_BASE_LIFECYCLE: Partial<LifecycleRecords> = {
  'versions.path': u('the backend path without the version segment is set by JavaScript, an extensible policy BASE environments cannot run; use versions.scheme header or query, or an INTERMEDIATE environment'),
};

export const KUBERNETES_LIFECYCLE: LifecycleRecords = {
  'versions.path': n('HTTPRoute path matches under the version\'s segment; a URLRewrite drops it'),
  'versions.header': n('HTTPRoute rule matches with an Exact header match', { check: kubernetesVersionChecks }),
  'versions.query': n('HTTPRoute rule matches with an Exact queryParams match', { check: kubernetesVersionChecks }),
  'versions.deprecation': n('ResponseHeaderModifier filter on the version\'s rules', {
    differences: [gatewayMade('Envoy', 'none in the HTTPRoute; an EnvoyPatchPolicy could add them')],
  }),
  'release.canary': n('two weighted backendRefs on each rule (Envoy weighted clusters)', { check: canarySamePath, differences: [...KD['backend.weighted'], perRequest('Envoy')] }),
  'release.canary.version': versionCanary("two weighted backendRefs on the shared version's rules"),
  revisions: n('one revision is the API as it is (no revision resource)', { check: oneRevision('Gateway API has no revisions: one HTTPRoute rule per method and path is the content. The honest equivalent is a header match (versions: { scheme: header }) or another stage; keep one revision for kubernetes') }),

  'release.canary.sticky': u('weighted backendRefs are drawn per request; HTTPRoute sessionPersistence is experimental-channel Gateway API (absent from the standard CRDs anygate validates against) and pins an endpoint, not a side of the split. Drop stickiness on Kubernetes'),
};
