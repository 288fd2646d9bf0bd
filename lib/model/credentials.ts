/**
 * Where each authorizer reads its credential, and the rules for alternative credentials
 * (`auth: [a, [b, c]]`) that every target and `anygate dev` share. docs/model.md ("Alternative
 * credentials") states the semantics; this module is their one definition in code.
 */
import { alternativeAuthorizers } from '../runtime/alternatives';
import { MODEL_DEFAULTS } from './defaults';
import type { GatewaySpec, RouteSpec } from './types';

/** The fields of an authorizer (parsed or normalized) that say where its credential is. */
export type CredentialSource =
  | { readonly type: 'jwt'; readonly header?: string }
  | { readonly type: 'custom'; readonly header?: string }
  | { readonly type: 'apiKey'; readonly in?: 'header' | 'query'; readonly name?: string; readonly scheme?: string };

/** A request location: a header (compared without case) or a query parameter (as written). */
export interface CredentialLocation {
  readonly in: 'header' | 'query';
  /** Header names lower-case; query names as written. */
  readonly name: string;
}

/** Where `a` reads its credential from. */
export function credentialLocation(a: CredentialSource): CredentialLocation {
  if (a.type === 'apiKey') {
    const where = a.in ?? MODEL_DEFAULTS.apiKeyIn;
    const name = a.name ?? MODEL_DEFAULTS.apiKeyName;
    return { in: where, name: where === 'header' ? name.toLowerCase() : name };
  }
  const header = a.header ?? (a.type === 'jwt' ? MODEL_DEFAULTS.authHeader : MODEL_DEFAULTS.customHeader);
  return { in: 'header', name: header.toLowerCase() };
}

/**
 * The auth scheme the credential follows in its header, lower-case: `bearer` for a JWT, an API key's
 * `scheme`; undefined when the whole value is the credential (an API key without scheme, a custom
 * authorizer), which any value may be.
 */
export function credentialScheme(a: CredentialSource): string | undefined {
  if (a.type === 'jwt') return 'bearer';
  if (a.type === 'apiKey' && a.scheme !== undefined && (a.in ?? MODEL_DEFAULTS.apiKeyIn) === 'header') return a.scheme.toLowerCase();
  return undefined;
}

/** `header:authorization`, `query:api_key`: equal exactly when two locations are the same. */
export function locationKey(l: CredentialLocation): string {
  return `${l.in}:${l.name}`;
}

/** Two different authorizers, in different alternatives, that read the same place. */
export interface AlternativeClash {
  /** The authorizer of the earlier alternative. */
  readonly first: string;
  readonly second: string;
  readonly location: CredentialLocation;
}

/**
 * Two different authorizers in different alternatives that read the same place, unless both say
 * their scheme prefix and the prefixes differ (`Authorization: Bot <token>` or `Bearer <jwt>`): the
 * gateway could not tell which one the caller meant, and since every presented credential is checked,
 * one of them would refuse every caller of the other.
 */
export function findClashes(alternatives: readonly (readonly string[])[], source: (name: string) => CredentialSource | undefined): AlternativeClash[] {
  if (alternatives.length < 2) return [];
  const seen = new Map<string, { name: string; alt: number; scheme?: string }[]>();
  const out: AlternativeClash[] = [];
  alternatives.forEach((alt, i) => {
    for (const name of alt) {
      const a = source(name);
      if (!a) continue;
      const location = credentialLocation(a);
      const k = locationKey(location);
      const scheme = credentialScheme(a);
      const here = seen.get(k) ?? [];
      // Two schemes that differ (`Bot <token>`, `Bearer <jwt>`) tell the credentials apart.
      const other = here.find((o) => o.name !== name && o.alt !== i && !(o.scheme !== undefined && scheme !== undefined && o.scheme !== scheme));
      if (other) out.push({ first: other.name, second: name, location });
      else seen.set(k, [...here, { name, alt: i, scheme }]);
    }
  });
  return out;
}

/** The validation message for a clash. */
export function clashMessage(c: AlternativeClash): string {
  return `alternatives ${JSON.stringify(c.first)} and ${JSON.stringify(c.second)} both read ${c.location.in} ${c.location.name}: a gateway checks every credential a request presents, so one of them would refuse every caller of the other; read them from different places, give each its own scheme prefix (an apiKey authorizer's scheme, such as Bot, beside a jwt's Bearer), or use one authorizer`;
}

// Dependency-free (the capability records use it without loading the schema library).
export { alternativeAuthorizers } from '../runtime/alternatives';

/** A credential that identifies the caller in a cache key. */
export interface CallerCredential {
  readonly authorizer: string;
  readonly type: 'jwt' | 'apiKey' | 'custom';
  readonly in: 'header' | 'query';
  /** The header or parameter name as the spec writes it. */
  readonly name: string;
}

/**
 * What identifies the caller of a cached route (rule 8 of docs/model.md): every credential the
 * route may check, from every alternative, in written order, one per request location (header
 * names compared without case). Empty on public routes and where `cache.shared` is true. Each
 * target maps these to its own key parts; dev reads the same locations.
 */
export function cacheCallerCredentials(spec: GatewaySpec, route: RouteSpec): CallerCredential[] {
  if (route.auth === 'none' || route.cache?.shared) return [];
  const seen = new Set<string>();
  const out: CallerCredential[] = [];
  for (const authorizer of alternativeAuthorizers(route.auth)) {
    const a = spec.authorizers[authorizer];
    if (!a) continue;
    const key = locationKey(credentialLocation(a));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(a.type === 'apiKey' ? { authorizer, type: a.type, in: a.in, name: a.name } : { authorizer, type: a.type, in: 'header', name: a.header });
  }
  return out;
}
