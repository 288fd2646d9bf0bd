/**
 * The petstore on Azure API Management. One stack per stage; stages may share one service, since
 * every API, product, subscription, backend and named value id carries the stage, and the API path
 * starts with it (https://<service>.azure-api.net/dev/v1, .../prod/v1):
 *
 *   pulumi stack init dev && pulumi config set stage dev
 *   pulumi config set resourceGroupName rg-apis && pulumi config set serviceName contoso-apim
 *   pulumi config set ordersFunctionUrl https://orders-fn.azurewebsites.net/api
 *   pulumi config set --secret ordersFunctionKey <a function key of the orders app>
 *   pulumi up
 *
 * The orders function should use authLevel "function": API Management sends the key, callers
 * without it are refused, so the gateway cannot be skipped.
 */
import * as pulumi from '@pulumi/pulumi';
import { loadSpecFile, type AzureSku } from 'anygate';
import { AzureApimGateway } from 'anygate/azure';

const config = new pulumi.Config();
const { spec } = loadSpecFile(`${__dirname}/../gateway.yaml`);

const gateway = AzureApimGateway.fromSpec('petstore', {
  gateway: spec,
  stage: config.get('stage') ?? 'prod',
  resourceGroupName: config.require('resourceGroupName'),
  serviceName: config.require('serviceName'),
  sku: (config.get('sku') ?? 'Developer') as AzureSku,
  functions: { 'orders-fn': { url: config.require('ordersFunctionUrl'), key: config.requireSecret('ordersFunctionKey') } },
});

export const apiId = gateway.apiId;
/** This stage's URL: the service gateway URL plus `<stage>/v1`. */
export const gatewayUrl = gateway.gatewayUrl;
/** The service's gateway hostname. */
export const hostname = gateway.hostname;
export const productIds = gateway.productIds;
export const subscriptionIds = gateway.subscriptionIds;
/** Each consumer's subscription key (secret: `pulumi stack output --show-secrets subscriptionKeys`). */
export const subscriptionKeys = gateway.subscriptionKeys;
