/**
 * Issue 21 (Apigee): alternative credentials (`auth: [a, b, [c, d]]`) as conditional steps in the
 * route's flow. The payments example (a token, a header key or a query key) is compiled and each
 * flow's steps and conditions are read back from the emitted bundle.
 */
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { XMLParser } from 'fast-xml-parser';
import { portability } from '../../lib/capabilities/portability';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import { refusals } from '../helpers';

type Spec = Record<string, any>;
const paymentsInput = (): Spec => parse(readFileSync(path.join(__dirname, '../../examples/payments/gateway.yaml'), 'utf8'));
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['Flow', 'Step', 'AssignVariable', 'KeyFragment'].includes(name) });
const compile = (s: Spec) => compileApigee(toGatewaySpec(s));
const plan = compile(paymentsInput());
const doc = (p: { files: Record<string, string> }, file: string) => xml.parse(p.files[file]);
// The access log's route step (AM-log-route) is left out: test/apigee/access-log-route.test.ts checks it.
const steps = (p: { files: Record<string, string> }, flow: string): { Name: string; Condition?: string }[] =>
  doc(p, 'proxies/default.xml').ProxyEndpoint.Flows.Flow.find((f: any) => f['@name'] === flow).Request.Step.filter((s: { Name: string }) => !s.Name.startsWith('AM-log-'));

const TOKEN = '(request.header.Authorization != null and request.header.Authorization JavaRegex "(?s).+")';
const HEADER_KEY = '(request.header.X-Api-Key != null and request.header.X-Api-Key JavaRegex "(?s).+")';
const QUERY_KEY = '(request.queryparam.api_key != null and request.queryparam.api_key JavaRegex "(?s).+")';
/** The first step of every route with auth: a credential sent twice is refused (issue 28). */
const REPEATED = 'request.header.Authorization.values.count > 1 or request.header.X-Api-Key.values.count > 1 or request.queryparam.api_key.values.count > 1';
const flag = (n: string, set = true) => `anygate.presented.${n} ${set ? '=' : '!='} "true"`;
/** A plan counter runs only when the key's product sets what it counts (a plan without a quota or rate is unlimited). */
const hasQuota = (n: string) => `(verifyapikey.VA-${n}.apiproduct.developer.quota.limit != null)`;
const hasRate = (n: string) => `(verifyapikey.VA-${n}.apiproduct.anygate-rate != null)`;

describe('Apigee: alternative credentials (payments)', () => {
  it('a token, a header key or a query key: flags for what is presented, 401 unless an alternative is complete, then every presented credential is verified', () => {
    expect(steps(plan, 'listPayments')).toEqual([
      { Name: 'RF-unauthorized', Condition: REPEATED },
      { Name: 'AM-presented-oauth', Condition: TOKEN },
      { Name: 'AM-presented-headerKey', Condition: HEADER_KEY },
      { Name: 'AM-presented-queryKey', Condition: QUERY_KEY },
      { Name: 'AM-alternative-complete', Condition: flag('oauth') },
      { Name: 'AM-alternative-complete', Condition: flag('headerKey') },
      { Name: 'AM-alternative-complete', Condition: flag('queryKey') },
      { Name: 'RF-unauthorized', Condition: 'anygate.alternative.complete != "true"' },
      { Name: 'AM-keys-listPayments-0', Condition: `${flag('headerKey')} and ${flag('queryKey')}` },
      { Name: 'RF-unauthorized', Condition: `${flag('headerKey')} and ${flag('queryKey')} and NOT (anygate.keys.0.1 JavaRegex "(?s)^(.*)[|]\\1$")` },
      { Name: 'AM-jwt-oauth', Condition: flag('oauth') },
      { Name: 'JWT-oauth', Condition: flag('oauth') },
      // A skipped VerifyJWT sets no claim: the exp check runs only when the token was presented.
      { Name: 'RF-unauthorized', Condition: `${flag('oauth')} and (jwt.JWT-oauth.decoded.claim.exp = null)` },
      { Name: 'VA-headerKey', Condition: flag('headerKey') },
      { Name: 'AM-plan-headerKey', Condition: flag('headerKey') },
      { Name: 'Q-plan', Condition: `${flag('headerKey')} and ${hasQuota('headerKey')}` },
      { Name: 'SA-plan', Condition: `${flag('headerKey')} and ${hasRate('headerKey')}` },
      { Name: 'VA-queryKey', Condition: flag('queryKey') },
      // The same key twice counts once against the plan.
      { Name: 'AM-plan-queryKey', Condition: `${flag('queryKey')} and ${flag('headerKey', false)}` },
      { Name: 'Q-plan', Condition: `${flag('queryKey')} and ${flag('headerKey', false)} and ${hasQuota('queryKey')}` },
      { Name: 'SA-plan', Condition: `${flag('queryKey')} and ${flag('headerKey', false)} and ${hasRate('queryKey')}` },
      { Name: 'AM-target-api' },
    ]);
    expect(steps(plan, 'getPayment')).toEqual(steps(plan, 'listPayments').map((s) => (s.Name === 'AM-keys-listPayments-0' ? { ...s, Name: 'AM-keys-getPayment-0' } : s)));
  });

  it('the flags are literals set by AssignMessage; the RaiseFault is a 401 that stops the flow', () => {
    expect(doc(plan, 'policies/AM-presented-queryKey.xml').AssignMessage.AssignVariable).toEqual([{ Name: 'anygate.presented.queryKey', Value: true }]);
    expect(doc(plan, 'policies/AM-alternative-complete.xml').AssignMessage.AssignVariable).toEqual([{ Name: 'anygate.alternative.complete', Value: true }]);
    const rf = doc(plan, 'policies/RF-unauthorized.xml').RaiseFault;
    expect(rf.FaultResponse.Set.StatusCode).toBe(401);
    expect(rf['@continueOnError']).toBe('false');
  });

  it('two keys are compared in one variable (header|query), so different keys are refused with 401', () => {
    const am = doc(plan, 'policies/AM-keys-listPayments-0.xml').AssignMessage;
    expect(am.AssignVariable).toEqual([{ Name: 'anygate.keys.0.1', Template: '{request.header.X-Api-Key}|{request.queryparam.api_key}' }]);
    expect(am.IgnoreUnresolvedVariables).toBe(true);
    // The back-reference matches exactly the pairs of equal keys (Java regex, whole value).
    const re = /^(.*)[|]\1$/s;
    expect(re.test('k1|k1')).toBe(true);
    expect(re.test('k1|k2')).toBe(false);
    expect(re.test('k1|')).toBe(false);
  });

  it('a token or a header key (POST): no key comparison, and JWT-only callers reach no Quota', () => {
    const s = steps(plan, 'createPayment');
    expect(s.map((x) => x.Name)).toEqual(['RF-unauthorized', 'AM-presented-oauth', 'AM-presented-headerKey', 'AM-alternative-complete', 'AM-alternative-complete', 'RF-unauthorized', 'AM-jwt-oauth', 'JWT-oauth', 'RF-unauthorized', 'VA-headerKey', 'AM-plan-headerKey', 'Q-plan', 'SA-plan', 'AM-target-api']);
    for (const x of s.filter((y) => /^(VA-|AM-plan-)/.test(y.Name))) expect(x.Condition).toBe(flag('headerKey'));
    expect(s.filter((y) => /^(Q-|SA-plan)/.test(y.Name)).map((x) => x.Condition)).toEqual([`${flag('headerKey')} and ${hasQuota('headerKey')}`, `${flag('headerKey')} and ${hasRate('headerKey')}`]);
  });

  it('one plan counter for every key: Quota and SpikeArrest read the verified key\'s product settings copied to shared variables', () => {
    const copy = doc(plan, 'policies/AM-plan-queryKey.xml').AssignMessage.AssignVariable;
    expect(copy).toEqual([
      { Name: 'anygate.plan.quota.limit', Ref: 'verifyapikey.VA-queryKey.apiproduct.developer.quota.limit' },
      { Name: 'anygate.plan.quota.interval', Ref: 'verifyapikey.VA-queryKey.apiproduct.developer.quota.interval' },
      { Name: 'anygate.plan.quota.timeunit', Ref: 'verifyapikey.VA-queryKey.apiproduct.developer.quota.timeunit' },
      { Name: 'anygate.plan.rate', Ref: 'verifyapikey.VA-queryKey.apiproduct.anygate-rate' },
    ]);
    const q = doc(plan, 'policies/Q-plan.xml').Quota;
    expect(q.Allow).toEqual({ '@count': '10000', '@countRef': 'anygate.plan.quota.limit' });
    expect(q.Identifier).toEqual({ '@ref': 'client_id' });
    expect(doc(plan, 'policies/SA-plan.xml').SpikeArrest.Rate).toEqual({ '@ref': 'anygate.plan.rate', '#text': '10000ps' });
    expect(Object.keys(plan.files).filter((f) => /^policies\/(Q|SA-plan)-/.test(f))).toEqual(['policies/Q-plan.xml']);
  });

  it('routes without alternatives emit what they did: the scoped JWT route and the public route', () => {
    expect(steps(plan, 'refundPayment').map((x) => x.Name)).toEqual(['RF-unauthorized', 'AM-jwt-oauth', 'JWT-oauth', 'RF-unauthorized', 'RF-forbidden', 'AM-target-api']);
    expect(steps(plan, 'refundPayment')[0].Condition).toBe('request.header.Authorization.values.count > 1');
    expect(steps(plan, 'refundPayment').slice(1, 3).every((x) => x.Condition === undefined)).toBe(true);
    expect(steps(plan, 'health').map((x) => x.Name)).toEqual(['AM-target-api']);
  });

  it('pairs and scopes: [jwt, [key, partner]] needs both halves of the pair; every presented token carries the scopes', () => {
    const s = paymentsInput();
    s.authorizers.partner = { type: 'jwt', issuer: 'https://partner.example.com/', audiences: ['payments'], jwksUri: 'https://partner.example.com/jwks', header: 'X-Partner-Token' };
    s.routes[3].auth = ['oauth', ['headerKey', 'partner']];
    const p = compile(s);
    const PARTNER = '(request.header.X-Partner-Token != null and request.header.X-Partner-Token JavaRegex "(?s).+")';
    const r = steps(p, 'refundPayment');
    expect(r.find((x) => x.Name === 'AM-presented-partner')?.Condition).toBe(PARTNER);
    expect(r.filter((x) => x.Name === 'AM-alternative-complete').map((x) => x.Condition)).toEqual([flag('oauth'), `${flag('headerKey')} and ${flag('partner')}`]);
    expect(r.find((x) => x.Name === 'EV-bearer-partner')?.Condition).toBe(flag('partner'));
    const forbidden = r.filter((x) => x.Name === 'RF-forbidden').map((x) => x.Condition);
    expect(forbidden).toHaveLength(2);
    expect(forbidden[0]).toContain(`${flag('oauth')} and NOT (jwt.JWT-oauth.decoded.claim.scope JavaRegex`);
    expect(forbidden[1]).toContain(`${flag('partner')} and NOT (jwt.JWT-partner.decoded.claim.scope JavaRegex`);
  });

  it('custom authorizers: the ServiceCallout and its 401 run only when their header is presented', () => {
    const s = paymentsInput();
    s.authorizers.legacy = { type: 'custom', binding: 'legacy-auth', header: 'X-Legacy' };
    s.routes[2].auth = ['oauth', 'legacy'];
    const r = steps(compile(s), 'createPayment');
    expect(r.find((x) => x.Name === 'AM-presented-legacy')?.Condition).toBe('(request.header.X-Legacy != null and request.header.X-Legacy JavaRegex "(?s).+")');
    expect(r.find((x) => x.Name === 'SC-legacy')?.Condition).toBe(flag('legacy'));
    expect(r.filter((x) => x.Name === 'RF-unauthorized').pop()?.Condition).toBe(`${flag('legacy')} and (anygate.authz.SC-legacy.response.status.code != 200 or anygate.authz.SC-legacy.response.status.code = null)`);
  });

  it('cached responses are keyed by every credential the route accepts', () => {
    const s = paymentsInput();
    s.routes[0].cache = { ttlSeconds: 60 };
    const rc = doc(compile(s), 'policies/RC-listPayments.xml').ResponseCache;
    expect(rc.CacheKey.KeyFragment.map((k: any) => k['@ref'])).toEqual(['request.verb', 'proxy.pathsuffix', 'request.header.Authorization', 'client_id']);
  });

  // apigeelint on the payments bundle: a golden case (test/golden/validators.test.ts).
});

describe('Apigee: what alternatives refuse, in portability and synth alike', () => {
  it('a credential name that cannot be a flow-variable part is refused, naming route, feature and spec path', () => {
    const s = paymentsInput();
    s.authorizers.queryKey.name = 'api.key';
    const spec = toGatewaySpec(s);
    const synth = refusals(() => compileApigee(spec));
    expect(synth).toContainEqual(expect.stringMatching(/^listPayments auth\.alternatives apigee \(INTERMEDIATE\): authorizers\.queryKey\.name: query parameter name "api\.key" cannot be read safely/));
    expect(portability(spec, ['apigee']).problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringContaining('authorizers.queryKey.name: query parameter name "api.key"')]));
  });

  it('claims need one JWT authorizer in every alternative', () => {
    const s = paymentsInput();
    s.authorizers.partner = { type: 'jwt', issuer: 'https://partner.example.com/', audiences: ['payments'], jwksUri: 'https://partner.example.com/jwks', header: 'X-Partner-Token' };
    s.routes[2].auth = ['oauth', 'partner'];
    s.routes[2].transform = { request: { setHeaders: { 'x-user': '${claim.sub}' } } };
    expect(refusals(() => compile(s))).toContainEqual(expect.stringContaining('createPayment auth.alternatives apigee (INTERMEDIATE): transforms read ${claim.*}, but no JWT authorizer is in every alternative'));
  });

  it('the record says native, with what Apigee does', () => {
    const row = portability(toGatewaySpec(paymentsInput()), ['apigee']).rows.find((r) => r.feature === 'auth.alternatives')!;
    expect(row.targets.apigee?.support).toBe('native');
    expect(row.targets.apigee?.note).toContain('RaiseFault 401');
    expect([...row.where].sort()).toEqual(['createPayment', 'getPayment', 'listPayments']);
  });
});

describe('Apigee: two API keys required together', () => {
  it('are emitted as alternatives: both presented, the same key, counted once', () => {
    const s = paymentsInput();
    s.routes[2].auth = [['headerKey', 'queryKey']];
    const r = compile(s);
    const st = steps(r, 'createPayment');
    expect(st.filter((x) => x.Name === 'AM-alternative-complete').map((x) => x.Condition)).toEqual([`${flag('headerKey')} and ${flag('queryKey')}`]);
    expect(st.find((x) => x.Name === 'AM-keys-createPayment-0')).toBeDefined();
    expect(st.filter((x) => x.Name === 'Q-plan').map((x) => x.Condition)).toEqual([`${flag('headerKey')} and ${hasQuota('headerKey')}`, `${flag('queryKey')} and ${flag('headerKey', false)} and ${hasQuota('queryKey')}`]);
    s.authorizers.queryKey.name = 'api.key';
    const spec = toGatewaySpec(s);
    const refused = refusals(() => compileApigee(spec));
    expect(refused).toEqual(['createPayment auth.apiKey.custom apigee (INTERMEDIATE): authorizers.queryKey.name: query parameter name "api.key" cannot be read safely by Apigee (it becomes part of a flow-variable name in conditions and message templates); use letters, digits, \'-\' and \'_\'', ...refused.slice(1)]);
    expect(portability(spec, ['apigee']).problems.map((p) => p.message)).toContainEqual(refused[0].split(': ').slice(1).join(': '));
  });
});
