/**
 * Scope checks on Apigee: one 403 step per required scope, so no condition grows with the number of
 * scopes (apigeelint CC003 warns above 256 characters; one condition per route reached 6,646).
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';

const scopes = Array.from({ length: 30 }, (_, i) => `api.resource${i}.read`);
const jwt = { type: 'jwt' as const, issuer: 'https://id.example.com', audiences: ['g'], jwksUri: 'https://id.example.com/jwks' };

function conditions(auth: unknown, authorizers: Record<string, unknown>): string[] {
  const spec = toGatewaySpec({ name: 'g', backends: { api: { type: 'mock' } }, authorizers, defaults: { backend: 'api' }, routes: [{ id: 'a', method: 'GET', path: '/a', auth, scopes }] } as never);
  const xml = compileApigee(spec).files['proxies/default.xml'];
  return [...xml.matchAll(/<Condition>([\s\S]*?)<\/Condition>/g)].map((m) => m[1]);
}

describe('Apigee scope conditions', () => {
  it('one JWT: a 403 step per scope, every condition short', () => {
    const cs = conditions('oidc', { oidc: jwt });
    expect(cs.filter((c) => c.startsWith('NOT (jwt.JWT-oidc.decoded.claim.scope JavaRegex'))).toHaveLength(30);
    expect(Math.max(...cs.map((c) => c.length))).toBeLessThanOrEqual(256);
  });

  it('alternatives: a 403 step per presented token and scope, every condition short', () => {
    const cs = conditions(['oidc', 'other'], { oidc: jwt, other: { ...jwt, header: 'x-other-token' } });
    expect(cs.filter((c) => c.includes('and NOT (jwt.JWT-oidc.decoded.claim.scope JavaRegex'))).toHaveLength(30);
    expect(Math.max(...cs.map((c) => c.length))).toBeLessThanOrEqual(256);
  });
});
