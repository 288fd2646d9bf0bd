/**
 * Apigee: optional authentication (the alternatives steps, whose 401 for "no complete alternative"
 * needs some credential place to be present) and alternatives on one header told apart by scheme
 * (`Authorization: Bot <key>` or `Bearer <jwt>`), read back from the emitted bundle.
 */
import { XMLParser } from 'fast-xml-parser';
import { targetProblems } from '../../lib/capabilities/support';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['Flow', 'Step'].includes(name) });
const jwt = { type: 'jwt', issuer: 'https://login.example.com/', audiences: ['items'], jwksUri: 'https://login.example.com/jwks' };
const specOf = (authorizers: Record<string, unknown>, auth: unknown) =>
  toGatewaySpec({
    name: 'g',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    ...(Object.keys(authorizers).length ? { plans: { basic: {} }, consumers: { acme: { plan: 'basic' } } } : {}),
    authorizers: { jwt, ...authorizers },
    routes: [{ id: 'r', method: 'GET', path: '/r', backend: 'api', auth }],
  } as never);
const steps = (spec: ReturnType<typeof specOf>): { Name: string; Condition?: string }[] =>
  xml.parse(compileApigee(spec).files['proxies/default.xml']).ProxyEndpoint.Flows.Flow.find((f: { '@name': string }) => f['@name'] === 'r').Request.Step;

/** An Apigee JavaRegex condition's pattern run as Java would (the whole value; (?is) as JS flags). */
function javaRegex(condition: string, variable: string, value: string | undefined): boolean {
  const m = new RegExp(`\\(${variable.replace(/\./g, '\\.')} != null and ${variable.replace(/\./g, '\\.')} JavaRegex "(.*)"\\)`).exec(condition);
  if (!m) throw new Error(`no JavaRegex on ${variable} in ${condition}`);
  if (value === undefined) return false;
  const flags = m[1].startsWith('(?is)') ? 'is' : m[1].startsWith('(?s)') ? 's' : '';
  const body = m[1].replace(/^\(\?i?s\)/, '');
  return new RegExp(`^(?:${body})$`, flags).test(value);
}

describe('Apigee: optional authentication', () => {
  it('a JWT-only optional route uses the alternatives steps; its 401 needs the header to be present', () => {
    const s = steps(specOf({}, { anyOf: ['jwt'], optional: true }));
    const refusal = s.filter((x) => x.Name === 'RF-unauthorized').map((x) => x.Condition);
    expect(refusal).toContain('anygate.alternative.complete != "true" and ((request.header.Authorization != null and request.header.Authorization JavaRegex "(?s).+"))');
    // Verification runs only under the flag: an anonymous request reaches none of it.
    expect(s.filter((x) => x.Name === 'JWT-jwt').map((x) => x.Condition)).toEqual(['anygate.presented.jwt = "true"']);
  });

  it('over a token and a key: every place counts as presence; the Quota runs only for a presented key', () => {
    const s = steps(specOf({ key: { type: 'apiKey' } }, { anyOf: ['jwt', 'key'], optional: true }));
    const cond = s.find((x) => x.Name === 'RF-unauthorized' && x.Condition!.startsWith('anygate.alternative.complete'))!.Condition!;
    expect(cond).toContain('request.header.Authorization');
    expect(cond).toContain('request.header.x-api-key');
    expect(s.filter((x) => x.Name.startsWith('Q-')).every((x) => x.Condition === 'anygate.presented.key = "true"')).toBe(true);
  });

  it('a required route keeps its sequence (no presence flags)', () => {
    expect(steps(specOf({}, ['jwt'])).some((x) => x.Name.startsWith('AM-presented'))).toBe(false);
  });
});

describe('Apigee: Authorization: Bot <key> or Bearer <jwt>', () => {
  const spec = specOf({ bot: { type: 'apiKey', name: 'Authorization', scheme: 'Bot' } }, ['jwt', 'bot']);

  it('is no longer refused: the record carries it', () => {
    expect(targetProblems(spec, 'apigee')).toEqual([]);
  });

  it('each flag tests its own scheme, without case, with something after it; the key is extracted after the scheme', () => {
    const s = steps(spec);
    const jwtFlag = s.find((x) => x.Name === 'AM-presented-jwt')!.Condition!;
    const botFlag = s.find((x) => x.Name === 'AM-presented-bot')!.Condition!;
    const v = 'request.header.Authorization';
    const cases: [string | undefined, boolean, boolean][] = [
      ['Bearer eyJ.x.y', true, false],
      ['bearer eyJ.x.y', true, false],
      ['Bot abc123', false, true],
      ['BOT abc123', false, true],
      ['Basic abc', false, false],
      ['Bot ', false, false],
      ['Botabc', false, false],
      [undefined, false, false],
    ];
    for (const [value, isJwt, isBot] of cases) expect([value, javaRegex(jwtFlag, v, value), javaRegex(botFlag, v, value)]).toEqual([value, isJwt, isBot]);
    expect(s.map((x) => x.Name)).toEqual(expect.arrayContaining(['EV-key-bot', 'VA-bot']));
    expect(s.find((x) => x.Name === 'EV-key-bot')!.Condition).toBe('anygate.presented.bot = "true"');
  });

  it('a second key beside a schemed key on one route stays refused, naming the remedy', () => {
    const two = specOf({ bot: { type: 'apiKey', name: 'Authorization', scheme: 'Bot' }, key: { type: 'apiKey' } }, ['jwt', 'bot', 'key']);
    expect(targetProblems(two, 'apigee').map((p) => p.message)).toEqual([expect.stringMatching(/beside another API key authorizer.*use one key authorizer on the route/)]);
  });
});
