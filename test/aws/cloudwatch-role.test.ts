/**
 * AwsGateway's account-wide API Gateway CloudWatch Logs role (AWS::ApiGateway::Account and its
 * IAM role) follows the feature flag `@aws-cdk/aws-apigateway:disableCloudWatchRole` as RestApi
 * does; without the role, a stage that logs is warned about (API Gateway refuses it until the
 * account's role is set).
 */
import * as path from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib/core';
import { toGatewaySpec } from '../../lib/model/normalize';
import { functionBindings } from '../../lib/model/bindings';
import { AwsGateway, type AwsGatewayProps } from '../../providers/aws/gateway';
import { fakeFunction } from './helpers';
import { writeFileSync } from 'node:fs';
import { cfnLintErrors, scratch } from '../validators';

const FLAG = '@aws-cdk/aws-apigateway:disableCloudWatchRole';
// Two stages: dev logs (execution logs at info, access logs), prod logs errors only; no function to bundle.
const petstore = {
  name: 'shop',
  version: '1',
  backends: { catalog: { type: 'http', url: 'https://catalog.example.com' } },
  stages: { dev: { logLevel: 'info' }, prod: {} },
  observability: { accessLogs: true, logLevel: 'error' },
  routes: [{ id: 'listProducts', method: 'GET', path: '/products', backend: 'catalog', auth: 'none' }],
};
const quiet = { ...petstore, observability: { accessLogs: false, logLevel: 'off' }, stages: { dev: {}, prod: {} } };

function synth(input: unknown, context: Record<string, unknown>, props: Partial<AwsGatewayProps> = {}): { template: Template; annotations: Annotations } {
  const spec = toGatewaySpec(input);
  const app = new App({ builtinCloudFormationValidation: false, context });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  new AwsGateway(stack, 'Gateway', { gateway: spec, functions: Object.fromEntries(functionBindings(spec).map((b) => [b, fakeFunction(stack, b)])), ...props });
  return { template: Template.fromStack(stack), annotations: Annotations.fromStack(stack) };
}

const warning = Match.stringLikeRegexp('creates no API Gateway CloudWatch Logs role');

describe('AwsGateway cloudWatchRole', () => {
  it('without the flag: the account role is created, as before', () => {
    const { template, annotations } = synth(petstore, {});
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.arrayWith([Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('AmazonAPIGatewayPushToCloudWatchLogs')])]) })]) });
    annotations.hasNoWarning('*', warning);
  });

  it('with the flag set, as new cdk init projects do: no account role, and the logging stages are named', () => {
    const { template, annotations } = synth(petstore, { [FLAG]: true });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toMatch(/AmazonAPIGatewayPushToCloudWatchLogs/);
    const file = path.join(scratch('cw-role'), 'template.json');
    writeFileSync(file, JSON.stringify(template.toJSON()));
    expect(cfnLintErrors(file)).toEqual([]);
    annotations.hasWarning('/Test/Gateway', Match.stringLikeRegexp(`the app sets ${FLAG}, so cloudWatchRole defaults to false: this gateway creates no API Gateway CloudWatch Logs role, yet stages dev \\(execution logging \\(logLevel info\\), access logs\\); prod \\(execution logging \\(logLevel error\\), access logs\\) log to CloudWatch Logs`));
  });

  it('the prop wins over the flag either way; a stage that does not log is not warned about', () => {
    synth(petstore, { [FLAG]: true }, { cloudWatchRole: true }).template.resourceCountIs('AWS::ApiGateway::Account', 1);
    const off = synth(petstore, {}, { cloudWatchRole: false });
    off.template.resourceCountIs('AWS::ApiGateway::Account', 0);
    off.annotations.hasWarning('/Test/Gateway', Match.stringLikeRegexp('^cloudWatchRole is false: '));
    synth(quiet, { [FLAG]: true }).annotations.hasNoWarning('*', warning);
  });
});
