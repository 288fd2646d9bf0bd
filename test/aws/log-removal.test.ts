/**
 * AwsGateway's logRemovalPolicy: every log group the construct creates (the stages' access logs,
 * the generated authorizer's logs) is kept by `cdk destroy` by default and deleted with
 * RemovalPolicy.DESTROY.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import { toGatewaySpec } from '../../lib/model/normalize';
import { AwsGateway, type AwsGatewayProps } from '../../providers/aws/gateway';

const spec = toGatewaySpec({
  name: 'shop',
  version: '1',
  backends: { catalog: { type: 'http', url: 'https://catalog.example.com' } },
  authorizers: { jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'], jwksUri: 'https://id.example.com/jwks' } },
  stages: { dev: {}, prod: {} },
  observability: { accessLogs: true },
  routes: [{ id: 'listProducts', method: 'GET', path: '/products', backend: 'catalog', auth: ['jwt'] }],
});

function logGroups(props: Partial<AwsGatewayProps>): Record<string, { DeletionPolicy?: string; UpdateReplacePolicy?: string }> {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  new AwsGateway(stack, 'Gateway', { gateway: spec, ...props });
  return Template.fromStack(stack).findResources('AWS::Logs::LogGroup');
}

describe('AwsGateway logRemovalPolicy', () => {
  it('keeps every log group by default (access logs of each stage, the authorizer logs)', () => {
    const groups = logGroups({});
    expect(Object.keys(groups).filter((id) => /AccessLogs|Authorizer/.test(id)).length).toBeGreaterThanOrEqual(3);
    for (const [id, g] of Object.entries(groups)) expect([id, g.DeletionPolicy, g.UpdateReplacePolicy]).toEqual([id, 'Retain', 'Retain']);
  });

  it('RemovalPolicy.DESTROY deletes them with the stack', () => {
    const groups = logGroups({ logRemovalPolicy: RemovalPolicy.DESTROY });
    expect(Object.keys(groups).length).toBeGreaterThanOrEqual(3);
    for (const [id, g] of Object.entries(groups)) expect([id, g.DeletionPolicy]).toEqual([id, 'Delete']);
  });
});
