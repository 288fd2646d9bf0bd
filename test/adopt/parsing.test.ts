/** The small parsers the readers share: CloudFormation tags, APIM expressions, Apigee conditions, Gateway API paths. */
import { readCondition, templateOf } from '../../lib/adopt/apigee-conditions';
import { parseData } from '../../lib/adopt/data';
import { templatesOf } from '../../lib/adopt/kubernetes-paths';
import { parseXml } from '../../lib/adopt/xml';

describe('CloudFormation YAML', () => {
  it('reads short intrinsic tags as their long forms', () => {
    const r = parseData("a: !Ref X\nb: !Sub 'x${A}'\nc: !GetAtt F.Arn\nd: !Join ['', [a, !Ref B]]\n", 't.yaml');
    expect(r).toEqual({ ok: true, docs: [{ a: { Ref: 'X' }, b: { 'Fn::Sub': 'x${A}' }, c: { 'Fn::GetAtt': ['F', 'Arn'] }, d: { 'Fn::Join': ['', ['a', { Ref: 'B' }]] } }] });
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
