/**
 * Optional authentication on Envoy Gateway: SecurityPolicy `jwt.optional: true` (the CRD's field:
 * a missing JWT is let in, an invalid one refused) for one JWT authorizer without scopes or
 * required claims; the rest is refused by the auth.optional record, naming the remedy.
 */
import { targetProblems } from '../../lib/capabilities/support';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { k8sProblems } from './crd';

const jwt = { type: 'jwt', issuer: 'https://login.example.com/', audiences: ['items'], jwksUri: 'https://login.example.com/jwks' };
const specOf = (route: Record<string, unknown>, authorizers: Record<string, unknown> = { jwt }) =>
  toGatewaySpec({ name: 'g', backends: { api: { type: 'http', url: 'https://api.example.com' } }, authorizers, routes: [{ id: 'r', method: 'GET', path: '/r', backend: 'api', ...route }] } as never);
const policies = (spec: ReturnType<typeof specOf>) => compileKubernetes(spec).stages[0].objects.filter((o) => o.kind === 'SecurityPolicy');

describe('optional authentication on Kubernetes', () => {
  it('a JWT route: jwt.optional is true, and the SecurityPolicy passes the CRD schema', () => {
    const [p] = policies(specOf({ auth: { anyOf: ['jwt'], optional: true } }));
    expect((p.spec as { jwt: { optional?: boolean } }).jwt.optional).toBe(true);
    expect(k8sProblems(p)).toEqual([]);
  });

  it('a required JWT route says nothing of optional', () => {
    const [p] = policies(specOf({ auth: ['jwt'] }));
    expect((p.spec as { jwt: Record<string, unknown> }).jwt).not.toHaveProperty('optional');
  });

  it('scopes or required claims would deny every anonymous request: refused by the record, with the remedy', () => {
    const scoped = specOf({ auth: { anyOf: ['jwt'], optional: true }, scopes: ['items:read'] });
    expect(targetProblems(scoped, 'kubernetes').map((p) => [p.feature, p.message])).toEqual([['auth.optional', expect.stringMatching(/authorization rule on the token would deny every anonymous request; drop them from the optional route, or make its auth required/)]]);
    const claims = specOf({ auth: { anyOf: ['jwt'], optional: true } }, { jwt: { ...jwt, requiredClaims: { tenant: 'a' } } });
    expect(targetProblems(claims, 'kubernetes').map((p) => p.feature)).toEqual(['auth.optional']);
    expect(() => compileKubernetes(scoped)).toThrow(/auth\.optional/);
  });

  it('an API key has no optional mode in apiKeyAuth: refused by the record', () => {
    const keyed = toGatewaySpec({ name: 'g', backends: { api: { type: 'http', url: 'https://api.example.com' } }, authorizers: { key: { type: 'apiKey' } }, plans: { basic: {} }, consumers: { acme: { plan: 'basic' } }, routes: [{ id: 'r', method: 'GET', path: '/r', backend: 'api', auth: { anyOf: 'key', optional: true } }] } as never);
    expect(targetProblems(keyed, 'kubernetes').map((p) => [p.feature, p.message])).toEqual([['auth.optional', expect.stringMatching(/apiKeyAuth has no optional mode/)]]);
  });
});
