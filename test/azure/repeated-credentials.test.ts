/**
 * A request that repeats a credential its route reads is refused with 401 by the emitted APIM
 * policy (docs/model.md, "Repeated credentials"; issue 28), run through the policy model.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAzure } from '../../providers/azure/compile';
import { simulate, type SimWorld } from './policy-sim';

const spec = toGatewaySpec({
  name: 'rep',
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  authorizers: {
    jwt: { type: 'jwt', issuer: 'https://idp.example.com/', audiences: ['rep'], jwksUri: 'https://idp.example.com/jwks' },
    qkey: { type: 'apiKey', in: 'query', name: 'api_key' },
  },
  plans: { basic: {} },
  consumers: { acme: { plan: 'basic' } },
  defaults: { backend: 'api' },
  routes: [
    { id: 'byJwt', method: 'GET', path: '/jwt', auth: 'jwt' },
    { id: 'byKey', method: 'GET', path: '/qkey', auth: 'qkey' },
    { id: 'either', method: 'GET', path: '/either', auth: ['jwt', 'qkey'] },
  ],
});
const world: SimWorld = { validKeys: new Set(['key-a', 'key-b']), tokens: new Map([['tok', { iss: 'https://idp.example.com/' }]]) };

describe('Azure: repeated credentials', () => {
  const plan = compileAzure(spec);

  it('refuses two Authorization headers', () => {
    expect(simulate(plan, 'byJwt', { headers: { Authorization: 'Bearer tok' } }, world)).toBe(200);
    expect(simulate(plan, 'byJwt', { headers: { Authorization: ['Bearer tok', 'Bearer tok'] } }, world)).toBe(401);
    expect(simulate(plan, 'either', { headers: { Authorization: ['Bearer tok', 'Bearer x'] } }, world)).toBe(401);
  });

  it('refuses ?api_key=A&api_key=B', () => {
    expect(simulate(plan, 'byKey', { query: { api_key: 'key-a' } }, world)).toBe(200);
    expect(simulate(plan, 'either', { query: { api_key: 'key-a' } }, world)).toBe(200);
    for (const id of ['byKey', 'either']) expect(simulate(plan, id, { query: { api_key: ['key-a', 'key-b'] } }, world)).toBe(401);
  });

  it('emits the check first, with the names as C# literals', () => {
    const policy = plan.operations.find((o) => o.id === 'either')!.policy!;
    expect(policy).toContain('context.Request.Headers.ContainsKey(&quot;Authorization&quot;) &amp;&amp; context.Request.Headers[&quot;Authorization&quot;].Length &gt; 1');
    expect(policy.indexOf('.Length &gt; 1')).toBeLessThan(policy.indexOf('validate-jwt'));
  });
});
