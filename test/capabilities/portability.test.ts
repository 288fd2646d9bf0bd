import { capability, FEATURES, TARGETS, type Feature } from '../../lib/capabilities';
import { featuresUsed, portability } from '../../lib/capabilities/portability';
import { formatPortabilityMarkdown, formatPortabilityTable } from '../../lib/capabilities/format';
import { toGatewaySpec } from '../../lib/model/normalize';
import { baseSpec } from '../helpers';

describe('capability table', () => {
  it('has an entry with a note for every feature on every target', () => {
    for (const t of TARGETS) {
      for (const f of Object.keys(FEATURES) as Feature[]) {
        const c = capability(t, f);
        expect(['native', 'emulated', 'unsupported']).toContain(c.support);
        expect(c.note.length).toBeGreaterThan(3);
      }
    }
  });

  it('knows tier differences', () => {
    expect(capability('azure', 'route.rateLimit', { azureSku: 'Consumption' }).support).toBe('unsupported');
    expect(capability('azure', 'route.rateLimit', { azureSku: 'Developer' }).support).toBe('native');
    expect(capability('apigee', 'route.cache', { apigeeEnvironmentType: 'BASE' }).support).toBe('unsupported');
    expect(capability('apigee', 'route.cache').support).toBe('native');
  });
});

describe('portability', () => {
  it('lists each feature in use with the routes that use it', () => {
    const s = baseSpec();
    s.routes[0].cache = { ttlSeconds: 30 };
    s.cors = { allowOrigins: ['https://app.example.com'] };
    const used = featuresUsed(toGatewaySpec(s));
    const byFeature = Object.fromEntries(used.map((u) => [u.feature, u.where]));
    expect(byFeature['route.cache']).toEqual(['get-items-id']);
    expect(byFeature['auth.jwt']).toEqual(['get-items-id']);
    expect(byFeature['auth.scopes']).toEqual(['get-items-id']);
    expect(byFeature['auth.apiKey']).toEqual(['post-items']);
    expect(byFeature['backend.mock']).toEqual(['get-health']);
    expect(byFeature.cors).toEqual(['gateway']);
    expect(byFeature['plan.quota']).toEqual(['gateway']);
  });

  it('turns unsupported features into problems naming route, feature and target', () => {
    const s = baseSpec();
    s.backends.api = { type: 'http', targets: [{ url: 'https://a.example.com', weight: 9 }, { url: 'https://b.example.com', weight: 1 }] };
    s.routes[0].rateLimit = { requestsPerSecond: 5 };
    const report = portability(toGatewaySpec(s), ['aws', 'azure'], { azureSku: 'Consumption' });
    const lines = report.problems.map((p) => `${p.target} ${p.where} ${p.feature}`);
    expect(lines).toEqual(['aws get-items-id backend.weighted', 'azure (Consumption) get-items-id route.rateLimit']);
    expect(formatPortabilityTable(report)).toMatch(/route get-items-id: backend\.weighted on aws: REST APIs have no weighted integrations/);
  });

  it('checks cloud ranges that the model allows (AWS cache TTL 0-3600 s)', () => {
    const s = baseSpec();
    s.routes[0].cache = { ttlSeconds: 7200 };
    const report = portability(toGatewaySpec(s), ['aws', 'azure']);
    expect(report.problems).toEqual([expect.objectContaining({ target: 'aws', where: 'get-items-id', feature: 'route.cache', message: expect.stringMatching(/7200 s is above API Gateway's 3600 s maximum/) })]);
  });

  it('renders Markdown with every target note', () => {
    const md = formatPortabilityMarkdown(portability(toGatewaySpec(baseSpec())), 'shop');
    expect(md).toMatch(/^# Portability: shop/);
    expect(md).toMatch(/\| JWT authorizer \| get-items-id \| emulated: generated Lambda REQUEST authorizer; a repeated Authorization header is refused \(401\) when the authorizer runs, but with the decision cache on API Gateway may answer it from a decision cached for one copy \(resultTtlSeconds: 0 refuses every repeat\); jwt: token expiry enforced within 120 s \(decision cache 60 s \+ clock skew 60 s; resultTtlSeconds: 0 turns the cache off\) \| native: validate-jwt | REFUSED \(see Problems\): VerifyJWT \(Authorization: Bearer read natively\); a token without exp is refused \(401\) \|/);
  });
});

describe('the report states behaviour that depends on the spec', () => {
  it('AWS: how late an expired token is still accepted, per JWT authorizer (decision cache + skew)', () => {
    const s = baseSpec();
    const note = (input: unknown) => portability(toGatewaySpec(input), ['aws']).rows.find((r) => r.feature === 'auth.jwt')!.targets.aws!.note;
    expect(note(s)).toMatch(/jwt: token expiry enforced within 120 s \(decision cache 60 s \+ clock skew 60 s/);
    s.authorizers.jwt.resultTtlSeconds = 0;
    s.authorizers.jwt.clockSkewSeconds = 30;
    expect(note(s)).toMatch(/jwt: token expiry enforced within 30 s \(decision cache off\)/);
  });
});
