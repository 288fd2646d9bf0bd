/**
 * Alternative credentials on API Gateway, as synthesized for examples/payments (a token, or a key
 * in X-Api-Key, or a key in the api_key query parameter): the methods' authorizer and API key
 * requirement, the authorizer definition without decision cache or identity source, the
 * anygate-internal key with its secret, usage plan and IAM, checked with cfn-lint, cdk-nag and
 * openapi-spec-validator.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Validations } from 'aws-cdk-lib/core';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from './nag';
import { parse } from 'yaml';
import { capability } from '../../lib/capabilities/targets';
import { toGatewaySpec } from '../../lib/model/normalize';
import { ALTERNATIVES_SCHEME } from '../../providers/aws/auth';
import { scratch } from '../validators';
import { resourcesOfType, synthAws } from './helpers';

const payments = () => parse(readFileSync(path.join(__dirname, '../../examples/payments/gateway.yaml'), 'utf8'));
const petstore = () => parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8'));

describe('examples/payments on AWS', () => {
  const { template, json, gateway } = synthAws(payments());
  const body = gateway.plan.body as any;
  const op = (p: string, m: string) => body.paths[p][m];

  it('routes with alternatives use the generated authorizer without decision cache, identified only by the stage variable every stage sets, and require an API key', () => {
    const def = body.components.securitySchemes[ALTERNATIVES_SCHEME];
    expect(def['x-amazon-apigateway-authtype']).toBe('custom');
    // No header or query parameter as identity source: API Gateway would answer 401 without calling the authorizer when it is absent.
    expect(def['x-amazon-apigateway-authorizer']).toEqual({ type: 'request', identitySource: 'stageVariables.anygate_authorizer', authorizerUri: expect.stringContaining('stageVariables.anygate_authorizer'), authorizerResultTtlInSeconds: 0 });
    for (const [p, m] of [['/payments', 'get'], ['/payments/{id}', 'get'], ['/payments', 'post']]) {
      // api_key in the requirement is what makes API Gateway set apiKeyRequired on the method.
      expect(op(p, m).security).toEqual([{ [ALTERNATIVES_SCHEME]: [], api_key: [] }]);
    }
    expect(body['x-amazon-apigateway-api-key-source']).toBe('AUTHORIZER');
  });

  it('the scoped single-authorizer route and the public route keep their authorizer (cached decision) and none', () => {
    expect(op('/payments/{id}/refund', 'post').security).toEqual([{ 'anygate-oauth': [] }]);
    expect(body.components.securitySchemes['anygate-oauth']['x-amazon-apigateway-authorizer']).toMatchObject({ identitySource: 'method.request.header.Authorization, context.httpMethod, context.resourcePath', authorizerResultTtlInSeconds: 60 });
    expect(op('/health', 'get').security).toBeUndefined();
  });

  it('the anygate-internal key: value generated into Secrets Manager, handed to the ApiKey by a dynamic reference, on an unmetered plan of every stage', () => {
    const [[secretId, secret]] = resourcesOfType(json, 'AWS::SecretsManager::Secret');
    expect(secretId).toMatch(/^GatewayAnygateInternalKeySecret/);
    expect(secret.Properties.GenerateSecretString).toEqual({ PasswordLength: 40, ExcludePunctuation: true, IncludeSpace: false });
    expect(secret.Properties).not.toHaveProperty('SecretString');
    template.hasResourceProperties('AWS::ApiGateway::ApiKey', {
      Name: 'payments-anygate-internal',
      Enabled: true,
      Value: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
    });
    const plans = resourcesOfType(json, 'AWS::ApiGateway::UsagePlan');
    const internal = plans.find(([id]) => id.startsWith('GatewayAnygateInternalPlan'))![1].Properties;
    expect(internal).not.toHaveProperty('Quota');
    expect(internal).not.toHaveProperty('Throttle');
    const stages = resourcesOfType(json, 'AWS::ApiGateway::Stage').map(([id]) => ({ Ref: id }));
    expect(internal.ApiStages.map((s: any) => s.Stage)).toEqual(stages);
    expect(internal.ApiStages.every((s: any) => !s.Throttle || Object.keys(s.Throttle).length === 0)).toBe(true);
    // The consumer's plan keeps its quota and throttle.
    const standard = plans.find(([id]) => id.startsWith('GatewayPlanStandard'))![1].Properties;
    expect(standard).toMatchObject({ Quota: { Limit: 10000, Period: 'DAY' }, Throttle: { RateLimit: 10, BurstLimit: 20 } });
    const keyId = resourcesOfType(json, 'AWS::ApiGateway::ApiKey').find(([id]) => id.startsWith('GatewayAnygateInternalKey'))![0];
    const planId = plans.find(([id]) => id.startsWith('GatewayAnygateInternalPlan'))![0];
    template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyId: { Ref: keyId }, UsagePlanId: { Ref: planId }, KeyType: 'API_KEY' });
    // The value is nowhere in the template or the asset: CloudFormation generates it, the ApiKey resolves it.
    expect(Object.keys(secret.Properties).sort()).toEqual(['Description', 'GenerateSecretString']);
    expect(Object.keys(gateway.plan.authorizer!.config).filter((k) => /secret|value/i.test(k))).toEqual([]);
  });

  it('the authorizer reads the secret by the ARN in its environment, with GetSecretValue on that secret only', () => {
    const [secretId] = resourcesOfType(json, 'AWS::SecretsManager::Secret')[0];
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { ANYGATE_INTERNAL_KEY_SECRET: { Ref: secretId } } } });
    const statements = resourcesOfType(json, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const secretStatements = statements.filter((s: any) => JSON.stringify(s.Action).includes('secretsmanager'));
    expect(secretStatements).toEqual([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secretId } }]);
    expect(gateway.plan.authorizer!.config.internalKey).toBe(true);
  });

  it('stable logical ids: adding a route replaces nothing', () => {
    const more = payments();
    more.routes.push({ id: 'listRefunds', method: 'GET', path: '/refunds', backend: 'api', auth: ['oauth', 'headerKey'] });
    const ids = (j: Record<string, any>) => Object.keys(j.Resources).filter((id) => !id.startsWith('GatewayDeployment'));
    expect(ids(synthAws(more).json)).toEqual(ids(json));
  });

  // cfn-lint and openapi-spec-validator: examples/payments is a golden case (test/golden/validators.test.ts).

  it('cdk-nag AwsSolutions: 0 errors; the secret rotation finding is acknowledged with its reason', () => {
    const outdir = scratch('nag');
    try {
      synthAws(payments(), {}, outdir, (app) => {
        // examples/payments declares no request validation: the spec's choice, not this feature's (validators.test.ts covers validators).
        Validations.of(app).acknowledge({ id: 'AwsSolutions::AwsSolutions-APIG2', reason: 'examples/payments declares no request validation on its routes; the spec chooses, anygate does not add any' });
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      });
    } catch (e) {
      expect(String(e)).toMatch(/Validation ?failed/i);
    }
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const violations: { ruleName: string; severity: string }[] = report.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations);
    expect(violations.filter((v) => v.severity === 'error').map((v) => v.ruleName)).toEqual([]);
    expect([...new Set(violations.map((v) => v.ruleName))]).toEqual(['AwsSolutions-APIG3']);
    const suppressed: { ruleName: string; reason: string }[] = report.pluginReports.flatMap((r: { suppressedViolations: unknown[] }) => r.suppressedViolations ?? []);
    expect(suppressed.find((v) => v.ruleName === 'AwsSolutions-SMG4')?.reason).toMatch(/rotation Lambda would desynchronize/);
  });
});

describe('response cache on a route with alternatives', () => {
  it('is keyed by every credential the route can read (model rule 8)', () => {
    const s = payments();
    s.routes[1].cache = { ttlSeconds: 60 };
    const { gateway } = synthAws(s);
    const integration = (gateway.plan.body as any).paths['/payments/{id}'].get['x-amazon-apigateway-integration'];
    expect([...integration.cacheKeyParameters].sort()).toEqual(['method.request.header.Authorization', 'method.request.header.X-Api-Key', 'method.request.path.id', 'method.request.querystring.api_key']);
  });
});

describe('several stages', () => {
  it('one internal key and one internal plan cover every stage; consumer keys and plans stay per stage', () => {
    const s = payments();
    s.stages = { dev: {}, prod: {} };
    const { json } = synthAws(s);
    const plans = resourcesOfType(json, 'AWS::ApiGateway::UsagePlan');
    const internal = plans.filter(([id]) => id.startsWith('GatewayAnygateInternalPlan'));
    expect(internal).toHaveLength(1);
    expect(internal[0][1].Properties.ApiStages.map((x: any) => x.Stage.Ref).sort()).toEqual(resourcesOfType(json, 'AWS::ApiGateway::Stage').map(([id]) => id).sort());
    expect(resourcesOfType(json, 'AWS::ApiGateway::ApiKey').map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['GatewayAnygateInternalKey', 'GatewayKeyWidgetDev', 'GatewayKeyWidgetProd']);
  });
});

describe('the portability record', () => {
  it('auth.alternatives is emulated on aws; the report names the routes whose token callers the internal key stands in for', () => {
    const spec = toGatewaySpec(payments());
    const c = capability('aws', 'auth.alternatives', {}, spec);
    expect(c.support).toBe('emulated');
    expect(c.note).toMatch(/decision cache is off for these routes \(TTL 0; its identity source is a stage variable/);
    expect(c.note).toMatch(/; token callers keyed by the internal key on createPayment, getPayment, listPayments$/);
  });
});

describe('only what routes need', () => {
  it('a gateway without alternatives gets no internal key, secret or environment variable', () => {
    const { json, gateway } = synthAws(petstore());
    expect(resourcesOfType(json, 'AWS::SecretsManager::Secret')).toEqual([]);
    expect(Object.keys(json.Resources).filter((id) => id.includes('AnygateInternal'))).toEqual([]);
    expect(JSON.stringify(json)).not.toContain('ANYGATE_INTERNAL_KEY_SECRET');
    expect(gateway.plan.authorizer?.config.internalKey).toBeUndefined();
  });

  it('alternatives that all hold a key (header or query) require a key but need no internal key', () => {
    const s = payments();
    s.routes = [{ id: 'list', method: 'GET', path: '/payments', backend: 'api', auth: ['headerKey', 'queryKey'] }];
    const { json, gateway } = synthAws(s);
    expect((gateway.plan.body as any).paths['/payments'].get.security).toEqual([{ [ALTERNATIVES_SCHEME]: [], api_key: [] }]);
    expect(resourcesOfType(json, 'AWS::SecretsManager::Secret')).toEqual([]);
  });

  it('a token or the x-api-key header moves the key source to the authorizer (API Gateway would refuse a token caller without x-api-key)', () => {
    const s = payments();
    delete s.authorizers.queryKey;
    s.routes = [{ id: 'list', method: 'GET', path: '/payments', backend: 'api', auth: ['oauth', 'headerKey'] }];
    const { gateway, template } = synthAws(s);
    expect(gateway.plan.apiKeySource).toBe('AUTHORIZER');
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { UsagePlanName: 'payments-anygate-internal' });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Body: Match.objectLike({ 'x-amazon-apigateway-api-key-source': 'AUTHORIZER' }) });
  });

  it('alternatives of tokens only: no API key required, no internal key', () => {
    const s = payments();
    s.authorizers.partner = { type: 'jwt', issuer: 'https://partner.example.com/', audiences: ['payments'], jwksUri: 'https://partner.example.com/jwks', header: 'X-Partner-Token' };
    s.routes = [{ id: 'list', method: 'GET', path: '/payments', backend: 'api', auth: ['oauth', 'partner'] }];
    const { json, gateway } = synthAws(s);
    expect((gateway.plan.body as any).paths['/payments'].get.security).toEqual([{ [ALTERNATIVES_SCHEME]: [] }]);
    expect(resourcesOfType(json, 'AWS::SecretsManager::Secret')).toEqual([]);
  });
});
