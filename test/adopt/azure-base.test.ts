/**
 * `<base/>` in API Management policies: a section that omits it runs none of the enclosing scopes'
 * rules of that section. The import carries a parent rule onto the routes it reaches, and the loss
 * report says the same: a rule in no route is never "mapped", a rule on some routes says which.
 */
import { adopt, sourceTreeOf } from '../../lib/adopt';
import type { Finding } from '../../lib/adopt/findings';

type Json = Record<string, any>;
const routes = (r: ReturnType<typeof adopt>) => Object.fromEntries(((r.input as { routes: Json[] }).routes).map((x) => [x.id, x]));
const at = (r: ReturnType<typeof adopt>, file: string, xpath: string): Finding[] => r.findings.filter((f) => f.file === file && f.at === xpath);

const SPEC = `openapi: 3.0.1
info: { title: items, version: '1.0' }
paths:
  /items:
    get: { operationId: list, responses: { '200': { description: ok } } }
    post: { operationId: create, responses: { '201': { description: created } } }
`;
const GLOBAL = `<policies>
  <inbound>
    <ip-filter action="allow"><address>10.0.0.1</address></ip-filter>
    <set-header name="X-Global" exists-action="override"><value>g</value></set-header>
  </inbound>
  <backend><forward-request /></backend>
  <outbound><set-header name="X-Out" exists-action="override"><value>o</value></set-header></outbound>
  <on-error />
</policies>`;
const API = `<policies>
  <inbound>
    <base />
    <rate-limit calls="10" renewal-period="1" />
    <set-header name="X-Api" exists-action="override"><value>a</value></set-header>
  </inbound>
  <backend><base /></backend>
  <outbound><base /></outbound>
  <on-error><base /></on-error>
</policies>`;
const op = (inbound: string, outbound = '<base />') => `<policies>
  <inbound>${inbound}<set-header name="X-Op" exists-action="override"><value>x</value></set-header></inbound>
  <backend><base /></backend>
  <outbound>${outbound}</outbound>
  <on-error><base /></on-error>
</policies>`;

const tree = (ops: Record<string, string>, extra: Record<string, string> = {}) =>
  adopt(
    'azure',
    sourceTreeOf('azure', {
      'apis/items/apiInformation.json': JSON.stringify({ properties: { displayName: 'items', path: 'items', serviceUrl: 'https://items.example.com', subscriptionRequired: false } }),
      'apis/items/specification.yaml': SPEC,
      'apis/items/policy.xml': API,
      'policy.xml': GLOBAL,
      ...Object.fromEntries(Object.entries(ops).map(([id, xml]) => [`apis/items/operations/${id}/policy.xml`, xml])),
      ...extra,
    }),
  );

const IP = '/policies[1]/inbound[1]/ip-filter[1]';
const LIMIT = '/policies[1]/inbound[1]/rate-limit[1]';

describe('operation policies that omit <base/>', () => {
  it('every operation omits it: the parent rules are in no route, and the report says not in effect, naming the operations', () => {
    const r = tree({ list: op(''), create: op('') });
    const ids = routes(r);
    expect((r.input as Json).ipRules).toBeUndefined();
    expect(ids.list.rateLimit).toBeUndefined();
    expect(ids.list.transform.request.setHeaders).toEqual({ 'X-Op': 'x' });
    for (const [file, xpath] of [['policy.xml', IP], ['apis/items/policy.xml', LIMIT], ['policy.xml', '/policies[1]/inbound[1]/set-header[1]']]) {
      expect(at(r, file, xpath)).toEqual([expect.objectContaining({ status: 'lost', reason: expect.stringMatching(/^not in effect for operations list, create \(their policy's <inbound> omits <base\/>\)/) })]);
    }
    // No security rule is reported carried that the spec does not hold.
    expect(r.findings.filter((f) => f.status !== 'lost' && /ip-filter|rate-limit|validate-jwt|quota/.test(f.construct))).toEqual([]);
  });

  it('some operations omit it: the rules are on the others routes only, and the report says which', () => {
    const r = tree({ list: op('<base />'), create: op('') });
    const ids = routes(r);
    expect(ids.list.rateLimit).toEqual({ requestsPerSecond: 10 });
    expect(ids.create.rateLimit).toBeUndefined();
    expect(ids.list.transform.request.setHeaders).toEqual({ 'X-Global': 'g', 'X-Api': 'a', 'X-Op': 'x' });
    expect(ids.create.transform.request.setHeaders).toEqual({ 'X-Op': 'x' });
    expect(at(r, 'apis/items/policy.xml', LIMIT)).toEqual([expect.objectContaining({ status: 'partial', mappedTo: 'routes[].rateLimit', reason: 'on the routes of operations list only; not in effect for operation create (their policy\'s <inbound> omits <base/>)' })]);
    // ipRules are gateway-wide in the spec: stricter than the source for create, and the report says so.
    expect((r.input as Json).ipRules).toEqual({ allow: ['10.0.0.1/32'], deny: [] });
    expect(at(r, 'policy.xml', IP)).toEqual([expect.objectContaining({ status: 'partial', reason: expect.stringMatching(/in effect for operations list only; not in effect for operation create .*ipRules apply to every route/) })]);
  });

  it('the API policy omits it: the global rules reach no operation, and the report names the API policy', () => {
    const r = tree({}, { 'apis/items/policy.xml': API.replace('<base />\n    <rate-limit', '<rate-limit') });
    expect((r.input as Json).ipRules).toBeUndefined();
    expect(routes(r).list.rateLimit).toEqual({ requestsPerSecond: 10 });
    expect(at(r, 'policy.xml', IP)).toEqual([expect.objectContaining({ status: 'lost', reason: expect.stringContaining('the API policy apis/items/policy.xml <inbound> omits <base/>') })]);
  });

  it('each section inherits on its own: an outbound without <base/> drops the parent response headers only', () => {
    const r = tree({ list: op('<base />', ''), create: op('<base />') });
    const ids = routes(r);
    expect(ids.list.transform.response).toBeUndefined();
    expect(ids.create.transform.response.setHeaders).toEqual({ 'X-Out': 'o' });
    expect(ids.list.transform.request.setHeaders['X-Global']).toBe('g');
    expect(at(r, 'policy.xml', '/policies[1]/outbound[1]/set-header[1]')).toEqual([expect.objectContaining({ status: 'partial', reason: expect.stringContaining("not in effect for operation list (their policy's <outbound> omits <base/>)") })]);
  });

  it("a product's quota that no operation reaches is not in the plan; its other rules are not carried (plans hold quotas and limits only)", () => {
    const product = {
      'products/gold/productInformation.json': JSON.stringify({ properties: { displayName: 'gold', subscriptionRequired: true } }),
      'products/gold/apis/items/productApiInformation.json': '{}',
      'products/gold/policy.xml': `<policies><inbound><base /><quota calls="100" renewal-period="86400" /><set-header name="X-Product" exists-action="override"><value>p</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>`,
    };
    const reached = tree({}, product);
    expect((reached.input as Json).plans.gold.quota).toEqual({ limit: 100, period: 'day' });
    expect(at(reached, 'products/gold/policy.xml', '/policies[1]/inbound[1]/quota[1]')).toEqual([expect.objectContaining({ status: 'mapped' })]);
    expect(at(reached, 'products/gold/policy.xml', '/policies[1]/inbound[1]/set-header[1]')).toEqual([expect.objectContaining({ status: 'lost', reason: expect.stringContaining("a product's policy applies only to calls with a subscription") })]);
    const cut = tree({ list: op(''), create: op('') }, product);
    expect((cut.input as Json).plans.gold.quota).toBeUndefined();
    expect(at(cut, 'products/gold/policy.xml', '/policies[1]/inbound[1]/quota[1]')).toEqual([expect.objectContaining({ status: 'lost', reason: expect.stringMatching(/^not in effect for operations list, create/) })]);
  });
});
