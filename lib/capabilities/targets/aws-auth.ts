/**
 * AWS auth decisions that the capability records and the AWS compiler both read, so a refusal
 * and what is emitted follow from one rule: where API keys are read (API Gateway itself or the
 * generated authorizer), and which routes would need two Lambda authorizers on one method.
 */
import { alternativeAuthorizers } from '../../model/credentials';
import type { ApiKeyAuthorizerSpec, GatewaySpec, RouteSpec } from '../../model/types';
import { AWS_LIMITS } from '../limits';

/** API Gateway reads a key itself only from `x-api-key` (header, any case). */
export function isNativeKey(a: ApiKeyAuthorizerSpec): boolean {
  return a.in === 'header' && a.name.toLowerCase() === 'x-api-key' && a.scheme === undefined;
}

/**
 * Routes the generated authorizer decides under one definition with no credential identity
 * source (ALTERNATIVES_SCHEME): alternatives, and optional authentication, where API Gateway
 * must call the function even when no credential is sent.
 */
export function decidedByAlternatives(route: RouteSpec): boolean {
  return route.auth !== 'none' && (route.auth.length > 1 || route.authOptional === true);
}

/**
 * The REST API's apiKeySource. It is per API: one key elsewhere than x-api-key moves every key to
 * the authorizer, and so does a key among alternatives (API Gateway would refuse a token caller
 * that sends no x-api-key).
 */
export function awsApiKeySource(spec: GatewaySpec): 'HEADER' | 'AUTHORIZER' {
  const authorizers = spec.authorizers;
  const used = new Set(spec.routes.flatMap((r) => (r.auth === 'none' ? [] : r.auth.flat())));
  const keys = [...used].map((n) => authorizers[n]).filter((a): a is ApiKeyAuthorizerSpec => a?.type === 'apiKey');
  const keyAmongAlternatives = spec.routes.some((r) => r.auth !== 'none' && decidedByAlternatives(r) && r.auth.flat().some((n) => authorizers[n]?.type === 'apiKey'));
  return keys.every(isNativeKey) && !keyAmongAlternatives ? 'HEADER' : 'AUTHORIZER';
}

/**
 * A single-alternative route whose custom authorizer shares the method with another Lambda
 * authorizer (a second custom one, or the generated one for JWTs or authorizer-read keys): a
 * method takes one. Returns the message, or undefined when the route is fine.
 */
export function customSharesMethod(spec: GatewaySpec, route: RouteSpec): string | undefined {
  if (route.auth === 'none' || decidedByAlternatives(route)) return undefined;
  const names = [...route.auth[0]].sort();
  const typeOf = (n: string) => spec.authorizers[n]?.type;
  const customs = names.filter((n) => typeOf(n) === 'custom');
  if (!customs.length) return undefined;
  const generated = names.some((n) => typeOf(n) === 'jwt') || (awsApiKeySource(spec) === 'AUTHORIZER' && names.some((n) => typeOf(n) === 'apiKey'));
  if (customs.length === 1 && !generated) return undefined;
  return `a method takes one Lambda authorizer, but [${names.join(', ')}] needs ${customs.length + (generated ? 1 : 0)}; use the custom authorizer alone`;
}

/**
 * The one API Gateway authorizer definition of every route with alternatives (a name no
 * authorizer can have: safe names hold no underscore). See providers/aws/auth.ts.
 */
export const ALTERNATIVES_SCHEME = 'anygate_alternatives';

/**
 * The Lambda authorizer definition (OpenAPI security scheme) a route's method uses on API
 * Gateway: `custom-<name>` for a custom authorizer alone, `anygate-<jwts and authorizer-read
 * keys>` for the generated one, ALTERNATIVES_SCHEME for alternatives; undefined when the method
 * needs none (no auth, x-api-key keys alone) or when another record refuses the combination.
 * The compiler names its schemes with this, and the `auth` record counts them.
 */
export function lambdaSchemeOf(spec: GatewaySpec, route: RouteSpec, keySource: 'HEADER' | 'AUTHORIZER' = awsApiKeySource(spec)): string | undefined {
  if (route.auth === 'none') return undefined;
  const typeOf = (n: string) => spec.authorizers[n]?.type;
  if (decidedByAlternatives(route)) return alternativeAuthorizers(route.auth).some((n) => typeOf(n) === 'custom') ? undefined : ALTERNATIVES_SCHEME;
  const names = [...route.auth[0]].sort();
  const jwts = names.filter((n) => typeOf(n) === 'jwt');
  const keys = keySource === 'AUTHORIZER' ? names.filter((n) => typeOf(n) === 'apiKey') : [];
  const customs = names.filter((n) => typeOf(n) === 'custom');
  if (customs.length) return customs.length === 1 && !jwts.length && !keys.length ? `custom-${customs[0]}` : undefined;
  return jwts.length || keys.length ? `anygate-${[...jwts, ...keys].join('-')}` : undefined;
}

/** Every Lambda authorizer definition the REST API holds, in the order routes first need them. */
export function lambdaSchemes(spec: GatewaySpec): string[] {
  const keySource = awsApiKeySource(spec);
  const out = new Set<string>();
  for (const r of spec.routes) {
    const s = lambdaSchemeOf(spec, r, keySource);
    if (s) out.add(s);
  }
  return [...out];
}

/** The authorizer quota of a REST API: the message when the spec's routes need more, else undefined. */
export function authorizerQuotaMessage(spec: GatewaySpec): string | undefined {
  const schemes = lambdaSchemes(spec);
  if (schemes.length <= AWS_LIMITS.authorizersPerApi) return undefined;
  return `the routes need ${schemes.length} API Gateway authorizers (${schemes.join(', ')}), over the default quota of ${AWS_LIMITS.authorizersPerApi} per REST API; use fewer distinct authorizer combinations`;
}
