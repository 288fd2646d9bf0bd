/**
 * Azure's scope check decides as the AWS authorizer does (lib/runtime/authorizer: a string claim
 * is space-separated scopes; an array claim a list of scopes, each compared whole, and an array
 * with an element holding a space is refused) wherever APIM can tell the cases apart. The emitted
 * policy runs in the simulator (test/azure/policy-sim.ts: validate-jwt, then the condition
 * translated token for token) on the claim as APIM's Jwt.Claims gives it (string[]: one element
 * for a string, one per item for an array), and is compared with checkClaims + holds on the same
 * claim, over a table of claims: strings, arrays, elements with spaces, strings shaped like arrays,
 * non-ASCII. The same table as test/apigee/scope-decision.test.ts, plus multi-element arrays.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAzure } from '../../providers/azure/compile';
import { scopeCheck } from '../../lib/adopt/azure-expressions';
import { apimPolicyErrors, scratch } from '../validators';
import { simulate } from './policy-sim';
import { awsGrants, SCOPE_CLAIMS, SCOPE_JWT as cfg } from '../scope-claims';

/**
 * The claim as APIM's Jwt.Claims holds it: a string as one value, an array's items one value each.
 * A non-string item (number, object) arrives as its JSON text: that is how System.IdentityModel's
 * JwtPayload turns one into a claim value; APIM's documentation names only string[] values.
 */
function apimClaim(claim: unknown): string | string[] | undefined {
  if (claim === undefined) return undefined;
  if (typeof claim === 'string') return claim;
  if (Array.isArray(claim)) return claim.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  return JSON.stringify(claim);
}

/** One route per scope list, ids r0, r1...; the spec's authorizer reads `scope`. */
function planFor(scopeLists: readonly (readonly string[])[]) {
  return compileAzure(
    toGatewaySpec({
      name: 'g',
      backends: { api: { type: 'mock' } },
      authorizers: { oidc: { type: 'jwt', issuer: cfg.issuer, audiences: ['g'], jwksUri: 'https://id.example.com/jwks' } },
      defaults: { backend: 'api' },
      routes: scopeLists.map((scopes, i) => ({ id: `r${i}`, method: 'GET', path: `/r${i}`, auth: 'oidc', scopes: [...scopes] })),
    } as never),
  );
}

/** Azure: the status the simulator answers for a request bearing a valid token with `claim` as its scope claim. */
function azureGrants(plan: ReturnType<typeof planFor>, route: number, claim: unknown): boolean {
  const value = apimClaim(claim);
  const tokens = new Map<string, Record<string, string | string[]>>([['t', value === undefined ? {} : { scope: value }]]);
  const status = simulate(plan, `r${route}`, { headers: { Authorization: 'Bearer t' } }, { validKeys: new Set(), tokens });
  if (status !== 200 && status !== 403) throw new Error(`unexpected status ${status} for ${JSON.stringify(claim)}`);
  return status === 200;
}

// The shared claims, and Azure's own: multi-element arrays, spaced and empty elements, no claim.
const table: [string, unknown, boolean][] = [
  ...SCOPE_CLAIMS,
  ['an empty string', '', false],
  ['no scope claim', undefined, false],
  ['an array with an empty element', ['', 'admin'], true],
  ['an array whose spaced element holds the scope (AWS refuses the array)', ['read admin', 'write'], false],
  ['an array of spaced elements holding the scope (AWS refuses the array)', ['x admin', 'admin y'], false],
  ['an array element with a trailing space beside the scope', ['admin', 'read '], false],
  ['an array element with a tab (not a space) beside the scope', ['admin', 'a\tb'], true],
  ['a string shaped like a JSON array', '["x","admin"]', false],
  ['a string shaped like an array with spaced words', '[x admin y]', true],
  ['a string quoting a spaced array element', '["foo admin bar"]', true],
  ['non-ASCII words beside the scope in a string', 'é admin 日本', true],
  ['an array of non-ASCII elements and the scope', ['日本', 'admin', '😀'], true],
  ['an array with an object item and a spaced item (AWS refuses the array)', [{ a: 'x admin y' }, 'admin y'], false],
];

describe('Azure scope decision equals the AWS authorizer\'s', () => {
  const plan = planFor([['admin'], ['admin', 'read'], ['api:read'], ['a.b'], ['x[1]'], ['{{nv}}'], ['a{b}'], ['@x'], ["it's"], ['@(x)']]);

  it.each(table)('%s', (_name, claim, expected) => {
    expect([awsGrants(claim, ['admin']), azureGrants(plan, 0, claim)]).toEqual([expected, expected]);
  });

  it('a route needing two scopes needs both, from a string or an array', () => {
    for (const claim of ['read admin', 'admin', 'read', ['admin', 'read'], ['read'], ['admin', 'read x'], 'readadmin', ['read', 'admin', 'admin']]) {
      expect([claim, azureGrants(plan, 1, claim)]).toEqual([claim, awsGrants(claim, ['admin', 'read'])]);
    }
  });

  it('scopes with characters APIM would evaluate or escape ({{ }}, @, braces, quotes) are matched literally', () => {
    const scopes = ['api:read', 'a.b', 'x[1]', '{{nv}}', 'a{b}', '@x', "it's", '@(x)'];
    scopes.forEach((scope, i) => {
      for (const claim of [`q ${scope} r`, [scope], ['q', scope], `q ${scope}x`, [`${scope}x`], scope.replace(/^./u, 'Z'), [scope, 'q r'], `é${scope}`, ['日本', scope]]) {
        expect([scope, claim, azureGrants(plan, i + 2, claim)]).toEqual([scope, claim, awsGrants(claim, [scope])]);
      }
    });
  });

  it('what cannot be told apart: a one-element array reads as a string, a non-string item as its text (auth.scopes record)', () => {
    // Jwt.Claims gives ["foo admin bar"] and "foo admin bar" the same value; AWS refuses the array.
    expect([awsGrants(['foo admin bar'], ['admin']), azureGrants(plan, 0, ['foo admin bar'])]).toEqual([false, true]);
    expect([awsGrants('foo admin bar', ['admin']), azureGrants(plan, 0, 'foo admin bar')]).toEqual([true, true]);
    // A lone object item is one value with spaces; a number beside the scope is a value "1".
    expect([awsGrants([{ a: 'x admin y' }], ['admin']), azureGrants(plan, 0, [{ a: 'x admin y' }])]).toEqual([false, true]);
    expect([awsGrants([1, 'admin'], ['admin']), azureGrants(plan, 0, [1, 'admin'])]).toEqual([false, true]);
  });

  it('every policy validates against the APIM schemas (xmllint), and the importer reads each scope check back', () => {
    const dir = scratch('apim-scopes');
    const files = plan.operations.map((o) => {
      const f = path.join(dir, `${o.id}.xml`);
      writeFileSync(f, o.policy ?? '');
      return f;
    });
    expect(apimPolicyErrors(files)).toBe('');
    const conditions = plan.operations.map((o) => {
      const m = /<when condition="(@\(!\(\(Jwt\)[^"]*)">/.exec(o.policy ?? '');
      return m ? scopeCheck(m[1].replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&')) : undefined;
    });
    expect(conditions[1]).toEqual({ claim: 'scope', scopes: ['admin', 'read'] });
    expect(conditions.slice(2).map((c) => c?.scopes)).toEqual([['api:read'], ['a.b'], ['x[1]'], ['{{nv}}'], ['a{b}'], ['@x'], ["it's"], ['@(x)']]);
    // The form written before the decision matched AWS's (no spaced-item term) reads the same.
    const j = '((Jwt)context.Variables["anygate-jwt"])';
    expect(scopeCheck(`@(!${j}.Claims.ContainsKey("scp") || new string[] { "a", "\\u007bb" }.Except(${j}.Claims["scp"].SelectMany(v => v.Split(' '))).Any())`)).toEqual({ claim: 'scp', scopes: ['a', '{b'] });
    // A condition naming another claim in one place is not anygate's scope check.
    const mixed = `@(!${j}.Claims.ContainsKey("scp") || (${j}.Claims["scope"].Length > 1 && ${j}.Claims["scp"].Any(v => v.Contains(" "))) || new string[] { "a" }.Except(${j}.Claims["scp"].SelectMany(v => v.Split(' '))).Any())`;
    expect(scopeCheck(mixed)).toBeUndefined();
    expect(scopeCheck(mixed.replace('Claims["scope"]', 'Claims["scp"]'))).toEqual({ claim: 'scp', scopes: ['a'] });
  });
});
