/**
 * Issue #14: no spec string is ever evaluated by API Gateway (VTL) or CloudFormation (dynamic
 * references, Fn::Sub). One module per context; each is tested on its own and through compileAws.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { cfnReferenceProblems, headerNameProblems, isHeaderName, isOrigin } from '../../lib/capabilities/targets/aws-syntax';
import { compileAws } from '../../providers/aws/compile';
import { vtlEchoAllowedOrigin, vtlLiteral, vtlString } from '../../providers/aws/vtl';
import { targetProblems } from '../../lib/capabilities/support';
import { baseSpec, refusals } from '../helpers';

type Spec = Record<string, any>;
const compile = (s: Spec) => compileAws(toGatewaySpec(s));
const refused = (s: Spec) => refusals(() => compile(s)).join('\n');
const RESOLVE = '{{resolve:secretsmanager:prod/db:SecretString:password}}';

describe('VTL context (providers/aws/vtl.ts)', () => {
  it('vtlString carries any bytes as base64, so no $ # quote or backslash is ever parsed', () => {
    const nasty = `"$x #set($a=1) \\" ' \${y} ## #* *#`;
    const expr = vtlString(nasty);
    const b64 = /^\$util\.base64Decode\("([A-Za-z0-9+/=]*)"\)$/.exec(expr)![1];
    expect(Buffer.from(b64, 'base64').toString('utf8')).toBe(nasty);
  });

  it('vtlLiteral and vtlEchoAllowedOrigin refuse anything outside the safe alphabet', () => {
    expect(vtlLiteral('https://a.example.com:8443')).toBe("'https://a.example.com:8443'");
    for (const bad of ["a'b", 'a$b', 'a#b', 'a"b', 'a\\b', 'a b']) expect(() => vtlLiteral(bad)).toThrow(/not a safe VTL literal/);
    expect(() => vtlEchoAllowedOrigin(['https://y"||"a"=="a'])).toThrow(/not an origin/);
  });

  it('the CORS origin https://y"||"a"=="a is refused before it reaches the preflight template', () => {
    const s = baseSpec();
    s.cors = { allowOrigins: ['https://ok.example.com', 'https://y"||"a"=="a'] };
    expect(refused(s)).toMatch(/gateway cors aws: cors\.allowOrigins\[\d\]: "https:\/\/y\\"\|\|\\"a\\"==\\"a" is not an origin; write scheme:\/\/host\[:port\]/);
  });

  it('valid origins reach the preflight only as single-quoted literals', () => {
    const s = baseSpec();
    s.cors = { allowOrigins: ['https://a.example.com', 'http://localhost:3000'] };
    const tpl: string = (compile(s).body.paths as any)['/items'].options['x-amazon-apigateway-integration'].responses.default.responseTemplates['application/json'];
    expect(tpl).toContain("$origin == 'http://localhost:3000' || $origin == 'https://a.example.com'");
    expect(tpl).not.toContain('"');
  });
});

describe('HTTP grammar (lib/capabilities/targets/aws-syntax.ts)', () => {
  it('origins are scheme://host[:port]; header names are RFC 9110 tokens', () => {
    for (const o of ['https://a.example.com', 'http://localhost:3000', 'https://[::1]:8443', 'https://10.0.0.1']) expect(isOrigin(o)).toBe(true);
    for (const o of ['https://a.example.com/', 'https://a.example.com/path', 'ftp://a.example.com', 'https://a"b', 'https://a.example.com:99999', 'https://-a.com', 'https://a b']) expect(isOrigin(o)).toBe(false);
    for (const h of ['X-Trace', 'x_a.b', "a'b"]) expect(isHeaderName(h)).toBe(true);
    for (const h of ['X Trace', 'x:y', 'x{y}', 'x\ny', '']) expect(isHeaderName(h)).toBe(false);
  });

  // The model refuses most of these already; the AWS guard holds even for a spec built without it.
  const byRoute = (spec: any) => spec.routes.find((r: any) => r.id === 'get-items-id');
  it.each([
    ['mock headers', (s: any) => (s.backends.canned.headers = { 'x bad': 'v' }), /gateway spec\.strings aws: backends\.canned\.headers: "x bad" is not an HTTP header name/],
    ['transform header names', (s: any) => (byRoute(s).transform = { request: { setHeaders: { 'x{y}': 'v' } } }), /get-items-id spec\.strings aws: transform\.request\.setHeaders: "x\{y\}"/],
    ['removed headers', (s: any) => (byRoute(s).transform = { response: { removeHeaders: ['a:b'] } }), /transform\.response\.removeHeaders: "a:b"/],
    ['cache key headers', (s: any) => (byRoute(s).cache = { ttlSeconds: 5, shared: false, key: { query: [], headers: ['a b'] } }), /cache\.key\.headers: "a b"/],
    ['CORS exposed headers', (s: any) => (s.cors = { allowOrigins: ['https://a.example.com'], allowMethods: ['GET'], allowHeaders: [], exposeHeaders: ['x,y'], allowCredentials: false, maxAgeSeconds: 1 }), /cors\.exposeHeaders: "x,y"/],
    ['the JWT header', (s: any) => (s.authorizers.jwt.header = 'Auth orization'), /authorizers\.jwt\.header: "Auth orization"/],
    ['required headers', (s: any) => (byRoute(s).validation = { requiredHeaders: ['x(y)'] }), /validation\.requiredHeaders: "x\(y\)"/],
  ])('refuses a non-token header name in %s', (_, mutate, expected) => {
    const spec = structuredClone(toGatewaySpec(baseSpec()));
    mutate(spec);
    expect(refusals(() => compileAws(spec)).join('\n')).toMatch(expected);
    expect(headerNameProblems(spec, (where, message) => ({ target: 'aws', where, feature: 'spec.strings', message }))).toHaveLength(1);
  });
});

describe('CloudFormation context (lib/capabilities/targets/aws-syntax.ts)', () => {
  it.each([
    ['a mock header value', (s: Spec) => (s.backends.canned.headers = { 'x-leak': RESOLVE }), /gateway spec\.strings aws: backends\.canned\.headers\.x-leak holds a CloudFormation dynamic reference/],
    ['a mock body', (s: Spec) => (s.backends.canned.body = { v: RESOLVE }), /backends\.canned\.body\.v holds a CloudFormation dynamic reference/],
    ['an integration header', (s: Spec) => (s.routes[0].transform = { request: { setHeaders: { 'x-db': RESOLVE } } }), /get-items-id spec\.strings aws: transform\.request\.setHeaders\.x-db holds/],
    ['a route description', (s: Spec) => (s.routes[0].description = `see ${RESOLVE}`), /get-items-id spec\.strings aws: description holds/],
    ['the gateway description', (s: Spec) => (s.description = RESOLVE), /gateway spec\.strings aws: description holds/],
    ['a stage variable', (s: Spec) => (s.stages = { prod: { variables: { db: '{{ resolve:ssm:/x }}' } } }), /stages\.prod\.variables\.db holds a CloudFormation dynamic reference/],
    ['Fn::Sub syntax in a description', (s: Spec) => (s.description = '${AWS::AccountId} ${GatewayApi.RootResourceId}'), /description holds CloudFormation Fn::Sub syntax/],
  ])('refuses {{resolve:...}} in %s', (_, mutate, expected) => {
    const s = baseSpec();
    mutate(s);
    expect(refused(s)).toMatch(expected);
  });

  it('allows a secret reference where one is meant (consumers.*.apiKey.secretRef), and checks its name', () => {
    const s = baseSpec();
    s.consumers.acme.apiKey = { secretRef: 'aws-secretsmanager:prod/acme-key' };
    expect(cfnReferenceProblems(toGatewaySpec(s), (where, message) => ({ target: 'aws', where, feature: 'spec.strings', message }))).toEqual([]);
    s.consumers.acme.apiKey = { secretRef: 'aws-secretsmanager:x}}{{resolve:ssm:/other' };
    expect(refused(s)).toMatch(/consumers\.acme\.apiKey\.secretRef: "x\}\}\{\{resolve:ssm:\/other" is not a Secrets Manager secret name/);
  });

  it('no emitted string holds a dynamic reference for a spec that passes', () => {
    const s = baseSpec();
    s.consumers.acme.apiKey = { secretRef: 'aws-secretsmanager:prod/acme-key' };
    expect(JSON.stringify(compile(s))).not.toMatch(/\{\{\s*resolve/i);
  });
});

describe('portability and synth share every AWS string decision (capability records)', () => {
  it.each([
    ['an origin', (s: Spec) => (s.cors = { allowOrigins: ['https://y"||"a"=="a'] })],
    ['a dynamic reference', (s: Spec) => (s.routes[0].description = RESOLVE)],
    ['a secret reference', (s: Spec) => (s.consumers.acme.apiKey = { secretRef: 'env:ACME' })],
    ['a reserved stage variable', (s: Spec) => (s.stages = { prod: { variables: { anygate_x: '1' } } })],
    ['a mock header quote', (s: Spec) => (s.backends.canned.headers = { 'x-a': "it's" })],
  ])('%s: targetProblems (anygate portability) reports exactly what compileAws refuses', (_, mutate) => {
    const s = baseSpec();
    mutate(s);
    const spec = toGatewaySpec(s);
    const report = targetProblems(spec, 'aws').map((p) => `${p.where} ${p.feature} ${p.target}: ${p.message}`);
    expect(report.length).toBeGreaterThan(0);
    expect(refusals(() => compileAws(spec))).toEqual(report);
  });
});
