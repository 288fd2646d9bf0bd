/**
 * Cross-reference and semantic rules that a schema cannot express: duplicate routes, unknown
 * references, explicit auth, https backends, secrets, CIDRs, placeholders. Every rule appends to
 * one list so the user sees every error at once.
 */
import { contractRefIssues, type ComponentsSpec } from './contract';
import { contractPartsOf } from './contract-validation';
import { isIP } from 'node:net';
import { clashMessage, findClashes } from './credentials';
import type { SpecIssue } from './errors';
import { checkDomains } from './domains';
import { canonicalFingerprint } from './client-certificates';
import { canonicalAddress, canonicalCidr } from './ip';
import * as ipaddr from 'ipaddr.js';
import type { ParsedGateway } from './parse';
import { parsePath, pathParams, pathShape, type PathSegment } from './path';
import { Route, type RouteInput, type TransformInput } from './schema';
import { routeFieldsOf } from './route-field';
import { parseTemplate, stringLeaves } from './template';
import { checkLlmBackend, checkLlmRoute } from './llm';
import { checkMcp } from './mcp';
import { burnIssues, notifyIssues, objectiveNameIssues } from './objectives';
import { checkVersions, versionsOverlap } from './versions-validate';
import { checkRevisions, revisionsOverlap } from './revisions';

type Path = (string | number)[];

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https everywhere; http only for localhost / 127.0.0.1 so local tests can run. */
export function checkSecureUrl(url: string, path: Path, issues: SpecIssue[]): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    issues.push({ path, message: `is not a URL (got ${JSON.stringify(url)})`, severity: 'error' });
    return;
  }
  if (u.protocol === 'https:') return;
  if (u.protocol === 'http:' && LOCAL_HOSTS.has(u.hostname)) return;
  issues.push({
    path,
    message: `must use https (got ${JSON.stringify(url)}); http is allowed only for localhost and 127.0.0.1`,
    severity: 'error',
  });
}

// RFC 3986 characters of an authority's host (reg-name or IP literal) and of a path: unreserved,
// sub-delims, ":", "@", "/" and percent-escapes. Everything else (`{`, `}`, spaces, backslashes,
// quotes, non-ASCII) means something else to at least one target's language or URL parser.
const URI_PATH_CHARS = /^(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*$/;
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/**
 * A backend URL (http, weighted target, stage override, LLM): https (see checkSecureUrl), and only a
 * scheme, a host, an optional port and a path. The targets paste it into their own languages (API
 * Gateway integration URIs, APIM backends, Apigee target endpoints, Kubernetes Backend FQDNs), where a
 * query or fragment swallows the route path, a `{...}` becomes a request placeholder (a caller picks
 * the host) and credentials would be written into the artifacts; each is refused here, for every target.
 */
export function checkBackendUrl(url: string, path: Path, issues: SpecIssue[]): void {
  const before = issues.length;
  checkSecureUrl(url, path, issues);
  if (issues.length > before) return;
  const err = (message: string, shown = url): void => {
    issues.push({ path, rule: 'backend-url', message: `${message} (got ${JSON.stringify(shown)})`, severity: 'error' });
  };
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/s.exec(url);
  if (!m) return err('is not a URL of the form https://host[:port][/path]');
  const [, , authority, urlPath, query, fragment] = m;
  // The credential itself is not repeated in the message (it ends up in logs).
  if (authority.includes('@')) return err('must not hold credentials (user:password@): they would be written into every target\'s configuration; keep the URL bare, and send the credential from a function backend that reads it from a secret store, or as a header or query parameter with transform.request.setHeaders / setQuery', url.replace(authority, `***@${authority.slice(authority.lastIndexOf('@') + 1)}`));
  if (query !== undefined) return err('must not have a query (?...): the targets append the route path after the URL, so it would land inside the query; set query parameters with transform.request.setQuery');
  if (fragment !== undefined) return err('must not have a fragment (#...): it is never sent, and the route path appended after it would be lost; remove it');
  const host = authority.replace(/:\d*$/, '');
  if (/[{}]/.test(authority + urlPath)) return err('must not contain { or }: the targets read them as request placeholders (a caller could pick the host or path); write the literal host and path, and use transform.request.rewritePath for a path built from route parameters');
  if (!(host.startsWith('[') && host.endsWith(']')) && !HOST_NAME.test(host)) return err(`host ${JSON.stringify(host)} is not a DNS name (letters, digits, - and . only; write an internationalized name in its xn-- form) or an IP address`);
  if (!URI_PATH_CHARS.test(urlPath)) return err('path has characters a URL cannot hold unescaped (RFC 3986: letters, digits, -._~!$&\'()*+,;=:@/ and %XX escapes); percent-encode them');
  if (urlPath.split('/').some((seg) => /^(?:\.|%2e){1,2}$/i.test(seg))) return err('path has a "." or ".." segment, which the targets resolve differently; write the path it means');
  if (/%2f|%5c/i.test(urlPath)) return err('path has an encoded slash (%2F) or backslash (%5C), which some targets decode into a segment boundary; write the path without it');
}

/** The network form of a canonical CIDR (host bits cleared, ipaddr.js), in canonical text; a bare address is itself. */
function networkOf(cidr: string): string {
  if (!cidr.includes('/')) return cidr;
  const prefix = cidr.split('/')[1];
  const net = cidr.includes(':') ? ipaddr.IPv6.networkAddressFromCIDR(cidr) : ipaddr.IPv4.networkAddressFromCIDR(cidr);
  return `${canonicalAddress(net)}/${prefix}`;
}

/** True for an IPv4 or IPv6 CIDR (or a bare address). */
export function isCidr(value: string): boolean {
  const [addr, prefix, ...rest] = value.split('/');
  if (rest.length) return false;
  const family = isIP(addr);
  if (!family) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Routes that claim the same requests: the same method on the same path shape. ANY beside a specific
 * method is allowed: every target routes the specific method first.
 */
function methodsOverlap(a: string, b: string): boolean {
  return a === b;
}

/** Flags names in a section that differ only in case: several clouds compare names case-insensitively. */
function checkCaseCollisions(section: string, names: Iterable<string>, issues: SpecIssue[]): void {
  const seen = new Map<string, string>();
  for (const name of [...names].sort()) {
    const k = name.toLowerCase();
    const other = seen.get(k);
    if (other !== undefined) {
      issues.push({
        path: [section, name],
        message: `duplicates ${JSON.stringify(other)}: names that differ only in case collide in Azure and Apigee; rename one`,
        severity: 'error',
      });
    } else seen.set(k, name);
  }
}

/** Normalizes an auth decision to alternatives of conjunctions. */
export function authAlternatives(auth: RouteInput['auth']): 'none' | string[][] | undefined {
  if (auth === undefined) return undefined;
  if (auth === 'none') return 'none';
  if (typeof auth === 'string') return [[auth]];
  if (!Array.isArray(auth)) return authAlternatives(auth.anyOf);
  return auth.map((alt) => (typeof alt === 'string' ? [alt] : [...alt]));
}

/** True when an auth decision lets a request without any of its credentials in (`{ anyOf, optional: true }`). */
export function authIsOptional(auth: RouteInput['auth']): boolean {
  return typeof auth === 'object' && !Array.isArray(auth) && auth.optional === true;
}

interface RouteFacts {
  index: number;
  route: RouteInput & { method: string; path: string };
  segments: PathSegment[];
  shape: string;
}

/** Runs every semantic rule over the parsed entries. */
export function validateSemantics(p: ParsedGateway, issues: SpecIssue[]): void {
  for (const [section, s] of [
    ['backends', p.backends],
    ['authorizers', p.authorizers],
    ['plans', p.plans],
    ['consumers', p.consumers],
    ['stages', p.stages],
  ] as const) {
    checkCaseCollisions(section, s.present, issues);
  }
  checkBasePath(p, issues);
  checkUrls(p, issues);
  checkApiKeySchemes(p, issues);
  checkConsumersAndPlans(p, issues);
  checkStageBackends(p, issues);
  checkCorsAndIpRules(p, issues);
  checkHeaderFields(p, issues);
  checkDomains(p.domains, p.stages.present, issues);
  if (p.defaults?.backend && !p.backends.present.has(p.defaults.backend)) {
    issues.push({ path: ['defaults', 'backend'], rule: 'unknown-reference', message: unknownRef('backend', p.defaults.backend, p.backends.present), severity: 'error' });
  }
  checkAuthRefs(p.defaults?.auth, ['defaults', 'auth'], p, issues);
  validateRoutes(p, issues);
  checkVersions(p, issues);
  checkRevisions(p.revisions, p.routes, issues);
  checkContractRefs(p, issues);
  checkObjectives(p, issues);
}

/** Every contract `$ref` (routes and components) names a component that exists. */
function checkContractRefs(p: ParsedGateway, issues: SpecIssue[]): void {
  const components = p.top.components as ComponentsSpec | undefined;
  if (components) contractRefIssues(components, components, ['components'], issues);
  for (const { index, route } of p.routes) if (route?.contract) contractRefIssues(components, route.contract, ['routes', index, 'contract'], issues);
}

/**
 * A literal segment every target would route differently from what the spec says: `.` and `..`
 * (written or percent-encoded: clients, gateways and backends resolve them, or not, each its own
 * way) and an encoded slash or backslash (`%2F`, `%5C`: one segment to the router, two to a
 * backend that decodes it). Undefined when the segments are plain.
 */
export function confusingSegment(segments: readonly PathSegment[]): string | undefined {
  for (const s of segments) {
    const texts = s.kind === 'literal' ? [s.value] : [s.prefix, s.suffix];
    if (s.kind === 'literal' && /^(?:\.|%2e){1,2}$/i.test(s.value)) return `segment ${JSON.stringify(s.value)} is a dot segment, which clients and gateways resolve (or not) each in their own way, so the route would match other requests than it says: write the path it means without "." or ".."`;
    const enc = texts.find((t) => /%2f|%5c/i.test(t));
    if (enc !== undefined) return `segment ${JSON.stringify(s.kind === 'literal' ? s.value : enc)} holds an encoded slash or backslash (%2F, %5C), one segment to the gateway's router but two to a backend that decodes it: use a real "/" (two segments) or a path parameter`;
  }
  return undefined;
}

function checkBasePath(p: ParsedGateway, issues: SpecIssue[]): void {
  if (p.top.basePath === undefined) return;
  // A trailing slash is harmless in a prefix; normalization drops it.
  const bp = parsePath(p.top.basePath.replace(/(.)\/+$/, '$1'));
  if (!bp.ok && p.top.basePath !== '') issues.push({ path: ['basePath'], message: bp.message, severity: 'error' });
  else if (bp.ok && bp.segments.some((s) => s.kind === 'param')) {
    issues.push({ path: ['basePath'], message: 'must not contain parameters; put them in route paths', severity: 'error' });
  } else if (bp.ok && confusingSegment(bp.segments)) issues.push({ path: ['basePath'], message: confusingSegment(bp.segments)!, severity: 'error' });
}

/** Backend URLs, JWT issuers and JWKS URIs: https only. */
function checkUrls(p: ParsedGateway, issues: SpecIssue[]): void {
  for (const [name, b] of p.backends.entries) {
    if (b.type !== 'http') continue;
    if ((b.url === undefined) === (b.targets === undefined)) {
      issues.push({ path: ['backends', name], message: 'set exactly one of url (a single backend) and targets (weighted)', severity: 'error' });
    }
    if (b.url) checkBackendUrl(b.url, ['backends', name, 'url'], issues);
    b.targets?.forEach((t, i) => checkBackendUrl(t.url, ['backends', name, 'targets', i, 'url'], issues));
  }
  for (const [name, b] of p.backends.entries) {
    if (b.type !== 'llm') continue;
    checkLlmBackend(name, b, issues);
    if (b.url) checkBackendUrl(b.url, ['backends', name, 'url'], issues);
  }
  for (const [name, a] of p.authorizers.entries) {
    if (a.type !== 'jwt') continue;
    checkSecureUrl(a.issuer, ['authorizers', name, 'issuer'], issues);
    if (a.jwksUri) checkSecureUrl(a.jwksUri, ['authorizers', name, 'jwksUri'], issues);
  }
}

/** An API key's scheme prefix (`Authorization: Bearer <key>`) exists only in a header. */
function checkApiKeySchemes(p: ParsedGateway, issues: SpecIssue[]): void {
  for (const [name, a] of p.authorizers.entries) {
    if (a.type === 'apiKey' && a.scheme !== undefined && a.in === 'query') issues.push({ path: ['authorizers', name, 'scheme'], message: 'a scheme prefix applies only to a key sent in a header: remove scheme, or set in: header', severity: 'error' });
  }
}

function checkConsumersAndPlans(p: ParsedGateway, issues: SpecIssue[]): void {
  const apiKeyAuthorizers = [...p.authorizers.entries].filter(([, a]) => a.type === 'apiKey').map(([n]) => n);
  for (const [name, c] of p.consumers.entries) {
    if (!p.plans.present.has(c.plan)) {
      issues.push({ path: ['consumers', name, 'plan'], rule: 'unknown-reference', message: unknownRef('plan', c.plan, p.plans.present), severity: 'error' });
    }
  }
  checkCertificateConsumers(p, issues);
  const keyHolders = [...p.consumers.entries.values()].filter((c) => !c.clientCertificate);
  // An authorizer that failed to parse (already an error) may be the apiKey one: no follow-on error.
  if (keyHolders.length > 0 && apiKeyAuthorizers.length === 0 && p.authorizers.present.size === p.authorizers.entries.size) {
    issues.push({
      path: ['consumers'],
      message: 'consumers hold API keys, but no authorizer of type apiKey is defined: add one and use it on the routes the plans cover',
      severity: 'error',
    });
  }
  // A consumer that failed to parse (already an error) may be on the plan: no follow-on warning.
  for (const name of p.consumers.present.size === p.consumers.entries.size ? p.plans.present : []) {
    if (![...p.consumers.entries.values()].some((c) => c.plan === name)) {
      issues.push({ path: ['plans', name], rule: 'plan-unused', message: 'no consumer is on this plan; it will exist but meter nobody', severity: 'warning' });
    }
  }
}

/** A consumer is identified by an API key or by a certificate, never both; a certificate needs a domain that asks for one. */
function checkCertificateConsumers(p: ParsedGateway, issues: SpecIssue[]): void {
  const seen = new Map<string, string>();
  const mtls = (p.domains ?? []).some((d) => d.mtls);
  for (const [name, c] of p.consumers.entries) {
    if (!c.clientCertificate) continue;
    const at = ['consumers', name, 'clientCertificate'];
    if (c.apiKey) issues.push({ path: at, message: 'a consumer is identified by an API key or by a client certificate, not both: remove apiKey, or declare a second consumer for the key', severity: 'error' });
    if (!mtls) issues.push({ path: at, message: 'no domain asks for client certificates, so no request carries one: add mtls to the domain of the stage this consumer calls (docs/domains.md)', severity: 'error' });
    const fp = canonicalFingerprint(c.clientCertificate.sha256);
    const prior = seen.get(fp);
    if (prior !== undefined) issues.push({ path: [...at, 'sha256'], message: `consumer ${prior} already has this certificate; one certificate identifies one consumer`, severity: 'error' });
    else seen.set(fp, name);
  }
}

function checkStageBackends(p: ParsedGateway, issues: SpecIssue[]): void {
  for (const [name, st] of p.stages.entries) {
    for (const [b, o] of Object.entries(st.backends ?? {})) {
      const path = ['stages', name, 'backends', b];
      const backend = p.backends.entries.get(b);
      if (!p.backends.present.has(b)) issues.push({ path, rule: 'unknown-reference', message: unknownRef('backend', b, p.backends.present), severity: 'error' });
      else if (backend && backend.type !== 'http') {
        issues.push({ path, message: `backend ${JSON.stringify(b)} is of type ${backend.type}; only http backends take a stage URL`, severity: 'error' });
      }
      checkBackendUrl(o.url, [...path, 'url'], issues);
    }
  }
}

function checkCorsAndIpRules(p: ParsedGateway, issues: SpecIssue[]): void {
  if (p.cors) {
    p.cors.allowOrigins.forEach((o, i) => {
      if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)) {
        issues.push({ path: ['cors', 'allowOrigins', i], message: `must be "*" or an origin such as https://app.example.com (scheme and host, no path); got ${JSON.stringify(o)}`, severity: 'error' });
      }
    });
    if (p.cors.allowCredentials && p.cors.allowOrigins.includes('*')) {
      issues.push({ path: ['cors', 'allowCredentials'], message: 'browsers refuse credentials with origin "*": list the origins explicitly', severity: 'error' });
    }
  }
  for (const list of ['allow', 'deny'] as const) {
    p.ipRules?.[list]?.forEach((cidr, i) => {
      const canonical = canonicalCidr(cidr);
      if (!isCidr(cidr) && canonical === undefined) issues.push({ path: ['ipRules', list, i], message: `is not an IPv4 or IPv6 CIDR such as 203.0.113.0/24 (got ${JSON.stringify(cidr)})`, severity: 'error' });
      else if (canonical === undefined) issues.push({ path: ['ipRules', list, i], message: `${JSON.stringify(cidr)} is not written in the one form every target reads alike; write IPv4 as four decimal parts (203.0.113.0/24) and IPv6 as RFC 5952 text (2001:db8::/32, ::ffff:203.0.113.0/120)`, severity: 'error' });
      else if (canonical !== cidr) issues.push({ path: ['ipRules', list, i], message: `${JSON.stringify(cidr)} is a non-canonical spelling, which gateways and libraries read differently (leading zeros are octal to some); write ${JSON.stringify(canonical)}`, severity: 'error' });
      else if (networkOf(cidr) !== cidr) issues.push({ path: ['ipRules', list, i], message: `${JSON.stringify(cidr)} has host bits set after its /${cidr.split('/')[1]} prefix, which some targets refuse and others mask silently; write the network ${JSON.stringify(networkOf(cidr))}, or a /${cidr.includes(':') ? 128 : 32} for the one address`, severity: 'error' });
    });
  }
}

function unknownRef(kind: string, name: string, present: Set<string>): string {
  const known = [...present].sort();
  return `refers to ${kind} ${JSON.stringify(name)}, which is not defined; ${known.length ? `defined ${kind}s: ${known.join(', ')}` : `define it under ${kind}s`}`;
}

function checkAuthRefs(auth: RouteInput['auth'], path: Path, p: ParsedGateway, issues: SpecIssue[]): void {
  const alts = authAlternatives(auth);
  if (!alts || alts === 'none') return;
  for (const alt of alts) {
    for (const name of alt) {
      if (!p.authorizers.present.has(name)) issues.push({ path, rule: 'unknown-reference', message: unknownRef('authorizer', name, p.authorizers.present), severity: 'error' });
    }
  }
  for (const c of findClashes(alts, (n) => p.authorizers.entries.get(n))) issues.push({ path, message: clashMessage(c), severity: 'error' });
}

function validateRoutes(p: ParsedGateway, issues: SpecIssue[]): void {
  if (p.routes.length === 0) {
    issues.push({ path: ['routes'], message: 'define at least one route', severity: 'error' });
    return;
  }
  const facts: RouteFacts[] = [];
  const ids = new Map<string, number>();
  for (const { index, route } of p.routes) {
    if (!route) continue;
    const base: Path = ['routes', index];
    const parsed = parsePath(route.path);
    const confusing = parsed.ok ? confusingSegment(parsed.segments) : undefined;
    if (!parsed.ok) issues.push({ path: [...base, 'path'], message: parsed.message, severity: 'error' });
    else if (confusing) issues.push({ path: [...base, 'path'], message: confusing, severity: 'error' });
    else facts.push({ index, route, segments: parsed.segments, shape: pathShape(parsed.segments) });

    if (route.id) {
      const key = route.id.toLowerCase();
      const other = ids.get(key);
      if (other !== undefined) {
        issues.push({ path: [...base, 'id'], message: `route id ${JSON.stringify(route.id)} is already used by routes[${other}] (ids are compared without case); give each route its own id`, severity: 'error' });
      } else ids.set(key, index);
    }

    const backend = route.backend ?? p.defaults?.backend;
    if (!backend) {
      issues.push({ path: [...base, 'backend'], message: 'is required: name a backend, or set defaults.backend', severity: 'error' });
    } else if (route.backend && !p.backends.present.has(route.backend)) {
      issues.push({ path: [...base, 'backend'], rule: 'unknown-reference', message: unknownRef('backend', route.backend, p.backends.present), severity: 'error' });
    }

    const auth = route.auth ?? p.defaults?.auth;
    if (auth === undefined) {
      issues.push({
        path: [...base, 'auth'],
        message: 'auth is explicit: name the authorizers (e.g. [jwt]) or write "none" for a public route; or set defaults.auth',
        severity: 'error',
      });
    }
    if (route.auth !== undefined) checkAuthRefs(route.auth, [...base, 'auth'], p, issues);
    const alts = authAlternatives(auth);
    const llm = backend ? p.backends.entries.get(backend) : undefined;
    if (llm?.type === 'llm') checkLlmRoute(index, route, llm, backend!, alts === 'none', issues);
    // Fields with a module of their own (lib/model/route-field.ts) check themselves.
    for (const f of routeFieldsOf(Route.shape, route)) f.rules.check?.(f.value, { path: [...base, f.key], method: route.method, backendType: llm?.type }, issues);
    if (route.scopes?.length && alts) {
      if (alts === 'none') {
        issues.push({ path: [...base, 'scopes'], message: 'a public route (auth: none) cannot require scopes: add a jwt authorizer or drop the scopes', severity: 'error' });
      } else {
        for (const alt of alts) {
          const kinds = alt.map((n) => p.authorizers.entries.get(n)?.type);
          if (kinds.every((k) => k !== undefined) && !kinds.includes('jwt')) {
            issues.push({ path: [...base, 'scopes'], message: `scopes need a jwt authorizer, but the alternative [${alt.join(', ')}] has none: the scopes could not be enforced`, severity: 'error' });
          }
        }
        // Optional auth lets a caller without any credential in, and such a caller has no token to hold scopes.
        if (authIsOptional(auth)) {
          issues.push({ path: [...base, 'scopes'], rule: 'optional-auth-scopes', message: `the route's auth is optional, so an anonymous caller (no credential at all) is let in without the scope check: [${route.scopes.join(', ')}] binds only callers who send a token. If the scopes must guard every request, drop optional: true; if anonymous access is intended, silence this with ignoreWarnings: [optional-auth-scopes]`, severity: 'warning' });
        }
      }
    }
    route.cache?.key?.headers?.forEach((h, i) => checkHeaderName(h, [...base, 'cache', 'key', 'headers', i], issues));
    route.cache?.key?.query?.forEach((q, i) => checkQueryName(q, [...base, 'cache', 'key', 'query', i], issues));
    route.validation?.requiredHeaders?.forEach((h, i) => checkHeaderName(h, [...base, 'validation', 'requiredHeaders', i], issues));
    route.validation?.requiredQuery?.forEach((q, i) => checkQueryName(q, [...base, 'validation', 'requiredQuery', i], issues));
    const parts = contractPartsOf(route.validation?.contract);
    if (parts?.body && route.validation?.bodySchema) {
      issues.push({ path: [...base, 'validation', 'bodySchema'], rule: 'validation-contract', message: 'the body has two schemas: validation.contract checks contract.requestBody; move this schema there, or set validation.contract.body: false', severity: 'error' });
    }
    if (parts?.body && !route.contract?.requestBody && !parts.parameters) {
      issues.push({ path: [...base, 'validation', 'contract'], rule: 'validation-contract', message: 'validation.contract checks the body, but the contract declares no requestBody: declare contract.requestBody, or check parameters only', severity: 'error' });
    }
  }

  for (const f of facts) {
    const transform = f.route.transform ?? p.defaults?.transform;
    if (transform) {
      const from = f.route.transform ? ['routes', f.index, 'transform'] : ['defaults', 'transform'];
      checkTransform(transform, f, from, p, issues);
    }
  }

  checkDuplicateRoutes(facts, issues);
  checkMcp(p.routes, p.top.mcp, issues);
}

function checkHeaderName(name: string, path: Path, issues: SpecIssue[]): void {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    issues.push({ path, message: `is not a valid HTTP header name (got ${JSON.stringify(name)}): an RFC 9110 token, letters, digits and !#$%&'*+.^_\`|~- only`, severity: 'error' });
  }
}

// RFC 9110 section 5.5: a field value holds visible characters, spaces and tabs, never other
// control characters (CR and LF would end the header and start another: response splitting). The
// other C0 controls are refused in every spec string already (characters.ts); these are the rest.
const FIELD_VALUE_CTL = /[\r\n\u007F]/;

/** A header value as it is written into an artifact: no line break or other control character. */
export function checkHeaderValue(value: string, path: Path, issues: SpecIssue[], what = 'a header value'): void {
  const m = FIELD_VALUE_CTL.exec(value);
  if (m) {
    const cp = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    const lineBreak = m[0] === '\r' || m[0] === '\n';
    issues.push({ path, rule: 'header-value', message: `${what} must not hold control characters (found ${cp}${lineBreak ? ', a line break, which would end the header and start another' : ''}; RFC 9110 field-value): ${lineBreak ? 'write the value on one line' : 'remove it'}`, severity: 'error' });
  }
}

/**
 * Every header name and value the spec writes into an artifact: mock response headers, transform
 * setHeaders (request and response, on routes and in defaults), the header names authorizers and CORS
 * read, and the values that can reach a header or query string (setQuery values, stage variables).
 */
function checkHeaderFields(p: ParsedGateway, issues: SpecIssue[]): void {
  for (const [name, b] of p.backends.entries) {
    if (b.type !== 'mock') continue;
    for (const [h, v] of Object.entries(b.headers ?? {})) {
      checkHeaderName(h, ['backends', name, 'headers', h], issues);
      checkHeaderValue(v, ['backends', name, 'headers', h], issues);
    }
  }
  const transforms: [TransformInput | undefined, Path][] = [[p.defaults?.transform, ['defaults', 'transform']], ...p.routes.map(({ index, route }): [TransformInput | undefined, Path] => [route?.transform, ['routes', index, 'transform']])];
  for (const [t, at] of transforms) {
    for (const [h, v] of Object.entries(t?.request?.setHeaders ?? {})) checkHeaderValue(v, [...at, 'request', 'setHeaders', h], issues);
    for (const [h, v] of Object.entries(t?.response?.setHeaders ?? {})) checkHeaderValue(v, [...at, 'response', 'setHeaders', h], issues);
    for (const [q, v] of Object.entries(t?.request?.setQuery ?? {})) checkHeaderValue(v, [...at, 'request', 'setQuery', q], issues, 'a query value');
  }
  for (const [name, st] of p.stages.entries) {
    for (const [k, v] of Object.entries(st.variables ?? {})) checkHeaderValue(v, ['stages', name, 'variables', k], issues, 'a stage variable (it can reach a header or query value through ${stage.*})');
  }
  for (const [name, a] of p.authorizers.entries) {
    if (a.type === 'jwt' || a.type === 'custom') {
      if (a.header !== undefined) checkHeaderName(a.header, ['authorizers', name, 'header'], issues);
    } else if ((a.in ?? 'header') === 'header' && a.name !== undefined) checkHeaderName(a.name, ['authorizers', name, 'name'], issues);
  }
  for (const list of ['allowHeaders', 'exposeHeaders'] as const) p.cors?.[list]?.forEach((h, i) => checkHeaderName(h, ['cors', list, i], issues));
}

// RFC 3986 query characters without the ones that delimit parameters (& = #) or need escaping.
const QUERY_NAME = /^(?!@)[A-Za-z0-9._~!$'()*+,;:@-]+$/;

function checkQueryName(name: string, path: Path, issues: SpecIssue[]): void {
  if (!QUERY_NAME.test(name)) {
    issues.push({ path, message: `is not a usable query parameter name (got ${JSON.stringify(name)}): use letters, digits and ._~!$'()*+,;:@- (not first @)`, severity: 'error' });
  }
}

function checkTransform(t: TransformInput, f: RouteFacts, from: Path, p: ParsedGateway, issues: SpecIssue[]): void {
  const params = new Set(pathParams(f.segments));
  const inherited = from[0] === 'defaults' ? ` (inherited by routes[${f.index}] ${f.route.method} ${f.route.path})` : '';
  const hasJwt = (() => {
    const alts = authAlternatives(f.route.auth ?? p.defaults?.auth);
    return Array.isArray(alts) && alts.length > 0 && alts.every((alt) => alt.some((n) => p.authorizers.entries.get(n)?.type === 'jwt'));
  })();
  // An anonymous caller of an optional-auth route has no token, so no claim to read.
  const optional = authIsOptional(f.route.auth ?? p.defaults?.auth);
  const checkTemplate = (value: string, path: Path) => {
    const parsed = parseTemplate(value);
    if (!parsed.ok) {
      issues.push({ path, message: parsed.message + inherited, severity: 'error' });
      return;
    }
    for (const part of parsed.parts) {
      if (part.kind !== 'ref') continue;
      if (part.source === 'path' && !params.has(part.name)) {
        issues.push({ path, message: `\${path.${part.name}} is not a parameter of ${f.route.path}; known: ${[...params].join(', ') || 'none'}${inherited}`, severity: 'error' });
      }
      if (part.source === 'claim' && !hasJwt) {
        issues.push({ path, message: `\${claim.${part.name}} needs a jwt authorizer on the route, in every alternative${inherited}`, severity: 'error' });
      } else if (part.source === 'claim' && optional) {
        issues.push({ path, message: `\${claim.${part.name}} needs a token on every request, but the route's auth is optional (an anonymous caller has no claims): drop optional, or the placeholder${inherited}`, severity: 'error' });
      }
      if (part.source === 'stage') {
        for (const [stage, s] of p.stages.entries) {
          if (!(s.variables && part.name in s.variables)) {
            issues.push({ path, message: `\${stage.${part.name}} is not a variable of stage ${JSON.stringify(stage)}: define it under stages.${stage}.variables${inherited}`, severity: 'error' });
          }
        }
      }
    }
  };
  const req = t.request;
  for (const [k, v] of Object.entries(req?.setHeaders ?? {})) {
    checkHeaderName(k, [...from, 'request', 'setHeaders', k], issues);
    checkTemplate(v, [...from, 'request', 'setHeaders', k]);
  }
  for (const [k, v] of Object.entries(req?.setQuery ?? {})) checkTemplate(v, [...from, 'request', 'setQuery', k]);
  for (const [k] of Object.entries(t.response?.setHeaders ?? {})) checkHeaderName(k, [...from, 'response', 'setHeaders', k], issues);
  req?.removeHeaders?.forEach((h, i) => checkHeaderName(h, [...from, 'request', 'removeHeaders', i], issues));
  t.response?.removeHeaders?.forEach((h, i) => checkHeaderName(h, [...from, 'response', 'removeHeaders', i], issues));
  for (const k of Object.keys(req?.setQuery ?? {})) checkQueryName(k, [...from, 'request', 'setQuery', k], issues);
  req?.removeQuery?.forEach((q, i) => checkQueryName(q, [...from, 'request', 'removeQuery', i], issues));
  if (req?.rewritePath !== undefined) {
    const rp = parsePath(req.rewritePath);
    if (!rp.ok) issues.push({ path: [...from, 'request', 'rewritePath'], message: rp.message + inherited, severity: 'error' });
    else if (confusingSegment(rp.segments)) issues.push({ path: [...from, 'request', 'rewritePath'], message: confusingSegment(rp.segments)! + inherited, severity: 'error' });
    else {
      for (const name of pathParams(rp.segments)) {
        if (!params.has(name)) {
          issues.push({ path: [...from, 'request', 'rewritePath'], message: `{${name}} is not a parameter of ${f.route.path}; a rewritten path can only use the route's parameters${inherited}`, severity: 'error' });
        }
      }
    }
  }
  if (req?.body !== undefined) {
    for (const leaf of stringLeaves(req.body)) checkTemplate(leaf.value, [...from, 'request', 'body', ...leaf.path]);
  }
}

function checkDuplicateRoutes(facts: RouteFacts[], issues: SpecIssue[]): void {
  const byShape = new Map<string, RouteFacts[]>();
  for (const f of facts) {
    const list = byShape.get(f.shape) ?? [];
    list.push(f);
    byShape.set(f.shape, list);
  }
  for (const list of byShape.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = list[j];
        const b = list[i];
        if (!methodsOverlap(a.route.method, b.route.method)) continue;
        // Routes of disjoint versions never see the same request (versions.ts selects first).
        if (!versionsOverlap(a.route.versions, b.route.versions)) continue;
        // Likewise routes of disjoint revisions (each revision is its own content).
        if (!revisionsOverlap(a.route.revisions, b.route.revisions)) continue;
        const same = a.route.path === b.route.path;
        issues.push({
          path: ['routes', b.index],
          message: `${b.route.method} ${b.route.path} duplicates routes[${a.index}] (${a.route.method} ${a.route.path})${same ? '' : ': the paths differ only in parameter names, so they match the same requests'}; merge them or change the method or path`,
          severity: 'error',
        });
      }
    }
  }
  // Two greedy parameters under the same prefix with different names cannot both be routed.
  const greedyAt = new Map<string, RouteFacts>();
  for (const f of facts) {
    const last = f.segments[f.segments.length - 1];
    if (!last || last.kind !== 'param' || !last.greedy) continue;
    const prefix = pathShape(f.segments.slice(0, -1));
    const other = greedyAt.get(prefix);
    if (!other) greedyAt.set(prefix, f);
    else {
      const otherLast = other.segments[other.segments.length - 1] as Extract<PathSegment, { kind: 'param' }>;
      if (otherLast.name !== last.name) {
        issues.push({
          path: ['routes', f.index, 'path'],
          message: `greedy {${last.name}+} conflicts with {${otherLast.name}+} of routes[${other.index}] (${other.route.path}) under the same prefix; use one name for both`,
          severity: 'error',
        });
      }
    }
  }
}

/** observability.objectives: names unique, at least one objective each (routes are checked once ids are derived: objectiveRouteIssues). */
export function checkObjectives(p: ParsedGateway, issues: SpecIssue[]): void {
  // Names are unique as every target spells them in alert ids (objectiveNameIssues).
  issues.push(...objectiveNameIssues(p.observability?.objectives ?? [], ['observability', 'objectives']));
  (p.observability?.objectives ?? []).forEach((o, i) => {
    const at: Path = ['observability', 'objectives', i];
    if (o.availability === undefined && !o.latency && o.throttledPercent === undefined) issues.push({ path: at, message: 'the objective sets none of availability, latency, throttledPercent; set at least one', severity: 'error' });
    issues.push(...burnIssues(o, at), ...notifyIssues(o, at));
  });
}
