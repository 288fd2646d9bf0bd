/**
 * AWS auth decisions that the capability records and the AWS compiler both read, so a refusal
 * and what is emitted follow from one rule: where API keys are read (API Gateway itself or the
 * generated authorizer), and which routes would need two Lambda authorizers on one method.
 */
import type { ApiKeyAuthorizerSpec, GatewaySpec, RouteSpec } from '../../model/types';

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
