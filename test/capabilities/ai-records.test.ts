import { targetProblems } from '../../lib/capabilities/support';
import { formatProblem } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAzure } from '../../providers/azure/compile';

/** The AI records' checks: what each target refuses in an LLM spec, by record, before emission. */
function spec(model: Record<string, unknown>, auth: unknown = ['key'], extra: Record<string, unknown> = {}) {
  return toGatewaySpec({
    name: 'ai',
    backends: { model: { type: 'llm', ...model } },
    authorizers: { key: { type: 'apiKey' }, jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['ai'], jwksUri: 'https://id.example.com/jwks' } },
    plans: { basic: {} },
    consumers: { acme: { plan: 'basic' } },
    routes: [{ id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth }],
    ...extra,
  });
}
const problems = (s: ReturnType<typeof spec>, target: 'azure' | 'apigee', options = {}) => targetProblems(s, target, options).map(formatProblem);

describe('AI capability records', () => {
  const openai = { provider: 'openai-compatible', url: 'https://llm.example.com/v1', model: 'm' };

  it('Azure: Vertex AI and Bedrock need credentials APIM cannot mint; Consumption has no LLM policies; guards check prompts only', () => {
    expect(problems(spec({ provider: 'vertex-ai', project: 'my-project', region: 'us-central1', model: 'g' }), 'azure')).toEqual([
      'route chat: backend.llm on azure (Developer): backend model: provider vertex-ai needs Google or AWS credentials that API Management cannot mint; use openai-compatible or azure-openai',
    ]);
    const limited = spec({ ...openai, tokenLimit: { tokens: 10, period: 'minute' } });
    expect(problems(limited, 'azure', { azureSku: 'Consumption' })).toEqual([expect.stringMatching(/^route chat: llm\.tokenLimit on azure \(Consumption\): Consumption has no llm-token-limit/)]);
    expect(problems(spec({ ...openai, guards: { promptSafety: { responses: true } } }), 'azure')).toEqual([expect.stringMatching(/guards\.promptSafety\.responses: llm-content-safety checks prompts only/)]);
    expect(problems(spec({ ...openai, guards: { pii: {} } }), 'azure')).toEqual([expect.stringMatching(/^route chat: llm\.piiGuard on azure \(Developer\): API Management has no personal-data detection/)]);
  });

  it('Azure: a per-consumer budget needs one way to identify callers; the counter key follows the authorizer', () => {
    const mixed = spec({ ...openai, tokenLimit: { tokens: 10, period: 'minute' } }, [['key'], ['jwt']]);
    expect(problems(mixed, 'azure')).toEqual([expect.stringMatching(/needs one way to identify the caller, but the route's alternatives use apiKey, jwt/)]);
    const jwt = compileAzure(spec({ ...openai, tokenLimit: { tokens: 10, period: 'hour', per: 'consumer' } }, ['jwt'], { consumers: {}, plans: {} }));
    const policy = jwt.apiPolicy + jwt.operations.map((o) => o.policy ?? '').join('');
    expect(policy).toContain('<llm-token-limit counter-key="@(((Jwt)context.Variables[&quot;anygate-jwt&quot;]).Subject)" token-quota="10" token-quota-period="Hourly"');
    const shared = compileAzure(spec({ ...openai, tokenLimit: { tokens: 10, period: 'day', per: 'gateway' } }, 'none', { consumers: {}, plans: {} }));
    expect(shared.apiPolicy + shared.operations.map((o) => o.policy ?? '').join('')).toContain('counter-key="ai-prod-tokens-model"');
  });

  it('Apigee: budgets count per app, so callers need an API key; estimates are per minute; keys and Azure OpenAI are refused', () => {
    expect(problems(spec({ ...openai, tokenLimit: { tokens: 10, period: 'minute' } }, ['jwt'], { consumers: {}, plans: {} }), 'apigee')).toEqual([
      expect.stringMatching(/^route chat: llm\.tokenLimit on apigee \(INTERMEDIATE\): a token budget per consumer counts per app \(client_id\)/),
    ]);
    expect(problems(spec({ ...openai, tokenLimit: { tokens: 10, period: 'day', estimatePrompt: true } }), 'apigee')).toEqual([expect.stringMatching(/a day budget cannot be estimated/)]);
    expect(problems(spec({ ...openai, apiKey: { secretRef: 'env:K' } }), 'apigee')).toEqual([expect.stringMatching(/does not yet put a provider key from a secret on an Apigee target/)]);
    expect(problems(spec({ ...openai, tokenLimit: { tokens: 10, period: 'minute' } }), 'apigee', { apigeeEnvironmentType: 'BASE' })).toEqual([expect.stringMatching(/extensible policies; BASE environments cannot run them/)]);
    const plan = compileApigee(spec({ ...openai, tokenLimit: { tokens: 10, period: 'day', per: 'gateway' } }));
    expect(plan.files['apiproxy/policies/LTQ-count-model.xml'] ?? plan.files['policies/LTQ-count-model.xml']).toContain('<TimeUnit>day</TimeUnit>');
  });
});
