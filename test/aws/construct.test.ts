import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { SynthesisError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { baseSpec } from '../helpers';
import { cfnLintErrors, scratch } from '../validators';
import { fakeFunction, resourcesOfType, synthAws } from './helpers';
import { App, Stack } from 'aws-cdk-lib/core';
import { AwsGateway } from '../../providers/aws/gateway';
import { routeArn } from '../../lib/runtime/authorizer/policy';

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

  it('emits a stack output per stage URL (cdk deploy prints them) and a working url / restApi.url', () => {
    const url = (stage: string) => ({ 'Fn::Join': ['', ['https://', { Ref: Match.stringLikeRegexp('^GatewayApi') }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }, `/`, { Ref: Match.stringLikeRegexp(`^GatewayStage${stage}`) }, '/']] });
    template.hasOutput('*', { Value: url('Dev'), Description: 'Invoke URL of the dev stage of petstore (anygate)' });
    template.hasOutput('*', { Value: url('Prod'), Description: 'Invoke URL of the prod stage of petstore (anygate)' });
    expect(Object.keys(json.Outputs).sort()).toEqual([expect.stringMatching(/^GatewayUrlDev/), expect.stringMatching(/^GatewayUrlProd/)]);
    expect(Object.keys(gateway.urlOutputs).sort()).toEqual(['dev', 'prod']);
    // The default stage is prod: url, restApi.url (which throws on a SpecRestApi without deploy) and urlOf agree.
    const stack = Stack.of(gateway);
    expect(stack.resolve(gateway.url)).toEqual(stack.resolve(gateway.urlOf('prod')));
    expect(stack.resolve(gateway.restApi.url)).toEqual(stack.resolve(gateway.urlOf('prod')));
    expect(gateway.restApi.deploymentStage).toBe(gateway.stages.prod);
  });

  it('outputs: false emits no output; without a prod stage, url is the first stage by name', () => {
    const { json: quiet } = synthAws(petstore, { outputs: false });
    expect(quiet.Outputs).toBeUndefined();
    const { gateway: one, stack } = synthAws(petstore, { stageNames: ['dev'] });
    expect(stack.resolve(one.url)).toEqual(stack.resolve(one.urlOf('dev')));
  });

  it('gives each stage its own usage plans and keys, so a dev key never opens prod and quotas count per stage', () => {
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 4);
    for (const stage of ['Dev', 'Prod']) {
      template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        UsagePlanName: `petstore-gold-${stage.toLowerCase()}`,
        Quota: { Limit: 1000000, Period: 'MONTH' },
        Throttle: { RateLimit: 100, BurstLimit: 200 },
        ApiStages: [Match.objectLike({ Stage: { Ref: Match.stringLikeRegexp(`Stage${stage}`) } })],
      });
    }
    for (const [, plan] of resourcesOfType(json, 'AWS::ApiGateway::UsagePlan')) expect(plan.Properties.ApiStages).toHaveLength(1);
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 4);
    for (const [, key] of resourcesOfType(json, 'AWS::ApiGateway::ApiKey')) expect(key.Properties.Value).toBeUndefined();
    // Each key is attached to the usage plan of its own stage only.
    const keys = resourcesOfType(json, 'AWS::ApiGateway::UsagePlanKey');
    expect(keys).toHaveLength(4);
    for (const [, k] of keys) {
      const keyId = k.Properties.KeyId.Ref as string;
      const planId = k.Properties.UsagePlanId.Ref as string;
      expect(json.Resources[keyId].Properties.Name.replace(/^petstore-[a-z-]+-(dev|prod)$/, '$1')).toBe(json.Resources[planId].Properties.UsagePlanName.replace(/^petstore-[a-z]+-(dev|prod)$/, '$1'));
    }
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
    const keys = cfg.routeGroups.flatMap((g: { routes: string[] }) => g.routes);
    expect(keys.map(routeArn).sort()).toEqual(['*/v1/files/*', 'GET/v1/pets', 'GET/v1/pets/*', 'POST/v1/pets']);
  });

  it('keeps the resource count constant: no resource per route (2 stages x (2 plans + 2 keys + 2 plan keys) for keys; one documentation snapshot for the API description)', () => {
    expect(Object.keys(json.Resources)).toHaveLength(32);
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

  it('warns about a function passed under a name the spec binds to nothing (a misspelt key), unless ignoreWarnings silences it', () => {
    const warnings = (extra: Record<string, unknown>) => {
      const app = new App({ builtinCloudFormationValidation: false });
      const stack = new Stack(app, 'S');
      new AwsGateway(stack, 'G', { gateway: toGatewaySpec({ ...baseSpec(), ...extra }), functions: { fn: fakeFunction(stack, 'fn'), fnn: fakeFunction(stack, 'fnn') } });
      return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('unused-function-binding')).map((w) => String(w.entry.data));
    };
    expect(warnings({})).toEqual([expect.stringContaining('functions "fnn" passed to AwsGateway is not bound by the spec, so it is unused (the spec\'s function bindings: fn)')]);
    expect(warnings({ ignoreWarnings: ['aws-unused-function-binding'] })).toEqual([]);
  });

  it('refuses unsupported features at construction, naming the route', () => {
    const s = baseSpec();
    s.backends.api = { type: 'http', targets: [{ url: 'https://a.example.com', weight: 1 }, { url: 'https://b.example.com', weight: 1 }] };
    expect(() => synthAws(s)).toThrow(/route get-items-id: backend\.weighted on aws/);
  });

  it('ships a large body as an S3 asset API Gateway imports (BodyS3Location), with literal ARNs and no intrinsic left', () => {
    const { json, app } = synthAws(baseSpec(), { inlineBodyLimitBytes: 100 }, scratch('body'));
    const [, api] = resourcesOfType(json, 'AWS::ApiGateway::RestApi')[0];
    expect(api.Properties.Body).toBeUndefined();
    expect(api.Properties.BodyS3Location).toEqual({ Bucket: expect.anything(), Key: expect.stringMatching(/\.json$/) });
    const file = path.join(app.outdir, `asset.${api.Properties.BodyS3Location.Key.replace(/\.json$/, '')}.json`);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/Fn::|\$\{AWS::/);
    expect(text).toContain('arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.anygate_fn_fn}/invocations');
  });

  it('a large body in a stack without account and region ships with its pseudo parameters and is resolved at deploy time (cfn-lint clean)', () => {
    // No built-in CDK validation (seconds of CPU, the checks cfn-lint makes below), as in synthAws.
    const app = new App({ outdir: scratch('agnostic-body'), builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'NoEnv');
    const spec = toGatewaySpec(baseSpec());
    const functions = { fn: fakeFunction(stack, 'fn') };
    new AwsGateway(stack, 'G', { gateway: spec, functions, inlineBodyLimitBytes: 100 });
    const json = Template.fromStack(stack).toJSON();
    const [id, resolved] = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'Custom::AnygateApiBody')!;
    const api = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::ApiGateway::RestApi');
    expect(api.Properties.BodyS3Location.Key).toEqual({ 'Fn::GetAtt': [id, 'Key'] });
    const text = readFileSync(path.join(app.outdir, `asset.${resolved.Properties.Source}`), 'utf8');
    expect(text).not.toMatch(/Fn::|123456789012|us-east-1/);
    expect(text).toContain('arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/');
    const file = path.join(app.outdir, `${stack.artifactId}.template.json`);
    expect(cfnLintErrors(file)).toEqual([]);
  });

  it('the deploy-time resolver substitutes exactly the three pseudo parameters and answers CloudFormation', async () => {
    const { RESOLVER_CODE } = require('../../providers/aws/body') as typeof import('../../providers/aws/body');
    const puts: { Key: string; Body: string }[] = [];
    const responses: any[] = [];
    const source = '{"uri":"arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${stageVariables.f}/invocations"}';
    const fakeRequire = (m: string) => {
      if (m === '@aws-sdk/client-s3') {
        return {
          S3Client: class { async send(c: any) { if (c.kind === 'get') return { Body: { transformToString: async () => source } }; puts.push(c.input); return {}; } },
          GetObjectCommand: class { kind = 'get'; constructor(public input: any) {} },
          PutObjectCommand: class { kind = 'put'; constructor(public input: any) {} },
        };
      }
      if (m === 'node:https') {
        return { request: (_o: any, cb: any) => ({ on() {}, end(body: string) { responses.push(JSON.parse(body)); cb({ resume() {}, on(_e: string, f: () => void) { f(); } }); } }) };
      }
      throw new Error(m);
    };
    const mod: { exports: any } = { exports: {} };
    new Function('require', 'exports', 'module', RESOLVER_CODE)(fakeRequire, mod.exports, mod);
    const event = { RequestType: 'Create', ResponseURL: 'https://cfn.example/r?x=1', StackId: 's', RequestId: 'q', LogicalResourceId: 'B', ResourceProperties: { Bucket: 'b', Source: 'k.json', Target: 'k.json.resolved.json', Values: { Partition: 'aws-cn', Region: 'cn-north-1', AccountId: '111122223333' } } };
    await mod.exports.handler(event);
    expect(puts).toEqual([{ Bucket: 'b', Key: 'k.json.resolved.json', Body: source.replace(/\$\{AWS::Partition\}/g, 'aws-cn').replace(/\$\{AWS::Region\}/g, 'cn-north-1').replace('${AWS::AccountId}', '111122223333'), ContentType: 'application/json' }]);
    expect(puts[0].Body).toContain('${stageVariables.f}');
    expect(responses).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 's3://b/k.json.resolved.json', Data: { Key: 'k.json.resolved.json' } })]);
    await mod.exports.handler({ ...event, RequestType: 'Delete', PhysicalResourceId: 's3://b/k.json.resolved.json' });
    expect(puts).toHaveLength(1);
    expect(responses[1]).toMatchObject({ Status: 'SUCCESS' });
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
