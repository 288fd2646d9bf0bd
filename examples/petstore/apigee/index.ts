/**
 * The petstore on Apigee X: the proxy bundle, a deployment per environment (dev, prod), products,
 * developer apps and target servers.
 *
 *   pulumi config set gcp:project my-project && pulumi config set orgId my-project
 *   pulumi config set ordersHost orders-abc-uc.a.run.app
 *   pulumi config set serviceAccount apigee-proxy@my-project.iam.gserviceaccount.com
 *   pulumi config set prodHostname api.example.com        # optional: the urls output
 *   pulumi up
 *
 * The service account mints the Google ID tokens the proxy sends to the orders function: grant it
 * roles/run.invoker there, and keep the function private.
 */
import * as pulumi from '@pulumi/pulumi';
import { loadSpecFile, type ApigeeEnvironmentType } from 'anygate';
import { ApigeeGateway } from 'anygate/apigee';

const config = new pulumi.Config();
const { spec } = loadSpecFile(`${__dirname}/../gateway.yaml`);

const gateway = ApigeeGateway.fromSpec('petstore', {
  gateway: spec,
  orgId: config.require('orgId'),
  environmentType: (config.get('environmentType') ?? 'INTERMEDIATE') as ApigeeEnvironmentType,
  environments: { dev: 'dev', prod: 'prod' },
  functions: { 'orders-fn': config.require('ordersHost') },
  serviceAccount: config.require('serviceAccount'),
  // The environment groups' hostnames, for the urls output (optional).
  hostnames: Object.fromEntries(
    [['dev', config.get('devHostname')], ['prod', config.get('prodHostname')]].filter((e): e is [string, string] => Boolean(e[1])),
  ),
});

export const revision = gateway.revision;
export const products = gateway.productNames;
/** Each consumer's key, by stage (secret: `pulumi stack output credentials --show-secrets`). */
export const credentials = gateway.credentials;
/** Where each key lives: developer email and app name, by consumer and stage. */
export const keyReferences = gateway.keyReferences;
/** Each stage's URL, for the stages whose hostname is set. */
export const urls = gateway.urls;
