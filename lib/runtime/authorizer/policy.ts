/**
 * Routes and the IAM policies the authorizer returns, indexed and precomputed at cold start so a
 * call costs one map lookup for the route and, in the common case, one for its policy.
 *
 * Where API Gateway caches the decision (scheme TTL > 0) and the route table is exact, the policy
 * lists every method ARN of the scheme the caller's scopes allow: a cached policy must cover every
 * method the token may call, since API Gateway reuses it for the token's next requests to any of
 * the scheme's routes. Otherwise it covers the current method only.
 */
import type { AuthorizerConfig, AuthorizerRoute } from '../config';

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

/** The routes of one scheme grouped by required scope set, for whole-scheme policies. */
interface SchemePolicies {
  /** Distinct scope sets, and the ARN patterns of the routes requiring each. */
  groups: { scopes: string[]; arns: string[] }[];
  /** Scope -> indexes of the groups that require it. */
  byScope: Map<string, number[]>;
  /** `apiId/stage` prefix + scope key -> policy (bounded). */
  memo: Map<string, PolicyDocument>;
}

export interface IndexedRoute {
  readonly route: AuthorizerRoute;
  /** Set when the policy lists every route of the scheme. */
  readonly scheme?: SchemePolicies;
}

function schemePolicies(routes: AuthorizerRoute[]): SchemePolicies {
  const groups = new Map<string, { scopes: string[]; arns: string[] }>();
  for (const r of routes) {
    const scopes = [...new Set(r.scopes)].sort();
    const k = scopes.join(' ');
    const g = groups.get(k) ?? { scopes, arns: [] };
    g.arns.push(r.arn);
    groups.set(k, g);
  }
  const list = [...groups.values()];
  const byScope = new Map<string, number[]>();
  list.forEach((g, i) => g.scopes.forEach((s) => byScope.set(s, [...(byScope.get(s) ?? []), i])));
  return { groups: list, byScope, memo: new Map() };
}

/** Indexes routes by resource and method: `resource -> method -> route` (ANY under 'ANY'). */
export function indexRoutes(cfg: AuthorizerConfig): Map<string, Map<string, IndexedRoute>> {
  const schemes = new Map<string, SchemePolicies>();
  for (const [name, s] of Object.entries(cfg.schemes)) {
    if (s.exact && s.resultTtlSeconds > 0) schemes.set(name, schemePolicies(cfg.routes.filter((r) => r.scheme === name)));
  }
  const index = new Map<string, Map<string, IndexedRoute>>();
  for (const route of cfg.routes) {
    const m = index.get(route.resource) ?? new Map<string, IndexedRoute>();
    m.set(route.method, { route, scheme: schemes.get(route.scheme) });
    index.set(route.resource, m);
  }
  return index;
}

/** `arn:...:apiId/stage/` of a method ARN, or undefined when it has no stage part. */
export function arnPrefix(methodArn: string): string | undefined {
  const j = methodArn.indexOf('/', methodArn.indexOf('/') + 1);
  return j < 0 ? undefined : methodArn.slice(0, j + 1);
}

/** Every method ARN of the scheme that `scopes` allow, sorted; computed once per scope set. */
function wholeScheme(p: SchemePolicies, prefix: string, scopes: Set<string>): PolicyDocument | undefined {
  const hits = new Array<number>(p.groups.length).fill(0);
  for (const s of scopes) for (const i of p.byScope.get(s) ?? []) hits[i]++;
  const arns = new Set<string>();
  p.groups.forEach((g, i) => {
    if (hits[i] === g.scopes.length) for (const a of g.arns) arns.add(prefix + a);
  });
  return arns.size ? policy('Allow', [...arns].sort()) : undefined;
}

/**
 * The policy for a verified caller of `r`. `key` names the caller's scope set (equal keys, equal
 * sets); `scopes` parses it, only when the answer is not memoized.
 */
export function policyFor(r: IndexedRoute, methodArn: string, key: string, scopes: () => Set<string>): PolicyDocument | undefined {
  const prefix = arnPrefix(methodArn);
  if (prefix === undefined) return undefined;
  const p = r.scheme;
  if (!p) {
    const s = scopes();
    return policy(r.route.scopes.every((x) => s.has(x)) ? 'Allow' : 'Deny', [methodArn]);
  }
  const memoKey = prefix + '\n' + key;
  let doc = p.memo.get(memoKey);
  if (!doc) {
    doc = wholeScheme(p, prefix, scopes());
    // A caller allowed nothing gets a Deny of the method it asked for (not memoized: it names it).
    if (!doc) return policy('Deny', [methodArn]);
    if (p.memo.size >= 512) p.memo.clear();
    p.memo.set(memoKey, doc);
  }
  return doc;
}
