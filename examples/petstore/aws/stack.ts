/**
 * The petstore on AWS: a CDK stack with the AwsGateway construct and the Lambda function behind
 * the `orders-fn` binding. `npx cdk synth` (cdk.json) and `cdk deploy` use it.
 */
import * as path from 'node:path';
import { Stack, type StackProps } from 'aws-cdk-lib/core';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { GatewaySpec } from 'anygate';
import { AwsGateway } from 'anygate/aws';

export interface PetstoreStackProps extends StackProps {
  /** The petstore spec (or another gateway with an `orders-fn` binding). */
  readonly spec: GatewaySpec;
}

export class PetstoreStack extends Stack {
  readonly gateway: AwsGateway;

  constructor(scope: Construct, id: string, props: PetstoreStackProps) {
    super(scope, id, props);
    const orders = new lambda.Function(this, 'Orders', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'orders-handler.handler',
      code: lambda.Code.fromAsset(path.join(__dirname), { exclude: ['*.ts'] }),
      description: 'petstore orders backend',
    });
    this.gateway = new AwsGateway(this, 'Gateway', { gateway: props.spec, functions: { 'orders-fn': orders } });
  }
}
