/**
 * Optional authentication on Envoy Gateway is refused by the auth.optional record: `jwt.optional`
 * maps to allow_missing, and Envoy's JWT extractor skips a value without the exact `Bearer `
 * prefix (`Basic x`, `bearer <expired>`), so such a credential would pass as anonymous; apiKeyAuth
 * and extAuth have no optional mode. The refusal names the reason and the remedy.
 */
import { targetProblems } from '../../lib/capabilities/support';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';

const jwt = { type: 'jwt', issuer: 'https://login.example.com/', audiences: ['items'], jwksUri: 'https://login.example.com/jwks' };
const specOf = (route: Record<string, unknown>, authorizers: Record<string, unknown> = { jwt }) =>
  toGatewaySpec({ name: 'g', backends: { api: { type: 'http', url: 'https://api.example.com' } }, authorizers, routes: [{ id: 'r', method: 'GET', path: '/r', backend: 'api', ...route }] } as never);
const policies = (spec: ReturnType<typeof specOf>) => compileKubernetes(spec).stages[0].objects.filter((o) => o.kind === 'SecurityPolicy');

describe('optional authentication on Kubernetes', () => {
  it('a JWT route with optional auth is refused by the record, with the reason and the remedy; synthesis fails', () => {
    const optional = specOf({ auth: { anyOf: ['jwt'], optional: true } });
    expect(targetProblems(optional, 'kubernetes').map((p) => [p.where, p.feature, p.message])).toEqual([
      ['r', 'auth.optional', expect.stringMatching(/jwt\.optional treats a credential without the exact "Bearer " prefix \(Basic x, a lowercase bearer with an expired token\) as missing and lets it in as anonymous.*make the route's auth required \(and give anonymous callers a public route of their own\), or serve the optional route from another target/)],
    ]);
    expect(() => compileKubernetes(optional)).toThrow(/auth\.optional/);
  });

  it('a required JWT route says nothing of optional', () => {
    const [p] = policies(specOf({ auth: ['jwt'] }));
    expect((p.spec as { jwt: Record<string, unknown> }).jwt).not.toHaveProperty('optional');
  });

  it('an optional API key is refused by the same record', () => {
    const keyed = toGatewaySpec({ name: 'g', backends: { api: { type: 'http', url: 'https://api.example.com' } }, authorizers: { key: { type: 'apiKey' } }, plans: { basic: {} }, consumers: { acme: { plan: 'basic' } }, routes: [{ id: 'r', method: 'GET', path: '/r', backend: 'api', auth: { anyOf: 'key', optional: true } }] } as never);
    expect(targetProblems(keyed, 'kubernetes').map((p) => [p.feature, p.message])).toEqual([['auth.optional', expect.stringMatching(/apiKeyAuth and extAuth have no optional mode/)]]);
  });
});
