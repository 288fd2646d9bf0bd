/**
 * The authorizer's scope test and policy memo (lib/runtime/authorizer/policy.ts): `holds` finds a
 * scope in the token's space-separated scope string without splitting it, and must agree with the
 * split; `policyFor` keeps the last `apiId/stage/` prefix of a route and its Allow.
 */
import fc from 'fast-check';
import { holds, policyFor, type IndexedRoute } from '../../lib/runtime/authorizer/policy';

// What a token's scope string means: its space-separated words.
const words = (s: string) => s.split(' ').filter((x) => x !== '');

describe('holds', () => {
  it('agrees with splitting the scope string into words, on any string and scope', () => {
    // A small alphabet, so scopes are often prefixes, suffixes and substrings of one another.
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ':', ' '), maxLength: 12 });
    fc.assert(
      fc.property(text, text, (s, w) => holds(s, w) === words(s).includes(w)),
      { numRuns: 2000 },
    );
  });

  it('finds a whole word only, never a part of one nor a scope holding a space', () => {
    expect(holds('items:read items:write', 'items:write')).toBe(true);
    expect(holds('items:readonly', 'items:read')).toBe(false);
    expect(holds('xitems:read', 'items:read')).toBe(false);
    expect(holds('read  write', 'write')).toBe(true);
    expect(holds('a b', 'a b')).toBe(false);
    expect(holds('a', '')).toBe(false);
    expect(holds('', '')).toBe(false);
  });
});

describe('policyFor', () => {
  const ARN = 'arn:aws:execute-api:us-east-1:123456789012:api123';
  const route = (cached: boolean): IndexedRoute => ({ route: { scheme: 's', jwt: ['j'], apiKeys: [], scopes: ['read'] }, arn: 'GET/items/*', cached });
  const resource = (doc: ReturnType<typeof policyFor>) => [doc?.Statement[0].Effect, ...(doc?.Statement[0].Resource ?? [])];

  it('allows the route pattern of each stage, made once while the stage repeats', () => {
    const r = route(true);
    const prod = policyFor(r, `${ARN}/prod/GET/items/1`, 'read');
    expect(resource(prod)).toEqual(['Allow', `${ARN}/prod/GET/items/*`]);
    expect(policyFor(r, `${ARN}/prod/GET/items/2`, 'write read')).toBe(prod);
    expect(resource(policyFor(r, `${ARN}/dev/GET/items/1`, 'read'))).toEqual(['Allow', `${ARN}/dev/GET/items/*`]);
    expect(resource(policyFor(r, `${ARN}/prod/GET/items/3`, 'read'))).toEqual(['Allow', `${ARN}/prod/GET/items/*`]);
  });

  it('denies the method asked for when a scope is missing, and refuses an ARN without a stage, whatever was seen before', () => {
    const r = route(true);
    policyFor(r, `${ARN}/prod/GET/items/1`, 'read');
    expect(resource(policyFor(r, `${ARN}/prod/GET/items/1`, 'reader'))).toEqual(['Deny', `${ARN}/prod/GET/items/1`]);
    expect(policyFor(r, `${ARN}/prod`, 'read')).toBeUndefined();
    expect(policyFor(r, 'no-slashes', 'read')).toBeUndefined();
  });

  it('names the method ARN itself when API Gateway does not cache the decision', () => {
    const r = route(false);
    expect(resource(policyFor(r, `${ARN}/prod/GET/items/1`, 'read'))).toEqual(['Allow', `${ARN}/prod/GET/items/1`]);
    expect(resource(policyFor(r, `${ARN}/prod/GET/items/2`, 'read'))).toEqual(['Allow', `${ARN}/prod/GET/items/2`]);
  });
});
