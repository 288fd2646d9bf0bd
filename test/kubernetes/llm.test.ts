import { targetProblems } from '../../lib/capabilities/support';
import { formatProblem } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import type { K8sObject } from '../../providers/kubernetes/plan';

/**
 * LLM backends on Envoy AI Gateway: what the records refuse, and what the compiler emits for the rest
 * (the golden cases put the same objects through the v1.1 CRDs: test/golden/features.test.ts).
 */
function spec(model: Record<string, unknown>, extra: Record<string, unknown> = {}, route: Record<string, unknown> = {}) {
  return toGatewaySpec({
    name: 'ai',
    basePath: '/v1',
    backends: { model: { type: 'llm', provider: 'openai-compatible', url: 'https://llm.example.com/v1', model: 'm', ...model } },
    authorizers: { key: { type: 'apiKey' }, jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['ai'], jwksUri: 'https://id.example.com/jwks' } },
    plans: { basic: {} },
    consumers: { acme: { plan: 'basic' } },
    routes: [{ id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth: ['key'], ...route }],
    ...extra,
  });
}
const problems = (s: ReturnType<typeof spec>) => targetProblems(s, 'kubernetes').map(formatProblem);
const objects = (s: ReturnType<typeof spec>) => compileKubernetes(s).stages[0].objects;
const one = (os: K8sObject[], kind: string, name?: string) => os.filter((o) => o.kind === kind && (!name || o.metadata.name === name));

describe('Kubernetes LLM backends (Envoy AI Gateway)', () => {
  it('refuses by record what the AI Gateway cannot carry, naming the route and what to do', () => {
    expect(problems(spec({}, { basePath: '/' }))).toEqual([expect.stringMatching(/^route chat: backend\.llm on kubernetes: Envoy AI Gateway serves models on POST \/v1\/chat\/completions.*the route is \/chat\/completions: set basePath and path/)]);
    expect(problems(spec({}, {}, { method: 'PUT' }))).toEqual([expect.stringMatching(/make the route POST/)]);
    expect(problems(spec({ provider: 'bedrock', url: undefined, region: 'us-east-1' }))).toEqual([expect.stringMatching(/provider bedrock needs AWS credentials/)]);
    expect(problems(spec({ provider: 'azure-openai', url: 'https://r.openai.azure.com' }))).toEqual([expect.stringMatching(/set apiKey/)]);
    expect(problems(spec({ tokenLimit: { tokens: 10, period: 'minute', estimatePrompt: true } }))).toEqual([expect.stringMatching(/cannot estimate a prompt before the call: set estimatePrompt: false/)]);
    expect(problems(spec({ tokenLimit: { tokens: 10, period: 'minute' } }, {}, { auth: ['jwt'] }))).toEqual([expect.stringMatching(/route lets callers in without an API key/)]);
    expect(problems(spec({ tokenLimit: { tokens: 10, period: 'minute' } }, { plans: { basic: { quota: { limit: 5, period: 'day' } } } }))).toEqual([expect.stringMatching(/two BackendTrafficPolicies on one HTTPRoute rule/)]);
    expect(problems(spec({}, {}, { rateLimit: { requestsPerSecond: 1, burst: 1 } }))).toEqual([expect.stringMatching(/anygate gives no rateLimit/)]);
    const two = spec({}, {
      backends: { model: { type: 'llm', provider: 'openai-compatible', url: 'https://a.example.com/v1', model: 'm' }, other: { type: 'llm', provider: 'openai-compatible', url: 'https://b.example.com/v1', model: 'm' } },
      routes: [
        { id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth: ['key'] },
        { id: 'embed', method: 'POST', path: '/embeddings', backend: 'other', auth: ['key'] },
        { id: 'complete', method: 'POST', path: '/completions', backend: 'model', auth: 'none' },
      ],
    });
    expect(problems(two)).toEqual([
      expect.stringMatching(/^route complete: .*one SecurityPolicy covers every LLM route of the stage, and complete is authorized differently from chat: give all LLM routes \(chat, complete, embed\) the same auth and scopes/),
      expect.stringMatching(/^route embed: .*backends model and other both serve model m/),
    ]);
  });

  it('emits AIServiceBackend, BackendSecurityPolicy, AIGatewayRoute and the token budget', () => {
    const os = objects(spec({ apiKey: { secretRef: 'k8s-secret:openai-key' }, tokenLimit: { tokens: 500, period: 'hour', per: 'gateway' } }));
    expect(one(os, 'HTTPRoute')).toEqual([]);
    expect(one(os, 'AIServiceBackend')[0].spec).toEqual({ schema: { name: 'OpenAI', prefix: '/v1' }, backendRef: { group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'ai-llm-model' } });
    expect(one(os, 'BackendSecurityPolicy')[0].spec).toMatchObject({ type: 'APIKey', apiKey: { secretRef: { name: 'openai-key' } } });
    const route = one(os, 'AIGatewayRoute')[0].spec as any;
    expect(route.llmRequestCosts).toEqual([{ metadataKey: 'llm_total_token', type: 'TotalToken' }]);
    expect(route.rules[0].matches).toEqual([{ headers: [{ type: 'Exact', name: 'x-ai-eg-model', value: 'm' }] }]);
    const budget = one(os, 'BackendTrafficPolicy', 'ai-llm-model')[0].spec as any;
    expect(budget.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'ai-llm', sectionName: 'llm-model' }]);
    // per gateway: one bucket, no client selector; 0 on the request, the reported total on the response.
    expect(budget.rateLimit.global.rules).toEqual([
      { limit: { requests: 500, unit: 'Hour' }, cost: { request: { from: 'Number', number: 0 }, response: { from: 'Metadata', metadata: { namespace: 'io.envoy.ai_gateway', key: 'llm_total_token' } } } },
    ]);
    expect(one(os, 'SecurityPolicy')[0].spec).toMatchObject({ apiKeyAuth: { forwardClientIDHeader: 'x-anygate-consumer' } });
  });

  it('one SecurityPolicy on the whole generated HTTPRoute, so a body-only request (route-not-found) is authenticated', () => {
    // Envoy Gateway runs api_key_auth/jwt before the AI Gateway ext_proc sets x-ai-eg-model: a request
    // without the header is first routed to route-not-found, so a rule-targeted policy never runs.
    const backends = { model: { type: 'llm', provider: 'openai-compatible', url: 'https://a.example.com/v1', model: 'm' }, other: { type: 'llm', provider: 'openai-compatible', url: 'https://b.example.com/v1', model: 'n', tokenLimit: { tokens: 9, period: 'hour' } } };
    const two = spec({}, {
      backends,
      routes: [
        { id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth: ['key'] },
        { id: 'embed', method: 'POST', path: '/embeddings', backend: 'other', auth: ['key'] },
      ],
    });
    expect(problems(two)).toEqual([]);
    const os = objects(two);
    const sps = one(os, 'SecurityPolicy');
    expect(sps.map((o) => o.metadata.name)).toEqual(['ai-llm-auth']);
    expect(sps[0].spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'ai-llm' }]);
    // The budget still targets its rule (the rate limit runs after the ext_proc, on the recomputed route),
    // keyed on the consumer header the route-wide apiKeyAuth now always sets.
    const budget = one(os, 'BackendTrafficPolicy', 'ai-llm-other')[0].spec as any;
    expect(budget.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'ai-llm', sectionName: 'llm-other' }]);
    expect(budget.rateLimit.global.rules[0].clientSelectors).toEqual([{ headers: [{ name: 'x-anygate-consumer', type: 'Distinct' }] }]);
    // Routes of different backends with different auth cannot share the one policy: refused by record.
    const mixed = spec({}, { backends, routes: [
      { id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth: ['key'] },
      { id: 'embed', method: 'POST', path: '/embeddings', backend: 'other', auth: ['jwt'] },
    ] });
    expect(problems(mixed)).toEqual(expect.arrayContaining([expect.stringMatching(/^route embed: backend\.llm on kubernetes: .*embed is authorized differently from chat: give all LLM routes \(chat, embed\) the same auth/)]));
  });

  it('Azure OpenAI takes its api-version and key header; the root prefix, upstream prefix and plans follow the spec', () => {
    const az = spec({ provider: 'azure-openai', url: 'https://r.openai.azure.com', apiKey: { secretRef: 'env:AZ' } }, { basePath: '/ai/v1' });
    const plan = compileKubernetes(az);
    const os = plan.stages[0].objects;
    expect(one(os, 'AIServiceBackend')[0].spec.schema).toEqual({ name: 'AzureOpenAI', version: '2024-10-21' });
    expect(one(os, 'BackendSecurityPolicy')[0].spec).toMatchObject({ type: 'AzureAPIKey', azureAPIKey: { secretRef: { name: 'ai-llm-model-key' } } });
    expect(plan.notes).toEqual(expect.arrayContaining([expect.stringContaining('--set endpointConfig.rootPrefix=/ai'), expect.stringContaining('create the Secret ai-llm-model-key')]));
    // A model URL without a path: the upstream prefix is the root.
    const bare = objects(spec({ url: 'https://llm.example.com' }));
    expect(one(bare, 'AIServiceBackend')[0].spec.schema).toEqual({ name: 'OpenAI', prefix: '/' });
    // The route's own path may carry the version: the client path still ends in /v1/<endpoint>.
    const inPath = objects(spec({ url: 'https://llm.example.com' }, { basePath: '/' }, { path: '/v1/chat/completions' }));
    expect(one(inPath, 'AIServiceBackend')[0].spec.schema).toEqual({ name: 'OpenAI', prefix: '/v1' });
    // Without a budget, the plans' limits target the LLM rule like any API-key rule.
    const planned = objects(spec({}, { plans: { basic: { rateLimit: { requestsPerSecond: 2, burst: 2 } } } }));
    expect((one(planned, 'BackendTrafficPolicy', 'ai-plans')[0].spec as any).targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'ai-llm', sectionName: 'llm-model' }]);
  });
});
