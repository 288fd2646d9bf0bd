/**
 * Rules for `versions`, `routes[].versions` and `release.canary` that the schema cannot express:
 * unique version names, known references, a sunset not before the deprecation, a usable header or
 * query name, and a canary between two single-URL http backends.
 */
import { versionCanaryPairs } from './canary';
import type { SpecIssue } from './errors';
import type { ParsedGateway } from './parse';
import type { z } from 'zod';
import type { Canary, Versions } from './schema';
import type { CanarySpec, VersionsSpec } from './types';

type Path = (string | number)[];

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const QUERY_NAME = /^(?!@)[A-Za-z0-9._~!$'()*+,;:@-]+$/;

/** True when `versions` was given but did not parse: its errors are already reported, so nothing that reads it adds follow-on errors. */
function versionsUnparsed(p: ParsedGateway, issues: readonly SpecIssue[]): boolean {
  return p.versions === undefined && issues.some((i) => i.severity === 'error' && i.path[0] === 'versions');
}

export function checkVersions(p: ParsedGateway, issues: SpecIssue[]): void {
  const v = p.versions;
  const err = (path: Path, message: string) => issues.push({ path, message, severity: 'error' });
  if (versionsUnparsed(p, issues)) {
    checkCanary(p, issues, false);
    return;
  }
  const names = new Map<string, number>();
  if (v) {
    if (v.scheme === 'path' && v.name !== undefined) err(['versions', 'name'], 'path versioning reads the first path segment; name applies to header and query versioning only: remove it');
    if (v.scheme === 'header' && v.name !== undefined && !TOKEN.test(v.name)) err(['versions', 'name'], `is not a valid HTTP header name (got ${JSON.stringify(v.name)})`);
    if (v.scheme === 'query' && v.name !== undefined && !QUERY_NAME.test(v.name)) err(['versions', 'name'], `is not a usable query parameter name (got ${JSON.stringify(v.name)})`);
    v.list.forEach((ver, i) => {
      const key = ver.name.toLowerCase();
      if (names.has(key)) err(['versions', 'list', i, 'name'], `duplicates versions.list[${names.get(key)}] (names are compared without case: they name resources in Azure and Apigee); rename one`);
      else names.set(key, i);
      if (ver.sunset && ver.deprecated && Date.parse(ver.sunset) < Date.parse(ver.deprecated)) err(['versions', 'list', i, 'sunset'], `${ver.sunset} is before deprecated ${ver.deprecated}: RFC 9745 asks that a version is deprecated before it sunsets`);
      if (ver.link && !ver.deprecated && !ver.sunset) err(['versions', 'list', i, 'link'], 'a deprecation link needs deprecated or sunset on the version (the Link header is sent with them)');
      if (ver.link && /[<>"'\s{}\\]/.test(ver.link)) err(['versions', 'list', i, 'link'], 'must not contain <, >, {, }, backslashes, quotes or spaces (it is sent inside a Link header); percent-encode them');
    });
  }
  const used = new Set<string>();
  for (const { index, route } of p.routes) {
    if (!route?.versions) continue;
    if (!v) {
      err(['routes', index, 'versions'], 'names versions, but the spec declares none: add versions: { scheme, list } or remove routes[].versions');
      continue;
    }
    route.versions.forEach((name, i) => {
      const known = v.list.find((x) => x.name === name);
      if (!known) err(['routes', index, 'versions', i], `version ${JSON.stringify(name)} is not in versions.list; versions: ${v.list.map((x) => x.name).join(', ')}`);
      else used.add(name);
    });
  }
  if (v) {
    const everyRoute = p.routes.some(({ route }) => route && !route.versions);
    v.list.forEach((ver, i) => {
      if (!everyRoute && !used.has(ver.name)) err(['versions', 'list', i], `no route serves version ${JSON.stringify(ver.name)}: add it to some routes[].versions (a route without versions serves every version)`);
    });
  }
  checkCanary(p, issues);
}

function checkCanary(p: ParsedGateway, issues: SpecIssue[], versionsKnown = true): void {
  const c = p.release?.canary;
  if (!c) return;
  const err = (path: Path, message: string) => issues.push({ path, message, severity: 'error' });
  const st = c.stickiness;
  if (st && 'header' in st && !TOKEN.test(st.header)) err(['release', 'canary', 'stickiness', 'header'], `is not a valid HTTP header name (got ${JSON.stringify(st.header)})`);
  if (st && 'cookie' in st && !TOKEN.test(st.cookie)) err(['release', 'canary', 'stickiness', 'cookie'], `is not a valid cookie name (RFC 6265: a token; got ${JSON.stringify(st.cookie)})`);
  if ((c.backend === undefined) === (c.version === undefined)) {
    err(['release', 'canary'], 'set exactly one of backend (a share of one backend\'s requests to another) and version (a share of one version\'s requests to another version\'s routes)');
    return;
  }
  if (c.version !== undefined) {
    if (versionsKnown) checkVersionCanary(p, c.version, c.of, err);
    return;
  }
  const of = c.of ?? p.defaults?.backend;
  if (!of) {
    err(['release', 'canary', 'of'], 'is required: name the backend the canary shares traffic with, or set defaults.backend');
    return;
  }
  if (of === c.backend) err(['release', 'canary', 'backend'], `is the backend it shares traffic with (${of}); name another backend`);
  checkCanaryBackends(p, [['backend', c.backend!], ['of', of]], err);
  if (p.routes.every(({ route }) => (route?.backend ?? p.defaults?.backend) !== of)) err(['release', 'canary', 'of'], `no route uses backend ${JSON.stringify(of)}, so the canary would receive nothing`);
}

/** Both sides of a canary are http backends with one url and no per-stage url. */
function checkCanaryBackends(p: ParsedGateway, sides: readonly (readonly [string, string])[], err: (path: Path, message: string) => void): void {
  for (const [key, name] of sides) {
    const path = ['release', 'canary', key];
    const b = p.backends.entries.get(name);
    if (!p.backends.present.has(name)) err(path, `refers to backend ${JSON.stringify(name)}, which is not defined`);
    else if (b && (b.type !== 'http' || !b.url)) err(path, `backend ${JSON.stringify(name)} must be an http backend with one url (a canary splits between two URLs)`);
    for (const [stage, st] of p.stages.entries) {
      if (st.backends?.[name]) err(path, `stage ${stage} overrides backend ${JSON.stringify(name)}'s url; a canary splits between the two backends' own urls: drop the override or the canary`);
    }
  }
}

/** Route fields a version canary's pair may differ in: everything else is the `of` route's request path. */
const PAIR_FREE = new Set(['id', 'backend', 'versions', 'path', 'description', 'tags']);

/**
 * A version canary: both versions are listed, and the routes they pair (same method and path)
 * differ in backend only, all on one backend pair (a canary splits two backends).
 */
function checkVersionCanary(p: ParsedGateway, version: string, ofInput: string | undefined, err: (path: Path, message: string) => void): void {
  const list = p.versions?.list.map((v) => v.name);
  if (!list) return err(['release', 'canary', 'version'], 'a version canary needs versions: declare versions: { scheme, list }, or use backend');
  const at = list.indexOf(version);
  if (at < 0) return err(['release', 'canary', 'version'], `version ${JSON.stringify(version)} is not in versions.list; versions: ${list.join(', ')}`);
  const of = ofInput ?? list[at - 1];
  if (of === undefined) return err(['release', 'canary', 'of'], `is required: ${version} is the first version, so name the version whose requests it shares`);
  if (!list.includes(of)) return err(['release', 'canary', 'of'], `version ${JSON.stringify(of)} is not in versions.list; versions: ${list.join(', ')}`);
  if (of === version) return err(['release', 'canary', 'of'], `is the canary version itself (${of}); name another version`);
  const defaultBackend = p.defaults?.backend;
  const entries = p.routes.filter((e) => e.route);
  const pairs = versionCanaryPairs(entries, ({ route }) => ({ method: route!.method, path: route!.path, backend: route!.backend ?? defaultBackend, versions: route!.versions }), version, of);
  for (const { stable, canary } of pairs) {
    const differs = [...new Set([...Object.keys(stable.route!), ...Object.keys(canary.route!)])]
      .filter((k) => !PAIR_FREE.has(k) && JSON.stringify((stable.route as Record<string, unknown>)[k]) !== JSON.stringify((canary.route as Record<string, unknown>)[k]))
      .sort();
    if (differs.length) err(['routes', canary.index], `serves ${version} on ${canary.route!.method} ${canary.route!.path} like routes[${stable.index}] does for ${of}, but differs from it in ${differs.join(', ')}: the canary sends ${of}'s requests through routes[${stable.index}] to this route's backend, so the two may differ in backend only. Make the rest equal, or drop release.canary`);
  }
  const backendOf = (e: (typeof entries)[number]) => e.route!.backend ?? defaultBackend;
  const split = pairs.filter((x) => backendOf(x.stable) !== backendOf(x.canary));
  const kinds = [...new Set(split.map((x) => `${backendOf(x.stable)} -> ${backendOf(x.canary)}`))];
  if (!split.length) return err(['release', 'canary', 'version'], `no route of ${of} has a ${version} route on the same method and path with another backend, so the canary would receive nothing; give ${version}'s routes their own backend`);
  if (kinds.length > 1) return err(['release', 'canary', 'version'], `the ${of} and ${version} routes pair more than one backend (${kinds.join(', ')}); a canary splits one backend pair: give ${version}'s routes one backend, or use a backend canary`);
  const [stableBackend, canaryBackend] = [backendOf(split[0].stable), backendOf(split[0].canary)];
  if (stableBackend && canaryBackend) checkCanaryBackends(p, [['version', canaryBackend], ['of', stableBackend]], err);
}

/** True when two routes' version lists share a version (a missing list is every version). */
export function versionsOverlap(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return true;
  return a.some((x) => b.includes(x));
}

/** The header that carries the version when the spec names none. */
export const DEFAULT_VERSION_HEADER = 'Api-Version';
/** The query parameter that carries the version when the spec names none. */
export const DEFAULT_VERSION_QUERY = 'api-version';

export function normalizeCanary(c: z.output<typeof Canary>, defaultBackend: string | undefined, versions: readonly string[] = []): CanarySpec {
  if (c.version !== undefined) return { ...c, of: c.of ?? versions[versions.indexOf(c.version) - 1] };
  return { ...c, of: (c.of ?? defaultBackend)! };
}

export function normalizeVersions(v: z.output<typeof Versions>): VersionsSpec {
  const name = v.scheme === 'header' ? (v.name ?? DEFAULT_VERSION_HEADER) : v.scheme === 'query' ? (v.name ?? DEFAULT_VERSION_QUERY) : '';
  return { scheme: v.scheme, name, list: v.list.map((x) => ({ ...x })) };
}

