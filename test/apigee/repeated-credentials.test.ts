/**
 * A request that repeats a credential its route reads is refused with 401 by the emitted Apigee
 * flow, before any credential is checked or counted (docs/model.md, "Repeated credentials";
 * issue 28).
 */
import { XMLParser } from 'fast-xml-parser';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['Flow', 'Step'].includes(name) });
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
    { id: 'either', method: 'GET', path: '/either', auth: ['jwt', 'qkey'] },
    { id: 'open', method: 'GET', path: '/open', auth: 'none' },
  ],
});

describe('Apigee: repeated credentials', () => {
  const plan = compileApigee(spec);
  const flows = xml.parse(plan.files['proxies/default.xml']).ProxyEndpoint.Flows.Flow as { '@name': string; Request?: { Step: { Name: string; Condition?: string }[] } }[];
  // The access log's route step (AM-log-route) is left out: test/apigee/access-log-route.test.ts checks it.
  const steps = (name: string) => (flows.find((f) => f['@name'] === name)!.Request?.Step ?? []).filter((s) => !s.Name.startsWith('AM-log-'));

  it('raises 401 first when a credential the route reads is sent twice', () => {
    expect(steps('byJwt')[0]).toEqual({ Name: 'RF-unauthorized', Condition: 'request.header.Authorization.values.count > 1' });
    expect(steps('either')[0]).toEqual({ Name: 'RF-unauthorized', Condition: 'request.header.Authorization.values.count > 1 or request.queryparam.api_key.values.count > 1' });
    expect(steps('open').some((s) => s.Condition?.includes('values.count'))).toBe(false);
  });
});
