/**
 * API versions and canary releases as every target and `anygate dev` read them: the deprecation
 * headers a version answers with, and the expansion of a versioned spec into a flat one (one route
 * per route and version, with the version's path prefix or header/query selector and its
 * deprecation headers as response headers), so the existing route emitters carry versions without
 * knowing about them. Azure API Management, which has version sets, compiles one flat spec per
 * version instead (versionSpec).
 */
import { lowerVersionCanary } from './canary';
import { canonical, responseHeaderTemplates } from './normalize';
import { toSafeName, uniqueName, SAFE_NAME_MAX } from './names';
import type { CanarySpec, GatewaySpec, HttpBackendSpec, RouteSpec, VersionSpec, VersionsSpec } from './types';

/** Seconds since the epoch of a validated date (`2027-01-31` is midnight UTC). */
function epochSeconds(date: string): number {
  return Math.floor(Date.parse(date) / 1000);
}

/**
 * The response headers a version answers with: `Deprecation: @<epoch seconds>` (RFC 9745, a
 * structured-field date), `Sunset: <IMF-fixdate>` (RFC 8594) and `Link: <url>; rel="deprecation"`.
 * Empty for a version that is neither deprecated nor sunsetting.
 */
export function deprecationHeaders(v: VersionSpec): Record<string, string> {
  const out: Record<string, string> = {};
  if (v.deprecated) out.Deprecation = `@${epochSeconds(v.deprecated)}`;
  if (v.sunset) out.Sunset = new Date(Date.parse(v.sunset)).toUTCString();
  if (v.link) out.Link = `<${v.link}>; rel="deprecation"; type="text/html"`;
  return out;
}

/** The versions with deprecation headers, by name. */
export function deprecatedVersions(spec: GatewaySpec): VersionSpec[] {
  return (spec.versions?.list ?? []).filter((v) => Object.keys(deprecationHeaders(v)).length > 0);
}

/** A route with the version's deprecation headers added to its response headers (the route's own values win). */
function withHeaders(route: RouteSpec, version: VersionSpec): RouteSpec {
  const headers = deprecationHeaders(version);
  if (!Object.keys(headers).length) return route;
  const res = route.transform?.response;
  const own = new Set([...Object.keys(res?.setHeaders ?? {}), ...(res?.removeHeaders ?? [])].map((h) => h.toLowerCase()));
  const added = Object.fromEntries(Object.entries(headers).filter(([h]) => !own.has(h.toLowerCase())));
  const setHeaders = { ...added, ...res?.setHeaders };
  return {
    ...route,
    transform: { ...route.transform, response: { ...res, setHeaders } },
    templates: { setHeaders: {}, setQuery: {}, body: [], ...route.templates, responseHeaders: responseHeaderTemplates(setHeaders) },
  };
}

/** The id of a route's copy in one version: `<id>-<version>`, kept a safe name and unique. */
function versionedId(id: string, version: string, taken: Set<string>): string {
  const raw = toSafeName(`${id}-${version}`, 'route');
  const id2 = uniqueName(raw.length > SAFE_NAME_MAX ? toSafeName(raw.slice(0, SAFE_NAME_MAX)) : raw, taken);
  taken.add(id2.toLowerCase());
  return id2;
}

/**
 * A route under its version's path segment. The backend still receives the path without the
 * segment (as under header or query versioning, and as API Management's Segment scheme does): a
 * route without a rewrite gets one to its own path.
 */
function underSegment(route: RouteSpec, version: string): RouteSpec {
  const moved: RouteSpec = { ...route, path: `/${version}${route.path === '/' ? '' : route.path}`, segments: [{ kind: 'literal', value: version }, ...route.segments] };
  if (route.templates?.rewritePath) return moved;
  const req = route.transform?.request;
  return {
    ...moved,
    transform: { ...route.transform, request: { ...req, rewritePath: route.path } },
    templates: { setHeaders: {}, setQuery: {}, body: [], responseHeaders: {}, ...route.templates, rewritePath: route.segments },
  };
}

/** One route's copy in one version, on path, header or query versioning. */
function routeIn(route: RouteSpec, version: VersionSpec, scheme: VersionsSpec, taken: Set<string>): RouteSpec {
  const { versions: _versions, ...rest } = route;
  const base: RouteSpec = { ...rest, id: versionedId(route.id, version.name, taken) };
  const placed: RouteSpec = scheme.scheme === 'path' ? underSegment(base, version.name) : { ...base, select: { in: scheme.scheme, name: scheme.name, value: version.name } };
  return withHeaders(placed, version);
}

/**
 * The flat spec of a versioned one: every route once per version it serves. Unversioned specs are
 * returned as they are (the same object), so they emit exactly what they did before versions.
 */
export function expandVersions(versioned: GatewaySpec): GatewaySpec {
  const v = versioned.versions;
  if (!v) return versioned;
  // A version canary is a backend canary of the paired routes (lib/model/canary.ts).
  const spec = lowerVersionCanary(versioned);
  const taken = new Set<string>();
  const routes = v.list.flatMap((version) => spec.routes.filter((r) => r.versions?.includes(version.name)).map((r) => routeIn(r, version, v, taken)));
  const order = new Map(routes.map((r, i) => [r, i]));
  routes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : order.get(a)! - order.get(b)!));
  return canonical({ ...spec, versions: undefined, routes });
}

/**
 * The flat spec of one version alone (Azure: one API per version in a version set): the version's
 * routes with their own ids and paths, and its deprecation headers.
 */
export function versionSpec(versioned: GatewaySpec, version: string): GatewaySpec {
  const spec = lowerVersionCanary(versioned);
  const v = spec.versions!.list.find((x) => x.name === version)!;
  const routes = spec.routes.filter((r) => r.versions?.includes(version)).map((r) => {
    const { versions: _versions, ...rest } = r;
    return withHeaders(rest, v);
  });
  return canonical({ ...spec, versions: undefined, routes });
}

/**
 * A canary as weighted targets: the shared backend becomes two targets, its own url at
 * 100 - percent and the canary's url at percent. The targets that split per request with weights
 * (Azure backend pools, Apigee LoadBalancer, Envoy weighted clusters) read this; AWS reads
 * `release.canary` itself (stage canary settings). A sticky canary keeps `release` (Azure reads it).
 * A version canary is lowered first (lib/model/canary.ts lowerVersionCanary).
 */
export function canaryAsWeights(versioned: GatewaySpec): GatewaySpec {
  const spec = lowerVersionCanary(versioned);
  const c = spec.release?.canary;
  if (!c) return spec;
  const of = spec.backends[c.of] as HttpBackendSpec;
  const canary = spec.backends[c.backend!] as HttpBackendSpec;
  const targets = [
    { url: of.url!, weight: 100 - c.percent },
    { url: canary.url!, weight: c.percent },
  ].sort((x, y) => (x.url < y.url ? -1 : x.url > y.url ? 1 : x.weight - y.weight));
  const { url: _url, ...rest } = of;
  // A sticky canary stays named: Azure pins callers to the pool's members by it (the other targets refuse stickiness).
  return canonical({ ...spec, release: c.stickiness ? spec.release : undefined, backends: { ...spec.backends, [c.of]: { ...rest, targets } } });
}

/** What the weighted targets read: versions expanded and the canary as weights. */
export function flatSpec(spec: GatewaySpec): GatewaySpec {
  return canaryAsWeights(expandVersions(spec));
}

const FLAT = new WeakMap<GatewaySpec, GatewaySpec>();

/**
 * flatSpec(spec), worked out once per spec object: the Kubernetes records' Service-name check and
 * the Kubernetes compiler both read it, one after the other, for the same spec. Specs are not
 * changed once normalized (the capability memos rely on the same), and the flat spec is only read.
 */
export function flatSpecOf(spec: GatewaySpec): GatewaySpec {
  let flat = FLAT.get(spec);
  if (!flat) FLAT.set(spec, (flat = flatSpec(spec)));
  return flat;
}

/** FNV-1a's 32-bit offset basis and prime. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/**
 * The bucket (0-99) of a sticky canary's header or cookie value: FNV-1a (32 bit) over the value's
 * UTF-16 code units, mod 100. A value whose bucket is below `percent` always reaches the canary.
 * The targets that keep callers on one side compute the same function (Azure: a policy
 * expression, azureCanaryBucketExpression), and so does `anygate dev`.
 */
export function canaryBucket(value: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), FNV_PRIME) >>> 0;
  return h % 100;
}

/**
 * The value of a cookie in a Cookie header (the first of that name), or undefined. Pairs are split
 * on `;` and `,`: API Management joins repeated Cookie fields (HTTP/2 cookie crumbs) with `,`, which
 * a cookie-octet never holds (RFC 6265 §4.1.1); Azure's expression (providers/azure/emit/canary.ts)
 * splits alike.
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(/[;,]/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Where a sticky canary reads its value: a header or a cookie, and its name. */
export function stickyKey(st: NonNullable<CanarySpec['stickiness']>): { in: 'header' | 'cookie'; name: string } {
  return 'header' in st ? { in: 'header', name: st.header } : { in: 'cookie', name: st.cookie };
}
