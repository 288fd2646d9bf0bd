/**
 * Routes and the IAM policies the authorizer returns, indexed at cold start so a call costs one
 * map lookup for the route and, in the common case, one for its policy.
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
  /** Set when API Gateway caches the route's decision: `apiId/stage` prefix -> Allow of the route's ARN pattern. */
  readonly cached?: Map<string, PolicyDocument>;
  /** Scope-set key -> whether it covers the route's scopes (bounded). */
  readonly allows: Map<string, boolean>;
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
    if (!r || 'allows' in r) return r;
    const s = cfg.schemes[r.scheme];
    index.set(k, (r = { route: r, arn: routeArn(k), cached: s && s.exact && s.resultTtlSeconds > 0 ? new Map() : undefined, allows: new Map() }));
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
 * The policy for a verified caller of `r`, whose scopes are `key` (space-separated: equal keys,
 * equal sets); it is parsed only when the answer is not memoized.
 */
export function policyFor(r: IndexedRoute, methodArn: string, key: string): PolicyDocument | undefined {
  const prefix = arnPrefix(methodArn);
  if (prefix === undefined) return undefined;
  let ok = r.allows.get(key);
  if (ok === undefined) {
    const s = new Set(words(key));
    ok = r.route.scopes.every((x) => s.has(x));
    if (r.allows.size >= 256) r.allows.clear();
    r.allows.set(key, ok);
  }
  if (!ok) return policy('Deny', [methodArn]);
  if (!r.cached) return policy('Allow', [methodArn]);
  let doc = r.cached.get(prefix);
  if (!doc) {
    doc = policy('Allow', [prefix + r.arn]);
    if (r.cached.size >= 64) r.cached.clear();
    r.cached.set(prefix, doc);
  }
  return doc;
}
