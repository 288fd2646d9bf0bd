/**
 * HTTP grammars for AWS emitters: header names are RFC 9110 tokens and CORS origins are
 * `scheme://host[:port]`. API Gateway puts header names in parameter-mapping keys and origins in
 * VTL comparisons, so anything else is refused here with the spec path, before any emitter runs.
 */
import type { SynthesisProblem } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';

// RFC 9110 section 5.6.2: token = 1*tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A DNS name (letters, digits, hyphens; dot-separated labels), an IPv4 address or a bracketed IPv6 address.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST = `(?:${LABEL}(?:\\.${LABEL})*|\\[[0-9A-Fa-f:.]+\\])`;
const ORIGIN = new RegExp(`^https?://${HOST}(?::[0-9]{1,5})?$`);

export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/** `scheme://host[:port]` with scheme http or https. `*` is not an origin (callers handle it). */
export function isOrigin(value: string): boolean {
  const m = ORIGIN.exec(value);
  if (!m) return false;
  const port = /:(\d+)$/.exec(value.replace(/^https?:\/\//, ''));
  return !port || Number(port[1]) <= 65535;
}

/** Every field of the spec that names a header, with its location. */
function headerNames(spec: GatewaySpec): { where: string; path: string; name: string }[] {
  const out: { where: string; path: string; name: string }[] = [];
  const add = (where: string, path: string, names: Iterable<string> | undefined) => {
    for (const name of names ?? []) out.push({ where, path, name });
  };
  for (const [n, b] of Object.entries(spec.backends)) if (b.type === 'mock') add('gateway', `backends.${n}.headers`, Object.keys(b.headers));
  for (const [n, a] of Object.entries(spec.authorizers)) {
    if (a.type === 'jwt' || a.type === 'custom') add('gateway', `authorizers.${n}.header`, [a.header]);
    if (a.type === 'apiKey' && a.in === 'header') add('gateway', `authorizers.${n}.name`, [a.name]);
  }
  if (spec.cors) {
    add('gateway', 'cors.allowHeaders', spec.cors.allowHeaders);
    add('gateway', 'cors.exposeHeaders', spec.cors.exposeHeaders);
  }
  for (const r of spec.routes) {
    const t = r.transform;
    add(r.id, 'transform.request.setHeaders', Object.keys(t?.request?.setHeaders ?? {}));
    add(r.id, 'transform.request.removeHeaders', t?.request?.removeHeaders);
    add(r.id, 'transform.response.setHeaders', Object.keys(t?.response?.setHeaders ?? {}));
    add(r.id, 'transform.response.removeHeaders', t?.response?.removeHeaders);
    add(r.id, 'validation.requiredHeaders', r.validation?.requiredHeaders);
    add(r.id, 'cache.key.headers', r.cache?.key.headers);
  }
  return out;
}

/** Refuses header names that are not HTTP tokens and origins that are not `scheme://host[:port]`. */
export function httpSyntaxProblems(spec: GatewaySpec, target: string): SynthesisProblem[] {
  const problems: SynthesisProblem[] = [];
  for (const h of headerNames(spec)) {
    if (!isHeaderName(h.name)) {
      problems.push({ target, where: h.where, feature: 'http.headerName', message: `${h.path}: ${JSON.stringify(h.name)} is not an HTTP header name (RFC 9110 token: letters, digits and !#$%&'*+-.^_\`|~); rename it` });
    }
  }
  spec.cors?.allowOrigins.forEach((o, i) => {
    if (o !== '*' && !isOrigin(o)) {
      problems.push({ target, where: 'gateway', feature: 'cors', message: `cors.allowOrigins[${i}]: ${JSON.stringify(o)} is not an origin; write scheme://host[:port], e.g. https://app.example.com` });
    }
  });
  return problems;
}
