/**
 * What the Kubernetes (and Azure) records say where the emitted objects cannot keep the spec's
 * meaning: the JWT algorithms list (no allow-list in Envoy's jwt_authn nor APIM's validate-jwt),
 * a rule's SecurityPolicy replacing the Gateway's (Envoy Gateway v1.9 applies the most specific
 * SecurityPolicy; spec.mergeType unset: no merging), and a stage with a custom domain still
 * served by the Gateway's other listeners.
 */
import { differenceLines } from '../../lib/capabilities/format';
import { portability } from '../../lib/capabilities/portability';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { compileApigee } from '../../providers/apigee/compile';

const certificate = { aws: 'arn:aws:acm:eu-west-1:123456789012:certificate/1111', azure: 'https://myvault.vault.azure.net/secrets/apicert', kubernetes: 'api-tls', apigee: 'google-managed' };

function spec(): Record<string, any> {
  return {
    name: 'p',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: {
      j: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['p'], jwksUri: 'https://id.example.com/jwks.json', algorithms: ['ES256'] },
      k: { type: 'apiKey' },
    },
    plans: { basic: { rateLimit: { requestsPerSecond: 5 } } },
    consumers: { acme: { plan: 'basic' } },
    stages: { prod: {} },
    routes: [
      { id: 'jwt', method: 'GET', path: '/j', backend: 'api', auth: ['j'] },
      { id: 'key', method: 'GET', path: '/k', backend: 'api', auth: ['k'] },
      { id: 'open', method: 'GET', path: '/o', backend: 'api', auth: 'none' },
    ],
  };
}

const lines = (input: Record<string, any>, targets: ('kubernetes' | 'azure' | 'aws')[] = ['kubernetes']) => differenceLines(portability(toGatewaySpec(input), targets));

describe('JWT algorithms', () => {
  it('kubernetes and azure name that the list is not enforced, and what is', () => {
    const l = lines(spec(), ['kubernetes', 'azure', 'aws']);
    expect(l).toContainEqual(expect.stringMatching(/^JWT authorizer on kubernetes: claims: the authorizer's algorithms list is not enforced .*JWKS.*none is never accepted/));
    expect(l).toContainEqual(expect.stringMatching(/^JWT authorizer on azure \(Developer\): claims: the authorizer's algorithms list is not enforced \(validate-jwt.*require-signed-tokens refuses unsigned \(none\)/));
    // AWS enforces the list (its generated authorizer): nothing to name there.
    expect(l.filter((x) => /on aws.*algorithms list/.test(x))).toEqual([]);
  });

  it('the Envoy Gateway JWT provider emitted carries no algorithm field to restrict (the record is the only place it shows)', () => {
    const sp = compileKubernetes(toGatewaySpec(spec())).stages[0].objects.find((o) => o.kind === 'SecurityPolicy' && (o.spec as any).jwt)!;
    expect(Object.keys((sp.spec as any).jwt.providers[0]).sort()).toEqual(['audiences', 'extractFrom', 'issuer', 'name', 'remoteJWKS']);
  });
});

describe("a rule's SecurityPolicy replaces the Gateway's", () => {
  it('is named on every record that emits one per rule', () => {
    const input = { ...spec(), cors: { allowOrigins: ['https://app.example.com'] }, ipRules: { deny: ['10.0.0.0/8'] } };
    const l = lines(input).filter((x) => /replaces any SecurityPolicy on the Gateway/.test(x));
    expect(l.map((x) => x.split(' on kubernetes:')[0])).toEqual(['JWT authorizer', 'API key in header x-api-key', 'CORS', 'IP deny list']);
  });
});

describe('a custom domain without mutual TLS', () => {
  const withDomain = (): Record<string, any> => ({ ...spec(), kubernetes: { createGateway: {} }, domains: [{ name: 'api.example.com', certificate }] });

  it("the routes attach to every listener, with no host names: the record says so, and the difference names the plain listener", () => {
    const objects = compileKubernetes(toGatewaySpec(withDomain())).stages[0].objects;
    const route = objects.find((o) => o.kind === 'HTTPRoute')!;
    expect((route.spec as any).hostnames).toBeUndefined();
    expect((route.spec as any).parentRefs[0].sectionName).toBeUndefined();
    const l = lines(withDomain());
    expect(l).toContainEqual(expect.stringMatching(/^custom domain .* on kubernetes: deploy: the stage is still served by the Gateway's other listeners .*plain HTTP on port 80.*; remedy: set kubernetes.hostnames/));
  });

  it('a stage behind mutual TLS (routes on its mTLS listeners only) does not get that difference', () => {
    const input = withDomain();
    input.domains[0].mtls = { truststore: { aws: 's3://trust/ca.pem', azure: ['A1B2C3D4E5F60718293A4B5C6D7E8F9012345678'], kubernetes: { name: 'ca' } } };
    expect(lines(input).filter((x) => /other listeners/.test(x))).toEqual([]);
  });
});

describe('LLM token metrics by consumer', () => {
  it('kubernetes names that the consumer dimension is the caller\'s own header on LLM routes no API key guards', () => {
    const s = spec();
    s.backends.model = { type: 'llm', provider: 'openai-compatible', url: 'https://llm.example.com/v1', model: 'gpt-4o-mini', tokenMetrics: {} };
    s.routes.push({ id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth: ['j'] });
    expect(lines(s)).toContainEqual(expect.stringMatching(/on kubernetes: claims: on an LLM route no API key guards, the consumer dimension is whatever x-anygate-consumer header the caller sent/));
  });
});

describe('LLM routes and guards: what the records name', () => {
  const llm = (extra: Record<string, unknown>) => {
    const s = spec();
    s.backends.model = { type: 'llm', provider: 'openai-compatible', url: 'https://llm.example.com/v1', model: 'gpt-4o-mini', ...extra };
    s.routes.push({ id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth: ['k'] });
    return s;
  };

  it('kubernetes: an AIGatewayRoute matches the model, not the path, so every endpoint reaches every model', () => {
    expect(lines(llm({}))).toContainEqual(expect.stringMatching(/on kubernetes: methods: AIGatewayRoute rules match the model alone, not the path/));
  });

  it('apigee: Model Armor screens the last message only; estimatePrompt is a per-minute limit of its own', () => {
    const l = differenceLines(portability(toGatewaySpec(llm({ tokenLimit: { tokens: 1000, period: 'minute', estimatePrompt: true }, guards: { modelArmor: { template: 'projects/my-project/locations/us-central1/templates/llm-guard' }, promptSafety: {} } })), ['apigee'], { apigeeEnvironmentType: 'COMPREHENSIVE' } as never));
    expect(l).toContainEqual(expect.stringMatching(/on apigee .*: body: SanitizeUserPrompt screens the last chat message only/));
    expect(l).toContainEqual(expect.stringMatching(/on apigee .*: accuracy: estimatePrompt is PromptTokenLimit: a per-minute limit of its own/));
  });

  it('apigee: PromptTokenLimit reads the prompt from the OpenAI request (its default is Gemini\'s shape)', () => {
    const plan = compileApigee(toGatewaySpec(llm({ tokenLimit: { tokens: 1000, period: 'minute', estimatePrompt: true } })), { environmentType: 'COMPREHENSIVE' } as never);
    expect(plan.files['policies/PTL-model.xml']).toContain("<UserPromptSource>{jsonPath('$.messages[-1].content',request.content,true)}</UserPromptSource>");
  });
});
