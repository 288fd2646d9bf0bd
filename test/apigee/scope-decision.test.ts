/**
 * Apigee's scope check decides as the AWS authorizer does (lib/runtime/authorizer: a string claim
 * is space-separated scopes; an array claim a list of scopes, each compared whole, and an array
 * with an element holding a space is refused). The emitted condition's JavaRegex is run here on
 * the value VerifyJWT gives the flow variable (a string as it is; an array as compact JSON) and
 * compared with checkClaims + holds on the same claim, over a table of claims: strings, arrays,
 * strings shaped like arrays, non-ASCII and control characters where a quote would be.
 */
import { scopeCondition } from '../../providers/apigee/conditions';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import { writeBundleDir } from '../../providers/apigee/bundle';
import { apigeelint, scratch } from '../validators';
import { awsGrants, SCOPE_CLAIMS } from '../scope-claims';

const VARIABLE = 'jwt.JWT-oidc.decoded.claim.scope';

/**
 * The condition's JavaRegex terms as JS RegExps (`(?s)` becomes the s flag, `\z` becomes `$`; the rest is syntax
 * both engines share). The condition must be a disjunction of JavaRegex terms on the variable,
 * nothing else, so any term matching the whole value grants.
 */
function apigeeRegexes(scope: string): RegExp[] {
  const c = scopeCondition(VARIABLE, scope, 'routes[0].scopes[0]');
  const term = `${VARIABLE.replace(/[.]/g, '\\.')} JavaRegex "([^"]*)"`;
  if (!new RegExp(`^\\(${term}( or ${term})*\\)$`).test(c)) throw new Error(`not a disjunction of JavaRegex terms: ${c}`);
  // Java's \z (the very end) is JavaScript's $ without the m flag.
  return [...c.matchAll(/JavaRegex "([^"]*)"/g)].map(([, java]) => java.replace(/\\z/g, '$')).map((re) => (re.startsWith('(?s)') ? new RegExp(re.slice(4), 's') : new RegExp(re)));
}

/** Apigee: VerifyJWT's flow variable for the claim (an array rendered as compact JSON), whole-value match. */
function apigeeGrants(claim: unknown, scope: string): boolean {
  const value = typeof claim === 'string' ? claim : JSON.stringify(claim);
  return apigeeRegexes(scope).some((re) => {
    const m = re.exec(value);
    return m !== null && m.index === 0 && m[0] === value;
  });
}

// The shared claims, and Apigee's own: an array item that is not a string, a final line break.
const table: [string, unknown, boolean][] = [
  ...SCOPE_CLAIMS,
  ['an array element holding the scope among words (AWS refuses the array)', ['foo admin bar'], false],
  ['an array with a number (AWS refuses the array)', [1, 'admin'], false],
  ['an array with an object holding the scope among words', [{ a: 'x admin y' }], false],
  ['a final line break after the scope', 'admin\n', false],
];

describe('Apigee scope decision equals the AWS authorizer\'s', () => {
  it.each(table)('%s', (_name, claim, expected) => {
    expect([awsGrants(claim, 'admin'), apigeeGrants(claim, 'admin')]).toEqual([expected, expected]);
  });

  it('each alternative ends at \\z: Java\'s $ would also match before a final line break', () => {
    const c = scopeCondition('jwt.JWT-j.decoded.claim.scope', 'admin', 'routes[0].scopes[0]');
    expect(c.match(/\\z/g)).toHaveLength(2);
    expect(c).not.toMatch(/\$[|"]/);
  });

  it('scopes with regex-special and non-ASCII characters are matched literally', () => {
    for (const scope of ['api:read', 'a.b', 'x[1]', 'a^b', 'né', 'a|b', 'a$']) {
      for (const claim of [`q ${scope} r`, [scope], `q ${scope}x`, [`${scope}x`], scope.replace(/./, 'Z')]) {
        expect([scope, claim, apigeeGrants(claim, scope)]).toEqual([scope, claim, awsGrants(claim, scope)]);
      }
    }
  });

  it('what cannot be told apart: a string whose whole text is a JSON array of space-free strings reads as that array', () => {
    // VerifyJWT gives an array claim and this string the same text; AWS reads the string as one word.
    expect([awsGrants('["x","admin"]', 'admin'), apigeeGrants('["x","admin"]', 'admin')]).toEqual([false, true]);
    // A string from `[` to `]` is read as an array, which only grants less: AWS reads words here.
    expect([awsGrants('[x admin y]', 'admin'), awsGrants('["foo admin bar"]', 'admin')]).toEqual([true, true]);
    expect([apigeeGrants('[x admin y]', 'admin'), apigeeGrants('["foo admin bar"]', 'admin')]).toEqual([false, false]);
  });
});

describe('the scope conditions in a bundle', () => {
  it('pass apigeelint (no error; no condition over its 256 characters)', () => {
    const jwt = { type: 'jwt' as const, issuer: 'https://id.example.com', audiences: ['g'], jwksUri: 'https://id.example.com/jwks' };
    // One route with one authorizer, one with alternatives (its scope steps are `flag and NOT (...)`).
    const routes = [
      { id: 'a', method: 'GET', path: '/a', auth: 'oidc', scopes: ['api:read', 'x[1]', 'admin'] },
      { id: 'b', method: 'GET', path: '/b', auth: ['oidc', 'partner'], scopes: ['api:read'] },
    ];
    const spec = toGatewaySpec({ name: 'g', backends: { api: { type: 'mock' } }, authorizers: { oidc: jwt, partner: { ...jwt, header: 'X-Partner-Token' } }, defaults: { backend: 'api' }, routes } as never);
    const dir = scratch('apigee-scopes');
    writeBundleDir(compileApigee(spec), dir);
    const findings = apigeelint(dir);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'CC003')).toEqual([]);
  });
});
