/** The small parsers the readers share: CloudFormation tags, APIM expressions, Apigee conditions, Gateway API paths. */
import { readCondition, templateOf } from '../../lib/adopt/apigee-conditions';
import { parseData } from '../../lib/adopt/data';
import { templatesOf } from '../../lib/adopt/kubernetes-paths';
import { parseXml } from '../../lib/adopt/xml';
import { adopt, sourceTreeOf } from '../../lib/adopt';
import { alternativesCondition, scopeCheck, templateFromExpression } from '../../lib/adopt/azure-expressions';
import { rangeToCidr } from '../../lib/adopt/ip-range';
import { scopesMissingExpr, templateValue } from '../../providers/azure/expressions';
import { parseTemplate } from '../../lib/model/template';

describe('CloudFormation YAML', () => {
  it('reads short intrinsic tags as their long forms', () => {
    const r = parseData("a: !Ref X\nb: !Sub 'x${A}'\nc: !GetAtt F.Arn\nd: !Join ['', [a, !Ref B]]\n", 't.yaml');
    expect(r).toEqual({ ok: true, docs: [{ a: { Ref: 'X' }, b: { 'Fn::Sub': 'x${A}' }, c: { 'Fn::GetAtt': ['F', 'Arn'] }, d: { 'Fn::Join': ['', ['a', { Ref: 'B' }]] } }] });
  });

  it('reads a Kubernetes manifest stream on the fast path as `yaml` reads it, __proto__ keys as data', () => {
    const text = 'apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  labels: { }\n---\napiVersion: v1\nkind: B\nspec:\n  __proto__: x\n  list:\n    - "q: 1"\n    - 0o17\n---\n';
    const slow = parseData(text.replace('labels: { }', 'labels: {}\n  anchor: &a 1'), 'm.yaml'); // an anchor: `yaml` reads it
    const fast = parseData(text.replace('labels: { }', 'labels: {}\n  anchor: 1'), 'm.yaml');
    expect(fast).toEqual(slow);
    expect(fast.ok && Object.keys((fast.docs[1] as { spec: object }).spec)).toEqual(['__proto__', 'list']);
    expect(fast.ok && Object.isFrozen(fast.docs[0])).toBe(true);
  });

  it('returns a parse error instead of throwing', () => {
    expect(parseData('a: [1,', 't.yaml').ok).toBe(false);
    expect(parseData('{', 't.json').ok).toBe(false);
  });
});

describe('API Management policy XML', () => {
  it('parses a policy whose C# expressions are not well-formed XML, keeping them as text', () => {
    const text = '<policies><inbound><choose><when condition="@(context.Response.StatusCode < 400 && context.Variables["x"] == "y")"><set-header name="a" exists-action="override"><value>@{ return 1 < 2 ? "a" : "b"; }</value></set-header></when></choose></inbound></policies>';
    const r = parseXml(text, { policyExpressions: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const when = r.root.children[0].children[0].children[0];
    expect(when.xpath).toBe('/policies[1]/inbound[1]/choose[1]/when[1]');
    expect(when.attrs.condition).toBe('@(context.Response.StatusCode < 400 && context.Variables["x"] == "y")');
    expect(when.children[0].children[0].text).toBe('@{ return 1 < 2 ? "a" : "b"; }');
  });

  it('reports XML that is broken for other reasons', () => {
    const r = parseXml('<policies><inbound></policies>', { policyExpressions: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^not well-formed XML at line 1/);
  });
});

describe('Apigee flow conditions', () => {
  it('reads path and verb selectors', () => {
    expect(readCondition('(proxy.pathsuffix MatchesPath "/pets/*") and (request.verb = "GET")')).toEqual({ ok: true, paths: ['/pets/{param1}'], methods: ['GET'] });
    expect(readCondition('(proxy.pathsuffix MatchesPath "/files/**")')).toEqual({ ok: true, paths: ['/files/{path+}'], methods: [] });
    expect(readCondition('request.verb = "GET" or request.verb = "HEAD"')).toEqual({ ok: true, paths: [], methods: ['GET', 'HEAD'] });
    expect(readCondition(undefined)).toEqual({ ok: true, paths: [], methods: [] });
  });

  it('refuses conditions that test anything else', () => {
    expect(readCondition('(proxy.pathsuffix MatchesPath "/a") and (request.header.x = "1")')).toMatchObject({ ok: false });
    expect(readCondition('proxy.pathsuffix JavaRegex "^/a[0-9]+$"')).toMatchObject({ ok: false });
    expect(templateOf('/a/b*c', 'MatchesPath')).toBeUndefined();
  });
});

describe('Gateway API path matches', () => {
  it('maps Exact, PathPrefix and the regular expressions anygate writes', () => {
    expect(templatesOf('Exact', '/a/')).toEqual(['/a']);
    expect(templatesOf('PathPrefix', '/')).toEqual(['/', '/{path+}']);
    expect(templatesOf('PathPrefix', '/foo')).toEqual(['/foo', '/foo/{path+}']);
    expect(templatesOf('RegularExpression', '/items/([^/]+)/x/(.+)')).toEqual(['/items/{param1}/x/{path+}']);
    expect(templatesOf('RegularExpression', '/a[0-9]+')).toBeUndefined();
  });
});

describe("anygate's own API Management expressions, read back", () => {
  // Parity with the emitter: what providers/azure/expressions.ts writes comes back as the template.
  it.each(['${header.x-tenant}', 'id-${path.id}/${query.q}', '${claim.sub} "quoted" {braced} @at', '${body.order.id}', 'ünï ${stage.region}'])('%s', (template) => {
    const vars = { region: 'eu-dev' };
    const parsed = parseTemplate(template);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(templateFromExpression(templateValue(parsed.parts, vars), vars)).toBe(template);
  });

  it('leaves expressions it did not write alone', () => {
    expect(templateFromExpression('@(context.Request.IpAddress)')).toBeUndefined();
    expect(templateFromExpression('@{ return "x"; }')).toBeUndefined();
  });

  it('reads the alternatives and the scope check', () => {
    expect(alternativesCondition('@(!((context.Request.Headers.GetValueOrDefault("Authorization", "") != "") || (context.Request.Headers.GetValueOrDefault("X-Api-Key", "") != "" && context.Request.Url.Query.GetValueOrDefault("api_key", "") != "")))')).toEqual([
      [{ in: 'header', name: 'Authorization' }],
      [
        { in: 'header', name: 'X-Api-Key' },
        { in: 'query', name: 'api_key' },
      ],
    ]);
    expect(scopeCheck(`@(${scopesMissingExpr('scp', ['pets:read', 'a"b'])})`)).toEqual({ claim: 'scp', scopes: ['pets:read', 'a"b'] });
  });
});

describe('IP ranges', () => {
  it('are the one CIDR block they cover, or nothing', () => {
    expect(rangeToCidr('198.51.100.0', '198.51.100.255')).toBe('198.51.100.0/24');
    expect(rangeToCidr('2001:db8:dead:0:0:0:0:0', '2001:db8:dead:ffff:ffff:ffff:ffff:ffff')).toBe('2001:db8:dead::/48');
    expect(rangeToCidr('10.0.0.7', '10.0.0.7')).toBe('10.0.0.7/32');
    expect(rangeToCidr('10.0.0.1', '10.0.0.254')).toBeUndefined();
    expect(rangeToCidr('10.0.0.0', '::1')).toBeUndefined();
  });
});

describe('Gateway API prefix rewrites', () => {
  it('rewrite the prefix route to the replacement and the greedy route to the replacement plus its tail', () => {
    const manifest = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r }
spec:
  parentRefs: [{ name: gw }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /cardamom } }]
      filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /fennel } } }]
      backendRefs: [{ name: svc, port: 80 }]
`;
    const routes = (adopt('kubernetes', sourceTreeOf('k', { 'r.yaml': manifest })).input.routes as { path: string; transform?: { request?: { rewritePath?: string } } }[]).map((r) => [r.path, r.transform?.request?.rewritePath]);
    expect(routes).toEqual([
      ['/cardamom', '/fennel'],
      ['/cardamom/{path+}', '/fennel/{path+}'],
    ]);
  });
});
