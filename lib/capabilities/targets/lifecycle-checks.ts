/**
 * Checks of the lifecycle features (versions.*, release.canary) per target: the names a version
 * selector hands to a target's language, the scheme an Azure `azure.versioning` option already
 * fixes, and the base paths a canary's two backends must share where one rewrite serves both.
 * The records in targets/<target>.ts attach them.
 */
import { canaryBackendPair } from '../../model/canary';
import type { SynthesisProblem } from '../../model/errors';
import type { HttpBackendSpec } from '../../model/types';
import type { CheckContext } from '../types';
import { strings as apigeeStrings } from './apigee-checks';
import { strings as apimStrings } from './azure-checks';

type Check = (ctx: CheckContext) => SynthesisProblem[];

const AZURE_SCHEME = { path: 'Segment', header: 'Header', query: 'Query' } as const;

/** The scheme an ApiVersionSet uses for the spec's versions. */
export function azureScheme(scheme: 'path' | 'header' | 'query'): 'Segment' | 'Header' | 'Query' {
  return AZURE_SCHEME[scheme];
}

/** Azure: the selector name is a header or query name APIM takes literally; azure.versioning agrees. */
export const azureVersionChecks: Check = (ctx) => {
  const v = ctx.spec.versions!;
  const out: SynthesisProblem[] = [];
  const option = ctx.spec.azure?.versioning;
  if (option && option !== azureScheme(v.scheme)) out.push(ctx.problem('gateway', `azure.versioning is ${option} but versions.scheme is ${v.scheme} (${azureScheme(v.scheme)}); remove azure.versioning: versions.scheme sets the version set's scheme`));
  if (v.scheme === 'header') out.push(...apimStrings(ctx, [['header', v.name, 'gateway', 'versions.name']]));
  if (v.scheme === 'query') out.push(...apimStrings(ctx, [['plainName', v.name, 'gateway', 'versions.name']]));
  return out;
};

/** Apigee: the selector becomes a flow variable (request.header.<name> / request.queryparam.<name>). */
export const apigeeVersionChecks: Check = (ctx) => {
  const v = ctx.spec.versions!;
  if (v.scheme === 'header') return apigeeStrings(ctx, [['headerVariable', v.name, 'gateway', 'versions.name']]);
  if (v.scheme === 'query') return apigeeStrings(ctx, [['queryVariable', v.name, 'gateway', 'versions.name']]);
  return [];
};

/** Gateway API matches a header or query parameter by an HTTPHeaderName (an RFC 7230 token). */
export const kubernetesVersionChecks: Check = (ctx) => {
  const v = ctx.spec.versions!;
  if (v.scheme === 'path' || /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,256}$/.test(v.name)) return [];
  return [ctx.problem('gateway', `versions.name ${JSON.stringify(v.name)} is not an HTTP token, which a Gateway API ${v.scheme === 'header' ? 'header' : 'query parameter'} match requires; use letters, digits and !#$%&'*+-.^_\`|~`)];
};

const basePath = (url: string) => new URL(url).pathname.replace(/\/+$/, '');
const scheme = (url: string) => new URL(url).protocol;

/**
 * Where one URL rewrite (Apigee's LoadBalancer <Path>, an Envoy rule's rewrite) serves both of a
 * canary's backends, their base paths must agree.
 */
export const canarySamePath: Check = (ctx) => {
  const c = canaryBackendPair(ctx.spec);
  if (!c) return [];
  const [a, b] = [ctx.spec.backends[c.of] as HttpBackendSpec, ctx.spec.backends[c.backend] as HttpBackendSpec];
  return basePath(a.url!) === basePath(b.url!) ? [] : [ctx.problem('gateway', `release.canary: backends ${c.of} (${basePath(a.url!) || '/'}) and ${c.backend} (${basePath(b.url!) || '/'}) have different base paths; one rewrite serves both here, so give them the same path`)];
};

/** AWS: the canary overrides the stage variable that holds the backend's host, not its scheme. */
export const canarySameScheme: Check = (ctx) => {
  const c = canaryBackendPair(ctx.spec);
  if (!c) return [];
  const [a, b] = [ctx.spec.backends[c.of] as HttpBackendSpec, ctx.spec.backends[c.backend] as HttpBackendSpec];
  return scheme(a.url!) === scheme(b.url!) ? [] : [ctx.problem('gateway', `release.canary: backends ${c.of} and ${c.backend} use different schemes; the canary overrides the stage variable holding the host, and the integration URI fixes the scheme: use https for both`)];
};
