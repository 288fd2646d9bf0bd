/**
 * AWS synth benchmark, one run: synthesizing 100 routes through AwsGateway against a hand-written
 * CDK RestApi with the same routes (resources, methods, HTTP integrations, a Lambda REQUEST
 * authorizer and API keys), with CDK's built-in template validation off and on. Prints times,
 * resource counts and template sizes, and the ratio anygate / hand-written (goal: at most 1.0).
 *
 *   npx tsx bench/aws-synth.ts
 */
import { App, Duration, Stack } from 'aws-cdk-lib/core';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { toGatewaySpec } from '../lib/model/normalize';
import type { GatewaySpec } from '../lib/model/types';
import { AwsGateway } from '../providers/aws/gateway';
import { generateGateway } from './gen-spec';

interface Result {
  ms: number;
  resources: number;
  bytes: number;
}

function measure(build: (stack: Stack) => void, validation: boolean): Result {
  const start = process.hrtime.bigint();
  const app = new App({ builtinCloudFormationValidation: validation });
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  build(stack);
  const asm = app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const template = asm.getStackByName('Bench').template;
  return { ms, resources: Object.keys(template.Resources).length, bytes: Buffer.byteLength(JSON.stringify(template)) };
}

function anygate(spec: GatewaySpec) {
  return (stack: Stack) => {
    const fn = lambda.Function.fromFunctionAttributes(stack, 'Fn', { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn', sameEnvironment: true });
    new AwsGateway(stack, 'Gateway', { gateway: spec, functions: { fn } });
  };
}

/** The same routes written the usual CDK way: one Resource and Method per route. */
function handWritten(spec: GatewaySpec) {
  return (stack: Stack) => {
    const api = new apigw.RestApi(stack, 'Api', { deployOptions: { stageName: 'prod', cachingEnabled: true, cacheClusterEnabled: true } });
    const authFn = new lambda.Function(stack, 'AuthFn', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})') });
    const authorizer = new apigw.RequestAuthorizer(stack, 'Auth', { handler: authFn, identitySources: [apigw.IdentitySource.header('Authorization')], resultsCacheTtl: Duration.minutes(5) });
    const backend = lambda.Function.fromFunctionAttributes(stack, 'Fn', { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn', sameEnvironment: true });
    for (const r of spec.routes) {
      const resource = r.path === '/' ? api.root : api.root.resourceForPath(r.path);
      const b = spec.backends[r.backend];
      const integration = b.type === 'http' ? new apigw.HttpIntegration(`${b.url}${r.path}`, { proxy: true, httpMethod: r.method }) : new apigw.LambdaIntegration(backend, { allowTestInvoke: false });
      const usesKey = r.auth !== 'none' && r.auth.flat().includes('key');
      resource.addMethod(r.method, integration, {
        apiKeyRequired: usesKey,
        ...(r.auth !== 'none' && r.auth.flat().includes('jwt') ? { authorizer, authorizationType: apigw.AuthorizationType.CUSTOM } : {}),
      });
    }
    const plan = api.addUsagePlan('Basic', { quota: { limit: 1000, period: apigw.Period.DAY } });
    plan.addApiStage({ stage: api.deploymentStage });
    plan.addApiKey(api.addApiKey('Acme'));
  };
}

function main(): void {
  const routes = Number(process.env.ROUTES ?? 100);
  const spec = toGatewaySpec(generateGateway(routes, { transforms: false }));
  // Warm both paths once (module loading, esbuild) so neither pays start-up costs in the timing.
  measure(anygate(spec), false);
  measure(handWritten(spec), false);
  console.log(`| ${routes} routes | validation | time ms | resources | template bytes |`);
  console.log('|---|---|---|---|---|');
  const ratios: string[] = [];
  for (const validation of [false, true]) {
    const runs = 3;
    const a: Result[] = [];
    const h: Result[] = [];
    for (let i = 0; i < runs; i++) {
      a.push(measure(anygate(spec), validation));
      h.push(measure(handWritten(spec), validation));
    }
    const med = (xs: Result[]) => xs.map((x) => x.ms).sort((p, q) => p - q)[Math.floor(runs / 2)];
    console.log(`| anygate AwsGateway | ${validation ? 'on' : 'off'} | ${med(a).toFixed(0)} | ${a[0].resources} | ${a[0].bytes} |`);
    console.log(`| hand-written RestApi | ${validation ? 'on' : 'off'} | ${med(h).toFixed(0)} | ${h[0].resources} | ${h[0].bytes} |`);
    ratios.push(`validation ${validation ? 'on' : 'off'}: anygate / hand-written = ${(med(a) / med(h)).toFixed(2)} (goal <= 1.0)`);
  }
  console.log('');
  for (const r of ratios) console.log(r);
}

main();
