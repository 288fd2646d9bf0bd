import { App, Stack } from 'aws-cdk-lib/core';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { functionBindings } from '../../lib/model/bindings';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { AwsGateway, type AwsGatewayProps } from '../../providers/aws/gateway';

/** An imported function standing in for a user's Lambda. */
export function fakeFunction(stack: Stack, name: string): lambda.IFunction {
  return lambda.Function.fromFunctionAttributes(stack, `Fn-${name}`, { functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`, sameEnvironment: true });
}

export interface Synth {
  app: App;
  stack: Stack;
  gateway: AwsGateway;
  template: Template;
  json: Record<string, any>;
}

/** Synthesizes `input` in a fresh app; every function binding of the spec gets a fake function. */
export function synthAws(input: unknown, props: Partial<AwsGatewayProps> = {}, outdir?: string, beforeSynth?: (app: App) => void): Synth {
  const spec: GatewaySpec = toGatewaySpec(input);
  // CDK's built-in template validation costs about 6 s of CPU per synth, and checks what cfn-lint checks: off.
  const app = new App({ ...(outdir ? { outdir } : {}), builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const functions = Object.fromEntries(functionBindings(spec).map((b) => [b, fakeFunction(stack, b)]));
  const gateway = new AwsGateway(stack, 'Gateway', { gateway: spec, functions, ...props });
  beforeSynth?.(app);
  const template = Template.fromStack(stack);
  return { app, stack, gateway, template, json: template.toJSON() };
}

export function resourcesOfType(json: Record<string, any>, type: string): [string, any][] {
  return Object.entries(json.Resources).filter(([, r]: [string, any]) => r.Type === type) as [string, any][];
}
