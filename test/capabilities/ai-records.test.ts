import { targetProblems } from '../../lib/capabilities/support';
import { formatProblem } from '../../lib/model/errors';
import { toGatewaySpec, validateGateway } from '../../lib/model/normalize';
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

  describe('Apigee guards through Model Armor', () => {
    const template = 'projects/my-project/locations/us-central1/templates/llm-guard';
    const comprehensive = { apigeeEnvironmentType: 'COMPREHENSIVE' as const };
    const guarded = (guards: Record<string, unknown>) => spec({ ...openai, guards });

    it('are refused below Comprehensive, without a template, with a template that is not one, and for masking', () => {
      const ps = guarded({ promptSafety: {}, modelArmor: { template } });
      expect(problems(ps, 'apigee')).toEqual([expect.stringMatching(/^route chat: llm\.promptGuard on apigee \(INTERMEDIATE\): SanitizeUserPrompt and SanitizeModelResponse \(Model Armor\) run only in Comprehensive environments/)]);
      expect(problems(ps, 'apigee', { apigeeEnvironmentType: 'BASE' })).toEqual([expect.stringMatching(/only in Comprehensive environments/)]);
      expect(problems(ps, 'apigee', comprehensive)).toEqual([]);
      expect(problems(guarded({ promptSafety: {} }), 'apigee', comprehensive)).toEqual([
        'route chat: llm.promptGuard on apigee (COMPREHENSIVE): backend model: Apigee applies the guard with a Model Armor template: set backends.model.guards.modelArmor.template (projects/<project>/locations/<region>/templates/<id>), or pass modelArmorTemplate to ApigeeGateway',
      ]);
      // The component input is not schema-checked: the record holds it to the template grammar (TemplateName is a message template).
      expect(problems(guarded({ pii: {} }), 'apigee', { ...comprehensive, apigee: { modelArmorTemplate: 'projects/p/{flow.x}' } })).toEqual([
        expect.stringMatching(/^route chat: llm\.piiGuard on apigee \(COMPREHENSIVE\): modelArmorTemplate: "projects\/p\/\{flow\.x\}" must be a Model Armor template name/),
      ]);
      expect(problems(guarded({ pii: {} }), 'apigee', { ...comprehensive, apigee: { modelArmorTemplate: template } })).toEqual([]);
      expect(problems(guarded({ pii: { action: 'mask' }, modelArmor: { template } }), 'apigee', comprehensive)).toEqual([expect.stringMatching(/cannot replace the data it found: set guards\.pii\.action: block/)]);
    });

    it('the spec validates the template name, and a template with no guard', () => {
      const issues = (guards: Record<string, unknown>) =>
        validateGateway({ name: 'ai', backends: { model: { type: 'llm', ...openai, guards } }, routes: [{ method: 'POST', path: '/chat/completions', backend: 'model', auth: 'none' }] }).issues.filter((i) => i.severity === 'error');
      expect(issues({ promptSafety: {}, modelArmor: { template: 'projects/my-project/locations/us-central1/templates/a{b}' } })).toEqual([
        expect.objectContaining({ path: ['backends', 'model', 'guards', 'modelArmor', 'template'], message: expect.stringMatching(/must be a Model Armor template name/) }),
      ]);
      expect(issues({ promptSafety: {}, modelArmor: { template: 'projects/123456789/locations/eu/templates/t_1' } })).toEqual([]);
      expect(issues({ modelArmor: { template } })).toEqual([expect.objectContaining({ path: ['backends', 'model', 'guards', 'modelArmor'], message: expect.stringMatching(/the backend has no guard/) })]);
    });

    it('emit SanitizeUserPrompt before the budget and SanitizeModelResponse after the count, and deploy as the service account', () => {
      const plan = compileApigee(guarded({ promptSafety: { responses: true }, pii: {} }), { environmentType: 'COMPREHENSIVE', modelArmorTemplate: template });
      const file = (n: string) => plan.files[`policies/${n}.xml`];
      expect(file('SUP-model')).toContain(`<TemplateName>${template}</TemplateName>`);
      expect(file('SUP-model')).toContain("<UserPromptSource>{jsonPath('$.messages[-1].content',request.content,true)}</UserPromptSource>");
      expect(file('SMR-model')).toContain("<LLMResponseSource>{jsonPath('$.choices[-1].message.content',response.content,true)}</LLMResponseSource>");
      const flow = plan.files['proxies/default.xml'];
      expect(flow).toMatch(/<Name>VA-key<\/Name>[\s\S]*<Name>SUP-model<\/Name>[\s\S]*<Response>\s*<Step>\s*<Name>SMR-model<\/Name>\s*<Condition>response\.status\.code &gt;= 200 and response\.status\.code &lt; 300<\/Condition>/);
      // The prompt must be readable; an answer with no text (a tool call) passes unscreened.
      expect(file('SUP-model')).toContain('<IgnoreUnresolvedVariables>false</IgnoreUnresolvedVariables>');
      expect(file('SMR-model')).toContain('<IgnoreUnresolvedVariables>true</IgnoreUnresolvedVariables>');
      // Google's policy references: Model Armor User (sanitize) and Viewer (read the template).
      expect(plan.serviceAccountRoles).toEqual(['roles/modelarmor.user', 'roles/modelarmor.viewer']);
      expect(plan.resources.find((r) => r.name === 'deploy-prod')!.inputs.serviceAccount).toEqual({ $ref: 'arg', name: 'serviceAccount' });
      // Prompts only: no response policy; with a token budget the guard runs first and the count before any screening.
      const budgeted = compileApigee(guarded({ pii: {}, modelArmor: { template } }), { environmentType: 'COMPREHENSIVE' });
      expect(Object.keys(budgeted.files).filter((f) => f.includes('SMR-'))).toEqual([]);
      const both = compileApigee(spec({ ...openai, tokenLimit: { tokens: 10, period: 'minute' }, guards: { promptSafety: { responses: true }, modelArmor: { template } } }), { environmentType: 'COMPREHENSIVE' }).files['proxies/default.xml'];
      expect(both.indexOf('<Name>SUP-model</Name>')).toBeLessThan(both.indexOf('<Name>LTQ-enforce-model</Name>'));
      expect(both.indexOf('<Name>LTQ-count-model</Name>')).toBeLessThan(both.indexOf('<Name>SMR-model</Name>'));
      // Vertex AI is called as the service account too.
      expect(compileApigee(spec({ provider: 'vertex-ai', project: 'my-project', region: 'us-central1', model: 'g' })).serviceAccountRoles).toEqual(['roles/aiplatform.user']);
    });
  });
});
