/**
 * Security schemes -> authorizers, and security requirements -> route auth and scopes. A requirement
 * anygate cannot honour is never dropped: an unsupported scheme becomes a custom authorizer that
 * needs a function, and an unreadable one keeps its operations out of the gateway.
 */
import { capability } from '../capabilities/targets';
import { ALL_TARGETS } from '../capabilities/types';
import { findClashes, type CredentialSource } from '../model/credentials';
import { isSafeName, toSafeName, uniqueName } from '../model/names';
import type { AuthorizerInput, RouteInput } from '../model/schema';
import { isObj, pointer, type ImportContext, type Obj } from './context';
import { refMessage } from './refs';

/** The audience of a jwt authorizer whose document does not say it: `.invalid`, so synth refuses it (lib/model/placeholders.ts). */
export const PLACEHOLDER_AUDIENCE = 'https://audience.invalid';

export interface Security {
  readonly authorizers: Record<string, AuthorizerInput>;
  /** Scheme name -> authorizer name. */
  readonly schemeAuthorizer: Map<string, string>;
  /** Schemes that could not be read (lenient), with the reason. */
  readonly unreadable: Map<string, string>;
  /** The document defines at least one security scheme. */
  readonly hasSchemes: boolean;
}

/** Which targets call a custom authorizer's function, and how, from the capability records. */
export function customAuthorizerSupport(): string {
  const by = ALL_TARGETS.map((t) => ({ t, c: capability(t, 'auth.custom') }));
  const yes = by.filter((x) => x.c.support !== 'unsupported').map((x) => `${x.t} (${x.c.note})`);
  const no = by.filter((x) => x.c.support === 'unsupported').map((x) => x.t);
  if (!yes.length) return 'no target can call one';
  return `called by ${yes.join(', ')}${no.length ? `; ${no.join(', ')} cannot call one` : ''}`;
}

/** Which targets can and cannot carry `feature`, from the capability records: `apigee can; aws, azure cannot`. */
function whoCan(feature: 'auth.apiKey.scheme'): string {
  const can = ALL_TARGETS.filter((t) => capability(t, feature).support !== 'unsupported');
  const cannot = ALL_TARGETS.filter((t) => !can.includes(t));
  return [can.length ? `${can.join(', ')} can synthesize it` : 'no target can synthesize it yet', cannot.length ? `${cannot.join(', ')} refuse it` : ''].filter(Boolean).join('; ');
}

/**
 * `http bearer` without `bearerFormat: JWT`: the document does not say the token is a JWT (most such
 * tokens are a provider's opaque API keys), so it is an API key read from `Authorization` after
 * `Bearer `. Checking it as a JWT would refuse every real key.
 */
function opaqueBearer(ctx: ImportContext, id: string, ptr: string): AuthorizerInput {
  ctx.warn(
    'security',
    ptr,
    `http bearer without bearerFormat: JWT is read as an opaque token: API key authorizer ${id} (Authorization: Bearer <key>, keys held by consumers); ${whoCan('auth.apiKey.scheme')}. ` +
      `If the tokens are JWTs, write bearerFormat: JWT in the document and set x-anygate.authorizers.${id} to a jwt authorizer (issuer, audiences)`,
  );
  return { type: 'apiKey', in: 'header', name: 'Authorization', scheme: 'Bearer' };
}

function mapScheme(ctx: ImportContext, s: Obj | undefined, id: string, ptr: string): AuthorizerInput {
  const placeholderJwt = (why: string): AuthorizerInput => {
    ctx.warn('placeholder', ptr, `${why}: the issuer and audience are not in the document; set them under x-anygate.authorizers.${id} (placeholders used)`);
    return { type: 'jwt', issuer: 'https://issuer.invalid/', audiences: [PLACEHOLDER_AUDIENCE] };
  };
  const type = s?.type;
  if (type === 'apiKey' && (s!.in === 'header' || s!.in === 'query')) return { type: 'apiKey', in: s!.in, name: s!.name };
  if (type === 'openIdConnect' && typeof s!.openIdConnectUrl === 'string') {
    // An audience made up from the API's name would accept whatever tokens carry it: a placeholder
    // (like the invented URLs) makes synth stop until the real one is set.
    ctx.warn('placeholder', ptr, `OpenID Connect: the audience is not in the document; audiences holds the placeholder ${PLACEHOLDER_AUDIENCE}: set x-anygate.authorizers.${id} to a jwt authorizer with the issuer and the audiences the API's tokens carry`);
    return { type: 'jwt', issuer: s!.openIdConnectUrl.replace(/\/\.well-known\/openid-configuration$/, ''), audiences: [PLACEHOLDER_AUDIENCE] };
  }
  if (type === 'http' && String(s!.scheme).toLowerCase() === 'bearer') {
    if (String(s!.bearerFormat ?? '').toLowerCase() === 'jwt') return placeholderJwt('http bearer (bearerFormat JWT)');
    return opaqueBearer(ctx, id, ptr);
  }
  if (type === 'oauth2') return placeholderJwt('oauth2');
  // Never drop a security requirement: an authorizer that needs a function keeps the route closed.
  const what = type === 'apiKey' ? `apiKey in ${s!.in}` : type === 'http' ? `http ${s!.scheme}` : String(type);
  const binding = toSafeName(`${id}-check`).toLowerCase();
  ctx.warn('security', ptr, `${what} has no native check on the gateways; it becomes custom authorizer ${id}, a function you write that decides, ${customAuthorizerSupport()}. Synthesis asks for function binding ${binding} (a Lambda function, an Azure Function, a Cloud Run service, a Service); the routes stay closed until it is bound`);
  return { type: 'custom', binding };
}

/** Reads the security schemes; `x-anygate.authorizers` wins over a scheme of the same name. */
export function readSecurity(ctx: ImportContext, ext: Obj): Security {
  const doc = ctx.doc;
  const schemes: Obj = (ctx.swagger2 ? doc.securityDefinitions : doc.components?.securitySchemes) ?? {};
  const given: Obj = isObj(ext.authorizers) ? ext.authorizers : {};
  const authorizers: Record<string, AuthorizerInput> = { ...given };
  const schemeAuthorizer = new Map<string, string>();
  const unreadable = new Map<string, string>();
  const names = isObj(schemes) ? Object.keys(schemes).sort() : [];
  for (const sName of names) {
    const ptr = ctx.swagger2 ? pointer('securityDefinitions', sName) : pointer('components', 'securitySchemes', sName);
    const problem = ctx.problemsUnder(ptr)[0];
    let s: unknown;
    try {
      s = ctx.refs.resolve(schemes[sName], ptr);
    } catch (e) {
      const m = refMessage(e);
      if (!ctx.lenient) ctx.fail(ptr, m);
      unreadable.set(sName, `${ptr}: ${m}`);
      continue;
    }
    if (problem && !given[sName]) {
      unreadable.set(sName, `${problem.where}: ${problem.message}`);
      ctx.skip(ptr, `security scheme ${sName}`, problem);
      continue;
    }
    const id = isSafeName(sName) ? sName : uniqueName(toSafeName(sName, 'auth').toLowerCase(), new Set(Object.keys(authorizers).filter((k) => !(k in given))));
    schemeAuthorizer.set(sName, id);
    if (!authorizers[id]) authorizers[id] = mapScheme(ctx, isObj(s) ? s : undefined, id, ptr);
  }
  return { authorizers, schemeAuthorizer, unreadable, hasSchemes: names.length > 0 };
}

/**
 * Alternatives must read their credentials from different places (docs/model.md, "Alternative
 * credentials"): a later alternative whose authorizer reads the same header or query parameter
 * as a different authorizer of a kept one is dropped, with a warning (stricter than the
 * document, never weaker). Two bearer schemes on `Authorization` are the usual case.
 */
function keepDistinguishable(ctx: ImportContext, sec: Security, alts: string[][], ptr: string): void {
  const kept: string[][] = [];
  const dropped: { why: string; remedy: string }[] = [];
  for (const alt of alts) {
    const [c] = findClashes([...kept, alt], (n) => sec.authorizers[n] as CredentialSource | undefined);
    if (!c) kept.push(alt);
    else dropped.push({ why: `${alt.join('+')} reads ${c.location.in} ${c.location.name}, as ${c.first} before it does, and a gateway cannot tell the two apart`, remedy: keepBoth(sec, c.first, c.second, c.location) });
  }
  if (!dropped.length) return;
  alts.splice(0, alts.length, ...kept);
  const use = kept.map((a) => a.join('+')).join(' or ');
  for (const d of dropped) ctx.warn('alternatives-narrowed', ptr, `${d.why}: it is not accepted on this route, callers must use ${use}. ${d.remedy}`);
}

/** The remedy for two alternatives on one place: a header each, or (in a header) a scheme prefix each. */
function keepBoth(sec: Security, first: string, second: string, loc: { in: string; name: string }): string {
  const own = `To keep both, give one of them its own ${loc.in === 'header' ? 'header' : 'query parameter'} under x-anygate.authorizers`;
  // A prefix tells an API key from a token (`Bot <key>` or `Bearer <jwt>`); two JWTs share `Bearer`.
  const key = [second, first].find((n) => sec.authorizers[n]?.type === 'apiKey');
  if (loc.in !== 'header' || !key) return `${own}.`;
  return (
    `${own}; or, when callers send them with different scheme prefixes (${loc.name}: Bot <key> or Bearer <token>), say so: x-anygate.authorizers.${key}: { type: apiKey, in: header, name: ${loc.name}, scheme: <prefix> } ` +
    `(AWS, Apigee and anygate dev then tell the two apart by the prefix; API Management and Kubernetes refuse such a route by their capability records)`
  );
}

/** `unreadable`: the scheme's own problem is already reported (or, lenient, listed). */
export type Auth = { auth: RouteInput['auth']; scopes: string[] } | { error: string; unreadable: boolean };

/** A `security` list (OR of ANDs) as route auth and scopes, or why it cannot be honoured. */
export function authOf(ctx: ImportContext, sec: Security, security: unknown, ptr: string): Auth {
  if (security === undefined || (Array.isArray(security) && security.length === 0)) return { auth: 'none', scopes: [] };
  // Schema validation does not reach path items in side files: a malformed requirement there must
  // not read as "no security".
  if (!Array.isArray(security) || !security.every(isObj)) return { unreadable: false, error: `${ptr} is not a list of security requirement objects` };
  const alts: string[][] = [];
  const scopes = new Set<string>();
  let optional = false;
  for (let i = 0; i < security.length; i++) {
    const req = security[i] as Obj;
    const names = Object.keys(req).sort();
    if (names.length === 0) {
      optional = true;
      continue;
    }
    const alt: string[] = [];
    for (const n of names) {
      const a = sec.schemeAuthorizer.get(n);
      if (!a) {
        const unreadable = sec.unreadable.has(n);
        return { unreadable, error: unreadable ? `security scheme ${JSON.stringify(n)} could not be read (${sec.unreadable.get(n)})` : `security scheme ${JSON.stringify(n)} (${ptr}/${i}) is not defined; define it under ${ctx.swagger2 ? 'securityDefinitions' : 'components.securitySchemes'}, or remove it from the requirement` };
      }
      alt.push(a);
      if (Array.isArray(req[n])) for (const s of req[n]) if (typeof s === 'string') scopes.add(s);
    }
    alts.push(alt);
  }
  if (alts.length === 0) return { auth: 'none', scopes: [] };
  if (scopes.size > 0) {
    // The model's scopes hold for every alternative. Keeping only the alternatives that can check
    // them is stricter than the document, never weaker.
    const jwtAlts = alts.filter((alt) => alt.some((n) => sec.authorizers[n]?.type === 'jwt'));
    if (jwtAlts.length && jwtAlts.length < alts.length) {
      const dropped = alts.filter((a) => !jwtAlts.includes(a)).map((a) => a.join('+'));
      const all = alts.map((a) => (a.length === 1 ? a[0] : `[${a.join(', ')}]`)).join(', ');
      const [clash] = findClashes(alts, (n) => sec.authorizers[n] as CredentialSource | undefined);
      const first = clash ? `; ${clash.first} and ${clash.second} also both read ${clash.location.in} ${clash.location.name}, so first give one of them its own header or scheme prefix under x-anygate.authorizers` : '';
      ctx.warn(
        'scopes-narrowed',
        ptr,
        `scopes apply to every alternative in anygate, so ${dropped.join(', ')} (which cannot check scopes) is not accepted on this route; callers must use ${jwtAlts.map((a) => a.join('+')).join(' or ')}. ` +
          `To accept ${dropped.join(', ')} too, write x-anygate: { auth: [${all}], scopes: [] } on the operation (the gateway then checks no scopes; the backend must)${first}`,
      );
      alts.splice(0, alts.length, ...jwtAlts);
    }
  }
  keepDistinguishable(ctx, sec, alts, ptr);
  const anyOf = alts.length === 1 && alts[0].length === 1 ? alts[0][0] : alts.map((a) => (a.length === 1 ? a[0] : a));
  // `{}` among the requirements: optional authentication (absent allowed, a presented credential must be valid).
  return { auth: optional ? { anyOf, optional: true } : anyOf, scopes: [...scopes].sort() };
}
