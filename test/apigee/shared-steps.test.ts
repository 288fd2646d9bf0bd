/**
 * Steps every route guarded by one authorizer holds are built once per spec (ApigeeContext.once):
 * the same nodes for the same authorizer and condition, different ones when either differs, and
 * the proxy endpoint still carries them on every route.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import { ApigeeContext } from '../../providers/apigee/context';
import { apiKeyPolicies, jwtSteps, missingScopes } from '../../providers/apigee/emit/auth';
import type { GatewaySpec, JwtAuthorizerSpec } from '../../lib/model/types';

const jwt = { type: 'jwt' as const, issuer: 'https://id.example.com', audiences: ['g'], jwksUri: 'https://id.example.com/jwks' };

function spec(): GatewaySpec {
  return toGatewaySpec({
    name: 'g',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { oidc: jwt, other: { ...jwt, header: 'x-other-token' }, key: { type: 'apiKey' } },
    defaults: { backend: 'api' },
    routes: [
      { id: 'a', method: 'GET', path: '/a', auth: 'oidc', scopes: ['read'] },
      { id: 'b', method: 'GET', path: '/b', auth: 'oidc', scopes: ['read'] },
      { id: 'c', method: 'GET', path: '/c', auth: 'other', scopes: ['write'] },
      { id: 'd', method: 'GET', path: '/d', auth: 'key' },
      { id: 'e', method: 'GET', path: '/e', auth: 'key' },
    ],
  } as never);
}

describe('Apigee steps shared by routes', () => {
  it('one authorizer and condition: the same steps; another authorizer or condition: others, naming it', () => {
    const s = spec();
    const ctx = new ApigeeContext(s, 'apigee', { dev: 'dev' });
    const oidc = s.authorizers.oidc as JwtAuthorizerSpec;
    const first = jwtSteps(ctx, 'oidc', oidc);
    expect(jwtSteps(ctx, 'oidc', oidc)).toBe(first);
    const when = jwtSteps(ctx, 'oidc', oidc, 'anygate.presented.oidc = "true"');
    expect(when).not.toBe(first);
    expect(JSON.stringify(when)).toContain('anygate.presented.oidc');
    expect(JSON.stringify(first)).not.toContain('anygate.presented.oidc');
    const other = jwtSteps(ctx, 'other', s.authorizers.other as JwtAuthorizerSpec);
    expect(JSON.stringify(other)).toContain('JWT-other');
    expect(JSON.stringify(other)).not.toContain('JWT-oidc');
    expect(apiKeyPolicies(ctx, 'key', s.authorizers.key as never)).toBe(apiKeyPolicies(ctx, 'key', s.authorizers.key as never));
  });

  it('a scope refused at one route is refused again at the next, naming that route (a failure is not kept)', () => {
    const s = spec();
    const ctx = new ApigeeContext(s, 'apigee', { dev: 'dev' });
    const bad = (id: string) => ({ ...s.routes.find((r) => r.id === id)!, scopes: ['has space'] });
    expect(() => missingScopes(ctx, bad('a'), 'JWT-oidc')).toThrow(/routes\[id=a\]\.scopes\[0\]/);
    expect(() => missingScopes(ctx, bad('b'), 'JWT-oidc')).toThrow(/routes\[id=b\]\.scopes\[0\]/);
  });

  it('every route still carries its authorizer\'s steps in the proxy endpoint', () => {
    const xml = compileApigee(spec()).files['proxies/default.xml'];
    const flows = [...xml.matchAll(/<Flow name="(\w)">([\s\S]*?)<\/Flow>/g)].map((m) => [m[1], m[2]] as const);
    expect(flows.map(([id]) => id).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const [id, body] of flows) {
      if (id === 'a' || id === 'b') expect(body).toContain('<Name>JWT-oidc</Name>');
      if (id === 'c') expect(body).toContain('<Name>JWT-other</Name>');
      if (id === 'd' || id === 'e') expect(body).toContain('<Name>VA-key</Name>');
      expect(body).toContain('<Name>RF-unauthorized</Name>');
    }
    // The two oidc routes' auth steps are the same text.
    const auth = (body: string) => body.slice(body.indexOf('<Name>RF-unauthorized'), body.indexOf('AM-target'));
    expect(auth(flows.find(([id]) => id === 'a')![1])).toBe(auth(flows.find(([id]) => id === 'b')![1]));
  });
});
