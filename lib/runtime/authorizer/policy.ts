/**
 * Routes and the IAM policies the authorizer returns, indexed at cold start so a call costs one
 * map lookup for the route and, in the common case, none for its policy.
 *
 * The policy never grows with the route count. Where API Gateway caches the decision (scheme TTL
 * > 0, exact route table), the compiler keys that cache by the route as well as the credentials
 * (identity sources `context.httpMethod` and `context.resourcePath`, providers/aws/auth.ts), so a
 * cached policy is only ever applied to later requests to the same route: it names that route's
 * ARN pattern (`GET/items/*`), covering every request to the route whatever its path values.
 * Otherwise (no cache) it names the current method ARN. A caller whose scopes do not cover the
 * route gets a Deny of the method it asked for.
 */
import type { AuthorizerConfig, AuthorizerRequirement } from '../config';
import type { CredentialSource } from '../repeated';

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: { Action: 'execute-api:Invoke'; Effect: 'Allow' | 'Deny'; Resource: string[] }[];
}

export interface AuthorizerResult {
  principalId: string;
  policyDocument: PolicyDocument;
  context: Record<string, string>;
  usageIdentifierKey?: string;
}

export const policy = (effect: 'Allow' | 'Deny', resource: string[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
});

export interface IndexedRoute {
  /** What the route requires (its group in config.json). */
  readonly route: AuthorizerRequirement;
  /** The route's ARN pattern after `apiId/stage/`, e.g. `GET/v1/pets/*` (routeArn). */
  readonly arn: string;
  /** Set when API Gateway caches the route's decision: the Allow of its ARN pattern is made once per `apiId/stage/` prefix. */
  readonly cached: boolean;
  /** The last such prefix and its Allow (a route is reached through one API and stage: compared, not hashed). */
  prefix?: string;
  doc?: PolicyDocument;
  /** Where the route's credentials are read (the handler's, set on the route's first request). */
  sources?: CredentialSource[];
  /** The route's JWT then API key authorizers, set with `sources`. */
  names?: string[];
}

/**
 * The ARN pattern of a route after `apiId/stage/`, from its `METHOD /resource` key: the method
 * (`*` for ANY), then the resource with each path variable (`{id}`, `{proxy+}`, always a whole
 * segment) as `*`. The compiler's own (providers/aws/resources.ts) is the same string:
 * test/aws/authorizer-config.test.ts.
 */
export const routeArn = (key: string): string => key.replace(/^ANY /, '*').replace(' ', '').replace(/\{[^}]*\}/g, '*');

/**
 * Looks routes up by resource and method (an ANY route under 'ANY'). Cold start does no
 * per-route work: the table is keyed on the first call (from the groups of config.json), and a
 * route's IndexedRoute (its memo maps) is made when a request first reaches it.
 */
export function indexRoutes(cfg: AuthorizerConfig): (resource: string, method: string) => IndexedRoute | undefined {
  let index: Map<string, AuthorizerRequirement | IndexedRoute> | undefined;
  return (resource, method) => {
    if (!index) {
      index = new Map();
      for (const g of cfg.routeGroups) for (const k of g.routes) index.set(k, g);
    }
    let k = method + ' ' + resource;
    let r = index.get(k) ?? index.get((k = 'ANY ' + resource));
    if (!r || 'arn' in r) return r;
    const s = cfg.schemes[r.scheme];
    index.set(k, (r = { route: r, arn: routeArn(k), cached: Boolean(s && s.exact && s.resultTtlSeconds > 0) }));
    return r;
  };
}

/** `arn:...:apiId/stage/` of a method ARN, or undefined when it has no stage part. */
export function arnPrefix(methodArn: string): string | undefined {
  const j = methodArn.indexOf('/', methodArn.indexOf('/') + 1);
  return j < 0 ? undefined : methodArn.slice(0, j + 1);
}

/** The scopes of a space-separated scope string. */
export const words = (s: string): string[] => s.split(' ').filter((x) => x !== '');

/**
 * True when the space-separated scopes `s` hold the scope `w`: a whole word, found in place (a
 * broad token's scope string is neither split nor hashed on every call). A scope holding a space
 * is never held.
 */
export function holds(s: string, w: string): boolean {
  if (!w || w.includes(' ')) return false;
  for (let i = s.indexOf(w); i >= 0; i = s.indexOf(w, i + 1)) if ((!i || s[i - 1] === ' ') && (i + w.length === s.length || s[i + w.length] === ' ')) return true;
  return false;
}

/** The policy for a verified caller of `r`, whose scopes are `scopes` (space-separated). */
export function policyFor(r: IndexedRoute, methodArn: string, scopes: string): PolicyDocument | undefined {
  const prefix = arnPrefix(methodArn);
  if (prefix === undefined) return undefined;
  for (const x of r.route.scopes) if (!holds(scopes, x)) return policy('Deny', [methodArn]);
  if (!r.cached) return policy('Allow', [methodArn]);
  if (r.prefix !== prefix) r.doc = policy('Allow', [(r.prefix = prefix) + r.arn]);
  return r.doc;
}
