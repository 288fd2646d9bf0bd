import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { SynthesisError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { baseSpec } from '../helpers';
import { resourcesOfType, synthAws } from './helpers';
import { App, Stack } from 'aws-cdk-lib';
import { AwsGateway } from '../../providers/aws/gateway';

const petstore = parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8'));

describe('AwsGateway on the petstore', () => {
  const { template, json, gateway } = synthAws(petstore);

  it('defines one RestApi from the compiled body, with pseudo parameters substituted', () => {
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    const [, api] = resourcesOfType(json, 'AWS::ApiGateway::RestApi')[0];
    expect(api.Properties.Name).toBe('petstore');
    expect(Object.keys(api.Properties.Body.paths)).toEqual(Object.keys(gateway.plan.body.paths as object));
    const uri = api.Properties.Body.paths['/v1/orders'].post['x-amazon-apigateway-integration'].uri;
    expect(uri).toEqual({ 'Fn::Sub': expect.stringContaining(':function:${!stageVariables.anygate_transform}/invocations') });
    expect(api.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
  });

  it('creates one stage per spec stage with variables, caching, tracing, logs and throttles', () => {
    template.resourceCountIs('AWS::ApiGateway::Stage', 2);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      CacheClusterEnabled: true,
      CacheClusterSize: '0.5',
      TracingEnabled: true,
      Variables: Match.objectLike({ environment: 'dev', anygate_backend_pets: 'pets.dev.example.com', anygate_fn_orders_fn: 'orders-fn', anygate_authorizer: { Ref: Match.anyValue() }, anygate_transform: { Ref: Match.anyValue() } }),
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'INFO' }),
        Match.objectLike({ HttpMethod: 'GET', ResourcePath: '/~1v1~1pets', CachingEnabled: true, CacheTtlInSeconds: 60 }),
        Match.objectLike({ HttpMethod: 'POST', ResourcePath: '/~1v1~1pets', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
      ]),
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      Variables: Match.objectLike({ anygate_backend_pets: 'pets.internal.example.com' }),
      MethodSettings: Match.arrayWith([Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 })]),
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 4); // two stages' access logs, two generated functions' logs
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('turns plans into usage plans on every stage and consumers into generated API keys', () => {
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 2);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'petstore-gold',
      Quota: { Limit: 1000000, Period: 'MONTH' },
      Throttle: { RateLimit: 100, BurstLimit: 200 },
      ApiStages: [Match.objectLike({ Stage: { Ref: Match.stringLikeRegexp('StageDev') } }), Match.objectLike({ Stage: { Ref: Match.stringLikeRegexp('StageProd') } })],
    });
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 2);
    for (const [, key] of resourcesOfType(json, 'AWS::ApiGateway::ApiKey')) expect(key.Properties.Value).toBeUndefined();
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
  });

  it('grants API Gateway one invoke permission per function, scoped to this API', () => {
    const perms = resourcesOfType(json, 'AWS::Lambda::Permission');
    expect(perms).toHaveLength(3);
    const orders = perms.filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes('orders-fn'));
    expect(orders).toHaveLength(1);
    expect(JSON.stringify(orders[0][1].Properties.SourceArn)).toMatch(/execute-api.*Ref.*GatewayApi.*\/\*\/\*\/\*/);
  });

  it('bundles the generated authorizer and transform (Node.js 24, arm64) with their configuration', () => {
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', Description: Match.stringLikeRegexp('authorizer') });
    const kinds = gateway.bundles.map((b) => b.kind).sort();
    expect(kinds).toEqual(['authorizer', 'transform']);
    const cfg = JSON.parse(readFileSync(path.join(gateway.bundles.find((b) => b.kind === 'authorizer')!.dir, 'config.json'), 'utf8'));
    expect(cfg.routes.map((r: { arn: string }) => r.arn).sort()).toEqual(['*/v1/files/*', 'GET/v1/pets', 'GET/v1/pets/*', 'POST/v1/pets']);
  });

  it('keeps the resource count constant: no resource per route', () => {
    expect(Object.keys(json.Resources)).toHaveLength(25);
  });
});

describe('AwsGateway options and errors', () => {
  it('associates a WAF web ACL with every stage', () => {
    const { template } = synthAws(petstore, { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1' });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 2);
  });

  it('reads consumer keys from Secrets Manager through a dynamic reference', () => {
    const s = baseSpec();
    s.consumers.acme.apiKey = { secretRef: 'aws-secretsmanager:prod/acme' };
    const { json } = synthAws(s);
    const [, key] = resourcesOfType(json, 'AWS::ApiGateway::ApiKey')[0];
    expect(key.Properties.Value).toBe('{{resolve:secretsmanager:prod/acme:SecretString:::}}');
  });

  it('fails with the fix when a function binding is missing', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    expect(() => new AwsGateway(stack, 'G', { gateway: toGatewaySpec(baseSpec()) })).toThrow(SynthesisError);
    expect(() => new AwsGateway(new Stack(app, 'S2'), 'G', { gateway: toGatewaySpec(baseSpec()) })).toThrow(
      /route post-items: backend\.function on aws: function binding "fn" \(used by post-items\) has no Lambda function: pass functions: \{ 'fn': yourFunction \} to AwsGateway/,
    );
  });

  it('refuses unsupported features at construction, naming the route', () => {
    const s = baseSpec();
    s.backends.api = { type: 'http', targets: [{ url: 'https://a.example.com', weight: 1 }, { url: 'https://b.example.com', weight: 1 }] };
    expect(() => synthAws(s)).toThrow(/route get-items-id: backend\.weighted on aws/);
  });

  it('ships a large body as an S3 asset included by AWS::Include', () => {
    const { json } = synthAws(baseSpec(), { inlineBodyLimitBytes: 100 });
    const [, api] = resourcesOfType(json, 'AWS::ApiGateway::RestApi')[0];
    expect(api.Properties.Body).toEqual({ 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: expect.stringMatching(/^s3:\/\//) } } });
  });

  it('a new body replaces only the deployment', () => {
    const a = synthAws(baseSpec()).json;
    const s = baseSpec();
    s.routes.push({ method: 'GET', path: '/new', backend: 'api', auth: 'none' });
    const b = synthAws(s).json;
    const idsA = Object.keys(a.Resources).sort();
    const idsB = Object.keys(b.Resources).sort();
    const onlyA = idsA.filter((i) => !idsB.includes(i));
    const onlyB = idsB.filter((i) => !idsA.includes(i));
    expect(onlyA.map((i) => a.Resources[i].Type)).toEqual(['AWS::ApiGateway::Deployment']);
    expect(onlyB.map((i) => b.Resources[i].Type)).toEqual(['AWS::ApiGateway::Deployment']);
  });
});
