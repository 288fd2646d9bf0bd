/**
 * The petstore on Azure API Management. One stack per stage:
 *
 *   pulumi stack init dev && pulumi config set stage dev
 *   pulumi config set resourceGroupName rg-apis && pulumi config set serviceName contoso-apim
 *   pulumi config set ordersFunctionUrl https://orders-fn.azurewebsites.net/api
 *   pulumi up
 */
import * as pulumi from '@pulumi/pulumi';
import type { AzureSku } from '../../../lib/capabilities/table';
import { loadSpecFile } from '../../../lib/model/load';
import { AzureApimGateway } from '../../../providers/azure/gateway';

const config = new pulumi.Config();
const { spec } = loadSpecFile(`${__dirname}/../gateway.yaml`);

const gateway = new AzureApimGateway('petstore', {
  gateway: spec,
  stage: config.get('stage') ?? 'prod',
  resourceGroupName: config.require('resourceGroupName'),
  serviceName: config.require('serviceName'),
  sku: (config.get('sku') ?? 'Developer') as AzureSku,
  functions: { 'orders-fn': config.require('ordersFunctionUrl') },
});

export const apiId = gateway.apiId;
export const gatewayUrl = gateway.gatewayUrl;
export const productIds = gateway.productIds;
export const subscriptionIds = gateway.subscriptionIds;
