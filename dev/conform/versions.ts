/**
 * Conformance cases for API versions: each version answers (a deprecated one with its
 * Deprecation, Sunset and Link headers, a current one without them), and a request that names no
 * version, or an unknown one, matches no route. Under header or query versioning every generated
 * case carries its route's version selector.
 */
import { deprecationHeaders } from '../../lib/model/versions';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { refusal, type Profile } from '../profiles';
import type { ConformVector } from './vectors';
import { basePrefix } from '../../lib/model/path';

const UNKNOWN_VERSION = 'anygate-conform-unknown-version';

/** The cases with the route's version selector (header or query parameter) added to each request. */
export function withSelector(r: RouteSpec, cases: ConformVector[]): ConformVector[] {
  const s = r.select;
  if (!s) return cases;
  return cases.map((c) => ({ ...c, request: { ...c.request, ...(s.in === 'header' ? { headers: { ...c.request.headers, [s.name]: s.value } } : { query: { ...c.request.query, [s.name]: s.value } }) } }));
}

/** The request of a flat route with the selector of another version (or none). */
function reselect(req: ConformVector['request'], r: RouteSpec, versioned: GatewaySpec, version: string | undefined): ConformVector['request'] {
  const v = versioned.versions!;
  if (v.scheme === 'path') {
    const first = r.segments[0].kind === 'literal' ? r.segments[0].value : '';
    const base = basePrefix(versioned.basePath);
    const rest = req.path.slice(base.length + 1 + first.length);
    return { ...req, path: `${base}${version === undefined ? '' : `/${version}`}${rest}` || '/' };
  }
  const place = v.scheme === 'header' ? 'headers' : 'query';
  const own = { ...req[place] };
  delete own[v.name];
  return { ...req, [place]: version === undefined ? own : { ...own, [v.name]: version } };
}

export function versionCases(versioned: GatewaySpec, flat: GatewaySpec, profile: Profile, request: (r: RouteSpec) => ConformVector['request']): ConformVector[] {
  const v = versioned.versions;
  if (!v) return [];
  const out: ConformVector[] = [];
  // One GET route per version, public or with the credentials the generator can mint.
  const sample = (version: string) => flat.routes.find((r) => r.method === 'GET' && (r.select ? r.select.value === version : r.segments[0]?.kind === 'literal' && r.segments[0].value === version) && !(r.auth !== 'none' && r.auth.flat().some((n) => flat.authorizers[n].type === 'custom')));
  for (const version of v.list) {
    const r = sample(version.name);
    if (!r) continue;
    const req = withSelector(r, [{ name: '', request: request(r), expect: {} }])[0].request;
    const headers = deprecationHeaders(version);
    const expected = Object.keys(headers).length ? Object.fromEntries(Object.entries(headers).map(([k, val]) => [k.toLowerCase(), val])) : { deprecation: null, sunset: null };
    out.push({ name: `version ${version.name}: ${Object.keys(headers).length ? 'answers its deprecation headers' : 'answers without deprecation headers'}`, route: r.id, advanceSeconds: 3600, request: req, expect: { statusNot: [401, 403, 404, 429], headers: expected } });
  }
  const first = sample(v.list[0].name);
  if (first) {
    const req = withSelector(first, [{ name: '', request: request(first), expect: {} }])[0].request;
    const noRoute = refusal(profile, 'noRoute', { errors: versioned.errors }).status;
    out.push({ name: 'a request that names no version matches no route', route: first.id, request: reselect(req, first, versioned, undefined), expect: { status: noRoute } });
    out.push({ name: 'a request that names an unknown version matches no route', route: first.id, request: reselect(req, first, versioned, UNKNOWN_VERSION), expect: { status: noRoute } });
  }
  out.push(...versionCanaryCases(versioned, flat, request));
  return out;
}

/** Requests sent to a version canary's shared route: enough that a 1% canary is drawn about once. */
const CANARY_REPEAT = 100;

/**
 * A version canary (release.canary.version): the shared version's paired route keeps answering as
 * that version (its deprecation headers, a reachable route) on both sides of the split. Which
 * backend answered is not visible to a client, so the split itself is tested by dev's tests.
 */
function versionCanaryCases(versioned: GatewaySpec, flat: GatewaySpec, request: (r: RouteSpec) => ConformVector['request']): ConformVector[] {
  const c = versioned.release?.canary;
  const copy = flat.release?.canary?.of;
  if (!c?.version || !copy) return [];
  const r = flat.routes.find((x) => x.backend === copy && x.method !== 'ANY' && (x.auth === 'none' || x.auth.flat().every((n) => flat.authorizers[n].type !== 'custom')));
  if (!r) return [];
  const version = versioned.versions!.list.find((v) => v.name === c.of)!;
  const headers = deprecationHeaders(version);
  const expected = Object.keys(headers).length ? Object.fromEntries(Object.entries(headers).map(([k, val]) => [k.toLowerCase(), val])) : { deprecation: null, sunset: null };
  const req = withSelector(r, [{ name: '', request: request(r), expect: {} }])[0].request;
  return [
    {
      name: `version canary: ${c.of}'s ${r.method} ${r.path} answers as ${c.of} on either side of the ${c.percent}% split to ${c.version}`,
      route: r.id,
      advanceSeconds: 3600,
      // Limits and quotas would answer 429 to a burst: then one request.
      request: { ...req, repeat: r.auth === 'none' && !r.rateLimit && !Object.values(flat.stages).some((st) => st.throttle) ? CANARY_REPEAT : 1 },
      expect: { statusNot: [401, 403, 404, 429, 500, 502, 503], headers: expected },
    },
  ];
}
