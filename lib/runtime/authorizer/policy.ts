/**
 * The IAM policy an authorizer returns. With an exact route table the policy lists every method
 * ARN the token may call, so API Gateway can cache it for the token across routes; otherwise it
 * covers the current method only.
 */
import type { AuthorizerConfig, AuthorizerRoute } from '../config';

export interface AuthorizerResult {
  principalId: string;
  policyDocument: { Version: '2012-10-17'; Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string[] }[] };
  context: Record<string, string>;
  usageIdentifierKey?: string;
}

/** `arn:...:apiId/stage/` of a method ARN. */
export function arnPrefix(methodArn: string): string {
  const parts = methodArn.split('/');
  return `${parts[0]}/${parts[1]}/`;
}

/** The route API Gateway matched: by resource template and method (ANY as a fallback). */
export function findRoute(cfg: AuthorizerConfig, resource: string | undefined, method: string | undefined): AuthorizerRoute | undefined {
  let any: AuthorizerRoute | undefined;
  for (const r of cfg.routes) {
    if (r.resource !== resource) continue;
    if (r.method === method) return r;
    if (r.method === 'ANY') any = r;
  }
  return any;
}

function hasScopes(route: AuthorizerRoute, scopes: Set<string>): boolean {
  return route.scopes.every((s) => scopes.has(s));
}

/** Builds the policy for a verified caller of `route`. */
export function buildPolicy(
  cfg: AuthorizerConfig,
  route: AuthorizerRoute,
  methodArn: string,
  principalId: string,
  scopes: Set<string>,
  context: Record<string, string>,
  usageIdentifierKey?: string,
): AuthorizerResult {
  const prefix = arnPrefix(methodArn);
  let allowed: string[];
  if (cfg.schemes[route.scheme]?.exact) {
    allowed = cfg.routes.filter((r) => r.scheme === route.scheme && hasScopes(r, scopes)).map((r) => prefix + r.arn);
  } else allowed = hasScopes(route, scopes) ? [methodArn] : [];
  const statement = allowed.length
    ? { Action: 'execute-api:Invoke' as const, Effect: 'Allow' as const, Resource: [...new Set(allowed)].sort() }
    : { Action: 'execute-api:Invoke' as const, Effect: 'Deny' as const, Resource: [methodArn] };
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [statement] },
    context,
    ...(usageIdentifierKey !== undefined ? { usageIdentifierKey } : {}),
  };
}
