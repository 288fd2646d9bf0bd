/**
 * The CDK app that `npx cdk synth` runs (cdk.json). It loads the spec named by the context key
 * `anygate:spec` (default: examples/petstore/gateway.ts). Until the AWS adapter lands it
 * synthesizes a stack that only records the validated spec's route count.
 */
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { loadSpecFile } from '../lib/model/load';

const app = new App();
const specFile = (app.node.tryGetContext('anygate:spec') as string | undefined) ?? 'examples/petstore/gateway.ts';
const { spec } = loadSpecFile(specFile);
const stack = new Stack(app, `${spec.name}-gateway`);
new CfnOutput(stack, 'RouteCount', { value: String(spec.routes.length) });
app.synth();
