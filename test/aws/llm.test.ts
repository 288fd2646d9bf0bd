import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { targetProblems } from '../../lib/capabilities/support';
import { formatProblem } from '../../lib/model/errors';
import { toGatewaySpec, validateGateway } from '../../lib/model/normalize';
import { cfnLintErrors, scratch } from '../validators';
import { secretResourceArn } from '../../providers/aws/llm';
import { resourcesOfType, synthAws } from './helpers';

/** LLM backends on AWS: the generated LLM proxy, its role, the token table and the provider key's secret. */
const input = (model: Record<string, unknown>, auth: unknown = ['key'], extra: Record<string, unknown> = {}) => ({
  name: 'ai',
  basePath: '/v1',
  backends: { model: { type: 'llm', provider: 'openai-compatible', url: 'https://llm.example.com/v1', model: 'gpt-4o-mini', ...model } },
  authorizers: { key: { type: 'apiKey' }, jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['ai'], jwksUri: 'https://id.example.com/jwks' } },
  plans: { basic: {} },
  consumers: { acme: { plan: 'basic' } },
  routes: [{ id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth }],
  ...extra,
});
const full = {
  apiKey: { secretRef: 'aws-secretsmanager:prod/openai' },
  tokenLimit: { tokens: 10000, period: 'minute' },
  tokenMetrics: { dimensions: ['consumer', 'route'] },
  guards: { promptSafety: { responses: true }, bedrockGuardrail: { id: 'a1b2c3', version: '2' } },
};
const problems = (i: Record<string, unknown>) => targetProblems(toGatewaySpec(i), 'aws').map(formatProblem);

describe('AWS LLM backends (generated LLM proxy)', () => {
  it('a Lambda proxy integration to the proxy, a PAY_PER_REQUEST table with TTL, a least-privilege role; cfn-lint accepts the template', () => {
    const { template, json, gateway } = synthAws(input(full));
    const body = gateway.plan.body as { paths: Record<string, Record<string, { 'x-amazon-apigateway-integration': Record<string, unknown> }>> };
    expect(body.paths['/v1/chat/completions'].post['x-amazon-apigateway-integration']).toMatchObject({ type: 'aws_proxy', httpMethod: 'POST', uri: expect.stringContaining('${stageVariables.anygate_llm}') });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const table = resourcesOfType(json, 'AWS::DynamoDB::Table')[0][0];
    // The environment names the secret and the table, never a key.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('LLM proxy'),
      Environment: { Variables: { ANYGATE_LLM_KEY_MODEL: 'prod/openai', ANYGATE_TOKEN_TABLE: { Ref: table } } },
    });
    const fn = resourcesOfType(json, 'AWS::Lambda::Function').find(([, r]) => /LLM proxy/.test(r.Properties.Description))!;
    const roleId = fn[1].Properties.Role['Fn::GetAtt'][0];
    const policy = resourcesOfType(json, 'AWS::IAM::Policy').find(([, r]) => r.Properties.Roles.some((x: { Ref: string }) => x.Ref === roleId))!;
    const statements = policy[1].Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
    expect(statements.map((s) => s.Action)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents'], 'secretsmanager:GetSecretValue', ['dynamodb:GetItem', 'dynamodb:UpdateItem'], 'bedrock:ApplyGuardrail']);
    expect(JSON.stringify(statements[1].Resource)).toContain(':secretsmanager:us-east-1:123456789012:secret:prod/openai-??????');
    expect(statements[2].Resource).toEqual({ 'Fn::GetAtt': [table, 'Arn'] });
    expect(JSON.stringify(statements[3].Resource)).toContain(':bedrock:us-east-1:123456789012:guardrail/a1b2c3');
    // API Gateway may invoke it; every stage names it in its stage variable.
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [fn[0], 'Arn'] }, Principal: 'apigateway.amazonaws.com' });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { Variables: Match.objectLike({ anygate_llm: { Ref: fn[0] } }) });
    // The key itself appears nowhere in the template.
    expect(JSON.stringify(json)).not.toMatch(/SecretString|resolve:secretsmanager/);
    const file = path.join(scratch('aws-llm'), 'template.json');
    writeFileSync(file, JSON.stringify(json));
    expect(cfnLintErrors(file)).toEqual([]);
  });

  it('a partial secret ARN (no six-character suffix) gets -?????? in the IAM resource; a complete ARN and a name are matched as before', () => {
    const arn = (ref: string) => {
      const { json } = synthAws(input({ apiKey: { secretRef: `aws-secretsmanager:${ref}` } }, 'none'));
      const statements = resourcesOfType(json, 'AWS::IAM::Policy').flatMap(([, r]) => r.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
      return JSON.stringify(statements.find((s) => s.Action === 'secretsmanager:GetSecretValue')!.Resource);
    };
    const base = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/openai';
    expect(arn(base)).toBe(JSON.stringify(`${base}-??????`));
    expect(arn(`${base}-AbC123`)).toBe(JSON.stringify(`${base}-AbC123`));
    expect(secretResourceArn('prod/openai', (n) => `arn:x:${n}`)).toBe('arn:x:prod/openai-??????');
    expect(secretResourceArn(`${base}-v2`, (n) => n)).toBe(`${base}-v2-??????`);
  });

  it('without a budget there is no table and no DynamoDB grant; without a key no secret grant; logical ids stay put when a route is added', () => {
    const { json } = synthAws(input({}, 'none'));
    expect(resourcesOfType(json, 'AWS::DynamoDB::Table')).toEqual([]);
    const actions = resourcesOfType(json, 'AWS::IAM::Policy').flatMap(([, r]) => r.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()));
    expect(actions.filter((a) => /dynamodb|secretsmanager|bedrock/.test(a))).toEqual([]);
    const ids = (j: Record<string, any>) => Object.keys(j.Resources).filter((k) => /LlmProxy|TokenBudgets/.test(k)).sort();
    const one = synthAws(input(full)).json;
    const two = synthAws(input(full, ['key'], { routes: [{ id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth: ['key'] }, { id: 'embed', method: 'POST', path: '/embeddings', backend: 'model', auth: ['key'] }] })).json;
    expect(ids(two)).toEqual(ids(one));
  });

  it('refuses by record what the proxy cannot do right, naming why', () => {
    expect(problems(input({ provider: 'bedrock', url: undefined, region: 'us-east-1' }))).toEqual([expect.stringMatching(/^route chat: backend\.llm on aws: backend model: Bedrock answers its Converse and InvokeModel APIs, not the OpenAI chat completions/)]);
    expect(problems(input({ provider: 'vertex-ai', url: undefined, region: 'us-central1', project: 'my-project' }))).toEqual([expect.stringMatching(/needs a Google access token/)]);
    expect(problems(input({ provider: 'azure-openai', url: 'https://r.openai.azure.com' }))).toEqual([expect.stringMatching(/Azure OpenAI without apiKey means the platform's managed identity/)]);
    expect(problems(input({ apiKey: { secretRef: 'env:OPENAI_KEY' } }))).toEqual([expect.stringMatching(/reads provider keys only from Secrets Manager \(never from the template or its environment in clear\)/)]);
    expect(problems(input({ apiKey: { secretRef: 'aws-secretsmanager:bad name!' } }))).toEqual([expect.stringMatching(/is not a Secrets Manager secret name or ARN/)]);
    expect(problems(input({}, ['key'], { routes: [{ id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth: ['key'], transform: { request: { setHeaders: { 'x-a': 'b' } } } }] }))).toEqual([expect.stringMatching(/applies no request or response transforms/)]);
    // Budgets: one way to identify callers; per key needs an API key.
    expect(problems(input({ tokenLimit: { tokens: 10, period: 'minute' } }, [['key'], ['jwt']]))).toEqual([expect.stringMatching(/needs one way to identify the caller/)]);
    expect(problems(input({ tokenLimit: { tokens: 10, period: 'minute', per: 'key' } }, ['jwt']))).toEqual([expect.stringMatching(/a token budget per key counts per API key/)]);
    expect(problems(input({ tokenLimit: { tokens: 10, period: 'day', per: 'consumer', estimatePrompt: true } }, ['jwt']))).toEqual([]);
    // Guards: a guardrail must be named; masking is refused.
    expect(problems(input({ guards: { pii: {} } }))).toEqual([expect.stringMatching(/^route chat: llm\.piiGuard on aws: backend model: AWS applies the guard with an Amazon Bedrock guardrail .* set backends\.model\.guards\.bedrockGuardrail/)]);
    expect(problems(input({ guards: { pii: { action: 'mask' }, bedrockGuardrail: { id: 'a1', version: '1' } } }))).toEqual([expect.stringMatching(/does not put the guardrail's masked text back/)]);
    expect(problems(input(full))).toEqual([]);
  });

  it('the spec holds the guardrail to Bedrock\'s grammars, and refuses one without a guard', () => {
    const issues = (guards: Record<string, unknown>) => validateGateway(input({ guards }, 'none')).issues.filter((i) => i.severity === 'error').map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ promptSafety: {}, bedrockGuardrail: { id: 'Bad-Id', version: '1' } })).toEqual([expect.stringMatching(/^backends\.model\.guards\.bedrockGuardrail\.id: must be a Bedrock guardrail id/)]);
    expect(issues({ promptSafety: {}, bedrockGuardrail: { id: 'a1', version: '01' } })).toEqual([expect.stringMatching(/version: must be a guardrail version number/)]);
    expect(issues({ bedrockGuardrail: { id: 'a1', version: 'DRAFT' } })).toEqual([expect.stringMatching(/bedrockGuardrail: names the Bedrock guardrail .* but the backend has no guard/)]);
  });
});
