/**
 * A claim name is one top-level claim on every target (docs/model.md, "Claim names"); a dotted
 * name (`groups.admin`) is a nested path on Envoy Gateway, so the kubernetes target refuses it
 * rather than check a different claim (issue 28).
 */
import { targetProblems } from '../../lib/capabilities/support';
import { toGatewaySpec } from '../../lib/model/normalize';
import { checkClaims } from '../../lib/runtime/authorizer/jwt';

const spec = (requiredClaims: Record<string, string>) =>
  toGatewaySpec({
    name: 'c',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { jwt: { type: 'jwt', issuer: 'https://idp.example.com/', audiences: ['c'], jwksUri: 'https://idp.example.com/jwks', requiredClaims } },
    defaults: { backend: 'api' },
    routes: [{ method: 'GET', path: '/x', auth: 'jwt' }],
  });

describe('dotted claim names', () => {
  it('are refused on kubernetes, naming the route, the claim and what to do', () => {
    const problems = targetProblems(spec({ 'groups.admin': 'true', tenant: 'acme' }), 'kubernetes').map((p) => p.message);
    expect(problems).toEqual([expect.stringContaining('authorizer jwt: required claim "groups.admin" holds a dot')]);
    expect(problems[0]).toContain('require a claim without a dot, or use another target');
    expect(targetProblems(spec({ tenant: 'acme' }), 'kubernetes')).toEqual([]);
  });

  it.each(['aws', 'azure', 'apigee'] as const)('are carried as one flat claim on %s', (target) => {
    expect(targetProblems(spec({ 'groups.admin': 'true' }), target)).toEqual([]);
  });

  it('mean one top-level claim in the generated authorizer (and so in dev)', () => {
    const cfg = { issuer: 'https://idp.example.com/', audiences: ['c'], requiredClaims: { 'groups.admin': 'true' }, scopeClaim: 'scope', clockSkewSeconds: 60 } as unknown as Parameters<typeof checkClaims>[1];
    const now = 1_800_000_000;
    const base = { iss: 'https://idp.example.com/', aud: 'c', exp: now + 60, iat: now };
    expect(() => checkClaims({ ...base, 'groups.admin': 'true' }, cfg, now)).not.toThrow();
    expect(() => checkClaims({ ...base, groups: { admin: 'true' } }, cfg, now)).toThrow();
  });
});
