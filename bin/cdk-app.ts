/**
 * The CDK app that `npx cdk synth` / `cdk deploy` run (cdk.json). It synthesizes the petstore
 * stack from the spec named by the context key `anygate:spec` (default:
 * examples/petstore/gateway.ts); no credentials are needed to synthesize.
 */
import { App } from 'aws-cdk-lib/core';
import { PetstoreStack } from '../examples/petstore/aws/stack';
import { loadSpecFile } from '../lib/model/load';

const app = new App();
const specFile = (app.node.tryGetContext('anygate:spec') as string | undefined) ?? 'examples/petstore/gateway.ts';
const { spec } = loadSpecFile(specFile);
new PetstoreStack(app, `${spec.name}-gateway`, { spec });
app.synth();
